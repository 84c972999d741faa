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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Higher-order gradients: grad with createGraph records the gradient computation, which is then
 * differentiated again. Works wherever an operator's gradient is built from differentiable
 * operators; the sin/tanh/x^3 cases need gradients of the fused _backward_* operators, which
 * op-registry does not declare yet, and run as soon as it does.
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
        assumeBackwardDifferentiable("_backward_mul");
        assertValues(x -> 6 * x, secondDerivative(x -> x.mul(x).mul(x)));
    }

    @Test
    void secondDerivativeOfSin() {
        assumeBackwardDifferentiable("_backward_sin");
        assertValues(x -> -Math.sin(x), secondDerivative(NDArray::sin));
    }

    @Test
    void secondDerivativeOfTanh() {
        assumeBackwardDifferentiable("_backward_tanh");
        assertValues(x -> {
            double t = Math.tanh(x);
            return -2 * t * (1 - t * t);
        }, secondDerivative(NDArray::tanh));
    }

    @Test
    void differentiatingANonDifferentiableGradientNamesTheOperator() {
        assumeTrue(OpRegistry.global().get("_backward_sin").gradient() == null, "_backward_sin is differentiable now");
        GraphException e = assertThrows(GraphException.class, () -> secondDerivative(NDArray::sin));
        assertTrue(e.getMessage().contains("_backward_sin") && e.getMessage().contains("not differentiable"), e.getMessage());
    }

    private static void assumeBackwardDifferentiable(String op) {
        assumeTrue(OpRegistry.global().get(op).gradient() != null,
                op + " declares no gradient in op-registry yet (MXNet 1.9 has one); this higher-order case runs once it does");
    }
}
