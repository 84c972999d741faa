package dev.mxj.io;

import dev.mxj.Context;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class PrefetchingIterTest {
    /** Counts up; fails at batch {@code failAt} (or never), optionally waiting on a latch before each batch. */
    private static class Counting extends DataIter {
        final int batches, failAt;
        final AtomicInteger produced = new AtomicInteger();
        int pos;
        boolean closed;

        Counting(int batches, int failAt) {
            super(2);
            this.batches = batches;
            this.failAt = failAt;
        }

        @Override public List<DataDesc> provideData() { return List.of(new DataDesc("data", Shape.of(2))); }

        @Override public List<DataDesc> provideLabel() { return List.of(); }

        @Override protected void rewind() { pos = 0; }

        @Override protected DataBatch produce() {
            if (pos >= batches) return null;
            if (pos == failAt) throw new IllegalArgumentException("bad row in batch " + pos);
            produced.incrementAndGet();
            NDArray a = NDArray.array(new float[] {pos, pos}, Shape.of(2), Context.cpu());
            return new DataBatch(List.of(a), List.of(), 0, new long[] {pos++}, null, null, null);
        }

        @Override public void close() { closed = true; }
    }

    private static long prefetchThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("mxj-prefetch-") && t.isAlive()).count();
    }

    private static List<Long> ids(DataIter it) {
        List<Long> out = new ArrayList<>();
        for (DataBatch b : it) out.add(b.index()[0]);
        return out;
    }

    @AfterEach
    void noThreadOutlivesATest() {
        assertEquals(0, prefetchThreads(), "prefetch threads left running");
    }

    @Test
    void deliversTheSameBatchesEpochAfterEpoch() {
        try (PrefetchingIter it = new PrefetchingIter(new Counting(5, -1), 2)) {
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), ids(it));
            assertFalse(it.isPrefetching(), "the thread ends with the epoch");
            assertFalse(it.hasNext());
            it.reset();
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), ids(it));
            assertEquals("[DataDesc[data,(2,),float32,NCHW]]", it.provideData().toString());
            assertEquals(2, it.batchSize());
        }
    }

    @Test
    void staysWithinItsBuffer() throws InterruptedException {
        Counting base = new Counting(100, -1);
        try (PrefetchingIter it = new PrefetchingIter(base, 3)) {
            assertEquals(0L, it.next().index()[0]);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (base.produced.get() < 5 && System.nanoTime() < deadline) Thread.sleep(5);
            Thread.sleep(50);
            // one taken, up to 3 queued, one produced and waiting for room
            assertTrue(base.produced.get() <= 5, "produced " + base.produced.get());
            assertTrue(it.isPrefetching());
        }
    }

    @Test
    void aProducerErrorIsThrownAtTheBatchWhereItHappened() {
        try (PrefetchingIter it = new PrefetchingIter(new Counting(5, 3), 4)) {
            assertEquals(0L, it.next().index()[0]);
            assertEquals(1L, it.next().index()[0]);
            assertEquals(2L, it.next().index()[0]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, it::next);
            assertEquals("bad row in batch 3", e.getMessage());
            assertFalse(it.isPrefetching());
            assertFalse(it.hasNext(), "the epoch ends after the error");
            it.reset();
            assertEquals(0L, it.next().index()[0], "reset starts a new producer");
        }
    }

    @Test
    void resetMidEpochStopsTheProducerAndRewinds() {
        Counting base = new Counting(1000, -1);
        PrefetchingIter it = new PrefetchingIter(base, 2);
        it.next();
        it.next();
        it.reset();
        assertFalse(it.isPrefetching());
        assertEquals(0L, it.next().index()[0]);
        it.close();
        assertTrue(base.closed, "close reaches the wrapped iterator");
        assertFalse(it.isPrefetching());
        assertThrows(IllegalStateException.class, it::next);
        it.close(); // idempotent
    }

    @Test
    void closeStopsAProducerBlockedOnAFullQueue() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        Counting base = new Counting(1000, -1) {
            @Override protected DataBatch produce() {
                started.countDown();
                return super.produce();
            }
        };
        PrefetchingIter it = new PrefetchingIter(base, 1);
        assertTrue(it.hasNext());
        assertTrue(started.await(5, TimeUnit.SECONDS));
        Thread.sleep(20);
        long t0 = System.nanoTime();
        it.close();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "close waits only for the producer to notice");
        assertEquals(0, prefetchThreads());
    }

    @Test
    void anInterruptedProducerIsReportedNotAwaitedForever() throws InterruptedException {
        try (PrefetchingIter it = new PrefetchingIter(new Counting(1000, -1), 1)) {
            assertTrue(it.hasNext());
            Thread producer = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("mxj-prefetch-") && t.isAlive()).findFirst().orElseThrow();
            producer.interrupt();
            producer.join(5000);
            org.junit.jupiter.api.function.Executable drain = () -> { while (it.hasNext()) it.next(); };
            dev.mxj.MxjException e = assertThrows(dev.mxj.MxjException.class, drain);
            assertTrue(e.getMessage().contains("ended without finishing the epoch"), e.getMessage());
        }
    }

    @Test
    void rejectsAnEmptyBuffer() {
        assertThrows(IllegalArgumentException.class, () -> new PrefetchingIter(new Counting(1, -1), 0));
    }
}
