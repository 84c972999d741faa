package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.op.DType;
import dev.mxj.op.ParameterException;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;
import dev.mxj.op.TypeException;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

import static dev.mxj.device.conformance.cases.NnReference.Soft;
import static dev.mxj.device.conformance.cases.NnReference.map;
import static dev.mxj.device.conformance.cases.NnReference.numericGradient;
import static dev.mxj.device.conformance.cases.NnReference.rnd;
import static dev.mxj.device.conformance.cases.NnReference.softmax;
import static dev.mxj.device.conformance.cases.NnReference.uniform;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.arr;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.dims;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.err;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.f32;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.fwd;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.grad;

/**
 * Cases of the softmax family and the loss heads.
 *
 * <p>The loss heads (SoftmaxOutput, the regression outputs, MakeLoss) return the gradient of an
 * implicit loss and ignore the head gradient, so the kit's numerical check (which differentiates
 * the outputs against random head gradients) cannot check their data gradient. Their gradient
 * checks cover the label input (whose gradient is zero) and the gradient graph; the data
 * gradient is checked by forward cases of the {@code _backward_X} operator whose expected values
 * are central differences of the implicit loss, computed here from {@link NnReference}.
 */
final class NnSoftmaxCases {
    private NnSoftmaxCases() {}

    static void cases(List<OpCase> c) {
        softmaxFamily(c);
        softmaxActivation(c);
        softmaxOutput(c);
        crossEntropy(c);
        regression(c);
        makeLoss(c);
        smoothL1(c);
    }

    // ------------------------------------------------------------------ softmax, log_softmax, softmin

    private static void softmaxFamily(List<OpCase> c) {
        HostArray x = f32(dims(2, 3), 1, 2, 3, 1, 1, 1);
        double third = 1.0 / 3;
        c.add(fwd("softmax", "", x).expectValues(Shape.of(2, 3), 0.09003057317038046, 0.24472847105479764, 0.6652409557748219, third, third, third));
        c.add(fwd("log_softmax", "", x).expectValues(Shape.of(2, 3), -2.4076059644443806, -1.4076059644443806, -0.4076059644443806,
                Math.log(third), Math.log(third), Math.log(third)));
        c.add(fwd("softmin", "", x).expectValues(Shape.of(2, 3), 0.6652409557748219, 0.24472847105479764, 0.09003057317038046, third, third, third));

        String[] names = {"softmax", "log_softmax", "softmin"};
        Soft[] kinds = {Soft.SOFTMAX, Soft.LOG_SOFTMAX, Soft.SOFTMIN};
        HostArray x3 = uniform(21, -2, 2, 3, 4, 5), big = uniform(22, -3, 3, 400, 130);
        HostArray lenIn = rnd(23, 2, 4, 3), len = arr(DType.INT32, dims(2, 3), 1, 4, 2, 3, 0, 4);
        for (int k = 0; k < 3; k++) {
            String op = names[k];
            Soft kind = kinds[k];
            c.add(fwd(op, "axis=0", x3).expectValues(x3.shape(), softmax(x3.data(), x3.shape(), 0, 1, null, kind)));
            c.add(fwd(op, "axis=1; temperature=2.5", x3).expectValues(x3.shape(), softmax(x3.data(), x3.shape(), 1, 2.5, null, kind)));
            c.add(fwd(op, "axis=-1", big).expectValues(big.shape(), softmax(big.data(), big.shape(), 1, 1, null, kind)).label("large"));
            c.add(fwd(op, "axis=1; use_length=True", lenIn, len).expectValues(lenIn.shape(), softmax(lenIn.data(), lenIn.shape(), 1, 1, len.data(), kind)));
            c.add(fwd(op, "dtype=float64", x3).expect(HostArray.of(x3.shape(), DType.FLOAT64, softmax(x3.data(), x3.shape(), 2, 1, null, kind))));
            c.add(fwd(op, "", x3.astype(DType.FLOAT16)).expectValues(x3.shape(), softmax(x3.astype(DType.FLOAT16).data(), x3.shape(), 2, 1, null, kind))
                    .tol(3e-3, 3e-3).label("float16"));
            c.add(err(op, "axis=2", ShapeException.class, "axis 2 is out of range", rnd(1, 2, 3)));
            c.add(err(op, "use_length=True", TypeException.class, "length", rnd(1, 2, 3), rnd(2, 2)));
            c.add(err(op, "dtype=int32", TypeException.class, "dtype", rnd(1, 2, 3)));
            c.add(grad(op, "", dims(2, 4)));
            c.add(grad(op, "axis=0; temperature=0.7", dims(3, 2, 2)));
            c.add(grad(op, "axis=1; use_length=True", dims(2, 4, 2)).input(arr(DType.INT64, dims(2, 2), 3, 1, 4, 2)).label("use_length"));
            c.add(grad(op, "dtype=float64", dims(2, 3)));
            // the backward differentiated (create_graph) on (ograd[, data], output)
            c.add(grad("_backward_" + op, "", dims(2, 4), dims(2, 4)).label("second order"));
            c.add(grad("_backward_" + op, "axis=0; temperature=0.7", dims(3, 2, 2), dims(3, 2, 2)).label("second order"));
            c.add(fwd("_backward_" + op, "dtype=float64", rnd(40, 2, 3).astype(DType.FLOAT64), rnd(41, 2, 3), rnd(42, 2, 3).astype(DType.FLOAT64))
                    .gradCheck().label("second order, dtype"));
        }
        c.add(fwd("_npx_softmax", "", f32(dims(2), 0, 0)).expectValues(Shape.of(2), 0.5, 0.5));
        c.add(fwd("_npx_log_softmax", "", f32(dims(2), 0, 0)).expectValues(Shape.of(2), Math.log(0.5), Math.log(0.5)));
    }

