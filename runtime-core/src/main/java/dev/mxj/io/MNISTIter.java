package dev.mxj.io;

import dev.mxj.Context;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * MNIST-format images and labels (MXNet's {@code mx.io.MNISTIter}, src/io/iter_mnist.cc), for
 * MNIST and Fashion-MNIST alike.
 *
 * <p>As in MXNet: pixels become float32 {@code value / 256}, so they lie in [0, 1); batches are
 * {@code (batch, 1, rows, cols)}, or {@code (batch, rows*cols)} with {@code flat}; labels are
 * float32 {@code (batch,)}; the examples are shuffled once, at construction, from {@code seed},
 * and keep that order in every epoch; an incomplete last batch is dropped (pad is always 0);
 * {@code num_parts}/{@code part_index} read only the part
 * {@code [count/num_parts*part_index, count/num_parts*(part_index+1))} of the files, computed in
 * floating point and truncated as MXNet does. Images are kept as bytes and converted per batch.
 */
public final class MNISTIter extends DataIter {
    private static final System.Logger LOG = System.getLogger(MNISTIter.class.getName());

    private final byte[] images;     // the part's images, in file order
    private final float[] labels;
    private final int[] order;       // local positions in iteration order
    private final long first;        // file position of the part's first example
    private final int rows, cols, count;
    private final boolean flat;
    private final Context ctx;
    private final List<DataDesc> dataDesc, labelDesc;
    private int loc;

    private MNISTIter(Builder b) throws IOException {
        super(b.batchSize);
        if (b.numParts < 1) throw new IllegalArgumentException("num_parts must be at least 1, got " + b.numParts);
        if (b.partIndex < 0 || b.partIndex >= b.numParts) {
            throw new IllegalArgumentException("part_index must be in [0, num_parts), got " + b.partIndex + " with num_parts=" + b.numParts);
        }
        IdxReader.Header ih = IdxReader.readHeader(b.image), lh = IdxReader.readHeader(b.label);
        if (ih.type() != IdxReader.Type.UINT8 || ih.dims().length != 3) {
            throw new IOException(b.image + ": expected MNIST images (uint8, 3 dimensions), found "
                    + ih.type().name().toLowerCase() + " with " + ih.dims().length + " dimensions");
        }
        if (lh.type() != IdxReader.Type.UINT8 || lh.dims().length != 1) {
            throw new IOException(b.label + ": expected MNIST labels (uint8, 1 dimension), found "
                    + lh.type().name().toLowerCase() + " with " + lh.dims().length + " dimensions");
        }
        if (ih.dims()[0] != lh.dims()[0]) {
            throw new IOException("MNISTIter: " + b.image + " holds " + ih.dims()[0] + " images but " + b.label + " holds " + lh.dims()[0] + " labels");
        }
        long[] part = part(ih.dims()[0], b.numParts, b.partIndex);
        this.first = part[0];
        this.images = bytes(IdxReader.read(b.image, part[0], part[1]));
        byte[] lb = bytes(IdxReader.read(b.label, part[0], part[1]));
        this.count = lb.length;
        this.labels = new float[count];
        for (int i = 0; i < count; i++) labels[i] = lb[i] & 0xFF;
        this.rows = ih.dims()[1];
        this.cols = ih.dims()[2];
        this.flat = b.flat;
        this.ctx = b.ctx == null ? Context.cpu() : b.ctx;
        this.order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        if (b.shuffle) {
            java.util.Random r = new java.util.Random(b.seed);
            for (int i = count - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i]; order[i] = order[j]; order[j] = t;
            }
        }
        Shape ds = flat ? Shape.of(batchSize, (long) rows * cols) : Shape.of(batchSize, 1, rows, cols);
        if (b.inputShape != null) {
            Shape want = flat ? Shape.of((long) rows * cols) : Shape.of(1, rows, cols);
            if (!b.inputShape.equals(want)) {
                throw new IllegalArgumentException("MNISTIter: input_shape " + b.inputShape + " does not match the examples' shape "
                        + want + " (" + rows + "x" + cols + " images, flat=" + flat + ")");
            }
        }
        this.dataDesc = List.of(new DataDesc(b.dataName, ds, DType.FLOAT32));
        this.labelDesc = List.of(new DataDesc(b.labelName, Shape.of(batchSize), DType.FLOAT32));
        if (!b.silent) {
            LOG.log(System.Logger.Level.INFO, "MNISTIter: load " + count + " images, shuffle=" + b.shuffle + ", shape=" + ds);
        }
    }

    public static Builder builder() { return new Builder(); }

    /** Examples in this part. */
    public int numExamples() { return count; }

    /** MXNet's split of {@code count} items into parts (double arithmetic, truncated). */
    static long[] part(int count, int numParts, int partIndex) {
        return new long[] {(long) ((double) count / numParts * partIndex), (long) ((double) count / numParts * (partIndex + 1))};
    }

    private static byte[] bytes(IdxReader.IdxArray a) {
        byte[] out = new byte[a.data().remaining()];
        a.data().get(0, out);
        return out;
    }

    @Override
    public List<DataDesc> provideData() { return dataDesc; }

    @Override
    public List<DataDesc> provideLabel() { return labelDesc; }

    @Override
    protected void rewind() { loc = 0; }

    @Override
    protected DataBatch produce() {
        if (loc + batchSize > count) return null;
        int px = rows * cols;
        float[] x = new float[batchSize * px];
        float[] y = new float[batchSize];
        long[] index = new long[batchSize];
        for (int i = 0; i < batchSize; i++) {
            int src = order[loc + i];
            int from = src * px, to = i * px;
            for (int k = 0; k < px; k++) x[to + k] = (images[from + k] & 0xFF) * (1.0f / 256.0f);
            y[i] = labels[src];
            index[i] = first + src;
        }
        loc += batchSize;
        NDArray data = NDArray.array(x, dataDesc.get(0).shape(), ctx);
        NDArray label = NDArray.array(y, labelDesc.get(0).shape(), ctx);
        return new DataBatch(List.of(data), List.of(label), 0, index, null, dataDesc, labelDesc);
    }

    /** Parameters by MXNet's names. Defaults as MXNet: batch_size 128, shuffle true, flat false, seed 0. */
    public static final class Builder {
        private Path image = Path.of("./train-images-idx3-ubyte"), label = Path.of("./train-labels-idx1-ubyte");
        private int batchSize = 128;
        private boolean shuffle = true, flat, silent;
        private int seed, numParts = 1, partIndex;
        private Shape inputShape;
        private int prefetchBuffer;
        private Context ctx;
        private String dataName = "data", labelName = "softmax_label";

        private Builder() {}

        public Builder image(Path p) { image = p; return this; }

        public Builder label(Path p) { label = p; return this; }

        public Builder batchSize(int n) { batchSize = n; return this; }

        public Builder shuffle(boolean s) { shuffle = s; return this; }

        public Builder flat(boolean f) { flat = f; return this; }

        public Builder seed(int s) { seed = s; return this; }

        public Builder silent(boolean s) { silent = s; return this; }

        public Builder numParts(int n) { numParts = n; return this; }

        public Builder partIndex(int i) { partIndex = i; return this; }

        /** Expected shape of one example ({@code (784)} flat, {@code (1, 28, 28)} not); checked, not applied. */
        public Builder inputShape(Shape s) { inputShape = s; return this; }

        /** Batches to load ahead on a background thread; 0 (the default) loads on the caller's thread. */
        public Builder prefetchBuffer(int n) { prefetchBuffer = n; return this; }

        public Builder context(Context c) { ctx = c; return this; }

        public Builder dataName(String n) { dataName = n; return this; }

        public Builder labelName(String n) { labelName = n; return this; }

        /** The iterator, wrapped in a {@link PrefetchingIter} when {@code prefetch_buffer > 0}. */
        public DataIter build() {
            MNISTIter it = buildMnist();
            return prefetchBuffer > 0 ? new PrefetchingIter(it, prefetchBuffer) : it;
        }

        /** The iterator itself, never prefetching. */
        public MNISTIter buildMnist() {
            try {
                return new MNISTIter(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }
    }
}
