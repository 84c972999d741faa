package dev.mxj.js;

import dev.mxj.Context;
import dev.mxj.Devices;
import dev.mxj.Random;
import dev.mxj.autograd.Autograd;
import dev.mxj.autograd.GradReq;
import dev.mxj.executor.Executor;
import dev.mxj.initializer.Initializer;
import dev.mxj.interop.Checkpoints;
import dev.mxj.interop.OpCatalog;
import dev.mxj.interop.OpInvoker;
import dev.mxj.interop.Symbols;
import dev.mxj.io.CSVIter;
import dev.mxj.io.DataBatch;
import dev.mxj.io.DataDesc;
import dev.mxj.io.DataIter;
import dev.mxj.io.MNISTIter;
import dev.mxj.io.NDArrayIter;
import dev.mxj.metric.EvalMetric;
import dev.mxj.metric.Metric;
import dev.mxj.module.BaseModule;
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
import dev.mxj.symbol.Symbol;
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

    /** Arrays by name as [names, arrays] pairs (grads and aux may be null); gradReq a string or a name → string object. */
    @Export public Executor bind(Symbol s, Context ctx, Value args, Value grads, Value gradReq, Value aux) {
        return s.bind(ctx, namedArrays(args), namedArrays(grads), gradReq(gradReq), namedArrays(aux));
    }

    @Export public Executor simpleBind(Symbol s, Context ctx, Value gradReq, Value names, Value shapes) {
        return s.simpleBind(ctx, gradReq(gradReq), shapeMap(names, shapes));
    }

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

    @Export public Module module(Symbol s, Value dataNames, Value labelNames, Context ctx, Value fixedParamNames) {
        return quiet(new Module(s, List.of(strings(dataNames)), List.of(strings(labelNames)), ctx, List.of(strings(fixedParamNames))));
    }

    @Export public Module moduleLoad(String prefix, int epoch, boolean loadOptimizerStates, Value dataNames, Value labelNames, Context ctx) {
        return quiet(Module.load(prefix, epoch, loadOptimizerStates, List.of(strings(dataNames)), List.of(strings(labelNames)), ctx));
    }

    /** MXNet logs a module's progress at INFO, which a script does not see unless it asks; warnings still show. */
    private static Module quiet(Module m) {
        m.setLogger(line -> { if (line.startsWith("WARNING")) System.err.println(line); });
        return m;
    }

    /** {@code bind}: data and label descriptions as [[name, shape, dtype], ...] (label null for none). */
    @Export public void moduleBind(Module m, Value data, Value label, boolean forTraining, boolean inputsNeedGrad, boolean forceRebind, String gradReq) {
        m.bind(dataDescs(data), label == null || label.isNull() ? null : dataDescs(label), forTraining, inputsNeedGrad, forceRebind, null, gradReq);
    }

    private static List<DataDesc> dataDescs(Value v) {
        List<DataDesc> l = new ArrayList<>();
        for (long i = 0; i < v.getArraySize(); i++) {
            Value d = v.getArrayElement(i);
            l.add(new DataDesc(d.getArrayElement(0).asString(), Shape.of(longs(d.getArrayElement(1))), DType.parse(d.getArrayElement(2).asString())));
        }
        return l;
    }

    @Export public void moduleInitParams(Module m, Initializer init, Value args, Value aux, boolean allowMissing, boolean forceInit, boolean allowExtra) {
        m.initParams(init, namedArrays(args), namedArrays(aux), allowMissing, forceInit, allowExtra);
    }

    /** {@code fit}: options by MXNet's names (optimizer parameters apart); evalMetric a name, a list of names or a metric handle; argParams/auxParams [names, arrays]. */
    @Export public void moduleFit(Module m, DataIter train, DataIter eval, Value opts, Value optimizerParams, Value argParams, Value auxParams) {
        Kwargs k = Kwargs.of(map(opts));
        BaseModule.FitArgs a = new BaseModule.FitArgs();
        if (eval != null) a.evalData(eval);
        if (k.has("eval_metric")) a.evalMetric(k.raw("eval_metric"));
        if (k.has("optimizer")) a.optimizer(k.raw("optimizer"));
        if (optimizerParams != null && !optimizerParams.isNull()) a.optimizerParams(map(optimizerParams));
        if (k.has("initializer")) a.initializer((Initializer) k.raw("initializer"));
        if (k.has("kvstore")) a.kvstore(k.getString("kvstore", "local"));
        a.numEpoch(k.getInt("num_epoch", 0)).beginEpoch(k.getInt("begin_epoch", 0))
                .allowMissing(k.getBool("allow_missing", false)).forceRebind(k.getBool("force_rebind", false)).forceInit(k.getBool("force_init", false));
        k.checkAllRead("Module.fit");
        if (argParams != null && !argParams.isNull()) a.argParams(namedArrays(argParams));
        if (auxParams != null && !auxParams.isNull()) a.auxParams(namedArrays(auxParams));
        m.fit(train, a);
    }

    /** [names, values] of the metric after one pass over {@code data}. */
    @Export public Object[] moduleScore(BaseModule m, DataIter data, Value metric) {
        Object met = metric.isHostObject() ? metric.asHostObject() : java(metric);
        List<Map.Entry<String, Double>> r = m.score(data, met);
        return new Object[] {r.stream().map(Map.Entry::getKey).toArray(String[]::new), r.stream().mapToDouble(Map.Entry::getValue).toArray()};
    }

    @Export public NDArray[] modulePredict(BaseModule m, DataIter data) { return m.predict(data).toArray(NDArray[]::new); }

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
