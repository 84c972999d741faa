package dev.mxj.engine;

/** Engines for tests, with explicit options (not the environment), so tests behave the same everywhere. */
final class Engines4Test {
    private Engines4Test() {}

    /** A threaded engine with inline dispatch on or off and {@code workers} CPU workers. */
    static ThreadedEngine threaded(boolean inline, int workers) {
        return new ThreadedEngine(EngineOptions.defaults().withInline(inline).withCpuWorkers(workers));
    }

    static Engine create(String kind) {
        return switch (kind) {
            case "naive" -> new NaiveEngine();
            case "inline" -> threaded(true, 2);
            case "async" -> threaded(false, 2);
            default -> throw new IllegalArgumentException(kind);
        };
    }
}
