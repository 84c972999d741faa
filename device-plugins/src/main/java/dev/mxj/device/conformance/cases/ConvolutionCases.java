package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.op.DType;
import dev.mxj.op.OperatorException;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;
import dev.mxj.op.TypeException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static dev.mxj.device.conformance.cases.ShapeCaseSupport.dims;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.err;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.f32;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.fwd;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.params;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.secondOrder;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.seq;

/**
 * Test cases of the convolution family. Small cases have hand-computed values; the rest compare
 * with {@link ConvReference}, direct loops written from the operators' definitions. Gradient
 * checks stay at a few dozen elements per input (each element costs two forward runs).
 */
public final class ConvolutionCases {
    private ConvolutionCases() {}

    public static List<OpCase> cases() {
        List<OpCase> c = new ArrayList<>();
        convolution(c);
        deconvolution(c);
        pooling(c);
        SamplingCases.add(c);
        return c;
    }

    /** Random values in [-1, 1) of the given dtype, reproducible from {@code seed}. */
    static HostArray rand(long seed, DType t, long... dims) {
        return HostArray.random(Shape.of(dims), t, -1, 1, new SplittableRandom(seed));
    }

    static HostArray rand(long seed, long... dims) { return rand(seed, DType.FLOAT32, dims); }

    private static long[] tuple(String s) {
        String t = s.replaceAll("[()\\s]", "");
        if (t.isEmpty()) return new long[0];
        String[] parts = t.split(",");
        long[] r = new long[parts.length];
        for (int i = 0; i < parts.length; i++) r[i] = Long.parseLong(parts[i]);
        return r;
    }

    private static long[] orDefault(long[] v, int nd, long fill) {
        if (v.length > 0) return v;
        long[] r = new long[nd];
        Arrays.fill(r, fill);
        return r;
    }

    // ------------------------------------------------------------------ Convolution

    /** {params, data shape}: reference-checked forward cases (weight and bias shapes follow from the params). */
    private static final Object[][] CONV = {
            {"kernel=(3, 3); num_filter=4; stride=(2, 2); pad=(1, 1)", dims(2, 3, 5, 5)},
            {"kernel=(2, 3); num_filter=4; dilate=(2, 1); num_group=2", dims(1, 4, 6, 6)},
            {"kernel=(3, 3); num_filter=6; pad=(1, 1); num_group=3; no_bias=True", dims(2, 3, 4, 5)},
            {"kernel=(3,); num_filter=3; stride=(2,); pad=(1,)", dims(2, 2, 7)},
            {"kernel=(2,); num_filter=2; dilate=(3,); no_bias=True", dims(1, 3, 8)},
            {"kernel=(2, 2, 2); num_filter=2; pad=(1, 0, 1); num_group=2", dims(1, 2, 4, 4, 3)},
            {"kernel=(1, 3, 2); num_filter=3; stride=(1, 2, 1); dilate=(1, 1, 2)", dims(2, 1, 2, 5, 5)},
            {"kernel=(1, 1); num_filter=5", dims(2, 3, 3, 4)},
            {"kernel=(3, 3); num_filter=4; pad=(1, 1)", dims(9, 2, 4, 4)},          // several images per GEMM
            {"kernel=(5, 5); num_filter=8; pad=(2, 2)", dims(2, 8, 12, 12)},        // large enough for oneDNN
            {"kernel=(3, 3); num_filter=16; stride=(2, 2); num_group=2", dims(2, 16, 9, 9)},
    };

