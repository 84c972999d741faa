package dev.mxj.autograd;

import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A tiny classifier trained through autograd: FullyConnected, Activation, SoftmaxOutput and plain SGD. */
class TrainingSmokeTest {
    @Test
    void twoLayerClassifierLearnsASeparableProblem() {
        for (String op : new String[] {"FullyConnected", "Activation", "SoftmaxOutput"}) {
            assumeTrue(OpRegistry.global().find(op) != null, op + " has not landed on main yet");
        }
        SplittableRandom rng = new SplittableRandom(3);
        int n = 32;
        float[] xs = new float[n * 2], ys = new float[n];
        for (int i = 0; i < n; i++) {
            float a = (float) rng.nextDouble(-1, 1), b = (float) rng.nextDouble(-1, 1);
            xs[2 * i] = a;
            xs[2 * i + 1] = b;
            ys[i] = a + b > 0 ? 1 : 0;
        }
        NDArray x = NDArray.array(xs, Shape.of(n, 2)), label = NDArray.array(ys, Shape.of(n));
        NDArray w1 = random(rng, 8, 2), b1 = NDArray.zeros(Shape.of(8)), w2 = random(rng, 2, 8), b2 = NDArray.zeros(Shape.of(2));
        NDArray[] params = {w1, b1, w2, b2};
        for (NDArray p : params) p.attachGrad();
        double first = 0, last = 0;
        for (int step = 0; step < 200; step++) {
            NDArray prob;
            try (var rec = Autograd.record()) {
                NDArray h = Imperative.invoke1("FullyConnected", new NDArray[] {x, w1, b1}, Map.of("num_hidden", 8), null);
                h = Imperative.invoke1("Activation", new NDArray[] {h}, Map.of("act_type", "tanh"), null);
                NDArray out = Imperative.invoke1("FullyConnected", new NDArray[] {h, w2, b2}, Map.of("num_hidden", 2), null);
                prob = Imperative.invoke1("SoftmaxOutput", new NDArray[] {out, label}, null, null);
            }
            prob.backward(); // SoftmaxOutput's gradient is its own cross-entropy gradient, the head gradient is ignored
            for (NDArray p : params) p.subi(p.grad().mul(0.5)); // plain SGD; the gradient is summed over the batch (normalization=null)
            double loss = crossEntropy(prob.toFloatArray(), ys);
            if (step == 0) first = loss;
            last = loss;
        }
        assertTrue(last < first / 3, "cross-entropy went from " + first + " to " + last);
    }

    private static NDArray random(SplittableRandom rng, int rows, int cols) {
        float[] d = new float[rows * cols];
        for (int i = 0; i < d.length; i++) d[i] = (float) rng.nextDouble(-0.5, 0.5);
        return NDArray.array(d, Shape.of(rows, cols));
    }

    private static double crossEntropy(float[] prob, float[] label) {
        double s = 0;
        for (int i = 0; i < label.length; i++) s -= Math.log(Math.max(1e-12, prob[2 * i + (int) label[i]]));
        return s / label.length;
    }
}
