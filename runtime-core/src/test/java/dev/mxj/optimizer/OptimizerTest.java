package dev.mxj.optimizer;

import dev.mxj.ndarray.NDArray;
import dev.mxj.op.Shape;
import dev.mxj.optimizer.lr.FactorScheduler;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Each optimizer against MXNet 1.9's update rule worked out element by element in double
 * precision (three steps, so state carries over), through the fused update operators.
 */
class OptimizerTest {
    static final double[] W0 = {0.5, -1.0, 2.0};
    static final double[][] GRADS = {{0.1, -0.2, 3.0}, {-0.4, 0.5, -0.6}, {0.7, 0.0, -5.0}};

    /** Runs three updates through an Updater and compares with {@code ref}, which updates its own copy of w per step. */
    static void check(Optimizer opt, RefStep ref) {
        Updater u = Optimizer.getUpdater(opt);
        NDArray w = NDArray.array(toF(W0), Shape.of(3));
        double[] rw = W0.clone();
        for (int step = 0; step < GRADS.length; step++) {
            u.call(0, NDArray.array(toF(GRADS[step]), Shape.of(3)), w);
            ref.step(step + 1, rw, GRADS[step]);
            float[] got = w.toFloatArray();
            for (int i = 0; i < 3; i++) {
                assertEquals(rw[i], got[i], 2e-5 * Math.max(1, Math.abs(rw[i])), "step " + (step + 1) + " element " + i + " of " + opt);
            }
        }
    }

    interface RefStep { void step(int t, double[] w, double[] g); }

