package dev.mxj.cpu.kernels;

import dev.mxj.device.Elements;
import dev.mxj.device.Kernel;
import dev.mxj.device.KernelTable;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Function;

/**
 * CPU kernels of the optimizer update operators. Every update is element-wise, so one driver
 * serves all: blocks of elements of every input are loaded into double arrays, a
 * {@link Step} (the optimizer's formula, with its hyper-parameters bound) updates them, and
 * the output and the mutated states are stored back. Loading a whole block before storing
 * makes the output safe to alias the weight ({@code out=weight}). Arithmetic is in double,
 * rounded once when stored (MXNet computes in the array's dtype, float for float16 masters).
 */
public final class OptimizerKernels {
    private OptimizerKernels() {}

    /** Elements per block: small enough for L1, large enough to amortise the dispatch. */
    private static final int BLOCK = 1024;

    /**
     * One optimizer step over {@code n} elements: {@code v[k]} holds vector input k (read, and
     * updated in place for mutated inputs), {@code out} receives the output.
     */
    @FunctionalInterface
    interface Step {
        void run(double[][] v, double[] out, int n);
    }

    /** Binds an operator's hyper-parameters (and its one-value inputs) to a step; null skips the update. */
    @FunctionalInterface
    interface Prepare {
        Step prepare(Attrs a, double[] scalars);
    }

    public static void register(KernelTable t) {
        // each formula applies weight decay and clipping in the order its MXNet kernel does
        t.add("sgd_update", f32Sgd(elementwise(a -> sgd(a, -1)), false));
        t.add("mp_sgd_update", elementwise(a -> sgd(a, 2)));
        t.add("sgd_mom_update", f32Sgd(elementwise(a -> sgdMom(a, -1)), true));
        t.add("mp_sgd_mom_update", elementwise(a -> sgdMom(a, 3)));
        t.add("nag_mom_update", elementwise(a -> nag(a, -1)));
        t.add("mp_nag_mom_update", elementwise(a -> nag(a, 3)));
        t.add("ftml_update", elementwise(OptimizerKernels::ftml));
        t.add("adam_update", elementwise(OptimizerKernels::adam));
        t.add("rmsprop_update", elementwise(OptimizerKernels::rmsprop));
        t.add("rmspropalex_update", elementwise(OptimizerKernels::rmspropalex));
        t.add("ftrl_update", elementwise(OptimizerKernels::ftrl));
        t.add("_sparse_adagrad_update", elementwise(OptimizerKernels::adagrad));
        t.add("signsgd_update", elementwise(OptimizerKernels::signsgd));
        t.add("signum_update", elementwise(OptimizerKernels::signum));
        t.add("lamb_update_phase1", elementwise(a -> lambPhase1(a, 0, a.getInt("t"), a.getDouble("wd"))));
        t.add("mp_lamb_update_phase1", elementwise(a -> lambPhase1(a, 4, a.getInt("t"), a.getDouble("wd"))));
        t.add("lamb_update_phase2", withScalars((a, s) -> lambPhase2(a, s, -1), 2, 3));
        t.add("mp_lamb_update_phase2", withScalars((a, s) -> lambPhase2(a, s, 4), 2, 3));
        t.add("_adamw_update", withScalars((a, s) -> adamw(a, s, -1), 4));
        t.add("_mp_adamw_update", withScalars((a, s) -> adamw(a, s, 4), 5));
        t.add("multi_sgd_update", multiSgd(2, false, -1, false));
        t.add("multi_sgd_mom_update", multiSgd(3, true, -1, false));
        t.add("multi_mp_sgd_update", multiSgd(3, false, 2, false));
        t.add("multi_mp_sgd_mom_update", multiSgd(4, true, 3, false));
        t.add("preloaded_multi_sgd_update", multiSgd(2, false, -1, true));
        t.add("preloaded_multi_sgd_mom_update", multiSgd(3, true, -1, true));
        t.add("preloaded_multi_mp_sgd_update", multiSgd(3, false, 2, true));
        t.add("preloaded_multi_mp_sgd_mom_update", multiSgd(4, true, 3, true));
        t.add("_multi_adamw_update", multiAdamw(4, false));
        t.add("_multi_mp_adamw_update", multiAdamw(5, true));
        t.add("_multi_lamb_update", multiLamb(4, false));
        t.add("_multi_mp_lamb_update", multiLamb(5, true));
        RnnKernels.register(t);  // the fused RNN, by the same owner (see RnnOps)
    }

