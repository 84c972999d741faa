package dev.mxj.cpu.kernels;

import dev.mxj.device.Elements;

import dev.mxj.op.DType;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.openblas.global.openblas;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Row-major GEMM on host memory: {@code C = op(A) op(B)} (or {@code C += ...}), where op(A) is
 * (m, k) and stored as (k, m) when transposed, op(B) is (k, n) and stored as (n, k) when
 * transposed, C is (m, n) contiguous. float32 goes to oneDNN's sgemm where oneDNN is in use,
 * else (and float64) to OpenBLAS's cblas_sgemm/dgemm, through the JavaCPP presets, on the
 * arrays' own memory; float16, integers, or a machine where
 * OpenBLAS cannot load use a blocked Java GEMM that accumulates in double.
 *
 * <p>OpenBLAS is loaded on first use. It runs single-threaded and the plugin splits large GEMMs
 * over its own threads ({@link NativeThreads}); with {@code MXJ_CPU_NATIVE_THREADS=auto} it sizes
 * its thread pool from OPENBLAS_NUM_THREADS or OMP_NUM_THREADS (else the core count), as it does
 * for MXNet.
 */
final class Gemm {
    private Gemm() {}

    private static final System.Logger LOG = System.getLogger(Gemm.class.getName());

    /** Lazily loaded: the first GEMM pays for extracting and loading the native library. */
    private static final class Blas {
        static final boolean OK = load();

