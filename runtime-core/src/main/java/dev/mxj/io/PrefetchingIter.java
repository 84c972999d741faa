package dev.mxj.io;

import dev.mxj.MxjException;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads batches of another iterator on a background thread, up to {@code bufferSize} ahead, so
 * that loading overlaps computing (MXNet's prefetcher behind its C++ iterators and
 * {@code mx.io.PrefetchingIter}).
 *
 * <p>The thread starts at the first request of an epoch and ends at the epoch's end, at
 * {@link #reset()} and at {@link #close()}; each of these waits for it, so no thread outlives
 * its epoch and the wrapped iterator is never used by two threads at once. The producer is
 * never interrupted (an interrupt would close the file channels of readers); it notices a stop
 * within a few milliseconds while waiting for room in the queue. An exception in the producer
 * is thrown to the consumer at the batch where it happened.
 */
public final class PrefetchingIter extends DataIter {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final Object END = new Object();

    private final DataIter base;
    private final int bufferSize;
    private BlockingQueue<Object> queue;
    private Thread producer;
    private volatile boolean stop;
    private boolean finished;   // this epoch's end was delivered
    private boolean closed;

    private record Failure(Throwable error) {}

    public PrefetchingIter(DataIter base, int bufferSize) {
        super(base.batchSize());
        if (bufferSize < 1) throw new IllegalArgumentException("prefetch_buffer must be at least 1, got " + bufferSize);
        this.base = base;
        this.bufferSize = bufferSize;
    }

    /** MXNet's default of 4 batches ahead. */
    public PrefetchingIter(DataIter base) { this(base, 4); }

    public DataIter base() { return base; }

    @Override
    public List<DataDesc> provideData() { return base.provideData(); }

    @Override
    public List<DataDesc> provideLabel() { return base.provideLabel(); }

    /** True while a producer thread exists (for tests and diagnostics). */
    public boolean isPrefetching() { return producer != null && producer.isAlive(); }

    @Override
    protected DataBatch produce() {
        if (closed) throw new IllegalStateException("PrefetchingIter is closed");
        if (finished) return null;
        if (producer == null) start();
        Object item;
        try {
            while ((item = queue.poll(50, TimeUnit.MILLISECONDS)) == null) {
                if (!producer.isAlive() && queue.isEmpty()) { // only if someone interrupted our thread
                    item = new Failure(new MxjException("the prefetch thread " + producer.getName() + " ended without finishing the epoch"));
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MxjException("interrupted while waiting for the next batch", e);
        }
        if (item instanceof DataBatch b) return b;
        finished = true;
        joinProducer();
        if (item instanceof Failure f) {
            Throwable t = f.error;
            if (t instanceof RuntimeException re) throw re;
            if (t instanceof Error err) throw err;
            throw new MxjException("data loading failed: " + t, t);
        }
        return null;
    }

    @Override
    protected void rewind() {
        if (closed) throw new IllegalStateException("PrefetchingIter is closed");
        stopProducer();
        base.reset();
        finished = false;
    }

    /** Stops the thread and closes the wrapped iterator. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        stopProducer();
        base.close();
    }

    private void start() {
        queue = new ArrayBlockingQueue<>(bufferSize);
        stop = false;
        BlockingQueue<Object> q = queue;
        producer = new Thread(() -> run(q), "mxj-prefetch-" + THREADS.incrementAndGet());
        producer.setDaemon(true);
        producer.start();
    }

    private void run(BlockingQueue<Object> q) {
        try {
            while (!stop) {
                Object item;
                try {
                    item = base.hasNext() ? base.next() : END;
                } catch (Throwable t) {
                    item = new Failure(t);
                }
                if (!offer(q, item) || item == END || item instanceof Failure) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean offer(BlockingQueue<Object> q, Object item) throws InterruptedException {
        while (!stop) {
            if (q.offer(item, 10, TimeUnit.MILLISECONDS)) return true;
        }
        return false;
    }

    private void stopProducer() {
        if (producer == null) return;
        stop = true;
        queue.clear();
        joinProducer();
    }

    private void joinProducer() {
        Thread t = producer;
        producer = null;
        if (t == null) return;
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        queue.clear();
    }
}
