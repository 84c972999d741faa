package dev.mxj.cpu.kernels;

import dev.mxj.device.Device;
import dev.mxj.device.KernelTable;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Storage;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.op.defs.NeuralNetworkOps;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Activation, LeakyReLU, Dropout, BlockGrad and smooth_l1. Activation has float32 loops, one
 * per function so the JIT compiles each on its own (relu and softsign vectorise); every other
 * case goes through {@link Elementwise}'s double-block path.
 */
final class NnActivationKernels {
    private NnActivationKernels() {}

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    static final double SELU_LAMBDA = 1.0507009873554804934193349852946;
    static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    private static final double SQRT_2 = Math.sqrt(2), INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    /** MXNet's softrelu returns x itself above this, where log1p(exp(x)) == x in float anyway. */
    private static final double SOFTRELU_THRESHOLD = 20;

    static void register(KernelTable t) {
        t.add("Activation", NnActivationKernels::activation);
        t.add("_backward_Activation", NnActivationKernels::activationBackward);
        t.add("LeakyReLU", NnActivationKernels::leakyRelu);
        t.add("_backward_LeakyReLU", NnActivationKernels::leakyReluBackward);
        t.add("Dropout", NnActivationKernels::dropout);
        t.add("_backward_Dropout", (ctx, a, in, req, out) -> Elementwise.map2(in[0], in[1], out[0], req[0], (g, m) -> g * m, F32Loops.Bin.MUL));
        t.add("BlockGrad", NnActivationKernels::copy);
        t.add("smooth_l1", (ctx, a, in, req, out) -> {
            double s2 = a.getDouble("scalar") * a.getDouble("scalar");
            Elementwise.map1(in[0], out[0], req[0], x -> smoothL1(x, s2), null);
        });
        t.add("_backward_smooth_l1", (ctx, a, in, req, out) -> {
            double s2 = a.getDouble("scalar") * a.getDouble("scalar");
            Elementwise.map2(in[0], in[1], out[0], req[0], (g, x) -> g * smoothL1Grad(x, s2), null);
        });
    }

    // ------------------------------------------------------------------ Activation

    enum Act { RELU, SIGMOID, TANH, SOFTRELU, SOFTSIGN }

    static Act act(Attrs a) { return Act.valueOf(a.getString("act_type").toUpperCase(Locale.ROOT)); }

    static double forward(Act f, double x) {
        return switch (f) {
            case RELU -> x > 0 || Double.isNaN(x) ? x : 0;
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case TANH -> Math.tanh(x);
            case SOFTRELU -> x > SOFTRELU_THRESHOLD ? x : Math.log1p(Math.exp(x));
            case SOFTSIGN -> x / (1 + Math.abs(x));
        };
    }

    /** The derivative from the output y (and, for softsign, the input x), as MXNet's *_grad functions. */
    static double derivative(Act f, double y, double x) {
        return switch (f) {
            case RELU -> Double.isNaN(y) ? y : y > 0 ? 1 : 0;
            case SIGMOID -> y * (1 - y);
            case TANH -> 1 - y * y;
            case SOFTRELU -> -Math.expm1(-y);
            case SOFTSIGN -> 1 / ((1 + Math.abs(x)) * (1 + Math.abs(x)));
        };
    }

    private static boolean f32(OpReq req, Tensor... ts) {
        if (req == OpReq.ADD) return false;
        for (Tensor t : ts) if (t.dtype() != DType.FLOAT32) return false;
        return true;
    }

    private static void activation(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Act f = act(a);
        Tensor x = in[0], y = out[0];
        if (Elementwise.skip(req[0], y)) return;
        if (f32(req[0], x, y)) {
            MemorySegment xs = x.segment(), ys = y.segment();
            CpuParallel.forRange(y.size(), Elementwise.GRAIN, (from, to) -> forwardF32(f, xs, ys, from, to));
            return;
        }
        Elementwise.map1(x, y, req[0], v -> forward(f, v), null);
    }

