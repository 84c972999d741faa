package dev.mxj.engine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Error semantics, run on the naive engine (the reference) and on the threaded engine with and
 * without inline dispatch: all three must behave the same.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EngineErrorTest {
    private static final ExecContext CPU = ExecContext.CPU;
    private static final Var[] NONE = {};

    @ParameterizedTest
    @ValueSource(strings = {"naive", "inline", "async"})
    void errorIsStoredOnWrittenVarsPropagatedDownstreamAndRethrownOnce(String kind) {
        try (Engine e = Engines4Test.create(kind)) {
            Var a = e.newVar(), b = e.newVar(), c = e.newVar(), in = e.newVar();
            AtomicBoolean downstreamRan = new AtomicBoolean();
            e.push(rc -> {}, CPU, NONE, new Var[] {in});
            e.push(rc -> { throw new IllegalArgumentException("boom"); }, CPU, new Var[] {in}, new Var[] {a}, FnProperty.NORMAL, 0, "bad");
            e.push(rc -> downstreamRan.set(true), CPU, new Var[] {a}, new Var[] {b}, FnProperty.NORMAL, 0, "b=f(a)");
            e.push(rc -> downstreamRan.set(true), CPU, new Var[] {b}, new Var[] {c}, FnProperty.NORMAL, 0, "c=g(b)");

            EngineException ex = assertThrows(EngineException.class, () -> e.waitForVar(c));
            assertEquals("bad", ex.operation());
            assertInstanceOf(IllegalArgumentException.class, ex.getCause());
            assertEquals("boom (in operator bad)", ex.getMessage());
            assertDoesNotThrow(() -> e.waitForVar(c));                 // once per var
            assertSame(ex, assertThrows(EngineException.class, () -> e.waitForVar(a)));
            assertSame(ex, assertThrows(EngineException.class, () -> e.waitForVar(b)));
            assertFalse(downstreamRan.get(), "ops on poisoned inputs are skipped");
            assertDoesNotThrow(() -> e.waitForVar(in), "errors are not stored on read vars");
            assertDoesNotThrow(e::waitForAll, "waitForVar already rethrew the first error");

            // the engine keeps working, also on the vars whose error was consumed
            long[] cell = new long[1];
            e.push(rc -> cell[0] = 5, CPU, NONE, new Var[] {a});
            e.push(rc -> cell[0] *= 2, CPU, new Var[] {a}, new Var[] {c});
            e.waitForVar(c);
            assertEquals(10, cell[0]);
            e.waitForAll();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"naive", "inline", "async"})
    void waitForAllRethrowsTheFirstErrorOnce(String kind) {
        try (Engine e = Engines4Test.create(kind)) {
            Var a = e.newVar(), b = e.newVar();
            e.push(rc -> { throw new IllegalStateException("first"); }, CPU, NONE, new Var[] {a}, FnProperty.NORMAL, 0, "op1");
            e.waitForVar(b);   // unrelated var: no error
            EngineException ex = assertThrows(EngineException.class, e::waitForAll);
            assertEquals("op1", ex.operation());
            assertDoesNotThrow(e::waitForAll);
            // the var still carries it until waitForVar consumes it
            assertSame(ex, assertThrows(EngineException.class, () -> e.waitForVar(a)));
            assertDoesNotThrow(() -> e.waitForVar(a));

            long[] cell = new long[1];
            e.push(rc -> cell[0]++, CPU, NONE, new Var[] {a, b});
            e.waitForAll();
            assertEquals(1, cell[0]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"naive", "inline", "async"})
    void completionFailFromAnotherThreadIsAnError(String kind) {
        try (Engine e = Engines4Test.create(kind)) {
            Var a = e.newVar(), b = e.newVar();
            e.pushAsync((rc, done) -> new Thread(() -> done.fail(new IOException("disk gone"))).start(),
                    CPU, NONE, new Var[] {a}, FnProperty.NORMAL, 0, "read-file");
            e.push(rc -> {}, CPU, new Var[] {a}, new Var[] {b}, FnProperty.NORMAL, 0, "use");
            EngineException ex = assertThrows(EngineException.class, () -> e.waitForVar(b));
            assertEquals("read-file", ex.operation());
            assertInstanceOf(IOException.class, ex.getCause());
            assertThrows(EngineException.class, () -> e.waitForVar(a));
            e.waitForAll();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"naive", "inline", "async"})
    void asyncBodyThrowingAndEngineExceptionsAreNotRewrapped(String kind) {
        try (Engine e = Engines4Test.create(kind)) {
            Var a = e.newVar(), b = e.newVar();
            e.pushAsync((rc, done) -> { throw new ArithmeticException("div"); }, CPU, NONE, new Var[] {a}, FnProperty.NORMAL, 0, "div");
            EngineException ex = assertThrows(EngineException.class, () -> e.waitForVar(a));
            assertInstanceOf(ArithmeticException.class, ex.getCause());

            EngineException own = new EngineException("inner", new RuntimeException("x"));
            e.push(rc -> { throw own; }, CPU, NONE, new Var[] {b}, FnProperty.NORMAL, 0, "outer");
            assertSame(own, assertThrows(EngineException.class, () -> e.waitForVar(b)));
            e.waitForAll();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"naive", "inline", "async"})
    void firstUpstreamErrorInReadsThenMutatesOrderWins(String kind) {
        try (Engine e = Engines4Test.create(kind)) {
            Var q = e.newVar(), x = e.newVar(), y = e.newVar(), out = e.newVar();
            e.push(rc -> { throw new RuntimeException("x"); }, CPU, NONE, new Var[] {x}, FnProperty.NORMAL, 0, "fx");
            e.push(rc -> { throw new RuntimeException("y"); }, CPU, NONE, new Var[] {y}, FnProperty.NORMAL, 0, "fy");
            // y is read and mutated: it ranks by its place in reads (1), before x (2 + 1)
            e.push(rc -> {}, CPU, new Var[] {q, y}, new Var[] {out, x, y}, FnProperty.NORMAL, 0, "combine");
            assertEquals("fy", assertThrows(EngineException.class, () -> e.waitForVar(out)).operation());
            assertEquals("fy", assertThrows(EngineException.class, () -> e.waitForVar(x)).operation());
            // x is clean again, y still carries fy
            e.push(rc -> {}, CPU, new Var[] {x, y}, new Var[] {out}, FnProperty.NORMAL, 0, "again");
            assertEquals("fy", assertThrows(EngineException.class, () -> e.waitForVar(out)).operation());
            assertDoesNotThrow(() -> e.waitForVar(q));
            assertThrows(EngineException.class, e::waitForAll);
            e.waitForAll();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"naive", "inline", "async"})
    void deleterRunsDespiteErrorsAndItsOwnFailureReachesWaitForAll(String kind) {
        try (Engine e = Engines4Test.create(kind)) {
            Var a = e.newVar();
            AtomicBoolean deleted = new AtomicBoolean();
            e.push(rc -> { throw new RuntimeException("bad"); }, CPU, NONE, new Var[] {a}, FnProperty.NORMAL, 0, "bad");
            assertThrows(EngineException.class, e::waitForAll);
            e.deleteVar(rc -> deleted.set(true), CPU, a);
            e.waitForAll();
            assertTrue(deleted.get());

            Var b = e.newVar();
            e.deleteVar(rc -> { throw new IOException("free failed"); }, CPU, b);
            EngineException ex = assertThrows(EngineException.class, e::waitForAll);
            assertEquals("deleteVar", ex.operation());
            assertInstanceOf(IOException.class, ex.getCause());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"inline", "async"})
    void completingTwiceIsRejected(String kind) throws InterruptedException {
        try (Engine e = Engines4Test.create(kind)) {
            java.util.concurrent.CountDownLatch bodyDone = new java.util.concurrent.CountDownLatch(1);
            Var a = e.newVar();
            IllegalStateException[] second = new IllegalStateException[1];
            e.pushAsync((rc, done) -> {
                done.done();
                try {
                    done.done();
                } catch (IllegalStateException ex) {
                    second[0] = ex;
                }
                bodyDone.countDown();
            }, CPU, NONE, new Var[] {a}, FnProperty.NORMAL, 0, "twice");
            assertTrue(bodyDone.await(10, TimeUnit.SECONDS));
            e.waitForAll();
            assertTrue(second[0] != null && second[0].getMessage().contains("twice"));
        }
    }
}
