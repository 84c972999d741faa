package dev.mxj.ndarray;

import dev.mxj.Context;
import dev.mxj.DeviceUnavailableException;
import dev.mxj.Devices;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MXNet's binary NDArray list format ({@code .params}, {@code .nd}; {@code mx.nd.save/load}),
 * as defined by {@code NDArray::Save/Load} in MXNet's {@code src/ndarray/ndarray.cc}. All
 * integers little-endian:
 *
 * <pre>
 * uint64 0x112 (list magic) | uint64 0 (reserved) | uint64 count | count x array | uint64 nnames | nnames x (uint64 len, bytes)
 * array (V2): uint32 0xF993FAC9 | int32 storage type (0 = dense) | int32 ndim | int64 dims[ndim]
 *             | int32 dev_type | int32 dev_id | int32 type flag | raw data, row-major
 * </pre>
 *
 * A V2 array with ndim 0 is MXNet's "none" array and ends after its shape. Rank-0 (scalar)
 * arrays, which MXNet 1.x only has under numpy shape semantics, are written with the V3 magic
 * 0xF993FACA as MXNet does in that mode. Reading also accepts V1 arrays (magic 0xF993FAC8: no
 * storage type) and the older magic-less layout (uint32 ndim, uint32 dims). Sparse arrays are
 * rejected with a clear message. Every length read from a file is checked against the bytes
 * that remain before anything is allocated, so a corrupt file fails cleanly, naming the file.
 * Saving writes a temporary file and renames it, so a failed save leaves an existing file intact.
 */
public final class NDSerializer {
    static final long LIST_MAGIC = 0x112;
    static final int V1_MAGIC = 0xF993FAC8, V2_MAGIC = 0xF993FAC9, V3_MAGIC = 0xF993FACA;
    /** MXNet limits ndim to 32 (mshadow); more is a corrupt file. */
    static final int MAX_NDIM = 32;

    private NDSerializer() {}

    /** Arrays and names read from a file; names are empty when a list was saved. Entries may be null for MXNet "none" arrays. */
    public record Loaded(List<NDArray> arrays, List<String> names) {
        public boolean hasNames() { return !names.isEmpty(); }

        /** Named arrays in file order; fails when the file holds an unnamed list. */
        public Map<String, NDArray> asMap() {
            if (names.isEmpty() && !arrays.isEmpty()) throw new IllegalStateException("the file holds an unnamed list of arrays, not a dict");
            Map<String, NDArray> m = new LinkedHashMap<>();
            for (int i = 0; i < arrays.size(); i++) m.put(names.get(i), arrays.get(i));
            return m;
        }
    }

    // ---------------------------------------------------------------- save

    public static void save(Path file, List<NDArray> arrays) throws IOException { write(file, arrays, List.of()); }

    public static void save(Path file, Map<String, NDArray> arrays) throws IOException {
        write(file, new ArrayList<>(arrays.values()), new ArrayList<>(arrays.keySet()));
    }

