package dev.mxj.io;

import dev.mxj.Context;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader of the idx format MNIST and Fashion-MNIST ship in: two zero bytes, a type byte, the
 * number of dimensions, each dimension as a big-endian int32, then the values big-endian. Files
 * may be gzipped (recognised by their content, not their name). Every error names the file and
 * says what is wrong, because a truncated download is the usual cause.
 */
public final class IdxReader {

    /** The element types idx defines, with their type byte. */
    public enum Type {
        UINT8(0x08, 1), INT8(0x09, 1), INT16(0x0B, 2), INT32(0x0C, 4), FLOAT32(0x0D, 4), FLOAT64(0x0E, 8);

        final int code, bytes;

        Type(int code, int bytes) { this.code = code; this.bytes = bytes; }

        public int code() { return code; }

        public int byteSize() { return bytes; }

        static Type of(int code) {
            for (Type t : values()) if (t.code == code) return t;
            return null;
        }

        /** The NDArray dtype holding this type without loss (int16 widens to int32: there is no int16 dtype). */
        public DType dtype() {
            return switch (this) {
                case UINT8 -> DType.UINT8;
                case INT8 -> DType.INT8;
                case INT16, INT32 -> DType.INT32;
                case FLOAT32 -> DType.FLOAT32;
                case FLOAT64 -> DType.FLOAT64;
            };
        }
    }

    /** The decoded content of one idx file (or of a range of its first axis). */
    public record IdxArray(Type type, int[] dims, ByteBuffer data) {
        /** Elements (product of the dimensions). */
        public long size() {
            long n = 1;
            for (int d : dims) n *= d;
            return n;
        }

        public double get(long i) {
            int at = Math.toIntExact(i * type.bytes);
            return switch (type) {
                case UINT8 -> data.get(at) & 0xFF;
                case INT8 -> data.get(at);
                case INT16 -> data.getShort(at);
                case INT32 -> data.getInt(at);
                case FLOAT32 -> data.getFloat(at);
                case FLOAT64 -> data.getDouble(at);
            };
        }

        /** All values as float (int32 beyond 2^24 loses precision). */
        public float[] toFloatArray() {
            float[] out = new float[Math.toIntExact(size())];
            for (int i = 0; i < out.length; i++) out[i] = (float) get(i);
            return out;
        }

        /** An array of {@link Type#dtype()} and these dimensions. */
        public NDArray toNDArray(Context ctx) {
            Shape shape = Shape.of(dims);
            int n = Math.toIntExact(size());
            return switch (type) {
                case UINT8, INT8 -> {
                    byte[] b = new byte[n];
                    data.get(0, b);
                    yield NDArray.array(b, shape, type.dtype(), ctx);
                }
                case INT16, INT32 -> {
                    int[] v = new int[n];
                    for (int i = 0; i < n; i++) v[i] = (int) get(i);
                    yield NDArray.array(v, shape, ctx);
                }
                case FLOAT32 -> {
                    float[] v = new float[n];
                    data.asFloatBuffer().get(0, v);
                    yield NDArray.array(v, shape, ctx);
                }
                case FLOAT64 -> {
                    double[] v = new double[n];
                    data.asDoubleBuffer().get(0, v);
                    yield NDArray.array(v, shape, ctx);
                }
            };
        }
    }

    /** The header only: type and dimensions. */
    public record Header(Type type, int[] dims) {
        long itemBytes() {
            long n = type.bytes;
            for (int i = 1; i < dims.length; i++) n *= dims[i];
            return n;
        }
    }

    private IdxReader() {}

    /** The whole file. */
    public static IdxArray read(Path file) throws IOException { return read(file, 0, -1); }

