package dev.mxj.autograd;

import dev.mxj.Context;
import dev.mxj.graph.GraphException;
import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.Nd;
import dev.mxj.op.DType;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Higher-order gradients: grad with createGraph records the gradient computation, which is then
 * differentiated again. Works wherever an operator's gradient is built from differentiable
 * operators, including the fused {@code _backward_*} operators of the unary, binary and scalar
 * functions, which declare their own gradients.
 */
class HigherOrderTest {
    private static final double[] XS = {-1.5, -0.3, 0.4, 1.2};

    private static NDArray x() { return NDArray.array(XS, Shape.of(4), DType.FLOAT64, Context.cpu()); }

    /** Second derivative of f at XS: grad(createGraph) then backward of the first derivative. */
    private static double[] secondDerivative(UnaryOperator<NDArray> f) {
        NDArray x = x();
        x.attachGrad();
        NDArray dx;
        try (var rec = Autograd.record()) {
            NDArray y = f.apply(x);
            dx = Autograd.grad(List.of(y), List.of(x), null, true, true, true).get(0);
        }
        dx.backward();
        return x.grad().toDoubleArray();
    }

    private static void assertValues(DoubleUnaryOperator expected, double[] actual) {
        for (int i = 0; i < XS.length; i++) assertEquals(expected.applyAsDouble(XS[i]), actual[i], 1e-9, "at x=" + XS[i]);
    }

    @Test
    void secondDerivativeOfExp() {
        assertValues(x -> 4 * Math.exp(2 * x), secondDerivative(x -> x.mul(2).exp()));
    }

    @Test
    void firstDerivativeWithCreateGraphIsAlsoRight() {
        NDArray x = x();
        x.attachGrad();
        NDArray dx;
        try (var rec = Autograd.record()) {
            dx = Autograd.grad(List.of(x.mul(3).exp()), List.of(x), null, true, true, true).get(0);
        }
        assertValues(v -> 3 * Math.exp(3 * v), dx.toDoubleArray());
    }

    @Test
    void secondDerivativeOfCube() {
        assertValues(x -> 6 * x, secondDerivative(x -> x.mul(x).mul(x)));
    }

    @Test
    void secondDerivativeOfSin() {
        assertValues(x -> -Math.sin(x), secondDerivative(NDArray::sin));
    }

    @Test
    void secondDerivativeOfTanh() {
        assertValues(x -> {
            double t = Math.tanh(x);
            return -2 * t * (1 - t * t);
        }, secondDerivative(NDArray::tanh));
    }

    @Test
    void secondDerivativeOfPowerScalar() {
        assertValues(x -> 6 * x, secondDerivative(x -> x.pow(3)));
    }

    @Test
    void thirdDerivativeOfPowerScalar() {
        NDArray x = x();
        x.attachGrad();
        NDArray d2;
        try (var rec = Autograd.record()) {
            NDArray d1 = Autograd.grad(List.of(x.pow(4)), List.of(x), null, true, true, true).get(0);
            d2 = Autograd.grad(List.of(d1), List.of(x), null, true, true, true).get(0);
        }
        assertValues(v -> 12 * v * v, d2.toDoubleArray());
        d2.backward();
        assertValues(v -> 24 * v, x.grad().toDoubleArray());
    }

    @Test
    void secondDerivativesOfScalarForms() {
        assertValues(x -> Math.log(3) * Math.log(3) * Math.pow(3, x), secondDerivative(x -> x.rpow(3)));
        assertValues(x -> 4 / (x * x * x), secondDerivative(x -> x.rdiv(2)));
    }

    @Test
    void secondDerivativeThroughASum() {
        assertValues(x -> 6 * x, secondDerivative(x -> x.pow(3).sum()));
    }