    // ------------------------------------------------------------------ SoftmaxActivation

    private static void softmaxActivation(List<OpCase> c) {
        HostArray x = f32(dims(2, 3), 1, 2, 3, 1, 1, 1);
        c.add(fwd("SoftmaxActivation", "", x).expectValues(Shape.of(2, 3), softmax(x.data(), x.shape(), 1, 1, null, Soft.SOFTMAX)));
        HostArray x4 = rnd(24, 2, 3, 2, 2);
        // MXNet 1.9 flattens to (all leading axes, last axis) (FlatTo2D): instance mode is a last-axis softmax
        c.add(fwd("SoftmaxActivation", "mode=instance", x4).expectValues(x4.shape(), softmax(x4.data(), x4.shape(), 3, 1, null, Soft.SOFTMAX)));
        c.add(fwd("SoftmaxActivation", "mode=channel", x4).expectValues(x4.shape(), softmax(x4.data(), x4.shape(), 1, 1, null, Soft.SOFTMAX)));
        c.add(err("SoftmaxActivation", "mode=channel", ShapeException.class, "at least 3 dimensions", rnd(1, 2, 3)));
        c.add(grad("SoftmaxActivation", "", dims(2, 2, 2)));
        c.add(grad("SoftmaxActivation", "mode=channel", dims(2, 3, 2)));
        c.add(grad("_backward_SoftmaxActivation", "", dims(2, 2, 2), dims(2, 2, 2)).label("second order"));
        c.add(grad("_backward_SoftmaxActivation", "mode=channel", dims(2, 3, 2), dims(2, 3, 2)).label("second order"));
    }

    // ------------------------------------------------------------------ SoftmaxOutput

