package dev.mxj.optimizer;

import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.DType;
import dev.mxj.optimizer.lr.LRScheduler;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Base of the optimizers (MXNet 1.9's {@code mx.optimizer.Optimizer}): the hyper-parameters every
 * optimizer shares, per-parameter learning-rate and weight-decay multipliers, update counts and
 * the learning rate from a scheduler. Subclasses create per-parameter state lazily
 * ({@link #createState}) and update a weight in place, mostly through MXNet's fused update
 * operators ({@code sgd_update}, {@code adam_update}, ...) so any device with those kernels trains.
 *
 * <p>Common keyword arguments (MXNet's names): {@code rescale_grad} (1), {@code param_idx2name}
 * ({@code Map<Integer,String>}), {@code wd} (0), {@code clip_gradient} (None), {@code learning_rate}
 * (0.01 unless the optimizer has its own default), {@code lr_scheduler} (an {@link LRScheduler}),
 * {@code begin_num_update} (0), {@code multi_precision} (false), {@code param_dict}
 * ({@code Map<Integer, ParamMultipliers>}, Gluon's parameters) and {@code sym} (a {@link SymbolInfo}).
 *
 * <p>A state is an {@code NDArray[]} whose slots may be {@code null} (MXNet's {@code None}, e.g.
 * SGD without momentum); the {@link Updater} holds one per parameter index. Not thread-safe: one
 * optimizer serves one training loop, as in MXNet.
 */
public abstract class Optimizer {
    /** MXNet's lower-case registry names; aliases point at the same constructor. */
    private static final Map<String, Function<Map<String, ?>, Optimizer>> REGISTRY = new LinkedHashMap<>();

    static {
        register("sgd", SGD::new);
        register("ccsgd", SGD::new);
        register("nag", NAG::new);
        register("adam", Adam::new);
        register("adamw", AdamW::new);
        register("rmsprop", RMSProp::new);
        register("adagrad", AdaGrad::new);
        register("adadelta", AdaDelta::new);
        register("ftrl", Ftrl::new);
        register("ftml", FTML::new);
        register("signum", Signum::new);
        register("lamb", LAMB::new);
        register("lars", LARS::new);
        register("adamax", Adamax::new);
        register("nadam", Nadam::new);
        register("sgld", SGLD::new);
        register("dcasgd", DCASGD::new);
    }

    protected double rescaleGrad;
    protected double wd;
    /** None (null) or 0 turns clipping off, as MXNet only passes a truthy clip_gradient. */
    protected Double clipGradient;
    protected Double lr;
    protected LRScheduler lrScheduler;
    protected final int beginNumUpdate;
    protected int numUpdate;
    protected boolean multiPrecision;
    protected final Map<Integer, String> idx2name = new HashMap<>();
    protected Map<Object, Double> lrMult = new HashMap<>();
    protected Map<Object, Double> wdMult = new HashMap<>();
    protected final Map<Integer, Integer> indexUpdateCount = new TreeMap<>();
    /** Gluon's per-index parameters, whose live lr_mult/wd_mult win over the maps (MXNet's param_dict). */
    protected final Map<Integer, ParamMultipliers> paramDict = new HashMap<>();
    /** A symbol's attributes: {@code __lr_mult__}/{@code __wd_mult__} of its arguments seed the maps (MXNet's sym). */
    protected final SymbolInfo sym;
    private final Kwargs kwargs;

    /**
     * Reads the common arguments; {@code defaultLr} is the subclass's default learning rate
     * (null: none, so 0.01 applies only without a scheduler, as in MXNet).
     */
    protected Optimizer(Map<String, ?> params, Double defaultLr) {
        Kwargs kw = new Kwargs(params);
        this.kwargs = kw;
        rescaleGrad = kw.getDouble("rescale_grad", 1.0);
        wd = kw.getDouble("wd", 0.0);
        clipGradient = kw.getDouble("clip_gradient", (Double) null);
        beginNumUpdate = kw.getInt("begin_num_update", 0);
        numUpdate = beginNumUpdate;
        multiPrecision = kw.getBool("multi_precision", false);
        Object sched = kw.raw("lr_scheduler");
        if (sched != null && !(sched instanceof LRScheduler)) {
            throw new IllegalArgumentException("lr_scheduler must be an LRScheduler, got " + sched.getClass().getSimpleName());
        }
        lrScheduler = (LRScheduler) sched;
        Double learningRate = kw.getDouble("learning_rate", defaultLr);
        if (lrScheduler == null && learningRate == null) learningRate = 0.01;
        lr = learningRate;
        if (lrScheduler != null && learningRate != null && lrScheduler.baseLr() != learningRate) {
            // MXNet warns and lets learning_rate win over the scheduler's base_lr
            lrScheduler.setBaseLr(learningRate);
        }
        Object names = kw.raw("param_idx2name");
        if (names != null) {
            if (!(names instanceof Map<?, ?> m)) throw new IllegalArgumentException("param_idx2name should be a dict of param indexes to names.");
            for (var e : m.entrySet()) idx2name.put(((Number) e.getKey()).intValue(), e.getValue().toString());
        }
        Object pd = kw.raw("param_dict");
        if (pd != null) {
            if (!(pd instanceof Map<?, ?> m)) throw new IllegalArgumentException("param_dict should be a dict of param indexes to parameters.");
            for (var e : m.entrySet()) paramDict.put(((Number) e.getKey()).intValue(), (ParamMultipliers) e.getValue());
        }
        Object s = kw.raw("sym");
        if (s != null && !(s instanceof SymbolInfo)) throw new IllegalArgumentException("sym must provide SymbolInfo, got " + s.getClass().getSimpleName());
        sym = (SymbolInfo) s;
        setLrMult(Map.of());
        setWdMult(Map.of());
    }

    /** What the optimizer needs of a Gluon Parameter: its current multipliers. */
    public interface ParamMultipliers {
        double lrMult();

        double wdMult();
    }

    /** What the optimizer needs of a Symbol: {@code attr_dict()} and {@code list_arguments()}. */
    public interface SymbolInfo {
        Map<String, Map<String, String>> attrDict();

        java.util.List<String> listArguments();
    }

    /** Multipliers a symbol declares through the {@code attr} attribute of its arguments. */
    private void symbolMultipliers(Map<Object, Double> into, String attr) {
        if (sym == null) return;
        Map<String, Map<String, String>> attrs = sym.attrDict();
        for (String n : sym.listArguments()) {
            Map<String, String> a = attrs.get(n);
            if (a != null && a.containsKey(attr)) into.put(n, Double.parseDouble(a.get(attr)));
        }
    }

    /** Fails on keyword arguments no constructor read; each concrete optimizer calls it last. */
    protected final void checkArgs() { kwargs.checkAllRead(getClass().getSimpleName()); }

    protected final Kwargs kw() { return kwargs; }

    // ------------------------------------------------------------------ registry

    /** Adds (or replaces) an optimizer under a lower-case name, as {@code mx.optimizer.register}. */
    public static synchronized void register(String name, Function<Map<String, ?>, Optimizer> factory) {
        REGISTRY.put(name.toLowerCase(), factory);
    }

    /** {@code mx.optimizer.create(name, **kwargs)}; the name is case-insensitive. */
    public static synchronized Optimizer create(String name, Map<String, ?> params) {
        var f = REGISTRY.get(name.toLowerCase());
        if (f == null) throw new IllegalArgumentException("Cannot find optimizer " + name);
        return f.apply(params == null ? Map.of() : params);
    }

    public static Optimizer create(String name) { return create(name, Map.of()); }

    public static synchronized java.util.Set<String> names() { return java.util.Set.copyOf(REGISTRY.keySet()); }

    /** {@code mx.optimizer.get_updater}. */
    public static Updater getUpdater(Optimizer optimizer) { return new Updater(optimizer); }

    // ------------------------------------------------------------------ state

    /** The state of one parameter (slots may be null); MXNet's {@code create_state}. */
    public abstract NDArray[] createState(int index, NDArray weight);

    /**
     * {@code create_state_multi_precision}: for a float16 weight with {@code multi_precision} the
     * state is {@code [weight32, inner state...]} with a float32 master copy; otherwise as createState.
     */
    public NDArray[] createStateMultiPrecision(int index, NDArray weight) {
        if (useMultiPrecision(weight)) {
            NDArray w32 = weight.asType(DType.FLOAT32);
            NDArray[] inner = createState(index, w32);
            NDArray[] s = new NDArray[inner.length + 1];
            s[0] = w32;
            System.arraycopy(inner, 0, s, 1, inner.length);
            return s;
        }
        return createState(index, weight);
    }

    /**
     * MXNet's SGD-family layout of a multi-precision state: the single state slot first, the float32
     * master copy last ({@code [mom, weight32]}), as the {@code mp_sgd_*}/{@code mp_nag_*} operators take them.
     */
    protected final NDArray[] createStateMasterCopyLast(int index, NDArray weight) {
        if (useMultiPrecision(weight)) {
            NDArray w32 = weight.asType(DType.FLOAT32);
            return new NDArray[] {createState(index, w32)[0], w32};
        }
        return createState(index, weight);
    }

    /** Updates {@code weight} in place from {@code grad}; MXNet's {@code update}. */
    public abstract void update(int index, NDArray weight, NDArray grad, NDArray[] state);

    /** Updates the float32 master copy and casts it back for float16 weights with multi_precision. */
    public void updateMultiPrecision(int index, NDArray weight, NDArray grad, NDArray[] state) {
        if (useMultiPrecision(weight)) {
            NDArray w32 = state[0];
            NDArray[] inner = java.util.Arrays.copyOfRange(state, 1, state.length);
            update(index, w32, grad.asType(DType.FLOAT32), inner);
            w32.copyTo(weight);
        } else {
            update(index, weight, grad, state);
        }
    }

    /**
     * How many weights one fused call may update (MXNet's {@code aggregate_num}); 0 means one at
     * a time. {@link Updater} groups weights of one dtype into chunks of this size.
     */
    public int aggregateNum() { return 0; }

    /** Updates several weights at once; optimizers with multi-weight operators override it. */
    public void updateMultiPrecision(int[] indices, NDArray[] weights, NDArray[] grads, NDArray[][] states) {
        for (int i = 0; i < indices.length; i++) updateMultiPrecision(indices[i], weights[i], grads[i], states[i]);
    }

    /** {@code MXNET_OPTIMIZER_AGGREGATION_SIZE}, default 4, as MXNet's SGD reads it. */
    protected static int aggregationSizeFromEnv() {
        String v = System.getenv("MXNET_OPTIMIZER_AGGREGATION_SIZE");
        try {
            return v == null ? 4 : Math.max(0, Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            return 4;
        }
    }

    protected boolean useMultiPrecision(NDArray weight) { return multiPrecision && weight.dtype() == DType.FLOAT16; }

    protected static NDArray zerosLike(NDArray weight) { return NDArray.zeros(weight.shape(), weight.dtype(), weight.context()); }

    /** Adam's bias correction of the rate at step {@code t}: sqrt(1 - beta2^t) / (1 - beta1^t) (Adam, AdamW). */
    protected static double adamBiasCorrection(double beta1, double beta2, int t) {
        return Math.sqrt(1. - Math.pow(beta2, t)) / (1. - Math.pow(beta1, t));
    }

    // ------------------------------------------------------------------ learning rate, multipliers, counts

    /** The current base rate: the scheduler's at {@link #numUpdate()}, else {@code learning_rate}. */
    public double learningRate() { return lrScheduler != null ? lrScheduler.call(numUpdate) : lr; }

    /** {@code set_learning_rate}; refused when a scheduler drives the rate, as MXNet does. */
    public void setLearningRate(double lr) {
        if (lrScheduler != null) {
            throw new IllegalStateException("LRScheduler of the optimizer has already been defined. Note that set_learning_rate can mutate "
                    + "the value of the learning rate of the optimizer only when the LRScheduler of the optimizer is undefined.");
        }
        this.lr = lr;
    }

    public LRScheduler lrScheduler() { return lrScheduler; }

    /** Learning-rate multipliers by parameter index ({@code Integer}) or name ({@code String}); replaces earlier ones. */
    public void setLrMult(Map<?, ? extends Number> mult) {
        lrMult = new HashMap<>();
        symbolMultipliers(lrMult, "__lr_mult__");
        mult.forEach((k, v) -> lrMult.put(key(k), v.doubleValue()));
    }

    /**
     * Weight-decay multipliers by index or name. As in MXNet, named parameters not ending in
     * {@code _weight} or {@code _gamma} get 0 first (no decay on biases and betas).
     */
    public void setWdMult(Map<?, ? extends Number> mult) {
        wdMult = new HashMap<>();
        for (String n : idx2name.values()) if (!decayedByDefault(n)) wdMult.put(n, 0.0);
        symbolMultipliers(wdMult, "__wd_mult__");
        mult.forEach((k, v) -> wdMult.put(key(k), v.doubleValue()));
    }

    protected boolean decayedByDefault(String name) { return name.endsWith("_weight") || name.endsWith("_gamma"); }

    private static Object key(Object k) { return k instanceof Number n ? (Object) n.intValue() : k.toString(); }

    /** The learning rate of one parameter: base rate times its multiplier (by index, else by name). */
    public double getLr(int index) {
        ParamMultipliers p = paramDict.get(index);
        return learningRate() * (p != null ? p.lrMult() : multiplier(lrMult, index));
    }

    /** The weight decay of one parameter: {@code wd} times its multiplier. */
    public double getWd(int index) {
        ParamMultipliers p = paramDict.get(index);
        return wd * (p != null ? p.wdMult() : multiplier(wdMult, index));
    }

    private double multiplier(Map<Object, Double> mult, int index) {
        Double m = mult.get(index);
        if (m != null) return m;
        String name = idx2name.get(index);
        return name == null ? 1.0 : mult.getOrDefault(name, 1.0);
    }

    /** Counts one more update of {@code index} (from {@code begin_num_update}); num_update is the maximum over indices. */
    protected void updateCount(int index) {
        int c = indexUpdateCount.getOrDefault(index, beginNumUpdate) + 1;
        indexUpdateCount.put(index, c);
        numUpdate = Math.max(numUpdate, c);
    }

    public int numUpdate() { return numUpdate; }

    public int beginNumUpdate() { return beginNumUpdate; }

    /** How many times {@code index} was updated, counting from begin_num_update (0 if never). */
    public int indexUpdateCount(int index) { return indexUpdateCount.getOrDefault(index, 0); }

    Map<Integer, Integer> indexUpdateCounts() { return indexUpdateCount; }

    /**
     * Scalars an optimizer keeps besides per-parameter arrays (Nadam's momentum schedule, LARS's
     * previous rate), saved by {@link Updater#getStates()} so a reloaded run continues exactly.
     */
    protected double[] extraState() { return new double[0]; }

    protected void restoreExtraState(double[] values) {}

    void restoreCounts(int numUpdate, Map<Integer, Integer> counts) {
        this.numUpdate = numUpdate;
        indexUpdateCount.clear();
        indexUpdateCount.putAll(counts);
    }

    public double rescaleGrad() { return rescaleGrad; }

    /** Gluon's Trainer sets this per step (1 / batch size). */
    public void setRescaleGrad(double r) { rescaleGrad = r; }

    public double wd() { return wd; }

    public Double clipGradient() { return clipGradient; }

    public boolean multiPrecision() { return multiPrecision; }

    public Map<Integer, String> idx2name() { return idx2name; }

    // ------------------------------------------------------------------ helpers for subclasses

    /** The parameters every fused update takes: lr, wd, rescale_grad and clip_gradient when truthy. */
    protected Map<String, Object> commonParams(double lr, double wd) {
        Map<String, Object> p = new HashMap<>();
        p.put("lr", lr);
        p.put("wd", wd);
        p.put("rescale_grad", rescaleGrad);
        if (clipOn()) p.put("clip_gradient", clipGradient);
        return p;
    }

    protected boolean clipOn() { return clipGradient != null && clipGradient != 0; }

    /** Runs a fused update operator writing into {@code weight} (the operator mutates its state inputs). */
    protected static void fused(String op, NDArray weight, Map<String, ?> params, NDArray... inputs) {
        Imperative.invoke(op, inputs, params, new NDArray[] {weight});
    }

    protected static NDArray op(String op, Map<String, ?> params, NDArray... inputs) {
        return Imperative.invoke1(op, inputs, params, null);
    }

    /** {@code clip(rescale_grad * grad)} for optimizers MXNet writes with element-wise operators; clipping when clip_gradient is not None. */
    protected NDArray rescaledClipped(NDArray grad) {
        NDArray g = grad.mul(rescaleGrad);
        if (clipGradient != null) g = op("clip", Map.of("a_min", -clipGradient, "a_max", clipGradient), g);
        return g;
    }

    @Override
    public String toString() { return getClass().getSimpleName() + "(lr=" + (lrScheduler != null ? "scheduled" : lr) + ", wd=" + wd + ")"; }
}
