package dev.mxj.module;

import dev.mxj.MxjException;
import dev.mxj.callback.BatchEndCallback;
import dev.mxj.callback.Callbacks;
import dev.mxj.callback.BatchEndParam;
import dev.mxj.callback.EpochEndCallback;
import dev.mxj.initializer.Initializer;
import dev.mxj.initializer.Uniform;
import dev.mxj.io.DataBatch;
import dev.mxj.io.DataDesc;
import dev.mxj.io.DataIter;
import dev.mxj.metric.EvalMetric;
import dev.mxj.metric.Metric;
import dev.mxj.model.Model;
import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.Shape;
import dev.mxj.symbol.Symbol;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * MXNet's {@code mx.module.BaseModule}: the training and evaluation loops ({@link #fit},
 * {@link #score}, {@link #predict}, {@link #iterPredict}) written once over the intermediate
 * interface ({@code bind}, {@code initParams}, {@code forward}, {@code backward}, {@code update},
 * ...), which {@link Module}, {@link BucketingModule} and {@link SequentialModule} implement.
 * Log lines are MXNet's ({@code Epoch[0] Train-accuracy=0.912345}, {@code Epoch[0] Time cost=1.234}).
 */
public abstract class BaseModule implements AutoCloseable {
    protected boolean binded, forTraining, inputsNeedGrad, paramsInitialized, optimizerInitialized;
    protected Consumer<String> logger = Logger.getLogger("dev.mxj.module")::info;

    /** Parameters as {@code get_params()} returns them: arguments and auxiliary states by name. */
    public record Params(Map<String, NDArray> argParams, Map<String, NDArray> auxParams) {}

    /** Where log lines go (default: java.util.logging logger {@code dev.mxj.module} at INFO). */
    public BaseModule setLogger(Consumer<String> sink) {
        this.logger = sink;
        return this;
    }

    // ------------------------------------------------------------------ the intermediate interface

    public abstract List<String> dataNames();

    public abstract List<String> outputNames();

    public abstract List<DataDesc> dataShapes();

    public abstract List<DataDesc> labelShapes();

    public abstract Map<String, Shape> outputShapes();

    public abstract Symbol symbol();

    public abstract Params getParams();

    public abstract void initParams(Initializer initializer, Map<String, NDArray> argParams, Map<String, NDArray> auxParams,
                                    boolean allowMissing, boolean forceInit, boolean allowExtra);

    /** {@code set_params(arg_params, aux_params, allow_missing=False, force_init=True, allow_extra=False)}. */
    public void setParams(Map<String, NDArray> argParams, Map<String, NDArray> auxParams, boolean allowMissing, boolean forceInit, boolean allowExtra) {
        initParams(null, argParams, auxParams, allowMissing, forceInit, allowExtra);
    }

    public void setParams(Map<String, NDArray> argParams, Map<String, NDArray> auxParams) { setParams(argParams, auxParams, false, true, false); }

    public abstract void bind(List<DataDesc> dataShapes, List<DataDesc> labelShapes, boolean forTraining, boolean inputsNeedGrad,
                              boolean forceRebind, BaseModule sharedModule, String gradReq);

    /** {@code bind(data_shapes, label_shapes)} for training, grad_req 'write'. */
    public void bind(List<DataDesc> dataShapes, List<DataDesc> labelShapes) { bind(dataShapes, labelShapes, true, false, false, null, "write"); }

    /**
     * {@code init_optimizer(kvstore, optimizer, optimizer_params, force_init)}.
     *
     * @param optimizer an optimizer name ({@code "sgd"}) or a {@link dev.mxj.optimizer.Optimizer}
     */
    public abstract void initOptimizer(String kvstore, Object optimizer, Map<String, ?> optimizerParams, boolean forceInit);

    /** {@code forward(data_batch, is_train=None)}: null means the mode the module was bound for. */
    public abstract void forward(DataBatch batch, Boolean isTrain);

    public abstract void backward(List<NDArray> outGrads);

    public abstract void update();

    public abstract List<NDArray> getOutputs();

    public abstract List<NDArray> getInputGrads();

    public abstract void updateMetric(EvalMetric metric, List<NDArray> labels);

    /** {@code install_monitor(mon)}: watch the executors' outputs with a {@link dev.mxj.executor.Monitor}. */
    public void installMonitor(dev.mxj.executor.Monitor mon) {
        throw new MxjException(getClass().getSimpleName() + " does not support install_monitor");
    }

    public boolean isBinded() { return binded; }

    public boolean isParamsInitialized() { return paramsInitialized; }

    public boolean isOptimizerInitialized() { return optimizerInitialized; }

    public boolean isForTraining() { return forTraining; }

    public void forwardBackward(DataBatch batch) {
        forward(batch, true);
        backward(null);
    }

    // ------------------------------------------------------------------ parameters on disk

    /** {@code save_params(fname)}: an NDArray dict with {@code arg:}/{@code aux:} keys, written atomically. */
    public void saveParams(Path file) {
        Params p = getParams();
        Model.saveParams(file, p.argParams(), p.auxParams());
    }

    /** {@code load_params(fname)}: reads such a file and sets the parameters. */
    public void loadParams(Path file) {
        Map<String, NDArray>[] p = Model.loadParams(file);
        setParams(p[0], p[1]);
    }

    // ------------------------------------------------------------------ loops

    /** The keyword arguments of {@code fit}, with MXNet's defaults; setters chain. */
    public static final class FitArgs {
        DataIter evalData;
        Object evalMetric = "acc", validationMetric;
        List<EpochEndCallback> epochEndCallback = List.of();
        List<BatchEndCallback> batchEndCallback = List.of(), evalEndCallback = List.of(), evalBatchEndCallback = List.of();
        String kvstore = "local";
        Object optimizer = "sgd";
        Map<String, ?> optimizerParams = Map.of("learning_rate", 0.01);
        Initializer initializer = new Uniform(0.01);
        Map<String, NDArray> argParams, auxParams;
        boolean allowMissing, forceRebind, forceInit;
        int beginEpoch;
        Integer numEpoch;
        dev.mxj.executor.Monitor monitor;

        public FitArgs evalData(DataIter d) { evalData = d; return this; }
        /** A metric name ({@code "acc"}, {@code "ce"}), a list of names, or an {@link EvalMetric}. */
        public FitArgs evalMetric(Object m) { evalMetric = m; return this; }
        public FitArgs validationMetric(Object m) { validationMetric = m; return this; }
        public FitArgs epochEndCallback(EpochEndCallback... c) { epochEndCallback = List.of(c); return this; }
        public FitArgs batchEndCallback(BatchEndCallback... c) { batchEndCallback = List.of(c); return this; }
        public FitArgs evalEndCallback(BatchEndCallback... c) { evalEndCallback = List.of(c); return this; }
        public FitArgs evalBatchEndCallback(BatchEndCallback... c) { evalBatchEndCallback = List.of(c); return this; }
        public FitArgs kvstore(String k) { kvstore = k; return this; }
        public FitArgs optimizer(Object o) { optimizer = o; return this; }
        public FitArgs optimizerParams(Map<String, ?> p) { optimizerParams = p; return this; }
        public FitArgs initializer(Initializer i) { initializer = i; return this; }
        public FitArgs argParams(Map<String, NDArray> p) { argParams = p; return this; }
        public FitArgs auxParams(Map<String, NDArray> p) { auxParams = p; return this; }
        public FitArgs allowMissing(boolean b) { allowMissing = b; return this; }
        public FitArgs forceRebind(boolean b) { forceRebind = b; return this; }
        public FitArgs forceInit(boolean b) { forceInit = b; return this; }
        public FitArgs beginEpoch(int e) { beginEpoch = e; return this; }
        public FitArgs numEpoch(int e) { numEpoch = e; return this; }
        /** A monitor installed at bind and printed every batch it is active ({@code toc_print}). */
        public FitArgs monitor(dev.mxj.executor.Monitor m) { monitor = m; return this; }
    }

    /**
     * {@code fit(train_data, ...)}: bind for training, initialise parameters and the optimizer,
     * then for each epoch from {@code beginEpoch} to {@code numEpoch - 1}: forward, backward and
     * update every batch, updating the metric and calling the batch-end callbacks; log the
     * epoch's training metric and time; call the epoch-end callbacks with the parameters; score
     * {@code evalData} with the validation metric when given; reset the training data.
     */
    public void fit(DataIter trainData, FitArgs a) {
        if (a.numEpoch == null) throw new MxjException("please specify number of epochs");
        bind(trainData.provideData(), trainData.provideLabel(), true, false, a.forceRebind, null, "write");
        if (a.monitor != null) installMonitor(a.monitor);
        initParams(a.initializer, a.argParams, a.auxParams, a.allowMissing, a.forceInit, false);
        initOptimizer(a.kvstore, a.optimizer, a.optimizerParams, false);
        Object validation = a.validationMetric == null ? a.evalMetric : a.validationMetric;
        EvalMetric metric = Metric.create(a.evalMetric);
        for (int epoch = a.beginEpoch; epoch < a.numEpoch; epoch++) {
            long tic = System.nanoTime();
            metric.reset();
            int nbatch = 0;
            Iterator<DataBatch> it = trainData;
            DataBatch next = it.hasNext() ? it.next() : null;
            List<Map.Entry<String, Double>> nameValues = metric.getGlobalNameValue();
            while (next != null) {
                DataBatch batch = next;
                if (a.monitor != null) a.monitor.tic();
                forwardBackward(batch);
                update();
                updateMetric(metric, batch.label());
                next = it.hasNext() ? it.next() : null;
                if (a.monitor != null) a.monitor.tocPrint();
                if (next == null) nameValues = metric.getGlobalNameValue();
                if (!a.batchEndCallback.isEmpty()) {
                    BatchEndParam p = new BatchEndParam(epoch, nbatch, metric, locals(batch));
                    for (BatchEndCallback cb : a.batchEndCallback) cb.call(p);
                }
                nbatch++;
            }
            for (Map.Entry<String, Double> nv : nameValues) logger.accept(String.format(Locale.ROOT, "Epoch[%d] Train-%s=%s", epoch, nv.getKey(), Callbacks.f(nv.getValue())));
            logger.accept(String.format(Locale.ROOT, "Epoch[%d] Time cost=%s", epoch, Callbacks.fixed((System.nanoTime() - tic) / 1e9, 3)));
            Params p = getParams();
            setParams(p.argParams(), p.auxParams());
            for (EpochEndCallback cb : a.epochEndCallback) cb.call(epoch, symbol(), p.argParams(), p.auxParams());
            if (a.evalData != null) {
                List<Map.Entry<String, Double>> res = score(a.evalData, validation, null, a.evalBatchEndCallback, a.evalEndCallback, true, epoch);
                for (Map.Entry<String, Double> nv : res) {
                    logger.accept(String.format(Locale.ROOT, "Epoch[%d] Validation-%s=%s", epoch, nv.getKey(), Callbacks.f(nv.getValue())));
                }
            }
            trainData.reset();
        }
    }

    private Map<String, Object> locals(DataBatch batch) {
        Map<String, Object> m = new HashMap<>();
        m.put("module", this);
        m.put("data_batch", batch);
        return m;
    }

    /** {@code score(eval_data, eval_metric)}: the metric over the whole iterator (reset first). */
    public List<Map.Entry<String, Double>> score(DataIter evalData, Object evalMetric) { return score(evalData, evalMetric, null, List.of(), List.of(), true, 0); }

    /**
     * {@code score(eval_data, eval_metric, num_batch, batch_end_callback, score_end_callback, reset, epoch)}:
     * forward in inference mode over at most {@code numBatch} batches, updating the metric.
     */
    public List<Map.Entry<String, Double>> score(DataIter evalData, Object evalMetric, Integer numBatch, List<BatchEndCallback> batchEnd,
                                                 List<BatchEndCallback> scoreEnd, boolean reset, int epoch) {
        checkReady();
        if (reset) evalData.reset();
        EvalMetric metric = Metric.create(evalMetric);
        metric.reset();
        int actual = 0;
        for (int nbatch = 0; evalData.hasNext(); nbatch++) {
            if (numBatch != null && nbatch == numBatch) break;
            DataBatch batch = evalData.next();
            forward(batch, false);
            updateMetric(metric, batch.label());
            if (batchEnd != null && !batchEnd.isEmpty()) {
                BatchEndParam p = new BatchEndParam(epoch, nbatch, metric, locals(batch));
                for (BatchEndCallback cb : batchEnd) cb.call(p);
            }
            actual++;
        }
        if (scoreEnd != null && !scoreEnd.isEmpty()) {
            BatchEndParam p = new BatchEndParam(epoch, actual, metric, Map.of());
            for (BatchEndCallback cb : scoreEnd) cb.call(p);
        }
        return metric.getNameValue();
    }

    /** One batch's prediction: the outputs with the padding removed, the batch number, the batch. */
    public record Prediction(List<NDArray> outputs, int nbatch, DataBatch batch) {}

    /** {@code iter_predict(eval_data, num_batch, reset)}: lazily, one batch at a time; outputs are valid until the next batch. */
    public Iterable<Prediction> iterPredict(DataIter evalData, Integer numBatch, boolean reset) {
        checkReady();
        if (reset) evalData.reset();
        return () -> new Iterator<>() {
            int nbatch;

            @Override public boolean hasNext() { return (numBatch == null || nbatch < numBatch) && evalData.hasNext(); }

            @Override public Prediction next() {
                if (!hasNext()) throw new NoSuchElementException();
                DataBatch b = evalData.next();
                forward(b, false);
                List<NDArray> outs = new ArrayList<>();
                for (NDArray o : getOutputs()) outs.add(unpad(o, b.pad(), false));
                return new Prediction(outs, nbatch++, b);
            }
        };
    }

    /**
     * {@code predict(eval_data, num_batch, merge_batches=True, reset=True)}: per output, the
     * batches' outputs (padding removed) concatenated along the first axis; with
     * {@code mergeBatches} false, the list of each batch's output list.
     */
    public List<List<NDArray>> predictPerBatch(DataIter evalData, Integer numBatch, boolean reset) {
        List<List<NDArray>> r = new ArrayList<>();
        checkReady();
        if (reset) evalData.reset();
        for (int nbatch = 0; evalData.hasNext(); nbatch++) {
            if (numBatch != null && nbatch == numBatch) break;
            DataBatch b = evalData.next();
            forward(b, false);
            List<NDArray> outs = new ArrayList<>();
            for (NDArray o : getOutputs()) outs.add(unpad(o, b.pad(), true));
            r.add(outs);
        }
        return r;
    }

    /** {@code predict(eval_data)} with merged batches: one array per output. */
    public List<NDArray> predict(DataIter evalData, Integer numBatch, boolean reset) {
        List<List<NDArray>> per = predictPerBatch(evalData, numBatch, reset);
        if (per.isEmpty()) return List.of();
        int n = per.get(0).size();
        for (List<NDArray> o : per) {
            if (o.size() != n) throw new MxjException("Cannot merge batches, as num of outputs is not the same in mini-batches. Maybe bucketing is used?");
        }
        List<NDArray> merged = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            NDArray[] parts = new NDArray[per.size()];
            for (int k = 0; k < parts.length; k++) parts[k] = per.get(k).get(i);
            merged.add(parts.length == 1 ? parts[0] : Imperative.invoke1("Concat", parts, Map.of("dim", 0), null));
            if (parts.length > 1) for (NDArray p : parts) p.close();
        }
        return merged;
    }

    public List<NDArray> predict(DataIter evalData) { return predict(evalData, null, true); }

    private static NDArray unpad(NDArray out, int pad, boolean copy) {
        NDArray v = pad == 0 ? out : out.slice(0, out.shape().dim(0) - pad);
        return copy ? v.copy() : v;
    }

    private void checkReady() {
        if (!binded || !paramsInitialized) throw new MxjException("the module must be bound and its parameters initialized first (bind, init_params)");
    }

    @Override public void close() {}
}
