package dev.mxj.interop;

import dev.mxj.io.DataBatch;
import dev.mxj.io.DataDesc;
import dev.mxj.io.DataIter;

import java.util.List;

/**
 * A data iterator written in a guest language (a Python {@code mx.io.DataIter} subclass, a JS object
 * with {@code next}/{@code reset}/{@code provideData}), seen by the runtime's loops
 * ({@code Module.fit}, {@code FeedForward}) as a {@link DataIter}. The bridges supply the
 * {@link Source}; every call goes back into the guest.
 */
public final class GuestIter extends DataIter {
    /** What the guest iterator does; {@link #next()} returns null at the end of the epoch. */
    public interface Source {
        DataBatch next();

        void reset();

        List<DataDesc> provideData();

        List<DataDesc> provideLabel();
    }

    private final Source source;
    private final Object guest;

    private GuestIter(int batchSize, Source source, Object guest) {
        super(batchSize);
        this.source = source;
        this.guest = guest;
    }

    /**
     * @param batchSize the guest's batch size, or 0 when it has none: then the first axis of its first data shape
     * @param guest     the guest object itself, handed back to guest code that asks for it
     */
    public static GuestIter of(int batchSize, Source source, Object guest) {
        if (batchSize < 1) {
            List<DataDesc> d = source.provideData();
            if (d == null || d.isEmpty() || d.get(0).shape().ndim() == 0) {
                throw new IllegalArgumentException("data iterator: no batch size and no provide_data to take it from");
            }
            batchSize = (int) d.get(0).shape().dim(0);
        }
        return new GuestIter(batchSize, source, guest);
    }

    public Object guest() { return guest; }

    @Override public List<DataDesc> provideData() { return source.provideData(); }

    @Override public List<DataDesc> provideLabel() {
        List<DataDesc> l = source.provideLabel();
        return l == null ? List.of() : l;
    }

    @Override protected DataBatch produce() { return source.next(); }

    @Override protected void rewind() { source.reset(); }
}
