package dev.mxj.cpu.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * Who threads the native libraries. By default ({@code MXJ_CPU_NATIVE_THREADS} unset or
 * {@code 1}) OpenBLAS and oneDNN run single-threaded in every call and the CPU plugin splits
 * GEMMs and convolutions into chunks over its own threads ({@link CpuParallel}), so the process
 * has one thread budget. Left to themselves, each library sizes a pool to the cores and keeps
 * it spinning after a call (OpenBLAS for 2^28 cycles, ~70 ms; libgomp, under oneDNN, ~300k
 * pause loops): on a 2-core machine the idle spinners of one library took the cores the next
 * kernel needed, and single-op timings varied several-fold. {@code MXJ_CPU_NATIVE_THREADS=auto}
 * restores library-managed threading (OPENBLAS_NUM_THREADS / OMP_NUM_THREADS then apply to the
 * libraries as usual, and the plugin does not split their calls).
 */
final class NativeThreads {
    private NativeThreads() {}

    private static final System.Logger LOG = System.getLogger(NativeThreads.class.getName());

    /** Whether the plugin owns the threading of native calls (the default). */
    static final boolean MANAGED = managed();

    private static boolean managed() {
        String v = System.getenv("MXJ_CPU_NATIVE_THREADS");
        if (v == null || v.isBlank()) return true;
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "1", "managed" -> true;
            case "auto", "0", "library" -> false;
            default -> throw new IllegalArgumentException("MXJ_CPU_NATIVE_THREADS must be 1 (the plugin splits native calls over its threads) "
                    + "or auto (the libraries thread themselves), got '" + v + "'");
        };
    }

    /** Tests: a chunk count to use instead of the thread count (0: none), so splits run even on one core. */
    static volatile int chunksForTests;

    /** Chunks to split a native call into: the plugin's threads when it manages them, else 1 (the library threads it). */
    static int chunks() {
        int forced = chunksForTests;
        if (forced > 0) return forced;
        return MANAGED ? CpuParallel.THREADS : 1;
    }

    /**
     * Make OpenMP regions started by the calling thread single-threaded (oneDNN's threading);
     * OpenMP keeps this per thread, so every thread calls this before it calls oneDNN (only
     * its first call does anything). A no-op
     * when threading is left to the libraries, or when libgomp's symbol cannot be found (then
     * oneDNN keeps its default team, which is only slower).
     */
    static void singleThreadedOpenMp() {
        if (!MANAGED || Omp.SET_NUM_THREADS == null || OMP_SET.get()[0]) return;
        OMP_SET.get()[0] = true;
        try {
            Omp.SET_NUM_THREADS.invokeExact(1);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.DEBUG, "omp_set_num_threads failed: " + t);
        }
    }

    private static final ThreadLocal<boolean[]> OMP_SET = ThreadLocal.withInitial(() -> new boolean[1]);

    /** libgomp's omp_set_num_threads, found once oneDNN (which loads libgomp) is loaded. */
    private static final class Omp {
        static final MethodHandle SET_NUM_THREADS = find();

        private static MethodHandle find() {
            try {
                // libgomp is already loaded as oneDNN's dependency: dlopen by soname returns that copy
                SymbolLookup gomp = SymbolLookup.libraryLookup("libgomp.so.1", Arena.global());
                return gomp.find("omp_set_num_threads")
                        .map(s -> Linker.nativeLinker().downcallHandle(s, FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT), Linker.Option.critical(false)))
                        .orElse(null);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "libgomp not found (" + e + "); oneDNN keeps its own thread count");
                return null;
            }
        }
    }
}
