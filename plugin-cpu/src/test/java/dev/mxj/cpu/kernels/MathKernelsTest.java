package dev.mxj.cpu.kernels;

import dev.mxj.device.Device;
import dev.mxj.device.Elements;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Storage;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the operator catalogue's small cases cannot reach: OpReq.INPLACE and NULL, arrays large
 * enough to be split over threads (chunk boundaries inside broadcast rows and reductions), and
 * the Java GEMM against OpenBLAS.
 */
class MathKernelsTest {
    private static final Device CPU = KernelScratch.CPU;
    private final KernelScratch scratch = new KernelScratch();
    private final OpContext ctx = scratch.ctx;

    private Storage alloc(long bytes) { return scratch.alloc(bytes); }

    @AfterEach
    void release() { scratch.release(); }

    private Tensor tensor(Shape s, DType t, java.util.function.LongToDoubleFunction init) {
        Tensor x = new Tensor(alloc(s.size() * t.byteSize()), 0, s, t);
        for (long i = 0; i < s.size(); i++) Elements.set(x.segment(), t, i, init.applyAsDouble(i));
        return x;
    }

    private static double get(Tensor t, long i) { return Elements.get(t.segment(), t.dtype(), i); }

    private void run(String op, Map<String, ?> params, Tensor[] in, OpReq req, Tensor... out) {
        OpDef d = OpRegistry.global().get(op);
        Attrs a = d.parseAttrs(params);
        OpReq[] reqs = new OpReq[out.length];
        java.util.Arrays.fill(reqs, req);
        CPU.kernels().get(d.name()).compute(ctx, a, in, reqs, out);
    }

    private static void assertNear(double want, double got, String what) {
        if (!(Math.abs(want - got) <= 1e-5 * Math.abs(want) + 1e-5)) assertEquals(want, got, 1e-5, what);
    }

