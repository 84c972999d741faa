package dev.mxj.cpu;

import dev.mxj.device.conformance.CaseVerifier;
import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpRunner;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Shape, indexing and sort kernels on inputs large enough to take the parallel, tiled and
 * row-copy paths the small catalogue cases never reach, against naive index arithmetic.
 */
class MovementKernelsTest {
    private static final OpRunner RUNNER = new OpRunner(new CpuPlugin().open(0));

    private static HostArray random(DType t, long... dims) {
        return HostArray.random(Shape.of(dims), t, -100, 100, new SplittableRandom(Arrays.hashCode(dims)));
    }

    private static HostArray run(String op, Map<String, ?> params, HostArray... in) {
        return RUNNER.run(op, params, List.of(in), false, 1).output(0);
    }

    private static void assertValues(String what, double[] want, HostArray got) {
        CaseVerifier.assertClose(what, got.data(), want, 0, 0);
    }

    /** out[i0, i1, ...] = x[i_axes...]: the reference transpose by coordinates. */
    private static double[] naiveTranspose(HostArray x, int[] axes) {
        long[] d = x.shape().dims(), xs = x.shape().strides();
        long[] od = new long[d.length];
        for (int i = 0; i < d.length; i++) od[i] = d[axes[i]];
        double[] out = new double[x.data().length];
        long[] idx = new long[d.length];
        for (int k = 0; k < out.length; k++) {
            long rem = k, src = 0;
            for (int i = d.length - 1; i >= 0; i--) { idx[i] = rem % od[i]; rem /= od[i]; }
            for (int i = 0; i < d.length; i++) src += idx[i] * xs[axes[i]];
            out[k] = x.data()[(int) src];
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64", "FLOAT16", "INT8"})
    void transposeTakesTheTiledPathForEveryElementSize(DType t) {
        HostArray x = random(t, 256, 300);
        assertValues("transpose " + t, naiveTranspose(x, new int[] {1, 0}), run("transpose", Map.of(), x));
        HostArray y = random(t, 20, 30, 40);
        assertValues("transpose (2, 0, 1) " + t, naiveTranspose(y, new int[] {2, 0, 1}), run("transpose", Map.of("axes", "(2, 0, 1)"), y));
    }

    @Test
    void accumulatesLargeParallelOutputs() {
        HostArray x = random(DType.FLOAT32, 256, 300), base = random(DType.FLOAT32, 300, 256);
        var attrs = RUNNER.attrs("transpose", Map.of(), 1);
        HostArray got = RUNNER.run(attrs, List.of(x), false, 1, List.of(base)).output(0);
        double[] want = naiveTranspose(x, new int[] {1, 0});
        for (int i = 0; i < want.length; i++) want[i] = (float) (want[i] + base.data()[i]);
        assertValues("transpose with OpReq.ADD", want, got);
    }

    /** Zero-size arrays pass through every kernel without work or errors (input shapes separated by spaces). */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "transpose | | 0,3",
            "Concat | dim=0 | 0,3 2,3",
            "slice | begin=(1,); end=(1,) | 3,2",
            "tile | reps=(2, 1) | 2,0",
            "Pad | mode=edge; pad_width=(0, 0, 0, 0, 0, 0, 1, 1) | 0,1,2,0",
            "Pad | mode=constant; pad_width=(0, 0, 0, 0, 1, 0, 0, 0) | 1,1,1,0",
            "take | | 4,0 0",
            "sort | | 2,0",
            "topk | axis=0; k=0; ret_typ=both | 0,3",
            "one_hot | depth=4 | 0",
            "_sample_multinomial | shape=(2,) | 0,3",
            "_shuffle | | 0,2",
            "broadcast_to | shape=(0, 3) | 1,3",
            "repeat | repeats=0 | 2,3",
    })
    void zeroSizeArrays(String op, String params, String shapes) {
        Map<String, Object> p = new java.util.LinkedHashMap<>();
        if (params != null) for (String kv : params.split(";")) p.put(kv.split("=", 2)[0].trim(), kv.split("=", 2)[1].trim());
        List<HostArray> in = new java.util.ArrayList<>();
        for (String sh : shapes.trim().split(" ")) {
            Shape s = Shape.of(Arrays.stream(sh.split(",")).mapToLong(Long::parseLong).toArray());
            in.add(HostArray.of(s, DType.FLOAT32, new double[Math.toIntExact(s.size())]));
        }
        RUNNER.run(op, p, in, false, 1);
    }

