package dev.mxj.autograd;

import dev.mxj.Context;
import dev.mxj.graph.GraphException;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.DType;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
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

    @Test
    void differentiatingANonDifferentiableGradientNamesTheOperator() {
        // gamma's derivative needs the trigamma function: MXNet 1.9 has no second derivative either
        assertNull(OpRegistry.global().get("_backward_gamma").gradient());
        GraphException e = assertThrows(GraphException.class, () -> secondDerivative(NDArray::gamma));
        assertTrue(e.getMessage().contains("_backward_gamma") && e.getMessage().contains("not differentiable"), e.getMessage());
    }
}