    static float[] toF(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    static double clip(double v, double c) { return Math.max(-c, Math.min(c, v)); }

    static Map<String, Object> kw(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void sgdPlainAndMomentum() {
        check(Optimizer.create("sgd", kw("learning_rate", 0.1, "wd", 0.01, "clip_gradient", 1.0, "rescale_grad", 0.5)),
                (t, w, g) -> { for (int i = 0; i < 3; i++) w[i] -= 0.1 * (clip(0.5 * g[i], 1.0) + 0.01 * w[i]); });
        double[] mom = new double[3];
        check(Optimizer.create("sgd", kw("learning_rate", 0.1, "momentum", 0.9, "wd", 0.01)), (t, w, g) -> {
            for (int i = 0; i < 3; i++) {
                mom[i] = 0.9 * mom[i] - 0.1 * (g[i] + 0.01 * w[i]);
                w[i] += mom[i];
            }
        });
    }

    @Test
    void nag() {
        double[] mom = new double[3];
        check(Optimizer.create("nag", kw("learning_rate", 0.1, "momentum", 0.9, "wd", 0.01)), (t, w, g) -> {
            for (int i = 0; i < 3; i++) {
                double gr = g[i] + 0.01 * w[i];
                double m = 0.9 * mom[i];
                w[i] = w[i] - m + 1.9 * (m - 0.1 * gr);
                mom[i] = m - 0.1 * gr;
            }
        });
    }

    @Test
    void adamFoldsBiasCorrectionIntoTheRate() {
        double[] m = new double[3], v = new double[3];
        check(Optimizer.create("adam", kw("learning_rate", 0.01, "wd", 0.1, "clip_gradient", 2.0)), (t, w, g) -> {
            double lr = 0.01 * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
            for (int i = 0; i < 3; i++) {
                double gr = clip(g[i] + 0.1 * w[i], 2.0);
                m[i] = 0.9 * m[i] + 0.1 * gr;
                v[i] = 0.999 * v[i] + 0.001 * gr * gr;
                w[i] -= lr * m[i] / (Math.sqrt(v[i]) + 1e-8);
            }
        });
    }

    @Test
    void adamW() {
        double[] m = new double[3], v = new double[3];
        check(Optimizer.create("adamw", kw("learning_rate", 0.01, "wd", 0.1)), (t, w, g) -> {
            double eta = 0.01 * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
            for (int i = 0; i < 3; i++) {
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                w[i] -= eta * (m[i] / (Math.sqrt(v[i]) + 1e-6) + 0.1 * w[i]);
            }
        });
    }

    @Test
    void rmspropPlainAndCentered() {
        double[] n = new double[3];
        check(Optimizer.create("rmsprop", kw("learning_rate", 0.01, "wd", 0.1)), (t, w, g) -> {
            for (int i = 0; i < 3; i++) {
                double gr = g[i] + 0.1 * w[i];
                n[i] = 0.1 * gr * gr + 0.9 * n[i];
                w[i] -= 0.01 * gr / Math.sqrt(n[i] + 1e-8);
            }
        });
        double[] n2 = new double[3], ga = new double[3], d = new double[3];
        check(Optimizer.create("rmsprop", kw("learning_rate", 0.01, "centered", true, "gamma2", 0.8, "clip_weights", 1.9)), (t, w, g) -> {
            for (int i = 0; i < 3; i++) {
                n2[i] = 0.1 * g[i] * g[i] + 0.9 * n2[i];
                ga[i] = 0.1 * g[i] + 0.9 * ga[i];
                d[i] = 0.8 * d[i] - 0.01 * g[i] / Math.sqrt(n2[i] - ga[i] * ga[i] + 1e-8);
                w[i] = clip(w[i] + d[i], 1.9);
            }
        });
    }

    @Test
    void adaGradWithElementwiseOperators() {
        double[] h = new double[3];
        check(Optimizer.create("adagrad", kw("learning_rate", 0.1, "wd", 0.01, "clip_gradient", 2.5)), (t, w, g) -> {
            for (int i = 0; i < 3; i++) {
                double gr = clip(g[i], 2.5);
                h[i] += gr * gr;
                w[i] -= 0.1 * (gr / Math.sqrt(h[i] + 1e-7) + 0.01 * w[i]);
            }
        });
    }

    @Test
    void adaDeltaWithElementwiseOperators() {
        double[] ag = new double[3], ad = new double[3];
        check(Optimizer.create("adadelta", kw("rho", 0.8, "wd", 0.01, "rescale_grad", 2.0)), (t, w, g) -> {
            for (int i = 0; i < 3; i++) {
                double gr = 2.0 * g[i];
                ag[i] = 0.8 * ag[i] + 0.2 * gr * gr;
                double delta = Math.sqrt(ad[i] + 1e-5) / Math.sqrt(ag[i] + 1e-5) * gr;
                ad[i] = 0.8 * ad[i] + 0.2 * delta * delta;
                w[i] -= delta + 0.01 * w[i];
            }
        });
    }

    @Test
    void ftrl() {
        double[] z = new double[3], n = new double[3];
        check(Optimizer.create("ftrl", kw("lamda1", 0.05, "beta", 1.5, "wd", 0.01)), (t, w, g) -> {
            double lr = 0.1;
            for (int i = 0; i < 3; i++) {
                z[i] += g[i] - (Math.sqrt(n[i] + g[i] * g[i]) - Math.sqrt(n[i])) * w[i] / lr;
                n[i] += g[i] * g[i];
                w[i] = Math.abs(z[i]) > 0.05 ? (Math.signum(z[i]) * 0.05 - z[i]) / ((1.5 + Math.sqrt(n[i])) / lr + 0.01) : 0;
            }
        });
    }

    @Test
    void ftml() {
        double[] d = new double[3], v = new double[3], z = new double[3];
        check(Optimizer.create("ftml", kw("learning_rate", 0.05, "wd", 0.01)), (t, w, g) -> {
            for (int i = 0; i < 3; i++) {
                double gr = g[i] + 0.01 * w[i];
                v[i] = 0.999 * v[i] + 0.001 * gr * gr;
                double dt = (1 - Math.pow(0.6, t)) / 0.05 * (Math.sqrt(v[i] / (1 - Math.pow(0.999, t))) + 1e-8);
                z[i] = 0.6 * z[i] + 0.4 * gr - (dt - 0.6 * d[i]) * w[i];
                d[i] = dt;
                w[i] = -z[i] / dt;
            }
        });
    }

    @Test
    void signumAndSignSgd() {
        double[] mom = new double[3];
        check(Optimizer.create("signum", kw("learning_rate", 0.1, "wd", 0.01, "wd_lh", 0.05)), (t, w, g) -> {
            for (int i = 0; i < 3; i++) {
                mom[i] = 0.9 * mom[i] - 0.1 * (g[i] + 0.01 * w[i]);
                w[i] = (1 - 0.1 * 0.05) * w[i] + 0.1 * Math.signum(mom[i]);
            }
        });
        check(Optimizer.create("signum", kw("learning_rate", 0.1, "momentum", 0.0, "wd", 0.01)),
                (t, w, g) -> { for (int i = 0; i < 3; i++) w[i] = (1 - 0.1 * 0.01) * w[i] - 0.1 * Math.signum(g[i]); });
    }

    @Test
    void lambScalesByTheTrustRatio() {
        double[] m = new double[3], v = new double[3];
        check(Optimizer.create("lamb", kw("learning_rate", 0.01, "wd", 0.1)), (t, w, g) -> {
            double[] dir = new double[3];
            for (int i = 0; i < 3; i++) {
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                double mh = m[i] / (1 - Math.pow(0.9, t)), vh = v[i] / (1 - Math.pow(0.999, t));
                dir[i] = mh / (Math.sqrt(vh) + 1e-6) + 0.1 * w[i];
            }
            double r1 = norm(w), r2 = norm(dir);
            double lr = r1 > 0 && r2 > 0 ? 0.01 * r1 / r2 : 0.01;
            for (int i = 0; i < 3; i++) w[i] -= lr * dir[i];
        });
    }

    @Test
    void larsScalesWeightsButNotBiases() {
        double[] mom = new double[3];
        Optimizer lars = Optimizer.create("lars", kw("learning_rate", 0.1, "momentum", 0.9, "wd", 0.01, "eta", 0.5,
                "param_idx2name", Map.of(0, "fc_weight")));
        check(lars, (t, w, g) -> {
            double wn = norm(w), gn = norm(g);
            double lr = 0.1 * 0.5 * wn / (gn + 0.01 * wn);
            for (int i = 0; i < 3; i++) {
                mom[i] = 0.9 * mom[i] - lr * (g[i] + 0.01 * w[i]);
                w[i] += mom[i];
            }
        });
        Optimizer bias = Optimizer.create("lars", kw("learning_rate", 0.1, "wd", 0.01, "param_idx2name", Map.of(0, "fc_bias")));
        assertEquals(0.0, bias.getWd(0), "LARS decays only *_weight by default");
        check(bias, (t, w, g) -> { for (int i = 0; i < 3; i++) w[i] -= 0.1 * g[i]; });
    }

    @Test
    void adamaxNadamAndDcasgdWithElementwiseOperators() {
        double[] m = new double[3], u = new double[3];
        check(Optimizer.create("adamax", kw("wd", 0.1)), (t, w, g) -> {
            double lr = 0.002 / (1 - Math.pow(0.9, t));
            for (int i = 0; i < 3; i++) {
                double gr = g[i] + 0.1 * w[i];
                m[i] = 0.9 * m[i] + 0.1 * gr;
                u[i] = Math.max(0.999 * u[i], Math.abs(gr));
                w[i] -= lr * m[i] / u[i];
            }
        });
        double[] nm = new double[3], nv = new double[3], sched = {1};
        check(Optimizer.create("nadam", kw("learning_rate", 0.01)), (t, w, g) -> {
            double mt = 0.9 * (1 - 0.5 * Math.pow(0.96, t * 0.004)), mt1 = 0.9 * (1 - 0.5 * Math.pow(0.96, (t + 1) * 0.004));
            sched[0] *= mt;
            double next = sched[0] * mt1;
            for (int i = 0; i < 3; i++) {
                nm[i] = 0.9 * nm[i] + 0.1 * g[i];
                nv[i] = 0.999 * nv[i] + 0.001 * g[i] * g[i];
                double bar = (1 - mt) * g[i] / (1 - sched[0]) + mt1 * nm[i] / (1 - next);
                w[i] -= 0.01 * bar / (Math.sqrt(nv[i] / (1 - Math.pow(0.999, t))) + 1e-8);
            }
        });
        double[] mom = new double[3], prev = W0.clone();
        check(Optimizer.create("dcasgd", kw("learning_rate", 0.1, "momentum", 0.5, "lamda", 0.2)), (t, w, g) -> {
            for (int i = 0; i < 3; i++) {
                mom[i] = 0.5 * mom[i] - 0.1 * (g[i] + 0.2 * g[i] * g[i] * (w[i] - prev[i]));
                prev[i] = w[i];
                w[i] += mom[i];
            }
        });
    }

    @Test
    void sgldAddsSeededNoise() {
        double[] runs = new double[2];
        for (int r = 0; r < 2; r++) {
            dev.mxj.Random.seed(5);
            NDArray w = NDArray.zeros(4000);
            Optimizer.getUpdater(Optimizer.create("sgld", kw("learning_rate", 0.04))).call(0, NDArray.ones(4000), w);
            float[] v = w.toFloatArray();
            double mean = 0, var = 0;
            for (float x : v) mean += x;
            mean /= v.length;
            for (float x : v) var += (x - mean) * (x - mean);
            assertEquals(-0.02, mean, 0.01, "drift -lr/2 * grad");
            assertEquals(0.2, Math.sqrt(var / v.length), 0.01, "noise sd sqrt(lr)");
            runs[r] = v[17];
        }
        assertEquals(runs[0], runs[1], "the same seed gives the same noise");
    }

    static double norm(double[] a) {
        double s = 0;
        for (double x : a) s += x * x;
        return Math.sqrt(s);
    }

    @Test
    void multiPrecisionKeepsAFloat32MasterCopy() {
        Optimizer opt = Optimizer.create("sgd", kw("learning_rate", 0.1, "momentum", 0.9, "multi_precision", true));
        Updater u = Optimizer.getUpdater(opt);
        NDArray w = NDArray.array(new float[] {1, 2}, Shape.of(2)).asType(dev.mxj.op.DType.FLOAT16);
        for (int i = 0; i < 3; i++) u.call(0, NDArray.array(new float[] {1e-3f, 1e-3f}, Shape.of(2)).asType(dev.mxj.op.DType.FLOAT16), w);
        NDArray[] s = u.states().get(0);
        assertEquals(2, s.length);
        assertEquals(dev.mxj.op.DType.FLOAT32, s[1].dtype(), "[mom, weight32]");
        double[] ref = {1, 2};
        double mom = 0;
        for (int i = 0; i < 3; i++) { mom = 0.9 * mom - 0.1 * 1e-3; ref[0] += mom; ref[1] += mom; }
        assertEquals(ref[0], s[1].toFloatArray()[0], 1e-4);
        assertEquals((float) ref[1], w.toFloatArray()[1], 2e-3);
    }

    /** The list form aggregates SGD into multi_* operators (chunks of 4 per dtype) with the numbers of single updates. */
    @Test
    void aggregatedSgdMatchesSingleUpdates() {
        for (Map<String, Object> args : List.of(kw("learning_rate", 0.1, "momentum", 0.9, "wd", 0.01, "clip_gradient", 1.0),
                kw("learning_rate", 0.1, "wd", 0.01), kw("learning_rate", 0.1, "momentum", 0.9, "multi_precision", true))) {
            args.put("param_idx2name", Map.of(0, "a_weight", 1, "a_bias", 2, "b_weight", 3, "b_bias", 4, "c_weight", 5, "d_weight"));
            Optimizer aggOpt = Optimizer.create("sgd", args), oneOpt = Optimizer.create("sgd", args);
            assertEquals(4, aggOpt.aggregateNum());
            aggOpt.setLrMult(Map.of(2, 0.5));
            oneOpt.setLrMult(Map.of(2, 0.5));
            Updater agg = Optimizer.getUpdater(aggOpt), one = Optimizer.getUpdater(oneOpt);
            int n = 6;
            NDArray[] wa = new NDArray[n], wb = new NDArray[n];
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
                wa[i] = NDArray.array(new float[] {i, -i, 0.5f * i}, Shape.of(3));
                if (i == 5) wa[i] = wa[i].asType(dev.mxj.op.DType.FLOAT16);   // a second dtype group
                wb[i] = wa[i].copy();
            }
            for (double[] g : GRADS) {
                NDArray[] ga = new NDArray[n];
                for (int i = 0; i < n; i++) ga[i] = NDArray.array(toF(g), Shape.of(3)).mul(i + 1).asType(wa[i].dtype());
                agg.call(idx, ga, wa);
                for (int i = 0; i < n; i++) one.call(i, ga[i], wb[i]);
            }
            for (int i = 0; i < n; i++) assertArrayEquals(wb[i].toFloatArray(), wa[i].toFloatArray(), 1e-6f, args + " weight " + i);
            assertEquals(3, aggOpt.indexUpdateCount(5));
        }
    }

    /** A float16 weight trained with multi_precision follows the float32 run to float16 rounding. */
    @Test
    void multiPrecisionNagAndLambTrackFloat32() {
        for (String name : List.of("nag", "lamb", "adam")) {
            Map<String, Object> args = kw("learning_rate", 0.05, "momentum", 0.9, "wd", 0.01);
            if (!name.equals("nag")) args.remove("momentum");
            Updater full = Optimizer.getUpdater(Optimizer.create(name, args));
            args.put("multi_precision", true);
            Updater half = Optimizer.getUpdater(Optimizer.create(name, args));
            NDArray w32 = NDArray.array(toF(W0), Shape.of(3));
            NDArray w16 = w32.asType(dev.mxj.op.DType.FLOAT16);
            for (double[] g : GRADS) {
                NDArray g32 = NDArray.array(toF(g), Shape.of(3));
                full.call(0, g32, w32);
                half.call(0, g32.asType(dev.mxj.op.DType.FLOAT16), w16);
            }
            assertEquals(dev.mxj.op.DType.FLOAT16, w16.dtype());
            assertArrayEquals(w32.toFloatArray(), w16.toFloatArray(), 4e-3f, name);
            NDArray master = name.equals("nag") ? half.states().get(0)[1] : half.states().get(0)[0];
            assertEquals(dev.mxj.op.DType.FLOAT32, master.dtype(), name);
            assertArrayEquals(w32.toFloatArray(), master.toFloatArray(), 2e-4f, name + " master copy (only the float16 gradients differ)");
        }
    }

    @Test
    void genericMultiPrecisionCastsTheMasterBack() {
        Optimizer opt = Optimizer.create("adagrad", kw("learning_rate", 0.1, "multi_precision", true));
        NDArray w = NDArray.array(new float[] {1, 2}, Shape.of(2)).asType(dev.mxj.op.DType.FLOAT16);
        Updater u = Optimizer.getUpdater(opt);
        u.call(0, NDArray.array(new float[] {1, -1}, Shape.of(2)).asType(dev.mxj.op.DType.FLOAT16), w);
        NDArray[] s = u.states().get(0);
        assertEquals(dev.mxj.op.DType.FLOAT32, s[0].dtype(), "[weight32, history]");
        assertArrayEquals(new float[] {0.9f, 2.1f}, s[0].toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0.9f, 2.1f}, w.toFloatArray(), 2e-3f);
    }