    /**
     * sgd_update / sgd_mom_update on float32 arrays with the output overwritten (the common
     * {@code out=weight} call): one pass over float chunks staged through heap arrays, which C2
     * vectorises. The arithmetic is MXNet's SGDKernel/SGDMomKernel for float: hyper-parameters
     * rounded to float and every operation in float, in MXNet's order, so a float32 step gives
     * MXNet's bits (and runs twice as wide as double). Anything else goes to {@code general}.
     */
    private static Kernel f32Sgd(Kernel general, boolean momentum) {
        return (ctx, a, in, req, out) -> {
            boolean f32 = out[0].dtype() == DType.FLOAT32;
            for (Tensor t : in) f32 &= t.dtype() == DType.FLOAT32;
            if (!f32 || req[0] == OpReq.ADD || req[0] == OpReq.NULL) {
                general.compute(ctx, a, in, req, out);
                return;
            }
            float lr = (float) a.getDouble("lr"), wd = (float) a.getDouble("wd"), rs = (float) a.getDouble("rescale_grad");
            float c = (float) a.getDouble("clip_gradient"), mu = momentum ? (float) a.getDouble("momentum") : 0f;
            float keep = 1f - lr * wd, lrWd = lr * wd, lrRs = lr * rs;
            boolean clip = c >= 0;
            MemorySegment ws = in[0].segment(), gs = in[1].segment(), ms = momentum ? in[2].segment() : null, os = out[0].segment();
            CpuParallel.forRange(out[0].size(), Elementwise.GRAIN, (from, to) -> {
                float[][] st = F32Loops.stage();
                float[] w = st[0], g = st[1], m = st[2];
                for (long base = from; base < to; base += F32Loops.CHUNK) {
                    int n = (int) Math.min(F32Loops.CHUNK, to - base);
                    MemorySegment.copy(ws, ValueLayout.JAVA_FLOAT, base * 4, w, 0, n);
                    MemorySegment.copy(gs, ValueLayout.JAVA_FLOAT, base * 4, g, 0, n);
                    if (clip) for (int i = 0; i < n; i++) g[i] = lr * Math.max(Math.min(rs * g[i], c), -c);
                    else for (int i = 0; i < n; i++) g[i] = lrRs * g[i];
                    if (!momentum) {
                        for (int i = 0; i < n; i++) w[i] = keep * w[i] - g[i];
                    } else {
                        MemorySegment.copy(ms, ValueLayout.JAVA_FLOAT, base * 4, m, 0, n);
                        for (int i = 0; i < n; i++) {
                            m[i] = mu * m[i] - lrWd * w[i] - g[i];
                            w[i] += m[i];
                        }
                        MemorySegment.copy(m, 0, ms, ValueLayout.JAVA_FLOAT, base * 4, n);
                    }
                    MemorySegment.copy(w, 0, os, ValueLayout.JAVA_FLOAT, base * 4, n);
                }
            });
        };
    }

    /** An update whose hyper-parameters are all attributes. */
    private static Kernel elementwise(Function<Attrs, Step> f) { return withScalars((a, s) -> f.apply(a)); }

    /** An update that also reads one-value inputs ({@code scalarInputs}: LAMB's norms, AdamW's rescale_grad). */
    private static Kernel withScalars(Prepare p, int... scalarInputs) {
        return (ctx, a, in, req, out) -> {
            double[] scalars = new double[scalarInputs.length];
            boolean[] isScalar = new boolean[in.length];
            for (int k = 0; k < scalarInputs.length; k++) {
                scalars[k] = first(in[scalarInputs[k]]);
                isScalar[scalarInputs[k]] = true;
            }
            Tensor[] vec = new Tensor[in.length - scalarInputs.length];
            boolean[] store = new boolean[vec.length];
            int[] local = new int[in.length];
            for (int i = 0, k = 0; i < in.length; i++) {
                if (isScalar[i]) continue;
                local[i] = k;
                vec[k++] = in[i];
            }
            for (int m : a.op().mutateInputs(a)) store[local[m]] = true;
            Step step = p.prepare(a, scalars);
            if (step == null) {
                // a skipped step (AdamW with a non-finite rescale_grad): the output is the unchanged weight
                step = KEEP;
                store = new boolean[vec.length];
            }
            run(vec, store, out[0], req[0], step);
        };
    }

