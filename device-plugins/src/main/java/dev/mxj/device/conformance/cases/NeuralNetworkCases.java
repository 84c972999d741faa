package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.op.DType;
import dev.mxj.op.ParameterException;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;
import dev.mxj.op.TypeException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

import static dev.mxj.device.conformance.cases.NnReference.dense;
import static dev.mxj.device.conformance.cases.NnReference.map;
import static dev.mxj.device.conformance.cases.NnReference.rnd;
import static dev.mxj.device.conformance.cases.NnReference.uniform;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.arr;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.dims;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.err;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.f32;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.fwd;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.grad;

/**
 * Test cases of the neural-network operators: FullyConnected, activations, Dropout, Embedding
 * and BlockGrad here; softmax and loss heads in {@link NnSoftmaxCases}; normalisations and
 * sequence operators in {@link NnNormCases}. Expected values are written by hand or computed by
 * {@link NnReference}'s plain loops, never by the kernels under test.
 */
public final class NeuralNetworkCases {
    private NeuralNetworkCases() {}

    public static List<OpCase> cases() {
        List<OpCase> c = new ArrayList<>();
        fullyConnected(c);
        activation(c);
        leakyRelu(c);
        dropout(c);
        embedding(c);
        blockGrad(c);
        NnSoftmaxCases.cases(c);
        NnNormCases.cases(c);
        return c;
    }

    // ------------------------------------------------------------------ FullyConnected

    private static void fullyConnected(List<OpCase> c) {
        // by hand: rows [1, 2, 3], [4, 5, 6]; weight rows [1, 0, -1], [0.5, 0.5, 0.5]; bias [0.5, -1]
        c.add(fwd("FullyConnected", "num_hidden=2", f32(dims(2, 3), 1, 2, 3, 4, 5, 6), f32(dims(2, 3), 1, 0, -1, 0.5, 0.5, 0.5), f32(dims(2), 0.5, -1))
                .expectValues(Shape.of(2, 2), -1.5, 2, -1.5, 6.5));
        c.add(fwd("_npx_fully_connected", "num_hidden=1; no_bias=True", f32(dims(3), 1, 2, 3), f32(dims(1, 1), 2))
                .expectValues(Shape.of(3, 1), 2, 4, 6)); // 1-D data flattens to (3, 1)

        HostArray x = rnd(1, 2, 2, 3), w = rnd(2, 4, 6), b = rnd(3, 4);
        c.add(fwd("FullyConnected", "num_hidden=4", x, w, b).expectValues(Shape.of(2, 4), dense(x.data(), w.data(), b.data(), 2, 6, 4)).tol(1e-5, 1e-6));
        HostArray w3 = rnd(4, 5, 3);
        c.add(fwd("FullyConnected", "num_hidden=5; flatten=False; no_bias=True", x, w3)
                .expectValues(Shape.of(2, 2, 5), dense(x.data(), w3.data(), null, 4, 3, 5)).tol(1e-5, 1e-6));
        HostArray b2 = rnd(5, 4).astype(DType.FLOAT64);
        c.add(fwd("FullyConnected", "num_hidden=4", x.astype(DType.FLOAT64), w.astype(DType.FLOAT64), HostArray.of(Shape.of(4, 1), DType.FLOAT64, b2.data()))
                .expect(HostArray.of(Shape.of(2, 4), DType.FLOAT64, dense(x.data(), w.data(), b2.data(), 2, 6, 4))).label("float64, bias (h, 1)"));
        c.add(fwd("FullyConnected", "num_hidden=4", x.astype(DType.FLOAT16), w.astype(DType.FLOAT16), b.astype(DType.FLOAT16))
                .expectValues(Shape.of(2, 4), dense(x.astype(DType.FLOAT16).data(), w.astype(DType.FLOAT16).data(), b.astype(DType.FLOAT16).data(), 2, 6, 4))
                .tol(2e-3, 2e-3).label("float16"));
        // large enough for the parallel bias loop and a real GEMM
        HostArray xl = rnd(6, 160, 70), wl = rnd(7, 90, 70), bl = rnd(8, 90);
        c.add(fwd("FullyConnected", "num_hidden=90", xl, wl, bl).expectValues(Shape.of(160, 90), dense(xl.data(), wl.data(), bl.data(), 160, 70, 90)).tol(1e-4, 1e-5));

        c.add(err("FullyConnected", "num_hidden=0", ParameterException.class, "num_hidden", rnd(1, 2, 3), rnd(2, 1, 3), rnd(3, 1)));
        c.add(err("FullyConnected", "num_hidden=2", ShapeException.class, "weight", rnd(1, 2, 3), rnd(2, 2, 4), rnd(3, 2)));
        c.add(err("FullyConnected", "num_hidden=2", ShapeException.class, "bias", rnd(1, 2, 3), rnd(2, 2, 3), rnd(3, 3)));
        c.add(err("FullyConnected", "num_hidden=2; no_bias=True", TypeException.class, "int32",
                HostArray.of(Shape.of(1, 2), DType.INT32, 1, 2), HostArray.of(Shape.of(2, 2), DType.INT32, 1, 2, 3, 4)));

        c.add(grad("FullyConnected", "num_hidden=3", dims(2, 4), dims(3, 4), dims(3)));
        c.add(grad("FullyConnected", "num_hidden=2; no_bias=True", dims(2, 2, 2), dims(2, 4)));
        c.add(grad("FullyConnected", "num_hidden=2; flatten=False", dims(2, 2, 3), dims(2, 3), dims(2)));
        // the backward differentiated (create_graph) on (ograd, data, weight)
        c.add(grad("_backward_FullyConnected", "num_hidden=3", dims(2, 3), dims(2, 4), dims(3, 4)).label("second order"));
        c.add(grad("_backward_FullyConnected", "num_hidden=2; no_bias=True", dims(2, 2), dims(2, 2, 2), dims(2, 4)).label("second order"));
        c.add(grad("_backward_FullyConnected", "num_hidden=2; flatten=False", dims(2, 2, 2), dims(2, 2, 3), dims(2, 3)).label("second order"));
    }