    private static void convolution(List<OpCase> c) {
        // 1..9 in a 3x3 image, 2x2 kernel of ones: sums of each 2x2 window
        c.add(fwd("Convolution", "kernel=(2, 2); num_filter=1; no_bias=True", seq(1, 1, 3, 3), f32(dims(1, 1, 2, 2), 1, 1, 1, 1))
                .expectValues(Shape.of(1, 1, 2, 2), 8, 12, 20, 24));
        c.add(fwd("Convolution", "kernel=(2,); num_filter=2", f32(dims(1, 1, 3), 1, 2, 3), f32(dims(2, 1, 2), 1, -1, 0.5, 0.5), f32(dims(2), 10, 20))
                .expectValues(Shape.of(1, 2, 2), 9, 9, 21.5, 22.5));
        c.add(fwd("_npx_convolution", "kernel=(1, 1); num_filter=1; no_bias=True", seq(1, 2, 1, 2), f32(dims(1, 2, 1, 1), 2, 3))
                .expectValues(Shape.of(1, 1, 1, 2), 6, 11));
        int seed = 100;
        for (Object[] r : CONV) {
            OpCase k = params(OpCase.forward("Convolution"), (String) r[0]);
            long[] data = (long[]) r[1];
            c.add(convCase(k, (String) r[0], data, DType.FLOAT32, seed++));
        }
        c.add(convCase(params(OpCase.forward("Convolution"), "kernel=(3, 2); num_filter=2; pad=(1, 1); stride=(2, 1)"),
                "kernel=(3, 2); num_filter=2; pad=(1, 1); stride=(2, 1)", dims(2, 2, 5, 4), DType.FLOAT64, seed));

        // an empty batch gives an empty output
        c.add(fwd("Convolution", "kernel=(3, 3); num_filter=4; pad=(1, 1)", rand(7, 0, 2, 5, 5), rand(8, 4, 2, 3, 3), rand(9, 4))
                .expectValues(Shape.of(0, 4, 5, 5)));
        c.add(errConv("Convolution", "kernel=(4, 4); num_filter=2", ShapeException.class, "kernel size exceeds input", dims(1, 1, 3, 3)));
        c.add(errConv("Convolution", "kernel=(3, 3); num_filter=2; dilate=(2, 2); pad=(1, 1)", ShapeException.class, "kernel size exceeds input", dims(1, 1, 2, 2)));
        c.add(errConv("Convolution", "kernel=(3, 3); num_filter=2; layout=NHWC", OperatorException.class, "not supported on CPU", dims(1, 5, 5, 1)));
        c.add(errConv("Convolution", "kernel=(3, 3); num_filter=2; stride=(1,)", OperatorException.class, "stride (1,) must have the same number", dims(1, 1, 5, 5)));
        c.add(errConv("Convolution", "kernel=(3, 3); num_filter=2; num_group=2", ShapeException.class, "must be divisible by num_group", dims(1, 3, 5, 5)));
        c.add(errConv("Convolution", "kernel=(3, 3); num_filter=2", ShapeException.class, "should be 4D", dims(1, 3, 5)));
        c.add(err("Convolution", "kernel=(2, 2); num_filter=1; no_bias=True", ShapeException.class, "input weight",
                rand(1, 1, 1, 3, 3), rand(2, 1, 2, 2, 2)));
        c.add(errConv("Convolution", "kernel=(1, 1, 1, 1); num_filter=1", OperatorException.class, "1, 2 or 3 dimensions", dims(1, 1, 2, 2, 2, 2)));
        c.add(err("Convolution", "kernel=(1, 1); num_filter=1; no_bias=True", TypeException.class, "int32 is not supported",
                HostArray.of(Shape.of(1, 1, 1, 1), DType.INT32, 1), HostArray.of(Shape.of(1, 1, 1, 1), DType.INT32, 1)));
        c.add(errConv("Convolution", "kernel=(1, 1); num_filter=0", OperatorException.class, "num_filter", dims(1, 1, 1, 1)));

        // gradients of data, weight and bias across the geometry options
        c.add(grad("Convolution", "kernel=(2, 2); num_filter=2", dims(1, 2, 3, 3)));
        c.add(secondOrder(grad("Convolution", "kernel=(2, 2); num_filter=2", dims(1, 2, 3, 3))));
        c.add(grad("Convolution", "kernel=(3, 3); num_filter=2; stride=(2, 2); pad=(1, 1)", dims(1, 1, 5, 5)));
        c.add(secondOrder(grad("Convolution", "kernel=(3, 3); num_filter=2; stride=(2, 2); pad=(1, 1)", dims(1, 1, 5, 5))));
        c.add(grad("Convolution", "kernel=(2, 2); num_filter=2; dilate=(2, 2); no_bias=True", dims(1, 1, 5, 5)));
        c.add(secondOrder(grad("Convolution", "kernel=(2, 2); num_filter=2; dilate=(2, 2); no_bias=True", dims(1, 1, 5, 5))));
        c.add(grad("Convolution", "kernel=(2, 2); num_filter=4; num_group=2; pad=(1, 0)", dims(1, 2, 3, 3)));
        c.add(secondOrder(grad("Convolution", "kernel=(2, 2); num_filter=4; num_group=2; pad=(1, 0)", dims(1, 2, 3, 3))));
        c.add(grad("Convolution", "kernel=(3,); num_filter=2; stride=(2,); pad=(1,)", dims(2, 2, 6)));
        c.add(secondOrder(grad("Convolution", "kernel=(3,); num_filter=2; stride=(2,); pad=(1,)", dims(2, 2, 6))));
        c.add(grad("Convolution", "kernel=(2, 2, 2); num_filter=2; pad=(0, 1, 0); no_bias=True", dims(1, 1, 3, 3, 3)));
        c.add(secondOrder(grad("Convolution", "kernel=(2, 2, 2); num_filter=2; pad=(0, 1, 0); no_bias=True", dims(1, 1, 3, 3, 3))));
        c.add(grad("Convolution", "kernel=(1, 1); num_filter=3", dims(2, 2, 2, 2)));
        c.add(secondOrder(grad("Convolution", "kernel=(1, 1); num_filter=3", dims(2, 2, 2, 2))));
        c.add(grad("Convolution", "kernel=(3, 3); num_filter=2; pad=(1, 1)", dims(5, 1, 2, 2))); // batched GEMM path
        c.add(secondOrder(grad("Convolution", "kernel=(3, 3); num_filter=2; pad=(1, 1)", dims(5, 1, 2, 2))));
    }

