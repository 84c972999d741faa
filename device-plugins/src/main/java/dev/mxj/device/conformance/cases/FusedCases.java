package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;
import dev.mxj.op.TypeException;

import java.util.ArrayList;
import java.util.List;

/**
 * Cases of {@code _fused_elemwise}, the executor's fused element-wise operator: programs of
 * float loops and of steps that run other operators' kernels, float32 and float64, more elements
 * than one block, and rejected programs, shapes and dtypes. Expected values are the steps
 * computed here one by one, rounded to the dtype after each step as separate nodes would be.
 */
public final class FusedCases {
    private FusedCases() {}

    private static final String OP = "_fused_elemwise";

    public static List<OpCase> cases() {
        List<OpCase> c = new ArrayList<>();
        double[] x = {-2, -0.5, 0, 0.25, 1, 3}, y = {1, 2, -1, 0.5, -3, 4};
        Shape s = Shape.of(2, 3);
        // relu(x + 1) * y, then - 0.5: float loops only
        double[] want = new double[x.length];
        for (int i = 0; i < x.length; i++) want[i] = Math.max(x[i] + 1, 0) * y[i] - 0.5;
        c.add(OpCase.forward(OP).param("num_args", 2)
                .param("program", "_plus_scalar(r0){scalar=1};Activation(r2){act_type=relu};elemwise_mul(r3,r1);_minus_scalar(r4){scalar=0.5}")
                .input(s, x).input(s, y).expectValues(s, want).label("float loops"));
        // an input read twice and steps through other kernels: exp(x) * x + log1p(x*x), sigmoid backward from a tanh output
        double[] want2 = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            float t = (float) Math.tanh(y[i]);
            float e = (float) Math.exp(x[i]);
            float l = (float) Math.log1p((float) (x[i] * x[i]));
            float v = e * (float) x[i] + l;
            want2[i] = v * t * (1 - t);
        }
        c.add(OpCase.forward(OP).param("num_args", 2)
                .param("program", "exp(r0);elemwise_mul(r2,r0);square(r0);log1p(r4);elemwise_add(r3,r5);tanh(r1);_backward_Activation(r6,r7,r1){act_type=sigmoid}")
                .input(s, x).input(s, y).expectValues(s, want2).label("kernels and registers"));
        // float64 through the operators' kernels, and many blocks split over threads
        int n = 70_001;
        double[] big = new double[n], bigWant = new double[n];
        for (int i = 0; i < n; i++) {
            big[i] = ((i * 37) % 101 - 50) / 10.0;
            bigWant[i] = 1 / (1 + Math.exp(-(big[i] * 2.5))) - big[i];
        }
        c.add(OpCase.forward(OP).param("num_args", 1).param("program", "_mul_scalar(r0){scalar=2.5};sigmoid(r1);elemwise_sub(r2,r0)")
                .input(HostArray.of(Shape.of(n), DType.FLOAT64, big)).expect(HostArray.of(Shape.of(n), DType.FLOAT64, bigWant)).label("float64, many blocks"));
        c.add(OpCase.forward(OP).param("num_args", 1).param("program", "_mul_scalar(r0){scalar=2.5};sigmoid(r1);elemwise_sub(r2,r0)")
                .input(HostArray.f32(Shape.of(n), big)).expect(HostArray.f32(Shape.of(n), bigWant)).tol(1e-5, 1e-6).label("float32, many blocks"));

        c.add(OpCase.error(OP).param("num_args", 2).param("program", "elemwise_add(r0,r1)")
                .input(Shape.of(2, 3), x).input(Shape.of(3, 2), y).fails(ShapeException.class, "same shape"));
        c.add(OpCase.error(OP).param("num_args", 1).param("program", "relu(r1)")
                .input(s, x).fails(ShapeException.class, "not defined before"));
        c.add(OpCase.error(OP).param("num_args", 1).param("program", "sum(r0)")
                .input(s, x).fails(ShapeException.class, "cannot be fused"));
        c.add(OpCase.error(OP).param("num_args", 2).param("program", "relu(r0)")
                .input(s, x).input(s, y).fails(ShapeException.class, "never read"));
        c.add(OpCase.error(OP).param("num_args", 1).param("program", "relu(r0)")
                .input(HostArray.of(s, DType.INT32, 1, 2, 3, 4, 5, 6)).fails(TypeException.class, "floating"));
        return c;
    }
}
