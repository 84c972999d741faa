package dev.mxj.js;

import dev.mxj.Context;
import dev.mxj.Devices;
import dev.mxj.Random;
import dev.mxj.autograd.Autograd;
import dev.mxj.autograd.GradReq;
import dev.mxj.executor.Executor;
import dev.mxj.initializer.Initializer;
import dev.mxj.callback.BatchEndCallback;
import dev.mxj.callback.BatchEndParam;
import dev.mxj.callback.Callbacks;
import dev.mxj.callback.EpochEndCallback;
import dev.mxj.callback.ProgressBar;
import dev.mxj.callback.Speedometer;
import dev.mxj.executor.Monitor;
import dev.mxj.interop.Checkpoints;
import dev.mxj.interop.Executors;
import dev.mxj.interop.GuestInitializer;
import dev.mxj.interop.GuestIter;
import dev.mxj.interop.GuestMetric;
import dev.mxj.interop.GuestOptimizer;
import dev.mxj.interop.Visualization;
import dev.mxj.interop.OpCatalog;
import dev.mxj.interop.OpInvoker;
import dev.mxj.interop.Symbols;
import dev.mxj.io.CSVIter;
import dev.mxj.io.DataBatch;
import dev.mxj.io.DataDesc;
import dev.mxj.io.DataIter;
import dev.mxj.model.FeedForward;
import dev.mxj.io.MNISTIter;
import dev.mxj.io.NDArrayIter;
import dev.mxj.metric.EvalMetric;
import dev.mxj.metric.Metric;
import dev.mxj.module.BaseModule;
import dev.mxj.module.BucketingModule;
import dev.mxj.module.SequentialModule;
import dev.mxj.module.Module;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDSerializer;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.optimizer.Kwargs;
import dev.mxj.optimizer.Optimizer;
import dev.mxj.optimizer.Updater;
import dev.mxj.optimizer.lr.CosineScheduler;
import dev.mxj.optimizer.lr.FactorScheduler;
import dev.mxj.optimizer.lr.LRScheduler;
import dev.mxj.optimizer.lr.MultiFactorScheduler;
import dev.mxj.optimizer.lr.PolyScheduler;
import dev.mxj.symbol.AttrScope;
import dev.mxj.symbol.NameManager;
import dev.mxj.symbol.Symbol;
import dev.mxj.viz.Viz;
import org.graalvm.polyglot.HostAccess.Export;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one host object the {@code mxnet} JS module talks to. Handles (NDArray, OpInvoker,
 * Optimizer, ...) cross into JS as opaque host objects; JS only passes them back here. Each
 * method is one short Java call, typed so that GraalJS calls it without conversions on the hot
 * path ({@link #call1}, {@link #call2}); option objects arrive as JS values with MXNet's
 * snake_case keys (the JS side renames) and are read with {@link Kwargs}, so a misspelt option
 * fails as in MXNet. Exceptions propagate as host exceptions, which the JS side turns into
 * {@code MXNetError} through {@link #errorInfo}.
 */
public final class Bridge {
    Bridge() {}

    // ------------------------------------------------------------------ errors

    /**
     * What a caught host exception means to JS: the guest error it carries (a JS callback's own
     * error passing back through Java), or its message for an {@code MXNetError}; null when
     * {@code e} is not a Java exception.
     */
    @Export public Object errorInfo(Object e) {
        if (!(e instanceof Throwable t)) return null;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof PolyglotException p && p.isGuestException()) return p.getGuestObject();
        }
        return message(t);
    }

    static String message(Throwable t) {
        if (t instanceof UncheckedIOException u && u.getCause() != null) t = u.getCause();
        if (t instanceof NoSuchFileException f) return "No such file or directory: " + f.getFile() + (f.getReason() == null ? "" : " (" + f.getReason() + ")");
        if (t instanceof AccessDeniedException f) return "Permission denied: " + f.getFile();
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            Throwable c = t.getCause();
            m = c != null && c.getMessage() != null ? c.getMessage() : t.getClass().getSimpleName();
        }
        return m;
    }

    // ------------------------------------------------------------------ operators

    /**
     * Every operator name with its camelCase alias, one {@code name<TAB>alias} line each: all the JS
     * side reads at import. Functions are made on first use from {@link #opInfo}, so start-up does
     * not pay for hundreds of operators a script never calls.
     */
    @Export public String opIndex() {
        StringBuilder b = new StringBuilder(32 * 1024);
        for (String name : dev.mxj.op.OpRegistry.global().allNames()) b.append(name).append('\t').append(camel(name)).append('\n');
        return b.toString();
    }

    /** {@code softmax_cross_entropy} -> {@code softmaxCrossEntropy}; leading underscores stay. */
    static String camel(String name) {
        StringBuilder b = new StringBuilder(name.length());
        int i = 0;
        while (i < name.length() && name.charAt(i) == '_') b.append(name.charAt(i++));
        boolean up = false;
        for (; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_' && i + 1 < name.length()) { up = true; continue; }
            b.append(up ? Character.toUpperCase(c) : c);
            up = false;
        }
        return b.toString();
    }

    /** One operator as JSON: {@code [name, inputs[], numArgsParam|null, paramNames[]]} (inputs empty when they depend on parameters). */
    @Export public String opInfo(String name) {
        OpCatalog.OpInfo o = OpCatalog.info(name);
        StringBuilder b = new StringBuilder(256).append('[').append(json(o.name())).append(",[");
        for (int i = 0; i < o.inputs().size(); i++) b.append(i > 0 ? "," : "").append(json(o.inputs().get(i)));
        b.append("],").append(o.numArgsParam() == null ? "null" : json(o.numArgsParam())).append(",[");
        for (int i = 0; i < o.params().size(); i++) b.append(i > 0 ? "," : "").append(json(o.params().get(i).name()));
        return b.append("]]").toString();
    }

    /** MXNet-style help for one operator: its doc, then its inputs and parameters with types and defaults. */
    @Export public String opDoc(String name) {
        OpCatalog.OpInfo o = OpCatalog.info(name);
        StringBuilder b = new StringBuilder(o.doc().strip()).append("\n\nParameters\n----------\n");
        for (String in : o.inputs()) b.append(in).append(" : NDArray\n");
        for (OpCatalog.ParamInfo p : o.params()) {
            b.append(p.name()).append(" : ").append(p.type()).append('\n');
            if (!p.doc().isEmpty()) b.append("    ").append(p.doc().strip()).append('\n');
        }
        return b.toString();
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    @Export public OpInvoker invoker(String op, Value keys, Value values) {
        return OpInvoker.of(op, strings(keys), strings(values));
    }

    @Export public NDArray call0(OpInvoker inv) { return inv.call0(); }

    @Export public NDArray call1(OpInvoker inv, NDArray a) { return inv.call1(a); }

    @Export public NDArray call2(OpInvoker inv, NDArray a, NDArray b) { return inv.call2(a, b); }

    @Export public NDArray[] invoke(OpInvoker inv, Value inputs) { return inv.invoke(handles(inputs)); }

    @Export public NDArray[] invokeInto(OpInvoker inv, Value inputs, Value out) { return inv.invokeInto(handles(inputs), handles(out)); }

    // ------------------------------------------------------------------ arrays

    /** An array from the bytes of a JS ArrayBuffer (a TypedArray's view: offset and length in bytes). */
    @Export public NDArray fromBuffer(Value buffer, long byteOffset, long byteLength, String dtype, Value shape, Context ctx) {
        DType t = DType.parse(dtype);
        Shape s = Shape.of(longs(shape));
        if (byteLength != s.size() * t.byteSize()) {
            throw new IllegalArgumentException("array: " + (byteLength / t.byteSize()) + " values do not fill shape " + s);
        }
        byte[] raw = new byte[Math.toIntExact(byteLength)];
        buffer.readBuffer(byteOffset, raw, 0, raw.length);
        ByteBuffer bb = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        return switch (t) {
            case FLOAT32 -> { float[] a = new float[(int) s.size()]; bb.asFloatBuffer().get(a); yield NDArray.array(a, s, ctx); }
            case FLOAT64 -> { double[] a = new double[(int) s.size()]; bb.asDoubleBuffer().get(a); yield NDArray.array(a, s, DType.FLOAT64, ctx); }
            case INT32 -> { int[] a = new int[(int) s.size()]; bb.asIntBuffer().get(a); yield NDArray.array(a, s, ctx); }
            case INT64 -> { long[] a = new long[(int) s.size()]; bb.asLongBuffer().get(a); yield NDArray.array(a, s, ctx); }
            case INT8, UINT8 -> NDArray.array(raw, s, t, ctx);
            default -> throw new IllegalArgumentException("array: cannot build a " + dtype + " array from a typed array");
        };
    }

    /** The array's bytes (little-endian, its own dtype) in a buffer JS wraps in an ArrayBuffer. */
    @Export public ByteBuffer toBuffer(NDArray a) { return ByteBuffer.wrap(a.toByteArray()).order(ByteOrder.LITTLE_ENDIAN); }

    @Export public long[] shape(NDArray a) { return a.shape().dims(); }

    @Export public String dtype(NDArray a) { return a.dtype().toString(); }

    @Export public Context context(NDArray a) { return a.context(); }

    @Export public long size(NDArray a) { return a.size(); }

    @Export public double asScalar(NDArray a) { return a.asScalar(); }

    @Export public String str(NDArray a) { return a.toString(); }

    @Export public void waitToRead(NDArray a) { a.waitToRead(); }

    @Export public void waitAll() { NDArray.waitAll(); }

    @Export public void dispose(NDArray a) { a.close(); }

    @Export public boolean isDisposed(NDArray a) { return a.isClosed(); }

    @Export public NDArray reshape(NDArray a, Value dims) { return a.reshape(longs(dims)); }

    @Export public NDArray slice(NDArray a, long begin, long end) { return a.slice(begin, end); }

    @Export public NDArray at(NDArray a, long i) { return a.at(i); }

    @Export public NDArray copy(NDArray a) { return a.copy(); }

    @Export public NDArray copyToContext(NDArray a, Context ctx) { return a.copyTo(ctx); }

    @Export public NDArray copyTo(NDArray a, NDArray dst) { return a.copyTo(dst); }

    @Export public NDArray asType(NDArray a, String dtype) { return a.asType(DType.parse(dtype)); }

    @Export public NDArray fill(NDArray a, double v) { return a.set(v); }

    @Export public NDArray assign(NDArray dst, NDArray src) { return dst.set(src); }

    @Export public boolean sharesMemory(NDArray a, NDArray b) { return a.sharesMemoryWith(b); }

    @Export public void save(String file, Value names, Value arrays) throws IOException {
        NDArray[] a = handles(arrays);
        if (names == null || names.isNull()) {
            NDArray.save(Path.of(file), List.of(a));
        } else {
            String[] n = strings(names);
            Map<String, NDArray> m = new LinkedHashMap<>();
            for (int i = 0; i < n.length; i++) m.put(n[i], a[i]);
            NDArray.save(Path.of(file), m);
        }
    }

    /** [names (empty for a list), arrays]. */
    @Export public Object[] load(String file) throws IOException {
        NDSerializer.Loaded l = NDArray.load(Path.of(file));
        return new Object[] {l.names().toArray(String[]::new), l.arrays().toArray(NDArray[]::new)};
    }

    // ------------------------------------------------------------------ autograd

    @Export public NDArray attachGrad(NDArray a, String req) { return a.attachGrad(GradReq.parse(req)); }

    @Export public NDArray grad(NDArray a) { return a.grad(); }

    @Export public NDArray detach(NDArray a) { return a.detach(); }

    /** Enter a scope: recording true/false/null (unchanged) with the given training mode. */
    @Export public AutoCloseable scope(String kind, boolean train) {
        return switch (kind) {
            case "record" -> Autograd.record(train);
            case "pause" -> Autograd.pause(train);
            case "train" -> Autograd.trainMode();
            case "predict" -> Autograd.predictMode();
            default -> throw new IllegalArgumentException("unknown autograd scope " + kind);
        };
    }

    @Export public void closeScope(AutoCloseable s) throws Exception { s.close(); }

    @Export public boolean isRecording() { return Autograd.isRecording(); }

    @Export public boolean isTraining() { return Autograd.isTraining(); }

    @Export public boolean setRecording(boolean b) { return Autograd.setRecording(b); }

    @Export public boolean setTraining(boolean b) { return Autograd.setTraining(b); }

    @Export public void markVariables(Value vars, Value grads, Value reqs) {
        List<GradReq> r = new ArrayList<>();
        for (String s : strings(reqs)) r.add(GradReq.parse(s));
        Autograd.markVariables(List.of(handles(vars)), List.of(handles(grads)), r);
    }

    @Export public void backward(Value heads, Value headGrads, boolean retainGraph, boolean train) {
        Autograd.backward(List.of(handles(heads)), nullableList(headGrads), retainGraph, train);
    }

    @Export public NDArray[] gradOf(Value heads, Value vars, Value headGrads, boolean retainGraph, boolean createGraph, boolean train) {
        return Autograd.grad(List.of(handles(heads)), List.of(handles(vars)), nullableList(headGrads), retainGraph, createGraph, train)
                .toArray(NDArray[]::new);
    }

    // ------------------------------------------------------------------ context, random

    @Export public Context context(String type, int id) { return Context.of(type, id); }

    @Export public Context defaultContext() { return Context.defaultContext(); }

    @Export public String contextType(Context c) { return c.deviceType(); }

    @Export public int contextId(Context c) { return c.deviceId(); }

    @Export public int numDevices(String type) {
        return Devices.list().stream().filter(d -> d.deviceType().equals(type) && d.usable()).mapToInt(Devices.DeviceInfo::count).sum();
    }

    /** CPU time of the calling thread in ns (benchmarks on a shared machine report it beside wall time). */
    @Export public long threadCpuNanos() { return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime(); }
    @Export public long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    @Export public void seed(long s) { Random.seed(s); }

    @Export public void seed(long s, Context ctx) { Random.seed(s, ctx); }

    // ------------------------------------------------------------------ optimizer, lr schedulers, initializers

    @Export public Optimizer optimizer(String name, Value opts) { return Optimizer.create(name, map(opts)); }

    @Export public String[] optimizerNames() { return Optimizer.names().stream().sorted().toArray(String[]::new); }

    @Export public Updater updater(Optimizer o) { return Optimizer.getUpdater(o); }

    @Export public void update(Updater u, int index, NDArray grad, NDArray weight) { u.call(index, grad, weight); }

    @Export public void updateAll(Updater u, Value indices, Value grads, Value weights) {
        long[] ix = longs(indices);
        int[] i = new int[ix.length];
        for (int k = 0; k < i.length; k++) i[k] = Math.toIntExact(ix[k]);
        u.call(i, handles(grads), handles(weights));
    }

    @Export public ByteBuffer updaterStates(Updater u) { return ByteBuffer.wrap(u.getStates()); }

    @Export public void setUpdaterStates(Updater u, Value buffer) {
        byte[] raw = new byte[Math.toIntExact(buffer.getBufferSize())];
        buffer.readBuffer(0, raw, 0, raw.length);
        u.setStates(raw);
    }

    @Export public double learningRate(Optimizer o) { return o.learningRate(); }

    @Export public void setLearningRate(Optimizer o, double lr) { o.setLearningRate(lr); }

    @Export public int numUpdate(Optimizer o) { return o.numUpdate(); }

    @Export public String describe(Object o) { return String.valueOf(o); }

    /** MXNet's schedulers by class name, arguments by MXNet's names and defaults. */
    @Export public LRScheduler lrScheduler(String kind, Value opts) {
        Kwargs k = Kwargs.of(map(opts));
        double baseLr = k.getDouble("base_lr", 0.01);
        int warmupSteps = k.getInt("warmup_steps", 0);
        double warmupBegin = k.getDouble("warmup_begin_lr", 0);
        String warmupMode = k.getString("warmup_mode", "linear");
        LRScheduler s = switch (kind) {
            case "FactorScheduler" -> new FactorScheduler(required(k.getInt("step", 0), "step", kind), k.getDouble("factor", 1),
                    k.getDouble("stop_factor_lr", 1e-8), baseLr, warmupSteps, warmupBegin, warmupMode);
            case "MultiFactorScheduler" -> {
                double[] steps = k.getDoubles("step", null);
                if (steps == null) throw new IllegalArgumentException(kind + " needs 'step' (a list of update counts)");
                int[] st = new int[steps.length];
                for (int i = 0; i < st.length; i++) st[i] = (int) steps[i];
                yield new MultiFactorScheduler(st, k.getDouble("factor", 1), baseLr, warmupSteps, warmupBegin, warmupMode);
            }
            case "PolyScheduler" -> new PolyScheduler(required(k.getInt("max_update", 0), "max_update", kind), baseLr, k.getDouble("pwr", 2),
                    k.getDouble("final_lr", 0), warmupSteps, warmupBegin, warmupMode);
            case "CosineScheduler" -> new CosineScheduler(required(k.getInt("max_update", 0), "max_update", kind), baseLr,
                    k.getDouble("final_lr", 0), warmupSteps, warmupBegin, warmupMode);
            default -> throw new IllegalArgumentException("unknown learning-rate scheduler " + kind);
        };
        k.checkAllRead(kind);
        return s;
    }

    private static int required(int v, String name, String owner) {
        if (v <= 0) throw new IllegalArgumentException(owner + " needs '" + name + "' >= 1, got " + v);
        return v;
    }

    /** A scheduler written in JS: {@code fn(numUpdate)} gives the rate. */
    @Export public LRScheduler jsLrScheduler(Value fn, double baseLr) {
        if (!fn.canExecute()) throw new IllegalArgumentException("LRScheduler: expected a function of numUpdate");
        return new LRScheduler(baseLr, 0, 0, "linear") {
            @Override public double call(int numUpdate) { return fn.execute(numUpdate).asDouble(); }
        };
    }

    @Export public double schedule(LRScheduler s, int numUpdate) { return s.call(numUpdate); }

    @Export public double baseLr(LRScheduler s) { return s.baseLr(); }

    @Export public void setBaseLr(LRScheduler s, double lr) { s.setBaseLr(lr); }

    @Export public Initializer initializer(String name, Value opts) { return Initializer.create(name, map(opts)); }

    @Export public String[] initializerNames() { return Initializer.names().stream().sorted().toArray(String[]::new); }

    @Export public void initialize(Initializer init, String name, NDArray a) { init.call(name, a); }

    @Export public String dumps(Initializer init) { return init.dumps(); }

    // ------------------------------------------------------------------ metrics

    @Export public EvalMetric metric(String name, Value opts) { return Metric.create(name, map(opts)); }

    @Export public String[] metricNames() { return Metric.names().stream().sorted().toArray(String[]::new); }

    @Export public void metricUpdate(EvalMetric m, Value labels, Value preds) { m.update(List.of(handles(labels)), List.of(handles(preds))); }

    /** [names[], values[]] of the local (or global) result. */
    @Export public Object[] metricGet(EvalMetric m, boolean global) {
        EvalMetric.Result r = global ? m.getGlobal() : m.get();
        return new Object[] {r.names().toArray(String[]::new), r.values().stream().mapToDouble(Double::doubleValue).toArray()};
    }

    @Export public void metricReset(EvalMetric m, boolean localOnly) {
        if (localOnly) m.resetLocal(); else m.reset();
    }

    @Export public String metricName(EvalMetric m) { return m.name(); }

    // ------------------------------------------------------------------ data iterators

    /** {@code data}/{@code label}: one array, a JS array of arrays, or an object of named arrays. */
    @Export public DataIter ndarrayIter(Value data, Value label, Value opts) {
        Kwargs k = Kwargs.of(map(opts));
        NDArrayIter.Builder b = NDArrayIter.builder();
        arrays(data, b::data, b::data, b::data, "data");
        if (label != null && !label.isNull()) arrays(label, b::label, b::label, b::label, "label");
        b.batchSize(k.getInt("batch_size", 1)).shuffle(k.getBool("shuffle", false))
                .lastBatchHandle(k.getString("last_batch_handle", "pad"))
                .dataName(k.getString("data_name", "data")).labelName(k.getString("label_name", "softmax_label"));
        if (k.has("seed")) b.seed(k.getInt("seed", 0));
        k.checkAllRead("NDArrayIter");
        return b.build();
    }

    private static void arrays(Value v, java.util.function.Consumer<NDArray> one, java.util.function.Consumer<List<NDArray>> list,
                               java.util.function.Consumer<Map<String, NDArray>> named, String what) {
        if (v.isHostObject() && v.asHostObject() instanceof NDArray a) one.accept(a);
        else if (v.hasArrayElements()) list.accept(List.of(handles(v)));
        else if (v.hasMembers()) {
            Map<String, NDArray> m = new LinkedHashMap<>();
            for (String key : v.getMemberKeys()) m.put(key, handle(v.getMember(key), what + "." + key));
            named.accept(m);
        } else throw new IllegalArgumentException("NDArrayIter: " + what + " must be an NDArray, an array of NDArrays or an object of named NDArrays");
    }

    @Export public DataIter mnistIter(Value opts) {
        Kwargs k = Kwargs.of(map(opts));
        MNISTIter.Builder b = MNISTIter.builder();
        if (k.has("image")) b.image(Path.of(k.getString("image", null)));
        if (k.has("label")) b.label(Path.of(k.getString("label", null)));
        b.batchSize(k.getInt("batch_size", 128)).shuffle(k.getBool("shuffle", true)).flat(k.getBool("flat", false))
                .seed(k.getInt("seed", 0)).silent(k.getBool("silent", false)).numParts(k.getInt("num_parts", 1))
                .partIndex(k.getInt("part_index", 0)).prefetchBuffer(k.getInt("prefetch_buffer", 0))
                .dataName(k.getString("data_name", "data")).labelName(k.getString("label_name", "softmax_label"));
        if (k.has("input_shape")) b.inputShape(Shape.of(toLongs(k.getDoubles("input_shape", null))));
        if (k.has("ctx")) b.context((Context) k.raw("ctx"));
        k.checkAllRead("MNISTIter");
        return b.build();
    }

    @Export public DataIter csvIter(Value opts) {
        Kwargs k = Kwargs.of(map(opts));
        CSVIter.Builder b = CSVIter.builder();
        if (!k.has("data_csv")) throw new IllegalArgumentException("CSVIter: dataCsv (data_csv) is required");
        if (!k.has("data_shape")) throw new IllegalArgumentException("CSVIter: dataShape (data_shape) is required");
        b.dataCsv(Path.of(k.getString("data_csv", null))).dataShape(toLongs(k.getDoubles("data_shape", null)));
        if (k.has("label_csv")) b.labelCsv(Path.of(k.getString("label_csv", null)));
        if (k.has("label_shape")) b.labelShape(toLongs(k.getDoubles("label_shape", null)));
        b.batchSize(k.getInt("batch_size", 1)).roundBatch(k.getBool("round_batch", true))
                .dtype(DType.parse(k.getString("dtype", "float32"))).prefetchBuffer(k.getInt("prefetch_buffer", 0))
                .dataName(k.getString("data_name", "data")).labelName(k.getString("label_name", "softmax_label"));
        if (k.has("ctx")) b.context((Context) k.raw("ctx"));
        k.checkAllRead("CSVIter");
        return b.build();
    }

    /** The next batch of the epoch, or null at its end. */
    @Export public DataBatch nextBatch(DataIter it) { return it.hasNext() ? it.next() : null; }

    @Export public void reset(DataIter it) { it.reset(); }

    @Export public void closeIter(DataIter it) { it.close(); }

    @Export public int batchSize(DataIter it) { return it.batchSize(); }

    @Export public NDArray[] batchData(DataBatch b) { return b.data().toArray(NDArray[]::new); }

    @Export public NDArray[] batchLabel(DataBatch b) { return b.label() == null ? new NDArray[0] : b.label().toArray(NDArray[]::new); }

    @Export public int batchPad(DataBatch b) { return b.pad(); }

    @Export public long[] batchIndex(DataBatch b) { return b.index(); }

    /** Per description [name, shape, dtype, layout]. */
    @Export public Object[] descs(DataIter it, boolean label) {
        List<DataDesc> d = label ? it.provideLabel() : it.provideData();
        Object[] out = new Object[d.size()];
        for (int i = 0; i < out.length; i++) out[i] = new Object[] {d.get(i).name(), d.get(i).shape().dims(), d.get(i).dtype().toString(), d.get(i).layout()};
        return out;
    }

    // ------------------------------------------------------------------ symbols, executors, modules

    /** A variable; attributes as MXNet's strings ({@code __shape__} etc. already spelt by the JS side). */
    @Export public Symbol symVar(String name, Value attrs) { return Symbol.var(name, map(attrs)); }

    /** An operator symbol: parameters as MXNet's strings, positional input symbols, named input symbols. */
    @Export public Symbol symCreate(String op, String name, Value keys, Value values, Value args, Value kwNames, Value kwSyms) {
        return Symbols.create(op, name, strings(keys), strings(values), symbols(args), strings(kwNames), symbols(kwSyms));
    }

    /** {@code sym + other} and friends: {@code op} one of Symbol's arithmetic methods, other a Symbol or a number. */
    @Export public Symbol symArith(Symbol s, String op, Value other) {
        Object o = other.isHostObject() ? other.asHostObject() : (Object) other.asDouble();
        return switch (op) {
            case "add" -> s.add(o);
            case "sub" -> s.sub(o);
            case "mul" -> s.mul(o);
            case "div" -> s.div(o);
            case "pow" -> s.pow(o);
            case "mod" -> s.mod(o);
            case "rsub" -> s.rsub((Double) o);
            case "rdiv" -> s.rdiv((Double) o);
            case "rpow" -> s.rpow((Double) o);
            case "neg" -> s.neg();
            default -> throw new IllegalArgumentException("unknown symbol operation " + op);
        };
    }

    @Export public Symbol symGroup(Value syms) { return Symbol.group(symbols(syms)); }

    @Export public String symName(Symbol s) { return s.name(); }

    @Export public String[] symList(Symbol s, String what) {
        List<String> l = switch (what) {
            case "arguments" -> s.listArguments();
            case "outputs" -> s.listOutputs();
            case "aux" -> s.listAuxiliaryStates();
            default -> throw new IllegalArgumentException(what);
        };
        return l.toArray(String[]::new);
    }

    @Export public Symbol symInternals(Symbol s) { return s.getInternals(); }

    /** One output by index or by name. */
    @Export public Symbol symGet(Symbol s, Value which) { return which.isString() ? s.get(which.asString()) : s.get(which.asInt()); }

    @Export public String symToJson(Symbol s) { return s.toJson(); }

    @Export public Symbol symFromJson(String json) { return Symbol.fromJson(json); }

    /** [arg shapes, out shapes, aux shapes] (unknown shapes null), or null when undecided. */
    @Export public Object[] symInferShape(Symbol s, Value names, Value shapes, boolean partial) {
        return Symbols.inferShape(s, shapeMap(names, shapes), partial);
    }

    private static Map<String, Shape> shapeMap(Value names, Value shapes) {
        Map<String, Shape> m = new LinkedHashMap<>();
        String[] n = strings(names);
        for (int i = 0; i < n.length; i++) m.put(n[i], Shape.of(longs(shapes.getArrayElement(i))));
        return m;
    }

    /**
     * Arrays by name as [names, arrays] pairs (grads and aux may be null); gradReq a string or a
     * name → string object; group2ctx [names, contexts] or null; sharing {@code shared}'s memory when not null.
     */
    @Export public Executor bind(Symbol s, Context ctx, Value args, Value grads, Value gradReq, Value aux, Value group2ctx, Executor shared) {
        return Executors.bind(s, ctx, namedArrays(args), namedArrays(grads), gradReq(gradReq), namedArrays(aux),
                groups(group2ctx), groupContexts(group2ctx), shared);
    }

    /**
     * Shapes and dtypes as parallel name/value lists (dtypes may be null); group2ctx and shared as
     * {@link #bind}; sharedArgNames a list or null, sharedBuffer [names, arrays] or null. Returns
     * [executor, buffer names, buffer arrays] (the buffer as updated; null when not given).
     */
    @Export public Object[] simpleBind(Symbol s, Context ctx, Value gradReq, Value names, Value shapes, Value typeNames, Value types, Value group2ctx,
                               Value sharedArgNames, Executor shared, Value sharedBuffer) {
        Map<String, NDArray> buffer = namedArrays(sharedBuffer);
        Executor e = Executors.simpleBind(s, ctx, gradReq(gradReq), strings(names), longArrays(shapes), nullableStrings(typeNames), nullableStrings(types),
                groups(group2ctx), groupContexts(group2ctx), nullableStrings(sharedArgNames), shared, buffer);
        if (buffer == null) return new Object[] {e, null, null};
        return new Object[] {e, buffer.keySet().toArray(String[]::new), buffer.values().toArray(NDArray[]::new)};
    }

    private static String[] groups(Value group2ctx) { return group2ctx == null || group2ctx.isNull() ? null : strings(group2ctx.getArrayElement(0)); }

    private static Context[] groupContexts(Value group2ctx) {
        if (group2ctx == null || group2ctx.isNull()) return null;
        Value c = group2ctx.getArrayElement(1);
        Context[] r = new Context[(int) c.getArraySize()];
        for (int i = 0; i < r.length; i++) r[i] = c.getArrayElement(i).asHostObject();
        return r;
    }

    @Export public Executor execReshape(Executor e, boolean partialShaping, boolean allowUpSizing, Value names, Value shapes) {
        return e.reshape(partialShaping, allowUpSizing, shapeMap(names, shapes));
    }

    /** {@code set_monitor_callback}: {@code fn(name, array)} after each operator (null to stop). */
    @Export public void execSetMonitor(Executor e, Value fn, boolean monitorAll) {
        e.setMonitorCallback(fn == null || fn.isNull() ? null : (name, arr) -> fn.executeVoid(name, arr), monitorAll);
    }

    @Export public String execDebugStr(Executor e) { return e.debugStr(); }

    @Export public Symbol execSymbol(Executor e) { return e.symbol(); }

    /** {@code sym(name=, **inputs)}: a copy with the named free variables replaced. */
    @Export public Symbol symCompose(Symbol s, String name, Value names, Value syms) {
        Map<String, Symbol> kw = new LinkedHashMap<>();
        String[] n = strings(names);
        List<Symbol> l = symbols(syms);
        for (int i = 0; i < n.length; i++) kw.put(n[i], l.get(i));
        return s.compose(name, kw);
    }

    /** [arg types, out types, aux types] as dtype names (unknown null), or null when undecided. */
    @Export public Object[] symInferType(Symbol s, Value names, Value types, boolean partial) {
        Map<String, DType> known = new LinkedHashMap<>();
        String[] n = strings(names), t = strings(types);
        for (int i = 0; i < n.length; i++) known.put(n[i], DType.parse(t[i]));
        Symbol.Inferred<DType> r = partial ? s.inferTypePartial(known) : s.inferType(known);
        if (r == null) return null;
        return new Object[] {typeNames(r.arguments()), typeNames(r.outputs()), typeNames(r.auxiliaryStates())};
    }

    private static String[] typeNames(List<DType> l) { return l.stream().map(d -> d == null ? null : d.toString()).toArray(String[]::new); }

    @Export public void symSave(Symbol s, String file) { s.save(Path.of(file)); }

    @Export public Symbol symLoad(String file) { return Symbol.load(Path.of(file)); }

    @Export public Symbol symCopy(Symbol s) { return s.copy(); }

    @Export public String symAttr(Symbol s, String key) { return s.attr(key); }

    /** {@code attr_dict()} (or, with {@code node} false, the head's {@code list_attr()}) as JSON. */
    @Export public String symAttrs(Symbol s, boolean all) {
        Map<String, Map<String, String>> m = all ? s.attrDict() : Map.of("", s.listAttr());
        StringBuilder b = new StringBuilder("{");
        for (var e : m.entrySet()) {
            if (all) b.append(b.length() > 1 ? "," : "").append(json(e.getKey())).append(":{");
            int k = 0;
            for (var a : e.getValue().entrySet()) b.append(k++ > 0 ? "," : "").append(json(a.getKey())).append(':').append(json(a.getValue()));
            if (all) b.append('}');
        }
        return b.append('}').toString();
    }

    /** {@code mx.AttrScope(**attrs)} entered on this thread (close it with {@link #closeScope}). */
    @Export public AutoCloseable attrScope(Value attrs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (var e : map(attrs).entrySet()) m.put(e.getKey(), String.valueOf(e.getValue()));
        return AttrScope.of(m);
    }

    /** {@code mx.name.NameManager()} (prefix null) or {@code mx.name.Prefix(prefix)} entered. */
    @Export public AutoCloseable nameScope(String prefix) { return prefix == null ? NameManager.scope() : NameManager.prefix(prefix); }

    // ------------------------------------------------------------------ mx.viz, mx.mon

    @Export public String vizSummary(Symbol s, Value names, Value shapes, int lineLength, Value positions) {
        double[] pos = new double[(int) positions.getArraySize()];
        for (int i = 0; i < pos.length; i++) pos[i] = positions.getArrayElement(i).asDouble();
        return Visualization.summary(s, nullableStrings(names), longArrays(shapes), lineLength, pos);
    }

    @Export public Viz.Dot vizPlot(Symbol s, String title, Value shapeNames, Value shapes, Value typeNames, Value types, Value nodeAttrs,
                                   boolean hideWeights) {
        Map<String, String> attrs = new LinkedHashMap<>();
        for (var e : map(nodeAttrs).entrySet()) attrs.put(e.getKey(), String.valueOf(e.getValue()));
        return Visualization.plot(s, title, nullableStrings(shapeNames), longArrays(shapes), nullableStrings(typeNames), nullableStrings(types),
                attrs, hideWeights);
    }

    @Export public String dotSource(Viz.Dot d) { return d.source(); }

    @Export public void dotSave(Viz.Dot d, String file) throws IOException { d.save(Path.of(file)); }

    @Export public void dotRender(Viz.Dot d, String file, String format) throws IOException { d.render(Path.of(file), format); }

    /** {@code mx.mon.Monitor}: statFunc a JS function from array to array (null: MXNet's norm / sqrt(size)); tocPrint lines to {@code sink}. */
    @Export public Monitor monitor(int interval, Value statFunc, String pattern, boolean sort, boolean monitorAll, Value sink) {
        java.util.function.Function<NDArray, NDArray> f = statFunc == null || statFunc.isNull() ? null : a -> handle(statFunc.execute(a), "statFunc's result");
        return new Monitor(interval, f, pattern, sort, monitorAll).setLogger(sink::executeVoid);
    }

    @Export public void monitorInstall(Monitor m, Executor e) { m.install(e); }

    @Export public void monitorTic(Monitor m) { m.tic(); }

    /** [[step, name, value], ...]. */
    @Export public Object[] monitorToc(Monitor m) { return m.toc().stream().map(st -> new Object[] {st.step(), st.name(), st.value()}).toArray(); }

    @Export public void monitorTocPrint(Monitor m) { m.tocPrint(); }

    private static Object gradReq(Value v) {
        if (v == null || v.isNull()) return "write";
        if (v.isString()) return v.asString();
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : v.getMemberKeys()) m.put(k, v.getMember(k).asString());
        return m;
    }

    @Export public NDArray[] execForward(Executor e, boolean isTrain, Value kwargs) {
        return e.forward(isTrain, namedArrays(kwargs)).toArray(NDArray[]::new);
    }

    @Export public void execBackward(Executor e, Value outGrads) { e.backward(nullableList(outGrads)); }

    @Export public NDArray[] execOutputs(Executor e) { return e.outputs().toArray(NDArray[]::new); }

    /** [names, arrays] of the executor's argument, gradient or auxiliary dictionary (missing gradients null). */
    @Export public Object[] execDict(Executor e, String which) {
        Map<String, NDArray> m = switch (which) {
            case "arg" -> e.argDict();
            case "grad" -> e.gradDict();
            case "aux" -> e.auxDict();
            default -> throw new IllegalArgumentException(which);
        };
        return new Object[] {m.keySet().toArray(String[]::new), m.values().toArray(NDArray[]::new)};
    }

    @Export public Module module(Symbol s, Value dataNames, Value labelNames, Context ctx, Value fixedParamNames, Value sink) {
        return logTo(new Module(s, List.of(strings(dataNames)), List.of(strings(labelNames)), ctx, List.of(strings(fixedParamNames))), sink);
    }

    @Export public Module moduleLoad(String prefix, int epoch, boolean loadOptimizerStates, Value dataNames, Value labelNames, Context ctx, Value sink) {
        return logTo(Module.load(prefix, epoch, loadOptimizerStates, List.of(strings(dataNames)), List.of(strings(labelNames)), ctx), sink);
    }

    /**
     * Log lines to the JS function {@code sink}, or, without one, warnings to standard error only:
     * MXNet logs a module's progress at INFO, which a script does not see unless it asks.
     */
    private static <M extends BaseModule> M logTo(M m, Value sink) {
        if (sink != null && !sink.isNull()) m.setLogger(sink::executeVoid);
        else m.setLogger(line -> { if (line.startsWith("WARNING")) System.err.println(line); });
        return m;
    }

    /**
     * {@code mx.mod.BucketingModule}: {@code symGen(key)} returns [symbol handle, data names, label
     * names]; keys are JS numbers, strings or arrays (which arrive back as lists).
     */
    @Export public BucketingModule bucketingModule(Value symGen, Value defaultKey, Context ctx, Value fixedParamNames, Value sink) {
        if (!symGen.canExecute()) throw new IllegalArgumentException("BucketingModule: symGen must be a function of the bucket key");
        return logTo(new BucketingModule(key -> {
            Value r = symGen.execute(guestKey(key));
            return new BucketingModule.SymGen(r.getArrayElement(0).asHostObject(), List.of(strings(r.getArrayElement(1))),
                    List.of(strings(r.getArrayElement(2))));
        }, java(defaultKey), ctx, List.of(strings(fixedParamNames))), sink);
    }

    /** A bucket key as JS can read it: lists (JS arrays on the way in) become Java arrays. */
    private static Object guestKey(Object key) {
        return key instanceof List<?> l ? l.stream().map(Bridge::guestKey).toArray() : key;
    }

    @Export public Object bucketKey(BucketingModule m) { return guestKey(m.bucketKey()); }

    @Export public Object[] bucketKeys(BucketingModule m) { return m.buckets().keySet().stream().map(Bridge::guestKey).toArray(); }

    @Export public void switchBucket(BucketingModule m, Value key, Value data, Value label) {
        m.switchBucket(java(key), dataDescs(data), label == null || label.isNull() ? null : dataDescs(label));
    }

    @Export public SequentialModule sequentialModule(Value sink) { return logTo(new SequentialModule(), sink); }

    @Export public void sequentialAdd(SequentialModule s, BaseModule m, boolean takeLabels, boolean autoWiring) { s.add(m, takeLabels, autoWiring); }

    /** {@code bind}: data and label descriptions as [[name, shape, dtype], ...] (label null for none). */
    @Export public void moduleBind(BaseModule m, Value data, Value label, boolean forTraining, boolean inputsNeedGrad, boolean forceRebind,
                                   BaseModule shared, String gradReq) {
        m.bind(dataDescs(data), label == null || label.isNull() ? null : dataDescs(label), forTraining, inputsNeedGrad, forceRebind, shared, gradReq);
    }

    private static List<DataDesc> dataDescs(Value v) {
        List<DataDesc> l = new ArrayList<>();
        for (long i = 0; i < v.getArraySize(); i++) {
            Value d = v.getArrayElement(i);
            if (d.isHostObject() && d.asHostObject() instanceof DataDesc dd) { l.add(dd); continue; }
            l.add(new DataDesc(d.getArrayElement(0).asString(), Shape.of(longs(d.getArrayElement(1))), DType.parse(d.getArrayElement(2).asString())));
        }
        return l;
    }

    @Export public void moduleInitParams(BaseModule m, Initializer init, Value args, Value aux, boolean allowMissing, boolean forceInit, boolean allowExtra) {
        m.initParams(init, namedArrays(args), namedArrays(aux), allowMissing, forceInit, allowExtra);
    }

    @Export public void moduleSetParams(BaseModule m, Value args, Value aux, boolean allowMissing, boolean forceInit, boolean allowExtra) {
        m.setParams(namedArrays(args), namedArrays(aux), allowMissing, forceInit, allowExtra);
    }

    /** {@code init_optimizer}: optimizer a registry name or an Optimizer handle; its parameters by MXNet's names. */
    @Export public void moduleInitOptimizer(BaseModule m, String kvstore, Value optimizer, Value params, boolean forceInit) {
        m.initOptimizer(kvstore, java(optimizer), map(params), forceInit);
    }

    /** {@code forward}: the batch's arrays, bucket key and own data/label descriptions (or null); isTrain null: as bound. */
    @Export public void moduleForward(BaseModule m, Value data, Value label, Value isTrain, Value bucketKey, Value provideData, Value provideLabel) {
        m.forward(dataBatch(data, label, 0, bucketKey, provideData, provideLabel), isTrain == null || isTrain.isNull() ? null : isTrain.asBoolean());
    }

    @Export public void moduleBackward(BaseModule m, Value outGrads) { m.backward(nullableList(outGrads)); }

    @Export public void moduleUpdate(BaseModule m) { m.update(); }

    @Export public NDArray[] moduleOutputs(BaseModule m) { return m.getOutputs().toArray(NDArray[]::new); }

    @Export public NDArray[] moduleInputGrads(BaseModule m) { return m.getInputGrads().toArray(NDArray[]::new); }

    @Export public void moduleUpdateMetric(BaseModule m, EvalMetric metric, Value labels) { m.updateMetric(metric, nullableList(labels)); }

    @Export public void moduleInstallMonitor(BaseModule m, Monitor mon) { m.installMonitor(mon); }

    @Export public void moduleReshape(Module m, Value data, Value label) { m.reshape(dataDescs(data), label == null || label.isNull() ? null : dataDescs(label)); }

    @Export public void moduleBorrowOptimizer(Module m, Module shared) { m.borrowOptimizer(shared); }

    /** [binded, forTraining, paramsInitialized, optimizerInitialized]. */
    @Export public boolean[] moduleState(BaseModule m) {
        return new boolean[] {m.isBinded(), m.isForTraining(), m.isParamsInitialized(), m.isOptimizerInitialized()};
    }

    /** {@code data}, {@code output} or {@code label} names. */
    @Export public String[] moduleNames(BaseModule m, String which) {
        List<String> l = switch (which) {
            case "data" -> m.dataNames();
            case "output" -> m.outputNames();
            case "label" -> m instanceof Module mm ? mm.labelNames() : labelNamesOf(m);
            default -> throw new IllegalArgumentException(which);
        };
        return l.toArray(String[]::new);
    }

    private static List<String> labelNamesOf(BaseModule m) {
        List<DataDesc> l = m.isBinded() ? m.labelShapes() : null;
        return l == null ? List.of() : l.stream().map(DataDesc::name).toList();
    }

    /** [[name, shape, dtype, layout], ...] of the bound {@code data} or {@code label} shapes, or [[name, shape], ...] of the outputs. */
    @Export public Object[] moduleShapes(BaseModule m, String which) {
        if (which.equals("output")) return m.outputShapes().entrySet().stream().map(e -> new Object[] {e.getKey(), e.getValue().dims()}).toArray();
        List<DataDesc> d = which.equals("data") ? m.dataShapes() : m.labelShapes();
        if (d == null) return new Object[0];
        return d.stream().map(x -> new Object[] {x.name(), x.shape().dims(), x.dtype().toString(), x.layout()}).toArray();
    }

    @Export public void moduleSaveParams(BaseModule m, String file) { m.saveParams(Path.of(file)); }

    @Export public void moduleLoadParams(BaseModule m, String file) { m.loadParams(Path.of(file)); }

    /**
     * {@code fit}: options by MXNet's names (optimizer parameters apart); evalMetric a name, a list
     * of names or a metric handle; callbacks lists of callback handles; argParams/auxParams [names, arrays].
     */
    @Export public void moduleFit(BaseModule m, DataIter train, DataIter eval, Value opts, Value optimizerParams, Value argParams, Value auxParams) {
        Kwargs k = Kwargs.of(map(opts));
        BaseModule.FitArgs a = new BaseModule.FitArgs();
        if (eval != null) a.evalData(eval);
        if (k.has("eval_metric")) a.evalMetric(k.raw("eval_metric"));
        if (k.has("validation_metric")) a.validationMetric(k.raw("validation_metric"));
        if (k.has("optimizer")) a.optimizer(k.raw("optimizer"));
        if (optimizerParams != null && !optimizerParams.isNull()) a.optimizerParams(map(optimizerParams));
        if (k.has("initializer")) a.initializer((Initializer) k.raw("initializer"));
        if (k.has("kvstore")) a.kvstore(k.getString("kvstore", "local"));
        if (k.has("monitor")) a.monitor((Monitor) k.raw("monitor"));
        if (k.has("batch_end_callback")) a.batchEndCallback(callbacks(k.raw("batch_end_callback"), BatchEndCallback.class));
        if (k.has("epoch_end_callback")) a.epochEndCallback(callbacks(k.raw("epoch_end_callback"), EpochEndCallback.class));
        if (k.has("eval_end_callback")) a.evalEndCallback(callbacks(k.raw("eval_end_callback"), BatchEndCallback.class));
        if (k.has("eval_batch_end_callback")) a.evalBatchEndCallback(callbacks(k.raw("eval_batch_end_callback"), BatchEndCallback.class));
        a.numEpoch(k.getInt("num_epoch", 0)).beginEpoch(k.getInt("begin_epoch", 0))
                .allowMissing(k.getBool("allow_missing", false)).forceRebind(k.getBool("force_rebind", false)).forceInit(k.getBool("force_init", false));
        k.checkAllRead("Module.fit");
        if (argParams != null && !argParams.isNull()) a.argParams(namedArrays(argParams));
        if (auxParams != null && !auxParams.isNull()) a.auxParams(namedArrays(auxParams));
        m.fit(train, a);
    }

    @SuppressWarnings("unchecked")
    private static <T> T[] callbacks(Object list, Class<T> type) {
        List<?> l = list instanceof List<?> x ? x : List.of(list);
        T[] out = (T[]) java.lang.reflect.Array.newInstance(type, l.size());
        for (int i = 0; i < out.length; i++) {
            if (!type.isInstance(l.get(i))) throw new IllegalArgumentException("expected a " + type.getSimpleName() + ", got " + l.get(i));
            out[i] = type.cast(l.get(i));
        }
        return out;
    }

    // ------------------------------------------------------------------ JS-defined iterators, metrics, initializers, callbacks

    /**
     * A JS data iterator for the runtime's loops: {@code next()} returns a batch made with
     * {@link #dataBatch} or null at the end; {@code provideData()}/{@code provideLabel()} return
     * [[name, shape, dtype], ...]; batchSize 0 takes it from the first data shape.
     */
    @Export public GuestIter guestIter(int batchSize, Value next, Value reset, Value provideData, Value provideLabel, Value guest) {
        return GuestIter.of(batchSize, new GuestIter.Source() {
            @Override public DataBatch next() {
                Value b = next.execute();
                return b.isNull() ? null : b.asHostObject();
            }

            @Override public void reset() { reset.executeVoid(); }

            @Override public List<DataDesc> provideData() { return dataDescs(provideData.execute()); }

            @Override public List<DataDesc> provideLabel() {
                Value l = provideLabel.execute();
                return l.isNull() ? List.of() : dataDescs(l);
            }
        }, guest);
    }

    /** A batch: data and label handles, pad, bucket key (number, string, array or null), its own descriptions or null. */
    @Export public DataBatch dataBatch(Value data, Value label, int pad, Value bucketKey, Value provideData, Value provideLabel) {
        List<NDArray> l = label == null || label.isNull() ? null : List.of(handles(label));
        return new DataBatch(List.of(handles(data)), l, pad, null, bucketKey == null ? null : java(bucketKey),
                provideData == null || provideData.isNull() ? null : dataDescs(provideData),
                provideLabel == null || provideLabel.isNull() ? null : dataDescs(provideLabel));
    }

    /**
     * A JS metric for the runtime: {@code update(labels, preds)} with arrays of handles,
     * {@code get(global)} returning [names[], values[]], {@code reset(localOnly)}.
     */
    @Export public GuestMetric guestMetric(String name, Value outputNames, Value labelNames, Value guest, Value update, Value get, Value reset) {
        return new GuestMetric(name, outputNames == null || outputNames.isNull() ? null : List.of(strings(outputNames)),
                labelNames == null || labelNames.isNull() ? null : List.of(strings(labelNames)), guest, new GuestMetric.Host() {
                    @Override public void update(List<NDArray> labels, List<NDArray> preds) {
                        update.executeVoid(labels.toArray(NDArray[]::new), preds.toArray(NDArray[]::new));
                    }

                    @Override public EvalMetric.Result get(boolean global) {
                        Value r = get.execute(global);
                        String[] n = strings(r.getArrayElement(0));
                        Value v = r.getArrayElement(1);
                        List<Double> values = new ArrayList<>();
                        for (int i = 0; i < n.length; i++) values.add(v.getArrayElement(i).asDouble());
                        return new EvalMetric.Result(List.of(n), values, n.length != 1);
                    }

                    @Override public void reset(boolean localOnly) { reset.executeVoid(localOnly); }
                });
    }

    /**
     * A JS-defined optimizer: {@code createState(index, weight)} returning an array of handles (the
     * state arrays), {@code update(index, weight, grad, states)}; params its common arguments by MXNet's names.
     */
    @Export public GuestOptimizer guestOptimizer(Value params, Value createState, Value update, Value guest, String description) {
        return new GuestOptimizer(map(params), (i, w) -> handles(createState.execute(i, w)), (i, w, g, st) -> update.executeVoid(i, w, g, st),
                guest, description);
    }

    // ------------------------------------------------------------------ mx.model.FeedForward

    /** {@code FeedForward(symbol, ctx, num_epoch, optimizer, initializer, arg_params, aux_params, allow_extra_params, begin_epoch, **kwargs)}. */
    @Export public FeedForward feedForward(Symbol s, Context ctx, int numEpoch, Value optimizer, Initializer init, Value argParams, Value auxParams,
                                           boolean allowExtra, int beginEpoch, Value optimizerParams) {
        return new FeedForward(s, ctx, numEpoch, java(optimizer), init, namedArrays(argParams), namedArrays(auxParams), allowExtra, beginEpoch,
                map(optimizerParams));
    }

    /** {@code fit}: opts {eval_metric, epoch_end_callback, batch_end_callback} as {@link #moduleFit}'s. */
    @Export public void feedForwardFit(FeedForward f, DataIter train, DataIter eval, Value opts) {
        Kwargs k = Kwargs.of(map(opts));
        f.fit(train, eval, k.raw("eval_metric"),
                k.has("epoch_end_callback") ? List.of(callbacks(k.raw("epoch_end_callback"), EpochEndCallback.class)) : null,
                k.has("batch_end_callback") ? List.of(callbacks(k.raw("batch_end_callback"), BatchEndCallback.class)) : null);
    }

    /** {@code predict}: every output over the iterator (numBatch null or negative: all batches). */
    @Export public NDArray[] feedForwardPredict(FeedForward f, DataIter x, int numBatch) {
        return f.predictOutputs(x, numBatch < 0 ? null : numBatch).toArray(NDArray[]::new);
    }

    @Export public double feedForwardScore(FeedForward f, DataIter x, Value metric, int numBatch) {
        return f.score(x, java(metric), numBatch < 0 ? null : numBatch);
    }

    @Export public void feedForwardSave(FeedForward f, String prefix, Value epoch) {
        f.save(prefix, epoch == null || epoch.isNull() ? null : epoch.asInt());
    }

    /** {@code FeedForward.load(prefix, epoch, ctx, **kwargs)}: numEpoch may be 0 (not given). */
    @Export public FeedForward feedForwardLoad(String prefix, int epoch, Context ctx, int numEpoch, Value optimizerParams) {
        return FeedForward.load(prefix, epoch, ctx, numEpoch, map(optimizerParams));
    }

    /** The model's parameters as {@link Checkpoints#params}' [arg names, arg arrays, aux names, aux arrays] (null before fit or load). */
    @Export public Object[] feedForwardParams(FeedForward f) {
        return f.argParams() == null ? null : Checkpoints.params(f.argParams(), f.auxParams() == null ? Map.of() : f.auxParams());
    }

    @Export public Symbol feedForwardSymbol(FeedForward f) { return f.symbol(); }

    /** The JS object behind a guest metric or iterator, or null for the runtime's own. */
    @Export public Object guestOf(Object o) {
        if (o instanceof GuestMetric g) return g.guest();
        if (o instanceof GuestIter g) return g.guest();
        if (o instanceof GuestOptimizer g) return g.guest();
        return null;
    }

    /** A JS initializer: {@code fill(name, attrsJson, array)}. */
    @Export public Initializer guestInitializer(Value fill, String description) {
        return new GuestInitializer((name, attrs, arr) -> {
            StringBuilder b = new StringBuilder("{");
            for (var e : attrs.entrySet()) b.append(b.length() > 1 ? "," : "").append(json(e.getKey())).append(':').append(json(e.getValue()));
            fill.executeVoid(name, b.append('}').toString(), arr);
        }, description);
    }

    /** A JS batch-end callback: {@code fn(epoch, nbatch, metric handle)}. */
    @Export public BatchEndCallback batchEndCallback(Value fn) { return p -> fn.executeVoid(p.epoch(), p.nbatch(), p.evalMetric()); }

    /** A JS epoch-end callback: {@code fn(epoch, symbol, [arg names, arg arrays], [aux names, aux arrays])}. */
    @Export public EpochEndCallback epochEndCallback(Value fn) {
        return (epoch, sym, arg, aux) -> fn.executeVoid(epoch, sym, Checkpoints.params(arg, aux));
    }

    @Export public BatchEndCallback speedometer(int batchSize, int frequent, boolean autoReset, Value sink) {
        return new Speedometer(batchSize, frequent, autoReset, sink::executeVoid, System::nanoTime);
    }

    @Export public BatchEndCallback progressBar(int total, int length, Value sink) { return new ProgressBar(total, length, sink::executeVoid); }

    @Export public BatchEndCallback logTrainMetric(int period, boolean autoReset, Value sink) { return Callbacks.logTrainMetric(period, autoReset, sink::executeVoid); }

    @Export public BatchEndCallback logValidationMetrics(Value sink) { return Callbacks.logValidationMetrics(sink::executeVoid); }

    @Export public EpochEndCallback doCheckpoint(String prefix, int period, Value sink) { return Callbacks.doCheckpoint(prefix, period, sink::executeVoid); }

    @Export public EpochEndCallback moduleCheckpoint(Module m, String prefix, int period, boolean saveOptimizerStates) {
        return Callbacks.moduleCheckpoint(m, prefix, period, saveOptimizerStates);
    }

    /** Call a runtime batch-end callback from JS (a loop written in JS); metric may be null. */
    @Export public void callBatchEnd(BatchEndCallback cb, int epoch, int nbatch, EvalMetric metric) {
        cb.call(new BatchEndParam(epoch, nbatch, metric, Map.of()));
    }

    @Export public void callEpochEnd(EpochEndCallback cb, int epoch, Symbol sym, Value args, Value aux) {
        cb.call(epoch, sym, namedArrays(args), aux == null || aux.isNull() ? Map.of() : namedArrays(aux));
    }

    /** [names, values] of the metric after one pass over {@code data}. */
    @Export public Object[] moduleScore(BaseModule m, DataIter data, Value metric) {
        Object met = metric.isHostObject() ? metric.asHostObject() : java(metric);
        List<Map.Entry<String, Double>> r = m.score(data, met);
        return new Object[] {r.stream().map(Map.Entry::getKey).toArray(String[]::new), r.stream().mapToDouble(Map.Entry::getValue).toArray()};
    }

    @Export public NDArray[] modulePredict(BaseModule m, DataIter data) { return m.predict(data).toArray(NDArray[]::new); }

    /** predict(merge_batches=False): per batch, its outputs (padding removed). */
    @Export public Object[] modulePredictPerBatch(BaseModule m, DataIter data, int numBatch) {
        return m.predictPerBatch(data, numBatch < 0 ? null : numBatch, true).stream().map(l -> l.toArray(NDArray[]::new)).toArray();
    }

    @Export public void moduleSaveCheckpoint(Module m, String prefix, int epoch, boolean saveOptimizerStates) {
        m.saveCheckpoint(prefix, epoch, saveOptimizerStates);
    }

    @Export public Symbol moduleSymbol(BaseModule m) { return m.symbol(); }

    /** {arg names, arg arrays, aux names, aux arrays}. */
    @Export public Object[] moduleGetParams(BaseModule m) { return Checkpoints.params(m); }

    @Export public void saveCheckpoint(String prefix, int epoch, Symbol s, Value args, Value aux) {
        Checkpoints.save(prefix, epoch, s, namedArrays(args), namedArrays(aux));
    }

    /** {symbol, arg names, arg arrays, aux names, aux arrays}. */
    @Export public Object[] loadCheckpoint(String prefix, int epoch) { return Checkpoints.load(prefix, epoch); }

    private static String[] nullableStrings(Value v) { return v == null || v.isNull() ? null : strings(v); }

    private static long[][] longArrays(Value v) {
        if (v == null || v.isNull()) return null;
        long[][] r = new long[(int) v.getArraySize()][];
        for (int i = 0; i < r.length; i++) r[i] = longs(v.getArrayElement(i));
        return r;
    }

    private static List<Symbol> symbols(Value v) {
        List<Symbol> l = new ArrayList<>();
        for (long i = 0; i < v.getArraySize(); i++) l.add(v.getArrayElement(i).asHostObject());
        return l;
    }

    /** A name → array map (order kept) from [names, arrays]; null for null. */
    private static Map<String, NDArray> namedArrays(Value v) {
        if (v == null || v.isNull()) return null;
        String[] n = strings(v.getArrayElement(0));
        NDArray[] a = handles(v.getArrayElement(1));
        Map<String, NDArray> m = new LinkedHashMap<>();
        for (int i = 0; i < n.length; i++) m.put(n[i], a[i]);
        return m;
    }

    // ------------------------------------------------------------------ conversions

    private static NDArray handle(Value v, String what) {
        if (v != null && v.isHostObject() && v.asHostObject() instanceof NDArray a) return a;
        throw new IllegalArgumentException(what + ": expected an NDArray");
    }

    static NDArray[] handles(Value v) {
        if (v == null || v.isNull()) return new NDArray[0];
        int n = Math.toIntExact(v.getArraySize());
        NDArray[] out = new NDArray[n];
        for (int i = 0; i < n; i++) {
            Value e = v.getArrayElement(i);
            out[i] = e.isNull() ? null : handle(e, "argument " + i);
        }
        return out;
    }

    private static List<NDArray> nullableList(Value v) {
        if (v == null || v.isNull()) return null;
        return java.util.Arrays.asList(handles(v));
    }

    private static String[] strings(Value v) {
        int n = Math.toIntExact(v.getArraySize());
        String[] out = new String[n];
        for (int i = 0; i < n; i++) out[i] = v.getArrayElement(i).asString();
        return out;
    }

    private static long[] longs(Value v) {
        int n = Math.toIntExact(v.getArraySize());
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            Value e = v.getArrayElement(i);
            if (!e.fitsInLong()) throw new IllegalArgumentException("expected integers, got " + e);
            out[i] = e.asLong();
        }
        return out;
    }

    private static long[] toLongs(double[] d) {
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i++) out[i] = (long) d[i];
        return out;
    }

    /** A JS options object (keys already in MXNet's names) as Java values Kwargs reads. */
    static Map<String, Object> map(Value opts) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (opts == null || opts.isNull()) return m;
        for (String key : opts.getMemberKeys()) {
            Object v = java(opts.getMember(key));
            if (v != null) m.put(key, v);
        }
        return m;
    }

    private static Object java(Value v) {
        if (v == null || v.isNull()) return null;
        if (v.isHostObject()) return v.asHostObject();
        if (v.isBoolean()) return v.asBoolean();
        if (v.isNumber()) return v.fitsInInt() ? (Object) v.asInt() : v.fitsInLong() ? (Object) v.asLong() : (Object) v.asDouble();
        if (v.isString()) return v.asString();
        if (v.hasArrayElements()) {
            List<Object> l = new ArrayList<>();
            for (long i = 0; i < v.getArraySize(); i++) l.add(java(v.getArrayElement(i)));
            return l;
        }
        throw new IllegalArgumentException("unsupported option value " + v);
    }
}
