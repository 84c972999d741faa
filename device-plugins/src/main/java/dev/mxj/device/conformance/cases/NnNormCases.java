package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.op.DType;
import dev.mxj.op.ParameterException;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;
import dev.mxj.op.TypeException;

import java.util.List;

import static dev.mxj.device.conformance.cases.NnReference.rnd;
import static dev.mxj.device.conformance.cases.NnReference.uniform;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.arr;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.dims;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.err;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.f32;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.fwd;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.grad;

/** Cases of the normalisation and sequence operators. */
final class NnNormCases {
    private NnNormCases() {}

    static void cases(List<OpCase> c) {
        batchNorm(c);
        layerNorm(c);
        instanceAndGroupNorm(c);
        l2Normalization(c);
        sequenceMask(c);
        sequenceLast(c);
        sequenceReverse(c);
    }

    // ------------------------------------------------------------------ BatchNorm

    /** A BatchNorm case: data plus random gamma/beta/moving mean and a positive moving variance for its channels. */
    private static OpCase bn(String params, HostArray data, int axis, long seed) {
        int ch = (int) data.shape().dim(axis);
        DType p = data.dtype() == DType.FLOAT16 ? DType.FLOAT32 : data.dtype();
        return fwd("BatchNorm", params, data, uniform(seed, 0.5, 1.5, ch).astype(p), rnd(seed + 1, ch).astype(p),
                rnd(seed + 2, ch).astype(p), uniform(seed + 3, 0.5, 1.5, ch).astype(p));
    }

    /** Expected outputs (out, mean, invstd) of a BatchNorm case from the reference. */
    private static OpCase bnExpect(OpCase c, int axis, double eps, boolean fixGamma, boolean batchStats, double rtol) {
        List<HostArray> in = c.inputs();
        HostArray x = in.get(0);
        double[][] r = NnReference.batchNorm(x.data(), x.shape(), axis, in.get(1).data(), in.get(2).data(), in.get(3).data(), in.get(4).data(),
                eps, 0.9, fixGamma, batchStats);
        Shape ch = in.get(1).shape();
        return c.expectValues(x.shape(), r[0]).expectValues(ch, r[1]).expectValues(ch, r[2]).tol(rtol, rtol);
    }

    private static void batchNorm(List<OpCase> c) {
        // by hand, moving statistics: (x - mm) / sqrt(mv) * gamma + beta
        c.add(fwd("BatchNorm", "eps=0; fix_gamma=False", f32(dims(2, 2), 1, 2, 3, 4), f32(dims(2), 2, 3), f32(dims(2), 0.5, -0.5),
                f32(dims(2), 1, 2), f32(dims(2), 4, 1)).expectValues(Shape.of(2, 2), 0.5, -0.5, 2.5, 5.5));
        c.add(bnExpect(bn("fix_gamma=False; output_mean_var=True", rnd(41, 3, 2, 2, 2), 1, 42).train(), 1, 1e-3, false, true, 1e-5)
                .label("training, NCHW"));
        c.add(bnExpect(bn("axis=-1", rnd(43, 2, 3, 4), 2, 44).train(), 2, 1e-3, true, true, 1e-5).label("training, channels last, fix_gamma"));
        c.add(bnExpect(bn("use_global_stats=True; fix_gamma=False; eps=1e-5", rnd(45, 4, 3), 1, 46).train(), 1, 1e-5, false, false, 1e-5)
                .label("use_global_stats"));
        c.add(bnExpect(bn("fix_gamma=False", rnd(47, 5, 3), 1, 48), 1, 1e-3, false, false, 1e-5).label("inference"));
        c.add(bnExpect(bn("fix_gamma=False", rnd(49, 4, 2, 3).astype(DType.FLOAT16), 1, 50).train(), 1, 1e-3, false, true, 3e-3)
                .label("float16 data, float32 parameters"));
        c.add(bnExpect(bn("", rnd(51, 3, 4).astype(DType.FLOAT64), 1, 52).train(), 1, 1e-3, true, true, 1e-10).label("float64"));
        HostArray big = rnd(53, 16, 8, 20, 20);
        c.add(bnExpect(bn("fix_gamma=False", big, 1, 54).train(), 1, 1e-3, false, true, 1e-4).label("large"));
        c.add(fwd("_npx_batch_norm", "", f32(dims(1, 1), 3), f32(dims(1), 7), f32(dims(1), 1), f32(dims(1), 1), f32(dims(1), 3))
                .expectValues(Shape.of(1, 1), 1 + 2 / Math.sqrt(3.001)));

        c.add(err("BatchNorm", "", ShapeException.class, "gamma", rnd(1, 2, 2), rnd(2, 3), rnd(3, 2), rnd(4, 2), rnd(5, 2)));
        c.add(err("BatchNorm", "axis=3", ShapeException.class, "axis 3 is out of range", rnd(1, 2, 2), rnd(2, 2), rnd(3, 2), rnd(4, 2), rnd(5, 2)));
        c.add(err("BatchNorm", "", TypeException.class, "gamma", rnd(1, 2, 2).astype(DType.FLOAT64), rnd(2, 2), rnd(3, 2), rnd(4, 2), rnd(5, 2)));
        c.add(err("BatchNorm", "momentum=fast", ParameterException.class, "momentum", rnd(1, 2, 2), rnd(2, 2), rnd(3, 2), rnd(4, 2), rnd(5, 2)));

        c.add(bn("fix_gamma=False", rnd(55, 4, 3), 1, 56).train().gradCheck().label("training"));
        c.add(bn("", rnd(57, 2, 3, 2), 1, 58).train().gradCheck().label("training, fix_gamma"));
        c.add(bn("fix_gamma=False; axis=-1", rnd(59, 3, 2, 2), 2, 60).train().gradCheck().label("training, channels last"));
        c.add(bn("fix_gamma=False; use_global_stats=True", rnd(61, 3, 2), 1, 62).train().gradCheck().label("use_global_stats"));
        c.add(bn("fix_gamma=False", rnd(63, 2, 3), 1, 64).gradCheck().label("inference"));
    }

