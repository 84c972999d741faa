package dev.mxj.optimizer.lr;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Values worked out by hand from MXNet 1.9's lr_scheduler.py formulas. */
class LRSchedulerTest {
    private static final double EPS = 1e-12;

    @Test
    void factorStepsOnceNumUpdatePassesEachMultiple() {
        var s = new FactorScheduler(10, 0.5, 1e-8, 1.0, 0, 0, "linear");
        assertEquals(1.0, s.call(0), EPS);
        assertEquals(1.0, s.call(10), EPS);   // 10 > 0 + 10 is false
        assertEquals(0.5, s.call(11), EPS);
        assertEquals(0.5, s.call(20), EPS);
        assertEquals(0.125, s.call(31), EPS); // catches up two steps at once
    }

    @Test
    void factorStopsAtStopFactorLr() {
        var s = new FactorScheduler(1, 0.1, 0.005, 1.0, 0, 0, "linear");
        assertEquals(0.1, s.call(2), EPS);
        assertEquals(0.01, s.call(3), EPS);
        assertEquals(0.005, s.call(4), EPS);
        assertEquals(0.005, s.call(9), EPS);
    }

    @Test
    void linearAndConstantWarmup() {
        var lin = new FactorScheduler(100, 0.5, 1e-8, 0.1, 4, 0.02, "linear");
        assertEquals(0.02, lin.call(0), EPS);
        assertEquals(0.02 + 0.08 * 3 / 4, lin.call(3), EPS);
        assertEquals(0.1, lin.call(4), EPS);
        var con = new CosineScheduler(10, 0.1, 0, 4, 0.02, "constant");
        assertEquals(0.02, con.call(3), EPS);
        assertThrows(IllegalArgumentException.class, () -> new PolyScheduler(10, 0.1, 2, 0, 2, 0.5, "linear"));
        assertThrows(IllegalArgumentException.class, () -> new PolyScheduler(10, 0.1, 2, 0, 2, 0, "cubic"));
    }

    @Test
    void multiFactor() {
        var s = new MultiFactorScheduler(new int[] {5, 8}, 0.1, 1.0, 0, 0, "linear");
        assertEquals(1.0, s.call(5), EPS);
        assertEquals(0.1, s.call(6), EPS);
        assertEquals(0.1, s.call(8), EPS);
        assertEquals(0.01, s.call(9), 1e-15);
        assertEquals(0.01, s.call(100), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new MultiFactorScheduler(new int[] {5, 5}, 0.1));
    }

    @Test
    void poly() {
        var s = new PolyScheduler(10, 2.0, 2, 0.5, 0, 0, "linear");
        assertEquals(2.0, s.call(0), EPS);
        assertEquals(0.5 + 1.5 * 0.25, s.call(5), EPS);   // (1 - 5/10)^2
        assertEquals(0.5, s.call(10), EPS);
        assertEquals(0.5, s.call(50), EPS);
        var w = new PolyScheduler(12, 1.0, 1, 0, 2, 0, "linear");
        assertEquals(0.5, w.call(1), EPS);                  // warm-up half way
        assertEquals(1 - 3 / 10.0, w.call(5), EPS);        // (1 - (5-2)/(12-2))^1
    }

    @Test
    void cosine() {
        var s = new CosineScheduler(10, 1.0, 0.2, 0, 0, "linear");
        assertEquals(1.0, s.call(0), EPS);
        assertEquals(0.2 + 0.8 * (1 + Math.cos(Math.PI * 0.3)) / 2, s.call(3), EPS);
        assertEquals(0.6, s.call(5), EPS);
        assertEquals(0.2, s.call(10), EPS);
        assertEquals(0.2, s.call(11), EPS);
    }
}