    /** Element 0 of a one-value input. */
    private static double first(Tensor t) { return Elements.get(t.segment(), t.dtype(), 0); }

    /**
     * The driver: blocks of every vector input are loaded, stepped and stored back (mutated
     * inputs), the output is written under its OpReq. States are updated even when the output
     * is not requested (OpReq.NULL), as MXNet's kernels do.
     */
    static void run(Tensor[] vec, boolean[] store, Tensor out, OpReq req, Step step) {
        long size = out.size();
        long blocks = (size + BLOCK - 1) / BLOCK;
        MemorySegment os = out.segment();
        DType ot = out.dtype();
        CpuParallel.forRange(blocks, Math.max(1, (1 << 15) / BLOCK), (b0, b1) -> {
            double[][] v = new double[vec.length][BLOCK];
            double[] o = new double[BLOCK];
            double[] prev = req == OpReq.ADD ? new double[BLOCK] : null;
            for (long b = b0; b < b1; b++) {
                long from = b * BLOCK;
                int n = (int) Math.min(BLOCK, size - from);
                for (int k = 0; k < vec.length; k++) load(vec[k].segment(), vec[k].dtype(), from, v[k], n);
                if (prev != null) load(os, ot, from, prev, n);
                step.run(v, o, n);
                for (int k = 0; k < vec.length; k++) if (store[k]) store(vec[k].segment(), vec[k].dtype(), from, v[k], n);
                if (req == OpReq.NULL) continue;
                if (prev != null) for (int i = 0; i < n; i++) o[i] += prev[i];
                store(os, ot, from, o, n);
            }
        });
    }

    static void load(MemorySegment s, DType t, long from, double[] dst, int n) {
        switch (t) {
            case FLOAT32 -> Blocks.loadF32(s, from, dst, n);
            case FLOAT64 -> MemorySegment.copy(s, ValueLayout.JAVA_DOUBLE, from * 8, dst, 0, n);
            default -> { for (int i = 0; i < n; i++) dst[i] = Elements.get(s, t, from + i); }
        }
    }

    static void store(MemorySegment s, DType t, long from, double[] src, int n) {
        switch (t) {
            case FLOAT32 -> Blocks.storeF32(s, from, src, n, false);
            case FLOAT64 -> MemorySegment.copy(src, 0, s, ValueLayout.JAVA_DOUBLE, from * 8, n);
            default -> { for (int i = 0; i < n; i++) Elements.set(s, t, from + i, src[i]); }
        }
    }

    // ------------------------------------------------------------------ formulas

    /** MXNet's clip: on when c >= 0. */
    private static double clip(double x, double c) { return c >= 0 ? Math.max(Math.min(x, c), -c) : x; }

    private static double sign(double x) { return x > 0 ? 1 : x < 0 ? -1 : 0; }

    /**
     * sgd_update, and with a master weight at input {@code w32} (>= 0) mp_sgd_update:
     * w = (1 - lr wd) w - lr clip(rescale * g).
     */
    private static Step sgd(Attrs a, int w32) {
        double lr = a.getDouble("lr"), wd = a.getDouble("wd"), rs = a.getDouble("rescale_grad"), c = a.getDouble("clip_gradient");
        int wi = w32 < 0 ? 0 : w32;
        return (v, out, n) -> {
            double[] w = v[wi], g = v[1];
            for (int i = 0; i < n; i++) out[i] = (1 - lr * wd) * w[i] - lr * clip(rs * g[i], c);
            if (w32 >= 0) System.arraycopy(out, 0, w, 0, n);
        };
    }