    // ------------------------------------------------------------------ LayerNorm

    private static OpCase ln(String params, HostArray x, int axis, long seed, boolean expect, double eps, int outputs) {
        int ch = (int) x.shape().dim(axis);
        HostArray g = uniform(seed, 0.5, 1.5, ch).astype(x.dtype()), b = rnd(seed + 1, ch).astype(x.dtype());
        OpCase c = fwd("LayerNorm", params, x, g, b);
        if (!expect) return c.gradCheck();
        double[][] r = NnReference.layerNorm(x.data(), x.shape(), axis, g.data(), b.data(), eps);
        Shape stat = x.shape().withDim(axis, 1);
        c.expectValues(x.shape(), r[0]);
        if (outputs == 3) c.expectValues(stat, r[1]).expectValues(stat, r[2]);
        return c.tol(1e-5, 1e-5);
    }

    private static void layerNorm(List<OpCase> c) {
        c.add(fwd("LayerNorm", "eps=0", f32(dims(2, 2), 1, 3, 2, 6), f32(dims(2), 1, 2), f32(dims(2), 0, 1))
                .expectValues(Shape.of(2, 2), -1, 3, -1, 3).label("by hand"));
        c.add(ln("output_mean_var=True", rnd(71, 2, 5), 1, 72, true, 1e-5, 3));
        c.add(ln("axis=0", rnd(73, 3, 2, 2), 0, 74, true, 1e-5, 1));
        c.add(ln("axis=1; eps=0.01", rnd(75, 2, 3, 2).astype(DType.FLOAT64), 1, 76, true, 0.01, 1));
        c.add(ln("", rnd(77, 300, 200), 1, 78, true, 1e-5, 1).label("large"));
        c.add(fwd("_npx_layer_norm", "", f32(dims(1, 2), 0, 2), f32(dims(2), 1, 1), f32(dims(2), 0, 0))
                .expectValues(Shape.of(1, 2), -1 / Math.sqrt(1 + 1e-5), 1 / Math.sqrt(1 + 1e-5)));
        c.add(err("LayerNorm", "axis=2", ShapeException.class, "axis 2 is out of range", rnd(1, 2, 3), rnd(2, 3), rnd(3, 3)));
        c.add(err("LayerNorm", "", ShapeException.class, "gamma", rnd(1, 2, 3), rnd(2, 2), rnd(3, 3)));
        c.add(ln("", rnd(79, 2, 4), 1, 80, false, 0, 1));
        c.add(ln("axis=1; eps=0.1", rnd(81, 2, 3, 2), 1, 82, false, 0, 1));
        c.add(ln("axis=0", rnd(83, 3, 2), 0, 84, false, 0, 1));
    }

    // ------------------------------------------------------------------ InstanceNorm, GroupNorm