    private static OpCase convCase(OpCase k, String p, long[] data, DType t, long seed) {
        int nd = data.length - 2;
        long[] kernel = tuple(value(p, "kernel"));
        long f = Long.parseLong(value(p, "num_filter"));
        int groups = value(p, "num_group").isEmpty() ? 1 : Integer.parseInt(value(p, "num_group"));
        boolean noBias = value(p, "no_bias").equals("True");
        long[] w = new long[nd + 2];
        w[0] = f;
        w[1] = data[1] / groups;
        System.arraycopy(kernel, 0, w, 2, nd);
        HostArray x = rand(seed, t, data), wt = rand(seed + 1000, t, w), b = noBias ? null : rand(seed + 2000, t, f);
        k.input(x).input(wt);
        if (b != null) k.input(b);
        HostArray y = ConvReference.conv(x, wt, b, kernel, orDefault(tuple(value(p, "stride")), nd, 1), orDefault(tuple(value(p, "dilate")), nd, 1),
                orDefault(tuple(value(p, "pad")), nd, 0), groups);
        return k.expect(y).tol(1e-4, 1e-5);
    }

    /**
     * An error case of a conv-like op with data of shape {@code data} plus weight and bias inputs
     * shaped as the parameters imply (so that the intended error is the first one found).
     */
    private static OpCase errConv(String op, String p, Class<? extends OperatorException> type, String contains, long[] data) {
        OpCase k = params(OpCase.error(op), p).input(rand(1, data));
        boolean deconv = op.equals("Deconvolution");
        long[] kernel = tuple(value(p, "kernel"));
        long f = Long.parseLong(value(p, "num_filter"));
        int groups = value(p, "num_group").isEmpty() ? 1 : Integer.parseInt(value(p, "num_group"));
        String nb = value(p, "no_bias");
        boolean noBias = nb.isEmpty() ? deconv : nb.equals("True");
        long[] w = new long[kernel.length + 2];
        w[0] = deconv ? data[1] : Math.max(1, f);
        w[1] = Math.max(1, deconv ? f / groups : data[1] / groups);
        System.arraycopy(kernel, 0, w, 2, kernel.length);
        k.input(rand(2, w));
        if (!noBias) k.input(rand(3, Math.max(1, f)));
        return k.fails(type, contains);
    }

    /** The value of {@code key} in "k=v; k=v", or "" when absent. */
    private static String value(String params, String key) {
        for (String kv : params.split(";")) {
            int eq = kv.indexOf('=');
            if (kv.substring(0, eq).trim().equals(key)) return kv.substring(eq + 1).trim();
        }
        return "";
    }

    /** A gradient check of a conv-like op with random data; weight and bias shapes come from shape inference. */
    private static OpCase grad(String op, String p, long[] data) {
        OpCase k = params(OpCase.forward(op), p);
        k.randomInput(data);
        int nd = data.length - 2;
        long[] kernel = tuple(value(p, "kernel"));
        long f = Long.parseLong(value(p, "num_filter"));
        int groups = value(p, "num_group").isEmpty() ? 1 : Integer.parseInt(value(p, "num_group"));
        boolean deconv = op.equals("Deconvolution");
        String nb = value(p, "no_bias");
        boolean noBias = nb.isEmpty() ? deconv : nb.equals("True");
        long[] w = new long[nd + 2];
        w[0] = deconv ? data[1] : f;
        w[1] = deconv ? f / groups : data[1] / groups;
        System.arraycopy(kernel, 0, w, 2, nd);
        k.randomInput(w);
        if (!noBias) k.randomInput(f);
        return k.gradCheck();
    }

