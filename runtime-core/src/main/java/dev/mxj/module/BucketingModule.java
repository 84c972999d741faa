package dev.mxj.module;

import dev.mxj.Context;
import dev.mxj.MxjException;
import dev.mxj.initializer.Initializer;
import dev.mxj.io.DataBatch;
import dev.mxj.io.DataDesc;
import dev.mxj.metric.EvalMetric;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.Shape;
import dev.mxj.symbol.Symbol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code mx.mod.BucketingModule(sym_gen, default_bucket_key)}: one {@link Module} per bucket key
 * (e.g. a sequence length), created on first use by {@code symGen}. Every bucket's module is
 * bound with the default bucket's module as shared module, so parameters, gradients and the
 * executor's memory pool are shared: bind the default bucket with the largest shapes and other
 * buckets cost no new memory (their data arrays are views on the default bucket's). A bucket
 * whose parameters differ in shape or dtype from the default bucket's, or that has parameters the
 * default lacks, fails to bind, as in MXNet. The optimizer is shared too ({@code borrow_optimizer}).
 */
public class BucketingModule extends BaseModule {
    /** What {@code sym_gen(bucket_key)} returns. */
    public record SymGen(Symbol symbol, List<String> dataNames, List<String> labelNames) {}

    private final Function<Object, SymGen> symGen;
    private final Object defaultBucketKey;
    private final Context ctx;
    private final List<String> fixedParamNames;
    private final Map<Object, Module> buckets = new LinkedHashMap<>();
    private Module curr;
    private Object currKey;
    private String gradReq = "write";
    private boolean paramsDirty;

    public BucketingModule(Function<Object, SymGen> symGen, Object defaultBucketKey, Context ctx, List<String> fixedParamNames) {
        if (defaultBucketKey == null) throw new MxjException("default_bucket_key must be given");
        this.symGen = symGen;
        this.defaultBucketKey = defaultBucketKey;
        this.ctx = ctx == null ? Context.cpu() : ctx;
        this.fixedParamNames = fixedParamNames == null ? List.of() : List.copyOf(fixedParamNames);
    }

    private SymGen gen(Object key) {
        SymGen g = symGen.apply(key);
        if (g == null || g.symbol() == null) throw new MxjException("sym_gen returned nothing for bucket key " + key);
        return g;
    }

    private Module newModule(Object key) {
        SymGen g = gen(key);
        Module m = new Module(g.symbol(), g.dataNames(), g.labelNames(), ctx, fixedParamNames);
        m.setLogger(logger);
        return m;
    }

    public Object bucketKey() { return currKey; }

    /** The modules created so far, by bucket key. */
    public Map<Object, Module> buckets() { return java.util.Collections.unmodifiableMap(buckets); }

    @Override public List<String> dataNames() { return binded ? curr.dataNames() : gen(defaultBucketKey).dataNames(); }

    @Override public List<String> outputNames() { return binded ? curr.outputNames() : gen(defaultBucketKey).symbol().listOutputs(); }

    @Override public List<DataDesc> dataShapes() { requireBound(); return curr.dataShapes(); }

    @Override public List<DataDesc> labelShapes() { requireBound(); return curr.labelShapes(); }

    @Override public Map<String, Shape> outputShapes() { requireBound(); return curr.outputShapes(); }

    @Override public Symbol symbol() { requireBound(); return curr.symbol(); }

    private void requireBound() {
        if (!binded) throw new MxjException("call bind before using the module");
    }

    @Override
    public void bind(List<DataDesc> dataShapes, List<DataDesc> labelShapes, boolean forTraining, boolean inputsNeedGrad, boolean forceRebind,
                     BaseModule sharedModule, String gradReq) {
        Params keep = paramsInitialized ? getParams() : null;
        if (forceRebind) resetBind();
        if (binded) {
            logger.accept("WARNING: Already bound, ignoring bind()");
            return;
        }
        if (sharedModule != null) throw new MxjException("shared_module for BucketingModule is not supported");
        this.forTraining = forTraining;
        this.inputsNeedGrad = inputsNeedGrad;
        this.gradReq = gradReq;
        Module m = newModule(defaultBucketKey);
        m.bind(dataShapes, labelShapes, forTraining, inputsNeedGrad, false, null, gradReq);
        buckets.put(defaultBucketKey, m);
        curr = m;
        currKey = defaultBucketKey;
        binded = true;
        if (keep != null) setParams(keep.argParams(), keep.auxParams());
    }

    private void resetBind() {
        binded = false;
        closeBuckets();
        curr = null;
        currKey = null;
    }

    /** {@code switch_bucket(bucket_key, data_shapes, label_shapes)}: bind the bucket's module on first use, sharing the default one's memory. */
    public void switchBucket(Object key, List<DataDesc> dataShapes, List<DataDesc> labelShapes) {
        requireBound();
        Module m = buckets.get(key);
        if (m == null) {
            m = newModule(key);
            Module dflt = buckets.get(defaultBucketKey);
            try {
                m.bind(dataShapes, labelShapes, dflt.forTraining, dflt.inputsNeedGrad, false, dflt, gradReq);
            } catch (dev.mxj.executor.ExecutorException e) {
                m.close();
                throw new MxjException("BucketingModule: bucket " + key + " cannot share the parameters of the default bucket " + defaultBucketKey
                        + " (every bucket's parameters must match the default bucket's): " + e.getMessage(), e);
            }
            buckets.put(key, m);
        }
        curr = m;
        currKey = key;
    }

    @Override
    public void initParams(Initializer initializer, Map<String, NDArray> argParams, Map<String, NDArray> auxParams, boolean allowMissing,
                           boolean forceInit, boolean allowExtra) {
        if (paramsInitialized && !forceInit) return;
        requireBound();
        curr.initParams(initializer, argParams, auxParams, allowMissing, forceInit, allowExtra);
        paramsDirty = false;
        paramsInitialized = true;
    }

    @Override
    public void setParams(Map<String, NDArray> argParams, Map<String, NDArray> auxParams, boolean allowMissing, boolean forceInit, boolean allowExtra) {
        if (!allowMissing) {
            initParams(null, argParams, auxParams, false, forceInit, allowExtra);
            return;
        }
        if (paramsInitialized && !forceInit) return;
        curr.setParams(argParams, auxParams, true, forceInit, allowExtra);
        paramsDirty = true;
        paramsInitialized = true;
    }

    @Override
    public Params getParams() {
        if (!paramsInitialized) throw new MxjException("call init_params before get_params");
        Module m = curr;
        if (paramsDirty) m.markParamsDirty();
        paramsDirty = false;
        return m.getParams();
    }

    @Override
    public void initOptimizer(String kvstore, Object optimizer, Map<String, ?> optimizerParams, boolean forceInit) {
        if (optimizerInitialized && !forceInit) {
            logger.accept("WARNING: optimizer already initialized, ignoring.");
            return;
        }
        curr.initOptimizer(kvstore, optimizer, optimizerParams, forceInit);
        for (Module m : buckets.values()) if (m != curr) m.borrowOptimizer(curr);
        optimizerInitialized = true;
    }

    /** Switches to the batch's bucket ({@link DataBatch#bucketKey()}, default key when null), then forwards. */
    @Override
    public void forward(DataBatch batch, Boolean isTrain) {
        if (!binded || !paramsInitialized) throw new MxjException("call bind and init_params before forward");
        Object key = batch.bucketKey() == null ? defaultBucketKey : batch.bucketKey();
        List<DataDesc> pd = batch.provideData(), pl = batch.provideLabel();
        if (pd == null) pd = descs(buckets.containsKey(key) ? buckets.get(key).dataNames() : gen(key).dataNames(), batch.data());
        if (pl == null && batch.label() != null && !batch.label().isEmpty()) {
            pl = descs(buckets.containsKey(key) ? buckets.get(key).labelNames() : gen(key).labelNames(), batch.label());
        }
        switchBucket(key, pd, pl);
        curr.forward(batch, isTrain);
    }

    private static List<DataDesc> descs(List<String> names, List<NDArray> arrays) {
        List<DataDesc> d = new ArrayList<>();
        for (int i = 0; i < names.size() && i < arrays.size(); i++) d.add(new DataDesc(names.get(i), arrays.get(i).shape(), arrays.get(i).dtype()));
        return d;
    }

    @Override public void backward(List<NDArray> outGrads) { requireBound(); curr.backward(outGrads); }

    @Override
    public void update() {
        if (!optimizerInitialized) throw new MxjException("call init_optimizer before update");
        paramsDirty = true;
        curr.update();
    }

    @Override public List<NDArray> getOutputs() { requireBound(); return curr.getOutputs(); }

    @Override public List<NDArray> getInputGrads() { requireBound(); return curr.getInputGrads(); }

    @Override public void updateMetric(EvalMetric metric, List<NDArray> labels) { requireBound(); curr.updateMetric(metric, labels); }

    private void closeBuckets() {
        Module dflt = buckets.get(defaultBucketKey);
        for (Module m : buckets.values()) if (m != dflt) m.close();
        if (dflt != null) dflt.close();
        buckets.clear();
    }

    @Override public void close() { closeBuckets(); }
}
