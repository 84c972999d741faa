package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;
import dev.mxj.op.TypeException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.mxj.device.conformance.cases.ShapeCaseSupport.dims;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.err;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.f32;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.params;

/**
 * Test cases of the optimizer update operators. A few steps are worked out by hand; the rest
 * come from a per-element reference of each optimizer written from MXNet's documented update
 * rules (algebraically rearranged where MXNet's kernel is written differently), run for two
 * consecutive steps so that the states the first step leaves behind feed the second. Every
 * case checks the new weight (the output) and the final value of each mutated state.
 */
public final class OptimizerCases {
    private OptimizerCases() {}

    /** Parameter values for a reference, with MXNet's defaults spelled out at each use. */
    private record P(Map<String, String> m) {
        double d(String k, double dflt) {
            String v = m.get(k);
            if (v == null) return dflt;
            if (v.equals("True")) return 1;
            if (v.equals("False")) return 0;
            return Double.parseDouble(v);
        }

        double d(String k) {
            if (!m.containsKey(k)) throw new IllegalArgumentException("reference needs parameter " + k);
            return d(k, 0);
        }

        /** MXNet's clip_gradient: on when >= 0. */
        double clip(double x, String k) {
            double c = d(k, -1);
            return c >= 0 ? Math.max(-c, Math.min(c, x)) : x;
        }

        double clip(double x) { return clip(x, "clip_gradient"); }
    }

    /**
     * One optimizer step for one element: {@code x} holds that element of every input in input
     * order (one-value inputs repeated); states are updated in place; returns the output.
     */
    @FunctionalInterface
    private interface Ref {
        double step(P p, double[] x);
    }