    // ------------------------------------------------------------------ shared machinery

    @Test
    void lrAndWdMultipliersByIndexThenName() {
        Optimizer opt = Optimizer.create("sgd", kw("learning_rate", 0.1, "wd", 0.2,
                "param_idx2name", Map.of(0, "fc_weight", 1, "fc_bias", 2, "bn_gamma", 3, "bn_beta")));
        assertEquals(0.2, opt.getWd(0), 1e-15);
        assertEquals(0.0, opt.getWd(1), "biases get no weight decay by default");
        assertEquals(0.2, opt.getWd(2), 1e-15);
        assertEquals(0.0, opt.getWd(3));
        assertEquals(0.2, opt.getWd(7), 1e-15, "unnamed index");
        opt.setLrMult(Map.of("fc_weight", 2.0, 3, 0.5));
        assertEquals(0.2, opt.getLr(0), 1e-15);
        assertEquals(0.05, opt.getLr(3), 1e-15);
        assertEquals(0.1, opt.getLr(1), 1e-15);
        opt.setWdMult(Map.of(1, 3.0));
        assertEquals(0.6, opt.getWd(1), 1e-15, "an explicit multiplier wins over the bias default");
    }

    @Test
    void gluonParametersAndSymbolAttributesSupplyMultipliers() {
        double[] live = {2.0};
        Optimizer.ParamMultipliers param = new Optimizer.ParamMultipliers() {
            public double lrMult() { return live[0]; }
            public double wdMult() { return 0.5; }
        };
        Optimizer opt = Optimizer.create("sgd", kw("learning_rate", 0.1, "wd", 0.2, "param_dict", Map.of(0, param),
                "param_idx2name", Map.of(0, "a_bias", 1, "b_weight", 2, "c_bias"),
                "sym", new Optimizer.SymbolInfo() {
                    public Map<String, Map<String, String>> attrDict() {
                        return Map.of("b_weight", Map.of("__lr_mult__", "3", "__wd_mult__", "0.25"), "c_bias", Map.of("__wd_mult__", "1"));
                    }
                    public java.util.List<String> listArguments() { return java.util.List.of("data", "b_weight", "c_bias"); }
                }));
        assertEquals(0.2, opt.getLr(0), 1e-15, "param_dict wins over the name rules");
        assertEquals(0.1, opt.getWd(0), 1e-15);
        live[0] = 4.0;
        assertEquals(0.4, opt.getLr(0), 1e-15, "read live, as Gluon's Parameter.lr_mult");
        assertEquals(0.3, opt.getLr(1), 1e-12);
        assertEquals(0.05, opt.getWd(1), 1e-15);
        assertEquals(0.2, opt.getWd(2), 1e-15, "a symbol's __wd_mult__ overrides the no-decay default of biases");
    }