    /** sgd_mom_update / mp_sgd_mom_update: mom = momentum mom - lr wd w - lr clip(rescale g); w += mom. */
    private static Step sgdMom(Attrs a, int w32) {
        double lr = a.getDouble("lr"), mu = a.getDouble("momentum"), wd = a.getDouble("wd"), rs = a.getDouble("rescale_grad"), c = a.getDouble("clip_gradient");
        int wi = w32 < 0 ? 0 : w32;
        return (v, out, n) -> {
            double[] w = v[wi], g = v[1], mom = v[2];
            for (int i = 0; i < n; i++) {
                mom[i] = mu * mom[i] - lr * wd * w[i] - lr * clip(rs * g[i], c);
                out[i] = w[i] + mom[i];
            }
            if (w32 >= 0) System.arraycopy(out, 0, w, 0, n);
        };
    }

    /** nag_mom_update / mp_nag_mom_update (MXNet's NAGMomKernel: wd added after clipping). */
    private static Step nag(Attrs a, int w32) {
        double lr = a.getDouble("lr"), mu = a.getDouble("momentum"), wd = a.getDouble("wd"), rs = a.getDouble("rescale_grad"), c = a.getDouble("clip_gradient");
        int wi = w32 < 0 ? 0 : w32;
        return (v, out, n) -> {
            double[] w = v[wi], g = v[1], mom = v[2];
            for (int i = 0; i < n; i++) {
                double m = mu * mom[i];
                double step = lr * (clip(rs * g[i], c) + wd * w[i]);
                out[i] = w[i] - m + (mu + 1) * (m - step);
                mom[i] = m - step;
            }
            if (w32 >= 0) System.arraycopy(out, 0, w, 0, n);
        };
    }

    private static Step ftml(Attrs a) {
        double lr = a.getDouble("lr"), b1 = a.getDouble("beta1"), b2 = a.getDouble("beta2"), eps = a.getDouble("epsilon");
        double wd = a.getDouble("wd"), rs = a.getDouble("rescale_grad"), c = a.getDouble("clip_grad");
        int t = a.getInt("t");
        double c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
        return (v, out, n) -> {
            double[] w = v[0], g = v[1], d = v[2], vv = v[3], z = v[4];
            for (int i = 0; i < n; i++) {
                double gi = clip(rs * g[i] + wd * w[i], c);
                vv[i] = b2 * vv[i] + (1 - b2) * gi * gi;
                double dt = c1 / lr * (Math.sqrt(vv[i] / c2) + eps);
                z[i] = b1 * z[i] + (1 - b1) * gi - (dt - b1 * d[i]) * w[i];
                d[i] = dt;
                out[i] = -z[i] / dt;
            }
        };
    }

    private static Step adam(Attrs a) {
        double lr = a.getDouble("lr"), b1 = a.getDouble("beta1"), b2 = a.getDouble("beta2"), eps = a.getDouble("epsilon");
        double wd = a.getDouble("wd"), rs = a.getDouble("rescale_grad"), c = a.getDouble("clip_gradient");
        return (v, out, n) -> {
            double[] w = v[0], g = v[1], mean = v[2], var = v[3];
            for (int i = 0; i < n; i++) {
                double gi = clip(g[i] * rs + w[i] * wd, c);
                mean[i] = b1 * mean[i] + (1 - b1) * gi;
                var[i] = b2 * var[i] + (1 - b2) * gi * gi;
                out[i] = w[i] - lr * mean[i] / (Math.sqrt(var[i]) + eps);
            }
        };
    }

    private static Step rmsprop(Attrs a) {
        double lr = a.getDouble("lr"), g1 = a.getDouble("gamma1"), eps = a.getDouble("epsilon"), wd = a.getDouble("wd");
        double rs = a.getDouble("rescale_grad"), c = a.getDouble("clip_gradient"), cw = a.getDouble("clip_weights");
        return (v, out, n) -> {
            double[] w = v[0], g = v[1], s = v[2];
            for (int i = 0; i < n; i++) {
                double gi = clip(rs * g[i] + wd * w[i], c);
                s[i] = (1 - g1) * gi * gi + g1 * s[i];
                out[i] = clip(w[i] - lr * (gi / Math.sqrt(s[i] + eps)), cw);
            }
        };
    }

