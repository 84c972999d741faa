package dev.mxj.ndarray;

import dev.mxj.Context;
import dev.mxj.DeviceHandle;
import dev.mxj.autograd.Autograd;
import dev.mxj.autograd.GradReq;
import dev.mxj.autograd.Tape;
import dev.mxj.Devices;
import dev.mxj.device.Device;
import dev.mxj.device.Storage;
import dev.mxj.device.Tensor;
import dev.mxj.engine.Engine;
import dev.mxj.engine.FnProperty;
import dev.mxj.engine.Var;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Shape;
import dev.mxj.op.codegen.GenerateOpWrappers;
import dev.mxj.op.graph.NodeEntry;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An n-dimensional array on a device (MXNet's {@code NDArray}, DESIGN.md §6): a shape, a dtype
 * and a region of a storage chunk guarded by an engine variable. Views ({@link #slice},
 * {@link #at}, {@link #reshape}) share the chunk of the array they come from.
 *
 * <p>Operations are asynchronous: they return at once with their outputs, while the work is
 * queued on the engine. {@link #waitToRead}, {@link #toFloatArray} and friends,
 * {@link #asScalar} and {@link #toString} wait for pending writes; an error raised by a kernel
 * surfaces at such a call.
 *
 * <p>Memory: storage goes back to the device pool when the array (and every view on it) is
 * closed, when its {@link NDScope} closes, or when the garbage collector finds it unreachable;
 * see {@link MemoryManager}. Operator methods ({@code x.relu()}, {@code Nd.dot(a, b)}) are
 * generated from the operator registry into {@link NDArrayOps} and {@link Nd}.
 */
@GenerateOpWrappers
public final class NDArray extends NDArrayOps implements AutoCloseable {
    private volatile Chunk chunk;
    private final long byteOffset;
    private final Shape shape;
    private final DType dtype;
    private Tensor tensor;
    /** This array's place in the autograd graph (MXNet's {@code entry_}); null when it has none. */
    NodeEntry autogradEntry;

    NDArray(Chunk chunk, long byteOffset, Shape shape, DType dtype) { this(chunk, byteOffset, shape, dtype, true); }

    private NDArray(Chunk chunk, long byteOffset, Shape shape, DType dtype, boolean scoped) {
        chunk.retain();
        this.chunk = chunk;
        this.byteOffset = byteOffset;
        this.shape = shape;
        this.dtype = dtype;
        if (scoped) NDScope.track(this);
    }

    /** Another handle on the same region, outside every {@link NDScope} (autograd's tape keeps these). */
    NDArray share(boolean scoped) { return new NDArray(chunk(), byteOffset, shape, dtype, scoped); }

    /** A new array with uninitialised storage on {@code h}. */
    static NDArray allocate(DeviceHandle h, Shape shape, DType dtype) {
        if (!shape.isKnown()) throw new IllegalArgumentException("cannot allocate an array of unknown shape " + shape);
        long bytes = Math.multiplyExact(shape.size(), (long) dtype.byteSize());
        return new NDArray(new Chunk(h, bytes), 0, shape, dtype);
    }

    @Override final NDArray self() { return this; }

    // ------------------------------------------------------------------ creation

    /** Uninitialised array (MXNet's {@code mx.nd.empty}). */
    public static NDArray empty(Shape shape, DType dtype, Context ctx) { return allocate(Devices.handle(ctx), shape, dtype); }

    public static NDArray empty(Shape shape) { return empty(shape, DType.FLOAT32, Context.defaultContext()); }

    public static NDArray empty(long... shape) { return empty(Shape.of(shape)); }

    public static NDArray zeros(Shape shape, DType dtype, Context ctx) { return full(shape, 0, dtype, ctx); }

    public static NDArray zeros(Shape shape) { return zeros(shape, DType.FLOAT32, Context.defaultContext()); }

    public static NDArray zeros(long... shape) { return zeros(Shape.of(shape)); }

    public static NDArray ones(Shape shape, DType dtype, Context ctx) { return full(shape, 1, dtype, ctx); }

    public static NDArray ones(Shape shape) { return ones(shape, DType.FLOAT32, Context.defaultContext()); }

    public static NDArray ones(long... shape) { return ones(Shape.of(shape)); }

    /** An array filled with {@code value}, through the creation operators {@code _zeros}/{@code _ones}/{@code _full}. */
    public static NDArray full(Shape shape, double value, DType dtype, Context ctx) {
        NDArray out = empty(shape, dtype, ctx);
        return out.fill(value);
    }

    public static NDArray full(Shape shape, double value) { return full(shape, value, DType.FLOAT32, Context.defaultContext()); }

    /** Values in [start, stop) spaced by {@code step}, each repeated {@code repeat} times ({@code _arange}). */
    public static NDArray arange(double start, double stop, double step, int repeat, DType dtype, Context ctx) {
        return Imperative.invoke1("_arange", null, Map.of("start", start, "stop", stop, "step", step, "repeat", repeat,
                "dtype", dtype, "ctx", ctx.toString()), null);
    }

    public static NDArray arange(double start, double stop, double step) {
        return arange(start, stop, step, 1, DType.FLOAT32, Context.defaultContext());
    }

    public static NDArray arange(double start, double stop) { return arange(start, stop, 1); }

    /** Values 0, 1, ..., stop-1. */
    public static NDArray arange(double stop) { return arange(0, stop, 1); }

    /** {@code num} evenly spaced values from start to stop ({@code _linspace}). */
    public static NDArray linspace(double start, double stop, int num, boolean endpoint, DType dtype, Context ctx) {
        return Imperative.invoke1("_linspace", null, Map.of("start", start, "stop", stop, "num", num, "endpoint", endpoint,
                "dtype", dtype, "ctx", ctx.toString()), null);
    }

    public static NDArray linspace(double start, double stop, int num) {
        return linspace(start, stop, num, true, DType.FLOAT32, Context.defaultContext());
    }

    /** A 2-D array with ones on diagonal {@code k} ({@code _eye}); {@code m == 0} means square. */
    public static NDArray eye(long n, long m, long k, DType dtype, Context ctx) {
        return Imperative.invoke1("_eye", null, Map.of("N", n, "M", m, "k", k, "dtype", dtype, "ctx", ctx.toString()), null);
    }

    public static NDArray eye(long n) { return eye(n, 0, 0, DType.FLOAT32, Context.defaultContext()); }

    /** Zeros with this array's shape, dtype and context ({@code zeros_like}). */
    public NDArray zerosLike() { return Imperative.invoke1("zeros_like", new NDArray[] {this}, null, null); }

    /** Ones with this array's shape, dtype and context ({@code ones_like}). */
    public NDArray onesLike() { return Imperative.invoke1("ones_like", new NDArray[] {this}, null, null); }

    // ------------------------------------------------------------------ from Java arrays

    public static NDArray array(float[] data) { return array(data, Shape.of(data.length), Context.defaultContext()); }

    public static NDArray array(float[] data, Shape shape) { return array(data, shape, Context.defaultContext()); }

    public static NDArray array(float[] data, Shape shape, Context ctx) {
        checkCount(data.length, shape);
        return fromHost(MemorySegment.ofArray(data), DType.FLOAT32, shape, DType.FLOAT32, ctx);
    }

    public static NDArray array(double[] data) { return array(data, Shape.of(data.length), Context.defaultContext()); }

    public static NDArray array(double[] data, Shape shape) { return array(data, shape, Context.defaultContext()); }

    public static NDArray array(double[] data, Shape shape, Context ctx) { return array(data, shape, DType.FLOAT64, ctx); }

    /** Values converted to {@code dtype} (C casts; float16 rounded to half precision). */
    public static NDArray array(double[] data, Shape shape, DType dtype, Context ctx) {
        checkCount(data.length, shape);
        return fromHost(MemorySegment.ofArray(data), DType.FLOAT64, shape, dtype, ctx);
    }

    public static NDArray array(int[] data) { return array(data, Shape.of(data.length), Context.defaultContext()); }

    public static NDArray array(int[] data, Shape shape) { return array(data, shape, Context.defaultContext()); }

    public static NDArray array(int[] data, Shape shape, Context ctx) {
        checkCount(data.length, shape);
        return fromHost(MemorySegment.ofArray(data), DType.INT32, shape, DType.INT32, ctx);
    }

    public static NDArray array(long[] data) { return array(data, Shape.of(data.length), Context.defaultContext()); }

    public static NDArray array(long[] data, Shape shape) { return array(data, shape, Context.defaultContext()); }

    public static NDArray array(long[] data, Shape shape, Context ctx) {
        checkCount(data.length, shape);
        return fromHost(MemorySegment.ofArray(data), DType.INT64, shape, DType.INT64, ctx);
    }

    /** Bytes as {@code int8}; see {@link #array(byte[], Shape, DType, Context)} for {@code uint8} or {@code bool}. */
    public static NDArray array(byte[] data) { return array(data, Shape.of(data.length), DType.INT8, Context.defaultContext()); }

    /** Raw bytes as {@code int8}, {@code uint8} (image data) or {@code bool}. */
    public static NDArray array(byte[] data, Shape shape, DType dtype, Context ctx) {
        checkCount(data.length, shape);
        if (dtype.byteSize() != 1) throw new IllegalArgumentException("byte[] data needs a one-byte dtype (int8, uint8, bool), got " + dtype);
        return fromHost(MemorySegment.ofArray(data), dtype == DType.UINT8 ? DType.UINT8 : DType.INT8, shape, dtype, ctx);
    }

    public static NDArray array(boolean[] data, Shape shape, Context ctx) {
        checkCount(data.length, shape);
        byte[] b = new byte[data.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (data[i] ? 1 : 0);
        return fromHost(MemorySegment.ofArray(b), DType.BOOL, shape, DType.BOOL, ctx);
    }

    public static NDArray array(float[][] data) { return array(data, Context.defaultContext()); }

    public static NDArray array(float[][] data, Context ctx) { return array((Object) data, null, ctx); }

    public static NDArray array(double[][] data) { return array((Object) data, null, Context.defaultContext()); }

    /**
     * From a nested, rectangular Java array ({@code float[][][]}, {@code int[][]}, ...): the shape
     * is the nesting, the dtype that of the leaf type (float → float32, double → float64,
     * int → int32, long → int64, byte → int8, boolean → bool) unless {@code dtype} is given.
     */
    public static NDArray array(Object nested, DType dtype, Context ctx) {
        List<Long> dims = new ArrayList<>();
        Object o = nested;
        while (o != null && o.getClass().isArray()) {
            int n = Array.getLength(o);
            dims.add((long) n);
            if (!o.getClass().getComponentType().isArray()) break;
            if (n == 0) throw new IllegalArgumentException("cannot infer the shape of a nested array with an empty dimension");
            o = Array.get(o, 0);
        }
        if (o == null || !o.getClass().isArray()) throw new IllegalArgumentException("not a Java array of numbers: " + nested);
        Class<?> leaf = o.getClass().getComponentType();
        DType natural;
        if (leaf == float.class) natural = DType.FLOAT32;
        else if (leaf == double.class) natural = DType.FLOAT64;
        else if (leaf == int.class) natural = DType.INT32;
        else if (leaf == long.class) natural = DType.INT64;
        else if (leaf == byte.class) natural = DType.INT8;
        else if (leaf == boolean.class) natural = DType.BOOL;
        else throw new IllegalArgumentException("unsupported element type " + leaf.getName() + " (use float, double, int, long, byte or boolean)");
        long[] d = new long[dims.size()];
        for (int i = 0; i < d.length; i++) d[i] = dims.get(i);
        Shape shape = Shape.of(d);
        int total = Math.toIntExact(shape.size());
        int rowLen = (int) d[d.length - 1];
        Object flat = Array.newInstance(leaf == boolean.class ? byte.class : leaf, total);
        int[] pos = {0};
        flatten(nested, 0, d, rowLen, flat, pos);
        DType target = dtype == null ? natural : dtype;
        DType srcType = natural == DType.BOOL ? DType.BOOL : natural;
        MemorySegment src = switch (flat) {
            case float[] a -> MemorySegment.ofArray(a);
            case double[] a -> MemorySegment.ofArray(a);
            case int[] a -> MemorySegment.ofArray(a);
            case long[] a -> MemorySegment.ofArray(a);
            case byte[] a -> MemorySegment.ofArray(a);
            default -> throw new IllegalStateException();
        };
        return fromHost(src, srcType, shape, target, ctx == null ? Context.defaultContext() : ctx);
    }

    private static void flatten(Object a, int depth, long[] dims, int rowLen, Object flat, int[] pos) {
        int n = Array.getLength(a);
        if (n != dims[depth]) {
            throw new IllegalArgumentException("ragged nested array: dimension " + depth + " has length " + n + " where " + dims[depth] + " was expected");
        }
        if (depth == dims.length - 1) {
            if (a instanceof boolean[] b) {
                byte[] f = (byte[]) flat;
                for (int i = 0; i < n; i++) f[pos[0] + i] = (byte) (b[i] ? 1 : 0);
            } else {
                System.arraycopy(a, 0, flat, pos[0], n);
            }
            pos[0] += n;
            return;
        }
        for (int i = 0; i < n; i++) flatten(Array.get(a, i), depth + 1, dims, rowLen, flat, pos);
    }

    private static void checkCount(int length, Shape shape) {
        if (!shape.isKnown() || shape.size() != length) {
            throw new IllegalArgumentException("data has " + length + " elements but shape " + shape + " needs "
                    + (shape.isKnown() ? shape.size() : "a known shape"));
        }
    }

    /** Allocate and fill synchronously: nobody else can see the new array before it returns. */
    private static NDArray fromHost(MemorySegment src, DType srcType, Shape shape, DType dtype, Context ctx) {
        NDArray a = empty(shape, dtype, ctx);
        a.writeFromHost(src, srcType);
        return a;
    }

    private void writeFromHost(MemorySegment src, DType srcType) {
        Chunk c = chunk();
        long n = shape.size();
        Device dev = c.dev.device();
        MemorySegment host = c.storage.hostSegment();
        if (host != null) {
            HostData.convert(src, srcType, host.asSlice(byteOffset, n * dtype.byteSize()), dtype, n);
            return;
        }
        long bytes = n * dtype.byteSize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staged = arena.allocate(Math.max(1, bytes), 64);
            HostData.convert(src, srcType, staged, dtype, n);
            dev.copyFromHost(staged, c.storage, byteOffset, bytes);
        }
        Reference.reachabilityFence(c);
    }

    // ------------------------------------------------------------------ properties

    public Shape shape() { return shape; }

    public DType dtype() { return dtype; }

    public Context context() { return chunk().dev.context(); }

    public int ndim() { return shape.ndim(); }

    /** Number of elements. */
    public long size() { return shape.size(); }

    public boolean isClosed() { return chunk == null; }

    Chunk chunk() {
        Chunk c = chunk;
        if (c == null) throw new IllegalStateException("NDArray " + shape + " " + dtype + " is closed");
        return c;
    }

    /** What kernels see: this array's region of its storage. */
    Tensor tensor() {
        Tensor t = tensor;
        if (t == null) tensor = t = new Tensor(chunk().storage, byteOffset, shape, dtype);
        return t;
    }

    /** The engine variable guarding this array's storage (shared with its views). */
    public Var var() { return chunk().var; }

    // ------------------------------------------------------------------ synchronisation

    /** Wait until pending writes to this array have run; rethrows a kernel error stored on it. */
    public NDArray waitToRead() {
        Chunk c = chunk();
        Engine.get().waitForVar(c.var);
        Reference.reachabilityFence(c);
        return this;
    }

    /** Wait until pending reads and writes have run (so the caller may write the memory directly). */
    public NDArray waitToWrite() {
        Chunk c = chunk();
        // a no-op that mutates the var runs after every operation pushed on it so far
        Engine.get().push(rc -> {}, c.dev.execContext(), new Var[0], new Var[] {c.var}, FnProperty.NORMAL, Engine.DEFAULT_PRIORITY, "wait_to_write");
        Engine.get().waitForVar(c.var);
        Reference.reachabilityFence(c);
        return this;
    }

    /** Wait for every operation pushed so far, on every array. */
    public static void waitAll() { Engine.get().waitForAll(); }

    /** Read the contents after pending writes, converted element by element by {@code reader}. */
    private <T> T read(java.util.function.BiFunction<MemorySegment, Long, T> reader) {
        waitToRead();
        Chunk c = chunk();
        try {
            long n = shape.size();
            MemorySegment host = c.storage.hostSegment();
            if (host != null) return reader.apply(host.asSlice(byteOffset, n * dtype.byteSize()), n);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment tmp = arena.allocate(Math.max(1, n * dtype.byteSize()), 64);
                c.dev.device().copyToHost(c.storage, byteOffset, tmp, n * dtype.byteSize());
                return reader.apply(tmp, n);
            }
        } finally {
            Reference.reachabilityFence(c); // the storage must not be recycled while it is read
        }
    }

    public float[] toFloatArray() {
        return read((s, n) -> {
            float[] r = new float[Math.toIntExact(n)];
            if (dtype == DType.FLOAT32) MemorySegment.copy(s, HostData.F32, 0, r, 0, r.length);
            else for (int i = 0; i < r.length; i++) r[i] = (float) HostData.getDouble(s, dtype, i);
            return r;
        });
    }

    public double[] toDoubleArray() {
        return read((s, n) -> {
            double[] r = new double[Math.toIntExact(n)];
            for (int i = 0; i < r.length; i++) r[i] = HostData.getDouble(s, dtype, i);
            return r;
        });
    }

    public int[] toIntArray() {
        return read((s, n) -> {
            int[] r = new int[Math.toIntExact(n)];
            for (int i = 0; i < r.length; i++) r[i] = (int) HostData.getLong(s, dtype, i);
            return r;
        });
    }

    public long[] toLongArray() {
        return read((s, n) -> {
            long[] r = new long[Math.toIntExact(n)];
            for (int i = 0; i < r.length; i++) r[i] = HostData.getLong(s, dtype, i);
            return r;
        });
    }

    /** The raw bytes in this array's dtype, little-endian (as saved in .params files). */
    public byte[] toByteArray() {
        return read((s, n) -> s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }

    /** Values at the given flat indices (printing reads only what it shows). */
    double[] readDoublesAt(long[] idx) {
        return read((s, n) -> {
            double[] r = new double[idx.length];
            for (int i = 0; i < r.length; i++) r[i] = HostData.getDouble(s, dtype, idx[i]);
            return r;
        });
    }

    long[] readLongsAt(long[] idx) {
        return read((s, n) -> {
            long[] r = new long[idx.length];
            for (int i = 0; i < r.length; i++) r[i] = HostData.getLong(s, dtype, idx[i]);
            return r;
        });
    }

    /** The value of a one-element array (MXNet's {@code asscalar}). */
    public double asScalar() {
        if (shape.size() != 1) throw new IllegalStateException("asScalar needs an array of exactly one element, this one has shape " + shape);
        return toDoubleArray()[0];
    }

    // ------------------------------------------------------------------ views

    /** Rows [begin, end) along the first axis, sharing memory (MXNet's {@code x[begin:end]}). */
    public NDArray slice(long begin, long end) {
        if (shape.ndim() == 0) throw new IllegalArgumentException("cannot slice a scalar (0-d) array");
        long n = shape.dim(0);
        long b = begin < 0 ? begin + n : begin, e = end < 0 ? end + n : end;
        if (b < 0 || e > n || b > e) throw new IndexOutOfBoundsException("slice [" + begin + ", " + end + ") out of range for shape " + shape);
        long row = shape.prod(1, shape.ndim()) * dtype.byteSize();
        return recorded(new NDArray(chunk(), byteOffset + b * row, shape.withDim(0, e - b), dtype), "slice_axis", Map.of("axis", 0, "begin", b, "end", e));
    }

    /** Row {@code i} along the first axis, sharing memory, with one dimension less (MXNet's {@code x[i]}). */
    public NDArray at(long i) {
        if (shape.ndim() == 0) throw new IllegalArgumentException("cannot index a scalar (0-d) array");
        long n = shape.dim(0);
        long k = i < 0 ? i + n : i;
        if (k < 0 || k >= n) throw new IndexOutOfBoundsException("index " + i + " out of range for axis 0 of shape " + shape);
        long[] d = shape.dims();
        long[] rest = java.util.Arrays.copyOfRange(d, 1, d.length);
        if (Imperative.isRecording()) { // as MXNet's AtWithRecord: a recorded slice, then a recorded reshape
            try (NDArray row = slice(k, k + 1)) {
                return row.reshape(Shape.of(rest));
            }
        }
        long row = shape.prod(1, shape.ndim()) * dtype.byteSize();
        return new NDArray(chunk(), byteOffset + k * row, Shape.of(rest), dtype);
    }

    /**
     * The same memory with another shape of equal size, given with MXNet's special codes: 0 copies
     * a dimension, -1 infers one, -2 copies the rest, -3 merges two, -4 splits one (the Reshape
     * operator's shape inference decides, so the rules live in one place).
     *
     * @throws dev.mxj.op.ShapeException when the codes do not fit this array's shape
     */
    public NDArray reshape(long... newShape) {
        OpDef op = OpRegistry.global().get("Reshape");
        Shape target = op.inferOutputShapes(op.parseAttrs(Map.of("shape", newShape.clone())), new Shape[] {shape})[0];
        return reshape(target);
    }

    /** The same memory with the shape {@code s}, which must have this array's size. */
    public NDArray reshape(Shape s) {
        if (!s.isKnown() || s.size() != shape.size()) {
            throw new IllegalArgumentException("cannot reshape array of shape " + shape + " into shape " + s);
        }
        return recorded(new NDArray(chunk(), byteOffset, s, dtype), "Reshape", Map.of("shape", s));
    }

    /** While autograd records, a view is an operator call too (MXNet's ReshapeWithRecord, SliceWithRecord). */
    private NDArray recorded(NDArray view, String op, Map<String, ?> params) {
        if (Imperative.isRecording()) Tape.record(OpRegistry.global().get(op).parseAttrs(params), new NDArray[] {this}, new NDArray[] {view});
        return view;
    }

    /**
     * An array of another shape and dtype over the start of this array's memory (MXNet's
     * {@code NDArray::AsArray}): how an executor lays the entries its memory plan assigns to one
     * buffer onto that buffer. Shares the engine variable, so the engine orders every reader and
     * writer of the buffer. Not recorded by autograd; fails when the view does not fit.
     */
    public NDArray viewAs(Shape s, DType t) {
        if (!s.isKnown()) throw new IllegalArgumentException("viewAs: unknown shape " + s);
        long need = Math.multiplyExact(s.size(), (long) t.byteSize()), have = shape.size() * dtype.byteSize();
        if (need > have) {
            throw new IllegalArgumentException("viewAs: " + s + " " + t + " needs " + need + " bytes, this array (" + shape + " " + dtype
                    + ") has " + have);
        }
        return new NDArray(chunk(), byteOffset, s, t);
    }

    /** True when both arrays are views of the same storage chunk. */
    public boolean sharesMemoryWith(NDArray other) { return chunk() == other.chunk(); }

    // ------------------------------------------------------------------ copies and conversion

    /** A copy on {@code ctx} (always a new array, as MXNet's {@code copyto(ctx)}). */
    public NDArray copyTo(Context ctx) {
        NDArray dst = empty(shape, dtype, ctx);
        copyTo(dst);
        return dst;
    }

    /** A copy on the same context. */
    public NDArray copy() { return copyTo(context()); }

    /** This array when it already lives on {@code ctx}, else a copy there (MXNet's {@code as_in_context}). */
    public NDArray asInContext(Context ctx) { return context().equals(ctx) ? this : copyTo(ctx); }

    /**
     * Copy into {@code dst} (same shape; any context; the dtype is converted when it differs).
     * Asynchronous: reads this array and writes {@code dst} through the engine.
     */
    public NDArray copyTo(NDArray dst) {
        if (!dst.shape.equals(shape)) throw new IllegalArgumentException("copyTo: destination shape " + dst.shape + " differs from source shape " + shape);
        Chunk sc = chunk(), dc = dst.chunk();
        if (dst == this) return dst;
        boolean rec = Imperative.isRecording();
        if (rec) Tape.checkWritable("_copyto", new NDArray[] {dst});
        long srcOff = byteOffset, dstOff = dst.byteOffset, n = shape.size();
        DType st = dtype, dt = dst.dtype;
        Device sd = sc.dev.device(), dd = dc.dev.device();
        Storage ss = sc.storage, ds = dc.storage;
        DeviceHandle runOn = dc.dev.context().isCpu() ? sc.dev : dc.dev;
        FnProperty prop = sc.dev == dc.dev ? FnProperty.NORMAL : dc.dev.context().isCpu() ? FnProperty.COPY_FROM_DEVICE : FnProperty.COPY_TO_DEVICE;
        Var[] reads = sc == dc ? new Var[0] : new Var[] {sc.var};
        Engine.get().push(rc -> copyBytes(sd, ss, srcOff, st, dd, ds, dstOff, dt, n), runOn.execContext(), reads, new Var[] {dc.var},
                prop, Engine.DEFAULT_PRIORITY, "_copyto");
        Reference.reachabilityFence(sc); // see Imperative.push: no deletion may be scheduled before this push
        Reference.reachabilityFence(dc);
        if (rec) {
            var attrs = st == dt ? OpRegistry.global().get("_copyto").parseAttrs(Map.of()) : OpRegistry.global().get("Cast").parseAttrs(Map.of("dtype", dt));
            Tape.record(attrs, new NDArray[] {this}, new NDArray[] {dst});
        }
        return dst;
    }

    private static void copyBytes(Device sd, Storage ss, long so, DType st, Device dd, Storage ds, long dOff, DType dt, long n) {
        MemorySegment sh = ss.hostSegment(), dh = ds.hostSegment();
        long sb = n * st.byteSize(), db = n * dt.byteSize();
        if (st == dt) {
            if (sd == dd) sd.copy(ss, so, ds, dOff, sb);
            else if (sh != null) dd.copyFromHost(sh.asSlice(so, sb), ds, dOff, sb);
            else if (dh != null) sd.copyToHost(ss, so, dh.asSlice(dOff, db), sb);
            else {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment tmp = a.allocate(Math.max(1, sb), 64);
                    sd.copyToHost(ss, so, tmp, sb);
                    dd.copyFromHost(tmp, ds, dOff, sb);
                }
            }
            return;
        }
        if (sh != null && dh != null) {
            HostData.convert(sh.asSlice(so, sb), st, dh.asSlice(dOff, db), dt, n);
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment src = sh != null ? sh.asSlice(so, sb) : a.allocate(Math.max(1, sb), 64);
            if (sh == null) sd.copyToHost(ss, so, src, sb);
            MemorySegment dst = dh != null ? dh.asSlice(dOff, db) : a.allocate(Math.max(1, db), 64);
            HostData.convert(src, st, dst, dt, n);
            if (dh == null) dd.copyFromHost(dst, ds, dOff, db);
        }
    }

    /** A copy converted to {@code t} (MXNet's {@code astype}; always copies). */
    public NDArray asType(DType t) {
        NDArray dst = empty(shape, t, context());
        copyTo(dst);
        return dst;
    }

    // ------------------------------------------------------------------ assignment

    /** Fill with a scalar, asynchronously ({@code x[:] = v}); returns this array. */
    public NDArray set(double value) { return fill(value); }

    /** Copy {@code src}'s values into this array (same shape; converted to this dtype). */
    public NDArray set(NDArray src) {
        src.copyTo(this);
        return this;
    }

    /** Copy values from a Java array of this array's size (converted to this dtype). */
    public NDArray set(float[] values) {
        checkCount(values.length, shape);
        try (NDArray tmp = array(values, shape, context())) {
            tmp.copyTo(this);
        }
        return this;
    }

    public NDArray set(double[] values) {
        checkCount(values.length, shape);
        try (NDArray tmp = array(values, shape, dtype, context())) {
            tmp.copyTo(this);
        }
        return this;
    }

    private NDArray fill(double value) {
        if (shape.size() == 0) return this;
        String op = value == 0 ? "_zeros" : value == 1 ? "_ones" : "_full";
        Map<String, Object> p = new HashMap<>(4);
        p.put("shape", shape.ndim() == 0 ? Shape.of(1) : shape);
        p.put("dtype", dtype);
        if (op.equals("_full")) p.put("value", value);
        NDArray target = shape.ndim() == 0 ? reshape(Shape.of(1)) : this;
        try {
            Imperative.invoke(op, null, p, new NDArray[] {target});
        } finally {
            if (target != this) target.close();
        }
        return this;
    }

    // ------------------------------------------------------------------ arithmetic (MXNet's operator overloads)

    /** {@code this + other} with broadcasting ({@code broadcast_add}). */
    public NDArray add(NDArray other) { return binary("broadcast_add", other, null); }

    /** {@code this + s} ({@code _plus_scalar}). */
    public NDArray add(double s) { return scalar("_plus_scalar", s, null); }

    public NDArray sub(NDArray other) { return binary("broadcast_sub", other, null); }

    public NDArray sub(double s) { return scalar("_minus_scalar", s, null); }

    /** {@code s - this} ({@code _rminus_scalar}). */
    public NDArray rsub(double s) { return scalar("_rminus_scalar", s, null); }

    public NDArray mul(NDArray other) { return binary("broadcast_mul", other, null); }

    public NDArray mul(double s) { return scalar("_mul_scalar", s, null); }

    public NDArray div(NDArray other) { return binary("broadcast_div", other, null); }

    public NDArray div(double s) { return scalar("_div_scalar", s, null); }

    /** {@code s / this} ({@code _rdiv_scalar}). */
    public NDArray rdiv(double s) { return scalar("_rdiv_scalar", s, null); }

    public NDArray mod(NDArray other) { return binary("broadcast_mod", other, null); }

    public NDArray mod(double s) { return scalar("_mod_scalar", s, null); }

    public NDArray pow(NDArray other) { return binary("broadcast_power", other, null); }

    public NDArray pow(double s) { return scalar("_power_scalar", s, null); }

    /** {@code s ** this} ({@code _rpower_scalar}). */
    public NDArray rpow(double s) { return scalar("_rpower_scalar", s, null); }

    /** {@code -this} ({@code negative}). */
    public NDArray neg() { return Imperative.invoke1("negative", new NDArray[] {this}, null, null); }

    /** In place {@code this += other} ({@code broadcast_add} with {@code out=this}); returns this. */
    public NDArray addi(NDArray other) { return binary("broadcast_add", other, this); }

    public NDArray addi(double s) { return scalar("_plus_scalar", s, this); }

    public NDArray subi(NDArray other) { return binary("broadcast_sub", other, this); }

    public NDArray subi(double s) { return scalar("_minus_scalar", s, this); }

    public NDArray muli(NDArray other) { return binary("broadcast_mul", other, this); }

    public NDArray muli(double s) { return scalar("_mul_scalar", s, this); }

    public NDArray divi(NDArray other) { return binary("broadcast_div", other, this); }

    public NDArray divi(double s) { return scalar("_div_scalar", s, this); }

    /** Element-wise {@code ==} as 0/1 in this dtype ({@code broadcast_equal}). */
    public NDArray eq(NDArray other) { return binary("broadcast_equal", other, null); }

    public NDArray eq(double s) { return scalar("_equal_scalar", s, null); }

    public NDArray ne(NDArray other) { return binary("broadcast_not_equal", other, null); }

    public NDArray ne(double s) { return scalar("_not_equal_scalar", s, null); }

    public NDArray gt(NDArray other) { return binary("broadcast_greater", other, null); }

    public NDArray gt(double s) { return scalar("_greater_scalar", s, null); }

    public NDArray ge(NDArray other) { return binary("broadcast_greater_equal", other, null); }

    public NDArray ge(double s) { return scalar("_greater_equal_scalar", s, null); }

    public NDArray lt(NDArray other) { return binary("broadcast_lesser", other, null); }

    public NDArray lt(double s) { return scalar("_lesser_scalar", s, null); }

    public NDArray le(NDArray other) { return binary("broadcast_lesser_equal", other, null); }

    public NDArray le(double s) { return scalar("_lesser_equal_scalar", s, null); }

    private NDArray binary(String op, NDArray other, NDArray out) {
        return Imperative.invoke1(op, new NDArray[] {this, other}, null, out);
    }

    private NDArray scalar(String op, double s, NDArray out) {
        return Imperative.invoke1(op, new NDArray[] {this}, Map.of("scalar", s), out);
    }

    // ------------------------------------------------------------------ autograd

    /** Allocate a gradient buffer (zeros) and mark this array as a variable to differentiate with {@code write}. */
    public NDArray attachGrad() { return attachGrad(GradReq.WRITE); }

    /** MXNet's {@code attach_grad(grad_req)}: {@code write} overwrites, {@code add} accumulates, {@code null} skips. */
    public NDArray attachGrad(GradReq req) {
        Autograd.markVariables(List.of(this), List.of(NDScope.detach(zerosLikeUnrecorded())), List.of(req));
        return this;
    }

    private NDArray zerosLikeUnrecorded() {
        boolean rec = Imperative.setRecording(false);
        try {
            return zerosLike();
        } finally {
            Imperative.setRecording(rec);
        }
    }

    /** The gradient buffer attached by {@link #attachGrad}, or null. */
    public NDArray grad() { return Tape.gradOf(this); }

    /** How backward writes this array's gradient; {@link GradReq#NULL} when none is attached. */
    public GradReq gradReq() { return Tape.gradReqOf(this); }

    /** Back-propagate from this (recorded) array with a head gradient of ones, in training mode. */
    public void backward() { Autograd.backward(List.of(this), null, false, true); }

    /** Back-propagate with {@code headGrad} (null: ones). */
    public void backward(NDArray headGrad, boolean retainGraph, boolean trainMode) {
        Autograd.backward(List.of(this), headGrad == null ? null : Arrays.asList(headGrad), retainGraph, trainMode);
    }

    /** The same data, cut off from the autograd graph: gradients do not flow through the result. */
    public NDArray detach() { return share(true); }

    // ------------------------------------------------------------------ save / load

    /** Save arrays in MXNet's binary format ({@code mx.nd.save} with a list). */
    public static void save(Path file, List<NDArray> arrays) throws IOException { NDSerializer.save(file, arrays); }

    /** Save named arrays in MXNet's binary format ({@code mx.nd.save} with a dict). */
    public static void save(Path file, Map<String, NDArray> arrays) throws IOException { NDSerializer.save(file, arrays); }

    /** Load a file written by {@link #save} or by MXNet; names are empty for a saved list. */
    public static NDSerializer.Loaded load(Path file) throws IOException { return NDSerializer.load(file); }

    // ------------------------------------------------------------------ lifetime

    /**
     * Release this handle. The storage is recycled (after the operations already pushed on it)
     * once every array sharing it is closed or unreachable. Idempotent; using a closed array
     * throws {@link IllegalStateException}.
     */
    @Override
    public void close() {
        Chunk c = chunk;
        if (c == null) return;
        chunk = null;
        tensor = null;
        c.release();
    }

    /** MXNet's printed form, e.g. {@code \n[[1. 2.]\n [3. 4.]]\n<NDArray 2x2 @cpu(0)>}; waits for pending writes. */
    @Override
    public String toString() {
        if (chunk == null) return "<NDArray " + shapeText() + " (closed)>";
        return NDFormat.format(this);
    }

    String shapeText() {
        if (shape.ndim() == 0) return "";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.ndim(); i++) {
            if (i > 0) sb.append('x');
            sb.append(shape.dim(i));
        }
        return sb.toString();
    }
}
