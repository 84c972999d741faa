package dev.mxj.python;

import dev.mxj.Context;
import dev.mxj.Devices;
import dev.mxj.Random;
import dev.mxj.autograd.Autograd;
import dev.mxj.autograd.GradReq;
import dev.mxj.executor.Executor;
import dev.mxj.initializer.Initializer;
import dev.mxj.executor.Monitor;
import dev.mxj.interop.Checkpoints;
import dev.mxj.interop.Executors;
import dev.mxj.interop.GuestInitializer;
import dev.mxj.interop.Visualization;
import dev.mxj.interop.OpCatalog;
import dev.mxj.interop.OpInvoker;
import dev.mxj.interop.Symbols;
import dev.mxj.io.CSVIter;
import dev.mxj.io.DataBatch;
import dev.mxj.io.DataDesc;
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
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Shape;
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
import org.graalvm.polyglot.Value;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one host object the Python {@code mxnet} package sees (as the polyglot binding
 * {@code mxj}): factories and conversions for what Python values cannot express directly. Guest
 * code gets no host class lookup; everything it reaches is this object, the Java runtime objects
 * it returns, and their public methods. Each method is one short host call; the Python layer keeps
 * the MXNet signatures and turns every exception into {@code MXNetError}.
 */
public final class Bridge {
    Bridge() {}

    // ------------------------------------------------------------------ operators

    public String[] opNames() { return OpRegistry.global().allNames().toArray(String[]::new); }

    public OpCatalog.OpInfo opInfo(String name) { return OpCatalog.info(name); }

    /** An invoker with parsed parameters; {@code values} are MXNet's string forms. */
    public OpInvoker invoker(String op, Value keys, Value values) {
        return OpInvoker.of(op, strings(keys), strings(values));
    }

    /** Calls with any number of inputs (null entries: optional inputs left out). */
    public NDArray[] invoke(OpInvoker inv, Value inputs) { return inv.invoke(arrays(inputs)); }

    public NDArray[] invokeInto(OpInvoker inv, Value inputs, Value out) { return inv.invokeInto(arrays(inputs), arrays(out)); }

    // ------------------------------------------------------------------ arrays