    private static Step rmspropalex(Attrs a) {
        double lr = a.getDouble("lr"), g1 = a.getDouble("gamma1"), g2 = a.getDouble("gamma2"), eps = a.getDouble("epsilon"), wd = a.getDouble("wd");
        double rs = a.getDouble("rescale_grad"), c = a.getDouble("clip_gradient"), cw = a.getDouble("clip_weights");
        return (v, out, n) -> {
            double[] w = v[0], g = v[1], sn = v[2], sg = v[3], delta = v[4];
            for (int i = 0; i < n; i++) {
                double gi = clip(rs * g[i] + wd * w[i], c);
                sn[i] = (1 - g1) * gi * gi + g1 * sn[i];
                sg[i] = (1 - g1) * gi + g1 * sg[i];
                delta[i] = g2 * delta[i] - lr * gi / Math.sqrt(sn[i] - sg[i] * sg[i] + eps);
                out[i] = clip(w[i] + delta[i], cw);
            }
        };
    }

    private static Step ftrl(Attrs a) {
        double lr = a.getDouble("lr"), l1 = a.getDouble("lamda1"), beta = a.getDouble("beta"), wd = a.getDouble("wd");
        double rs = a.getDouble("rescale_grad"), c = a.getDouble("clip_gradient");
        return (v, out, n) -> {
            double[] w = v[0], g = v[1], z = v[2], nn = v[3];
            for (int i = 0; i < n; i++) {
                double gi = clip(g[i] * rs, c);
                z[i] += gi - (Math.sqrt(nn[i] + gi * gi) - Math.sqrt(nn[i])) * w[i] / lr;
                nn[i] += gi * gi;
                out[i] = Math.abs(z[i]) > l1 ? (sign(z[i]) * l1 - z[i]) / ((beta + Math.sqrt(nn[i])) / lr + wd) : 0;
            }
        };
    }

    private static Step adagrad(Attrs a) {
        double lr = a.getDouble("lr"), eps = a.getDouble("epsilon"), rs = a.getDouble("rescale_grad"), c = a.getDouble("clip_gradient");
        return (v, out, n) -> {
            double[] w = v[0], g = v[1], h = v[2];
            for (int i = 0; i < n; i++) {
                double gi = clip(g[i] * rs, c);
                h[i] += gi * gi;
                out[i] = w[i] - lr * gi / Math.sqrt(h[i] + eps);
            }
        };
    }

    /** signsgd_update: rescale_grad and clip_gradient cannot change a sign, so (as in MXNet) they are unused. */
    private static Step signsgd(Attrs a) {
        double lr = a.getDouble("lr"), wd = a.getDouble("wd");
        return (v, out, n) -> {
            double[] w = v[0], g = v[1];
            for (int i = 0; i < n; i++) out[i] = (1 - lr * wd) * w[i] - lr * sign(g[i]);
        };
    }

    private static Step signum(Attrs a) {
        double lr = a.getDouble("lr"), mu = a.getDouble("momentum"), wd = a.getDouble("wd"), rs = a.getDouble("rescale_grad");
        double c = a.getDouble("clip_gradient"), wdLh = a.getDouble("wd_lh");
        return (v, out, n) -> {
            double[] w = v[0], g = v[1], mom = v[2];
            for (int i = 0; i < n; i++) {
                mom[i] = mu * mom[i] - (1 - mu) * wd * w[i] - (1 - mu) * clip(rs * g[i], c);
                out[i] = (1 - lr * wdLh) * w[i] + lr * sign(mom[i]);
            }
        };
    }

    /** LAMB phase 1 at step {@code t}; the weight-decay term reads the (master) weight at input {@code wIdx}. */
    private static Step lambPhase1(Attrs a, int wIdx, long t, double wd) {
        double b1 = a.getDouble("beta1"), b2 = a.getDouble("beta2"), eps = a.getDouble("epsilon");
        double rs = a.getDouble("rescale_grad"), c = a.getDouble("clip_gradient");
        boolean bc = a.getBool("bias_correction");
        double c1 = bc ? 1 - Math.pow(b1, t) : 1, c2 = bc ? 1 - Math.pow(b2, t) : 1;
        return (v, out, n) -> {
            double[] w = v[wIdx], g = v[1], mean = v[2], var = v[3];
            for (int i = 0; i < n; i++) {
                double gi = clip(g[i] * rs, c);
                mean[i] = b1 * mean[i] + (1 - b1) * gi;
                var[i] = b2 * var[i] + (1 - b2) * gi * gi;
                out[i] = mean[i] / c1 / (Math.sqrt(var[i] / c2) + eps) + wd * w[i];
            }
        };
    }