    private static void instanceAndGroupNorm(List<OpCase> c) {
        HostArray x = rnd(91, 2, 3, 4), g = uniform(92, 0.5, 1.5, 3), b = rnd(93, 3);
        double[][] r = NnReference.groupNorm(x.data(), x.shape(), 3, g.data(), b.data(), 1e-3, false);
        c.add(fwd("InstanceNorm", "", x, g, b).expectValues(x.shape(), r[0]).expectValues(Shape.of(2, 3), r[1]).expectValues(Shape.of(2, 3), r[2]).tol(1e-5, 1e-5));
        HostArray x4 = rnd(94, 2, 2, 3, 2).astype(DType.FLOAT64), g2 = rnd(95, 2).astype(DType.FLOAT64), b2 = rnd(96, 2).astype(DType.FLOAT64);
        c.add(fwd("InstanceNorm", "eps=0.01", x4, g2, b2).expectValues(x4.shape(),
                NnReference.groupNorm(x4.data(), x4.shape(), 2, g2.data(), b2.data(), 0.01, false)[0]).tol(1e-10, 1e-10));
        c.add(err("InstanceNorm", "", ShapeException.class, "at least 3 dimensions", rnd(1, 2, 3), rnd(2, 3), rnd(3, 3)));
        c.add(err("InstanceNorm", "", ShapeException.class, "gamma", rnd(1, 2, 3, 2), rnd(2, 2), rnd(3, 3)));
        c.add(grad("InstanceNorm", "", dims(2, 2, 3), dims(2), dims(2)));

        HostArray y = rnd(97, 2, 4, 3), gg = uniform(98, 0.5, 1.5, 2), gb = rnd(99, 2);
        double[][] q = NnReference.groupNorm(y.data(), y.shape(), 2, gg.data(), gb.data(), 1e-5, true);
        c.add(fwd("GroupNorm", "num_groups=2; output_mean_var=True", y, gg, gb)
                .expectValues(y.shape(), q[0]).expectValues(Shape.of(2, 2), q[1]).expectValues(Shape.of(2, 2), q[2]).tol(1e-5, 1e-5));
        HostArray g1 = rnd(100, 1), b1 = rnd(101, 1);
        c.add(fwd("GroupNorm", "", y, g1, b1).expectValues(y.shape(), NnReference.groupNorm(y.data(), y.shape(), 1, g1.data(), b1.data(), 1e-5, true)[0])
                .tol(1e-5, 1e-5));
        c.add(err("GroupNorm", "num_groups=2", ShapeException.class, "not divisible by num_groups", rnd(1, 2, 3, 2), rnd(2, 2), rnd(3, 2)));
        c.add(err("GroupNorm", "num_groups=0", ParameterException.class, "num_groups", rnd(1, 2, 2, 2), rnd(2, 1), rnd(3, 1)));
        c.add(grad("GroupNorm", "num_groups=2", dims(2, 4, 2), dims(2), dims(2)));
        c.add(grad("GroupNorm", "eps=0.1", dims(2, 2, 3), dims(1), dims(1)));
    }

    // ------------------------------------------------------------------ L2Normalization