    @Test
    void updateCountsAndScheduledRate() {
        var sched = new FactorScheduler(2, 0.5, 1e-8, 1.0, 0, 0, "linear");
        Optimizer opt = Optimizer.create("adagrad", kw("lr_scheduler", sched, "begin_num_update", 1));
        assertEquals(1.0, opt.learningRate(), 1e-15, "learning_rate is not given, so the scheduler's base_lr stays");
        Updater u = Optimizer.getUpdater(opt);
        NDArray w = NDArray.zeros(2), g = NDArray.ones(2);
        u.call(0, g, w);
        u.call(0, g, w);
        u.call(5, g, w);
        assertEquals(3, opt.indexUpdateCount(0));
        assertEquals(2, opt.indexUpdateCount(5));
        assertEquals(3, opt.numUpdate());
        assertEquals(0.5, opt.learningRate(), 1e-15, "num_update 3 passed step 2");
        assertThrows(IllegalStateException.class, () -> opt.setLearningRate(0.1));
        Optimizer over = Optimizer.create("sgd", kw("lr_scheduler", new FactorScheduler(2), "learning_rate", 0.3));
        assertEquals(0.3, over.lrScheduler().baseLr(), 1e-15, "learning_rate overrides the scheduler's base_lr, as MXNet");
    }

    @Test
    void registryDefaultsAndErrors() {
        for (String n : new String[] {"sgd", "nag", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "ftrl", "ftml", "signum", "lamb", "lars", "ccsgd", "adamax", "nadam", "sgld", "dcasgd"}) {
            assertNotNull(Optimizer.create(n.toUpperCase()), n);
        }
        assertEquals(0.01, Optimizer.create("sgd").learningRate());
        assertEquals(0.001, Optimizer.create("adam").learningRate());
        assertEquals(0.1, Optimizer.create("ftrl").learningRate());
        assertEquals(0.1, Optimizer.create("sgd", Map.of("learning_rate", "0.1", "clip_gradient", "None")).learningRate());
        var e = assertThrows(IllegalArgumentException.class, () -> Optimizer.create("sgd", Map.of("momentun", 0.9)));
        assertTrue(e.getMessage().contains("momentun"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Optimizer.create("nosuch"));
        Optimizer.register("myopt", p -> new SGD(p));
        assertInstanceOf(SGD.class, Optimizer.create("MyOpt"));
    }
}