    // ------------------------------------------------------------------ Activation

    static double sigmoid(double x) { return 1 / (1 + Math.exp(-x)); }

    private static final Object[][] ACTIVATIONS = {
            {"relu", (DoubleUnaryOperator) x -> Math.max(x, 0)},
            {"sigmoid", (DoubleUnaryOperator) NeuralNetworkCases::sigmoid},
            {"tanh", (DoubleUnaryOperator) Math::tanh},
            {"softrelu", (DoubleUnaryOperator) x -> Math.log(1 + Math.exp(x))},
            {"softsign", (DoubleUnaryOperator) x -> x / (1 + Math.abs(x))},
    };

    private static void activation(List<OpCase> c) {
        double[] v = {-3, -0.5, 0, 0.25, 2, 5};
        HostArray x = f32(dims(2, 3), v);
        HostArray big = uniform(11, -4, 4, 300, 256); // above the parallel threshold
        for (Object[] row : ACTIVATIONS) {
            String t = (String) row[0];
            DoubleUnaryOperator f = (DoubleUnaryOperator) row[1];
            c.add(fwd("Activation", "act_type=" + t, x).expectValues(Shape.of(2, 3), map(v, f)));
            c.add(fwd("Activation", "act_type=" + t, x.astype(DType.FLOAT64)).expect(HostArray.of(Shape.of(2, 3), DType.FLOAT64, map(v, f))));
            c.add(fwd("Activation", "act_type=" + t, x.astype(DType.FLOAT16)).expectValues(Shape.of(2, 3), map(v, f)).tol(1e-3, 1e-3).label("float16"));
            c.add(fwd("Activation", "act_type=" + t, big).expectValues(big.shape(), map(big.data(), f)).label("large"));
            c.add(grad("Activation", "act_type=" + t, dims(3, 4)));
            c.add(activationSecondOrder(t));
        }
        c.add(fwd("_npx_activation", "act_type=relu", f32(dims(3), -1, 0, 1)).expectValues(Shape.of(3), 0, 0, 1));
        c.add(err("Activation", "act_type=swish", ParameterException.class, "act_type", rnd(1, 2)));
        c.add(err("Activation", "", ParameterException.class, "act_type", rnd(1, 2)));
        c.add(err("Activation", "act_type=relu", TypeException.class, "int32", HostArray.of(Shape.of(2), DType.INT32, 1, -1)));
    }

