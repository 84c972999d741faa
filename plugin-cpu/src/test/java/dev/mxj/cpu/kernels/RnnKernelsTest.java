package dev.mxj.cpu.kernels;

import dev.mxj.cpu.CpuPlugin;
import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpRunner;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.op.defs.RnnOps;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the RNN cases (tiny batches) cannot reach: a batch large enough for the per-step gate
 * work to be split over threads. Batch rows are independent, so the full batch must agree
 * with each half run alone (below the split size), and the parameter gradient must be the
 * sum of the halves'.
 */
class RnnKernelsTest {
    private static final OpRunner RUN = new OpRunner(new CpuPlugin().open(0));

    @Test
    void largeBatchAgreesWithRowsRunAlone() {
        int T = 3, N = 140, I = 4, H = 128, L = 1, D = 2;
        Map<String, Object> p = Map.of("mode", "lstm", "num_layers", L, "state_size", H, "bidirectional", true, "state_outputs", true);
        Attrs fwd = RUN.attrs("RNN", p, 4), bwd = RUN.attrs("_backward_RNN", p, 7);
        long P = RnnOps.Geometry.of(fwd, Shape.of(T, N, I)).paramSize();
        SplittableRandom rng = new SplittableRandom(3);
        HostArray x = HostArray.random(Shape.of(T, N, I), DType.FLOAT32, -1, 1, rng), w = HostArray.random(Shape.of(P), DType.FLOAT32, -0.2, 0.2, rng);
        HostArray hx = HostArray.random(Shape.of(L * D, N, H), DType.FLOAT32, -1, 1, rng), cx = HostArray.random(Shape.of(L * D, N, H), DType.FLOAT32, -1, 1, rng);
        HostArray dy = HostArray.random(Shape.of(T, N, D * H), DType.FLOAT32, -1, 1, rng);
        HostArray dhy = HostArray.random(Shape.of(L * D, N, H), DType.FLOAT32, -1, 1, rng), dcy = HostArray.random(Shape.of(L * D, N, H), DType.FLOAT32, -1, 1, rng);
        List<HostArray> out = RUN.run(fwd, List.of(x, w, hx, cx), false, 1).outputs();
        List<HostArray> grads = RUN.run(bwd, List.of(x, w, hx, cx, dy, dhy, dcy), false, 1).outputs();
        double[] dwSum = new double[(int) P];
        for (int[] half : new int[][] {{0, N / 2}, {N / 2, N}}) {
            int a = half[0], b = half[1], n = b - a;
            List<HostArray> o = RUN.run(fwd, List.of(rows(x, a, b, N), w, rows(hx, a, b, N), rows(cx, a, b, N)), false, 1).outputs();
            for (int k = 0; k < 3; k++) assertClose(rows(out.get(k), a, b, N), o.get(k), "output " + k + " of rows " + a + ".." + b);
            List<HostArray> g = RUN.run(bwd, List.of(rows(x, a, b, N), w, rows(hx, a, b, N), rows(cx, a, b, N), rows(dy, a, b, N), rows(dhy, a, b, N),
                    rows(dcy, a, b, N)), false, 1).outputs();
            for (int k : new int[] {0, 2, 3}) assertClose(rows(grads.get(k), a, b, N), g.get(k), "gradient " + k + " of rows " + a + ".." + b + " (" + n + " rows)");
            for (int i = 0; i < P; i++) dwSum[i] += g.get(1).get(i);
        }
        assertClose(new HostArray(Shape.of(P), DType.FLOAT64, dwSum), grads.get(1), "parameter gradient");
    }

    /** Rows [a, b) of an array whose axis 1 is the batch. */
    private static HostArray rows(HostArray x, int a, int b, int batch) {
        long[] d = x.shape().dims();
        int outer = (int) d[0], inner = (int) (x.shape().size() / outer / batch), n = b - a;
        double[] r = new double[outer * n * inner];
        for (int o = 0; o < outer; o++) System.arraycopy(x.data(), (o * batch + a) * inner, r, o * n * inner, n * inner);
        d[1] = n;
        return new HostArray(Shape.of(d), x.dtype(), r);
    }

    private static void assertClose(HostArray want, HostArray got, String what) {
        assertEquals(want.shape(), got.shape(), what);
        double[] a = want.data(), b = got.data();
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= 1e-4 + 1e-4 * Math.abs(a[i]))) {
                assertEquals(a[i], b[i], 1e-4, what + " element " + i + " of " + Arrays.toString(want.shape().dims()));
            }
        }
    }

}
