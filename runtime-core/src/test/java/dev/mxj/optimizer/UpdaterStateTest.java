package dev.mxj.optimizer;

import dev.mxj.ndarray.NDArray;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Saving and loading optimizer state: a reloaded run continues exactly like an uninterrupted one. */
class UpdaterStateTest {
    private static NDArray grad(int step, int idx) {
        float[] g = new float[4];
        for (int i = 0; i < 4; i++) g[i] = (float) Math.sin(1 + step * 7 + idx * 3 + i);
        return NDArray.array(g, Shape.of(2, 2));
    }

    /** Runs {@code steps} updates of two parameters from {@code from}, with the updater given. */
    private static void run(Updater u, NDArray[] w, int from, int steps) {
        for (int s = from; s < from + steps; s++) for (int i = 0; i < w.length; i++) u.call(i, grad(s, i), w[i]);
    }

    private static NDArray[] weights() {
        return new NDArray[] {NDArray.array(new float[] {1, 2, 3, 4}, Shape.of(2, 2)), NDArray.array(new float[] {-1, 0.5f, 0, 2}, Shape.of(2, 2))};
    }

    static void roundTrip(String name, Map<String, ?> params) { roundTrip(name, () -> params); }

    /** Fresh arguments per optimizer: a scheduler is stateful and must not be shared. */
    static void roundTrip(String name, java.util.function.Supplier<Map<String, ?>> args) {
        NDArray[] straight = weights();
        run(Optimizer.getUpdater(Optimizer.create(name, args.get())), straight, 0, 6);

        NDArray[] w = weights();
        Updater first = Optimizer.getUpdater(Optimizer.create(name, args.get()));
        run(first, w, 0, 3);
        byte[] saved = first.getStates();
        Updater second = Optimizer.getUpdater(Optimizer.create(name, args.get()));
        second.setStates(saved);
        assertEquals(first.optimizer().numUpdate(), second.optimizer().numUpdate());
        run(second, w, 3, 3);
        for (int i = 0; i < w.length; i++) assertArrayEquals(straight[i].toFloatArray(), w[i].toFloatArray(), name + " weight " + i);
    }

    @Test
    void adaGradAndAdaDeltaContinueIdentically() {
        roundTrip("adagrad", Map.of("learning_rate", 0.1, "wd", 0.01));
        roundTrip("adadelta", Map.of("rho", 0.8));
    }

    @Test
    void schedulersResumeWhereTheyStopped() {
        // a fresh PolyScheduler past max_update would restart from base_lr; the saved one stays at final_lr
        java.util.function.Supplier<Map<String, ?>> p = () -> Map.of("learning_rate", 0.1,
                "lr_scheduler", new dev.mxj.optimizer.lr.PolyScheduler(2, 0.1, 1, 0.01, 0, 0, "linear"));
        NDArray[] straight = weights();
        run(Optimizer.getUpdater(Optimizer.create("adagrad", p.get())), straight, 0, 6);
        NDArray[] w = weights();
        Updater first = Optimizer.getUpdater(Optimizer.create("adagrad", p.get()));
        run(first, w, 0, 3);
        Updater second = Optimizer.getUpdater(Optimizer.create("adagrad", p.get()));
        second.setStates(first.getStates());
        assertEquals(0.01, second.optimizer().learningRate(), 1e-12);
        run(second, w, 3, 3);
        for (int i = 0; i < w.length; i++) assertArrayEquals(straight[i].toFloatArray(), w[i].toFloatArray());
    }

    @Test
    void nadamKeepsItsMomentumSchedule() {
        roundTrip("nadam", Map.of("learning_rate", 0.05));
    }

    @Test
    void larsKeepsItsPreviousRate() {
        roundTrip("lars", () -> Map.of("learning_rate", 0.1, "momentum", 0.9, "lr_scheduler", new dev.mxj.optimizer.lr.FactorScheduler(2, 0.5)));
    }

    @Test
    void adamContinuesIdenticallyIncludingBiasCorrection() {
        roundTrip("adam", Map.of("learning_rate", 0.05));
    }

    @Test
    void sgdWithoutMomentumHasNoneSlots() {
        roundTrip("sgd", Map.of("learning_rate", 0.1));
        roundTrip("sgd", Map.of("learning_rate", 0.1, "momentum", 0.9));
    }

    @Test
    void savedStateHoldsArraysAndCounts() {
        Updater u = Optimizer.getUpdater(Optimizer.create("adadelta"));
        run(u, weights(), 0, 2);
        Updater v = Optimizer.getUpdater(Optimizer.create("adadelta"));
        v.setStates(u.getStates());
        assertEquals(Map.of(0, 2, 1, 2), v.optimizer().indexUpdateCounts());
        assertEquals(2, v.states().size());
        for (int k = 0; k < 2; k++) {
            for (int s = 0; s < 2; s++) assertArrayEquals(u.states().get(k)[s].toFloatArray(), v.states().get(k)[s].toFloatArray());
        }
        assertThrows(IllegalArgumentException.class, () -> v.setStates(new byte[] {1, 2, 3}));
        byte[] cut = java.util.Arrays.copyOf(u.getStates(), 40);
        assertThrows(IllegalArgumentException.class, () -> v.setStates(cut));
    }

    @Test
    void statesOutliveTheScopeTheyWereCreatedIn() {
        Updater u = Optimizer.getUpdater(Optimizer.create("adagrad"));
        NDArray w = dev.mxj.ndarray.NDScope.detach(NDArray.ones(2));
        try (var scope = dev.mxj.ndarray.NDScope.open()) {
            u.call(0, NDArray.ones(2), w);
        }
        assertFalse(u.states().get(0)[0].isClosed());
        u.call(0, NDArray.ones(2), w);
        assertArrayEquals(new float[] {2, 2}, u.states().get(0)[0].toFloatArray(), "history = 1 + 1");
    }
}