    /** Staged through float[] chunks ({@link F32Loops}): C2 vectorises these loops on arrays, not on segments. */
    private static void forwardF32(Act f, MemorySegment xs, MemorySegment ys, long from, long to) {
        float[] v = F32Loops.stage()[0];
        for (long base = from; base < to; base += F32Loops.CHUNK) {
            int n = (int) Math.min(F32Loops.CHUNK, to - base);
            MemorySegment.copy(xs, F32, base * 4, v, 0, n);
            switch (f) {
                // Math.max is exactly relu (NaN stays NaN, -0 becomes +0) and, unlike a compare-select, vectorises
                case RELU -> { for (int i = 0; i < n; i++) v[i] = Math.max(v[i], 0f); }
                case SIGMOID -> { for (int i = 0; i < n; i++) v[i] = (float) (1 / (1 + Math.exp(-v[i]))); }
                case TANH -> { for (int i = 0; i < n; i++) v[i] = (float) Math.tanh(v[i]); }
                case SOFTRELU -> { for (int i = 0; i < n; i++) v[i] = (float) forward(Act.SOFTRELU, v[i]); }
                case SOFTSIGN -> { for (int i = 0; i < n; i++) v[i] = v[i] / (1f + Math.abs(v[i])); }
            }
            MemorySegment.copy(v, 0, ys, F32, base * 4, n);
        }
    }

