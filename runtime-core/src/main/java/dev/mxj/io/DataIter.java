package dev.mxj.io;

import dev.mxj.ndarray.NDArray;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Base of the data iterators (MXNet's {@code mx.io.DataIter}).
 *
 * <p>As in MXNet, iterating does not rewind: a {@code for} loop runs the rest of the current
 * epoch, and {@link #reset()} starts the next one. Subclasses only produce batches in
 * {@link #produce()}; the base turns that into Java's {@code hasNext}/{@code next} by holding at
 * most one batch produced ahead.
 */
public abstract class DataIter implements Iterable<DataBatch>, Iterator<DataBatch>, AutoCloseable {
    protected final int batchSize;
    private DataBatch ahead;
    private DataBatch current;

    protected DataIter(int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batch_size must be at least 1, got " + batchSize);
        this.batchSize = batchSize;
    }

    public int batchSize() { return batchSize; }

    /** Names, shapes and types of the data arrays of every batch. */
    public abstract List<DataDesc> provideData();

    /** Names, shapes and types of the label arrays of every batch. */
    public abstract List<DataDesc> provideLabel();

    /** The next batch of this epoch, or null at its end. */
    protected abstract DataBatch produce();

    /** Rewind the source for the next epoch. */
    protected abstract void rewind();

    /** Start the next epoch (a batch already produced ahead is dropped). */
    public final void reset() {
        ahead = null;
        current = null;
        rewind();
    }

    @Override
    public final boolean hasNext() {
        if (ahead == null) ahead = produce();
        return ahead != null;
    }

    @Override
    public final DataBatch next() {
        if (!hasNext()) throw new NoSuchElementException("end of epoch; call reset() to start the next one");
        current = ahead;
        ahead = null;
        return current;
    }

    /** Move to the next batch; false at the end of the epoch (MXNet's {@code iter_next}, for the getters below). */
    public final boolean iterNext() {
        current = hasNext() ? next() : null;
        return current != null;
    }

    /** Data of the batch last returned by {@link #next()} or reached by {@link #iterNext()} (MXNet's {@code getdata}). */
    public List<NDArray> getData() { return current().data(); }

    public List<NDArray> getLabel() { return current().label(); }

    public int getPad() { return current().pad(); }

    /** Source positions of the current batch's examples, or null when the iterator does not know them. */
    public long[] getIndex() { return current().index(); }

    private DataBatch current() {
        if (current == null) throw new IllegalStateException("no current batch: call iterNext() or next() first");
        return current;
    }

    /** This iterator itself, so that a {@code for} loop continues the current epoch, as in MXNet. */
    @Override
    public Iterator<DataBatch> iterator() { return this; }

    /** Release threads or files; the default holds none. */
    @Override
    public void close() {}
}