    /** Through mean, max, norm and a broadcast: the reductions' backward ops are differentiable too. */
    @Test
    void secondDerivativesThroughReductionsAndBroadcasts() {
        int n = XS.length;
        assertValues(x -> 6 * x / n, secondDerivative(x -> x.pow(3).mean()));
        // f = sum(x^3) max(x): the gradient 3x^2 max + [x is the max] sum(x^3), summed and differentiated again,
        // is 6x max + 3x^2 + [x is the max] 3 sum(x^2) (the max's mask is piecewise constant)
        double max = 1.2, squares = 0;
        for (double v : XS) squares += v * v;
        double sq = squares;
        assertValues(x -> 6 * x * max + 3 * x * x + (x == max ? 3 * sq : 0), secondDerivative(x -> x.pow(3).sum().mul(x.max())));
        // ||x||: d/dx_i of x_i / ||x|| summed over i is (n - 1) / ||x|| ... per element: 1/||x|| - x_i (sum x) / ||x||^3
        double norm = 0, sum = 0;
        for (double v : XS) { norm += v * v; sum += v; }
        double nn = Math.sqrt(norm), s = sum;
        assertValues(x -> 1 / nn - x * s / (nn * nn * nn), secondDerivative(NDArray::norm));
        // broadcast_to then sum: f = sum_j (x_i^2 broadcast over 3 rows) = 3 sum x^2, second derivative 6
        assertValues(x -> 6, secondDerivative(x -> x.reshape(1, n).broadcastTo(new long[] {3, n}).square().sum()));
    }

    /** Third order through broadcast_div's backward (whose gradient sums with _backward_broadcast_add): d3/dy3 of c / y is -6c / y^4. */
    @Test
    void thirdDerivativeOfAQuotient() {
        NDArray c = f64(Shape.of(1), 1.5), y = f64(Shape.of(4), 0.5, -2, 1.5, 3).attachGrad();
        NDArray d2;
        try (var rec = Autograd.record()) {
            NDArray d1 = Autograd.grad(List.of(c.div(y)), List.of(y), null, true, true, true).get(0);
            d2 = Autograd.grad(List.of(d1), List.of(y), null, true, true, true).get(0);
        }
        d2.backward();
        double[] ys = {0.5, -2, 1.5, 3}, d3 = y.grad().toDoubleArray(), second = d2.toDoubleArray();
        for (int i = 0; i < ys.length; i++) {
            assertEquals(3 / Math.pow(ys[i], 3), second[i], 1e-9, "d2 at " + i);
            assertEquals(-9 / Math.pow(ys[i], 4), d3[i], 1e-9, "d3 at " + i);
        }
    }

    /** f = sum(concat(x[:2]^3, x^2)): the slice and concat backward ops are differentiated as their forward ops. */
    @Test
    void secondDerivativeThroughSliceAndConcat() {
        double[] d2 = secondDerivative(x -> Nd.concat(new NDArray[] {Nd.sliceAxis(x, 0, 0, 2).pow(3), x.square()}, 0).sum());
        for (int i = 0; i < XS.length; i++) assertEquals((i < 2 ? 6 * XS[i] : 0) + 2, d2[i], 1e-9, "at " + i);
    }

    /** f = x / y: d/dy of df/dy is 2x/y^3, d/dx of it -1/y^2; same shapes and y broadcast. */
    @Test
    void secondDerivativesOfAQuotient() {
        for (double[] ys : List.of(new double[] {0.5, -2, 1.5, 3}, new double[] {1.25})) {
            NDArray x = x(), y = NDArray.array(ys, Shape.of(ys.length), DType.FLOAT64, Context.cpu());
            x.attachGrad();
            y.attachGrad();
            NDArray dy;
            try (var rec = Autograd.record()) {
                dy = Autograd.grad(List.of(x.div(y)), List.of(x, y), null, true, true, true).get(1);
            }
            dy.backward();
            double[] gx = x.grad().toDoubleArray(), gy = y.grad().toDoubleArray();
            double sumY = 0;
            for (int i = 0; i < XS.length; i++) {
                double yi = ys[ys.length == 1 ? 0 : i];
                assertEquals(-1 / (yi * yi), gx[i], 1e-9, "d2f/dxdy at " + i);
                if (ys.length > 1) assertEquals(2 * XS[i] / (yi * yi * yi), gy[i], 1e-9, "d2f/dy2 at " + i);
                else sumY += 2 * XS[i] / (yi * yi * yi);
            }
            if (ys.length == 1) assertEquals(sumY, gy[0], 1e-9, "d2f/dy2 summed over the broadcast");
        }
    }

    private static NDArray f64(Shape s, double... v) { return NDArray.array(v, s, DType.FLOAT64, Context.cpu()); }

    /** A network of an input and its weights, for gradient penalties. */
    private interface Net {
        NDArray apply(NDArray x, NDArray[] w);
    }

