package dev.mxj.initializer;

import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;
import dev.mxj.optimizer.Kwargs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Fills parameter arrays by name (MXNet 1.9's {@code mx.init.Initializer}). Names decide the
 * rule: {@code *weight} gets the initializer's own rule, {@code *bias} and {@code *beta} 0,
 * {@code *gamma} 1, running statistics ({@code *moving_mean} 0, {@code *moving_var} 1, ...) their
 * identities, and an {@code __init__} attribute on the {@link InitDesc} overrides it all.
 * Random rules draw from the runtime's random operators, so {@code dev.mxj.Random.seed}
 * makes them reproducible.
 *
 * <p>Registered by MXNet's lower-case class names and aliases ({@code "xavier"}, {@code "zeros"},
 * ...); {@link #create(String)} also accepts the JSON form {@link #dumps()} writes.
 */
public abstract class Initializer {
    private static final Map<String, Function<Map<String, ?>, Initializer>> REGISTRY = new LinkedHashMap<>();

    static {
        register("zero", p -> new Zero());
        register("zeros", p -> new Zero());
        register("one", p -> new One());
        register("ones", p -> new One());
        register("constant", Constant::new);
        register("uniform", Uniform::new);
        register("normal", Normal::new);
        register("orthogonal", Orthogonal::new);
        register("xavier", Xavier::new);
        register("msraprelu", MSRAPrelu::new);
        register("bilinear", p -> new Bilinear());
        register("lstmbias", LSTMBias::new);
    }

    /** The constructor arguments, all of them with defaults filled in, for {@link #dumps()}. */
    protected final Map<String, Object> kwargs = new LinkedHashMap<>();

    /** Adds (or replaces) an initializer under a lower-case name. */
    public static synchronized void register(String name, Function<Map<String, ?>, Initializer> factory) {
        REGISTRY.put(name.toLowerCase(), factory);
    }

    /** By name with arguments ({@code create("xavier", Map.of("magnitude", 2))}). */
    public static synchronized Initializer create(String name, Map<String, ?> params) {
        var f = REGISTRY.get(name.toLowerCase());
        if (f == null) throw new IllegalArgumentException("Cannot find initializer " + name + "; registered: " + REGISTRY.keySet());
        return f.apply(params == null ? Map.of() : params);
    }

    /** By name, or from the JSON form {@code ["xavier", {"magnitude": 2}]} (what {@code __init__} attributes hold). */
    @SuppressWarnings("unchecked")
    public static Initializer create(String nameOrJson) {
        String s = nameOrJson.trim();
        if (!s.startsWith("[")) return create(s, Map.of());
        Object v = Json.parse(s);
        if (!(v instanceof List<?> l) || l.size() != 2 || !(l.get(0) instanceof String n) || !(l.get(1) instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("initializer JSON must be [name, {arguments}], got " + s);
        }
        return create(n, (Map<String, ?>) m);
    }

    public static synchronized java.util.Set<String> names() { return java.util.Set.copyOf(REGISTRY.keySet()); }

    /** MXNet's {@code dumps()}: {@code ["xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 3}]}. */
    public String dumps() { return Json.dump(List.of(registryName(), kwargs)); }

    /** The lower-case class name MXNet writes into dumps(). */
    protected String registryName() { return getClass().getSimpleName().toLowerCase(); }

    /** Reads the arguments of a concrete initializer and fails on unknown ones. */
    protected static Kwargs args(Map<String, ?> params) { return new Kwargs(params); }

    // ------------------------------------------------------------------ dispatch

    /**
     * MXNet's {@code __call__(InitDesc, arr)}: an {@code __init__} attribute wins; otherwise the
     * name's suffix picks the rule (weight, bias, gamma, beta, min, max, running statistics).
     */
    public void call(InitDesc desc, NDArray arr) {
        if (desc.globalInit() == null) desc.setGlobalInit(this);
        String init = desc.attrs().getOrDefault("__init__", "");
        if (!init.isEmpty()) {
            create(init).initWeight(desc.name(), arr);
            return;
        }
        String n = desc.name();
        if (n.endsWith("weight")) initWeight(n, arr);
        else if (n.endsWith("bias")) initBias(n, arr);
        else if (n.endsWith("gamma")) initGamma(n, arr);
        else if (n.endsWith("beta")) initBeta(n, arr);
        else if (n.endsWith("min")) arr.set(0);
        else if (n.endsWith("max")) arr.set(1);
        else if (!runningStatistic(n, arr)) initDefault(n, arr);
    }

    /**
     * MXNet's legacy {@code __call__(name, arr)}: also knows upsampling (bilinear) and
     * spatial-transformer ({@code stn_loc*}) parameters.
     */
    public void call(String name, NDArray arr) {
        if (name.startsWith("upsampling")) Bilinear.fill(arr);
        else if (name.startsWith("stn_loc") && name.endsWith("weight")) arr.set(0);
        else if (name.startsWith("stn_loc") && name.endsWith("bias")) initLocBias(arr);
        else if (name.endsWith("bias")) initBias(name, arr);
        else if (name.endsWith("gamma")) initGamma(name, arr);
        else if (name.endsWith("beta")) initBeta(name, arr);
        else if (name.endsWith("weight")) initWeight(name, arr);
        else if (runningStatistic(name, arr)) { /* done */ }
        else if (name.endsWith("min")) arr.set(0);
        else if (name.endsWith("max")) arr.set(1);
        else initDefault(name, arr);
    }

    /** BatchNorm's auxiliary states: moving_mean/moving_inv_var/moving_avg 0, moving_var 1. */
    private static boolean runningStatistic(String n, NDArray arr) {
        if (n.endsWith("moving_mean") || n.endsWith("moving_inv_var") || n.endsWith("moving_avg")) arr.set(0);
        else if (n.endsWith("moving_var")) arr.set(1);
        else return false;
        return true;
    }

    private static void initLocBias(NDArray arr) {
        if (arr.shape().dim(0) != 6) throw new IllegalArgumentException("stn_loc bias must have 6 values, got shape " + arr.shape());
        arr.set(new float[] {1, 0, 0, 0, 1, 0});
    }

    /** The initializer's own rule, for weights. */
    protected abstract void initWeight(String name, NDArray arr);

    protected void initBias(String name, NDArray arr) { arr.set(0); }

    protected void initGamma(String name, NDArray arr) { arr.set(1); }

    protected void initBeta(String name, NDArray arr) { arr.set(0); }

    protected void initDefault(String name, NDArray arr) {
        throw new IllegalArgumentException("Unknown initialization pattern for " + name + ". Default initialization is now limited to "
                + "\"weight\", \"bias\", \"gamma\" (1.0), and \"beta\" (0.0). Please use mx.sym.Variable(init=mx.init.*) to set initialization pattern");
    }

    // ------------------------------------------------------------------ random fills

    /** Uniform samples in [low, high) written into arr through the device's generator. */
    protected static void uniform(NDArray arr, double low, double high) {
        Imperative.invoke("_random_uniform_like", new NDArray[] {arr}, Map.of("low", low, "high", high), new NDArray[] {arr});
    }

    /** Normal samples written into arr through the device's generator. */
    protected static void normal(NDArray arr, double loc, double scale) {
        Imperative.invoke("_random_normal_like", new NDArray[] {arr}, Map.of("loc", loc, "scale", scale), new NDArray[] {arr});
    }

    @Override
    public boolean equals(Object o) { return o instanceof Initializer i && i.getClass() == getClass() && i.kwargs.equals(kwargs); }

    @Override
    public int hashCode() { return getClass().hashCode() * 31 + kwargs.hashCode(); }

    @Override
    public String toString() { return dumps(); }
}
