package dev.mxj.model;

import dev.mxj.Context;
import dev.mxj.MxjException;
import dev.mxj.callback.BatchEndCallback;
import dev.mxj.callback.Callbacks;
import dev.mxj.callback.EpochEndCallback;
import dev.mxj.initializer.Initializer;
import dev.mxj.initializer.Uniform;
import dev.mxj.io.DataDesc;
import dev.mxj.io.DataIter;
import dev.mxj.module.BaseModule;
import dev.mxj.module.Module;
import dev.mxj.ndarray.NDArray;
import dev.mxj.symbol.Symbol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The older {@code mx.model.FeedForward} API (MXNet 0.x scripts, MXNet.jl's model): a symbol plus
 * training settings; {@link #fit} trains, {@link #predict} and {@link #score} evaluate, and
 * {@link #save}/{@link #load} use the checkpoint format. Implemented on {@link Module}, as MXNet
 * 1.x deprecated it in Module's favour; {@code optimizerParams} are the {@code **kwargs} MXNet
 * passes to the optimizer ({@code learning_rate}, {@code momentum}, {@code wd}, ...).
 */
public final class FeedForward {
    private final Symbol symbol;
    private final Context ctx;
    private final int numEpoch;
    private final Object optimizer;
    private final Initializer initializer;
    private final Map<String, Object> optimizerParams;
    private final int beginEpoch;
    private Map<String, NDArray> argParams, auxParams;
    private final boolean allowExtraParams;

    public FeedForward(Symbol symbol, Context ctx, int numEpoch, Object optimizer, Initializer initializer, Map<String, NDArray> argParams,
                       Map<String, NDArray> auxParams, boolean allowExtraParams, int beginEpoch, Map<String, ?> optimizerParams) {
        this.symbol = symbol;
        this.ctx = ctx == null ? Context.cpu() : ctx;
        this.numEpoch = numEpoch;
        this.optimizer = optimizer == null ? "sgd" : optimizer;
        this.initializer = initializer == null ? new Uniform(0.01) : initializer;
        this.argParams = argParams;
        this.auxParams = auxParams;
        this.allowExtraParams = allowExtraParams;
        this.beginEpoch = beginEpoch;
        this.optimizerParams = new HashMap<>(optimizerParams == null ? Map.of() : optimizerParams);
    }

    /** {@code FeedForward.create(symbol, X, num_epoch=..., optimizer=..., **kwargs)}: construct and fit in one call. */
    public static FeedForward create(Symbol symbol, DataIter x, Context ctx, int numEpoch, Object optimizer, Initializer initializer,
                                     DataIter evalData, Object evalMetric, List<EpochEndCallback> epochEnd, List<BatchEndCallback> batchEnd,
                                     Map<String, ?> optimizerParams) {
        FeedForward f = new FeedForward(symbol, ctx, numEpoch, optimizer, initializer, null, null, false, 0, optimizerParams);
        f.fit(x, evalData, evalMetric, epochEnd, batchEnd);
        return f;
    }

    public Symbol symbol() { return symbol; }

    public Map<String, NDArray> argParams() { return argParams; }

    public Map<String, NDArray> auxParams() { return auxParams; }

    private Module module(DataIter x) {
        List<String> data = names(x.provideData()), label = names(x.provideLabel() == null ? List.of() : x.provideLabel());
        return new Module(symbol, data, label, ctx, List.of());
    }

    private static List<String> names(List<DataDesc> d) {
        List<String> r = new ArrayList<>();
        for (DataDesc x : d) r.add(x.name());
        return r;
    }

    /**
     * {@code fit(X, eval_data, eval_metric, epoch_end_callback, batch_end_callback)}: trains from
     * {@code beginEpoch} to {@code numEpoch} and keeps the resulting parameters; validation
     * metrics are logged by {@code LogValidationMetricsCallback}, as MXNet's default.
     */
    public void fit(DataIter x, DataIter evalData, Object evalMetric, List<EpochEndCallback> epochEnd, List<BatchEndCallback> batchEnd) {
        if (numEpoch <= 0) throw new MxjException("FeedForward.fit: num_epoch must be given (got " + numEpoch + ")");
        try (Module m = module(x)) {
            BaseModule.FitArgs a = new BaseModule.FitArgs().numEpoch(numEpoch).beginEpoch(beginEpoch).optimizer(optimizer)
                    .optimizerParams(optimizerParams).initializer(initializer).evalData(evalData)
                    .evalMetric(evalMetric == null ? "acc" : evalMetric).evalEndCallback(Callbacks.logValidationMetrics())
                    .argParams(argParams).auxParams(auxParams).allowMissing(argParams != null);
            if (epochEnd != null) a.epochEndCallback(epochEnd.toArray(EpochEndCallback[]::new));
            if (batchEnd != null) a.batchEndCallback(batchEnd.toArray(BatchEndCallback[]::new));
            m.fit(x, a);
            BaseModule.Params p = m.getParams();
            argParams = copies(p.argParams());
            auxParams = copies(p.auxParams());
        }
    }

    private static Map<String, NDArray> copies(Map<String, NDArray> m) {
        Map<String, NDArray> r = new java.util.LinkedHashMap<>();
        for (var e : m.entrySet()) r.put(e.getKey(), dev.mxj.ndarray.NDScope.detach(e.getValue().copy()));
        return r;
    }

    private Module inference(DataIter x) {
        if (argParams == null) throw new MxjException("FeedForward: the model has no parameters; fit or load it first");
        // as MXNet's predictor: arguments that are neither data nor parameters (labels) are bound and left at zero
        List<String> data = names(x.provideData()), other = new ArrayList<>();
        for (String a : symbol.listArguments()) if (!data.contains(a) && !argParams.containsKey(a)) other.add(a);
        Module m = new Module(symbol, data, other, ctx, List.of());
        m.bind(x.provideData(), null, false, false, false, null, "null");
        m.initParams(null, argParams, auxParams, false, false, allowExtraParams);
        return m;
    }

    /** {@code predict(X, num_batch)}: the first output over the iterator, padding removed, batches concatenated. */
    public NDArray predict(DataIter x, Integer numBatch) {
        List<NDArray> outs = predictOutputs(x, numBatch);
        return outs.isEmpty() ? null : outs.get(0);
    }

    /** {@code predict(X, num_batch)} of a symbol with several outputs: each output over the iterator, as {@link #predict}. */
    public List<NDArray> predictOutputs(DataIter x, Integer numBatch) {
        try (Module m = inference(x)) {
            m.setLogger(s -> {});
            return m.predict(x, numBatch, true);
        }
    }

    public Context context() { return ctx; }

    public int numEpoch() { return numEpoch; }

    public int beginEpoch() { return beginEpoch; }

    /** {@code score(X, eval_metric, num_batch)}: the metric's value over the iterator. */
    public double score(DataIter x, Object evalMetric, Integer numBatch) {
        try (Module m = new Module(symbol, names(x.provideData()), names(x.provideLabel()), ctx, List.of())) {
            m.setLogger(s -> {});
            m.bind(x.provideData(), x.provideLabel(), false, false, false, null, "null");
            m.initParams(null, argParams, auxParams, false, false, allowExtraParams);
            return m.score(x, evalMetric == null ? "acc" : evalMetric, numBatch, List.of(), List.of(), true, 0).get(0).getValue();
        }
    }

    /** {@code save(prefix, epoch)}: a checkpoint (epoch defaults to num_epoch). */
    public void save(String prefix, Integer epoch) {
        Model.saveCheckpoint(prefix, epoch == null ? numEpoch : epoch, symbol, argParams, auxParams == null ? Map.of() : auxParams);
    }

    /** {@code FeedForward.load(prefix, epoch, ctx, **kwargs)}: a model from a checkpoint, ready to predict or continue training. */
    public static FeedForward load(String prefix, int epoch, Context ctx, int numEpoch, Map<String, ?> optimizerParams) {
        Model.Checkpoint c = Model.loadCheckpoint(prefix, epoch);
        return new FeedForward(c.symbol(), ctx, numEpoch, "sgd", null, c.argParams(), c.auxParams(), false, epoch, optimizerParams);
    }
}
