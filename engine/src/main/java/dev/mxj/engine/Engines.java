package dev.mxj.engine;

import java.util.Locale;

/** Chooses and holds the process-wide engine. */
public final class Engines {
    private static volatile Engine instance;

    private Engines() {}

    static Engine get() {
        Engine e = instance;
        if (e == null) {
            synchronized (Engines.class) {
                e = instance;
                if (e == null) instance = e = create(configuredType());
            }
        }
        return e;
    }

    /** Engine type from {@code MXJ_ENGINE_TYPE}, else {@code MXNET_ENGINE_TYPE}, else "ThreadedEngine". */
    public static String configuredType() {
        String t = System.getenv("MXJ_ENGINE_TYPE");
        if (t == null || t.isBlank()) t = System.getenv("MXNET_ENGINE_TYPE");
        if (t == null || t.isBlank()) t = System.getProperty("mxj.engine.type");
        return t == null || t.isBlank() ? "ThreadedEngine" : t.trim();
    }

    /**
     * Create a new engine of the given type: {@code NaiveEngine} (synchronous) or
     * {@code ThreadedEngine} / {@code ThreadedEnginePerDevice} (MXNet's names, both the threaded engine).
     */
    public static Engine create(String type) {
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "naiveengine", "naive" -> new NaiveEngine();
            case "threadedengine", "threadedengineperdevice", "threadedenginepooled", "threaded" -> new ThreadedEngine();
            default -> throw new IllegalArgumentException("unknown engine type '" + type
                    + "' (MXJ_ENGINE_TYPE / MXNET_ENGINE_TYPE): expected NaiveEngine or ThreadedEngine");
        };
    }

    /**
     * A new threaded engine with an explicit CPU worker count and inline dispatch on or off
     * (tests, benchmarks); the other settings come from the environment.
     */
    public static Engine createThreaded(int cpuWorkers, boolean inline) {
        return new ThreadedEngine(EngineOptions.fromEnvironment().withCpuWorkers(cpuWorkers).withInline(inline));
    }
}
