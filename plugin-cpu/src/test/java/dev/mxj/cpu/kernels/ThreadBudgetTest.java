package dev.mxj.cpu.kernels;

import dev.mxj.cpu.CpuPlugin;
import dev.mxj.device.Device;
import dev.mxj.device.conformance.CaseVerifier;
import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpRunner;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin's one thread budget: {@link CpuParallel}'s chunks, and the GEMMs and oneDNN
 * calls split into chunks over it ({@link NativeThreads}). Splits are forced to 3 chunks (uneven
 * ones, and on any core count) and compared with unsplit or Java-path results.
 */
class ThreadBudgetTest {
    private static final Device CPU = new CpuPlugin().open(0);
    private static final OpRunner RUNNER = new OpRunner(CPU);
    private final KernelScratch scratch = new KernelScratch();

    @AfterEach
    void reset() {
        NativeThreads.chunksForTests = 0;
        Dnnl.layout = "auto";
        scratch.release();
    }

    @Test
    void chunksCoverTheRangeOnceWithFixedBoundaries() {
        for (long n : new long[] {1, 2, 7, 1000, 100_003}) {
            for (int chunks : new int[] {1, 2, 3, 16}) {
                AtomicIntegerArray seen = new AtomicIntegerArray((int) n);
                long step = (n + Math.min(chunks, n) - 1) / Math.min(chunks, n);
                CpuParallel.forChunks(n, chunks, (from, to) -> {
                    assertEquals(0, from % step, "chunks start at multiples of the step");
                    assertTrue(to == Math.min(n, from + step), "a chunk is one step long (the last may be shorter)");
                    for (long i = from; i < to; i++) seen.incrementAndGet((int) i);
                });
                for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "index " + i + " of " + n + " in " + chunks + " chunks");
            }
        }
    }

    /** The caller claims chunks from the front and helpers from the back; together they claim each chunk once. */
    @Test
    void callerClaimsFromTheFrontHelpersFromTheBack() {
        for (int chunks : new int[] {1, 2, 3, 8}) {
            CpuParallel.Job job = new CpuParallel.Job(1000, chunks, (from, to) -> { }, Thread.currentThread());
            java.util.List<Integer> order = new java.util.ArrayList<>();
            for (int i = 0; !job.exhausted(); i++) order.add(job.claim(i % 3 == 1)); // front, back, front, front, back, ...
            assertEquals(-1, job.claim(false));
            assertEquals(-1, job.claim(true));
            assertEquals(0, order.get(0), "the caller's first claim is chunk 0");
            if (chunks > 1) assertEquals(chunks - 1, order.get(1), "a helper's first claim is the last chunk");
            assertEquals(chunks, order.size());
            assertEquals(chunks, new java.util.HashSet<>(order).size(), "no chunk claimed twice: " + order);
        }
    }

    @Test
    void aFailingChunkFailsTheCallAndThePoolGoesOn() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CpuParallel.forChunks(10, 5, (from, to) -> {
            if (from == 4) throw new IllegalStateException("chunk at 4");
        }));
        assertEquals("chunk at 4", e.getMessage());
        long[] sum = new long[1];
        CpuParallel.forChunks(10, 5, (from, to) -> {
            synchronized (sum) {
                for (long i = from; i < to; i++) sum[0] += i;
            }
        });
        assertEquals(45, sum[0]);
    }

    @Test
    void nestedAndConcurrentCallsComplete() throws Exception {
        List<Thread> threads = new ArrayList<>();
        long[] totals = new long[4];
        for (int t = 0; t < totals.length; t++) {
            int ti = t;
            Thread th = new Thread(() -> {
                for (int rep = 0; rep < 50; rep++) {
                    long[] s = new long[1];
                    CpuParallel.forChunks(8, 4, (a, b) -> CpuParallel.forChunks(100, 3, (c, d) -> {
                        synchronized (s) {
                            s[0] += (b - a) * (d - c);
                        }
                    }));
                    totals[ti] += s[0];
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) th.join(60_000);
        for (long v : totals) assertEquals(50L * 8 * 100, v);
    }

    private MemorySegment randomSegment(long n, SplittableRandom rng) {
        MemorySegment s = scratch.alloc(n * 4).hostSegment();
        for (long i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (rng.nextDouble() * 2 - 1));
        return s;
    }

    /**
     * Split GEMMs (columns of C, or rows when C is taller), every transpose, write and add, on
     * oneDNN's sgemm and on OpenBLAS (oneDNN off), against the Java GEMM.
     */
    @Test
    void splitGemmMatchesJavaGemm() {
        SplittableRandom rng = new SplittableRandom(21);
        long[][] shapes = {{128, 517, 130}, {700, 61, 129}, {33, 1001, 130}};
        NativeThreads.chunksForTests = 3;
        for (String mode : new String[] {"auto", "off"}) {
            Dnnl.withMode(mode, () -> {
                for (long[] mnk : shapes) {
                    long m = mnk[0], n = mnk[1], k = mnk[2];
                    assertTrue((double) m * n * k >= Gemm.SPLIT_MACS, "shape large enough to split");
                    for (int tr = 0; tr < 4; tr++) {
                        boolean ta = (tr & 1) != 0, tb = (tr & 2) != 0;
                        for (boolean add : new boolean[] {false, true}) {
                            MemorySegment a = randomSegment(m * k + 3, rng), b = randomSegment(k * n + 5, rng), c0 = randomSegment(m * n + 2, rng);
                            MemorySegment c1 = scratch.alloc(c0.byteSize()).hostSegment();
                            c1.copyFrom(c0);
                            Gemm.gemm(DType.FLOAT32, ta, tb, m, n, k, a, 3, b, 5, c0, 2, add);
                            Gemm.javaGemm(DType.FLOAT32, ta, tb, m, n, k, a, 3, b, 5, c1, 2, add);
                            String what = mode + " gemm " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " add=" + add;
                            CaseVerifier.assertClose(what, read(c0, m * n + 2), read(c1, m * n + 2), 1e-4, 1e-4);
                        }
                    }
                }
            });
        }
    }

    private static double[] read(MemorySegment s, long n) {
        double[] d = new double[(int) n];
        for (int i = 0; i < n; i++) d[i] = s.getAtIndex(ValueLayout.JAVA_FLOAT, i);
        return d;
    }

    /**
     * oneDNN convolutions and pooling split over the batch in uneven chunks (7 images: 3, 3, 1),
     * with the weight and bias gradients summed from per-chunk partials, on both activation
     * layouts, against the Java path; gradients written and accumulated.
     */
    @Test
    void batchSplitOneDnnMatchesJavaPath() {
        SplittableRandom rng = new SplittableRandom(8);
        Object[][] cases = {
                {"Convolution", Map.of("kernel", "(3, 3)", "num_filter", "16", "pad", "(1, 1)"), new long[] {7, 8, 24, 24}, new long[] {16, 8, 3, 3}, "blocked"},
                {"Convolution", Map.of("kernel", "(5, 5)", "num_filter", "50"), new long[] {7, 20, 12, 12}, new long[] {50, 20, 5, 5}, "auto"},
                {"Convolution", Map.of("kernel", "(5, 5)", "num_filter", "50"), new long[] {7, 20, 12, 12}, new long[] {50, 20, 5, 5}, "blocked"},
                {"Convolution", Map.of("kernel", "(3, 3)", "num_filter", "16", "pad", "(1, 1)"), new long[] {7, 8, 24, 24}, new long[] {16, 8, 3, 3}, "plain"},
        };
        NativeThreads.chunksForTests = 3;
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked") Map<String, Object> p = (Map<String, Object>) c[1];
            long[] xs = (long[]) c[2], ws = (long[]) c[3];
            Dnnl.layout = (String) c[4];
            List<HostArray> in = List.of(HostArray.random(Shape.of(xs), DType.FLOAT32, -1, 1, rng),
                    HostArray.random(Shape.of(ws), DType.FLOAT32, -1, 1, rng), HostArray.random(Shape.of(ws[0]), DType.FLOAT32, -1, 1, rng));
            Attrs fa = RUNNER.attrs("Convolution", p, 3);
            Shape ys = fa.op().inferOutputShapes(fa, new Shape[] {Shape.of(xs), Shape.of(ws), Shape.of(ws[0])})[0];
            List<HostArray> bin = new ArrayList<>();
            bin.add(HostArray.random(ys, DType.FLOAT32, -1, 1, rng));
            bin.addAll(in);
            Attrs ba = RUNNER.attrs("_backward_Convolution", p, 4);
            String what = c[0] + " " + p + " " + c[4];
            compareModes(what, fa, in, null);
            compareModes("_backward " + what, ba, bin, null);
            List<HostArray> init = new ArrayList<>();
            for (HostArray o : RUNNER.run(ba, bin, false, 1).outputs()) init.add(HostArray.random(o.shape(), o.dtype(), -1, 1, rng));
            compareModes("_backward " + what + " ADD", ba, bin, init);
        }
        Dnnl.layout = "auto";
        for (String type : new String[] {"avg", "max"}) {
            Map<String, Object> p = Map.of("kernel", "(3, 3)", "stride", "(2, 2)", "pad", "(1, 1)", "pool_type", type);
            List<HostArray> in = List.of(HostArray.random(Shape.of(7, 8, 32, 32), DType.FLOAT32, -1, 1, rng));
            Attrs fa = RUNNER.attrs("Pooling", p, 1);
            HostArray y = RUNNER.run(fa, in, false, 1).output(0);
            compareModes("Pooling " + type, fa, in, null);
            compareModes("_backward_Pooling " + type, RUNNER.attrs("_backward_Pooling", p, 3),
                    List.of(HostArray.random(y.shape(), DType.FLOAT32, -1, 1, rng), in.get(0), y), null);
        }
    }

    private static void compareModes(String what, Attrs a, List<HostArray> in, List<HostArray> addTo) {
        List<List<HostArray>> r = new ArrayList<>();
        for (String mode : new String[] {"off", "force"}) Dnnl.withMode(mode, () -> r.add(RUNNER.run(a, in, false, 1, addTo).outputs()));
        for (int i = 0; i < r.get(0).size(); i++) {
            CaseVerifier.assertClose(what + " output " + i, r.get(1).get(i).data(), r.get(0).get(i).data(), 1e-4, 1e-4);
        }
    }

    @Test
    void layoutPolicyPadsOnlyWhereItPays() {
        assertTrue(Dnnl.plainLayout(geom(128, 20, 50)), "LeNet's second convolution: 20 -> 50 channels");
        assertTrue(!Dnnl.plainLayout(geom(128, 1, 20)), "a first layer with one input channel keeps the blocked kernels");
        assertTrue(!Dnnl.plainLayout(geom(32, 64, 64)), "channel counts that fill the blocks");
    }

    private static ConvGeom geom(long n, long inC, long outC) {
        return new ConvGeom(2, n, inC, outC, 1, new long[] {1, 12, 12}, new long[] {1, 8, 8}, new long[] {1, 5, 5},
                new long[] {1, 1, 1}, new long[] {1, 1, 1}, new long[] {0, 0, 0});
    }
}