    private static P parse(String params) {
        Map<String, String> m = new HashMap<>();
        if (!params.isBlank()) {
            for (String kv : params.split(";")) {
                int eq = kv.indexOf('=');
                m.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        return new P(m);
    }

    private static double sign(double x) { return Math.signum(x); }

    // ------------------------------------------------------------------ references

    private static final Ref SGD = (p, x) -> x[0] - p.d("lr") * (p.clip(p.d("rescale_grad", 1) * x[1]) + p.d("wd", 0) * x[0]);

    private static final Ref SGD_MOM = (p, x) -> {
        x[2] = p.d("momentum", 0) * x[2] - p.d("lr") * (p.clip(p.d("rescale_grad", 1) * x[1]) + p.d("wd", 0) * x[0]);
        return x[0] + x[2];
    };

    /** mp forms: the same rule on the master weight (last input), which takes the new value. */
    private static Ref masterWeight(Ref r, int w32) {
        return (p, x) -> {
            double w = x[0];
            x[0] = x[w32];
            double nw = r.step(p, x);
            x[0] = w;
            x[w32] = nw;
            return nw;
        };
    }

    /** NAG rearranged: mom' = mu mom - lr g; w' = w + mu mom' - lr g, with g = clip(rescale grad) + wd w. */
    private static final Ref NAG = (p, x) -> {
        double mu = p.d("momentum", 0), g = p.clip(p.d("rescale_grad", 1) * x[1]) + p.d("wd", 0) * x[0];
        x[2] = mu * x[2] - p.d("lr") * g;
        return x[0] + mu * x[2] - p.d("lr") * g;
    };

    private static final Ref FTML = (p, x) -> {
        double b1 = p.d("beta1", 0.6), b2 = p.d("beta2", 0.999), eps = p.d("epsilon", 1e-8), t = p.d("t"), lr = p.d("lr");
        double g = p.clip(p.d("rescale_grad", 1) * x[1] + p.d("wd", 0) * x[0], "clip_grad");
        x[3] = b2 * x[3] + (1 - b2) * g * g;                                       // v
        double d = (1 - Math.pow(b1, t)) / lr * (Math.sqrt(x[3] / (1 - Math.pow(b2, t))) + eps);
        x[4] = b1 * x[4] + (1 - b1) * g - (d - b1 * x[2]) * x[0];                  // z
        x[2] = d;                                                                  // d
        return -x[4] / d;
    };

    private static final Ref ADAM = (p, x) -> {
        double b1 = p.d("beta1", 0.9), b2 = p.d("beta2", 0.999);
        double g = p.clip(p.d("rescale_grad", 1) * x[1] + p.d("wd", 0) * x[0]);
        x[2] = b1 * x[2] + (1 - b1) * g;
        x[3] = b2 * x[3] + (1 - b2) * g * g;
        return x[0] - p.d("lr") * x[2] / (Math.sqrt(x[3]) + p.d("epsilon", 1e-8));
    };

    private static final Ref RMSPROP = (p, x) -> {
        double g1 = p.d("gamma1", 0.95), g = p.clip(p.d("rescale_grad", 1) * x[1] + p.d("wd", 0) * x[0]);
        x[2] = g1 * x[2] + (1 - g1) * g * g;
        return p.clip(x[0] - p.d("lr") * g / Math.sqrt(x[2] + p.d("epsilon", 1e-8)), "clip_weights");
    };

    private static final Ref RMSPROPALEX = (p, x) -> {
        double g1 = p.d("gamma1", 0.95), g2 = p.d("gamma2", 0.9), g = p.clip(p.d("rescale_grad", 1) * x[1] + p.d("wd", 0) * x[0]);
        x[2] = g1 * x[2] + (1 - g1) * g * g;
        x[3] = g1 * x[3] + (1 - g1) * g;
        x[4] = g2 * x[4] - p.d("lr") * g / Math.sqrt(x[2] - x[3] * x[3] + p.d("epsilon", 1e-8));
        return p.clip(x[0] + x[4], "clip_weights");
    };

    private static final Ref FTRL = (p, x) -> {
        double lr = p.d("lr"), l1 = p.d("lamda1", 0.01), g = p.clip(p.d("rescale_grad", 1) * x[1]);
        x[2] += g - (Math.sqrt(x[3] + g * g) - Math.sqrt(x[3])) * x[0] / lr;
        x[3] += g * g;
        if (Math.abs(x[2]) <= l1) return 0;
        return (sign(x[2]) * l1 - x[2]) / ((p.d("beta", 1) + Math.sqrt(x[3])) / lr + p.d("wd", 0));
    };

    private static final Ref ADAGRAD = (p, x) -> {
        double g = p.clip(p.d("rescale_grad", 1) * x[1]);
        x[2] += g * g;
        return x[0] - p.d("lr") * g / Math.sqrt(x[2] + p.d("epsilon", 1e-7));
    };

    private static final Ref SIGNSGD = (p, x) -> x[0] - p.d("lr") * (sign(x[1]) + p.d("wd", 0) * x[0]);

    private static final Ref SIGNUM = (p, x) -> {
        double mu = p.d("momentum", 0);
        x[2] = mu * x[2] - (1 - mu) * (p.clip(p.d("rescale_grad", 1) * x[1]) + p.d("wd", 0) * x[0]);
        return x[0] - p.d("lr") * p.d("wd_lh", 0) * x[0] + p.d("lr") * sign(x[2]);
    };

    /** LAMB phase 1; the weight-decay term uses input {@code w} (the master weight in the mp form). */
    private static Ref lamb1(int w) {
        return (p, x) -> {
            double b1 = p.d("beta1", 0.9), b2 = p.d("beta2", 0.999), t = p.d("t"), g = p.clip(p.d("rescale_grad", 1) * x[1]);
            x[2] = b1 * x[2] + (1 - b1) * g;
            x[3] = b2 * x[3] + (1 - b2) * g * g;
            double m = x[2], v = x[3];
            if (p.d("bias_correction", 1) != 0) {
                m /= 1 - Math.pow(b1, t);
                v /= 1 - Math.pow(b2, t);
            }
            return m / (Math.sqrt(v) + p.d("epsilon", 1e-6)) + p.d("wd") * x[w];
        };
    }

    /** LAMB phase 2 on inputs weight, g, r1, r2 (and weight32, which then takes the new value). */
    private static Ref lamb2(boolean mp) {
        return (p, x) -> {
            double r1 = x[2], r2 = x[3], lb = p.d("lower_bound", -1), ub = p.d("upper_bound", -1);
            if (lb >= 0) r1 = Math.max(r1, lb);
            if (ub >= 0) r1 = Math.min(r1, ub);
            double lr = r1 == 0 || r2 == 0 ? p.d("lr") : p.d("lr") * r1 / r2;
            if (!mp) return x[0] - lr * x[1];
            x[4] -= lr * x[1];
            return x[4];
        };
    }

    /** AdamW with rescale_grad at input {@code rs}; a NaN, infinite or 0 scale leaves everything unchanged. */
    private static Ref adamw(int rs) {
        return (p, x) -> {
            double s = x[rs];
            if (!Double.isFinite(s) || s == 0) return x[0];
            double b1 = p.d("beta1", 0.9), b2 = p.d("beta2", 0.999), g = p.clip(s * x[1]);
            x[2] = b1 * x[2] + (1 - b1) * g;
            x[3] = b2 * x[3] + (1 - b2) * g * g;
            return x[0] - p.d("eta") * (p.d("lr") * x[2] / (Math.sqrt(x[3]) + p.d("epsilon", 1e-8)) + p.d("wd", 0) * x[0]);
        };
    }

    // ------------------------------------------------------------------ case generation

    /**
     * An optimizer under test: input dtypes, which inputs it mutates, the output dtype, whether
     * the output is the next step's weight, and inputs holding one value.
     */
    private record Opt(String op, DType[] types, int[] mutated, DType outType, boolean outIsWeight, int[] scalars, Ref ref, int master) {
        Opt(String op, DType[] types, int[] mutated, DType outType, boolean outIsWeight, int[] scalars, Ref ref) {
            this(op, types, mutated, outType, outIsWeight, scalars, ref, -1);
        }

        /** Input {@code i} is a float32 master copy of the weight: it starts equal to it. */
        Opt master(int i) { return new Opt(op, types, mutated, outType, outIsWeight, scalars, ref, i); }
    }

    private static DType[] types(DType... t) { return t; }

    private static DType[] f32s(int n) {
        DType[] t = new DType[n];
        java.util.Arrays.fill(t, DType.FLOAT32);
        return t;
    }

    private static final DType F16 = DType.FLOAT16, F32 = DType.FLOAT32;

    private static Opt opt(String op, int nIn, Ref ref, int... mutated) { return new Opt(op, f32s(nIn), mutated, F32, true, new int[0], ref); }

    /**
     * {@code steps} consecutive cases of one optimizer on {@code shape}: each starts from the
     * weight and states the previous left behind, with a fresh gradient. {@code init} gives
     * the first inputs (null entries: random in [-1, 1), or zeros for states); "{t}" in the
     * parameters becomes the step number.
     */
    private static List<OpCase> steps(Opt o, String params, Shape shape, double[][] init, int steps, long seed, String label) {
        SplittableRandom rng = new SplittableRandom(seed);
        int nIn = o.types().length, n = Math.toIntExact(shape.size());
        boolean[] mutated = new boolean[nIn], scalar = new boolean[nIn];
        for (int m : o.mutated()) mutated[m] = true;
        for (int s : o.scalars()) scalar[s] = true;
        double[][] cur = new double[nIn][];
        for (int j = 0; j < nIn; j++) {
            int len = scalar[j] ? 1 : n;
            if (init != null && init[j] != null) cur[j] = init[j].clone();
            else if (j <= 1 || !mutated[j]) cur[j] = random(len, rng);
            else cur[j] = new double[len];
            quantize(cur[j], o.types()[j]);
        }
        if (o.master() >= 0 && (init == null || init[o.master()] == null)) cur[o.master()] = cur[0].clone();
        List<OpCase> cases = new ArrayList<>();
        for (int s = 1; s <= steps; s++) {
            String ps = params.replace("{t}", Integer.toString(s));
            P p = parse(ps);
            OpCase c = params(OpCase.forward(o.op()), ps).label(label + (steps > 1 ? " step " + s : ""));
            for (int j = 0; j < nIn; j++) c.input(HostArray.of(scalar[j] ? Shape.of(1) : shape, o.types()[j], cur[j]));
            double[] out = new double[n];
            double[][] next = new double[nIn][];
            for (int j = 0; j < nIn; j++) next[j] = cur[j].clone();
            double[] x = new double[nIn];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < nIn; j++) x[j] = cur[j][scalar[j] ? 0 : i];
                out[i] = o.ref().step(p, x);
                for (int j = 0; j < nIn; j++) if (mutated[j]) next[j][i] = x[j];
            }
            quantize(out, o.outType());
            c.expect(HostArray.of(shape, o.outType(), out));
            for (int j = 0; j < nIn; j++) {
                if (!mutated[j]) continue;
                quantize(next[j], o.types()[j]);
                c.expectMutated(j, HostArray.of(shape, o.types()[j], next[j]));
            }
            cases.add(c);
            // the next step: new weight, updated states, a fresh gradient
            if (o.outIsWeight()) next[0] = out.clone();
            next[1] = random(n, rng);
            for (int j = 0; j < nIn; j++) quantize(next[j], o.types()[j]);
            cur = next;
        }
        return cases;
    }