    /** inputs (ograd, output[, data]): data_grad = ograd * f'(output, data). */
    private static void activationBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Act f = act(a);
        Tensor g = in[0], y = in[1], dx = out[0];
        if (Elementwise.skip(req[0], dx)) return;
        if (f == Act.SOFTSIGN) {
            Elementwise.map2(g, in[2], dx, req[0], (gv, xv) -> gv * derivative(f, 0, xv), null);
            return;
        }
        if (f32(req[0], g, y, dx)) {
            MemorySegment gs = g.segment(), ys = y.segment(), ds = dx.segment();
            CpuParallel.forRange(dx.size(), Elementwise.GRAIN, (from, to) -> backwardF32(f, gs, ys, ds, from, to));
            return;
        }
        Elementwise.map2(g, y, dx, req[0], (gv, yv) -> gv * derivative(f, yv, 0), null);
    }

    private static void backwardF32(Act f, MemorySegment gs, MemorySegment ys, MemorySegment ds, long from, long to) {
        float[][] st = F32Loops.stage();
        float[] g = st[0], y = st[1];
        for (long base = from; base < to; base += F32Loops.CHUNK) {
            int n = (int) Math.min(F32Loops.CHUNK, to - base);
            MemorySegment.copy(gs, F32, base * 4, g, 0, n);
            MemorySegment.copy(ys, F32, base * 4, y, 0, n);
            switch (f) {
                case RELU -> { for (int i = 0; i < n; i++) g[i] *= reluStep(y[i]); }
                case SIGMOID -> { for (int i = 0; i < n; i++) g[i] = g[i] * y[i] * (1f - y[i]); }
                case TANH -> { for (int i = 0; i < n; i++) g[i] *= 1f - y[i] * y[i]; }
                case SOFTRELU -> { for (int i = 0; i < n; i++) g[i] = (float) (g[i] * -Math.expm1(-y[i])); }
                case SOFTSIGN -> throw new IllegalStateException("softsign's gradient reads the input");
            }
            MemorySegment.copy(g, 0, ds, F32, base * 4, n);
        }
    }

    /**
     * relu's derivative from its output y without a branch (a compare-select on random signs
     * mispredicts; this form vectorises): y * 2^150 is at least 2 for every positive float, so
     * clamping to [0, 1] gives 1 for y > 0, 0 for y <= 0, and NaN for NaN, as MXNet's relu_grad.
     */
    private static float reluStep(float y) { return Math.max(Math.min(y * 0x1p75f * 0x1p75f, 1f), 0f); }

    // ------------------------------------------------------------------ LeakyReLU

    private static void leakyRelu(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        String type = a.getString("act_type");
        double slope = a.getDouble("slope");
        Tensor x = in[0];
        switch (type) {
            case "leaky" -> Elementwise.map1(x, out[0], req[0], v -> v > 0 ? v : v * slope, null);
            case "elu" -> Elementwise.map1(x, out[0], req[0], v -> v > 0 ? v : slope * Math.expm1(v), null);
            case "selu" -> Elementwise.map1(x, out[0], req[0], v -> SELU_LAMBDA * (v > 0 ? v : SELU_ALPHA * Math.expm1(v)), null);
            case "gelu" -> Elementwise.map1(x, out[0], req[0], v -> 0.5 * v * (1 + SpecialFunctions.erf(v / SQRT_2)), null);
            case "prelu" -> Elementwise.map2(x, gammaView(a, x, in[1]), out[0], req[0], (v, s) -> v > 0 ? v : v * s, null);
            case "rrelu" -> rrelu(ctx, a, x, req, out);
            default -> throw new IllegalArgumentException("LeakyReLU: unknown act_type " + type);
        }
    }

    /** gamma seen with data's rank: (C,) on axis 1 (axis 0 for 1-D data), or one shared element. */
    private static Tensor gammaView(Attrs a, Tensor x, Tensor gamma) {
        int ax = NeuralNetworkOps.preluGammaAxis(a, x.shape(), gamma.shape());
        long[] d = new long[x.shape().ndim()];
        Arrays.fill(d, 1);
        if (ax >= 0) d[ax] = gamma.size();
        return gamma.reshape(Shape.of(d));
    }

    /** Training: one slope per element, uniform in [lower, upper), kept in the mask output; inference: their midpoint. */
    private static void rrelu(OpContext ctx, Attrs a, Tensor x, OpReq[] req, Tensor[] out) {
        double lo = a.getDouble("lower_bound"), hi = a.getDouble("upper_bound");
        Tensor mask = out[1];
        try (Arena arena = Arena.ofShared()) {
            Tensor m = req[1] == OpReq.WRITE || req[1] == OpReq.INPLACE ? mask : scratch(arena, mask.shape(), mask.dtype());
            int n = Math.toIntExact(m.size());
            double[] s = new double[n];
            if (ctx.isTrain()) {
                RandomGenerator rng = ctx.random();
                for (int i = 0; i < n; i++) s[i] = lo + (hi - lo) * rng.nextDouble();
            } else {
                Arrays.fill(s, (lo + hi) / 2);
            }
            NnLines.write(m, OpReq.WRITE, s);
            Elementwise.map2(x, m, out[0], req[0], (v, k) -> v > 0 ? v : v * k, null);
            if (req[1] == OpReq.ADD) NnLines.write(mask, OpReq.ADD, s);
        }
    }

    /** inputs: ograd, data, [gamma], output, [mask]; outputs: data_grad, [gamma_grad]. */
    private static void leakyReluBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        String type = a.getString("act_type");
        double slope = a.getDouble("slope");
        Tensor g = in[0], x = in[1];
        switch (type) {
            case "leaky" -> Elementwise.map2(g, in[2], out[0], req[0], (gv, y) -> y > 0 ? gv : gv * slope, null);
            case "elu" -> Elementwise.map2(g, in[2], out[0], req[0], (gv, y) -> y > 0 ? gv : gv * (slope + y), null);
            // d/dx of lambda*alpha*(exp(x)-1) is output + lambda*alpha (MXNet 1.9 computes lambda*(alpha + output), which is not the derivative)
            case "selu" -> Elementwise.map2(g, in[2], out[0], req[0], (gv, y) -> gv * (y > 0 ? SELU_LAMBDA : y + SELU_LAMBDA * SELU_ALPHA), null);
            case "gelu" -> Elementwise.map2(g, x, out[0], req[0],
                    (gv, v) -> gv * (0.5 * (1 + SpecialFunctions.erf(v / SQRT_2)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v)), null);
            case "rrelu" -> Elementwise.map3(g, in[2], in[3], out[0], req[0], (gv, y, k) -> y > 0 ? gv : gv * k);
            case "prelu" -> preluBackward(a, g, x, in[2], req, out);
            default -> throw new IllegalArgumentException("LeakyReLU: unknown act_type " + type);
        }
    }

    /** data_grad = ograd * (x > 0 ? 1 : gamma); gamma_grad = sum of ograd * (x > 0 ? 0 : x) over the broadcast axes. */
    private static void preluBackward(Attrs a, Tensor g, Tensor x, Tensor gamma, OpReq[] req, Tensor[] out) {
        Tensor gv = gammaView(a, x, gamma);
        Elementwise.map3(g, x, gv, out[0], req[0], (o, v, s) -> v > 0 ? o : o * s);
        if (req[1] == OpReq.NULL) return;
        try (Arena arena = Arena.ofShared()) {
            Tensor prod = scratch(arena, x.shape(), x.dtype());
            Elementwise.map2(g, x, prod, OpReq.WRITE, (o, v) -> v > 0 ? 0 : o * v, null);
            boolean[] mask = new boolean[x.shape().ndim()];
            long[] gd = gv.shape().dims();
            for (int i = 0; i < mask.length; i++) mask[i] = gd[i] == 1 && x.shape().dim(i) != 1;
            ReduceEngine.reduce(ReduceEngine.Kind.SUM, prod, mask, out[1].reshape(gv.shape()), req[1], 1, false);
        }
    }

    // ------------------------------------------------------------------ Dropout

    /**
     * Training (or mode='always') with p > 0: mask = (u < 1-p) / (1-p) with one uniform draw
     * per mask element (shared along `axes`), out = data * mask; p = 1 zeroes everything.
     * Otherwise out = data and the mask is all ones, so the backward pass is the identity.
     */
    private static void dropout(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        double p = a.getDouble("p");
        boolean active = p > 0 && (ctx.isTrain() || a.getString("mode").equals("always"));
        Tensor x = in[0], mask = out[1];
        try (Arena arena = Arena.ofShared()) {
            Tensor m = req[1] == OpReq.WRITE || req[1] == OpReq.INPLACE ? mask : scratch(arena, mask.shape(), mask.dtype());
            int n = Math.toIntExact(m.size());
            double[] v = new double[n];
            if (active) {
                double keep = 1 - p, scale = keep > 0 ? 1 / keep : 0;
                drawMask(ctx.random(), keep, scale, v);
            } else {
                Arrays.fill(v, 1);
            }
            NnLines.write(m, OpReq.WRITE, v);
            if (active) Elementwise.map2(x, m, out[0], req[0], (d, k) -> d * k, F32Loops.Bin.MUL);
            else copy(ctx, a, in, req, out);
            if (req[1] == OpReq.ADD) NnLines.write(mask, OpReq.ADD, v);
        }
    }

    /**
     * v[i] = scale with probability keep, else 0: one 64-bit draw gives two 32-bit uniforms,
     * each compared with keep * 2^32 (halves the generator calls of a nextDouble per element).
     */
    static void drawMask(RandomGenerator rng, double keep, double scale, double[] v) {
        long threshold = (long) Math.min(keep * 0x1p32, 0x1p32);
        int n = v.length, i = 0;
        for (; i + 1 < n; i += 2) {
            long r = rng.nextLong();
            v[i] = (r >>> 32) < threshold ? scale : 0;
            v[i + 1] = (r & 0xffffffffL) < threshold ? scale : 0;
        }
        if (i < n) v[i] = (rng.nextLong() >>> 32) < threshold ? scale : 0;
    }

    /** out = in (BlockGrad, inactive Dropout); nothing to do in place. */
    private static void copy(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Tensor x = in[0], y = out[0];
        switch (req[0]) {
            case NULL -> { }
            case ADD -> ReqOut.add(y.segment(), x.segment(), y.dtype(), y.size());
            default -> {
                if (x.storage() != y.storage() || x.byteOffset() != y.byteOffset()) MemorySegment.copy(x.segment(), 0, y.segment(), 0, y.byteSize());
            }
        }
    }

    // ------------------------------------------------------------------ smooth_l1

    static double smoothL1(double x, double s2) {
        return x > 1 / s2 ? x - 0.5 / s2 : x < -1 / s2 ? -x - 0.5 / s2 : 0.5 * x * x * s2;
    }

    static double smoothL1Grad(double x, double s2) {
        return x > 1 / s2 ? 1 : x < -1 / s2 ? -1 : s2 * x;
    }

    // ------------------------------------------------------------------ scratch tensors

    /** Host memory standing in for an output the caller does not want (OpReq NULL) or accumulates into (ADD). */
    private record ScratchStorage(MemorySegment hostSegment) implements Storage {
        @Override public Device device() { return null; }
        @Override public long bytes() { return hostSegment.byteSize(); }
        @Override public long address() { return hostSegment.address(); }
    }

    static Tensor scratch(Arena arena, Shape s, DType t) {
        MemorySegment seg = arena.allocate(Math.max(1, s.size() * t.byteSize()), 64);
        return new Tensor(new ScratchStorage(seg), 0, s, t);
    }
}