    /** sum(leaky_gelu(FC(tanh(FC(x, w0, w1)), w2, w3))) */
    private static final Net DENSE = (x, w) -> {
        NDArray h = Nd.activation(Nd.fullyConnected(x, w[0], w[1], 3), "tanh");
        return Nd.leakyReLU(Nd.fullyConnected(h, w[2], w[3], 2), "gelu", null, null, null).sum();
    };

    /** sum(sigmoid(FC(maxpool2x2(tanh(conv3x3(x, w0, w1))), w2, w3))) */
    private static final Net CONV = (x, w) -> {
        NDArray h = Nd.activation(Nd.convolution(x, w[0], w[1], new long[] {3, 3}, 2, null, null, new long[] {1, 1}, null, null, null, null, null, null), "tanh");
        NDArray pooled = Nd.pooling(h, new long[] {2, 2}, "max", null, null, null, new long[] {2, 2}, null, null, null, null);
        return Nd.activation(Nd.fullyConnected(pooled, w[2], w[3], 1), "sigmoid").sum();
    };

    private static NDArray[] weights(double[][] w, Shape[] shapes, int k, int j, double eps) {
        NDArray[] p = new NDArray[w.length];
        for (int i = 0; i < w.length; i++) {
            double[] v = w[i].clone();
            if (i == k) v[j] += eps;
            p[i] = f64(shapes[i], v);
        }
        return p;
    }

    /** The penalty sum((d net / dx)^2) with w[k][j] moved by eps, through a first-order grad. */
    private static double penalty(Net net, NDArray x, double[][] w, Shape[] shapes, int k, int j, double eps) {
        NDArray xv = x.copy().attachGrad();
        NDArray y;
        try (var rec = Autograd.record()) {
            y = net.apply(xv, weights(w, shapes, k, j, eps));
        }
        return Autograd.grad(List.of(y), List.of(xv), null, false, false, true).get(0).square().sum().asScalar();
    }

    /**
     * A gradient penalty (as WGAN-GP): p = sum((d net(x) / dx)^2); create_graph then backward
     * gives dp/dw, compared with central differences of p.
     */
    private static void assertPenaltyGradient(Net net, NDArray x, double[][] w, Shape[] shapes) {
        NDArray[] p = weights(w, shapes, -1, 0, 0);
        for (NDArray a : p) a.attachGrad();
        x.attachGrad();
        NDArray pen;
        try (var rec = Autograd.record()) {
            NDArray dx = Autograd.grad(List.of(net.apply(x, p)), List.of(x), null, true, true, true).get(0);
            pen = dx.square().sum();
        }
        pen.backward();
        double eps = 1e-6;
        for (int k = 0; k < w.length; k++) {
            double[] analytic = p[k].grad().toDoubleArray();
            for (int j = 0; j < w[k].length; j++) {
                double numeric = (penalty(net, x, w, shapes, k, j, eps) - penalty(net, x, w, shapes, k, j, -eps)) / (2 * eps);
                assertEquals(numeric, analytic[j], 1e-6, "d penalty / d weight " + k + "[" + j + "]");
            }
        }
    }

    @Test
    void gradientPenaltyThroughDenseLayers() {
        double[][] w = {{0.5, -0.3, 0.8, 0.2, -0.6, 0.4}, {0.1, -0.2, 0.05}, {0.7, -0.4, 0.3, -0.5, 0.6, 0.2}, {0.05, -0.1}};
        Shape[] shapes = {Shape.of(3, 2), Shape.of(3), Shape.of(2, 3), Shape.of(2)};
        assertPenaltyGradient(DENSE, f64(Shape.of(2, 2), 0.3, -0.7, 1.1, 0.4), w, shapes);
    }

    /** Through a convolution, tanh, 2x2 max pooling and a dense layer. */
    @Test
    void gradientPenaltyThroughAConvolutionalNetwork() {
        double[] w0 = new double[18], x = new double[2 * 16], w2 = new double[8];
        for (int i = 0; i < w0.length; i++) w0[i] = Math.sin(1.7 * i + 0.3) * 0.5;
        for (int i = 0; i < x.length; i++) x[i] = Math.cos(0.9 * i * i + 0.1);
        for (int i = 0; i < w2.length; i++) w2[i] = Math.sin(2.3 * i - 0.4) * 0.6;
        double[][] w = {w0, {0.1, -0.05}, w2, {0.2}};
        Shape[] shapes = {Shape.of(2, 1, 3, 3), Shape.of(2), Shape.of(1, 8), Shape.of(1)};
        assertPenaltyGradient(CONV, f64(Shape.of(2, 1, 4, 4), x), w, shapes);
    }