    /** Broadcast (64, 1, 33) op (1, 50, 33): 105,600 outputs, split over threads inside rows. */
    @Test
    void largeBroadcastMatchesLoops() {
        // float32 add and mul take the fast loops (vector-vector and vector-scalar rows), float64 power the general path
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
            for (String op : t == DType.FLOAT32 ? List.of("broadcast_add", "broadcast_mul") : List.of("broadcast_power")) {
                Tensor a = tensor(Shape.of(64, 1, 33), t, i -> 0.5 + (i % 17) * 0.1), b = tensor(Shape.of(1, 50, 33), t, i -> (i % 7) * 0.3 - 1);
                Tensor o = tensor(Shape.of(64, 50, 33), t, i -> 0);
                run(op, Map.of(), new Tensor[] {a, b}, OpReq.WRITE, o);
                DoubleBinaryOperator f = op.equals("broadcast_add") ? Double::sum : op.equals("broadcast_mul") ? (x, y) -> x * y : Math::pow;
                for (int i = 0; i < 64; i++) {
                    for (int j = 0; j < 50; j++) {
                        for (int k = 0; k < 33; k++) {
                            double want = f.applyAsDouble(get(a, i * 33 + k), get(b, j * 33 + k));
                            assertNear(want, get(o, (i * 50L + j) * 33 + k), op + " " + t + " at " + i + "," + j + "," + k);
                        }
                    }
                }
            }
        }
    }

    /** In-place: the output is the lhs's memory (same shape), also with the rhs broadcast. */
    @Test
    void inPlaceAndNull() {
        Shape s = Shape.of(300, 257);
        Tensor a = tensor(s, DType.FLOAT32, i -> i % 11), b = tensor(s, DType.FLOAT32, i -> i % 5);
        run("elemwise_add", Map.of(), new Tensor[] {a, b}, OpReq.INPLACE, a);
        for (long i = 0; i < s.size(); i++) assertEquals(i % 11 + i % 5, get(a, i), "elemwise_add in place");
        Tensor row = tensor(Shape.of(257), DType.FLOAT32, i -> i);
        run("broadcast_sub", Map.of(), new Tensor[] {a, row}, OpReq.INPLACE, a);
        for (long i = 0; i < s.size(); i++) assertEquals(i % 11 + i % 5 - i % 257, get(a, i), "broadcast_sub in place");
        Tensor c = tensor(s, DType.FLOAT64, i -> i - 1000.0);
        run("relu", Map.of(), new Tensor[] {c}, OpReq.INPLACE, c);
        run("_mul_scalar", Map.of("scalar", 2), new Tensor[] {c}, OpReq.INPLACE, c);
        run("exp", Map.of(), new Tensor[] {c}, OpReq.NULL, c); // NULL: untouched
        for (long i = 0; i < s.size(); i++) assertEquals(2 * Math.max(i - 1000.0, 0), get(c, i), "relu, _mul_scalar in place");
        Tensor d = tensor(s, DType.FLOAT32, i -> i % 3);
        run("add_n", Map.of("num_args", 3), new Tensor[] {d, a, b}, OpReq.INPLACE, d);
        for (long i = 0; i < s.size(); i++) assertEquals(i % 3 + (i % 11 + i % 5 - i % 257) + i % 5, get(d, i), "add_n in place");
    }

    /** Every reduction layout at sizes that split over threads: inner runs, outer rows, mixed, full. */
    @Test
    void largeReductionsMatchLoops() {
        Shape s = Shape.of(40, 30, 100);
        Tensor x = tensor(s, DType.FLOAT32, i -> ((i * 37) % 101) * 0.01 - 0.5);
        boolean[][] masks = {{true, false, false}, {false, false, true}, {true, false, true}, {false, true, false}, {true, true, true}, {true, true, false}};
        for (boolean[] m : masks) {
            for (String op : List.of("sum", "max", "norm")) {
                long outSize = 1;
                List<Long> axes = new ArrayList<>();
                for (int i = 0; i < 3; i++) if (m[i]) axes.add((long) i); else outSize *= s.dim(i);
                Tensor o = tensor(Shape.of(outSize), DType.FLOAT32, i -> 0);
                run(op, Map.of("axis", axes), new Tensor[] {x}, OpReq.WRITE, o);
                double[] want = new double[(int) outSize];
                java.util.Arrays.fill(want, op.equals("max") ? Double.NEGATIVE_INFINITY : 0);
                for (int i = 0; i < 40; i++) {
                    for (int j = 0; j < 30; j++) {
                        for (int k = 0; k < 100; k++) {
                            long oi = 0;
                            if (!m[0]) oi = oi * 40 + i;
                            if (!m[1]) oi = oi * 30 + j;
                            if (!m[2]) oi = oi * 100 + k;
                            double v = get(x, (i * 30L + j) * 100 + k);
                            want[(int) oi] = op.equals("max") ? Math.max(want[(int) oi], v) : op.equals("norm") ? want[(int) oi] + v * v : want[(int) oi] + v;
                        }
                    }
                }
                for (int i = 0; i < outSize; i++) {
                    assertNear(op.equals("norm") ? Math.sqrt(want[i]) : want[i], get(o, i), op + " axes " + axes + " element " + i);
                }
            }
        }
    }

    /** The Java GEMM (float16, integers, no OpenBLAS) agrees with OpenBLAS for every transpose, writing and adding. */
    @Test
    void javaGemmMatchesBlas() {
        int m = 70, n = 45, k = 90;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = tensor(Shape.of(m * k), DType.FLOAT32, i -> ((i * 13) % 29) * 0.1 - 1.4);
                Tensor b = tensor(Shape.of(k * n), DType.FLOAT32, i -> ((i * 7) % 19) * 0.1 - 0.9);
                Tensor c1 = tensor(Shape.of(m * n), DType.FLOAT32, i -> i % 3), c2 = tensor(Shape.of(m * n), DType.FLOAT32, i -> i % 3);
                Gemm.gemm(DType.FLOAT32, ta, tb, m, n, k, a.segment(), 0, b.segment(), 0, c1.segment(), 0, true);
                Gemm.javaGemm(DType.FLOAT32, ta, tb, m, n, k, a.segment(), 0, b.segment(), 0, c2.segment(), 0, true);
                for (int i = 0; i < m * n; i++) assertNear(get(c1, i), get(c2, i), "ta=" + ta + " tb=" + tb + " element " + i);
            }
        }
    }

    /** Special functions at points with known values, and the digamma used by gamma's gradient. */
    @Test
    void specialFunctions() {
        assertNear(0.8427007929497149, SpecialFunctions.erf(1), "erf(1)");
        assertNear(-0.9999779095030014, SpecialFunctions.erf(-3), "erf(-3)");
        assertNear(0.1124629160182849, SpecialFunctions.erf(0.1), "erf(0.1)");
        assertNear(1.1630871536766743, SpecialFunctions.erfinv(0.9), "erfinv(0.9)");
        assertNear(-0.5772156649015329, SpecialFunctions.digamma(1), "digamma(1)");
        assertNear(1.2561176684318005, SpecialFunctions.digamma(4), "digamma(4)");
        assertNear(0.03649026719480667, SpecialFunctions.digamma(-0.5), "digamma(-0.5)");
        assertNear(120, SpecialFunctions.gamma(6), "gamma(6)");
        assertNear(2.9915689876875904, SpecialFunctions.gamma(0.3), "gamma(0.3)");
        assertNear(Math.log(SpecialFunctions.gamma(7.5)), SpecialFunctions.lgamma(7.5), "lgamma(7.5)");
        assertEquals(1.0, SpecialFunctions.erf(7));
    }
}