    /**
     * LAMB phase 2: the trust ratio r1 / r2 scales lr. In the multi-precision form the master
     * weight is read and updated (MXNet declares it mutated and documents the update, but its
     * kernel leaves weight32 stale).
     */
    private static Step lambPhase2(Attrs a, double[] s, int w32) {
        double r1 = s[0], r2 = s[1], lb = a.getDouble("lower_bound"), ub = a.getDouble("upper_bound");
        if (lb >= 0) r1 = Math.max(r1, lb);
        if (ub >= 0) r1 = Math.min(r1, ub);
        double lr = r1 == 0 || r2 == 0 ? a.getDouble("lr") : a.getDouble("lr") * r1 / r2;
        int wi = w32 < 0 ? 0 : w32 - 2;  // index among the vector inputs weight, g, weight32
        return (v, out, n) -> {
            double[] w = v[wi], g = v[1];
            for (int i = 0; i < n; i++) out[i] = w[i] - lr * g[i];
            if (w32 >= 0) System.arraycopy(out, 0, w, 0, n);
        };
    }

    /** AdamW; a NaN, infinite or zero rescale_grad skips the step (null). */
    private static Step adamw(Attrs a, double[] s, int w32) {
        return adamwStep(a, s[0], a.getDouble("lr"), a.getDouble("wd"), a.getDouble("eta"), w32);
    }

    /** One AdamW step with rescale {@code rs} and one weight's lr, wd and eta; null when {@code rs} skips it. */
    private static Step adamwStep(Attrs a, double rs, double lr, double wd, double eta, int w32) {
        if (!Double.isFinite(rs) || rs == 0) return null;
        double b1 = a.getDouble("beta1"), b2 = a.getDouble("beta2"), eps = a.getDouble("epsilon"), c = a.getDouble("clip_gradient");
        int wi = w32 < 0 ? 0 : w32;
        return (v, out, n) -> {
            double[] w = v[wi], g = v[1], mean = v[2], var = v[3];
            for (int i = 0; i < n; i++) {
                double gi = clip(rs * g[i], c);
                mean[i] = b1 * mean[i] + (1 - b1) * gi;
                var[i] = b2 * var[i] + (1 - b2) * gi * gi;
                out[i] = w[i] - eta * (lr * mean[i] / (Math.sqrt(var[i]) + eps) + wd * w[i]);
            }
            if (w32 >= 0) System.arraycopy(out, 0, w, 0, n);
        };
    }

    /** The output is the unchanged weight (a skipped step). */
    private static final Step KEEP = (v, o, n) -> System.arraycopy(v[0], 0, o, 0, n);

    /** _multi_adamw_update / _multi_mp_adamw_update: AdamW per weight; rescale_grad is the last input. */
    private static Kernel multiAdamw(int stride, boolean mp) {
        return (ctx, a, in, req, out) -> {
            int nw = a.getInt("num_weights");
            double rs = first(in[nw * stride]);
            double[] lrs = a.getDoubles("lrs"), wds = a.getDoubles("wds"), etas = a.getDoubles("etas");
            for (int k = 0; k < nw; k++) {
                Tensor[] vec = group(in, k, stride);
                Step step = adamwStep(a, rs, lrs[k], wds[k], etas[k], mp ? 4 : -1);
                boolean[] store = new boolean[stride];
                if (step != null) for (int j = 2; j < stride; j++) store[j] = true;
                run(vec, store, out[k], req[k], step == null ? KEEP : step);
            }
        };
    }

    private static Tensor[] group(Tensor[] in, int k, int stride) {
        Tensor[] vec = new Tensor[stride];
        System.arraycopy(in, k * stride, vec, 0, stride);
        return vec;
    }