    /** The file's bytes for a list (names empty) or dict, in memory. */
    public static byte[] toBytes(List<NDArray> arrays, List<String> names) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            writeTo(Channels.newChannel(bos), arrays, names);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bos.toByteArray();
    }

    private static void write(Path file, List<NDArray> arrays, List<String> names) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeTo(ch, arrays, names);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            if (e instanceof IOException io) throw new IOException(file + ": cannot save NDArrays: " + io.getMessage(), io);
            throw e;
        }
    }

    private static void writeTo(WritableByteChannel ch, List<NDArray> arrays, List<String> names) throws IOException {
        for (int i = 0; i < arrays.size(); i++) {
            if (arrays.get(i) == null) throw new IllegalArgumentException("array " + i + " to save is null");
            if (arrays.get(i).isClosed()) throw new IllegalArgumentException("array " + (names.isEmpty() ? "" + i : "'" + names.get(i) + "'") + " to save is closed");
        }
        ByteBuffer head = le(24);
        head.putLong(LIST_MAGIC).putLong(0).putLong(arrays.size()).flip();
        writeFully(ch, head);
        for (NDArray a : arrays) writeArray(ch, a);
        ByteBuffer n = le(8).putLong(names.size()).flip();
        writeFully(ch, n);
        for (String s : names) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            writeFully(ch, le(8).putLong(b.length).flip());
            writeFully(ch, ByteBuffer.wrap(b));
        }
    }

    private static void writeArray(WritableByteChannel ch, NDArray a) throws IOException {
        Shape s = a.shape();
        int ndim = s.ndim();
        ByteBuffer h = le(4 + 4 + 4 + 8 * ndim + 4 + 4 + 4);
        h.putInt(ndim == 0 ? V3_MAGIC : V2_MAGIC).putInt(0).putInt(ndim);
        for (int i = 0; i < ndim; i++) h.putLong(s.dim(i));
        Context c = a.context();
        h.putInt(c.devTypeCode()).putInt(c.isCpu() || c.deviceType().equals("gpu") ? c.deviceId() : 0).putInt(a.dtype().flag()).flip();
        writeFully(ch, h);
        byte[] data = a.toByteArray(); // waits for pending writes; copies from the device if needed
        writeFully(ch, ByteBuffer.wrap(data));
    }

    private static void writeFully(WritableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    private static ByteBuffer le(int n) { return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN); }

    // ---------------------------------------------------------------- load

    public static Loaded load(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(new Input(ch, ch.size(), file.toString()));
        }
    }

    /** Parse a file's bytes; {@code sourceName} appears in error messages. */
    public static Loaded fromBytes(byte[] bytes, String sourceName) throws IOException {
        return read(new Input(Channels.newChannel(new java.io.ByteArrayInputStream(bytes)), bytes.length, sourceName));
    }

    private static Loaded read(Input in) throws IOException {
        List<NDArray> arrays = new ArrayList<>();
        boolean ok = false;
        try {
            long magic = in.u64("list header");
            if (magic != LIST_MAGIC) throw in.corrupt("not an NDArray file (header 0x" + Long.toHexString(magic) + ", expected 0x112)");
            in.u64("reserved field");
            long count = in.u64("array count");
            // the smallest array record (a "none" array) takes 12 bytes
            if (count < 0 || count > in.remaining() / 12) throw in.corrupt("truncated: array count " + Long.toUnsignedString(count) + " is larger than the file can hold");
            for (long i = 0; i < count; i++) arrays.add(readArray(in, i));
            long nnames = in.u64("name count");
            if (nnames != 0 && nnames != count) throw in.corrupt("the file has " + count + " arrays but " + Long.toUnsignedString(nnames) + " names");
            List<String> names = new ArrayList<>();
            for (long i = 0; i < nnames; i++) {
                long len = in.u64("length of name " + i);
                if (len < 0 || len > in.remaining()) throw in.corrupt("truncated: name " + i + " claims " + Long.toUnsignedString(len) + " bytes but only " + in.remaining() + " remain");
                names.add(new String(in.bytes((int) len, "name " + i), StandardCharsets.UTF_8));
            }
            ok = true;
            return new Loaded(Collections.unmodifiableList(arrays), List.copyOf(names));
        } finally {
            if (!ok) for (NDArray a : arrays) if (a != null) a.close();
        }
    }

    private static NDArray readArray(Input in, long index) throws IOException {
        String what = "array " + index;
        int magic = in.i32(what + " header");
        long[] dims;
        if (magic == V2_MAGIC || magic == V3_MAGIC) {
            int stype = in.i32(what + " storage type");
            if (stype == 1 || stype == 2) {
                throw in.corrupt(what + " has " + (stype == 1 ? "row_sparse" : "csr") + " storage; only dense arrays are supported");
            }
            if (stype != 0) throw in.corrupt(what + " has unknown storage type " + stype);
            int ndim = in.i32(what + " ndim");
            if (magic == V2_MAGIC && ndim == 0 || magic == V3_MAGIC && ndim == -1) return null; // MXNet's "none" array
            dims = readDims(in, what, ndim, false);
        } else if (magic == V1_MAGIC) {
            int ndim = in.i32(what + " ndim");
            if (ndim == 0) return null;
            dims = readDims(in, what, ndim, false);
        } else {
            // oldest layout: no magic, the first word is ndim, dims are uint32
            if (magic < 0 || magic > MAX_NDIM) throw in.corrupt(what + " has an unknown header 0x" + Integer.toHexString(magic));
            if (magic == 0) return null;
            dims = readDims(in, what, magic, true);
        }
        int devType = in.i32(what + " device type");
        int devId = in.i32(what + " device id");
        if (devType != 1 && devType != 2 && devType != 3 && devType != 5) throw in.corrupt(what + " has unknown device type code " + devType);
        if (devId < 0 || devId > 1 << 16) throw in.corrupt(what + " has invalid device id " + devId);
        int flag = in.i32(what + " dtype");
        DType dtype;
        try {
            dtype = DType.fromFlag(flag);
        } catch (IllegalArgumentException e) {
            throw in.corrupt(what + " has unsupported dtype flag " + flag + " (" + flagName(flag) + ")");
        }
        Shape shape = Shape.of(dims);
        long size = 1;
        for (long d : dims) {
            if (d != 0 && size > Long.MAX_VALUE / d) throw in.corrupt(what + " has an absurd shape " + shape);
            size *= d;
        }
        if (size > in.remaining() / dtype.byteSize()) {
            throw in.corrupt("truncated: " + what + " of shape " + shape + " " + dtype + " needs " + size * dtype.byteSize()
                    + " bytes but only " + in.remaining() + " remain");
        }
        Context target = loadContext(devType, devId);
        NDArray a = NDArray.empty(shape, dtype, Context.cpu());
        try {
            MemorySegment seg = a.chunk().storage.hostSegment().asSlice(0, size * dtype.byteSize());
            in.readInto(seg, what + " data");
        } catch (IOException | RuntimeException e) {
            a.close();
            throw e;
        }
        if (target.isCpu()) return a;
        try (a) {
            return a.copyTo(target);
        }
    }

    private static long[] readDims(Input in, String what, int ndim, boolean u32) throws IOException {
        if (ndim < 0 || ndim > MAX_NDIM) throw in.corrupt(what + " has an absurd number of dimensions " + ndim);
        long[] dims = new long[ndim];
        for (int i = 0; i < ndim; i++) {
            dims[i] = u32 ? Integer.toUnsignedLong(in.i32(what + " dims")) : in.u64(what + " dims");
            if (dims[i] < 0) throw in.corrupt(what + " has a negative dimension " + dims[i]);
        }
        return dims;
    }

    /** The saved context when it exists here, else the CPU (as MXNet does without GPUs). */
    private static Context loadContext(int devType, int devId) {
        Context c = Context.fromDevType(devType, devId);
        if (c.isCpu()) return Context.cpu();
        try {
            Devices.handle(c);
            return c;
        } catch (DeviceUnavailableException e) {
            return Context.cpu();
        }
    }

    private static String flagName(int flag) {
        return switch (flag) {
            case 8 -> "int16";
            case 9 -> "uint16";
            case 10 -> "uint32";
            case 11 -> "uint64";
            case 12 -> "bfloat16";
            default -> "unknown";
        };
    }

    /** Bounded little-endian reads with the source name in every error. */
    private static final class Input {
        private final ReadableByteChannel ch;
        private final String name;
        private long remaining;
        private final ByteBuffer small = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        Input(ReadableByteChannel ch, long size, String name) {
            this.ch = ch;
            this.remaining = size;
            this.name = name;
        }

        long remaining() { return remaining; }

        IOException corrupt(String detail) { return new NDFileFormatException(name + ": invalid NDArray file: " + detail); }

        private void fill(ByteBuffer b, String what) throws IOException {
            int need = b.remaining();
            if (need > remaining) throw corrupt("truncated while reading " + what + " (" + need + " bytes needed, " + remaining + " remain)");
            while (b.hasRemaining()) {
                if (ch.read(b) < 0) throw new EOFException(name + ": unexpected end of file while reading " + what);
            }
            remaining -= need;
        }

        long u64(String what) throws IOException {
            small.clear().limit(8);
            fill(small, what);
            return small.flip().getLong();
        }

        int i32(String what) throws IOException {
            small.clear().limit(4);
            fill(small, what);
            return small.flip().getInt();
        }

        byte[] bytes(int n, String what) throws IOException {
            byte[] b = new byte[n];
            fill(ByteBuffer.wrap(b), what);
            return b;
        }

        void readInto(MemorySegment seg, String what) throws IOException {
            long off = 0, n = seg.byteSize();
            while (off < n) {
                int chunk = (int) Math.min(n - off, 1 << 26);
                fill(seg.asSlice(off, chunk).asByteBuffer(), what);
                off += chunk;
            }
        }
    }

    /** A file that is not a valid NDArray file (corrupt, truncated, or of an unsupported kind). */
    public static final class NDFileFormatException extends IOException {
        public NDFileFormatException(String message) { super(message); }
    }
}
