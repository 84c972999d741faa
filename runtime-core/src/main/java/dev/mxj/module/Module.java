package dev.mxj.module;

import dev.mxj.Context;
import dev.mxj.MxjException;
import dev.mxj.autograd.GradReq;
import dev.mxj.executor.Executor;
import dev.mxj.initializer.InitDesc;
import dev.mxj.initializer.Initializer;
import dev.mxj.io.DataBatch;
import dev.mxj.io.DataDesc;
import dev.mxj.metric.EvalMetric;
import dev.mxj.model.Model;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.optimizer.Optimizer;
import dev.mxj.optimizer.Updater;
import dev.mxj.symbol.Symbol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code mx.mod.Module} (MXNet 1.9): a symbol with its data and label names, bound on one
 * context through an {@link Executor}. Parameters live twice, as in MXNet: in the executor (what
 * training updates) and in the module's own copies ({@code get_params}), synchronised lazily.
 * The optimizer runs locally through an {@link Updater}; kvstore 'local' and 'device' mean that
 * on a single context (MXNet creates no kvstore for one device either). Data parallelism over
 * several contexts is not implemented: a module takes one context.
 */
public class Module extends BaseModule {
    private final Symbol symbol;
    private final Context ctx;
    private final List<String> dataNames, labelNames, fixedParamNames, paramNames, auxNames, outputNames;
    private List<DataDesc> dataShapes = List.of(), labelShapes = List.of();
    private Executor defaultExec, exec;
    private Map<String, NDArray> argParams, auxParams;
    private boolean paramsDirty;
    private Optimizer optimizer;
    private Updater updater;
    private Path preloadOptStates;
    private boolean ownsParams;
    /**
     * MXNet's {@code shared_data_arrays}: the non-parameter arrays (data, labels, their gradients)
     * by name, which the executors of modules bound against this one (buckets) lay their own
     * onto; created by the module that does not share, which closes its entries.
     */
    private Map<String, NDArray> sharedBuffer;
    private boolean ownsBuffer;

    /** {@code Module(symbol, data_names=('data',), label_names=('softmax_label',), context=cpu())}. */
    public Module(Symbol symbol) { this(symbol, List.of("data"), List.of("softmax_label"), Context.cpu(), List.of()); }

    public Module(Symbol symbol, List<String> dataNames, List<String> labelNames, Context ctx, List<String> fixedParamNames) {
        this.symbol = symbol;
        this.ctx = ctx == null ? Context.cpu() : ctx;
        List<String> args = symbol.listArguments();
        this.dataNames = List.copyOf(dataNames);
        for (String d : this.dataNames) {
            if (!args.contains(d)) {
                throw new MxjException("You created Module with Module(..., data_names=" + pyList(this.dataNames) + ") but input with name '" + d
                        + "' is not found in symbol.list_arguments(). Did you mean one of:\n\t" + String.join("\n\t", candidates(args)));
            }
        }
        // as MXNet, a label name the symbol lacks is only warned about; it is then not bound
        List<String> labels = new ArrayList<>();
        for (String l : labelNames == null ? List.<String>of() : labelNames) {
            if (args.contains(l)) labels.add(l);
            else logger.accept("WARNING: label name '" + l + "' is not an argument of the symbol; it is ignored");
        }
        this.labelNames = List.copyOf(labels);
        this.fixedParamNames = fixedParamNames == null ? List.of() : List.copyOf(fixedParamNames);
        List<String> params = new ArrayList<>();
        for (String a : args) if (!this.dataNames.contains(a) && !this.labelNames.contains(a) && !(labelNames != null && labelNames.contains(a))) params.add(a);
        this.paramNames = List.copyOf(params);
        this.auxNames = symbol.listAuxiliaryStates();
        this.outputNames = symbol.listOutputs();
    }

    private static List<String> candidates(List<String> args) {
        List<String> r = new ArrayList<>();
        for (String a : args) if (!a.endsWith("_weight") && !a.endsWith("_bias") && !a.endsWith("_gamma") && !a.endsWith("_beta")) r.add(a);
        return r;
    }