    /**
     * The implicit loss of SoftmaxOutput over (outer, classes, inner) data: label-smoothed cross
     * entropy of the softmax along the class axis, ignored labels left out, times
     * grad_scale / normaliser, exactly as MXNet 1.9's backward pass scales its gradient.
     */
    private static ToDoubleFunction<double[]> softmaxOutputLoss(Shape s, int axis, double[] label, double scale, double alpha,
                                                                Integer ignore, double normaliser) {
        return x -> {
            double[] p = softmax(x, s, axis, 1, null, Soft.SOFTMAX);
            long[] oli = NnReference.around(s, axis);
            int outer = (int) oli[0], k = (int) oli[1], inner = (int) oli[2];
            double loss = 0;
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int y = (int) label[o * inner + i];
                    if (ignore != null && y == ignore) continue;
                    for (int j = 0; j < k; j++) {
                        double q = alpha == 0 ? (j == y ? 1 : 0) : j == y ? 1 - alpha : alpha / (k - 1);
                        loss -= q * Math.log(p[(o * k + j) * inner + i]);
                    }
                }
            }
            return loss * scale / normaliser;
        };
    }

    /** A case of _backward_SoftmaxOutput(output, label) whose expected data gradient is the numerical derivative of the implicit loss. */
    private static OpCase softmaxOutputBackward(String params, HostArray x, Shape view, int axis, HostArray label, double scale, double alpha,
                                                Integer ignore, double normaliser) {
        double[] out = softmax(x.data(), view, axis, 1, null, Soft.SOFTMAX);
        double[] g = numericGradient(x.data(), softmaxOutputLoss(view, axis, label.data(), scale, alpha, ignore, normaliser), 1e-5);
        return fwd("_backward_SoftmaxOutput", params, HostArray.of(x.shape(), DType.FLOAT64, out), label.astype(DType.FLOAT64))
                .expectValues(x.shape(), g).expectValues(label.shape(), new double[label.data().length]).tol(1e-6, 1e-8);
    }

    private static void softmaxOutput(List<OpCase> c) {
        HostArray x = f32(dims(2, 3), 1, 2, 3, 1, 1, 1), label = f32(dims(2), 2, 0);
        c.add(fwd("SoftmaxOutput", "", x, label).expectValues(Shape.of(2, 3), softmax(x.data(), x.shape(), 1, 1, null, Soft.SOFTMAX)));
        HostArray x4 = rnd(25, 2, 3, 2, 2), l3 = f32(dims(2, 2, 2), 0, 1, 2, 2, 1, 0, 0, 1);
        c.add(fwd("Softmax", "multi_output=True", x4, l3).expectValues(x4.shape(), softmax(x4.data(), x4.shape(), 1, 1, null, Soft.SOFTMAX)));
        c.add(fwd("SoftmaxOutput", "", x4, f32(dims(2, 3, 2), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
                .expectValues(x4.shape(), softmax(x4.data(), Shape.of(2, 12), 1, 1, null, Soft.SOFTMAX)).label("flattened per instance"));
        c.add(fwd("SoftmaxOutput", "preserve_shape=True", x4, f32(dims(2, 3, 2), 0, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0))
                .expectValues(x4.shape(), softmax(x4.data(), x4.shape(), 3, 1, null, Soft.SOFTMAX)));

        c.add(err("SoftmaxOutput", "", ShapeException.class, "label", rnd(1, 2, 3), rnd(2, 3)));
        c.add(err("SoftmaxOutput", "multi_output=True", ShapeException.class, "label shape", rnd(1, 2, 3, 4), rnd(2, 2, 5)));
        c.add(err("SoftmaxOutput", "normalization=mean", ParameterException.class, "normalization", rnd(1, 2, 3), rnd(2, 2)));
        c.add(err("SoftmaxOutput", "smooth_alpha=2", ParameterException.class, "smooth_alpha", rnd(1, 2, 3), rnd(2, 2)));

        // the data gradient of a loss head is not the derivative of its output: see the class comment
        c.add(OpCase.forward("SoftmaxOutput").input(rnd(26, 3, 4)).input(f32(dims(3), 0, 3, 1)).gradCheck().noGrad(0).label("label gradient"));
        c.add(OpCase.forward("SoftmaxOutput").param("multi_output", true).param("out_grad", true)
                .input(rnd(27, 2, 3, 2)).input(f32(dims(2, 2), 0, 2, 1, 1)).gradCheck().noGrad(0).label("label gradient, multi_output"));

        HostArray z = uniform(28, -2, 2, 4, 3), lab = f32(dims(4), 2, 0, 1, 1), labIgnore = f32(dims(4), 2, -1, 1, -1);
        c.add(softmaxOutputBackward("", z, z.shape(), 1, lab, 1, 0, null, 1));
        c.add(softmaxOutputBackward("grad_scale=0.5; normalization=batch", z, z.shape(), 1, lab, 0.5, 0, null, 4));
        c.add(softmaxOutputBackward("use_ignore=True; normalization=valid", z, z.shape(), 1, labIgnore, 1, 0, -1, 2));
        c.add(softmaxOutputBackward("use_ignore=True; ignore_label=1; smooth_alpha=0.2", z, z.shape(), 1, lab, 1, 0.2, 1, 1));
        HostArray zm = uniform(29, -2, 2, 2, 3, 4), labm = f32(dims(2, 4), 0, 1, 2, 1, 2, 2, 0, 1);
        c.add(softmaxOutputBackward("multi_output=True", zm, zm.shape(), 1, labm, 1, 0, null, 4));
        c.add(softmaxOutputBackward("multi_output=True; normalization=batch; grad_scale=3", zm, zm.shape(), 1, labm, 3, 0, null, 4 * 2));
        HostArray zp = uniform(30, -2, 2, 2, 2, 3), labp = f32(dims(2, 2), 2, 0, 1, 1);
        c.add(softmaxOutputBackward("preserve_shape=True", zp, Shape.of(4, 3), 1, labp, 1, 0, null, 1));
        // a probability label: out - label, scaled, no normalisation
        double[] p = softmax(z.data(), z.shape(), 1, 1, null, Soft.SOFTMAX);
        HostArray dist = uniform(31, 0, 1, 4, 3);
        double[] want = new double[12];
        for (int i = 0; i < 12; i++) want[i] = (p[i] - dist.data()[i]) * 2;
        c.add(fwd("_backward_SoftmaxOutput", "grad_scale=2", HostArray.of(z.shape(), DType.FLOAT64, p), dist.astype(DType.FLOAT64))
                .expectValues(z.shape(), want).tol(1e-9, 1e-12).label("probability label"));
        // out_grad multiplies the head gradient in
        HostArray og = rnd(32, 4, 3);
        double[] wantOg = new double[12];
        for (int i = 0; i < 12; i++) wantOg[i] = (p[i] - (i % 3 == (int) lab.data()[i / 3] ? 1 : 0)) * og.data()[i];
        c.add(fwd("_backward_SoftmaxOutput", "out_grad=True", HostArray.of(z.shape(), DType.FLOAT64, p), lab.astype(DType.FLOAT64), og.astype(DType.FLOAT64))
                .expectValues(z.shape(), wantOg).tol(1e-9, 1e-12).label("out_grad"));
    }

    // ------------------------------------------------------------------ softmax_cross_entropy

    private static void crossEntropy(List<OpCase> c) {
        c.add(fwd("softmax_cross_entropy", "", f32(dims(2, 3), 1, 2, 3, 11, 7, 5), f32(dims(2), 2, 0)).expectValues(Shape.of(1), 0.42818699));
        HostArray x = uniform(33, -3, 3, 5, 4), l = f32(dims(5), 3, 0, 1, 2, 3);
        double[] p = softmax(x.data(), x.shape(), 1, 1, null, Soft.SOFTMAX);
        double loss = 0;
        for (int r = 0; r < 5; r++) loss -= Math.log(p[r * 4 + (int) l.data()[r]]);
        c.add(fwd("softmax_cross_entropy", "", x.astype(DType.FLOAT64), l.astype(DType.FLOAT64)).expect(HostArray.of(Shape.of(1), DType.FLOAT64, loss)));
        c.add(err("softmax_cross_entropy", "", ShapeException.class, "2-D", rnd(1, 2, 3, 4), rnd(2, 2)));
        c.add(err("softmax_cross_entropy", "", ShapeException.class, "first dimension", rnd(1, 2, 3), rnd(2, 3)));
        c.add(OpCase.forward("softmax_cross_entropy").input(rnd(34, 3, 4)).input(f32(dims(3), 1, 3, 0)).gradCheck());
        c.add(OpCase.forward("_backward_softmax_cross_entropy").input(rnd(37, 1)).input(rnd(38, 3, 4)).input(f32(dims(3), 1, 3, 0)).gradCheck().label("second order"));
    }

    // ------------------------------------------------------------------ regression outputs

    private static String backwardOf(String regressionOutput) {
        return switch (regressionOutput) {
            case "LinearRegressionOutput" -> "_backward_linear_reg_out";
            case "MAERegressionOutput" -> "_backward_mae_reg_out";
            default -> "_backward_logistic_reg_out";
        };
    }

    private static void regression(List<OpCase> c) {
        HostArray x = f32(dims(2, 2), -1, 0, 0.5, 2), l = f32(dims(2, 2), 0, 0, 1, 1);
        c.add(fwd("LinearRegressionOutput", "", x, l).expectValues(Shape.of(2, 2), -1, 0, 0.5, 2));
        c.add(fwd("MAERegressionOutput", "grad_scale=2", x, l).expectValues(Shape.of(2, 2), -1, 0, 0.5, 2));
        c.add(fwd("LogisticRegressionOutput", "", x, l).expectValues(Shape.of(2, 2), map(x.data(), NeuralNetworkCases::sigmoid)));
        c.add(fwd("LinearRegressionOutput", "", f32(dims(3, 1), 1, 2, 3), f32(dims(3), 0, 0, 0)).expectValues(Shape.of(3, 1), 1, 2, 3).label("(n, 1) data, (n,) label"));
        for (String op : new String[] {"LinearRegressionOutput", "MAERegressionOutput", "LogisticRegressionOutput"}) {
            c.add(err(op, "", ShapeException.class, "label shape", rnd(1, 2, 3), rnd(2, 2, 2)));
            c.add(grad(op, "grad_scale=2", dims(3, 2), dims(3, 2)).noGrad(0).label("label gradient"));
            // the backward differentiated (create_graph) on (label, output)
            c.add(grad(backwardOf(op), "grad_scale=2", dims(3, 2), dims(3, 2)).label("second order"));
            c.add(grad(backwardOf(op), "", dims(3), dims(3, 1)).label("second order, (n,) label"));
        }

        // data gradients: central differences of the implicit losses, grad_scale / m with m label elements per instance
        HostArray d = uniform(35, -2, 2, 3, 2), t = uniform(36, 0, 1, 3, 2);
        double f = 1.5 / 2;
        regressionBackward(c, "_backward_linear_reg_out", d, t, d.data(), v -> {
            double s = 0;
            for (int i = 0; i < v.length; i++) s += 0.5 * Math.pow(v[i] - t.data()[i], 2);
            return s * f;
        });
        regressionBackward(c, "_backward_mae_reg_out", d, t, d.data(), v -> {
            double s = 0;
            for (int i = 0; i < v.length; i++) s += Math.abs(v[i] - t.data()[i]);
            return s * f;
        });
        regressionBackward(c, "_backward_logistic_reg_out", d, t, map(d.data(), NeuralNetworkCases::sigmoid), v -> {
            double s = 0;
            for (int i = 0; i < v.length; i++) {
                double q = NeuralNetworkCases.sigmoid(v[i]);
                s -= t.data()[i] * Math.log(q) + (1 - t.data()[i]) * Math.log(1 - q);
            }
            return s * f;
        });
    }

    private static void regressionBackward(List<OpCase> c, String op, HostArray data, HostArray label, double[] output, ToDoubleFunction<double[]> loss) {
        double[] g = numericGradient(data.data(), loss, 1e-6);
        c.add(fwd(op, "grad_scale=1.5", label.astype(DType.FLOAT64), HostArray.of(data.shape(), DType.FLOAT64, output))
                .expectValues(data.shape(), g).expectValues(label.shape(), new double[label.data().length]).tol(1e-6, 1e-8));
    }

    // ------------------------------------------------------------------ MakeLoss

    private static void makeLoss(List<OpCase> c) {
        c.add(fwd("MakeLoss", "", f32(dims(2, 2), 1, -2, 3, 0.5)).expectValues(Shape.of(2, 2), 1, -2, 3, 0.5));
        c.add(err("MakeLoss", "normalization=mean", ParameterException.class, "normalization", rnd(1, 2)));
        c.add(err("MakeLoss", "", ShapeException.class, "scalar", HostArray.scalar(DType.FLOAT32, 1)));
        c.add(grad("MakeLoss", "grad_scale=2", dims(2, 3)).noGrad(0).label("gradient graph only: see the class comment"));

        // the implicit loss is grad_scale * sum(x) / normaliser
        HostArray x = f32(dims(2, 3, 2), 0.5, -1, 2, 0.1, 0, 3, -2, 0.7, 0.05, 1, -0.3, 0.2);
        c.add(fwd("_backward_MakeLoss", "grad_scale=2", x).expectValues(x.shape(), filled(12, 2)));
        c.add(fwd("_backward_MakeLoss", "normalization=batch", x).expectValues(x.shape(), filled(12, 1.0 / 6)).label("batch: rows of data flattened to 2-D"));
        c.add(fwd("_backward_MakeLoss", "normalization=valid; valid_thresh=0.3", x).expectValues(x.shape(), filled(12, 1.0 / 5)));
        c.add(fwd("_backward_MakeLoss", "normalization=valid; valid_thresh=10", x).expectValues(x.shape(), filled(12, 1)).label("no valid element"));
    }

    private static double[] filled(int n, double v) {
        double[] r = new double[n];
        Arrays.fill(r, v);
        return r;
    }

    // ------------------------------------------------------------------ smooth_l1

    private static void smoothL1(List<OpCase> c) {
        c.add(fwd("smooth_l1", "", f32(dims(4), 1, 2, 3, 4)).expectValues(Shape.of(4), 0.5, 1.5, 2.5, 3.5));
        c.add(fwd("_npx_smooth_l1", "scalar=2", f32(dims(5), -1, -0.1, 0.1, 0.3, 1)).expectValues(Shape.of(5), 0.875, 0.02, 0.02, 0.175, 0.875));
        c.add(fwd("smooth_l1", "scalar=1", f32(dims(3), -0.5, 0.25, -3).astype(DType.FLOAT64)).expect(arr(DType.FLOAT64, dims(3), 0.125, 0.03125, 2.5)));
        c.add(err("smooth_l1", "scalar=abc", ParameterException.class, "scalar", rnd(1, 2)));
        c.add(grad("smooth_l1", "", dims(3, 4)));
        c.add(grad("smooth_l1", "scalar=2", dims(3, 4)));
        // its backward differentiated (create_graph) on (ograd, x), x on both sides of the kinks |x| = 1/sigma^2
        c.add(fwd("_backward_smooth_l1", "", rnd(7, 2, 3), f32(dims(2, 3), -2, -0.6, -0.1, 0.05, 0.4, 1.5)).label("second order").gradCheck());
        c.add(fwd("_backward_smooth_l1", "scalar=2", rnd(8, 2, 3), f32(dims(2, 3), -1, -0.3, -0.1, 0.05, 0.2, 0.6)).label("second order").gradCheck());
    }
}
