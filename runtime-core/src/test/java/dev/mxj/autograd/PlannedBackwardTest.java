package dev.mxj.autograd;

import dev.mxj.executor.BulkExecution;
import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Backward through cached executor plans gives what the graph runner gives (every request kind,
 * head gradients, grad(), several heads), and a training loop plans once: later steps of the same
 * structure reuse the plan, a new structure (another batch size) gets its own.
 */
class PlannedBackwardTest {
    @AfterEach
    void restore() {
        Autograd.setPlannedBackward(true);
    }

    /** A small MLP with a chain of element-wise nodes (fusible in the backward graph) and SoftmaxOutput. */
    private static List<NDArray> mlp(NDArray x, NDArray label, NDArray[] p) {
        NDArray h = Imperative.invoke1("FullyConnected", new NDArray[] {x, p[0], p[1]}, Map.of("num_hidden", 6), null);
        h = h.mul(0.5).add(0.25).tanh().mul(h); // element-wise chain, and h read twice
        h = Imperative.invoke1("Activation", new NDArray[] {h}, Map.of("act_type", "relu"), null);
        NDArray out = Imperative.invoke1("FullyConnected", new NDArray[] {h, p[2], p[3]}, Map.of("num_hidden", 3), null);
        NDArray prob = Imperative.invoke1("SoftmaxOutput", new NDArray[] {out, label}, null, null);
        return List.of(prob, out.square().sum());
    }

    private static NDArray random(SplittableRandom rng, long... shape) {
        float[] d = new float[(int) Shape.of(shape).size()];
        for (int i = 0; i < d.length; i++) d[i] = (float) rng.nextDouble(-1, 1);
        return NDArray.array(d, Shape.of(shape));
    }

    private static NDArray[] params(SplittableRandom rng) {
        return new NDArray[] {random(rng, 6, 4), random(rng, 6), random(rng, 3, 6), random(rng, 3)};
    }

    /** Run {@code steps} training steps on copies of the same data, planned or not; the gradient buffers after each step. */
    private static List<float[]> train(boolean planned, GradReq req, int batch, int steps, boolean headGrads) {
        Autograd.setPlannedBackward(planned);
        SplittableRandom rng = new SplittableRandom(9);
        NDArray[] p = params(rng);
        for (NDArray a : p) a.attachGrad(req);
        List<float[]> r = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            NDArray x = random(rng, batch, 4), label = NDArray.array(new float[] {0, 2, 1, 1, 0, 2, 2, 1}, Shape.of(8)).slice(0, batch);
            List<NDArray> heads;
            try (var rec = Autograd.record()) {
                heads = mlp(x, label, p);
            }
            List<NDArray> hg = headGrads ? java.util.Arrays.asList(null, NDArray.array(new float[] {0.5f}, Shape.of(1)).reshape(heads.get(1).shape())) : null;
            Autograd.backward(heads, hg, false, true);
            for (NDArray a : p) r.add(a.grad().toFloatArray());
            for (NDArray a : p) a.subi(a.grad().mul(0.1));
        }
        return r;
    }

    private static void assertClose(List<float[]> want, List<float[]> got) {
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            for (int j = 0; j < want.get(i).length; j++) {
                float w = want.get(i)[j], g = got.get(i)[j];
                assertTrue(Math.abs(w - g) <= 1e-5f + 1e-5f * Math.abs(w), "gradient " + i + " element " + j + ": " + w + " vs " + g);
            }
        }
    }

    @Test
    void sameGradientsAsTheGraphRunner() {
        for (GradReq req : new GradReq[] {GradReq.WRITE, GradReq.ADD}) {
            for (boolean hg : new boolean[] {false, true}) {
                assertClose(train(false, req, 8, 3, hg), train(true, req, 8, 3, hg));
            }
        }
    }

    @Test
    void bulkSegmentsGiveIdenticalGradients() {
        BulkExecution small = new BulkExecution(true, true, 2, 2), big = new BulkExecution(true, true, 15, 15);
        for (GradReq req : new GradReq[] {GradReq.WRITE, GradReq.ADD}) {
            List<float[]> off;
            try (var s = BulkExecution.override(BulkExecution.OFF)) {
                off = train(true, req, 8, 3, true);
            }
            for (BulkExecution b : new BulkExecution[] {small, big}) {
                int before = PlannedBackward.builds();
                try (var s = BulkExecution.override(b)) {
                    List<float[]> got = train(true, req, 8, 3, true);
                    assertEquals(off.size(), got.size());
                    for (int i = 0; i < off.size(); i++) assertArrayEquals(off.get(i), got.get(i), b + " " + req + ": gradient " + i);
                }
                assertEquals(before + 1, PlannedBackward.builds(), "other bulk settings, another plan");
            }
        }
    }

    @Test
    void aLoopPlansOnceAndANewShapePlansAgain() {
        Autograd.clearPlanCache();
        int before = PlannedBackward.builds();
        train(true, GradReq.WRITE, 8, 4, false);
        assertEquals(before + 1, PlannedBackward.builds(), "one plan for four steps of one structure");
        train(true, GradReq.WRITE, 5, 2, false);
        assertEquals(before + 2, PlannedBackward.builds(), "another batch size, another plan");
        train(true, GradReq.WRITE, 8, 2, false);
        assertEquals(before + 2, PlannedBackward.builds(), "the first structure is still cached");
    }

    @Test
    void gradReturnsFreshArraysEachCall() {
        Function<Boolean, List<float[]>> run = planned -> {
            Autograd.setPlannedBackward(planned);
            NDArray x = NDArray.array(new float[] {0.5f, -1, 2}, Shape.of(3));
            x.attachGrad();
            List<float[]> r = new ArrayList<>();
            List<NDArray> kept = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                NDArray y;
                try (var rec = Autograd.record()) {
                    y = x.mul(x).mul(i + 1).sin().sum();
                }
                NDArray g = Autograd.grad(List.of(y), List.of(x), null, false, false, true).get(0);
                kept.add(g);
                r.add(g.toFloatArray());
            }
            for (int i = 0; i < kept.size(); i++) assertArrayEquals(r.get(i), kept.get(i).toFloatArray(), 0f, "call " + i + " kept its values");
            assertArrayEquals(new float[3], x.grad().toFloatArray(), 0f, "grad() leaves the buffer alone");
            return r;
        };
        assertClose(run.apply(false), run.apply(true));
    }
}