    /**
     * Items [{@code begin}, {@code end}) along the first axis ({@code end} -1: to the last);
     * the items before are skipped without being kept, so a shard costs only its own memory.
     * The file is still checked to the end, so a truncated file is never taken for a short one.
     */
    public static IdxArray read(Path file, long begin, long end) throws IOException {
        try (InputStream in = open(file)) {
            Header h = header(file, in);
            long count = h.dims.length == 0 ? 1 : h.dims[0];
            if (end < 0) end = count;
            if (h.dims.length == 0 && (begin != 0 || end != 1)) throw new IllegalArgumentException(file + ": a 0-d idx file has no items to select");
            if (begin < 0 || begin > end || end > count) {
                throw new IllegalArgumentException(file + ": item range [" + begin + ", " + end + ") is outside the " + count + " items");
            }
            long item = h.itemBytes();
            long keep = (end - begin) * item;
            if (keep > Integer.MAX_VALUE - 16) throw new IOException(file + ": " + keep + " bytes do not fit in one array");
            skipExactly(file, in, begin * item, h, 0);
            byte[] payload = new byte[(int) keep];
            int got = in.readNBytes(payload, 0, payload.length);
            if (got < payload.length) throw truncated(file, h, begin * item + got);
            skipExactly(file, in, (count - end) * item, h, end * item);
            int extra = in.read();
            if (extra >= 0) {
                throw new IOException(file + ": corrupt idx file: bytes follow the " + count * item + " bytes of data the header "
                        + describe(h) + " announces");
            }
            int[] dims = h.dims.clone();
            if (dims.length > 0) dims[0] = (int) (end - begin);
            return new IdxArray(h.type, dims, ByteBuffer.wrap(payload).order(ByteOrder.BIG_ENDIAN));
        } catch (ZipException | EOFException e) {
            throw new IOException(file + ": corrupt gzip stream (" + e.getMessage() + "); the file is damaged or truncated", e);
        }
    }

    /** Type and dimensions without the data. */
    public static Header readHeader(Path file) throws IOException {
        try (InputStream in = open(file)) {
            return header(file, in);
        } catch (ZipException | EOFException e) {
            throw new IOException(file + ": corrupt gzip stream (" + e.getMessage() + ")", e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new java.nio.file.NoSuchFileException(file.toString(), null, "idx file not found");
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read(), b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
        return raw;
    }

    private static Header header(Path file, InputStream in) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) throw new IOException(file + ": not an idx file: " + magic.length + " bytes, shorter than the 4-byte magic number");
        if (magic[0] != 0 || magic[1] != 0) {
            throw new IOException(file + ": not an idx file: the magic number must start with two zero bytes, found "
                    + String.format("0x%02x%02x%02x%02x", magic[0], magic[1], magic[2], magic[3]));
        }
        Type t = Type.of(magic[2] & 0xFF);
        if (t == null) {
            throw new IOException(file + ": unknown idx type byte " + String.format("0x%02x", magic[2] & 0xFF)
                    + " (expected 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32 or 0x0E float64)");
        }
        int nd = magic[3] & 0xFF;
        byte[] dimBytes = in.readNBytes(4 * nd);
        if (dimBytes.length < 4 * nd) {
            throw new IOException(file + ": truncated idx header: " + nd + " dimensions announced, only " + dimBytes.length / 4 + " present");
        }
        ByteBuffer bb = ByteBuffer.wrap(dimBytes).order(ByteOrder.BIG_ENDIAN);
        int[] dims = new int[nd];
        for (int i = 0; i < nd; i++) {
            dims[i] = bb.getInt();
            if (dims[i] < 0) throw new IOException(file + ": corrupt idx header: dimension " + i + " is negative (" + dims[i] + ")");
        }
        return new Header(t, dims);
    }

    private static void skipExactly(Path file, InputStream in, long n, Header h, long from) throws IOException {
        long left = n;
        byte[] sink = null;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) { // skip may stop early without being at the end; read to tell
                if (sink == null) sink = new byte[8192];
                int r = in.read(sink, 0, (int) Math.min(sink.length, left));
                if (r < 0) throw truncated(file, h, from + n - left);
                s = r;
            }
            left -= s;
        }
    }

    private static IOException truncated(Path file, Header h, long dataBytes) {
        long total = h.dims.length == 0 ? h.itemBytes() : h.dims[0] * h.itemBytes();
        return new IOException(file + ": truncated idx file: header " + describe(h) + " announces " + total
                + " bytes of data, the file has " + dataBytes);
    }

    private static String describe(Header h) {
        return h.type.name().toLowerCase() + " " + Arrays.toString(h.dims);
    }
}
