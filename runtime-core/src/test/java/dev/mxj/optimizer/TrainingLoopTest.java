package dev.mxj.optimizer;

import dev.mxj.Random;
import dev.mxj.initializer.InitDesc;
import dev.mxj.initializer.Initializer;
import dev.mxj.metric.EvalMetric;
import dev.mxj.metric.Metric;
import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.op.Shape;
import dev.mxj.optimizer.lr.FactorScheduler;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The building blocks together: Xavier-initialised linear regression trained by SGD with
 * momentum and a schedule, gradients written out by hand, progress read from an MSE metric.
 */
class TrainingLoopTest {
    @Test
    void linearRegressionConverges() {
        Random.seed(7);
        NDArray x = NDArray.empty(Shape.of(64, 3));
        Imperative.invoke("_random_normal_like", new NDArray[] {x}, Map.of("loc", 0.0, "scale", 1.0), new NDArray[] {x});
        NDArray trueW = NDArray.array(new float[] {1, -2, 0.5f}, Shape.of(1, 3));
        NDArray y = dot(x, trueW, false, true);                              // (64, 1)

        NDArray w = NDArray.empty(Shape.of(1, 3)), b = NDArray.full(Shape.of(1), 5);
        Initializer init = Initializer.create("xavier", Map.of("magnitude", 2));
        init.call(new InitDesc("fc_weight"), w);
        init.call(new InitDesc("fc_bias"), b);
        assertEquals(0, b.asScalar());

        Optimizer sgd = Optimizer.create("sgd", Map.of("learning_rate", 0.1, "momentum", 0.9,
                "lr_scheduler", new FactorScheduler(50, 0.5), "param_idx2name", Map.of(0, "fc_weight", 1, "fc_bias")));
        Updater updater = Optimizer.getUpdater(sgd);
        EvalMetric mse = Metric.create("mse");
        double first = Double.NaN;
        for (int step = 0; step < 150; step++) {
            try (var scope = NDScope.open()) {
                NDArray pred = dot(x, w, false, true).add(b);                // (64, 1)
                NDArray err = pred.sub(y);
                updater.call(0, dot(err, x, true, false).div(64), w);         // d(mse/2)/dw
                updater.call(1, err.sum().reshape(1).div(64), b);
                mse.update(y, pred);
                if (step == 0) first = mse.get().value();
                if (step % 50 == 49) mse.resetLocal();
            }
        }
        assertTrue(first > 1, "starts far off: " + first);
        mse.update(y, dot(x, w, false, true).add(b));
        assertTrue(mse.get().value() < 1e-4, "converged: " + mse.get().value());
        assertArrayEquals(new float[] {1, -2, 0.5f}, w.toFloatArray(), 1e-2f);
        assertEquals(150, sgd.numUpdate());
        assertEquals(0.025, sgd.learningRate(), 1e-12, "two factor steps passed");
    }

    private static NDArray dot(NDArray a, NDArray b, boolean ta, boolean tb) {
        return Imperative.invoke1("dot", new NDArray[] {a, b}, Map.of("transpose_a", ta, "transpose_b", tb), null);
    }
}
