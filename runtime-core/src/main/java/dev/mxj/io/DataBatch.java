package dev.mxj.io;

import dev.mxj.ndarray.NDArray;

import java.util.List;

/**
 * One batch from a {@link DataIter} (MXNet's {@code mx.io.DataBatch}).
 *
 * <p>{@code pad} counts the examples at the end of the batch that are filler (repeated from the
 * start of the data, or left over from the previous batch) and must be ignored when scoring.
 * {@code index} holds the source position of each example when the iterator knows it, else null.
 * Closing a batch closes its arrays; arrays that are views only drop their reference.
 */
public final class DataBatch implements AutoCloseable {
    private final List<NDArray> data;
    private final List<NDArray> label;
    private final int pad;
    private final long[] index;
    private final Object bucketKey;
    private final List<DataDesc> provideData;
    private final List<DataDesc> provideLabel;

    public DataBatch(List<NDArray> data, List<NDArray> label, int pad, long[] index,
                     Object bucketKey, List<DataDesc> provideData, List<DataDesc> provideLabel) {
        if (data == null) throw new IllegalArgumentException("data must not be null");
        this.data = List.copyOf(data);
        this.label = label == null ? List.of() : List.copyOf(label);
        this.pad = pad;
        this.index = index;
        this.bucketKey = bucketKey;
        this.provideData = provideData;
        this.provideLabel = provideLabel;
    }

    public DataBatch(List<NDArray> data, List<NDArray> label, int pad) {
        this(data, label, pad, null, null, null, null);
    }

    public List<NDArray> data() { return data; }

    public List<NDArray> label() { return label; }

    public int pad() { return pad; }

    /** Source positions of the examples, or null. */
    public long[] index() { return index; }

    public Object bucketKey() { return bucketKey; }

    /** Descriptions of {@link #data()}, or null when the iterator did not attach them (as in MXNet). */
    public List<DataDesc> provideData() { return provideData; }

    public List<DataDesc> provideLabel() { return provideLabel; }

    @Override
    public void close() {
        for (NDArray a : data) a.close();
        for (NDArray a : label) a.close();
    }

    /** MXNet's form: {@code DataBatch: data shapes: [(3, 2)] label shapes: [(3,)]}. */
    @Override
    public String toString() {
        return "DataBatch: data shapes: " + shapes(data) + " label shapes: " + shapes(label);
    }

    private static String shapes(List<NDArray> arrays) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < arrays.size(); i++) {
            long[] d = arrays.get(i).shape().dims();
            sb.append(i == 0 ? "(" : ", (");
            for (int j = 0; j < d.length; j++) sb.append(j == 0 ? "" : ", ").append(d[j]);
            if (d.length == 1) sb.append(',');
            sb.append(')');
        }
        return sb.append(']').toString();
    }
}