    // ------------------------------------------------------------------ LeakyReLU

    static final double SELU_LAMBDA = 1.0507009873554804934193349852946, SELU_ALPHA = 1.6732632423543772848170429916717;

    /** erf by its Maclaurin series (|x| <= 3 here). */
    static double erf(double x) {
        double sum = 0, term = x;
        for (int n = 0; n < 60; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    private static void leakyRelu(List<OpCase> c) {
        double[] v = {-2, -0.5, 0.5, 3};
        HostArray x = f32(dims(2, 2), v);
        c.add(fwd("LeakyReLU", "", x).expectValues(Shape.of(2, 2), -0.5, -0.125, 0.5, 3));
        c.add(fwd("LeakyReLU", "act_type=leaky; slope=0.1", x).expectValues(Shape.of(2, 2), -0.2, -0.05, 0.5, 3));
        c.add(fwd("LeakyReLU", "act_type=elu; slope=0.5", x).expectValues(Shape.of(2, 2), map(v, y -> y > 0 ? y : 0.5 * (Math.exp(y) - 1))));
        c.add(fwd("LeakyReLU", "act_type=selu", x).expectValues(Shape.of(2, 2), map(v, y -> SELU_LAMBDA * (y > 0 ? y : SELU_ALPHA * (Math.exp(y) - 1)))));
        c.add(fwd("_npx_leaky_relu", "act_type=gelu", x).expectValues(Shape.of(2, 2), map(v, y -> 0.5 * y * (1 + erf(y / Math.sqrt(2))))));
        // prelu: gamma per channel (axis 1) or shared
        c.add(fwd("LeakyReLU", "act_type=prelu", f32(dims(2, 2, 1), -1, -1, -2, 2), f32(dims(2), 0.1, 0.3)).expectValues(Shape.of(2, 2, 1), -0.1, -0.3, -0.2, 2));
        c.add(fwd("LeakyReLU", "act_type=prelu", f32(dims(3), -1, 2, -4), f32(dims(1), 0.5)).expectValues(Shape.of(3), -0.5, 2, -2));
        // rrelu at inference: the midpoint slope, also returned as the mask
        c.add(fwd("LeakyReLU", "act_type=rrelu; lower_bound=0.1; upper_bound=0.3", x)
                .expectValues(Shape.of(2, 2), -0.4, -0.1, 0.5, 3).expectValues(Shape.of(2, 2), 0.2, 0.2, 0.2, 0.2));
        c.add(OpCase.forward("LeakyReLU").param("act_type", "rrelu").input(rnd(12, 40, 50)).train().deviceDependent()
                .check((in, out) -> {
                    double[] d = in.get(0).data(), y = out.get(0).data(), m = out.get(1).data();
                    for (int i = 0; i < d.length; i++) {
                        if (!(m[i] >= 0.125 && m[i] < 0.334 + 1e-7)) throw new AssertionError("rrelu slope " + m[i] + " outside [0.125, 0.334)");
                        double want = d[i] > 0 ? d[i] : d[i] * m[i];
                        if (Math.abs(y[i] - want) > 1e-6) throw new AssertionError("rrelu element " + i + ": " + y[i] + ", expected " + want);
                    }
                }).label("rrelu training"));

        c.add(err("LeakyReLU", "act_type=swish", ParameterException.class, "act_type", rnd(1, 2)));
        c.add(err("LeakyReLU", "act_type=prelu", ShapeException.class, "gamma", rnd(1, 2, 3, 4), rnd(2, 4)));
        c.add(err("LeakyReLU", "slope=abc", ParameterException.class, "slope", rnd(1, 2)));

        for (String t : new String[] {"leaky", "elu", "selu", "gelu"}) c.add(grad("LeakyReLU", "act_type=" + t + "; slope=0.3", dims(3, 4)));
        c.add(grad("LeakyReLU", "act_type=prelu", dims(2, 3, 2), dims(3)));
        c.add(grad("LeakyReLU", "act_type=prelu", dims(4, 2), dims(1)));
        c.add(grad("LeakyReLU", "act_type=rrelu", dims(3, 4)).train());
        c.add(grad("LeakyReLU", "act_type=rrelu", dims(3, 4)));
        // the backward differentiated (create_graph) on (ograd, data[, gamma], output[, mask])
        for (String t : new String[] {"leaky", "elu", "selu", "gelu"}) {
            c.add(grad("_backward_LeakyReLU", "act_type=" + t + "; slope=0.3", dims(3, 4), dims(3, 4), dims(3, 4)).label("second order"));
        }
        c.add(grad("_backward_LeakyReLU", "act_type=prelu", dims(2, 3, 2), dims(2, 3, 2), dims(3), dims(2, 3, 2)).label("second order"));
        c.add(grad("_backward_LeakyReLU", "act_type=prelu", dims(4, 2), dims(4, 2), dims(1), dims(4, 2)).label("second order"));
        c.add(fwd("_backward_LeakyReLU", "act_type=rrelu", rnd(5, 3, 4), rnd(6, 3, 4), rnd(7, 3, 4), uniform(8, 0.125, 0.334, 3, 4))
                .gradCheck().label("second order"));
    }

    /** _backward_Activation differentiated (create_graph) on (ograd, output[, data]), the output in the function's range. */
    private static OpCase activationSecondOrder(String t) {
        double[] range = switch (t) {
            case "sigmoid" -> new double[] {0.1, 0.9};
            case "tanh" -> new double[] {-0.9, 0.9};
            case "softrelu" -> new double[] {0.2, 2};
            default -> new double[] {-1, 1};
        };
        OpCase k = fwd("_backward_Activation", "act_type=" + t, rnd(3, 3, 4), uniform(4, range[0], range[1], 3, 4));
        if (!t.equals("relu")) k.input(rnd(5, 3, 4));
        return k.gradCheck().label("second order");
    }

    // ------------------------------------------------------------------ Dropout

    /** Every output element is 0 or x/(1-p), consistently with the mask (shared along the broadcast axes); drop rate near p. */
    private static OpCase.OutputCheck dropoutCheck(double p) {
        return (in, out) -> {
            HostArray x = in.get(0), y = out.get(0), m = out.get(1);
            long[] xd = x.shape().dims(), md = m.shape().dims();
            long[] ms = m.shape().strides();
            int zeros = 0;
            for (int i = 0; i < x.data().length; i++) {
                long rem = i, mi = 0;
                for (int k = xd.length - 1; k >= 0; k--) {
                    long idx = rem % xd[k];
                    rem /= xd[k];
                    if (md[k] != 1) mi += idx * ms[k];
                }
                double mask = m.data()[(int) mi];
                if (mask != 0 && Math.abs(mask - 1 / (1 - p)) > 1e-5) throw new AssertionError("mask value " + mask);
                if (Math.abs(y.data()[i] - x.data()[i] * mask) > 1e-5) throw new AssertionError("element " + i + " is " + y.data()[i] + ", mask " + mask);
            }
            for (double mv : m.data()) if (mv == 0) zeros++;
            double rate = zeros / (double) m.data().length;
            if (Math.abs(rate - p) > 0.1) throw new AssertionError("drop rate " + rate + ", expected about " + p);
        };
    }

    private static void dropout(List<OpCase> c) {
        HostArray x = rnd(13, 4, 5);
        c.add(fwd("Dropout", "p=0.5", x).expectValues(x.shape(), x.data()).label("inference: identity"));
        c.add(fwd("Dropout", "p=0", x).train().expectValues(x.shape(), x.data()).label("p=0"));
        c.add(fwd("_npx_dropout", "p=0.3; mode=training", rnd(14, 20, 50)).train().deviceDependent().check(dropoutCheck(0.3)).label("training"));
        c.add(fwd("Dropout", "p=0.5; mode=always", rnd(15, 20, 50)).deviceDependent().check(dropoutCheck(0.5)).label("always, inference"));
        c.add(fwd("Dropout", "p=0.4; axes=(1,)", rnd(16, 10, 7, 30)).train().deviceDependent().check(dropoutCheck(0.4)).label("variational"));
        c.add(fwd("Dropout", "p=1", x).train().expectValues(x.shape(), new double[20]).label("p=1 drops everything"));

        c.add(err("Dropout", "p=1.5", ParameterException.class, "'p'", rnd(1, 2)));
        c.add(err("Dropout", "axes=(2,)", ShapeException.class, "axes", rnd(1, 2, 3)));
        c.add(err("Dropout", "mode=sometimes", ParameterException.class, "mode", rnd(1, 2)));

        c.add(grad("Dropout", "p=0.5", dims(4, 5)).train());
        c.add(grad("Dropout", "p=0.3; axes=(0,)", dims(3, 4)).train());
        c.add(grad("Dropout", "p=0.5", dims(2, 3)));
        // the backward differentiated (create_graph) on (ograd, mask); a mask over axes is summed back to its shape
        c.add(grad("_backward_Dropout", "p=0.5", dims(4, 5), dims(4, 5)).label("second order"));
        c.add(grad("_backward_Dropout", "p=0.3; axes=(0,)", dims(3, 4), dims(1, 4)).label("second order"));
    }

    // ------------------------------------------------------------------ Embedding

    private static void embedding(List<OpCase> c) {
        HostArray w = f32(dims(4, 2), 0, 1, 2, 3, 4, 5, 6, 7);
        c.add(fwd("Embedding", "input_dim=4; output_dim=2", f32(dims(2, 2), 0, 3, 1, 1), w)
                .expectValues(Shape.of(2, 2, 2), 0, 1, 6, 7, 2, 3, 2, 3));
        c.add(fwd("Embedding", "input_dim=4; output_dim=2", f32(dims(3), -1, 5, 2.7), w)
                .expectValues(Shape.of(3, 2), 0, 1, 6, 7, 4, 5).label("indices clipped and truncated"));
        c.add(fwd("_npx_embedding", "input_dim=4; output_dim=2; sparse_grad=True", arr(DType.INT64, dims(2), 2, 0), w.astype(DType.FLOAT64))
                .expect(arr(DType.FLOAT64, dims(2, 2), 4, 5, 0, 1)).label("int64 indices, float64 weight"));
        HostArray idx = uniform(17, 0, 30, 200), wl = rnd(18, 31, 8);
        double[] want = new double[200 * 8];
        for (int i = 0; i < 200; i++) for (int j = 0; j < 8; j++) want[i * 8 + j] = wl.data()[(int) idx.data()[i] * 8 + j];
        c.add(fwd("Embedding", "input_dim=31; output_dim=8", idx, wl).expectValues(Shape.of(200, 8), want).label("large"));

        c.add(err("Embedding", "output_dim=2", ParameterException.class, "input_dim", rnd(1, 2), rnd(2, 4, 2)));
        c.add(err("Embedding", "input_dim=4; output_dim=2", ShapeException.class, "weight", rnd(1, 2), rnd(2, 4, 3)));
        c.add(err("Embedding", "input_dim=4; output_dim=2", TypeException.class, "bool", arr(DType.BOOL, dims(2), 1, 0), w));

        c.add(OpCase.forward("Embedding").param("input_dim", 4).param("output_dim", 3)
                .input(f32(dims(2, 3), 0, 2, 2, 1, 3, 2)).randomInput(4, 3).gradCheck().noGrad(0).label("repeated indices"));
        // the backward differentiated (create_graph) on (ograd, indices): the weight gradient's head looked up
        c.add(OpCase.forward("_backward_Embedding").param("input_dim", 4).param("output_dim", 3)
                .randomInput(2, 3, 3).input(f32(dims(2, 3), 0, 2, 2, 1, 3, 2)).gradCheck().label("second order"));
    }

    // ------------------------------------------------------------------ BlockGrad

    private static void blockGrad(List<OpCase> c) {
        c.add(fwd("BlockGrad", "", f32(dims(2, 2), 1, -2, 3, 4)).expectValues(Shape.of(2, 2), 1, -2, 3, 4));
        c.add(fwd("stop_gradient", "", arr(DType.INT32, dims(3), 1, 2, 3)).expect(arr(DType.INT32, dims(3), 1, 2, 3)));
        c.add(err("BlockGrad", "axis=1", ParameterException.class, "unknown parameter 'axis'", rnd(1, 2)));
    }
}
