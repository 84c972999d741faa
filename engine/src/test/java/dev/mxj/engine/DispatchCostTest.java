package dev.mxj.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Per-operation dispatch cost of a tiny operation (DESIGN.md §3: dispatch cost is a design
 * constraint). Prints the figures; asserts only very loose bounds, since the machine is shared.
 * Real benchmarks belong in the bench module.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DispatchCostTest {
    private static final ExecContext CPU = ExecContext.CPU;

    @Test
    void tinyOperationDispatchCost() {
        double naive, inline, prebuilt, asyncThroughput, asyncRoundTrip;
        try (Engine e = new NaiveEngine()) {
            naive = pushLoop(e, 50_000, 300_000);
        }
        try (ThreadedEngine e = Engines4Test.threaded(true, 2)) {
            inline = pushLoop(e, 50_000, 500_000);
            prebuilt = prebuiltLoop(e, 50_000, 500_000);
            assertEquals(0, e.startedWorkers(), "ready tiny ops ran inline");
        }
        try (Engine e = Engines4Test.threaded(false, 2)) {
            asyncThroughput = pushLoop(e, 20_000, 100_000);
            asyncRoundTrip = roundTrip(e, 500, 3_000);
        }
        System.out.printf("dispatch of a tiny op (1 read, 1 write), ns/op:%n"
                        + "  naive engine            %8.0f%n"
                        + "  threaded, inline        %8.0f%n"
                        + "  threaded, inline, pre-built operator %8.0f%n"
                        + "  threaded, async path, pipelined (push+run, workers spinning) %8.0f%n"
                        + "  threaded, async path, push + waitForVar round trip %8.0f%n",
                naive, inline, prebuilt, asyncThroughput, asyncRoundTrip);
        assertTrue(inline < 20_000, "inline dispatch took " + inline + " ns/op");
        assertTrue(prebuilt < 20_000, "pre-built inline dispatch took " + prebuilt + " ns/op");
        assertTrue(asyncThroughput < 500_000, "async dispatch took " + asyncThroughput + " ns/op");
        assertTrue(asyncRoundTrip < 2_000_000, "async round trip took " + asyncRoundTrip + " ns/op");
    }

    /** ns per push of {@code cell += 1} reading one var and writing another, including the final wait. */
    private static double pushLoop(Engine e, int warmup, int n) {
        Var a = e.newVar(), b = e.newVar();
        long[] cell = new long[1];
        SyncFn fn = rc -> cell[0]++;
        Var[] reads = {a}, writes = {b};
        for (int i = 0; i < warmup; i++) e.push(fn, CPU, reads, writes);
        e.waitForAll();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) e.push(fn, CPU, reads, writes);
        e.waitForAll();
        long dt = System.nanoTime() - t0;
        assertEquals(warmup + n, cell[0]);
        return (double) dt / n;
    }

    private static double prebuiltLoop(Engine e, int warmup, int n) {
        Var a = e.newVar(), b = e.newVar();
        long[] cell = new long[1];
        Operation op = e.newOperator((rc, done) -> {
            cell[0]++;
            done.done();
        }, new Var[] {a}, new Var[] {b}, FnProperty.NORMAL, "inc");
        for (int i = 0; i < warmup; i++) e.push(op, CPU, 0);
        e.waitForAll();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) e.push(op, CPU, 0);
        e.waitForAll();
        long dt = System.nanoTime() - t0;
        assertEquals(warmup + n, cell[0]);
        e.deleteOperator(op);
        return (double) dt / n;
    }

    /** ns for push then waitForVar of the written var: the latency of one hand-off to a worker and back. */
    private static double roundTrip(Engine e, int warmup, int n) {
        Var a = e.newVar(), b = e.newVar();
        long[] cell = new long[1];
        SyncFn fn = rc -> cell[0]++;
        Var[] reads = {a}, writes = {b};
        for (int i = 0; i < warmup; i++) {
            e.push(fn, CPU, reads, writes);
            e.waitForVar(b);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            e.push(fn, CPU, reads, writes);
            e.waitForVar(b);
        }
        long dt = System.nanoTime() - t0;
        assertEquals(warmup + n, cell[0]);
        return (double) dt / n;
    }
}