        private static boolean load() {
            if (Boolean.getBoolean("mxj.cpu.noblas")) return false;
            try {
                Loader.load(openblas.class);
                if (NativeThreads.MANAGED) openblas.blas_set_num_threads(1); // the plugin splits GEMMs over its own threads
                return true;
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.WARNING, "OpenBLAS could not be loaded (" + t + "); dot and batch_dot use a slower Java GEMM");
                return false;
            }
        }
    }

    /** Whether OpenBLAS is in use (loads it on first call). */
    static boolean blasAvailable() { return Blas.OK; }

    /**
     * A JavaCPP pointer to memory owned elsewhere (a MemorySegment): no allocation, no
     * deallocator, so JavaCPP never frees it. The JNI glue reads {@code address} directly.
     */
    private static final class FloatView extends FloatPointer {
        FloatView(MemorySegment s, long elementOffset) {
            address = s.address() + elementOffset * Float.BYTES;
            capacity = limit = s.byteSize() / Float.BYTES - elementOffset;
        }
    }

    private static final class DoubleView extends DoublePointer {
        DoubleView(MemorySegment s, long elementOffset) {
            address = s.address() + elementOffset * Double.BYTES;
            capacity = limit = s.byteSize() / Double.BYTES - elementOffset;
        }
    }

    /**
     * GEMMs of at least this many multiply-adds are split over the plugin's threads (when it
     * manages them, {@link NativeThreads}): ~0.1 ms of single-threaded OpenBLAS, well above the
     * cost of handing a chunk to a helper.
     */
    static final double SPLIT_MACS = 1 << 22;

    /** Below this many rows of C per chunk, a split goes by columns: each thin row block would pack all of op(B). */
    private static final long ROWS_PER_CHUNK = 16;

    /**
     * One GEMM. Offsets are in elements; A, B and C share dtype {@code t} (MXNet requires it).
     * With {@code add} the product is added to C (OpReq.ADD). Large float GEMMs are split into
     * column blocks of C, or row blocks when C is taller than wide or A is transposed (a weight
     * gradient dy^T x, whose row block reads a column block of dy), one single-threaded sgemm
     * per chunk: each chunk reads all of the other operand, which costs little next to its
     * multiply-adds, and the chunks write disjoint parts of C. Row blocks for the transposed A
     * measured 2-3% faster over the whole MLP training step than column blocks everywhere (the
     * two alternating in one process); row blocks everywhere measured 3% slower.
     */
    static void gemm(DType t, boolean ta, boolean tb, long m, long n, long k,
                     MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment c, long co, boolean add) {
        if (m == 0 || n == 0) return;
        long lda = ta ? m : k, ldb = tb ? k : n;
        boolean fitsInt = Math.max(Math.max(m, n), Math.max(k, 1)) <= Integer.MAX_VALUE;
        if ((t == DType.FLOAT32 || t == DType.FLOAT64) && k > 0 && fitsInt && blasAvailable()) {
            int chunks = NativeThreads.chunks();
            if (chunks > 1 && (double) m * n * k >= SPLIT_MACS) {
                if (m < ROWS_PER_CHUNK * chunks || (!ta && n >= m)) {
                    CpuParallel.forChunks(n, chunks, (j0, j1) ->
                            blas(t, ta, tb, m, j1 - j0, k, a, ao, lda, b, tb ? bo + j0 * k : bo + j0, ldb, c, co + j0, n, add));
                } else {
                    CpuParallel.forChunks(m, chunks, (i0, i1) ->
                            blas(t, ta, tb, i1 - i0, n, k, a, ta ? ao + i0 : ao + i0 * k, lda, b, bo, ldb, c, co + i0 * n, n, add));
                }
                return;
            }
            blas(t, ta, tb, m, n, k, a, ao, lda, b, bo, ldb, c, co, n, add);
            return;
        }
        javaGemm(t, ta, tb, m, n, k, a, ao, b, bo, c, co, add);
    }

    /**
     * One GEMM call with explicit leading dimensions: float32 on oneDNN's sgemm where oneDNN is
     * in use ({@link Dnnl#available}), else cblas_sgemm/dgemm. oneDNN's JIT sgemm measured
     * 15-35% faster than OpenBLAS 0.3.31 single-threaded on the MLP's shapes (e.g. 128x512x784
     * with B transposed: 149 vs 129 GFLOP/s; 128x512x256: 172 vs 128).
     */
    private static void blas(DType t, boolean ta, boolean tb, long m, long n, long k, MemorySegment a, long ao, long lda,
                             MemorySegment b, long bo, long ldb, MemorySegment c, long co, long ldc, boolean add) {
        if (t == DType.FLOAT32 && Dnnl.available()) {
            NativeThreads.singleThreadedOpenMp();
            int status = dnnl.dnnl_sgemm((byte) (ta ? 'T' : 'N'), (byte) (tb ? 'T' : 'N'), m, n, k, 1f, new FloatView(a, ao), Math.max(1, lda),
                    new FloatView(b, bo), Math.max(1, ldb), add ? 1f : 0f, new FloatView(c, co), ldc);
            if (status != dnnl.dnnl_success) throw new IllegalStateException("oneDNN dnnl_sgemm failed with status " + status);
            return;
        }
        int order = openblas.CblasRowMajor;
        int tA = ta ? openblas.CblasTrans : openblas.CblasNoTrans, tB = tb ? openblas.CblasTrans : openblas.CblasNoTrans;
        if (t == DType.FLOAT32) {
            openblas.cblas_sgemm(order, tA, tB, (int) m, (int) n, (int) k, 1f, new FloatView(a, ao), (int) Math.max(1, lda),
                    new FloatView(b, bo), (int) Math.max(1, ldb), add ? 1f : 0f, new FloatView(c, co), (int) ldc);
        } else {
            openblas.cblas_dgemm(order, tA, tB, (int) m, (int) n, (int) k, 1, new DoubleView(a, ao), (int) Math.max(1, lda),
                    new DoubleView(b, bo), (int) Math.max(1, ldb), add ? 1 : 0, new DoubleView(c, co), (int) ldc);
        }
    }

    private static final int ROWS = 8, KB = 128;

    /**
     * Blocked Java GEMM: op(B) is packed once into a double (k, n) panel; blocks of
     * {@value #ROWS} rows of C accumulate {@value #KB}-deep slices of it, so a slice stays in
     * cache for all rows of the block. Row blocks run in parallel.
     */
    static void javaGemm(DType t, boolean ta, boolean tb, long m, long n, long k,
                         MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment c, long co, boolean add) {
        if (k * n > Integer.MAX_VALUE - 8 || m * k > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("GEMM of (" + m + ", " + k + ") x (" + k + ", " + n + ") is too large for the Java fallback");
        }
        int N = (int) n, K = (int) k;
        double[] bp = new double[K * N];
        double[] tmp = new double[Math.max(N, 1)];
        for (int p = 0; p < K; p++) { // row p of op(B): contiguous, or column p of the stored (n, k) matrix
            if (!tb) Blocks.load(b, t, bo + (long) p * N, 1, tmp, N);
            else for (int j = 0; j < N; j++) tmp[j] = Elements.get(b, t, bo + (long) j * K + p);
            System.arraycopy(tmp, 0, bp, p * N, N);
        }
        long blocks = (m + ROWS - 1) / ROWS;
        long grain = Math.max(1, (1L << 20) / Math.max(1, (long) ROWS * K * N)); // at least ~1 MFLOP per task
        CpuParallel.forRange(blocks, grain, (b0, b1) -> {
            double[][] arow = new double[ROWS][Math.max(K, 1)];
            double[][] crow = new double[ROWS][N];
            for (long blk = b0; blk < b1; blk++) {
                long i0 = blk * ROWS;
                int rows = (int) Math.min(ROWS, m - i0);
                for (int r = 0; r < rows; r++) {
                    long i = i0 + r; // row i of op(A): contiguous, or column i of the stored (k, m) matrix
                    Blocks.load(a, t, ta ? ao + i : ao + i * K, ta ? m : 1, arow[r], K);
                    Arrays.fill(crow[r], 0);
                }
                for (int p0 = 0; p0 < K; p0 += KB) {
                    int p1 = Math.min(K, p0 + KB);
                    for (int r = 0; r < rows; r++) {
                        double[] cr = crow[r], ar = arow[r];
                        for (int p = p0; p < p1; p++) {
                            double av = ar[p];
                            int off = p * N;
                            for (int j = 0; j < N; j++) cr[j] += av * bp[off + j];
                        }
                    }
                }
                for (int r = 0; r < rows; r++) Blocks.store(c, t, co + (i0 + r) * n, crow[r], N, add);
            }
        });
    }
}