    private static String pyList(List<String> l) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < l.size(); i++) sb.append(i > 0 ? ", " : "").append('\'').append(l.get(i)).append('\'');
        return sb.append(']').toString();
    }

    // ------------------------------------------------------------------ checkpoints

    /**
     * {@code Module.load(prefix, epoch, load_optimizer_states)}: a module from a checkpoint, its
     * parameters set (copied in at bind), optimizer states read at {@code initOptimizer}.
     */
    public static Module load(String prefix, int epoch, boolean loadOptimizerStates, List<String> dataNames, List<String> labelNames, Context ctx) {
        Model.Checkpoint c = Model.loadCheckpoint(prefix, epoch);
        Module m = new Module(c.symbol(), dataNames, labelNames, ctx, List.of());
        m.argParams = new LinkedHashMap<>(c.argParams());
        m.auxParams = new LinkedHashMap<>(c.auxParams());
        m.paramsInitialized = true;
        if (loadOptimizerStates) m.preloadOptStates = statesFile(prefix, epoch);
        return m;
    }

    public static Module load(String prefix, int epoch) { return load(prefix, epoch, false, List.of("data"), List.of("softmax_label"), Context.cpu()); }

    private static Path statesFile(String prefix, int epoch) { return Path.of(String.format(java.util.Locale.ROOT, "%s-%04d.states", prefix, epoch)); }

    /** {@code save_checkpoint(prefix, epoch, save_optimizer_states)}: symbol, parameters and optionally {@code prefix-%04d.states}. */
    public void saveCheckpoint(String prefix, int epoch, boolean saveOptimizerStates) {
        symbol.save(Model.symbolFile(prefix));
        Path p = Model.paramsFile(prefix, epoch);
        saveParams(p);
        logger.accept("Saved checkpoint to \"" + p + "\"");
        if (saveOptimizerStates) {
            Path s = statesFile(prefix, epoch);
            saveOptimizerStates(s);
            logger.accept("Saved optimizer state to \"" + s + "\"");
        }
    }

    /** {@code save_optimizer_states(fname)}: the updater's states, written atomically. */
    public void saveOptimizerStates(Path file) {
        requireOptimizer();
        try {
            Path abs = file.toAbsolutePath();
            Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
            try {
                Files.write(tmp, updater.getStates());
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write optimizer states " + file, e);
        }
    }

    /** {@code load_optimizer_states(fname)}. */
    public void loadOptimizerStates(Path file) {
        requireOptimizer();
        try {
            updater.setStates(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read optimizer states " + file, e);
        }
    }

    private void requireOptimizer() {
        if (!optimizerInitialized) throw new MxjException("the optimizer is not initialized: call init_optimizer first");
    }

    // ------------------------------------------------------------------ properties

    @Override public List<String> dataNames() { return dataNames; }

    public List<String> labelNames() { return labelNames; }

    @Override public List<String> outputNames() { return outputNames; }

    @Override public List<DataDesc> dataShapes() { requireBound(); return dataShapes; }

    @Override public List<DataDesc> labelShapes() { requireBound(); return labelShapes; }

    @Override public Map<String, Shape> outputShapes() {
        requireBound();
        Map<String, Shape> m = new LinkedHashMap<>();
        for (var e : exec.outputDict().entrySet()) m.put(e.getKey(), e.getValue().shape());
        return m;
    }

    @Override public Symbol symbol() { return symbol; }

    public Context context() { return ctx; }

    /** The executor in use (the bound one, or its reshaped form for the current batch shape). */
    public Executor executor() { requireBound(); return exec; }

    public Optimizer optimizer() { return optimizer; }

    public Updater updater() { return updater; }

    private void requireBound() {
        if (!binded) throw new MxjException("call bind before using the module");
    }

    // ------------------------------------------------------------------ bind

    @Override
    public void bind(List<DataDesc> dataShapes, List<DataDesc> labelShapes, boolean forTraining, boolean inputsNeedGrad, boolean forceRebind,
                     BaseModule sharedModule, String gradReq) {
        if (forceRebind) resetBind();
        if (binded) {
            logger.accept("WARNING: Already bound, ignoring bind()");
            return;
        }
        if (!forTraining && inputsNeedGrad) throw new MxjException("inputs_need_grad needs for_training=True");
        if (sharedModule != null && !(sharedModule instanceof Module)) throw new MxjException("shared_module must be a Module");
        this.forTraining = forTraining;
        this.inputsNeedGrad = inputsNeedGrad;
        this.dataShapes = parse(dataNames, dataShapes, "data");
        this.labelShapes = labelShapes == null ? List.of() : parse(labelNames, labelShapes, "label");
        Map<String, Shape> shapes = new LinkedHashMap<>();
        Map<String, DType> types = new HashMap<>();
        for (DataDesc d : this.dataShapes) { shapes.put(d.name(), d.shape()); types.put(d.name(), d.dtype()); }
        for (DataDesc d : this.labelShapes) { shapes.put(d.name(), d.shape()); types.put(d.name(), d.dtype()); }
        Map<String, String> reqs = new HashMap<>();
        GradReq req = GradReq.parse(gradReq == null ? "write" : gradReq);
        for (String a : symbol.listArguments()) {
            String r = "null";
            if (forTraining) {
                if (paramNames.contains(a)) r = fixedParamNames.contains(a) ? "null" : req.mxnetName();
                else if (dataNames.contains(a) && inputsNeedGrad) r = req.mxnetName();
            }
            reqs.put(a, r);
        }
        Module shared = (Module) sharedModule;
        if (shared != null && !shared.binded) throw new MxjException("shared_module must be bound first");
        ownsBuffer = shared == null;
        sharedBuffer = ownsBuffer ? new LinkedHashMap<>() : shared.sharedBuffer;
        Map<String, NDArray> before = new HashMap<>(sharedBuffer);
        exec = defaultExec = Executor.simpleBind(symbol, ctx, reqs, types, paramNames, shared == null ? null : shared.defaultExec, sharedBuffer,
                shapes, Executor.Options.DEFAULT);
        // entries the new executor replaced with larger arrays are no longer anyone's
        for (var e : before.entrySet()) if (sharedBuffer.get(e.getKey()) != e.getValue()) e.getValue().close();
        binded = true;
        if (shared != null) {
            paramsInitialized = true;
            argParams = shared.argParams;
            auxParams = shared.auxParams;
            ownsParams = false;
        } else if (paramsInitialized) {
            exec.copyParamsFrom(argParams, auxParams, true);
        } else {
            argParams = new LinkedHashMap<>();
            auxParams = new LinkedHashMap<>();
            for (String p : paramNames) argParams.put(p, zerosLike(exec.argDict().get(p)));
            for (String x : auxNames) auxParams.put(x, zerosLike(exec.auxDict().get(x)));
            ownsParams = true;
        }
        if (shared != null && shared.optimizerInitialized) borrowOptimizer(shared);
    }

    private static NDArray zerosLike(NDArray a) { return NDScope.detach(NDArray.zeros(a.shape(), a.dtype(), Context.cpu())); }

    private static List<DataDesc> parse(List<String> names, List<DataDesc> descs, String what) {
        List<String> got = new ArrayList<>();
        for (DataDesc d : descs) got.add(d.name());
        if (!got.equals(names) && !(new java.util.HashSet<>(got).equals(new java.util.HashSet<>(names)) && got.size() == names.size())) {
            throw new MxjException("Data provided by " + what + "_shapes don't match names specified by " + what + "_names (" + descs + " vs. "
                    + pyList(names) + ")");
        }
        return List.copyOf(descs);
    }

    private void resetBind() {
        binded = false;
        if (exec != defaultExec && exec != null) exec.close();
        if (defaultExec != null) defaultExec.close();
        exec = defaultExec = null;
        if (ownsBuffer && sharedBuffer != null) for (NDArray a : sharedBuffer.values()) a.close();
        sharedBuffer = null;
        ownsBuffer = false;
    }

    /**
     * {@code reshape(data_shapes, label_shapes)}: a new batch shape; the executor is reshaped from
     * the one first bound (sharing its parameters and memory), as MXNet's executor group does.
     */
    public void reshape(List<DataDesc> dataShapes, List<DataDesc> labelShapes) {
        requireBound();
        this.dataShapes = parse(dataNames, dataShapes, "data");
        if (labelShapes != null) this.labelShapes = parse(labelNames, labelShapes, "label");
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (DataDesc d : this.dataShapes) shapes.put(d.name(), d.shape());
        for (DataDesc d : this.labelShapes) shapes.put(d.name(), d.shape());
        Executor old = exec;
        boolean same = true;
        for (var e : shapes.entrySet()) same &= defaultExec.argDict().get(e.getKey()).shape().equals(e.getValue());
        exec = same ? defaultExec : defaultExec.reshape(false, true, shapes);
        if (old != defaultExec && old != exec) old.close();
        if (monitor != null && exec != old) monitor.install(exec);
    }

    // ------------------------------------------------------------------ parameters

    @Override
    public void initParams(Initializer initializer, Map<String, NDArray> argParams, Map<String, NDArray> auxParams, boolean allowMissing,
                           boolean forceInit, boolean allowExtra) {
        if (paramsInitialized && !forceInit) {
            logger.accept("WARNING: Parameters already initialized and force_init=False. init_params call ignored.");
            return;
        }
        if (!binded) throw new MxjException("call bind before initializing the parameters");
        Map<String, Map<String, String>> attrs = symbol.attrDict();
        for (var e : new TreeMap<>(this.argParams).entrySet()) init(e.getKey(), e.getValue(), argParams, initializer, allowMissing, attrs);
        for (var e : new TreeMap<>(this.auxParams).entrySet()) init(e.getKey(), e.getValue(), auxParams, initializer, allowMissing, attrs);
        paramsInitialized = true;
        paramsDirty = false;
        exec.copyParamsFrom(this.argParams, this.auxParams, allowExtra);
        if (!allowExtra) checkExtra(argParams, auxParams);
    }

    private void checkExtra(Map<String, NDArray> arg, Map<String, NDArray> aux) {
        if (arg != null) for (String k : arg.keySet()) if (!this.argParams.containsKey(k) && !dataNames.contains(k) && !labelNames.contains(k)) {
            throw new MxjException("Find name \"" + k + "\" that is not in the arguments");
        }
        if (aux != null) for (String k : aux.keySet()) if (!this.auxParams.containsKey(k)) throw new MxjException("Find name \"" + k + "\" that is not in the auxiliary states");
    }

    private static void init(String name, NDArray arr, Map<String, NDArray> cache, Initializer initializer, boolean allowMissing,
                             Map<String, Map<String, String>> attrs) {
        if (cache != null) {
            NDArray c = cache.get(name);
            if (c != null) {
                if (c != arr) {
                    if (!c.shape().equals(arr.shape())) {
                        throw new MxjException("Parameter " + name + " has shape " + arr.shape() + " in the module but " + c.shape() + " in the given parameters");
                    }
                    c.copyTo(arr);
                }
                return;
            }
            if (!allowMissing) throw new MxjException(name + " is not presented");
        }
        if (initializer != null) initializer.call(new InitDesc(name, attrs.get(name)), arr);
    }

    /** MXNet's set_params: with allow_missing, copies straight into the executor. */
    @Override
    public void setParams(Map<String, NDArray> argParams, Map<String, NDArray> auxParams, boolean allowMissing, boolean forceInit, boolean allowExtra) {
        if (!allowMissing) {
            initParams(null, argParams, auxParams, false, forceInit, allowExtra);
            return;
        }
        if (paramsInitialized && !forceInit) {
            logger.accept("WARNING: Parameters already initialized and force_init=False. set_params call ignored.");
            return;
        }
        requireBound();
        exec.copyParamsFrom(argParams, auxParams == null ? Map.of() : auxParams, allowExtra);
        paramsDirty = true;
        paramsInitialized = true;
    }

    @Override
    public Params getParams() {
        if (!paramsInitialized) throw new MxjException("call init_params before get_params");
        if (paramsDirty) syncParamsFromDevices();
        return new Params(Collections.unmodifiableMap(argParams), Collections.unmodifiableMap(auxParams));
    }

    /**
     * The executor's parameters changed elsewhere (a bucket sharing them trained, or a front end's
     * own optimizer wrote into them): re-read them at the next get_params.
     */
    public void markParamsDirty() { paramsDirty = true; }

    private void syncParamsFromDevices() {
        for (var e : argParams.entrySet()) exec.argDict().get(e.getKey()).copyTo(e.getValue());
        for (var e : auxParams.entrySet()) exec.auxDict().get(e.getKey()).copyTo(e.getValue());
        paramsDirty = false;
    }

    // ------------------------------------------------------------------ optimizer

    @Override
    public void initOptimizer(String kvstore, Object optimizer, Map<String, ?> optimizerParams, boolean forceInit) {
        if (!binded || !paramsInitialized) throw new MxjException("call bind and init_params before init_optimizer");
        if (optimizerInitialized && !forceInit) {
            logger.accept("WARNING: optimizer already initialized, ignoring...");
            return;
        }
        if (kvstore != null && !kvstore.equals("local") && !kvstore.equals("device")) {
            throw new MxjException("kvstore '" + kvstore + "' is not supported by Module on one context (use 'local', 'device' or None)");
        }
        if (paramsDirty) syncParamsFromDevices();
        double rescale = 1.0 / dataShapes.get(0).shape().dim(dataShapes.get(0).batchAxis());
        Map<Integer, String> idx2name = new LinkedHashMap<>();
        for (int i = 0; i < paramNames.size(); i++) idx2name.put(i, paramNames.get(i));
        Optimizer opt;
        if (optimizer instanceof String name) {
            Map<String, Object> p = new HashMap<>(optimizerParams == null ? Map.of() : optimizerParams);
            p.putIfAbsent("rescale_grad", rescale);
            p.put("param_idx2name", idx2name);
            p.put("sym", new Optimizer.SymbolInfo() {
                @Override public Map<String, Map<String, String>> attrDict() { return symbol.attrDict(); }

                @Override public List<String> listArguments() { return symbol.listArguments(); }
            });
            opt = Optimizer.create(name, p);
        } else if (optimizer instanceof Optimizer o) {
            opt = o;
            if (o.rescaleGrad() != rescale) {
                logger.accept("WARNING: Optimizer created manually outside Module but rescale_grad is not normalized to 1.0/batch_size/num_workers ("
                        + o.rescaleGrad() + " vs. " + rescale + "). Is this intended?");
            }
            if (o.idx2name().isEmpty()) o.idx2name().putAll(idx2name);
        } else {
            throw new MxjException("optimizer must be a name or an Optimizer, got " + optimizer);
        }
        this.optimizer = opt;
        this.updater = Optimizer.getUpdater(opt);
        optimizerInitialized = true;
        if (preloadOptStates != null) {
            loadOptimizerStates(preloadOptStates);
            preloadOptStates = null;
        }
    }

    /** {@code install_monitor(mon)}: the monitor watches this module's executor (and the forms it is reshaped to). */
    @Override
    public void installMonitor(dev.mxj.executor.Monitor mon) {
        requireBound();
        this.monitor = mon;
        mon.install(exec);
    }

    private dev.mxj.executor.Monitor monitor;

    /** {@code borrow_optimizer(shared_module)}: use the other module's optimizer and updater (bucketing). */
    public void borrowOptimizer(Module shared) {
        if (!shared.optimizerInitialized) throw new MxjException("the shared module's optimizer is not initialized");
        this.optimizer = shared.optimizer;
        this.updater = shared.updater;
        optimizerInitialized = true;
    }

    // ------------------------------------------------------------------ computation

    @Override
    public void forward(DataBatch batch, Boolean isTrain) {
        if (!binded || !paramsInitialized) throw new MxjException("call bind and init_params before forward");
        List<NDArray> data = batch.data();
        if (data.size() != dataNames.size()) throw new MxjException("the batch has " + data.size() + " data arrays for data_names " + pyList(dataNames));
        boolean changed = false;
        for (int i = 0; i < data.size(); i++) changed |= !data.get(i).shape().equals(dataShapes.get(i).shape());
        if (changed) {
            List<DataDesc> nd = new ArrayList<>(), nl = new ArrayList<>();
            for (int i = 0; i < data.size(); i++) {
                DataDesc d = dataShapes.get(i);
                nd.add(new DataDesc(d.name(), data.get(i).shape(), d.dtype(), d.layout()));
            }
            List<NDArray> label = batch.label();
            if (label != null && label.size() == labelShapes.size()) {
                for (int i = 0; i < label.size(); i++) {
                    DataDesc d = labelShapes.get(i);
                    nl.add(new DataDesc(d.name(), label.get(i).shape(), d.dtype(), d.layout()));
                }
            } else {
                nl = null;
            }
            reshape(nd, nl);
        }
        Map<String, NDArray> args = exec.argDict();
        for (int i = 0; i < data.size(); i++) data.get(i).copyTo(args.get(dataNames.get(i)));
        List<NDArray> label = batch.label();
        if (label != null && !label.isEmpty() && !labelShapes.isEmpty()) {
            for (int i = 0; i < labelNames.size() && i < label.size(); i++) label.get(i).copyTo(args.get(labelNames.get(i)));
        }
        exec.forward(isTrain == null ? forTraining : isTrain);
    }

    @Override
    public void backward(List<NDArray> outGrads) {
        if (!binded || !paramsInitialized) throw new MxjException("call bind and init_params before backward");
        if (!forTraining) throw new MxjException("backward needs a module bound with for_training=True");
        exec.backward(outGrads);
    }

    /** One updater call over every parameter that has a gradient (the updater aggregates them, as MXNet's). */
    @Override
    public void update() {
        if (!binded || !paramsInitialized || !optimizerInitialized) throw new MxjException("call bind, init_params and init_optimizer before update");
        paramsDirty = true;
        if (updateExec != exec) { // (re)collect the trainable parameters once per executor, not every step
            List<Integer> idx = new ArrayList<>();
            List<NDArray> grads = new ArrayList<>(), weights = new ArrayList<>();
            Map<String, NDArray> g = exec.gradDict(), w = exec.argDict();
            for (int i = 0; i < paramNames.size(); i++) {
                NDArray gr = g.get(paramNames.get(i));
                if (gr == null) continue;
                idx.add(i);
                grads.add(gr);
                weights.add(w.get(paramNames.get(i)));
            }
            updateIdx = idx.stream().mapToInt(Integer::intValue).toArray();
            updateGrads = grads.toArray(NDArray[]::new);
            updateWeights = weights.toArray(NDArray[]::new);
            updateExec = exec;
        }
        updater.call(updateIdx, updateGrads, updateWeights);
    }

    private Executor updateExec;
    private int[] updateIdx;
    private NDArray[] updateGrads, updateWeights;

    @Override public List<NDArray> getOutputs() { requireBound(); return exec.outputs(); }

    /** {@code get_input_grads()}: gradients of the data arrays (bind with inputs_need_grad). */
    @Override
    public List<NDArray> getInputGrads() {
        if (!inputsNeedGrad) throw new MxjException("get_input_grads needs a module bound with inputs_need_grad=True");
        List<NDArray> r = new ArrayList<>();
        for (String d : dataNames) r.add(exec.gradDict().get(d));
        return r;
    }

    @Override
    public void updateMetric(EvalMetric metric, List<NDArray> labels) {
        Map<String, NDArray> l = new LinkedHashMap<>();
        for (int i = 0; i < labelNames.size() && labels != null && i < labels.size(); i++) l.put(labelNames.get(i), labels.get(i));
        if (labelNames.isEmpty() && labels != null) for (int i = 0; i < labels.size(); i++) l.put("label" + i, labels.get(i));
        metric.updateDict(l, exec.outputDict());
    }

    /** Release the executors and, unless shared with another module, the parameter copies. */
    @Override
    public void close() {
        resetBind();
        if (ownsParams && argParams != null) {
            for (NDArray a : argParams.values()) a.close();
            for (NDArray a : auxParams.values()) a.close();
        }
    }
}
