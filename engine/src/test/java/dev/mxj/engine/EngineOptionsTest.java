package dev.mxj.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Environment variables of the threaded engine. */
class EngineOptionsTest {
    @Test
    void defaultsWhenNothingIsSet() {
        EngineOptions o = EngineOptions.fromMap(Map.of());
        assertEquals(Runtime.getRuntime().availableProcessors(), o.cpuWorkers());
        assertTrue(o.inline());
        assertEquals(50_000, o.spinNanos());
        assertEquals(EngineOptions.defaults(), o);
    }

    @Test
    void mxnetNamesAreAcceptedAndMxjNamesWin() {
        EngineOptions o = EngineOptions.fromMap(Map.of(
                "MXNET_CPU_WORKER_NTHREADS", "3",
                "MXNET_CPU_PRIORITY_NTHREADS", "5",
                "MXNET_GPU_WORKER_NTHREADS", "2",
                "MXNET_GPU_COPY_NTHREADS", "2",
                "MXJ_ASYNC_WORKER_NTHREADS", "7",
                "MXJ_ENGINE_INLINE", "0",
                "MXJ_ENGINE_SPIN_US", "0"));
        assertEquals(new EngineOptions(3, 5, 2, 2, 7, false, 0), o);
        assertEquals(6, EngineOptions.fromMap(Map.of("MXNET_CPU_WORKER_NTHREADS", "3", "MXJ_CPU_WORKER_NTHREADS", "6")).cpuWorkers());
        assertFalse(EngineOptions.fromMap(Map.of("MXJ_ENGINE_INLINE", "false")).inline());
        assertTrue(EngineOptions.fromMap(Map.of("MXJ_ENGINE_INLINE", " 1 ")).inline());
    }

    @Test
    void malformedValuesNameTheVariable() {
        var ex = assertThrows(IllegalArgumentException.class,
                () -> EngineOptions.fromMap(Map.of("MXNET_CPU_WORKER_NTHREADS", "zero")));
        assertTrue(ex.getMessage().startsWith("MXNET_CPU_WORKER_NTHREADS='zero'"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EngineOptions.fromMap(Map.of("MXJ_CPU_WORKER_NTHREADS", "0")));
        assertThrows(IllegalArgumentException.class, () -> EngineOptions.fromMap(Map.of("MXJ_ENGINE_INLINE", "maybe")));
        assertThrows(IllegalArgumentException.class, () -> EngineOptions.fromMap(Map.of("MXJ_ENGINE_SPIN_US", "-1")));
    }

    @Test
    void engineTypesAreChosenByName() {
        try (Engine e = Engines.create("NaiveEngine")) {
            assertTrue(e.isSynchronous());
        }
        try (Engine e = Engines.create("ThreadedEnginePerDevice")) {
            assertFalse(e.isSynchronous());
        }
        try (Engine e = Engines.createThreaded(1, false)) {
            assertEquals(1, ((ThreadedEngine) e).options().cpuWorkers());
            assertFalse(((ThreadedEngine) e).options().inline());
        }
        assertThrows(IllegalArgumentException.class, () -> Engines.create("Turbo"));
    }
}
