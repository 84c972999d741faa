package dev.mxj.cpu.kernels;

import dev.mxj.cpu.CpuPlugin;
import dev.mxj.device.Device;
import dev.mxj.device.conformance.CaseVerifier;
import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpRunner;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The float32 fast paths against references written out here: sizes around the staging chunk
 * ({@link F32Loops#CHUNK}), special values, and results compared bit for bit where the fast
 * path promises the general path's arithmetic.
 */
class FastPathsTest {
    private static final Device CPU = new CpuPlugin().open(0);
    private static final OpRunner RUNNER = new OpRunner(CPU);
    private static final int[] SIZES = {1, 7, F32Loops.CHUNK - 1, F32Loops.CHUNK, F32Loops.CHUNK + 1, 3 * F32Loops.CHUNK + 5, 70_001};

    private static HostArray values(int n, SplittableRandom rng, boolean specials) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = (float) (rng.nextDouble() * 4 - 2);
            if (specials) {
                switch (rng.nextInt(40)) {
                    case 0 -> d[i] = Double.NaN;
                    case 1 -> d[i] = 0.0;
                    case 2 -> d[i] = -0.0;
                    case 3 -> d[i] = Double.NEGATIVE_INFINITY;
                    case 4 -> d[i] = Double.POSITIVE_INFINITY;
                    default -> { }
                }
            }
        }
        return HostArray.f32(Shape.of(n), d);
    }

    private static void assertBits(String what, double[] want, double[] got) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            int w = Float.floatToRawIntBits((float) want[i]), g = Float.floatToRawIntBits((float) got[i]);
            if (Float.isNaN((float) want[i]) && Float.isNaN((float) got[i])) continue;
            assertEquals(w, g, what + " at " + i + ": want " + want[i] + ", got " + got[i]);
        }
    }

    @Test
    void activationsOverChunkBoundaries() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int n : SIZES) {
            HostArray x = values(n, rng, true), g = values(n, rng, false);
            for (String act : new String[] {"relu", "sigmoid", "tanh", "softrelu", "softsign"}) {
                Map<String, Object> p = Map.of("act_type", act);
                HostArray y = RUNNER.run(RUNNER.attrs("Activation", p, 1), List.of(x), false, 1).output(0);
                double[] wantY = new double[n], wantG = new double[n];
                for (int i = 0; i < n; i++) {
                    float xv = (float) x.get(i);
                    wantY[i] = switch (act) {
                        case "relu" -> Math.max(xv, 0f);
                        case "sigmoid" -> (float) (1 / (1 + Math.exp(-xv)));
                        case "tanh" -> (float) Math.tanh(xv);
                        case "softrelu" -> (float) NnActivationKernels.forward(NnActivationKernels.Act.SOFTRELU, xv);
                        default -> xv / (1f + Math.abs(xv));
                    };
                }
                assertBits(act + " n=" + n, wantY, y.data());
                if (act.equals("softsign")) continue;
                Attrs ba = RUNNER.attrs("_backward_Activation", p, 2);
                HostArray dx = RUNNER.run(ba, ba.op().numInputs(ba) == 2 ? List.of(g, y) : List.of(g, y, x), false, 1).output(0);
                for (int i = 0; i < n; i++) {
                    float gv = (float) g.get(i), yv = (float) y.get(i);
                    wantG[i] = switch (act) {
                        case "relu" -> Float.isNaN(yv) ? Float.NaN : yv > 0 ? gv : 0f * gv;
                        case "sigmoid" -> gv * yv * (1f - yv);
                        case "tanh" -> gv * (1f - yv * yv);
                        default -> (float) (gv * -Math.expm1(-yv));
                    };
                }
                assertBits("_backward " + act + " n=" + n, wantG, dx.data());
            }
        }
    }

    @Test
    void binaryScalarAndUnaryLoopsOverChunkBoundaries() {
        SplittableRandom rng = new SplittableRandom(2);
        for (int n : SIZES) {
            HostArray a = values(n, rng, true), b = values(n, rng, true);
            String[] ops = {"elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div", "_maximum", "_minimum"};
            for (String op : ops) {
                double[] got = RUNNER.run(RUNNER.attrs(op, Map.of(), 2), List.of(a, b), false, 1).output(0).data(), want = new double[n];
                for (int i = 0; i < n; i++) {
                    float x = (float) a.get(i), y = (float) b.get(i);
                    want[i] = switch (op) {
                        case "elemwise_add" -> x + y;
                        case "elemwise_sub" -> x - y;
                        case "elemwise_mul" -> x * y;
                        case "elemwise_div" -> x / y;
                        case "_maximum" -> x != x || x > y ? x : y;
                        default -> x != x || x < y ? x : y;
                    };
                }
                assertBits(op + " n=" + n, want, got);
            }
            double[] got = RUNNER.run(RUNNER.attrs("_rminus_scalar", Map.of("scalar", 1.5), 1), List.of(a), false, 1).output(0).data(), want = new double[n];
            for (int i = 0; i < n; i++) want[i] = 1.5f - (float) a.get(i);
            assertBits("_rminus_scalar n=" + n, want, got);
            got = RUNNER.run(RUNNER.attrs("sqrt", Map.of(), 1), List.of(a), false, 1).output(0).data();
            for (int i = 0; i < n; i++) want[i] = (float) Math.sqrt((float) a.get(i));
            assertBits("sqrt n=" + n, want, got);
        }
    }

    /**
     * Tiled 2x2 and 3x3 max pooling (odd sizes leave rows and columns uncovered) against the
     * reference scan: NaN never wins, -Float.MAX_VALUE is the floor, the first of equal values
     * (+0/-0) wins, and the gradient goes to the first maximal element.
     */
    @Test
    void tiledMaxPoolingMatchesTheReferenceScan() {
        SplittableRandom rng = new SplittableRandom(3);
        int[][] geoms = {{2, 3, 8, 8, 2}, {3, 5, 7, 9, 2}, {2, 2, 9, 10, 3}, {130, 4, 24, 24, 2}};
        for (int[] gm : geoms) {
            int n = gm[0], c = gm[1], h = gm[2], w = gm[3], k = gm[4], oh = h / k, ow = w / k;
            double[] x = new double[n * c * h * w];
            for (int i = 0; i < x.length; i++) {
                x[i] = switch (rng.nextInt(12)) {
                    case 0 -> Double.NaN;
                    case 1 -> 0.0;
                    case 2 -> -0.0;
                    case 3 -> Double.NEGATIVE_INFINITY;
                    default -> (float) (rng.nextDouble() * 2 - 1);
                };
            }
            if (x.length >= 4) x[0] = x[1] = x[w] = x[w + 1] = Double.NaN; // an all-NaN window
            HostArray xa = HostArray.f32(Shape.of(n, c, h, w), x);
            Map<String, Object> p = Map.of("kernel", "(" + k + ", " + k + ")", "stride", "(" + k + ", " + k + ")", "pool_type", "max");
            Attrs fa = RUNNER.attrs("Pooling", p, 1);
            double[] want = new double[n * c * oh * ow];
            int[] arg = new int[want.length];
            for (int pl = 0; pl < n * c; pl++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        float m = -Float.MAX_VALUE;
                        int at = -1;
                        for (int a = 0; a < k; a++) {
                            for (int b = 0; b < k; b++) {
                                int idx = pl * h * w + (i * k + a) * w + j * k + b;
                                float v = (float) x[idx];
                                if (v > m) m = v;
                            }
                        }
                        search:
                        for (int a = 0; a < k; a++) {
                            for (int b = 0; b < k; b++) {
                                int idx = pl * h * w + (i * k + a) * w + j * k + b;
                                if ((float) x[idx] == m) {
                                    at = idx;
                                    break search;
                                }
                            }
                        }
                        want[(pl * oh + i) * ow + j] = m;
                        arg[(pl * oh + i) * ow + j] = at;
                    }
                }
            }
            for (String mode : new String[] {"off", "auto"}) {
                String what = "max pooling " + java.util.Arrays.toString(gm) + " (" + mode + ")";
                HostArray[] y = new HostArray[1];
                Dnnl.withMode(mode, () -> y[0] = RUNNER.run(fa, List.of(xa), false, 1).output(0));
                if (mode.equals("off")) assertBits(what, want, y[0].data());
                HostArray yRef = HostArray.f32(y[0].shape(), want);
                HostArray dy = values(want.length, rng, false);
                double[] wantDx = new double[x.length];
                for (int o = 0; o < want.length; o++) if (arg[o] >= 0) wantDx[arg[o]] = (float) dy.get(o);
                double[][] dx = new double[1][];
                Dnnl.withMode(mode, () -> dx[0] = RUNNER.run(RUNNER.attrs("_backward_Pooling", p, 3),
                        List.of(HostArray.f32(yRef.shape(), dy.data()), xa, yRef), false, 1).output(0).data());
                assertBits("_backward_" + what, wantDx, dx[0]);
            }
        }
    }

    /**
     * FullyConnected's float32 bias gradient (column sums of the head gradient) is the double sum
     * of each column rounded once, as the general reduction gives, bit for bit; also under ADD and
     * for widths around the staging chunk.
     */
    @Test
    void fullyConnectedBiasGradientIsTheColumnSum() {
        SplittableRandom rng = new SplittableRandom(6);
        for (long[] mh : new long[][] {{1, 1}, {128, 512}, {3, F32Loops.CHUNK + 3}, {300, 10}}) {
            long m = mh[0], h = mh[1], k = 4;
            HostArray dy = HostArray.random(Shape.of(m, h), DType.FLOAT32, -1, 1, rng), x = HostArray.random(Shape.of(m, k), DType.FLOAT32, -1, 1, rng),
                    w = HostArray.random(Shape.of(h, k), DType.FLOAT32, -1, 1, rng);
            HostArray init = HostArray.random(Shape.of(h), DType.FLOAT32, -1, 1, rng);
            double[] want = new double[(int) h], wantAdd = new double[(int) h];
            for (int j = 0; j < h; j++) {
                double s = 0;
                for (int i = 0; i < m; i++) s += dy.get((int) (i * h + j));
                want[j] = (float) s;
                wantAdd[j] = (float) (init.get(j) + s);
            }
            Attrs a = RUNNER.attrs("_backward_FullyConnected", Map.of("num_hidden", (int) h), 3);
            assertBits("bias gradient " + m + "x" + h, want, RUNNER.run(a, List.of(dy, x, w), false, 1).output(2).data());
            List<HostArray> addTo = List.of(HostArray.f32(Shape.of(m, k), new double[(int) (m * k)]), HostArray.f32(Shape.of(h, k), new double[(int) (h * k)]), init);
            assertBits("bias gradient ADD " + m + "x" + h, wantAdd, RUNNER.run(a, List.of(dy, x, w), false, 1, addTo).output(2).data());
        }
    }

    /** FullyConnected with bias: the output's rows start as the bias and the GEMM adds onto them; write and add, float32 and float64. */
    @Test
    void fullyConnectedBiasMatchesProductPlusBias() {
        SplittableRandom rng = new SplittableRandom(4);
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (long[] mkh : new long[][] {{5, 7, 3}, {128, 784, 512}, {1, 1, 1}}) {
                long m = mkh[0], k = mkh[1], h = mkh[2];
                HostArray x = HostArray.random(Shape.of(m, k), t, -1, 1, rng), w = HostArray.random(Shape.of(h, k), t, -1, 1, rng),
                        b = HostArray.random(Shape.of(h), t, -1, 1, rng);
                double[] want = new double[(int) (m * h)];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < h; j++) {
                        double s = 0;
                        for (int p = 0; p < k; p++) s += x.get((int) (i * k + p)) * w.get((int) (j * k + p));
                        want[(int) (i * h + j)] = s + b.get(j);
                    }
                }
                Attrs a = RUNNER.attrs("FullyConnected", Map.of("num_hidden", (int) h), 3);
                double tol = t == DType.FLOAT32 ? 2e-4 : 1e-10;
                CaseVerifier.assertClose("FullyConnected " + t + " " + m + "x" + k + "x" + h, RUNNER.run(a, List.of(x, w, b), false, 1).output(0).data(), want, tol, tol);
                HostArray init = HostArray.random(Shape.of(m, h), t, -1, 1, rng);
                double[] wantAdd = want.clone();
                for (int i = 0; i < wantAdd.length; i++) wantAdd[i] += init.get(i);
                CaseVerifier.assertClose("FullyConnected ADD " + t, RUNNER.run(a, List.of(x, w, b), false, 1, List.of(init)).output(0).data(), wantAdd, tol, tol);
            }
        }
    }

    /**
     * The float32 SGD loops are MXNet's SGDKernel/SGDMomKernel in float: hyper-parameters rounded
     * to float, every operation in float, in MXNet's order (lr*rescale_grad folded without clipping).
     */
    @Test
    void sgdFastPathIsMxnetsFloatFormula() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int n : SIZES) {
            HostArray w = values(n, rng, false), g = values(n, rng, false), mom = values(n, rng, false);
            for (double clip : new double[] {-1, 0.5}) {
                double lr = 0.1, wd = 0.01, rs = 0.5, mu = 0.9;
                Map<String, Object> p = Map.of("lr", lr, "wd", wd, "rescale_grad", rs, "clip_gradient", clip);
                double[] got = RUNNER.run(RUNNER.attrs("sgd_update", p, 2), List.of(w, g), false, 1).output(0).data();
                double[] want = new double[n], wantM = new double[n], wantW = new double[n];
                float lrF = (float) lr, wdF = (float) wd, rsF = (float) rs, muF = (float) mu, c = (float) clip;
                for (int i = 0; i < n; i++) {
                    float wi = (float) w.get(i), gi = (float) g.get(i), mi = (float) mom.get(i);
                    float step = clip >= 0 ? lrF * Math.max(Math.min(rsF * gi, c), -c) : (lrF * rsF) * gi;
                    want[i] = (1f - lrF * wdF) * wi - step;
                    float m = muF * mi - (lrF * wdF) * wi - step;
                    wantM[i] = m;
                    wantW[i] = wi + m;
                }
                assertBits("sgd_update n=" + n + " clip=" + clip, want, got);
                Map<String, Object> pm = new java.util.HashMap<>(p);
                pm.put("momentum", mu);
                var r = RUNNER.run(RUNNER.attrs("sgd_mom_update", pm, 3), List.of(w, g, mom), false, 1);
                assertBits("sgd_mom_update n=" + n + " clip=" + clip, wantW, r.output(0).data());
                assertBits("sgd_mom_update momentum n=" + n + " clip=" + clip, wantM, r.mutated().get(2).data());
            }
        }
    }
}
