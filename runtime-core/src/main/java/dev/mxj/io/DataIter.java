package dev.mxj.io;

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
        DataBatch b = ahead;
        ahead = null;
        return b;
    }

    /** This iterator itself, so that a {@code for} loop continues the current epoch, as in MXNet. */
    @Override
    public Iterator<DataBatch> iterator() { return this; }

    /** Release threads or files; the default holds none. */
    @Override
    public void close() {}
}
