package dev.mxj.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Dependency order, reader parallelism, priorities and placement of the threaded engine. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ThreadedEngineOrderingTest {
    private static final ExecContext CPU = ExecContext.CPU;

    @ParameterizedTest(name = "inline={0}")
    @ValueSource(booleans = {true, false})
    void writersOfOneVarRunInPushOrder(boolean inline) {
        try (Engine e = Engines4Test.threaded(inline, 2)) {
            Var v = e.newVar();
            Var other = e.newVar();
            List<Integer> seen = new ArrayList<>();   // unsynchronised on purpose: the engine orders the writers
            for (int i = 0; i < 2000; i++) {
                int k = i;
                e.push(rc -> seen.add(k), CPU, new Var[0], new Var[] {v});
                // independent work that may run in parallel with the writers
                e.push(rc -> Thread.onSpinWait(), CPU, new Var[0], new Var[] {other});
            }
            e.waitForVar(v);
            assertEquals(2000, seen.size());
            for (int i = 0; i < 2000; i++) assertEquals(i, seen.get(i));
            e.waitForAll();
        }
    }

    @ParameterizedTest(name = "inline={0}")
    @ValueSource(booleans = {true, false})
    void readsAfterAWriteSeeIt(boolean inline) throws Exception {
        try (Engine e = Engines4Test.threaded(inline, 2)) {
            Var v = e.newVar();
            long[] cell = new long[1];
            List<Long> observed = new ArrayList<>();
            Var log = e.newVar();
            for (int i = 1; i <= 20; i++) {
                long value = i;
                // a slow writer completed from another thread, so readers pushed meanwhile must queue
                e.pushAsync((rc, done) -> new Thread(() -> {
                    sleep(2);
                    cell[0] = value;
                    done.done();
                }).start(), CPU, new Var[0], new Var[] {v}, FnProperty.NORMAL, 0, "write" + i);
                e.push(rc -> observed.add(cell[0]), CPU, new Var[] {v}, new Var[] {log});
            }
            e.waitForAll();
            for (int i = 1; i <= 20; i++) assertEquals(i, observed.get(i - 1));
        }
    }

    @Test
    void aWriteAfterReadsWaitsForAllOfThem() {
        try (Engine e = Engines4Test.threaded(false, 2)) {
            Var v = e.newVar();
            AtomicInteger finishedReads = new AtomicInteger();
            int[] seenByWriter = new int[1];
            for (int i = 0; i < 4; i++) {
                e.push(rc -> {
                    sleep(15);
                    finishedReads.incrementAndGet();
                }, CPU, new Var[] {v}, new Var[0]);
            }
            e.push(rc -> seenByWriter[0] = finishedReads.get(), CPU, new Var[0], new Var[] {v});
            e.waitForVar(v);
            assertEquals(4, seenByWriter[0]);
            e.waitForAll();
        }
    }

    /** Two readers of one version each wait for the other: they can only pass if they run concurrently. */
    @Test
    void readersOfOneVersionRunInParallel() {
        try (Engine e = Engines4Test.threaded(false, 2)) {
            Var v = e.newVar();
            Var out1 = e.newVar();
            Var out2 = e.newVar();
            long[] cell = new long[1];
            CyclicBarrier bothReading = new CyclicBarrier(2);
            e.push(rc -> {
                sleep(5);
                cell[0] = 42;
            }, CPU, new Var[0], new Var[] {v});
            long[] got = new long[2];
            e.push(rc -> {
                bothReading.await(10, TimeUnit.SECONDS);   // times out (and fails the op) if serialised
                got[0] = cell[0];
            }, CPU, new Var[] {v}, new Var[] {out1});
            e.push(rc -> {
                bothReading.await(10, TimeUnit.SECONDS);
                got[1] = cell[0];
            }, CPU, new Var[] {v}, new Var[] {out2});
            e.waitForAll();   // rethrows a TimeoutException if the readers did not overlap
            assertEquals(42, got[0]);
            assertEquals(42, got[1]);
        }
    }

    @Test
    void readyOpsRunByPriorityThenPushOrder() throws Exception {
        try (Engine e = Engines4Test.threaded(false, 1)) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            e.push(rc -> {
                started.countDown();
                release.await();
            }, CPU, new Var[0], new Var[] {e.newVar()}, FnProperty.NORMAL, 0, "blocker");
            assertTrue(started.await(10, TimeUnit.SECONDS));
            List<String> order = new ArrayList<>();
            int[] priorities = {0, 5, 0, 10, 5, -1, 10};
            for (int i = 0; i < priorities.length; i++) {
                String name = "p" + priorities[i] + "#" + i;
                e.push(rc -> {
                    synchronized (order) {
                        order.add(name);
                    }
                }, CPU, new Var[0], new Var[] {e.newVar()}, FnProperty.NORMAL, priorities[i], name);
            }
            release.countDown();
            e.waitForAll();
            assertEquals(List.of("p10#3", "p10#6", "p5#1", "p5#4", "p0#0", "p0#2", "p-1#5"), order);
        }
    }

    @ParameterizedTest(name = "inline={0}")
    @ValueSource(booleans = {true, false})
    void deleteVarRunsAfterTheLastReaderAndKillsTheVar(boolean inline) throws Exception {
        try (Engine e = Engines4Test.threaded(inline, 2)) {
            Var v = e.newVar();
            List<String> events = new ArrayList<>();
            e.push(rc -> {
                synchronized (events) {
                    events.add("write");
                }
            }, CPU, new Var[0], new Var[] {v});
            // a slow reader, completed from another thread so the pusher is never blocked by it
            e.pushAsync((rc, done) -> new Thread(() -> {
                sleep(50);
                synchronized (events) {
                    events.add("slow-read-end");
                }
                done.done();
            }).start(), CPU, new Var[] {v}, new Var[] {e.newVar()}, FnProperty.NORMAL, 0, "slowRead");
            e.deleteVar(rc -> {
                synchronized (events) {
                    events.add("delete");
                }
            }, CPU, v);
            IllegalStateException ex = assertThrows(IllegalStateException.class,
                    () -> e.push(rc -> {}, CPU, new Var[] {v}, new Var[0]));
            assertTrue(ex.getMessage().contains("deleted"), ex.getMessage());
            assertThrows(IllegalStateException.class, () -> e.push(rc -> {}, CPU, new Var[0], new Var[] {v}));
            assertThrows(IllegalStateException.class, () -> e.deleteVar(rc -> {}, CPU, v));
            e.waitForAll();
            assertEquals(List.of("write", "slow-read-end", "delete"), events);
        }
    }

    @ParameterizedTest(name = "inline={0}")
    @ValueSource(booleans = {true, false})
    void pushAsyncCompletedFromAnotherThreadGatesItsDependents(boolean inline) {
        try (Engine e = Engines4Test.threaded(inline, 2)) {
            Var v = e.newVar();
            Var w = e.newVar();
            long[] cell = new long[2];
            for (int i = 1; i <= 10; i++) {
                long value = i;
                e.pushAsync((rc, done) -> {
                    Thread t = new Thread(() -> {
                        sleep(3);
                        cell[0] = value;
                        done.done();
                    });
                    t.start();
                }, CPU, new Var[0], new Var[] {v}, FnProperty.NORMAL, 0, "async" + i);
                e.push(rc -> cell[1] += cell[0], CPU, new Var[] {v}, new Var[] {w});
            }
            e.waitForVar(w);
            assertEquals(55, cell[1]);
            e.waitForAll();
        }
    }

    @ParameterizedTest(name = "inline={0}")
    @ValueSource(booleans = {true, false})
    void prebuiltOperatorsArePushedManyTimes(boolean inline) {
        try (Engine e = Engines4Test.threaded(inline, 2)) {
            Var in = e.newVar();
            Var acc = e.newVar();
            Var log = e.newVar();
            long[] cell = new long[3];
            e.push(rc -> cell[0] = 3, CPU, new Var[0], new Var[] {in});
            Operation add = e.newOperator((rc, done) -> {
                cell[1] += cell[0];
                done.done();
            }, new Var[] {in, in}, new Var[] {acc, acc}, FnProperty.NORMAL, "add");
            Operation snapshot = e.newOperator((rc, done) -> {
                cell[2] = cell[1];
                done.done();
            }, new Var[] {acc}, new Var[] {log}, FnProperty.NORMAL, "snapshot");
            assertEquals("add", add.name());
            for (int i = 0; i < 20_000; i++) {
                e.push(add, CPU, 0);
                if (i % 100 == 0) e.push(snapshot, CPU, 0);
            }
            e.push(snapshot, CPU, 0);
            e.waitForVar(log);
            assertEquals(60_000, cell[1]);
            assertEquals(60_000, cell[2]);
            e.deleteOperator(add);
            assertThrows(IllegalStateException.class, () -> e.push(add, CPU, 0));
            e.waitForAll();
        }
    }

    @Test
    void waitForVarBlocksUntilPendingWritesComplete() {
        try (Engine e = Engines4Test.threaded(true, 2)) {
            Var v = e.newVar();
            AtomicLong cell = new AtomicLong();
            e.pushAsync((rc, done) -> new Thread(() -> {
                sleep(30);
                cell.set(7);
                done.done();
            }).start(), CPU, new Var[0], new Var[] {v}, FnProperty.NORMAL, 0, "slow");
            e.waitForVar(v);
            assertEquals(7, cell.get());
            e.waitForVar(v);   // nothing pending: returns at once
        }
    }

    @Test
    void waitingFromInsideAnOperationIsRejected() {
        for (boolean inline : new boolean[] {true, false}) {
            try (Engine e = Engines4Test.threaded(inline, 2)) {
                Var v = e.newVar();
                Var out = e.newVar();
                e.push(rc -> e.waitForVar(v), CPU, new Var[0], new Var[] {out}, FnProperty.NORMAL, 0, "waits");
                EngineException ex = assertThrows(EngineException.class, () -> e.waitForVar(out));
                assertTrue(ex.getCause() instanceof IllegalStateException, String.valueOf(ex.getCause()));
                e.push(rc -> e.waitForAll(), CPU, new Var[0], new Var[] {out}, FnProperty.NORMAL, 0, "waitsAll");
                assertThrows(EngineException.class, () -> e.waitForVar(out));
                e.waitForAll();
            }
        }
    }

    @Test
    void pureInlineWorkStartsNoThreads() {
        try (ThreadedEngine e = Engines4Test.threaded(true, 2)) {
            Var a = e.newVar();
            Var b = e.newVar();
            long[] cell = new long[1];
            String[] thread = new String[1];
            for (int i = 0; i < 1000; i++) e.push(rc -> cell[0]++, CPU, new Var[] {a}, new Var[] {b});
            e.push(rc -> thread[0] = Thread.currentThread().getName(), CPU, new Var[] {b}, new Var[0]);
            e.waitForAll();
            assertEquals(1000, cell[0]);
            assertEquals(Thread.currentThread().getName(), thread[0]);
            assertEquals(0, e.startedWorkers());
        }
    }

    @Test
    void opsRunOnThePoolOfTheirContextAndProperty() {
        try (Engine e = Engines4Test.threaded(true, 2)) {
            ExecContext gpu = new ExecContext("gpu", 0);
            Var v = e.newVar();
            List<String> seen = new ArrayList<>();
            record Case(ExecContext ctx, FnProperty prop, String poolName) {}
            List<Case> cases = List.of(
                    new Case(gpu, FnProperty.NORMAL, "mxj-engine-gpu(0)-"),
                    new Case(gpu, FnProperty.COPY_TO_DEVICE, "mxj-engine-gpu(0)-copy-"),
                    new Case(gpu, FnProperty.COPY_FROM_DEVICE, "mxj-engine-gpu(0)-copy-"),
                    new Case(gpu, FnProperty.CPU_PRIORITIZED, "mxj-engine-cpu-prioritized-"),
                    new Case(CPU, FnProperty.ASYNC, "mxj-engine-async-"),
                    new Case(new ExecContext("cpu", 1), FnProperty.NORMAL, "mxj-engine-cpu(1)-"));
            for (Case c : cases) {
                e.push(rc -> seen.add(Thread.currentThread().getName() + "|" + rc.context()),
                        c.ctx, new Var[0], new Var[] {v}, c.prop, 0, c.prop.toString());
            }
            e.waitForVar(v);
            for (int i = 0; i < cases.size(); i++) {
                String s = seen.get(i);
                assertTrue(s.startsWith(cases.get(i).poolName), s);
                assertTrue(s.endsWith("|" + cases.get(i).ctx), s);
            }
        }
    }

    /** Pushes sharing several vars from many threads must queue consistently (no deadlock, no lost update). */
    @Test
    void concurrentPushersSharingVarsNeitherDeadlockNorLoseUpdates() throws Exception {
        for (boolean inline : new boolean[] {true, false}) {
            try (Engine e = Engines4Test.threaded(inline, 2)) {
                int nVars = 4;
                Var[] vars = new Var[nVars];
                for (int i = 0; i < nVars; i++) vars[i] = e.newVar();
                long[] cells = new long[nVars];
                int perThread = 20_000;
                Thread[] pushers = new Thread[4];
                for (int t = 0; t < pushers.length; t++) {
                    int seed = t;
                    pushers[t] = new Thread(() -> {
                        java.util.Random r = new java.util.Random(seed);
                        for (int i = 0; i < perThread; i++) {
                            int a = r.nextInt(nVars), b = (a + 1 + r.nextInt(nVars - 1)) % nVars;
                            // a and b in opposite orders from different threads: the classic lock-order trap
                            e.push(rc -> {
                                cells[a]++;
                                cells[b]++;
                            }, CPU, new Var[0], new Var[] {vars[a], vars[b]});
                        }
                    });
                    pushers[t].start();
                }
                for (Thread t : pushers) t.join();
                e.waitForAll();
                long total = 0;
                for (long c : cells) total += c;
                assertEquals(2L * perThread * pushers.length, total);
            }
        }
    }

    /** More than 16 vars with duplicates takes the allocating path (canonical sets, sorted lock order). */
    @Test
    void largeOverlappingVarSetsFromManyThreads() throws Exception {
        for (boolean inline : new boolean[] {true, false}) {
            try (Engine e = Engines4Test.threaded(inline, 2)) {
                int nVars = 24;
                Var[] vars = new Var[nVars];
                for (int i = 0; i < nVars; i++) vars[i] = e.newVar();
                long[] cells = new long[nVars];
                Thread[] pushers = new Thread[3];
                int perThread = 3_000;
                for (int t = 0; t < pushers.length; t++) {
                    int seed = t;
                    pushers[t] = new Thread(() -> {
                        java.util.Random r = new java.util.Random(seed);
                        for (int i = 0; i < perThread; i++) {
                            Var[] reads = new Var[12];
                            for (int k = 0; k < reads.length; k++) reads[k] = vars[r.nextInt(nVars)];
                            int w1 = r.nextInt(nVars), w2 = r.nextInt(nVars);
                            Var[] writes = new Var[10];
                            for (int k = 0; k < writes.length; k++) writes[k] = vars[k % 2 == 0 ? w1 : w2];
                            e.push(rc -> {
                                cells[w1]++;
                                if (w2 != w1) cells[w2]++;
                            }, CPU, reads, writes);
                        }
                    });
                    pushers[t].start();
                }
                for (Thread t : pushers) t.join();
                e.waitForAll();
                long[] expected = new long[nVars];
                for (int t = 0; t < pushers.length; t++) {
                    java.util.Random r = new java.util.Random(t);
                    for (int i = 0; i < perThread; i++) {
                        for (int k = 0; k < 12; k++) r.nextInt(nVars);
                        int w1 = r.nextInt(nVars), w2 = r.nextInt(nVars);
                        expected[w1]++;
                        if (w2 != w1) expected[w2]++;
                    }
                }
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected, cells);
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
