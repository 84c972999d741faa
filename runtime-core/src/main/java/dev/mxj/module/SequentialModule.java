package dev.mxj.module;

import dev.mxj.MxjException;
import dev.mxj.initializer.Initializer;
import dev.mxj.io.DataBatch;
import dev.mxj.io.DataDesc;
import dev.mxj.metric.EvalMetric;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.Shape;
import dev.mxj.symbol.Symbol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code mx.mod.SequentialModule}: modules chained so that each one's outputs are the next one's
 * data; backward passes each module's input gradients to the previous one as its output
 * gradients (so every module but the first is bound with {@code inputs_need_grad}). Labels go to
 * the modules added with {@code takeLabels}; with {@code autoWiring} the incoming data is renamed
 * to the module's data names.
 */
public class SequentialModule extends BaseModule {
    private record Entry(BaseModule module, boolean takeLabels, boolean autoWiring) {}

    private final List<Entry> modules = new ArrayList<>();
    private List<DataDesc> labelShapes;

    /** {@code add(module, take_labels=False, auto_wiring=False)}; returns this for chaining. */
    public SequentialModule add(BaseModule module, boolean takeLabels, boolean autoWiring) {
        modules.add(new Entry(module, takeLabels, autoWiring));
        binded = paramsInitialized = optimizerInitialized = false; // a new module invalidates the chain's state
        return this;
    }

    public SequentialModule add(BaseModule module) { return add(module, false, false); }

    /** The chained modules, in order. */
    public List<BaseModule> modules() {
        List<BaseModule> r = new ArrayList<>();
        for (Entry e : modules) r.add(e.module());
        return r;
    }

    private BaseModule first() {
        if (modules.isEmpty()) throw new MxjException("SequentialModule has no modules: call add() first");
        return modules.get(0).module();
    }

    private BaseModule last() { first(); return modules.get(modules.size() - 1).module(); }

    @Override public List<String> dataNames() { return first().dataNames(); }

    @Override public List<String> outputNames() { return last().outputNames(); }

    @Override public List<DataDesc> dataShapes() { return first().dataShapes(); }

    @Override public List<DataDesc> labelShapes() { return labelShapes; }

    @Override public Map<String, Shape> outputShapes() { return last().outputShapes(); }

    @Override public Symbol symbol() { return last().symbol(); }

    @Override
    public void bind(List<DataDesc> dataShapes, List<DataDesc> labelShapes, boolean forTraining, boolean inputsNeedGrad, boolean forceRebind,
                     BaseModule sharedModule, String gradReq) {
        if (binded && !forceRebind) {
            logger.accept("WARNING: Already bound, ignoring bind()");
            return;
        }
        if (inputsNeedGrad && !forTraining) throw new MxjException("inputs_need_grad needs for_training=True");
        if (sharedModule != null) throw new MxjException("Shared module is not supported");
        first();
        this.forTraining = forTraining;
        this.inputsNeedGrad = inputsNeedGrad;
        this.labelShapes = labelShapes;
        List<DataDesc> data = dataShapes;
        boolean anyLabels = false;
        for (int i = 0; i < modules.size(); i++) {
            Entry e = modules.get(i);
            List<DataDesc> labels = e.takeLabels() ? labelShapes : null;
            anyLabels |= e.takeLabels();
            if (e.autoWiring()) {
                List<String> names = e.module().dataNames();
                if (names.size() != data.size()) {
                    throw new MxjException("auto_wiring: module " + i + " has data names " + names + " but receives " + data.size() + " arrays");
                }
                List<DataDesc> renamed = new ArrayList<>();
                for (int k = 0; k < data.size(); k++) renamed.add(new DataDesc(names.get(k), data.get(k).shape(), data.get(k).dtype(), data.get(k).layout()));
                data = renamed;
            }
            e.module().bind(data, labels, forTraining, inputsNeedGrad || (forTraining && i > 0), forceRebind, null, gradReq);
            List<DataDesc> next = new ArrayList<>();
            for (var o : e.module().outputShapes().entrySet()) next.add(new DataDesc(o.getKey(), o.getValue()));
            data = next;
        }
        if (!anyLabels) this.labelShapes = null;
        binded = true;
    }