    @Test
    void stridedSliceWithNegativeStep() {
        HostArray x = random(DType.FLOAT32, 300, 400);
        HostArray got = run("slice", Map.of("begin", "(1, 399)", "end", "(299, 0)", "step", "(3, -2)"), x);
        double[] want = new double[100 * 200];
        int k = 0;
        for (int i = 1; i < 299; i += 3) for (int j = 399; j > 0; j -= 2) want[k++] = x.data()[i * 400 + j];
        assertEquals(Shape.of(100, 200), got.shape());
        assertValues("slice", want, got);
    }

    @Test
    void broadcastAndItsGradient() {
        HostArray row = random(DType.FLOAT64, 1, 500);
        HostArray b = run("broadcast_to", Map.of("shape", "(300, 500)"), row);
        double[] want = new double[300 * 500];
        for (int i = 0; i < want.length; i++) want[i] = row.data()[i % 500];
        assertValues("broadcast_to", want, b);

        HostArray g = random(DType.FLOAT64, 300, 500);
        HostArray sum = run("_broadcast_backward", Map.of(), g, row);
        double[] s = new double[500];
        for (int i = 0; i < g.data().length; i++) s[i % 500] += g.data()[i];
        CaseVerifier.assertClose("_broadcast_backward", sum.data(), s, 1e-12, 1e-9);
    }

    @Test
    void concatAndSplitRows() {
        HostArray a = random(DType.INT32, 300, 100), b = random(DType.INT32, 300, 200);
        HostArray c = run("Concat", Map.of("dim", 1), a, b);
        double[] want = new double[300 * 300];
        for (int i = 0; i < 300; i++) {
            System.arraycopy(a.data(), i * 100, want, i * 300, 100);
            System.arraycopy(b.data(), i * 200, want, i * 300 + 100, 200);
        }
        assertValues("Concat", want, c);
        List<HostArray> parts = RUNNER.run("_split_v2", Map.of("axis", 1, "indices", "(0, 100)"), List.of(c), false, 1).outputs();
        assertEquals(a, parts.get(0));
        assertEquals(b, parts.get(1));
    }

    @Test
    void takeRowsAndAccumulateTheirGradient() {
        HostArray data = random(DType.FLOAT32, 1000, 64);
        SplittableRandom r = new SplittableRandom(3);
        double[] idx = new double[500];
        for (int i = 0; i < idx.length; i++) idx[i] = r.nextInt(1000);
        HostArray ix = HostArray.f32(Shape.of(500), idx);
        HostArray got = run("take", Map.of(), data, ix);
        double[] want = new double[500 * 64];
        for (int i = 0; i < 500; i++) System.arraycopy(data.data(), (int) idx[i] * 64, want, i * 64, 64);
        assertValues("take", want, got);

        HostArray grad = run("_backward_take", Map.of(), got, ix, data);
        double[] acc = new double[1000 * 64];
        for (int i = 0; i < 500; i++) for (int j = 0; j < 64; j++) acc[(int) idx[i] * 64 + j] += (float) want[i * 64 + j];
        CaseVerifier.assertClose("_backward_take", grad.data(), acc, 1e-6, 1e-4);
    }

    @Test
    void reflectPadOfManyRows() {
        HostArray x = random(DType.FLOAT32, 2, 3, 50, 60);
        HostArray got = run("Pad", Map.of("mode", "reflect", "pad_width", "(0, 0, 0, 0, 3, 4, 5, 6)"), x);
        double[] want = new double[2 * 3 * 57 * 71];
        int k = 0;
        for (int n = 0; n < 6; n++) {
            for (int i = -3; i < 54; i++) {
                for (int j = -5; j < 66; j++) {
                    int si = i < 0 ? -i : i >= 50 ? 98 - i : i, sj = j < 0 ? -j : j >= 60 ? 118 - j : j;
                    want[k++] = x.data()[n * 3000 + si * 60 + sj];
                }
            }
        }
        assertValues("Pad reflect", want, got);
    }

    @Test
    void stableSortOfLongLinesWithTies() {
        HostArray x = HostArray.random(Shape.of(50, 333), DType.INT32, 0, 20, new SplittableRandom(5));
        HostArray idx = run("argsort", Map.of("is_ascend", false, "dtype", "int32"), x);
        double[] want = new double[x.data().length];
        for (int row = 0; row < 50; row++) {
            final int base = row * 333;
            Integer[] order = new Integer[333];
            for (int j = 0; j < 333; j++) order[j] = j;
            Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -x.data()[base + j]));  // stable
            for (int j = 0; j < 333; j++) want[base + j] = order[j];
        }
        assertValues("argsort", want, idx);
    }
}