    /**
     * _multi_lamb_update / _multi_mp_lamb_update (MXNet's MultiLAMB): per tensor, r1 = ||weight||
     * (the weight input, before the step), the phase-1 direction g into scratch, r2 = ||g||,
     * then the phase-2 step on the weight (or its master copy).
     */
    private static Kernel multiLamb(int stride, boolean mp) {
        return (ctx, a, in, req, out) -> {
            int nt = a.getInt("num_tensors");
            double[] lrs = a.getDoubles("learning_rates"), wds = a.getDoubles("wds");
            long[] steps = a.getLongs("step_count");
            double lb = a.getDouble("lower_bound"), ub = a.getDouble("upper_bound");
            DType gt = in[0].dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
            long max = 0;
            for (int k = 0; k < nt; k++) max = Math.max(max, in[k * stride].size());
            dev.mxj.device.Storage tmp = ctx.tempSpace(Math.max(1, max * gt.byteSize()));
            for (int k = 0; k < nt; k++) {
                Tensor[] vec = group(in, k, stride);
                Tensor g = new Tensor(tmp, 0, vec[0].shape(), gt);
                double r1 = Math.sqrt(sumSquares(vec[0]));
                boolean[] store = new boolean[stride];
                store[2] = store[3] = true;
                run(vec, store, g, OpReq.WRITE, lambPhase1(a, mp ? 4 : 0, steps[k], wds[k]));
                double r2 = Math.sqrt(sumSquares(g));
                if (lb >= 0) r1 = Math.max(r1, lb);
                if (ub >= 0) r1 = Math.min(r1, ub);
                double lr = r1 == 0 || r2 == 0 ? lrs[k] : lrs[k] * r1 / r2;
                int wi = mp ? 2 : 0;
                Tensor[] v2 = mp ? new Tensor[] {vec[0], g, vec[4]} : new Tensor[] {vec[0], g};
                boolean[] store2 = mp ? new boolean[] {false, false, true} : new boolean[2];
                run(v2, store2, out[k], req[k], (v, o, n) -> {
                    double[] w = v[wi], gg = v[1];
                    for (int i = 0; i < n; i++) o[i] = w[i] - lr * gg[i];
                    if (mp) System.arraycopy(o, 0, w, 0, n);
                });
            }
        };
    }

    /** Sum of squares of a tensor, in double. */
    private static double sumSquares(Tensor t) {
        double[] buf = new double[BLOCK];
        double s = 0;
        for (long from = 0; from < t.size(); from += BLOCK) {
            int n = (int) Math.min(BLOCK, t.size() - from);
            load(t.segment(), t.dtype(), from, buf, n);
            for (int i = 0; i < n; i++) s += buf[i] * buf[i];
        }
        return s;
    }

    /**
     * The multi-weight SGD family (MXNet's MultiSGDKernel): per weight, mom = momentum mom -
     * lr wd w - lr clip(rescale g); w += mom. {@code w32} is the master weight's position in a
     * group; preloaded forms read lrs and wds from the two trailing inputs.
     */
    private static Kernel multiSgd(int stride, boolean momentum, int w32, boolean preloaded) {
        return (ctx, a, in, req, out) -> {
            int nw = a.getInt("num_weights");
            double[] lrs, wds;
            if (preloaded) {
                lrs = new double[nw];
                wds = new double[nw];
                for (int i = 0; i < nw; i++) {
                    lrs[i] = Elements.get(in[nw * stride].segment(), in[nw * stride].dtype(), i);
                    wds[i] = Elements.get(in[nw * stride + 1].segment(), in[nw * stride + 1].dtype(), i);
                }
            } else {
                lrs = a.getDoubles("lrs");
                wds = a.getDoubles("wds");
            }
            double mu = momentum ? a.getDouble("momentum") : 0, rs = a.getDouble("rescale_grad"), c = a.getDouble("clip_gradient");
            int wi = w32 < 0 ? 0 : w32;
            for (int k = 0; k < nw; k++) {
                double lr = lrs[k], wd = wds[k];
                Tensor[] vec = group(in, k, stride);
                boolean[] store = new boolean[stride];
                if (momentum) store[2] = true;
                if (w32 >= 0) store[w32] = true;
                run(vec, store, out[k], req[k], (v, o, n) -> {
                    double[] w = v[wi], g = v[1];
                    for (int i = 0; i < n; i++) {
                        double m = (momentum ? mu * v[2][i] : 0) - lr * wd * w[i] - lr * clip(rs * g[i], c);
                        if (momentum) v[2][i] = m;
                        o[i] = w[i] + m;
                    }
                    if (w32 >= 0) System.arraycopy(o, 0, w, 0, n);
                });
            }
        };
    }
}