    /** x / sqrt(sum(x^2) + eps) over the given (outer, len, inner) lines. */
    private static double[] l2(double[] x, long outer, long len, long inner, double eps) {
        double[] r = new double[x.length];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double s = 0;
                for (int j = 0; j < len; j++) s += Math.pow(x[(int) ((o * len + j) * inner + i)], 2);
                for (int j = 0; j < len; j++) {
                    int e = (int) ((o * len + j) * inner + i);
                    r[e] = x[e] / Math.sqrt(s + eps);
                }
            }
        }
        return r;
    }

    private static void l2Normalization(List<OpCase> c) {
        c.add(fwd("L2Normalization", "", f32(dims(2, 2), 3, 4, 0, 0)).expectValues(Shape.of(2, 2), 0.6, 0.8, 0, 0).expectValues(Shape.of(2), 5, 1e-5));
        HostArray x = rnd(111, 2, 3, 2);
        c.add(fwd("L2Normalization", "mode=instance; eps=0.5", x).expectValues(x.shape(), l2(x.data(), 2, 6, 1, 0.5)));
        c.add(fwd("L2Normalization", "mode=channel", x).expectValues(x.shape(), l2(x.data(), 2, 3, 2, 1e-10)));
        c.add(fwd("L2Normalization", "mode=spatial", x).expectValues(x.shape(), l2(x.data(), 6, 2, 1, 1e-10)));
        c.add(err("L2Normalization", "mode=channel", ShapeException.class, "at least 3 dimensions", rnd(1, 2, 3)));
        c.add(err("L2Normalization", "mode=batch", ParameterException.class, "mode", rnd(1, 2, 3)));
        for (String m : new String[] {"instance", "channel", "spatial"}) c.add(grad("L2Normalization", "mode=" + m, dims(2, 3, 2)));
    }

    // ------------------------------------------------------------------ sequences

    private static void sequenceMask(List<OpCase> c) {
        HostArray x = f32(dims(3, 2, 1), 1, 2, 3, 4, 5, 6);
        c.add(fwd("SequenceMask", "use_sequence_length=True; value=-1", x, f32(dims(2), 1, 3)).expectValues(x.shape(), 1, 2, -1, 4, -1, 6));
        c.add(fwd("_npx_sequence_mask", "use_sequence_length=True; axis=1", f32(dims(2, 3), 1, 2, 3, 4, 5, 6), arr(DType.INT32, dims(2), 2, 1))
                .expectValues(Shape.of(2, 3), 1, 2, 0, 4, 0, 0));
        c.add(fwd("SequenceMask", "", x).expectValues(x.shape(), 1, 2, 3, 4, 5, 6).label("no lengths: identity"));
        c.add(err("SequenceMask", "axis=2", ShapeException.class, "axis 2 is not supported", rnd(1, 2, 3, 2)));
        c.add(err("SequenceMask", "use_sequence_length=True", ShapeException.class, "sequence_length", rnd(1, 2, 3), rnd(2, 2)));
        c.add(grad("SequenceMask", "use_sequence_length=True", dims(3, 2, 2)).input(f32(dims(2), 2, 3)));
        c.add(grad("SequenceMask", "use_sequence_length=True; axis=1", dims(2, 3)).input(f32(dims(2), 1, 0)));
        c.add(grad("SequenceMask", "", dims(2, 2)));
        // the backward differentiated (create_graph): linear in ograd, whatever the mask value
        c.add(grad("_backward_SequenceMask", "use_sequence_length=True; value=-1", dims(3, 2, 2)).input(f32(dims(2), 2, 3)).label("second order"));
        c.add(grad("_backward_SequenceMask", "use_sequence_length=True; axis=1", dims(2, 3)).input(f32(dims(2), 1, 0)).label("second order"));
        c.add(grad("_backward_SequenceMask", "", dims(2, 2)).label("second order"));
    }

    private static void sequenceLast(List<OpCase> c) {
        HostArray x = f32(dims(3, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        c.add(fwd("SequenceLast", "use_sequence_length=True", x, f32(dims(2), 2, 3)).expectValues(Shape.of(2, 2), 5, 6, 11, 12));
        c.add(fwd("SequenceLast", "", x).expectValues(Shape.of(2, 2), 9, 10, 11, 12));
        c.add(fwd("SequenceLast", "use_sequence_length=True; axis=1", f32(dims(2, 3), 1, 2, 3, 4, 5, 6), arr(DType.INT64, dims(2), 1, 2))
                .expectValues(Shape.of(2), 1, 5));
        c.add(err("SequenceLast", "axis=2", ShapeException.class, "axis 2 is not supported", rnd(1, 2, 3, 2)));
        c.add(err("SequenceLast", "", ShapeException.class, "at least 2 dimensions", rnd(1, 3)));
        c.add(grad("SequenceLast", "use_sequence_length=True", dims(3, 2, 2)).input(f32(dims(2), 1, 3)));
        c.add(grad("SequenceLast", "axis=1", dims(2, 3)));
        c.add(grad("_backward_SequenceLast", "use_sequence_length=True", dims(2, 2), dims(3, 2, 2)).input(f32(dims(2), 1, 3)).label("second order"));
        c.add(grad("_backward_SequenceLast", "axis=1", dims(2), dims(2, 3)).label("second order"));
    }

    private static void sequenceReverse(List<OpCase> c) {
        HostArray x = f32(dims(3, 2), 1, 2, 3, 4, 5, 6);
        c.add(fwd("SequenceReverse", "use_sequence_length=True", x, f32(dims(2), 2, 3)).expectValues(Shape.of(3, 2), 3, 6, 1, 4, 5, 2));
        c.add(fwd("SequenceReverse", "", x).expectValues(Shape.of(3, 2), 5, 6, 3, 4, 1, 2));
        c.add(fwd("SequenceReverse", "", x.astype(DType.FLOAT64)).expect(arr(DType.FLOAT64, dims(3, 2), 5, 6, 3, 4, 1, 2)));
        c.add(err("SequenceReverse", "axis=1", ShapeException.class, "only 0 is", rnd(1, 2, 3)));
        c.add(grad("SequenceReverse", "use_sequence_length=True", dims(3, 2, 2)).input(f32(dims(2), 2, 3)));
        c.add(grad("SequenceReverse", "", dims(3, 2)));
        c.add(grad("_backward_SequenceReverse", "use_sequence_length=True", dims(3, 2, 2)).input(f32(dims(2), 2, 3)).label("second order"));
        c.add(grad("_backward_SequenceReverse", "", dims(3, 2)).label("second order"));
    }
}