    // ------------------------------------------------------------------ Deconvolution

    private static final Object[][] DECONV = {
            {"kernel=(3, 3); num_filter=2; stride=(2, 2); pad=(1, 1); adj=(1, 1); no_bias=False", dims(2, 3, 3, 3)},
            {"kernel=(2, 3); num_filter=4; dilate=(2, 1); num_group=2", dims(1, 4, 3, 2)},
            {"kernel=(4, 4); num_filter=3; stride=(2, 2); pad=(1, 1); target_shape=(8, 7); no_bias=False", dims(1, 2, 4, 4)},
            {"kernel=(3,); num_filter=2; stride=(3,); pad=(1,); adj=(2,)", dims(2, 3, 4)},
            {"kernel=(2, 2, 2); num_filter=2; stride=(2, 1, 2); num_group=2; no_bias=False", dims(1, 2, 2, 3, 2)},
            {"kernel=(4, 4); num_filter=8; stride=(2, 2); pad=(1, 1); no_bias=False", dims(2, 8, 8, 8)},
    };

    private static void deconvolution(List<OpCase> c) {
        // [[1, 2], [3, 4]] spread by a 2x2 kernel of ones
        c.add(fwd("Deconvolution", "kernel=(2, 2); num_filter=1", f32(dims(1, 1, 2, 2), 1, 2, 3, 4), f32(dims(1, 1, 2, 2), 1, 1, 1, 1))
                .expectValues(Shape.of(1, 1, 3, 3), 1, 3, 2, 4, 10, 6, 3, 7, 4));
        // stride 2 places copies of the kernel side by side; bias added everywhere
        c.add(fwd("_npx_deconvolution", "kernel=(2,); num_filter=1; stride=(2,); no_bias=False", f32(dims(1, 1, 2), 1, 2), f32(dims(1, 1, 2), 1, -1),
                f32(dims(1), 0.5)).expectValues(Shape.of(1, 1, 4), 1.5, -0.5, 2.5, -1.5));
        int seed = 300;
        for (Object[] r : DECONV) {
            String p = (String) r[0];
            long[] data = (long[]) r[1];
            c.add(deconvCase(params(OpCase.forward("Deconvolution"), p), p, data, DType.FLOAT32, seed++));
        }
        c.add(deconvCase(params(OpCase.forward("Deconvolution"), "kernel=(3, 3); num_filter=2; stride=(2, 2); adj=(1, 0)"),
                "kernel=(3, 3); num_filter=2; stride=(2, 2); adj=(1, 0)", dims(1, 2, 3, 3), DType.FLOAT64, seed));

        c.add(errConv("Deconvolution", "kernel=(3, 3); num_filter=2; stride=(2, 2); adj=(2, 2)", ShapeException.class, "must be smaller than stride", dims(1, 1, 3, 3)));
        c.add(errConv("Deconvolution", "kernel=(3, 3); num_filter=2; target_shape=(9, 9)", ShapeException.class, "too big target shape", dims(1, 1, 3, 3)));
        c.add(errConv("Deconvolution", "kernel=(3, 3); num_filter=2; pad=(3, 3)", ShapeException.class, "leaves no output", dims(1, 1, 2, 2)));
        c.add(errConv("Deconvolution", "kernel=(3, 3); num_filter=3; num_group=2", ShapeException.class, "must be divisible by num_group", dims(1, 2, 3, 3)));
        c.add(errConv("Deconvolution", "kernel=(3, 3); num_filter=2; adj=(1,)", OperatorException.class, "adj (1,) must have the same number", dims(1, 1, 3, 3)));

        c.add(grad("Deconvolution", "kernel=(2, 2); num_filter=2; no_bias=False", dims(1, 2, 2, 3)));
        c.add(secondOrder(grad("Deconvolution", "kernel=(2, 2); num_filter=2; no_bias=False", dims(1, 2, 2, 3))));
        c.add(grad("Deconvolution", "kernel=(3, 3); num_filter=1; stride=(2, 2); pad=(1, 1); adj=(1, 1)", dims(1, 2, 3, 3)));
        c.add(secondOrder(grad("Deconvolution", "kernel=(3, 3); num_filter=1; stride=(2, 2); pad=(1, 1); adj=(1, 1)", dims(1, 2, 3, 3))));
        c.add(grad("Deconvolution", "kernel=(2, 2); num_filter=4; num_group=2; dilate=(2, 1); no_bias=False", dims(1, 2, 2, 2)));
        c.add(secondOrder(grad("Deconvolution", "kernel=(2, 2); num_filter=4; num_group=2; dilate=(2, 1); no_bias=False", dims(1, 2, 2, 2))));
        c.add(grad("Deconvolution", "kernel=(3,); num_filter=2; stride=(2,); target_shape=(8,)", dims(2, 2, 4)));
        c.add(secondOrder(grad("Deconvolution", "kernel=(3,); num_filter=2; stride=(2,); target_shape=(8,)", dims(2, 2, 4))));
        c.add(grad("Deconvolution", "kernel=(2, 2, 2); num_filter=2; stride=(2, 2, 1)", dims(1, 1, 2, 2, 2)));
        c.add(secondOrder(grad("Deconvolution", "kernel=(2, 2, 2); num_filter=2; stride=(2, 2, 1)", dims(1, 1, 2, 2, 2))));
    }