    @Override
    public void initParams(Initializer initializer, Map<String, NDArray> argParams, Map<String, NDArray> auxParams, boolean allowMissing,
                           boolean forceInit, boolean allowExtra) {
        if (paramsInitialized && !forceInit) return;
        if (!binded) throw new MxjException("call bind before initializing the parameters");
        // each module takes its own parameters out of the shared dicts, so names of other modules are not "extra"
        for (Entry e : modules) e.module().initParams(initializer, argParams, auxParams, allowMissing, forceInit, argParams != null || allowExtra);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < modules.size(); i++) {
            for (String n : modules.get(i).module().getParams().argParams().keySet()) {
                Integer prev = seen.put(n, i);
                if (prev != null) {
                    throw new MxjException("Duplicated parameter names: name \"" + n + "\" in layer " + i + " (" + modules.get(i).module().getClass().getSimpleName()
                            + ") is already used in layer " + prev + " (" + modules.get(prev).module().getClass().getSimpleName() + ").");
                }
            }
        }
        paramsInitialized = true;
    }

    @Override
    public Params getParams() {
        if (!paramsInitialized) throw new MxjException("call init_params before get_params");
        Map<String, NDArray> arg = new LinkedHashMap<>(), aux = new LinkedHashMap<>();
        for (Entry e : modules) {
            Params p = e.module().getParams();
            arg.putAll(p.argParams());
            aux.putAll(p.auxParams());
        }
        return new Params(arg, aux);
    }

    @Override
    public void initOptimizer(String kvstore, Object optimizer, Map<String, ?> optimizerParams, boolean forceInit) {
        if (optimizerInitialized && !forceInit) {
            logger.accept("WARNING: optimizer already initialized, ignoring.");
            return;
        }
        for (Entry e : modules) e.module().initOptimizer(kvstore, optimizer, optimizerParams, forceInit);
        optimizerInitialized = true;
    }

    /** Each module's outputs become the next module's data (the labels travel along unchanged). */
    @Override
    public void forward(DataBatch batch, Boolean isTrain) {
        if (!binded || !paramsInitialized) throw new MxjException("call bind and init_params before forward");
        DataBatch b = batch;
        for (int i = 0; i < modules.size(); i++) {
            BaseModule m = modules.get(i).module();
            m.forward(b, isTrain);
            if (i + 1 == modules.size()) break;
            List<NDArray> outs = m.getOutputs();
            List<DataDesc> pd = new ArrayList<>();
            List<String> names = new ArrayList<>(m.outputShapes().keySet());
            for (int k = 0; k < outs.size(); k++) pd.add(new DataDesc(names.get(k), outs.get(k).shape(), outs.get(k).dtype()));
            b = new DataBatch(outs, batch.label(), batch.pad(), batch.index(), batch.bucketKey(), pd, batch.provideLabel());
        }
    }

    @Override
    public void backward(List<NDArray> outGrads) {
        List<NDArray> g = outGrads;
        for (int i = modules.size() - 1; i >= 0; i--) {
            BaseModule m = modules.get(i).module();
            m.backward(g);
            if (i == 0) break;
            g = m.getInputGrads();
        }
    }

    @Override public void update() { for (Entry e : modules) e.module().update(); }

    @Override public List<NDArray> getOutputs() { return last().getOutputs(); }

    @Override public List<NDArray> getInputGrads() { return first().getInputGrads(); }

    @Override
    public void updateMetric(EvalMetric metric, List<NDArray> labels) {
        for (Entry e : modules) if (e.takeLabels()) e.module().updateMetric(metric, labels);
    }

    @Override public void close() { for (Entry e : modules) e.module().close(); }
}
