package dev.mxj.autograd;

import dev.mxj.ndarray.MemoryManager;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Long record/backward loops keep flat device memory: backward releases what the tape held. */
class MemoryLoopTest {
    private static final int STEPS = 2000;
    private static final Shape SHAPE = Shape.of(16, 16);

    private static NDArray batch(Shape shape, SplittableRandom rng) {
        float[] d = new float[(int) shape.size()];
        for (int i = 0; i < d.length; i++) d[i] = (float) rng.nextDouble(-1, 1);
        return NDArray.array(d, shape);
    }

    /** One SGD-like step: record, backward, update the weight outside the recording. */
    private static void step(NDArray w, SplittableRandom rng) {
        NDArray data = batch(w.shape(), rng);
        NDArray loss;
        try (var rec = Autograd.record()) {
            NDArray h = data.mul(w).tanh();
            loss = h.mul(h).sum();
        }
        loss.backward();
        w.subi(w.grad().mul(1e-3));
    }

    @Test
    void scopedLoopReturnsToTheSameLiveBytes() {
        NDArray w = NDScope.detach(NDArray.ones(SHAPE));
        w.attachGrad();
        SplittableRandom rng = new SplittableRandom(1);
        try (NDScope s = NDScope.open()) {
            step(w, rng);
        }
        NDArray.waitAll();
        long base = MemoryManager.liveBytes();
        for (int i = 0; i < STEPS / 2; i++) { // deterministic: half the steps show it as well
            try (NDScope s = NDScope.open()) {
                step(w, rng);
            }
        }
        NDArray.waitAll();
        long live = MemoryManager.liveBytes(); // garbage of other tests may be cleaned meanwhile: no growth is the point
        assertTrue(live <= base, "live storage grew from " + base + " to " + live + " bytes over " + STEPS / 2 + " scoped steps");
    }

    @Test
    void unclosedLoopStaysBounded() {
        long old = MemoryManager.setGcThresholdBytes(4L << 20);
        try {
            NDArray w = NDArray.ones(Shape.of(32, 32));
            w.attachGrad();
            SplittableRandom rng = new SplittableRandom(2);
            NDArray.waitAll();
            long base = MemoryManager.liveBytes(), peak = 0; // other tests' arrays may still be live in this JVM
            for (int i = 0; i < STEPS; i++) {
                step(w, rng); // nothing closed, as a Python or JS script would do
                peak = Math.max(peak, MemoryManager.liveBytes() - base);
            }
            NDArray.waitAll();
            // ~12 arrays of 4 KB per step: 2000 steps would hold ~100 MB if the tape or the steps leaked
            assertTrue(peak < 16L << 20, "live storage grew by up to " + (peak >> 20) + " MB");
            assertTrue(Float.isFinite(w.toFloatArray()[0]));
        } finally {
            MemoryManager.setGcThresholdBytes(old);
        }
    }
}