    private static OpCase deconvCase(OpCase k, String p, long[] data, DType t, long seed) {
        int nd = data.length - 2;
        long[] kernel = tuple(value(p, "kernel"));
        long f = Long.parseLong(value(p, "num_filter"));
        int groups = value(p, "num_group").isEmpty() ? 1 : Integer.parseInt(value(p, "num_group"));
        boolean noBias = !value(p, "no_bias").equals("False");
        long[] stride = orDefault(tuple(value(p, "stride")), nd, 1), dilate = orDefault(tuple(value(p, "dilate")), nd, 1);
        long[] pad = orDefault(tuple(value(p, "pad")), nd, 0), adj = orDefault(tuple(value(p, "adj")), nd, 0);
        long[] target = tuple(value(p, "target_shape"));
        if (target.length > 0) {
            // MXNet's InferPad, restated: the padding and adjustment that reach target_shape
            for (int i = 0; i < nd; i++) {
                long full = stride[i] * (data[2 + i] - 1) + dilate[i] * (kernel[i] - 1) + 1 - target[i];
                adj[i] = full % 2;
                pad[i] = (full + 1) / 2;
            }
        }
        long[] w = new long[nd + 2];
        w[0] = data[1];
        w[1] = f / groups;
        System.arraycopy(kernel, 0, w, 2, nd);
        HostArray x = rand(seed, t, data), wt = rand(seed + 1000, t, w), b = noBias ? null : rand(seed + 2000, t, f);
        k.input(x).input(wt);
        if (b != null) k.input(b);
        return k.expect(ConvReference.deconv(x, wt, b, kernel, stride, dilate, pad, adj, groups)).tol(1e-4, 1e-5);
    }

    // ------------------------------------------------------------------ Pooling

    /** {params, data shape}: reference-checked Pooling cases (channel-first unless layout says otherwise). */
    private static final Object[][] POOL = {
            {"kernel=(2, 2); stride=(2, 2)", dims(2, 3, 6, 6)},
            {"kernel=(3, 3); stride=(2, 2); pad=(1, 1); pool_type=avg", dims(1, 2, 5, 6)},
            {"kernel=(3, 3); stride=(2, 2); pad=(1, 1); pool_type=avg; count_include_pad=False", dims(1, 2, 5, 6)},
            {"kernel=(3, 2); stride=(2, 2); pool_type=avg; pooling_convention=full", dims(1, 2, 6, 5)},
            {"kernel=(2, 2); stride=(2, 2); pad=(1, 1); pooling_convention=full", dims(1, 2, 4, 5)},
            {"kernel=(2, 3); stride=(1, 2); pool_type=sum", dims(2, 1, 4, 5)},
            {"kernel=(2, 2); pool_type=lp; p_value=2", dims(1, 2, 3, 3)},
            {"kernel=(2, 2); pool_type=lp; p_value=1; stride=(2, 1)", dims(1, 1, 4, 3)},
            {"kernel=(3,); stride=(2,); pad=(1,)", dims(2, 2, 7)},
            {"kernel=(3,); stride=(2,); pooling_convention=same; pool_type=avg", dims(1, 2, 8)},
            {"kernel=(2, 2, 2); stride=(2, 1, 2); pool_type=avg; pad=(1, 0, 0)", dims(1, 2, 3, 4, 4)},
            {"kernel=(1, 1); global_pool=True; pool_type=avg", dims(2, 3, 4, 5)},
            {"global_pool=True", dims(2, 3, 5)},
            {"kernel=(3, 3); stride=(1, 1)", dims(2, 4, 12, 12)},
    };

