package dev.mxj.engine;

import java.util.Locale;
import java.util.Map;

/**
 * Tunables of the threaded engine. {@link #fromEnvironment()} reads them from the environment
 * (MXNet's variable names where MXNet had one); tests build them directly.
 *
 * @param cpuWorkers         workers per CPU context ({@code MXNET_CPU_WORKER_NTHREADS})
 * @param cpuPriorityWorkers workers of the pool for {@link FnProperty#CPU_PRIORITIZED} ops
 * @param gpuWorkers         compute workers per accelerator context
 * @param gpuCopyWorkers     copy workers per accelerator context (COPY_TO/FROM_DEVICE)
 * @param asyncWorkers       workers of the pool for {@link FnProperty#ASYNC} ops
 * @param inline             run ready CPU ops on the pushing thread ({@code MXJ_ENGINE_INLINE})
 * @param spinNanos          how long an idle worker or a waiting caller spins before parking
 */
record EngineOptions(int cpuWorkers, int cpuPriorityWorkers, int gpuWorkers, int gpuCopyWorkers,
                     int asyncWorkers, boolean inline, long spinNanos) {

    EngineOptions {
        if (cpuWorkers < 1 || cpuPriorityWorkers < 1 || gpuWorkers < 1 || gpuCopyWorkers < 1 || asyncWorkers < 1)
            throw new IllegalArgumentException("worker counts must be >= 1");
        if (spinNanos < 0) throw new IllegalArgumentException("spinNanos < 0");
    }

    /** Defaults: one CPU worker per core, inlining on, 50 µs of spinning. */
    static EngineOptions defaults() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new EngineOptions(cores, 4, 1, 1, 2, true, 50_000);
    }

    static EngineOptions fromEnvironment() { return fromMap(System.getenv()); }

    /** Reads the options from {@code env}; a malformed value fails naming the variable. */
    static EngineOptions fromMap(Map<String, String> env) {
        EngineOptions d = defaults();
        return new EngineOptions(
                positive(env, d.cpuWorkers, "MXJ_CPU_WORKER_NTHREADS", "MXNET_CPU_WORKER_NTHREADS"),
                positive(env, d.cpuPriorityWorkers, "MXJ_CPU_PRIORITY_NTHREADS", "MXNET_CPU_PRIORITY_NTHREADS"),
                positive(env, d.gpuWorkers, "MXJ_GPU_WORKER_NTHREADS", "MXNET_GPU_WORKER_NTHREADS"),
                positive(env, d.gpuCopyWorkers, "MXJ_GPU_COPY_NTHREADS", "MXNET_GPU_COPY_NTHREADS"),
                positive(env, d.asyncWorkers, "MXJ_ASYNC_WORKER_NTHREADS"),
                bool(env, d.inline, "MXJ_ENGINE_INLINE"),
                nonNegative(env, d.spinNanos / 1000, "MXJ_ENGINE_SPIN_US") * 1000);
    }

    EngineOptions withInline(boolean on) {
        return new EngineOptions(cpuWorkers, cpuPriorityWorkers, gpuWorkers, gpuCopyWorkers, asyncWorkers, on, spinNanos);
    }

    EngineOptions withCpuWorkers(int n) {
        return new EngineOptions(n, cpuPriorityWorkers, gpuWorkers, gpuCopyWorkers, asyncWorkers, inline, spinNanos);
    }

    EngineOptions withSpinNanos(long ns) {
        return new EngineOptions(cpuWorkers, cpuPriorityWorkers, gpuWorkers, gpuCopyWorkers, asyncWorkers, inline, ns);
    }

    /** The first of {@code names} that is set, as a positive int; {@code dflt} if none is set. */
    private static int positive(Map<String, String> env, int dflt, String... names) {
        for (String n : names) {
            String s = env.get(n);
            if (s == null || s.isBlank()) continue;
            try {
                int v = Integer.parseInt(s.trim());
                if (v >= 1) return v;
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException(n + "='" + s + "': expected a positive integer");
        }
        return dflt;
    }

    private static long nonNegative(Map<String, String> env, long dflt, String name) {
        String s = env.get(name);
        if (s == null || s.isBlank()) return dflt;
        try {
            long v = Long.parseLong(s.trim());
            if (v >= 0) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + "='" + s + "': expected a non-negative integer");
    }

    private static boolean bool(Map<String, String> env, boolean dflt, String name) {
        String s = env.get(name);
        if (s == null || s.isBlank()) return dflt;
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "1", "true", "on", "yes" -> true;
            case "0", "false", "off", "no" -> false;
            default -> throw new IllegalArgumentException(name + "='" + s + "': expected 0 or 1");
        };
    }
}