    private static double[] random(int n, SplittableRandom rng) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = -1 + 2 * rng.nextDouble();
        return d;
    }

    private static void quantize(double[] d, DType t) {
        for (int i = 0; i < d.length; i++) d[i] = HostArray.quantize(t, d[i]);
    }

    private static final Shape S = Shape.of(2, 3);

    public static List<OpCase> cases() {
        List<OpCase> c = new ArrayList<>();
        handWorked(c);
        referenceSteps(c);
        multiWeight(c);
        errors(c);
        c.addAll(RnnCases.cases());  // the fused RNN, by the same owner (see RnnOps)
        return c;
    }

    /** Steps worked out by hand, independent of the references above. */
    private static void handWorked(List<OpCase> c) {
        // rescaled [0.25, 0.5, -2, 1], clipped to 0.6: [0.25, 0.5, -0.6, 0.6]; 0.999 w - 0.1 clipped
        c.add(params(OpCase.forward("sgd_update"), "lr=0.1; wd=0.01; rescale_grad=0.5; clip_gradient=0.6")
                .input(f32(dims(4), 1, -2, 0.5, 3)).input(f32(dims(4), 0.5, 1, -4, 2))
                .expectValues(Shape.of(4), 0.974, -2.048, 0.5595, 2.937).label("by hand"));
        // mom = 0.9 [0.1, -0.2] - 0.1 [0.5, 1] = [0.04, -0.28]; w + mom
        c.add(params(OpCase.forward("sgd_mom_update"), "lr=0.1; momentum=0.9")
                .input(f32(dims(2), 1, -2)).input(f32(dims(2), 0.5, 1)).input(f32(dims(2), 0.1, -0.2))
                .expectValues(Shape.of(2), 1.04, -2.28).expectMutatedValues(2, Shape.of(2), 0.04, -0.28).label("by hand"));
        // mean = 0.05, var = 0.00025; w - 0.01 * 0.05 / (sqrt(0.00025) + 1e-8)
        c.add(params(OpCase.forward("adam_update"), "lr=0.01")
                .input(f32(dims(1), 1)).input(f32(dims(1), 0.5)).input(f32(dims(1), 0)).input(f32(dims(1), 0))
                .expectValues(Shape.of(1), 0.968377243).expectMutatedValues(2, Shape.of(1), 0.05).expectMutatedValues(3, Shape.of(1), 0.00025)
                .label("by hand"));
        // 0.99 w - 0.1 sign(g); rescale and clip do not change a sign
        c.add(params(OpCase.forward("signsgd_update"), "lr=0.1; wd=0.1; rescale_grad=3; clip_gradient=0.1")
                .input(f32(dims(3), 1, -1, 2)).input(f32(dims(3), 3, -0.5, 0))
                .expectValues(Shape.of(3), 0.89, -0.89, 1.98).label("by hand"));
        // float16 weight from the float32 master: 0.1 - 0.5 * 0.25 = -0.025 (float16 -0.0250015...)
        c.add(params(OpCase.forward("mp_sgd_update"), "lr=0.5")
                .input(HostArray.of(Shape.of(1), F16, 0.1)).input(HostArray.of(Shape.of(1), F16, 0.25)).input(f32(dims(1), 0.1))
                .expect(HostArray.of(Shape.of(1), F16, HostArray.quantize(F16, -0.025)))
                .expectMutated(2, HostArray.of(Shape.of(1), F32, HostArray.quantize(F32, 0.1 - 0.125))).label("by hand"));
        // AdamW skips the step when rescale_grad is 0 or not finite: the output is the weight, states unchanged
        for (double rs : new double[] {0, Double.NaN, Double.POSITIVE_INFINITY}) {
            c.add(params(OpCase.forward("_adamw_update"), "lr=0.1; eta=1; wd=0.5")
                    .input(f32(dims(2), 1, 2)).input(f32(dims(2), 3, 4)).input(f32(dims(2), 0.5, 0.5)).input(f32(dims(2), 1, 1)).input(f32(dims(1), rs))
                    .expectValues(Shape.of(2), 1, 2).expectMutatedValues(2, Shape.of(2), 0.5, 0.5).expectMutatedValues(3, Shape.of(2), 1, 1)
                    .label("skipped, rescale_grad " + rs));
        }
    }

    private static void referenceSteps(List<OpCase> c) {
        Opt sgd = opt("sgd_update", 2, SGD);
        c.addAll(steps(sgd, "lr=0.1", S, null, 1, 1, "plain"));
        c.addAll(steps(sgd, "lr=0.05; wd=0.1; rescale_grad=2; clip_gradient=0.5", S, null, 1, 2, "wd, rescale, clip"));
        c.addAll(steps(new Opt("sgd_update", types(DType.FLOAT64, DType.FLOAT64), new int[0], DType.FLOAT64, true, new int[0], SGD),
                "lr=0.05; wd=0.1", S, null, 1, 3, "float64"));
        c.addAll(steps(new Opt("sgd_update", types(F16, F16), new int[0], F16, true, new int[0], SGD), "lr=0.25", S, null, 1, 4, "float16")
                .stream().map(x -> x.tol(1e-3, 1e-3)).toList());
        c.addAll(steps(sgd, "lr=0.1; clip_gradient=0", S, null, 1, 5, "clip_gradient=0 clips to zero (MXNet's kernel)"));
        Opt sgdMom = opt("sgd_mom_update", 3, SGD_MOM, 2);
        c.addAll(steps(sgdMom, "lr=0.1; momentum=0.9; wd=0.01", S, null, 2, 6, "momentum"));
        c.addAll(steps(sgdMom, "lr=0.1; momentum=0.5; rescale_grad=4; clip_gradient=1", S, null, 2, 7, "clip"));
        c.addAll(steps(new Opt("mp_sgd_update", types(F16, F16, F32), new int[] {2}, F16, true, new int[0], masterWeight(SGD, 2)).master(2),
                "lr=0.1; wd=0.1; clip_gradient=0.5", S, null, 2, 8, "float16"));
        c.addAll(steps(new Opt("mp_sgd_update", types(F32, F32, F32), new int[] {2}, F32, true, new int[0], masterWeight(SGD, 2)).master(2),
                "lr=0.1", S, null, 1, 9, "float32 weight"));
        c.addAll(steps(new Opt("mp_sgd_mom_update", types(F16, F16, F32, F32), new int[] {2, 3}, F16, true, new int[0], masterWeight(SGD_MOM, 3)).master(3),
                "lr=0.1; momentum=0.9; wd=0.01", S, null, 2, 10, "float16"));
        Opt nag = opt("nag_mom_update", 3, NAG, 2);
        c.addAll(steps(nag, "lr=0.1; momentum=0.9; wd=0.1", S, null, 2, 11, "momentum"));
        c.addAll(steps(nag, "lr=0.1; momentum=0.5; rescale_grad=3; clip_gradient=0.7", S, null, 2, 12, "clip"));
        c.addAll(steps(new Opt("mp_nag_mom_update", types(F16, F16, F32, F32), new int[] {2, 3}, F16, true, new int[0], masterWeight(NAG, 3)).master(3),
                "lr=0.1; momentum=0.9; wd=0.1", S, null, 2, 13, "float16"));
        Opt ftml = opt("ftml_update", 5, FTML, 2, 3, 4);
        c.addAll(steps(ftml, "lr=0.1; t={t}", S, null, 2, 14, "defaults"));
        c.addAll(steps(ftml, "lr=0.05; beta1=0.5; beta2=0.9; epsilon=1e-6; t={t}; wd=0.1; rescale_grad=2; clip_grad=0.8", S, null, 2, 15, "all"));
        Opt adam = opt("adam_update", 4, ADAM, 2, 3);
        c.addAll(steps(adam, "lr=0.01", S, null, 2, 16, "defaults"));
        c.addAll(steps(adam, "lr=0.01; beta1=0.8; beta2=0.9; epsilon=1e-4; wd=0.1; rescale_grad=2; clip_gradient=1; lazy_update=False", S, null, 2, 17, "all"));
        Opt rms = opt("rmsprop_update", 3, RMSPROP, 2);
        c.addAll(steps(rms, "lr=0.01", S, null, 2, 18, "defaults"));
        c.addAll(steps(rms, "lr=0.1; gamma1=0.9; epsilon=1e-6; wd=0.1; rescale_grad=2; clip_gradient=0.5; clip_weights=0.3", S, null, 2, 19, "clip weights"));
        Opt alex = opt("rmspropalex_update", 5, RMSPROPALEX, 2, 3, 4);
        c.addAll(steps(alex, "lr=0.01", S, null, 2, 20, "defaults"));
        c.addAll(steps(alex, "lr=0.1; gamma1=0.8; gamma2=0.5; epsilon=1e-6; wd=0.1; rescale_grad=2; clip_gradient=0.5; clip_weights=0.5", S, null, 2, 21, "all"));
        Opt ftrl = opt("ftrl_update", 4, FTRL, 2, 3);
        c.addAll(steps(ftrl, "lr=0.1", S, null, 2, 22, "defaults"));
        c.addAll(steps(ftrl, "lr=0.5; lamda1=0.1; beta=0.5; wd=0.1; rescale_grad=2; clip_gradient=0.8", S, null, 2, 23, "all"));
        Opt adagrad = opt("_sparse_adagrad_update", 3, ADAGRAD, 2);
        c.addAll(steps(adagrad, "lr=0.1", S, null, 2, 24, "defaults"));
        c.addAll(steps(adagrad, "lr=0.1; epsilon=1e-3; rescale_grad=2; clip_gradient=0.5", S, null, 2, 25, "clip"));
        c.addAll(steps(opt("signsgd_update", 2, SIGNSGD), "lr=0.1; wd=0.2", S, null, 1, 26, "wd"));
        Opt signum = opt("signum_update", 3, SIGNUM, 2);
        c.addAll(steps(signum, "lr=0.1; momentum=0.9", S, null, 2, 27, "momentum"));
        c.addAll(steps(signum, "lr=0.1; momentum=0.5; wd=0.1; rescale_grad=2; clip_gradient=0.3; wd_lh=0.2", S, null, 2, 28, "all"));
        Opt lamb1 = new Opt("lamb_update_phase1", f32s(4), new int[] {2, 3}, F32, false, new int[0], lamb1(0));
        c.addAll(steps(lamb1, "t={t}; wd=0.01", S, null, 2, 29, "bias correction"));
        c.addAll(steps(lamb1, "beta1=0.8; beta2=0.9; epsilon=1e-4; t={t}; bias_correction=False; wd=0.1; rescale_grad=2; clip_gradient=0.5",
                S, null, 2, 30, "no bias correction"));
        c.addAll(steps(new Opt("mp_lamb_update_phase1", types(F16, F16, F32, F32, F32), new int[] {2, 3}, F32, false, new int[0], lamb1(4)).master(4),
                "t={t}; wd=0.1", S, null, 2, 31, "float16"));
        Opt lamb2 = new Opt("lamb_update_phase2", f32s(4), new int[0], F32, true, new int[] {2, 3}, lamb2(false));
        double[] w = {1, 2, 3, -1, -2, 0.5}, g = {0.1, -0.2, 0.3, 0.4, -0.5, 0.6};
        c.addAll(steps(lamb2, "lr=0.1", S, new double[][] {w, g, {2}, {4}}, 1, 32, "trust ratio"));
        c.addAll(steps(lamb2, "lr=0.1", S, new double[][] {w, g, {0}, {4}}, 1, 33, "r1 = 0"));
        c.addAll(steps(lamb2, "lr=0.1; lower_bound=3; upper_bound=5", S, new double[][] {w, g, {2}, {4}}, 1, 34, "lower bound"));
        c.addAll(steps(lamb2, "lr=0.1; lower_bound=0.5; upper_bound=1", S, new double[][] {w, g, {2}, {4}}, 1, 35, "upper bound"));
        c.addAll(steps(new Opt("mp_lamb_update_phase2", types(F16, F32, F32, F32, F32), new int[] {4}, F16, true, new int[] {2, 3}, lamb2(true)),
                "lr=0.1", S, new double[][] {w, g, {2}, {4}, w}, 1, 36, "float16"));
        c.addAll(steps(new Opt("_adamw_update", f32s(5), new int[] {2, 3}, F32, true, new int[] {4}, adamw(4)),
                "lr=0.01; eta=0.5; wd=0.1", S, new double[][] {null, null, null, null, {2}}, 2, 37, "defaults"));
        c.addAll(steps(new Opt("_adamw_update", f32s(5), new int[] {2, 3}, F32, true, new int[] {4}, adamw(4)),
                "lr=0.01; beta1=0.8; beta2=0.9; epsilon=1e-4; eta=2; clip_gradient=0.5", S, new double[][] {null, null, null, null, {3}}, 2, 38, "clip"));
        c.addAll(steps(new Opt("_mp_adamw_update", types(F16, F16, F32, F32, F32, F32), new int[] {2, 3, 4}, F16, true, new int[] {5},
                masterWeight(adamw(5), 4)).master(4), "lr=0.01; eta=0.5; wd=0.1", S, new double[][] {null, null, null, null, null, {0.5}}, 2, 39, "float16"));
    }

    /** Two weights of different shapes in one call; the states and master weights of both are checked. */
    private static void multiWeight(List<OpCase> c) {
        SplittableRandom rng = new SplittableRandom(40);
        Shape[] shapes = {Shape.of(3), Shape.of(2, 2)};
        double[] lrs = {0.1, 0.2}, wds = {0.01, 0.1};
        record Form(String op, int stride, boolean mom, boolean mp) {}
        for (Form f : List.of(new Form("multi_sgd_update", 2, false, false), new Form("multi_sgd_mom_update", 3, true, false),
                new Form("multi_mp_sgd_update", 3, false, true), new Form("multi_mp_sgd_mom_update", 4, true, true))) {
            for (boolean preloaded : new boolean[] {false, true}) {
                String op = preloaded ? "preloaded_" + f.op() : f.op();
                String ps = "num_weights=2; rescale_grad=2; clip_gradient=0.9" + (f.mom() ? "; momentum=0.9" : "")
                        + (preloaded ? "" : "; lrs=(0.1, 0.2); wds=(0.01, 0.1)");
                OpCase k = params(OpCase.forward(op), ps);
                for (int wi = 0; wi < 2; wi++) {
                    int n = Math.toIntExact(shapes[wi].size());
                    double[][] x = new double[f.stride()][];
                    for (int j = 0; j < f.stride(); j++) x[j] = random(n, rng);
                    DType wt = f.mp() ? F16 : F32;
                    quantize(x[0], wt);
                    quantize(x[1], wt);
                    for (int j = 2; j < f.stride(); j++) quantize(x[j], F32);
                    for (int j = 0; j < f.stride(); j++) k.input(HostArray.of(shapes[wi], j < 2 ? wt : F32, x[j]));
                    P p = parse("lr=" + lrs[wi] + "; wd=" + wds[wi] + "; " + ps);
                    Ref r = f.mom() ? SGD_MOM : SGD;
                    if (f.mp()) r = masterWeight(r, f.stride() - 1);
                    double[] out = new double[n];
                    double[] xi = new double[f.stride()];
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < f.stride(); j++) xi[j] = x[j][i];
                        out[i] = r.step(p, xi);
                        for (int j = 2; j < f.stride(); j++) x[j][i] = xi[j];
                    }
                    quantize(out, wt);
                    k.expect(HostArray.of(shapes[wi], wt, out));
                    for (int j = 2; j < f.stride(); j++) {
                        quantize(x[j], F32);
                        k.expectMutated(wi * f.stride() + j, HostArray.of(shapes[wi], F32, x[j]));
                    }
                }
                if (preloaded) k.input(f32(dims(2), lrs)).input(f32(dims(2), wds));
                c.add(k.label("two weights"));
            }
        }
        multiAdamwLamb(c, rng);
    }

    /**
     * One step of one weight of a multi-weight operator: {@code x[j]} holds input j of group
     * {@code k}; states are updated in place; returns the output.
     */
    @FunctionalInterface
    private interface GroupRef {
        double[] step(int k, double[][] x);
    }

    /** A two-weight case of a multi-weight operator whose reference works on whole groups (norms, skipped steps). */
    private static OpCase multiCase(String op, String params, DType[] types, int[] mutated, GroupRef ref, SplittableRandom rng, HostArray... trailing) {
        Shape[] shapes = {Shape.of(5), Shape.of(2, 3)};
        OpCase k = params(OpCase.forward(op), params);
        int stride = types.length;
        for (int wi = 0; wi < shapes.length; wi++) {
            int n = Math.toIntExact(shapes[wi].size());
            double[][] x = new double[stride][];
            for (int j = 0; j < stride; j++) {
                x[j] = random(n, rng);
                if (j == 3) for (int i = 0; i < n; i++) x[j][i] = Math.abs(x[j][i]);  // a variance
                if (j == 4) x[j] = x[0].clone();                                       // the master weight
                quantize(x[j], types[j]);
            }
            for (int j = 0; j < stride; j++) k.input(HostArray.of(shapes[wi], types[j], x[j]));
            double[] out = ref.step(wi, x);
            quantize(out, types[0]);
            k.expect(HostArray.of(shapes[wi], types[0], out));
            for (int j : mutated) {
                quantize(x[j], types[j]);
                k.expectMutated(wi * stride + j, HostArray.of(shapes[wi], types[j], x[j]));
            }
        }
        for (HostArray t : trailing) k.input(t);
        return k.label("two weights");
    }

    /** Per element of a group: the per-element reference with the group's own parameters. */
    private static GroupRef perElement(Ref r, java.util.function.IntFunction<String> groupParams, double... extra) {
        return (k, x) -> {
            P p = parse(groupParams.apply(k));
            int n = x[0].length, m = x.length;
            double[] out = new double[n], xi = new double[m + extra.length];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) xi[j] = x[j][i];
                System.arraycopy(extra, 0, xi, m, extra.length);
                out[i] = r.step(p, xi);
                for (int j = 0; j < m; j++) x[j][i] = xi[j];
            }
            return out;
        };
    }

    /** _multi_lamb_update for one tensor: r1 from the weight input, g from phase 1, then the phase-2 step. */
    private static GroupRef lambGroup(String params, double[] lrs, double[] wds, int[] steps, boolean mp) {
        return (k, x) -> {
            P p = parse(params + "; wd=" + wds[k] + "; t=" + steps[k]);
            int n = x[0].length;
            double r1 = 0, r2 = 0;
            for (double v : x[0]) r1 += v * v;
            double[] g = new double[n], xi = new double[x.length];
            Ref phase1 = lamb1(mp ? 4 : 0);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < x.length; j++) xi[j] = x[j][i];
                g[i] = HostArray.quantize(F32, phase1.step(p, xi));
                x[2][i] = xi[2];
                x[3][i] = xi[3];
                r2 += g[i] * g[i];
            }
            r1 = Math.sqrt(r1);
            r2 = Math.sqrt(r2);
            double lb = p.d("lower_bound", -1), ub = p.d("upper_bound", -1);
            if (lb >= 0) r1 = Math.max(r1, lb);
            if (ub >= 0) r1 = Math.min(r1, ub);
            double lr = r1 == 0 || r2 == 0 ? lrs[k] : lrs[k] * r1 / r2;
            double[] out = new double[n];
            for (int i = 0; i < n; i++) out[i] = x[mp ? 4 : 0][i] - lr * g[i];
            if (mp) x[4] = out.clone();
            return out;
        };
    }

    private static void multiAdamwLamb(List<OpCase> c, SplittableRandom rng) {
        double[] lrs = {0.01, 0.02}, wds = {0.1, 0.5}, etas = {1, 0.5};
        String ap = "num_weights=2; lrs=(0.01, 0.02); wds=(0.1, 0.5); etas=(1, 0.5); beta1=0.8; clip_gradient=0.7";
        java.util.function.IntFunction<String> perWeight = k -> ap + "; lr=" + lrs[k] + "; wd=" + wds[k] + "; eta=" + etas[k];
        c.add(multiCase("_multi_adamw_update", ap, f32s(4), new int[] {2, 3}, perElement(adamw(4), perWeight, 2), rng, f32(dims(1), 2)));
        c.add(multiCase("_multi_mp_adamw_update", ap, types(F16, F16, F32, F32, F32), new int[] {2, 3, 4},
                perElement(masterWeight(adamw(5), 4), perWeight, 2), rng, f32(dims(1), 2)));
        c.add(multiCase("_multi_adamw_update", ap, f32s(4), new int[] {2, 3}, (k, x) -> x[0].clone(), rng, f32(dims(1), Double.NaN))
                .label("skipped, rescale_grad NaN"));
        String lp = "num_tensors=2; learning_rates=(0.1, 0.2); wds=(0.01, 0.1); step_count=(1, 3); rescale_grad=2; clip_gradient=0.5";
        double[] llrs = {0.1, 0.2}, lwds = {0.01, 0.1};
        int[] steps = {1, 3};
        c.add(multiCase("_multi_lamb_update", lp, f32s(4), new int[] {2, 3}, lambGroup(lp, llrs, lwds, steps, false), rng).tol(1e-4, 1e-5));
        c.add(multiCase("_multi_lamb_update", lp + "; bias_correction=False; lower_bound=5; upper_bound=6", f32s(4), new int[] {2, 3},
                lambGroup(lp + "; bias_correction=False; lower_bound=5; upper_bound=6", llrs, lwds, steps, false), rng).tol(1e-4, 1e-5).label("bounds"));
        c.add(multiCase("_multi_mp_lamb_update", lp, types(F16, F16, F32, F32, F32), new int[] {2, 3, 4}, lambGroup(lp, llrs, lwds, steps, true), rng)
                .tol(1e-4, 1e-5));
    }

    private static void errors(List<OpCase> c) {
        HostArray a = f32(dims(2, 3), 1, 2, 3, 4, 5, 6), b = f32(dims(3, 2), 1, 2, 3, 4, 5, 6), one = f32(dims(1), 1);
        String[][] single = {
                {"sgd_update", "lr=0.1", "2"}, {"sgd_mom_update", "lr=0.1", "3"}, {"nag_mom_update", "lr=0.1", "3"},
                {"ftml_update", "lr=0.1; t=1", "5"}, {"adam_update", "lr=0.1", "4"}, {"rmsprop_update", "lr=0.1", "3"},
                {"rmspropalex_update", "lr=0.1", "5"}, {"ftrl_update", "lr=0.1", "4"}, {"_sparse_adagrad_update", "lr=0.1", "3"},
                {"signsgd_update", "lr=0.1", "2"}, {"signum_update", "lr=0.1", "3"}, {"lamb_update_phase1", "t=1; wd=0", "4"}};
        for (String[] s : single) {
            List<HostArray> in = new ArrayList<>();
            for (int i = 0; i < Integer.parseInt(s[2]); i++) in.add(i == 1 ? b : a);
            c.add(err(s[0], s[1], ShapeException.class, "must have the same shape", in.toArray(HostArray[]::new)));
        }
        HostArray h = HostArray.of(Shape.of(2, 3), F16, 1, 2, 3, 4, 5, 6), hb = HostArray.of(Shape.of(3, 2), F16, 1, 2, 3, 4, 5, 6);
        c.add(err("mp_sgd_update", "lr=0.1", ShapeException.class, "same shape", h, hb, a));
        c.add(err("mp_sgd_mom_update", "lr=0.1", ShapeException.class, "same shape", h, h, a, b));
        c.add(err("mp_nag_mom_update", "lr=0.1", ShapeException.class, "same shape", h, hb, a, a));
        c.add(err("mp_sgd_update", "lr=0.1", TypeException.class, "weight32", h, h, h));
        c.add(err("sgd_update", "lr=0.1", TypeException.class, "floating-point", HostArray.of(Shape.of(2), DType.INT32, 1, 2),
                HostArray.of(Shape.of(2), DType.INT32, 1, 2)));
        c.add(err("sgd_update", "lr=0.1", TypeException.class, "grad", a, a.astype(DType.FLOAT64)));
        c.add(err("sgd_update", "wd=0.1", dev.mxj.op.ParameterException.class, "lr", a, a));
        c.add(err("_sparse_adagrad_update", "lr=0.1; wd=0.1", ShapeException.class, "wd", a, a, a));
        c.add(err("lamb_update_phase2", "lr=0.1", ShapeException.class, "same shape", a, b, one, one));
        c.add(err("lamb_update_phase2", "lr=0.1", ShapeException.class, "r1 must hold one value", a, a, f32(dims(2), 1, 2), one));
        c.add(err("mp_lamb_update_phase1", "t=1; wd=0", TypeException.class, "float16", a, a, a, a, a));
        c.add(err("mp_lamb_update_phase2", "lr=0.1", ShapeException.class, "same shape", h, a, one, one, b));
        c.add(err("_adamw_update", "lr=0.1; eta=1", ShapeException.class, "same shape", a, b, a, a, one));
        c.add(err("_adamw_update", "lr=0.1; eta=1", ShapeException.class, "rescale_grad must hold one value", a, a, a, a, a));
        c.add(err("_mp_adamw_update", "lr=0.1; eta=1", ShapeException.class, "same shape", h, hb, a, a, a, one));
        c.add(err("ftml_update", "lr=0.1; t=1; beta1=1.5", dev.mxj.op.ParameterException.class, "beta1", a, a, a, a, a));
        HostArray[] adamwIn = {a, a, a, a, a, a, a, a};
        List<HostArray> aw = new ArrayList<>(List.of(adamwIn));
        aw.add(one);
        c.add(err("_multi_adamw_update", "num_weights=2; lrs=(0.1, 0.1); wds=(0, 0); etas=(1,)", ShapeException.class, "etas", aw.toArray(HostArray[]::new)));
        aw.set(5, b);
        c.add(err("_multi_adamw_update", "num_weights=2; lrs=(0.1, 0.1); wds=(0, 0); etas=(1, 1)", ShapeException.class, "same shape", aw.toArray(HostArray[]::new)));
        List<HostArray> mpw = new ArrayList<>(List.of(h, h, a, a, a, h, h, a, a, a));
        mpw.add(HostArray.of(Shape.of(1), F16, 1));
        c.add(err("_multi_mp_adamw_update", "num_weights=2; lrs=(0.1, 0.1); wds=(0, 0); etas=(1, 1)", TypeException.class, "rescale_grad",
                mpw.toArray(HostArray[]::new)));
        c.add(err("_multi_lamb_update", "num_tensors=2; learning_rates=(0.1, 0.1); wds=(0, 0); step_count=(1,)", ShapeException.class, "step counts",
                a, a, a, a, a, a, a, a));
        c.add(err("_multi_mp_lamb_update", "num_tensors=1; learning_rates=(0.1,); wds=(0,); step_count=(1,)", ShapeException.class, "same shape",
                h, hb, a, a, a));
        for (String op : List.of("multi_sgd_update", "multi_sgd_mom_update", "multi_mp_sgd_update", "multi_mp_sgd_mom_update")) {
            int stride = op.contains("mp_sgd_mom") ? 4 : op.contains("mom") || op.contains("mp") ? 3 : 2;
            List<HostArray> in = new ArrayList<>();
            for (int i = 0; i < 2 * stride; i++) in.add(op.contains("mp") && i % stride < 2 ? h : a);
            c.add(err(op, "num_weights=2; lrs=(0.1,); wds=(0, 0)", ShapeException.class, "learning rates", in.toArray(HostArray[]::new)));
            List<HostArray> pre = new ArrayList<>(in);
            pre.set(stride + 1, op.contains("mp") ? hb : b);
            pre.add(f32(dims(2), 0.1, 0.1));
            pre.add(f32(dims(2), 0, 0));
            c.add(err("preloaded_" + op, "num_weights=2", ShapeException.class, "same shape", pre.toArray(HostArray[]::new)));
            pre.set(stride + 1, in.get(1));
            pre.set(2 * stride, f32(dims(3), 0.1, 0.1, 0.1));
            c.add(err("preloaded_" + op, "num_weights=2", ShapeException.class, "lrs has 3 values", pre.toArray(HostArray[]::new)));
        }
    }
}