    private static void pooling(List<OpCase> c) {
        c.add(fwd("Pooling", "kernel=(2, 2); stride=(2, 2)", seq(1, 1, 4, 4)).expectValues(Shape.of(1, 1, 2, 2), 5, 7, 13, 15));
        c.add(fwd("_npx_pooling", "kernel=(2, 2); pool_type=avg", seq(1, 1, 2, 3)).expectValues(Shape.of(1, 1, 1, 2), 2, 3));
        // 2x2 stride-2 windows of a padded 3x3 image [[0, 1, 2], [3, 4, 5], [6, 7, 8]]: {0}, {1, 2}, {3, 6}, {4, 5, 7, 8}
        c.add(fwd("Pooling", "kernel=(2, 2); stride=(2, 2); pad=(1, 1); pool_type=sum", seq(1, 1, 3, 3))
                .expectValues(Shape.of(1, 1, 2, 2), 0, 3, 9, 24));
        int seed = 500;
        for (Object[] r : POOL) {
            String p = (String) r[0];
            c.add(poolCase(p, (long[]) r[1], DType.FLOAT32, null, seed++));
        }
        c.add(poolCase("kernel=(2, 2); stride=(1, 2); pool_type=avg; pad=(1, 1)", dims(1, 2, 3, 4), DType.FLOAT64, null, seed++));
        c.add(poolCase("kernel=(2, 2); stride=(2, 1)", dims(2, 3, 4, 3), DType.FLOAT32, "NHWC", seed++));
        c.add(poolCase("kernel=(3,); pool_type=avg; pad=(1,)", dims(1, 2, 5), DType.FLOAT32, "NWC", seed++));
        c.add(poolCase("kernel=(2, 2, 1); pool_type=sum", dims(1, 2, 2, 3, 2), DType.FLOAT32, "NDHWC", seed));

        c.add(fwd("Pooling", "kernel=(2, 2); stride=(2, 2)", rand(7, 0, 3, 4, 4)).expectValues(Shape.of(0, 3, 2, 2)));
        c.add(err("Pooling", "kernel=(4, 4)", ShapeException.class, "kernel size (4) exceeds input (3 padded to 3)", rand(1, 1, 1, 3, 3)));
        c.add(err("Pooling", "kernel=(2, 2); pool_type=lp", OperatorException.class, "p_value is required", rand(1, 1, 1, 3, 3)));
        c.add(err("Pooling", "kernel=(2, 2); pool_type=lp; p_value=4", OperatorException.class, "p_value 4 is not supported", rand(1, 1, 1, 3, 3)));
        c.add(err("Pooling", "kernel=(2, 2); pooling_convention=same", ShapeException.class, "supports only 1-D", rand(1, 1, 1, 3, 3)));
        c.add(err("Pooling", "pool_type=avg", OperatorException.class, "kernel must be set unless global_pool", rand(1, 1, 1, 3, 3)));
        c.add(err("Pooling", "kernel=(2,)", ShapeException.class, "has 1 dimensions but the input", rand(1, 1, 1, 3, 3)));
        c.add(err("Pooling", "kernel=(2, 2)", ShapeException.class, "input data should be 3D", rand(1, 1, 3)));
        c.add(err("Pooling", "kernel=(2, 2); stride=(1, 1, 1)", OperatorException.class, "stride (1, 1, 1) must have the same number",
                rand(1, 1, 1, 3, 3)));
        c.add(err("Pooling", "kernel=(2, 2); pool_type=median", OperatorException.class, "pool_type", rand(1, 1, 1, 3, 3)));

        c.add(poolGrad("kernel=(2, 2); stride=(1, 1)", dims(1, 2, 3, 3)));
        c.add(poolGrad("kernel=(3, 3); stride=(2, 2); pad=(1, 1); pool_type=avg", dims(1, 1, 5, 5)));
        c.add(poolGrad("kernel=(3, 3); stride=(2, 2); pad=(1, 1); pool_type=avg; count_include_pad=False", dims(1, 1, 4, 4)));
        c.add(poolGrad("kernel=(2, 2); stride=(2, 2); pool_type=sum; pooling_convention=full", dims(1, 2, 3, 3)));
        c.add(poolGrad("kernel=(2,); pool_type=lp; p_value=2", dims(2, 2, 5)));
        c.add(poolGrad("kernel=(2, 2, 2); stride=(1, 2, 1)", dims(1, 1, 3, 4, 3)));
        c.add(poolGrad("global_pool=True; pool_type=avg", dims(2, 2, 3, 3)));
        // the backward differentiated (create_graph): linear pooling, and max pooling over disjoint windows
        c.add(poolSecondOrder("kernel=(3, 3); stride=(2, 2); pad=(1, 1); pool_type=avg", dims(1, 1, 5, 5)));
        c.add(poolSecondOrder("kernel=(3, 3); stride=(2, 2); pad=(1, 1); pool_type=avg; count_include_pad=False", dims(1, 1, 4, 4)));
        c.add(poolSecondOrder("kernel=(2, 2); stride=(2, 2); pool_type=sum; pooling_convention=full", dims(1, 2, 3, 3)));
        c.add(poolSecondOrder("kernel=(2, 2); stride=(2, 2)", dims(1, 2, 4, 4)));
        c.add(poolSecondOrder("kernel=(2, 2); stride=(3, 2); pad=(1, 0)", dims(1, 1, 5, 4)));
        c.add(poolSecondOrder("global_pool=True", dims(2, 2, 3, 3)));
        c.add(poolSecondOrder("global_pool=True; pool_type=avg", dims(2, 2, 3, 3)));
        c.add(poolGrad("kernel=(2, 2); stride=(1, 1); layout=NHWC", dims(1, 3, 3, 2)));
        c.add(params(OpCase.forward("Pooling"), "kernel=(2, 2); pool_type=lp; p_value=3")
                .randomInput(Shape.of(1, 2, 3, 3), DType.FLOAT32, 0.5, 1.5).gradCheck());
    }

