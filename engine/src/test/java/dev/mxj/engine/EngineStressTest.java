package dev.mxj.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomised programs pushed from four threads at once must give exactly the results of the
 * naive engine. Each pushing thread reads and writes only its own 16 cells, so its results
 * cannot depend on how the threads interleave; all threads also add into 4 shared cells, which
 * is commutative (and makes pushes with overlapping variable sets race from many threads). The
 * naive engine replays the threads one after the other.
 *
 * <p>Operations are synchronous, asynchronous completed inline, or asynchronous completed by
 * another thread; some use the prioritised or async pools; the failing variants inject errors
 * and call waitForVar mid-stream (which clears errors, so its position in the stream matters).
 * A timeout turns a deadlock or a lost wake-up into a failure.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EngineStressTest {
    private static final int THREADS = 4;
    private static final int OWN = 16;
    private static final int SHARED = 4;
    private static final int VARS = THREADS * OWN + SHARED;
    private static final ExecContext CPU = ExecContext.CPU;

    @Test void inlineNoErrors() throws Exception { check(options(true), 60_000, 0, 0.001, 1); }

    @Test void asyncNoErrors() throws Exception { check(options(false), 40_000, 0, 0.001, 2); }

    @Test void inlineWithErrors() throws Exception { check(options(true), 20_000, 0.002, 0.03, 3); }

    @Test void asyncWithErrors() throws Exception { check(options(false), 20_000, 0.002, 0.03, 4); }

    /** Without spinning every hand-off parks and unparks: where a lost wake-up would show up as a hang. */
    @Test void asyncNoSpinning() throws Exception { check(options(false).withSpinNanos(0), 15_000, 0.001, 0.01, 5); }

    @Test void inlineNoSpinning() throws Exception { check(options(true).withSpinNanos(0), 15_000, 0.001, 0.01, 6); }

    private static EngineOptions options(boolean inline) {
        return EngineOptions.defaults().withInline(inline).withCpuWorkers(2);
    }

    /** Kinds of operation. */
    private static final int SYNC = 0, ASYNC_INLINE = 1, ASYNC_DEFERRED = 2, SHARED_ADD = 3;

    /** One generated operation; {@code waitVar} is -1 (none), a cell index, or -2 (all own cells). */
    private record Op(int[] reads, int[] writes, int kind, FnProperty prop, int priority, boolean fail, int waitVar) {}

    private static List<Op> generate(int thread, int n, double failRate, double waitRate, long seed) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + thread);
        int base = thread * OWN;
        List<Op> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean shared = r.nextInt(10) == 0;
            int[] reads = new int[shared ? 1 + r.nextInt(2) : r.nextInt(4)];
            for (int k = 0; k < reads.length; k++) reads[k] = base + r.nextInt(OWN);   // may repeat, may overlap writes
            int[] writes;
            int kind;
            if (shared) {
                writes = new int[] {THREADS * OWN + r.nextInt(SHARED)};
                kind = SHARED_ADD;
            } else {
                writes = new int[1 + r.nextInt(2)];
                for (int k = 0; k < writes.length; k++) writes[k] = base + r.nextInt(OWN);
                int x = r.nextInt(100);
                kind = x < 85 ? SYNC : x < 97 ? ASYNC_INLINE : ASYNC_DEFERRED;
            }
            int p = r.nextInt(100);
            FnProperty prop = p < 92 ? FnProperty.NORMAL : p < 97 ? FnProperty.CPU_PRIORITIZED : FnProperty.ASYNC;
            int wait = r.nextDouble() < waitRate ? (r.nextInt(20) == 0 ? -2 : base + r.nextInt(OWN)) : -1;
            ops.add(new Op(reads, writes, kind, prop, r.nextInt(3) - 1, r.nextDouble() < failRate, wait));
        }
        return ops;
    }

    private static long mix(long h, long v) {
        long z = h * 0x9E3779B97F4A7C15L + v;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The operation's effect on the cells: deterministic given the values it reads. */
    private static void body(Op op, int index, long[] cells) {
        if (op.fail) throw new IllegalStateException("injected failure");
        long h = mix(index, op.kind);
        for (int v : op.reads) h = mix(h, cells[v]);
        if (op.kind == SHARED_ADD) {
            cells[op.writes[0]] += h;   // commutative: the order of threads does not matter
            return;
        }
        for (int v : op.writes) h = mix(h, cells[v]);
        for (int k = 0; k < op.writes.length; k++) cells[op.writes[k]] = mix(h, k);
    }

    /** Pushes one thread's program; returns the log of its mid-stream waitForVar outcomes. */
    private static List<String> play(Engine e, Var[] vars, long[] cells, int thread, List<Op> ops, ExecutorService completer) {
        List<String> log = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            int index = i;
            Var[] reads = new Var[op.reads.length];
            for (int k = 0; k < reads.length; k++) reads[k] = vars[op.reads[k]];
            Var[] writes = new Var[op.writes.length];
            for (int k = 0; k < writes.length; k++) writes[k] = vars[op.writes[k]];
            String name = "t" + thread + "#" + i;
            switch (op.kind) {
                case SYNC, SHARED_ADD -> e.push(rc -> body(op, index, cells), CPU, reads, writes, op.prop, op.priority, name);
                case ASYNC_INLINE -> e.pushAsync((rc, done) -> {
                    try {
                        body(op, index, cells);
                    } catch (RuntimeException x) {
                        done.fail(x);
                        return;
                    }
                    done.done();
                }, CPU, reads, writes, op.prop, op.priority, name);
                default -> e.pushAsync((rc, done) -> completer.execute(() -> {
                    try {
                        body(op, index, cells);
                    } catch (RuntimeException x) {
                        done.fail(x);
                        return;
                    }
                    done.done();
                }), CPU, reads, writes, op.prop, op.priority, name);
            }
            if (op.waitVar == -2) {
                for (int v = thread * OWN; v < (thread + 1) * OWN; v++) log.add(i + ":" + v + ":" + waitOutcome(e, vars[v]));
            } else if (op.waitVar >= 0) {
                log.add(i + ":" + op.waitVar + ":" + waitOutcome(e, vars[op.waitVar]));
            }
        }
        return log;
    }

    private static String waitOutcome(Engine e, Var v) {
        try {
            e.waitForVar(v);
            return "ok";
        } catch (EngineException x) {
            return x.getMessage();
        }
    }

    /** Final state: cell values and the error (message) each var carries. */
    private record Outcome(long[] cells, String[] errors, List<List<String>> logs) {}

    private static Outcome finish(Engine e, Var[] vars, long[] cells, List<List<String>> logs) {
        try {
            e.waitForAll();
        } catch (EngineException ignored) {
            // which error is "first" differs between a replay and a concurrent run; var errors are compared below
        }
        String[] errors = new String[VARS];
        for (int v = 0; v < VARS; v++) {
            String s = waitOutcome(e, vars[v]);
            errors[v] = s.equals("ok") ? null : s;
        }
        return new Outcome(cells.clone(), errors, logs);
    }

    private static void check(EngineOptions options, int opsPerThread, double failRate, double waitRate, long seed) throws Exception {
        List<List<Op>> programs = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) programs.add(generate(t, opsPerThread, failRate, waitRate, seed));
        ExecutorService completer = Executors.newSingleThreadExecutor();
        try {
            // reference: the naive engine, threads replayed one after the other
            Outcome expected;
            try (Engine naive = new NaiveEngine()) {
                Var[] vars = newVars(naive);
                long[] cells = new long[VARS];
                List<List<String>> logs = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) logs.add(play(naive, vars, cells, t, programs.get(t), completer));
                expected = finish(naive, vars, cells, logs);
            }

            Outcome actual;
            long t0 = System.nanoTime();
            try (Engine engine = new ThreadedEngine(options)) {
                Var[] vars = newVars(engine);
                long[] cells = new long[VARS];
                List<List<String>> logs = new ArrayList<>();
                Thread[] pushers = new Thread[THREADS];
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    logs.add(null);
                    pushers[t] = new Thread(() -> {
                        List<String> log = play(engine, vars, cells, thread, programs.get(thread), completer);
                        synchronized (logs) {
                            logs.set(thread, log);
                        }
                    }, "pusher-" + t);
                }
                for (Thread p : pushers) p.start();
                for (Thread p : pushers) p.join();
                synchronized (logs) {
                    actual = finish(engine, vars, cells, logs);
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("stress inline=%s spin=%dus failRate=%s: %d ops from %d threads in %d ms%n",
                    options.inline(), options.spinNanos() / 1000, failRate, THREADS * opsPerThread, THREADS, ms);

            for (int t = 0; t < THREADS; t++) assertSameLog(t, expected.logs.get(t), actual.logs.get(t));
            int own = THREADS * OWN;
            assertArrayEquals(Arrays.copyOf(expected.errors, own), Arrays.copyOf(actual.errors, own), "errors of own cells");
            assertArrayEquals(Arrays.copyOf(expected.cells, own), Arrays.copyOf(actual.cells, own), "own cells");
            for (int v = own; v < VARS; v++) {
                // which error reaches a shared cell first depends on the interleaving; that one does not
                assertEquals(expected.errors[v] != null, actual.errors[v] != null, "error on shared cell " + v);
                if (expected.errors[v] == null) assertEquals(expected.cells[v], actual.cells[v], "shared cell " + v);
            }
            if (failRate > 0) {
                long poisoned = Arrays.stream(expected.errors).filter(s -> s != null).count();
                long waitErrors = expected.logs.stream().flatMap(List::stream).filter(s -> !s.endsWith(":ok")).count();
                System.out.printf("  errors: %d vars poisoned at the end, %d rethrown mid-stream%n", poisoned, waitErrors);
            }
        } finally {
            completer.shutdownNow();
        }
    }

    /** Compares waitForVar logs, reporting only the first divergence (the logs are long). */
    private static void assertSameLog(int thread, List<String> expected, List<String> actual) {
        int n = Math.min(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            if (!expected.get(i).equals(actual.get(i)))
                fail("thread " + thread + ": waitForVar log entry " + i + " is '" + actual.get(i)
                        + "', the naive engine gave '" + expected.get(i) + "'");
        }
        assertEquals(expected.size(), actual.size(), "thread " + thread + ": waitForVar log length");
    }

    private static Var[] newVars(Engine e) {
        Var[] vars = new Var[VARS];
        for (int i = 0; i < VARS; i++) vars[i] = e.newVar();
        return vars;
    }
}
