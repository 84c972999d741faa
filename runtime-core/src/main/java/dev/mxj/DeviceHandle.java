package dev.mxj;

import dev.mxj.device.Device;
import dev.mxj.device.KernelTable;
import dev.mxj.engine.Engine;
import dev.mxj.engine.ExecContext;
import dev.mxj.engine.Var;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * The runtime's state for one context: the opened {@link Device}, its kernel table, the engine
 * context its operations run on, and its random generator, which is guarded by an engine
 * variable of its own so that sampling operations are serialised in push order (reproducible
 * under a seed). Obtained from {@link Devices#handle(Context)}.
 */
public final class DeviceHandle {
    /** Seed used until {@link Random#seed} is called: runs are reproducible by default, as in MXNet. */
    static final long DEFAULT_SEED = 0;
    private static final RandomGeneratorFactory<RandomGenerator> RNG = RandomGeneratorFactory.of("L64X128MixRandom");

    private final Context context;
    private final Device device;
    private final KernelTable kernels;
    private final Var rngVar;
    /** Replaced only by a pushed operation mutating {@link #rngVar}; read only by such operations. */
    private volatile RandomGenerator generator;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    DeviceHandle(Context context, Device device) {
        this.context = context;
        this.device = device;
        this.kernels = device.kernels();
        this.rngVar = Engine.get().newVar();
        this.generator = newGenerator(Random.currentSeed(), context);
    }

    public Context context() { return context; }

    public Device device() { return device; }

    public KernelTable kernels() { return kernels; }

    public ExecContext execContext() { return context.execContext(); }

    public boolean isHostAccessible() { return device.isHostAccessible(); }

    /** The engine variable guarding this device's random generator. */
    public Var rngVar() { return rngVar; }

    /** The generator; call only from an engine operation that mutates {@link #rngVar()}. */
    public RandomGenerator generator() { return generator; }

    /** Replace the generator; call only from an engine operation that mutates {@link #rngVar()}. */
    void reseedNow(long seed) { this.generator = newGenerator(seed, context); }

    /** True the first time it is called for {@code key} (warn-once bookkeeping). */
    public boolean firstTime(String key) { return warned.add(key); }

    /** Each device gets its own stream derived from the seed and its context, so devices do not repeat each other. */
    static RandomGenerator newGenerator(long seed, Context ctx) {
        long mixed = seed * 0x9E3779B97F4A7C15L + ctx.toString().hashCode();
        return RNG.create(mixed);
    }

    @Override public String toString() { return context + " -> " + device; }
}