    /** c . grad f(x) through a first-order grad, for central differences of it. */
    private static double directional(UnaryOperator<NDArray> f, double[] x0, Shape s, double[] c) {
        NDArray x = f64(s, x0).attachGrad();
        NDArray y;
        try (var rec = Autograd.record()) {
            y = f.apply(x);
        }
        double[] g = Autograd.grad(List.of(y), List.of(x), null, false, false, true).get(0).toDoubleArray();
        double d = 0;
        for (int i = 0; i < g.length; i++) d += c[i] * g[i];
        return d;
    }

    /** The Hessian of f at x0 times c: create_graph, then backward of c . grad f; compared with central differences. */
    private static void assertHessianVectorProduct(UnaryOperator<NDArray> f, double[] x0, Shape s, double[] c) {
        NDArray x = f64(s, x0).attachGrad(), cv = f64(s, c);
        NDArray d;
        try (var rec = Autograd.record()) {
            NDArray g = Autograd.grad(List.of(f.apply(x)), List.of(x), null, true, true, true).get(0);
            d = g.mul(cv).sum();
        }
        d.backward();
        double[] hv = x.grad().toDoubleArray();
        double eps = 1e-6;
        for (int k = 0; k < x0.length; k++) {
            double[] up = x0.clone(), down = x0.clone();
            up[k] += eps;
            down[k] -= eps;
            double numeric = (directional(f, up, s, c) - directional(f, down, s, c)) / (2 * eps);
            assertEquals(numeric, hv[k], 1e-6, "(H c)[" + k + "]");
        }
    }

    /** Weighted sums of softmax, log_softmax and softmin (with a temperature) and SoftmaxActivation: their gradients sum to zero, so a weighted Hessian-vector product is checked. */
    @Test
    void hessianVectorProductsThroughTheSoftmaxFamily() {
        double[] x0 = {0.3, -1.2, 0.8, 2.0, -0.4, 0.1}, w = {1.5, -0.5, 2.0, 0.7, -1.1, 0.4}, c = {0.2, -0.9, 1.3, 0.5, 0.6, -0.3};
        Shape s = Shape.of(2, 3);
        NDArray wv = f64(s, w);
        assertHessianVectorProduct(x -> Nd.softmax(x).mul(wv).sum(), x0, s, c);
        assertHessianVectorProduct(x -> Nd.logSoftmax(x, 0, 0.7, null, null).mul(wv).sum(), x0, s, c);
        assertHessianVectorProduct(x -> Nd.softmin(x, 1, 1.3, null, null).mul(wv).sum(), x0, s, c);
        assertHessianVectorProduct(x -> Nd.softmaxActivation(x).mul(wv).sum(), x0, s, c);
    }

    @Test
    void differentiatingANonDifferentiableGradientNamesTheOperator() {
        // gamma's derivative needs the trigamma function: MXNet 1.9 has no second derivative either
        assertNull(OpRegistry.global().get("_backward_gamma").gradient());
        GraphException e = assertThrows(GraphException.class, () -> secondDerivative(NDArray::gamma));
        assertTrue(e.getMessage().contains("_backward_gamma") && e.getMessage().contains("not differentiable"), e.getMessage());
    }

    @Test
    void softmaxWithALengthMaskHasNoSecondOrderGradientAndSaysSo() {
        NDArray len = NDArray.array(new double[] {3}, Shape.of(1), DType.INT32, Context.cpu());
        GraphException e = assertThrows(GraphException.class,
                () -> secondDerivative(x -> {
                    NDArray row = x.reshape(1, XS.length);
                    return Imperative.invoke("softmax", new NDArray[] {row, len}, Map.of("use_length", true), null)[0].mul(row).sum();
                }));
        assertTrue(e.getMessage().contains("_backward_softmax") && e.getMessage().contains("use_length"), e.getMessage());
    }
}