    /**
     * An array from flat values (a Python list of numbers) in row-major order. Values are read as
     * double, or as long for the 64-bit integer types so that large integers survive.
     */
    public NDArray fromValues(Value data, Value shape, String dtype, Context ctx) {
        DType t = DType.parse(dtype);
        long[] dims = longs(shape);
        int n = Math.toIntExact(data.getArraySize());
        Shape s = Shape.of(dims);
        if (s.size() != n) throw new IllegalArgumentException("data has " + n + " elements but shape " + s + " needs " + s.size());
        if (t == DType.INT64) {
            long[] v = new long[n];
            for (int i = 0; i < n; i++) v[i] = data.getArrayElement(i).asLong();
            return NDArray.array(v, s, ctx);
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = data.getArrayElement(i).asDouble();
        return NDArray.array(v, s, t, ctx);
    }

    /** Flat values for {@code tolist()}: long[] for integer and bool types, double[] otherwise. */
    public Object values(NDArray a) {
        DType t = a.dtype();
        return t.isFloating() ? a.toDoubleArray() : a.toLongArray();
    }

    public long[] shape(NDArray a) { return a.shape().dims(); }

    public String dtypeName(NDArray a) { return a.dtype().toString(); }

    public NDArray reshape(NDArray a, Value shape, boolean reverse) { return dev.mxj.interop.NDViews.reshape(a, longs(shape), reverse); }

    public NDArray asType(NDArray a, String dtype) { return a.asType(DType.parse(dtype)); }

    public void waitAll() { NDArray.waitAll(); }

    public void save(String file, Value names, Value arrays) throws IOException {
        NDArray[] a = arrays(arrays);
        if (names == null || names.isNull()) {
            NDSerializer.save(Path.of(file), List.of(a));
            return;
        }
        String[] n = strings(names);
        Map<String, NDArray> m = new LinkedHashMap<>();
        for (int i = 0; i < n.length; i++) m.put(n[i], a[i]);
        NDSerializer.save(Path.of(file), m);
    }

    /** {names, arrays}; names is empty for a file saved from a list. */
    public Object[] load(String file) throws IOException {
        NDSerializer.Loaded l = NDSerializer.load(Path.of(file));
        return new Object[] {l.names().toArray(String[]::new), l.arrays().toArray(NDArray[]::new)};
    }

    // ------------------------------------------------------------------ context, random, autograd

    public Context context(String deviceType, int id) { return Context.of(deviceType, id); }

    public Context defaultContext() { return Context.defaultContext(); }

    /** Devices of a type that are usable here (0 when its plugin is missing or unusable). */
    public int deviceCount(String deviceType) {
        for (Devices.DeviceInfo d : Devices.list()) if (d.deviceType().equals(deviceType)) return d.usable() ? d.count() : 0;
        return 0;
    }

    public void seed(long seed, Context ctx) {
        if (ctx == null) Random.seed(seed);
        else Random.seed(seed, ctx);
    }

    public boolean setRecording(boolean on) { return Autograd.setRecording(on); }

    public boolean setTraining(boolean on) { return Autograd.setTraining(on); }

    public boolean isRecording() { return Autograd.isRecording(); }

    public boolean isTraining() { return Autograd.isTraining(); }

    public void attachGrad(NDArray a, String gradReq) { a.attachGrad(gradReq(gradReq)); }

    public void markVariables(Value vars, Value grads, Value reqs) {
        NDArray[] v = arrays(vars), g = arrays(grads);
        String[] r = strings(reqs);
        List<GradReq> req = new ArrayList<>();
        for (String s : r) req.add(gradReq(s));
        Autograd.markVariables(List.of(v), List.of(g), req);
    }

    public void backward(Value heads, Value headGrads, boolean retainGraph, boolean trainMode) {
        Autograd.backward(List.of(arrays(heads)), headGrads == null || headGrads.isNull() ? null : nullableList(headGrads), retainGraph, trainMode);
    }

    public NDArray[] grad(Value heads, Value variables, Value headGrads, boolean retainGraph, boolean createGraph, boolean trainMode) {
        List<NDArray> hg = headGrads == null || headGrads.isNull() ? null : nullableList(headGrads);
        return Autograd.grad(List.of(arrays(heads)), List.of(arrays(variables)), hg, retainGraph, createGraph, trainMode).toArray(NDArray[]::new);
    }

    private static GradReq gradReq(String s) {
        return switch (s) {
            case "write" -> GradReq.WRITE;
            case "add" -> GradReq.ADD;
            case "null" -> GradReq.NULL;
            default -> throw new IllegalArgumentException("grad_req must be 'write', 'add' or 'null', got '" + s + "'");
        };
    }

    // ------------------------------------------------------------------ training blocks

    public Optimizer optimizer(String name, Value kwargs) { return Optimizer.create(name, kwargs(kwargs)); }

    /**
     * The runtime's class name of a registered optimizer, metric or initializer ({@code kind}),
     * made with default arguments: Python names its classes so (SGD, Accuracy, Xavier, ...).
     */
    public String registeredClassName(String kind, String name) {
        Object o = switch (kind) {
            case "optimizer" -> Optimizer.create(name, Map.of());
            case "metric" -> Metric.create(name, Map.of());
            case "initializer" -> Initializer.create(name, Map.of());
            default -> throw new IllegalArgumentException("unknown registry " + kind);
        };
        return o.getClass().getSimpleName();
    }

    public String[] initializerNames() { return Initializer.names().toArray(String[]::new); }

    public Updater updater(Optimizer opt) { return Optimizer.getUpdater(opt); }

    public String[] optimizerNames() { return Optimizer.names().toArray(String[]::new); }

    public LRScheduler lrScheduler(String kind, Value kwargs) {
        Map<String, Object> k = kwargs(kwargs);
        double baseLr = num(k, "base_lr", 0.01);
        int warmupSteps = (int) num(k, "warmup_steps", 0);
        double warmupBeginLr = num(k, "warmup_begin_lr", 0);
        String warmupMode = k.getOrDefault("warmup_mode", "linear").toString();
        return switch (kind) {
            case "FactorScheduler" -> new FactorScheduler((int) num(k, "step", Double.NaN), num(k, "factor", 1), num(k, "stop_factor_lr", 1e-8),
                    baseLr, warmupSteps, warmupBeginLr, warmupMode);
            case "MultiFactorScheduler" -> {
                Object st = k.get("step");
                if (!(st instanceof List<?> l)) throw new IllegalArgumentException("MultiFactorScheduler: step must be a list of ints, got " + st);
                int[] steps = l.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
                yield new MultiFactorScheduler(steps, num(k, "factor", 1), baseLr, warmupSteps, warmupBeginLr, warmupMode);
            }
            case "PolyScheduler" -> new PolyScheduler((int) num(k, "max_update", Double.NaN), baseLr, num(k, "pwr", 2), num(k, "final_lr", 0),
                    warmupSteps, warmupBeginLr, warmupMode);
            case "CosineScheduler" -> new CosineScheduler((int) num(k, "max_update", Double.NaN), baseLr, num(k, "final_lr", 0),
                    warmupSteps, warmupBeginLr, warmupMode);
            default -> throw new IllegalArgumentException("unknown learning-rate scheduler " + kind);
        };
    }

    private static double num(Map<String, Object> k, String key, double dflt) {
        Object o = k.get(key);
        if (o == null) {
            if (Double.isNaN(dflt)) throw new IllegalArgumentException("missing required argument '" + key + "'");
            return dflt;
        }
        if (!(o instanceof Number n)) throw new IllegalArgumentException("argument '" + key + "' must be a number, got " + o);
        return n.doubleValue();
    }

    /** Several parameters in one call (SGD then aggregates them into multi_sgd updates, as MXNet). */
    public void update(Updater u, Value indices, Value grads, Value weights) {
        int[] idx = new int[(int) indices.getArraySize()];
        for (int i = 0; i < idx.length; i++) idx[i] = indices.getArrayElement(i).asInt();
        u.call(idx, arrays(grads), arrays(weights));
    }

    /** A name → (list of) floats map of MXNet's {@code get_states}/{@code set_states}: the updater's bytes. */
    public byte[] getStates(Updater u) { return u.getStates(); }

    public void setStates(Updater u, Value bytes) {
        byte[] b = new byte[(int) bytes.getArraySize()];
        for (int i = 0; i < b.length; i++) b[i] = (byte) bytes.getArrayElement(i).asInt();
        u.setStates(b);
    }

    public Initializer initializer(String name, Value kwargs) { return Initializer.create(name, kwargs(kwargs)); }

    public EvalMetric metric(String name, Value kwargs) { return Metric.create(name, kwargs(kwargs)); }

    public void metricUpdate(EvalMetric m, Value labels, Value preds) { m.update(List.of(arrays(labels)), List.of(arrays(preds))); }

    /** {names, values, multi} of {@code get()} ({@code global} for {@code get_global()}). */
    public Object[] metricGet(EvalMetric m, boolean global) {
        EvalMetric.Result r = global ? m.getGlobal() : m.get();
        return new Object[] {r.names().toArray(String[]::new), r.values().stream().mapToDouble(Double::doubleValue).toArray(), r.multi()};
    }

    public String[] metricNames() { return Metric.names().toArray(String[]::new); }

    // ------------------------------------------------------------------ data iterators

    public NDArrayIter ndarrayIter(Value data, Value label, int batchSize, boolean shuffle, String lastBatchHandle,
                                   String dataName, String labelName) {
        NDArrayIter.Builder b = NDArrayIter.builder().batchSize(batchSize).shuffle(shuffle)
                .lastBatchHandle(lastBatchHandle).dataName(dataName).labelName(labelName);
        b.data(namedArrays(data));
        if (label != null && !label.isNull()) b.label(namedArrays(label));
        return b.build();
    }

    public MNISTIter mnistIter(String image, String label, int batchSize, boolean shuffle, boolean flat, int seed,
                               int numParts, int partIndex, Context ctx) {
        return MNISTIter.builder().image(Path.of(image)).label(Path.of(label)).batchSize(batchSize).shuffle(shuffle)
                .flat(flat).seed(seed).silent(true).numParts(numParts).partIndex(partIndex).context(ctx).buildMnist();
    }

    public CSVIter csvIter(String dataCsv, Value dataShape, String labelCsv, Value labelShape, int batchSize,
                           boolean roundBatch, String dtype) {
        CSVIter.Builder b = CSVIter.builder().dataCsv(Path.of(dataCsv)).dataShape(longs(dataShape)).batchSize(batchSize)
                .roundBatch(roundBatch).dtype(DType.parse(dtype));
        if (labelCsv != null) b.labelCsv(Path.of(labelCsv)).labelShape(longs(labelShape));
        return b.buildCsv();
    }

    public DataDesc dataDesc(String name, Value shape, String dtype, String layout) {
        return new DataDesc(name, Shape.of(longs(shape)), DType.parse(dtype), layout);
    }

    /** A name → array map (insertion order kept) from {names, arrays}, or the one array. */
    private static Map<String, NDArray> namedArrays(Value v) {
        Value names = v.getArrayElement(0), arrays = v.getArrayElement(1);
        Map<String, NDArray> m = new LinkedHashMap<>();
        for (int i = 0; i < names.getArraySize(); i++) m.put(names.getArrayElement(i).asString(), arrays.getArrayElement(i).asHostObject());
        return m;
    }

    // ------------------------------------------------------------------ symbols, executors, modules

    public Symbol symVar(String name, Value attrs) { return Symbol.var(name, kwargs(attrs)); }

    /** An operator symbol: parameters as MXNet's strings, positional inputs, named inputs ({names, symbols}). */
    public Symbol symCreate(String op, String name, Value keys, Value values, Value args, Value kwNames, Value kwSyms) {
        return Symbols.create(op, name, strings(keys), strings(values), symbols(args), strings(kwNames), symbols(kwSyms));
    }

    /** {@code sym(name=, **inputs)}: a copy with the named free variables replaced. */
    public Symbol symCompose(Symbol s, String name, Value names, Value syms) {
        Map<String, Symbol> kw = new LinkedHashMap<>();
        String[] n = strings(names);
        for (int i = 0; i < n.length; i++) kw.put(n[i], syms.getArrayElement(i).asHostObject());
        return s.compose(name, kw);
    }

    public Symbol symGroup(Value syms) { return Symbol.group(symbols(syms)); }

    public Symbol symFromJson(String json) { return Symbol.fromJson(json); }

    public Symbol symLoad(String file) { return Symbol.load(Path.of(file)); }

    public void symSave(Symbol s, String file) { s.save(Path.of(file)); }

    /** {arg shapes, out shapes, aux shapes} (each long[][], unknown shapes null), or null when undecided. */
    public Object[] symInferShape(Symbol s, Value names, Value shapes, boolean partial) {
        return Symbols.inferShape(s, shapeMap(names, shapes), partial);
    }

    private static Map<String, Shape> shapeMap(Value names, Value shapes) {
        Map<String, Shape> m = new LinkedHashMap<>();
        String[] n = strings(names);
        for (int i = 0; i < n.length; i++) m.put(n[i], Shape.of(longs(shapes.getArrayElement(i))));
        return m;
    }

    /** {arg types, out types, aux types} as dtype names (unknown null), or null when undecided. */
    public Object[] symInferType(Symbol s, Value names, Value dtypes, boolean partial) {
        Map<String, DType> known = new LinkedHashMap<>();
        String[] n = strings(names), t = strings(dtypes);
        for (int i = 0; i < n.length; i++) known.put(n[i], DType.parse(t[i]));
        Symbol.Inferred<DType> r = partial ? s.inferTypePartial(known) : s.inferType(known);
        if (r == null) return null;
        return new Object[] {typeNames(r.arguments()), typeNames(r.outputs()), typeNames(r.auxiliaryStates())};
    }

    private static String[] typeNames(List<DType> l) {
        if (l == null) return null;
        return l.stream().map(d -> d == null ? null : d.toString()).toArray(String[]::new);
    }

    /**
     * {@code bind}: arrays by name ({names, arrays} pairs; grads and aux may be null), grad_req a
     * string, list or dict, group2ctx {names, contexts} or null, sharing {@code shared}'s memory when given.
     */
    public Executor bind(Symbol s, Context ctx, Value args, Value grads, Value gradReq, Value aux, Value group2ctx, Executor shared) {
        return Executors.bind(s, ctx, namedArrays(args), grads == null || grads.isNull() ? null : namedArrays(grads), toJava(gradReq), aux == null || aux.isNull() ? null : namedArrays(aux),
                groups(group2ctx), groupContexts(group2ctx), shared);
    }

    /**
     * Shapes and dtypes as parallel name/value lists (dtypes may be null); group2ctx and shared as
     * {@link #bind}; shared_arg_names a list or null, shared_buffer {names, arrays} or null.
     * Returns {executor, buffer names, buffer arrays} (the buffer as updated, null when not given).
     */
    public Object[] simpleBind(Symbol s, Context ctx, Value gradReq, Value names, Value shapes, Value typeNames, Value types, Value group2ctx,
                               Value sharedArgNames, Executor shared, Value sharedBuffer) {
        Map<String, NDArray> buffer = sharedBuffer == null || sharedBuffer.isNull() ? null : namedArrays(sharedBuffer);
        Executor e = Executors.simpleBind(s, ctx, toJava(gradReq), strings(names), longArrays(shapes), nullableStrings(typeNames), nullableStrings(types),
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

    /** {@code set_monitor_callback}: {@code fn(name, array)} after each operator (null to stop). */
    public void execSetMonitor(Executor e, Value fn, boolean monitorAll) {
        e.setMonitorCallback(fn == null || fn.isNull() ? null : (name, arr) -> fn.executeVoid(name, arr), monitorAll);
    }

    /** {@code mx.mon.Monitor}: statFunc a Python function from array to array, or null for MXNet's norm / sqrt(size); log lines to {@code sink}. */
    public Monitor monitor(int interval, Value statFunc, String pattern, boolean sort, boolean monitorAll, Value sink) {
        java.util.function.Function<NDArray, NDArray> f = statFunc == null || statFunc.isNull() ? null : a -> statFunc.execute(a).asHostObject();
        return new Monitor(interval, f, pattern, sort, monitorAll).setLogger(sink::executeVoid);
    }

    /** {step, name, value} rows of {@code Monitor.toc()}. */
    public Object[] monitorToc(Monitor m) {
        return m.toc().stream().map(st -> new Object[] {st.step(), st.name(), st.value()}).toArray();
    }

    /** {@code mx.AttrScope(**attrs)} entered; the Python side closes it. */
    public AttrScope attrScope(Value attrs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (var e : kwargs(attrs).entrySet()) m.put(e.getKey(), e.getValue() == null ? null : e.getValue().toString());
        return AttrScope.of(m);
    }

    public Map<String, String> attrScopeCurrent() { return AttrScope.current(); }

    /** {@code mx.name.NameManager()} / {@code mx.name.Prefix(prefix)} entered (prefix null: a plain manager). */
    public NameManager nameScope(String prefix) { return prefix == null ? NameManager.scope() : NameManager.prefix(prefix); }

    // ------------------------------------------------------------------ mx.viz

    public String vizSummary(Symbol s, Value names, Value shapes, int lineLength, Value positions) {
        double[] pos = new double[(int) positions.getArraySize()];
        for (int i = 0; i < pos.length; i++) pos[i] = positions.getArrayElement(i).asDouble();
        return Visualization.summary(s, nullableStrings(names), longArrays(shapes), lineLength, pos);
    }

    public Viz.Dot vizPlot(Symbol s, String title, Value shapeNames, Value shapes, Value typeNames, Value types, Value nodeAttrs, boolean hideWeights) {
        Map<String, String> attrs = new LinkedHashMap<>();
        for (var e : kwargs(nodeAttrs).entrySet()) attrs.put(e.getKey(), String.valueOf(e.getValue()));
        return Visualization.plot(s, title, nullableStrings(shapeNames), longArrays(shapes), nullableStrings(typeNames), nullableStrings(types),
                attrs, hideWeights);
    }

    public void dotSave(Viz.Dot d, String file) throws IOException { d.save(Path.of(file)); }

    public void dotRender(Viz.Dot d, String file, String format) throws IOException { d.render(Path.of(file), format); }

    public NDArray[] execForward(Executor e, boolean isTrain, Value kwargs) {
        return e.forward(isTrain, kwargs == null || kwargs.isNull() ? null : namedArrays(kwargs)).toArray(NDArray[]::new);
    }

    public void execBackward(Executor e, Value outGrads) {
        e.backward(outGrads == null || outGrads.isNull() ? null : nullableList(outGrads));
    }

    public Executor execReshape(Executor e, boolean partialShaping, boolean allowUpSizing, Value names, Value shapes) {
        return e.reshape(partialShaping, allowUpSizing, shapeMap(names, shapes));
    }

    public void moduleReshape(Module m, Value dataDescs, Value labelDescs) {
        m.reshape(descs(dataDescs), labelDescs == null || labelDescs.isNull() ? null : descs(labelDescs));
    }

    /** {names, arrays} of a name → array map (missing arrays null). */
    public Object[] dict(Map<String, NDArray> m) {
        return new Object[] {m.keySet().toArray(String[]::new), m.values().toArray(NDArray[]::new)};
    }

    /** A Module whose log lines go to {@code sink} (Python's logging: MXNet's modules log there). */
    public Module module(Symbol s, Value dataNames, Value labelNames, Context ctx, Value fixedParamNames, Value sink) {
        Module m = new Module(s, List.of(strings(dataNames)), List.of(strings(labelNames)), ctx, List.of(strings(fixedParamNames)));
        m.setLogger(sink::executeVoid);
        return m;
    }

    public Module moduleLoad(String prefix, int epoch, boolean loadOptimizerStates, Value dataNames, Value labelNames, Context ctx, Value sink) {
        Module m = Module.load(prefix, epoch, loadOptimizerStates, List.of(strings(dataNames)), List.of(strings(labelNames)), ctx);
        m.setLogger(sink::executeVoid);
        return m;
    }

    public void moduleBind(BaseModule m, Value dataDescs, Value labelDescs, boolean forTraining, boolean inputsNeedGrad, boolean forceRebind,
                           BaseModule shared, String gradReq) {
        List<DataDesc> labels = labelDescs == null || labelDescs.isNull() ? null : descs(labelDescs);
        m.bind(descs(dataDescs), labels, forTraining, inputsNeedGrad, forceRebind, shared, gradReq);
    }

    /**
     * {@code mx.mod.BucketingModule}: {@code symGen(key)} returns {symbol, data names, label names};
     * keys are what Python passes (int, str, or a tuple, which arrives as a list).
     */
    public BucketingModule bucketingModule(Value symGen, Value defaultKey, Context ctx, Value fixedParamNames, Value sink) {
        BucketingModule m = new BucketingModule(key -> {
            Value r = symGen.execute(key);
            return new BucketingModule.SymGen(r.getArrayElement(0).asHostObject(), List.of(strings(r.getArrayElement(1))),
                    List.of(strings(r.getArrayElement(2))));
        }, toJava(defaultKey), ctx, List.of(strings(fixedParamNames)));
        m.setLogger(sink::executeVoid);
        return m;
    }

    public SequentialModule sequentialModule(Value sink) {
        SequentialModule m = new SequentialModule();
        m.setLogger(sink::executeVoid);
        return m;
    }

    private static List<DataDesc> descs(Value v) {
        List<DataDesc> l = new ArrayList<>();
        for (long i = 0; i < v.getArraySize(); i++) l.add(v.getArrayElement(i).asHostObject());
        return l;
    }

    public void moduleInitParams(BaseModule m, Initializer init, Value args, Value aux, boolean allowMissing, boolean forceInit, boolean allowExtra) {
        m.initParams(init, args == null || args.isNull() ? null : namedArrays(args), aux == null || aux.isNull() ? null : namedArrays(aux),
                allowMissing, forceInit, allowExtra);
    }

    public void moduleSetParams(BaseModule m, Value args, Value aux, boolean allowMissing, boolean forceInit, boolean allowExtra) {
        m.setParams(args == null || args.isNull() ? null : namedArrays(args), aux == null || aux.isNull() ? null : namedArrays(aux),
                allowMissing, forceInit, allowExtra);
    }

    /** {@code optimizer}: a registry name or a runtime Optimizer (Python passes its handle). */
    public void moduleInitOptimizer(BaseModule m, String kvstore, Value optimizer, Value params, boolean forceInit) {
        m.initOptimizer(kvstore, toJava(optimizer), kwargs(params), forceInit);
    }

    /**
     * {@code isTrain} null: the module's for_training. The bucket key and the batch's own
     * provide_data/provide_label (DataDescs, or null) matter to a BucketingModule.
     */
    public void moduleForward(BaseModule m, Value data, Value label, Value isTrain, Value bucketKey, Value provideData, Value provideLabel) {
        List<NDArray> l = label == null || label.isNull() ? null : List.of(arrays(label));
        DataBatch b = new DataBatch(List.of(arrays(data)), l, 0, null, toJava(bucketKey),
                provideData == null || provideData.isNull() ? null : descs(provideData),
                provideLabel == null || provideLabel.isNull() ? null : descs(provideLabel));
        m.forward(b, isTrain == null || isTrain.isNull() ? null : isTrain.asBoolean());
    }

    /** A Python-defined initializer for the runtime: {@code fill(name, attrs, array)}. */
    public Initializer guestInitializer(Value fill, String dumps) {
        return new GuestInitializer((name, attrs, arr) -> fill.executeVoid(name, attrs, arr), dumps);
    }

    public void moduleBackward(BaseModule m, Value outGrads) {
        m.backward(outGrads == null || outGrads.isNull() ? null : nullableList(outGrads));
    }

    public void moduleSaveParams(BaseModule m, String file) { m.saveParams(Path.of(file)); }

    public void moduleLoadParams(BaseModule m, String file) { m.loadParams(Path.of(file)); }

    /** {arg names, arg arrays, aux names, aux arrays}. */
    public Object[] moduleGetParams(BaseModule m) { return Checkpoints.params(m); }

    public void saveCheckpoint(String prefix, int epoch, Symbol s, Value args, Value aux) {
        Checkpoints.save(prefix, epoch, s, namedArrays(args), namedArrays(aux));
    }

    /** {symbol, arg names, arg arrays, aux names, aux arrays}. */
    public Object[] loadCheckpoint(String prefix, int epoch) { return Checkpoints.load(prefix, epoch); }

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

    // ------------------------------------------------------------------ diagnostics (benchmarks)

    /**
     * CPU seconds of this process by kind of thread, from /proc/self/task (Linux; empty elsewhere):
     * "script and BLAS" (threads named "java": Java's main thread, which runs the script, and the
     * native threads OpenBLAS starts from it), "Truffle compiler", "C1/C2" (HotSpot's compilers, which also compile the Graal
     * compiler itself), "GC", "other" (engine workers, BLAS threads), "ended threads". For benchmarks on shared
     * machines, where wall time says little about who used the CPU.
     */
    public Map<String, Double> cpuByThread() {
        Map<String, Double> m = new LinkedHashMap<>();
        double tick = 100.0; // USER_HZ: 100 on Linux
        try (var tasks = java.nio.file.Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = java.nio.file.Files.readString(t.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended meanwhile
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                double secs = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / tick;
                String kind = name.equals("java") ? "script and BLAS"
                        : name.startsWith("TruffleCompile") ? "Truffle compiler"
                        : name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? "C1/C2"
                        : name.startsWith("GC ") || name.startsWith("G1 ") ? "GC" : "other";
                m.merge(kind, secs, Double::sum);
            }
        } catch (IOException | RuntimeException noProc) {
            return Map.of();
        }
        // threads that have ended (e.g. idle Truffle compiler threads) count only in the process total
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            double ended = os.getProcessCpuTime() / 1e9 - m.values().stream().mapToDouble(Double::doubleValue).sum();
            if (ended > 0.05) m.put("ended threads", ended);
        }
        return m;
    }

    // ------------------------------------------------------------------ conversions

    /**
     * Python keyword arguments as Java values: None → null, bool, int (Integer or Long), float,
     * str, lists, and host objects (Python wrappers pass their handle, {@code _h}).
     */
    static Map<String, Object> kwargs(Value v) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (v == null || v.isNull()) return m;
        Value keys = v.invokeMember("keys");
        Value it = keys.getIterator();
        while (it.hasIteratorNextElement()) {
            String k = it.getIteratorNextElement().asString();
            m.put(k, toJava(v.getHashValue(k)));
        }
        return m;
    }

    static Object toJava(Value v) {
        if (v == null || v.isNull()) return null;
        if (v.isHostObject()) return v.asHostObject();
        if (v.isBoolean()) return v.asBoolean();
        if (v.isNumber()) {
            if (v.fitsInInt()) return v.asInt();
            if (v.fitsInLong()) return v.asLong();
            return v.asDouble();
        }
        if (v.isString()) return v.asString();
        if (v.hasMember("_h")) return toJava(v.getMember("_h"));
        if (v.hasHashEntries()) {
            Map<Object, Object> m = new LinkedHashMap<>();
            Value it = v.getHashKeysIterator();
            while (it.hasIteratorNextElement()) {
                Value k = it.getIteratorNextElement();
                m.put(toJava(k), toJava(v.getHashValue(k)));
            }
            return m;
        }
        if (v.hasArrayElements()) {
            List<Object> l = new ArrayList<>();
            for (long i = 0; i < v.getArraySize(); i++) l.add(toJava(v.getArrayElement(i)));
            return l;
        }
        throw new IllegalArgumentException("cannot pass a " + v.getMetaObject() + " to the runtime: " + v);
    }

    private static String[] strings(Value v) {
        String[] s = new String[(int) v.getArraySize()];
        for (int i = 0; i < s.length; i++) s[i] = v.getArrayElement(i).asString();
        return s;
    }

    private static long[] longs(Value v) {
        long[] s = new long[(int) v.getArraySize()];
        for (int i = 0; i < s.length; i++) s[i] = v.getArrayElement(i).asLong();
        return s;
    }

    private static NDArray[] arrays(Value v) {
        NDArray[] a = new NDArray[(int) v.getArraySize()];
        for (int i = 0; i < a.length; i++) {
            Value e = v.getArrayElement(i);
            a[i] = e.isNull() ? null : e.asHostObject();
        }
        return a;
    }

    private static List<NDArray> nullableList(Value v) { return java.util.Arrays.asList(arrays(v)); }
}