    private static OpCase poolCase(String p, long[] data, DType t, String layout, long seed) {
        String full = layout == null ? p : p + "; layout=" + layout;
        OpCase k = params(OpCase.forward("Pooling"), full);
        int nd = data.length - 2;
        boolean global = value(p, "global_pool").equals("True");
        // data is given channel-first; channel-last cases feed and expect the transposed arrays
        HostArray x = rand(seed, t, data);
        long[] spatial = new long[nd];
        for (int i = 0; i < nd; i++) spatial[i] = data[2 + i];
        long[] kernel = global ? spatial : tuple(value(p, "kernel"));
        long[] stride = global ? orDefault(new long[0], nd, 1) : orDefault(tuple(value(p, "stride")), nd, 1);
        long[] pad = global ? orDefault(new long[0], nd, 0) : orDefault(tuple(value(p, "pad")), nd, 0);
        String type = value(p, "pool_type").isEmpty() ? "max" : value(p, "pool_type");
        String conv = value(p, "pooling_convention").isEmpty() ? "valid" : value(p, "pooling_convention");
        boolean include = !value(p, "count_include_pad").equals("False");
        int pv = value(p, "p_value").isEmpty() ? 1 : Integer.parseInt(value(p, "p_value"));
        HostArray y = ConvReference.pool(x, type, kernel, stride, pad, conv, include, pv);
        if (layout != null) {
            x = ConvReference.moveChannel(x, true);
            y = ConvReference.moveChannel(y, true);
        }
        return k.input(x).expect(y).tol(1e-5, 1e-6);
    }

    private static OpCase poolGrad(String p, long[] data) {
        return params(OpCase.forward("Pooling"), p).randomInput(data).gradCheck();
    }

    /**
     * _backward_Pooling differentiated (create_graph) on (ograd, data, output), the output pooled
     * by definition so that max pooling finds its maxima (channel-first data).
     */
    private static OpCase poolSecondOrder(String p, long[] data) {
        OpCase fwd = poolCase(p, data, DType.FLOAT32, null, 50);
        return secondOrder(params(OpCase.forward("Pooling"), p).input(fwd.inputs().get(0)), fwd.expected().get(0));
    }
}
