package dev.mxj.io;

import dev.mxj.Context;
import dev.mxj.ndarray.Nd;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Batches over arrays already in memory (MXNet's {@code mx.io.NDArrayIter}), following MXNet 1.9's
 * cursor arithmetic so that batch counts, {@code pad} and roll-over match it exactly:
 *
 * <ul>
 *   <li>{@code pad}: the last batch is completed with examples from the start of the data
 *       (cyclically when the batch is larger than the data); {@code pad} counts them.</li>
 *   <li>{@code discard}: the incomplete last batch is dropped.</li>
 *   <li>{@code roll_over}: the incomplete last batch is kept and becomes the head of the first
 *       batch of the next epoch; that batch reports {@code pad} = the number of carried examples,
 *       as MXNet does.</li>
 * </ul>
 *
 * Inputs are named as in MXNet: one array gets {@code data_name}/{@code label_name} ("data",
 * "softmax_label"), a list gets {@code _0_data}, {@code _1_data}, ..., a map keeps its keys; the
 * arrays are then ordered by name. A batch fully inside the data is a view of it when it already
 * lives on the requested context, otherwise a copy there.
 */
public final class NDArrayIter extends DataIter {

    /** What to do with the last, incomplete batch of an epoch. */
    public enum LastBatchHandle {
        PAD, DISCARD, ROLL_OVER;

        /** MXNet's spelling: "pad", "discard", "roll_over". */
        public static LastBatchHandle parse(String s) {
            return switch (s) {
                case "pad" -> PAD;
                case "discard" -> DISCARD;
                case "roll_over" -> ROLL_OVER;
                default -> throw new IllegalArgumentException("last_batch_handle must be 'pad', 'discard' or 'roll_over', got '" + s + "'");
            };
        }
    }

    private final List<String> dataNames;
    private final List<String> labelNames;
    private final List<NDArray> originals;   // data then labels, as given
    private List<NDArray> current;          // data then labels, in this epoch's order
    private final int numData;
    private final boolean shuffle;
    private final java.util.Random seeded;  // null: draw permutations from the engine's CPU generator
    private final LastBatchHandle lastBatch;
    private final Context ctx;
    private long cursor;
    private List<NDArray> cache;            // roll_over: the incomplete batch carried to the next epoch

    private NDArrayIter(Builder b) {
        super(b.batchSize);
        Map<String, NDArray> d = named(b.data, b.dataName, "data", false);
        Map<String, NDArray> l = named(b.label, b.labelName, "label", true);
        this.dataNames = List.copyOf(d.keySet());
        this.labelNames = List.copyOf(l.keySet());
        List<NDArray> all = new ArrayList<>(d.values());
        all.addAll(l.values());
        long n = -1;
        List<String> names = new ArrayList<>(dataNames);
        names.addAll(labelNames);
        for (int i = 0; i < all.size(); i++) {
            NDArray a = all.get(i);
            if (a.ndim() == 0) throw new IllegalArgumentException("NDArrayIter: '" + names.get(i) + "' is a scalar; it needs a batch axis");
            if (n < 0) n = a.shape().dim(0);
            else if (a.shape().dim(0) != n) {
                throw new IllegalArgumentException("NDArrayIter: '" + names.get(i) + "' has " + a.shape().dim(0)
                        + " examples but '" + names.get(0) + "' has " + n);
            }
        }
        this.originals = List.copyOf(all);
        this.current = originals;
        this.numData = Math.toIntExact(n);
        this.shuffle = b.shuffle;
        this.seeded = b.seed == null ? null : new java.util.Random(b.seed);
        this.lastBatch = b.lastBatchHandle;
        this.ctx = b.ctx;
        this.cursor = -batchSize;
        rewind(); // MXNet shuffles in the constructor too
    }

    /** One data array, one label array (may be null), defaults otherwise. */
    public NDArrayIter(NDArray data, NDArray label, int batchSize) {
        this(builder().data(data).label(label).batchSize(batchSize));
    }

    public static Builder builder() { return new Builder(); }

    /** Number of examples per epoch before batching. */
    public int numData() { return numData; }

    @Override
    public List<DataDesc> provideData() { return descs(dataNames, 0); }

    @Override
    public List<DataDesc> provideLabel() { return descs(labelNames, dataNames.size()); }

    private List<DataDesc> descs(List<String> names, int offset) {
        List<DataDesc> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            NDArray a = current.get(offset + i);
            out.add(new DataDesc(names.get(i), a.shape().withDim(0, batchSize), a.dtype()));
        }
        return out;
    }

    /** Drop any rolled-over examples and start from the beginning (MXNet's {@code hard_reset}). */
    public void hardReset() {
        reset();
        cursor = -batchSize;
        cache = null;
    }

    @Override
    protected void rewind() {
        if (shuffle) shuffleData();
        if (lastBatch == LastBatchHandle.ROLL_OVER && numData - batchSize < cursor && cursor < numData) {
            cursor = cursor - numData - batchSize; // the carried examples fill the head of the first batch
        } else {
            cursor = -batchSize;
        }
    }

    @Override
    protected DataBatch produce() {
        cursor += batchSize;
        if (cursor >= numData) return null;
        List<NDArray> arrays = batchify();
        if (arrays.get(0).shape().dim(0) != batchSize) {
            // incomplete: MXNet keeps it (used by roll_over) and ends the epoch; it must outlive the caller's NDScope
            cache = arrays.stream().map(NDScope::detach).toList();
            return null;
        }
        int nd = dataNames.size();
        return new DataBatch(arrays.subList(0, nd), arrays.subList(nd, arrays.size()), pad(), null, null,
                provideData(), provideLabel());
    }

    private int pad() {
        if (lastBatch == LastBatchHandle.PAD && cursor + batchSize > numData) return (int) (cursor + batchSize - numData);
        if (lastBatch == LastBatchHandle.ROLL_OVER && -batchSize < cursor && cursor < 0) return (int) -cursor;
        return 0;
    }

    /** Rows of this step for every array: MXNet's {@code _batchify} without the intermediate concats. */
    private List<NDArray> batchify() {
        List<NDArray> out = new ArrayList<>(current.size());
        if (lastBatch == LastBatchHandle.ROLL_OVER && -batchSize < cursor && cursor < 0) {
            if (cache == null) throw new IllegalStateException("NDArrayIter: roll_over expected examples carried from the last epoch");
            long end = Math.min(cursor + batchSize, numData);
            for (int i = 0; i < current.size(); i++) {
                NDArray head = cache.get(i);
                out.add(assemble(current.get(i), head, new long[] {0, end}));
            }
            cache = null;
        } else if (lastBatch == LastBatchHandle.PAD && cursor + batchSize > numData) {
            long pad = cursor + batchSize - numData;
            List<Long> ranges = new ArrayList<>();
            ranges.add(cursor);
            ranges.add((long) numData);
            for (long left = pad; left > 0; left -= Math.min(left, numData)) { // wraps like MXNet's tile + slice
                ranges.add(0L);
                ranges.add(Math.min(left, numData));
            }
            long[] r = ranges.stream().mapToLong(Long::longValue).toArray();
            for (NDArray a : current) out.add(assemble(a, null, r));
        } else {
            long end = Math.min(cursor + batchSize, numData);
            for (NDArray a : current) out.add(place(a.slice(cursor, end)));
        }
        return out;
    }

    /** A view moved to the requested context when needed. */
    private NDArray place(NDArray view) {
        return ctx == null ? view : view.asInContext(ctx);
    }

    /** A new array made of {@code head} (may be null) followed by the row ranges [r0, r1), [r2, r3), ... of {@code src}. */
    private NDArray assemble(NDArray src, NDArray head, long[] ranges) {
        long rows = head == null ? 0 : head.shape().dim(0);
        for (int i = 0; i < ranges.length; i += 2) rows += ranges[i + 1] - ranges[i];
        Context target = ctx != null ? ctx : src.context();
        NDArray dst = NDArray.empty(src.shape().withDim(0, rows), src.dtype(), target);
        long at = 0;
        if (head != null) {
            long h = head.shape().dim(0);
            head.copyTo(dst.slice(0, h));
            at = h;
        }
        for (int i = 0; i < ranges.length; i += 2) {
            long len = ranges[i + 1] - ranges[i];
            if (len == 0) continue;
            src.slice(ranges[i], ranges[i + 1]).copyTo(dst.slice(at, at + len));
            at += len;
        }
        return dst;
    }

    private void shuffleData() {
        long[] perm = permutation();
        List<NDArray> next = new ArrayList<>(current.size());
        Map<Context, NDArray> idx = new LinkedHashMap<>();
        for (NDArray a : current) {
            NDArray ix = idx.computeIfAbsent(a.context(), c -> NDScope.detach(NDArray.array(perm, Shape.of(perm.length), c)));
            next.add(NDScope.detach(Nd.take(a, ix, 0, "clip"))); // iterator state, not the caller's temporary
        }
        for (NDArray ix : idx.values()) ix.close();
        for (int i = 0; i < current.size(); i++) {
            if (current.get(i) != originals.get(i)) current.get(i).close(); // our own copy; views of it stay valid
        }
        current = next;
    }

    /** A random order: from the explicit seed if given, else from the CPU generator so {@code Random.seed} governs it. */
    private long[] permutation() {
        long[] p = new long[numData];
        if (seeded != null) {
            for (int i = 0; i < numData; i++) p[i] = i;
            for (int i = numData - 1; i > 0; i--) {
                int j = seeded.nextInt(i + 1);
                long t = p[i]; p[i] = p[j]; p[j] = t;
            }
            return p;
        }
        try (NDArray range = NDArray.arange(0, numData, 1, 1, DType.INT64, Context.cpu());
             NDArray shuffled = Nd.shuffle(range)) {
            return shuffled.toLongArray();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, NDArray> named(Object in, String defaultName, String what, boolean allowEmpty) {
        Map<String, NDArray> out = new TreeMap<>(); // MXNet sorts the inputs by name
        if (in == null) {
            if (!allowEmpty) throw new IllegalArgumentException("NDArrayIter needs " + what);
            return out;
        }
        if (in instanceof NDArray a) {
            out.put(defaultName, a);
        } else if (in instanceof List<?> list) {
            if (list.isEmpty() && !allowEmpty) throw new IllegalArgumentException("NDArrayIter needs at least one " + what + " array");
            if (list.size() == 1) out.put(defaultName, (NDArray) list.get(0));
            else for (int i = 0; i < list.size(); i++) out.put("_" + i + "_" + defaultName, (NDArray) list.get(i));
        } else if (in instanceof Map<?, ?> m) {
            if (m.isEmpty() && !allowEmpty) throw new IllegalArgumentException("NDArrayIter needs at least one " + what + " array");
            out.putAll((Map<String, NDArray>) m);
        }
        for (Map.Entry<String, NDArray> e : out.entrySet()) {
            if (e.getValue() == null) throw new IllegalArgumentException("NDArrayIter: " + what + " '" + e.getKey() + "' is null");
        }
        return out;
    }

    /** Parameters by MXNet's names: data, label, batch_size, shuffle, last_batch_handle, data_name, label_name. */
    public static final class Builder {
        private Object data, label;
        private int batchSize = 1;
        private boolean shuffle;
        private Long seed;
        private LastBatchHandle lastBatchHandle = LastBatchHandle.PAD;
        private String dataName = "data", labelName = "softmax_label";
        private Context ctx;

        private Builder() {}

        public Builder data(NDArray a) { data = a; return this; }

        public Builder data(List<NDArray> arrays) { data = List.copyOf(arrays); return this; }

        /** Named inputs; they are ordered by name. */
        public Builder data(Map<String, NDArray> arrays) { data = new LinkedHashMap<>(arrays); return this; }

        public Builder label(NDArray a) { label = a; return this; }

        public Builder label(List<NDArray> arrays) { label = List.copyOf(arrays); return this; }

        public Builder label(Map<String, NDArray> arrays) { label = new LinkedHashMap<>(arrays); return this; }

        public Builder batchSize(int n) { batchSize = n; return this; }

        public Builder shuffle(boolean s) { shuffle = s; return this; }

        /** Shuffle from this seed instead of the CPU generator (which {@code Random.seed} sets). */
        public Builder seed(long s) { seed = s; return this; }

        public Builder lastBatchHandle(LastBatchHandle h) { lastBatchHandle = h; return this; }

        public Builder lastBatchHandle(String h) { lastBatchHandle = LastBatchHandle.parse(h); return this; }

        public Builder dataName(String n) { dataName = n; return this; }

        public Builder labelName(String n) { labelName = n; return this; }

        /** Where batches are placed; by default where the source arrays live. */
        public Builder context(Context c) { ctx = c; return this; }

        public NDArrayIter build() { return new NDArrayIter(this); }
    }

    @Override
    public String toString() {
        return "NDArrayIter(data=" + dataNames + ", label=" + labelNames + ", batch_size=" + batchSize
                + ", num_data=" + numData + ", shuffle=" + shuffle + ", last_batch_handle=" + lastBatch.name().toLowerCase() + ")";
    }
}
