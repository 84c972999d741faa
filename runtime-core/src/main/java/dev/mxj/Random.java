package dev.mxj;

import dev.mxj.engine.Engine;
import dev.mxj.engine.FnProperty;
import dev.mxj.engine.Var;

/**
 * Seeding of the per-device random generators (MXNet's {@code mx.random.seed}). A reseed is an
 * engine operation that mutates the generator's variable, so it takes effect exactly between the
 * sampling operations pushed before and after it: the same seed gives the same numbers.
 */
public final class Random {
    private static volatile long seed = DeviceHandle.DEFAULT_SEED;

    private Random() {}

    /** Reseed every device's generator (devices opened later start from this seed too). */
    public static void seed(long newSeed) {
        synchronized (Random.class) {
            seed = newSeed;
            for (DeviceHandle h : Devices.opened()) pushReseed(h, newSeed);
        }
    }

    /** Reseed the generator of one context only (MXNet's {@code seed(s, ctx)}). */
    public static void seed(long newSeed, Context ctx) { pushReseed(Devices.handle(ctx), newSeed); }

    static long currentSeed() { return seed; }

    private static void pushReseed(DeviceHandle h, long s) {
        Engine.get().push(rc -> h.reseedNow(s), h.execContext(), new Var[0], new Var[] {h.rngVar()},
                FnProperty.NORMAL, Engine.DEFAULT_PRIORITY, "random_seed");
    }
}
