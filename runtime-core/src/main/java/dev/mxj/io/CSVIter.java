package dev.mxj.io;

import dev.mxj.Context;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Batches from CSV files, one example per row (MXNet's {@code mx.io.CSVIter}, src/io/iter_csv.cc
 * with its batch loader). Rows are read as they are needed, never the whole file.
 *
 * <p>MXNet's semantics: each row is reshaped to {@code data_shape} (its value count must equal
 * the shape's size); without {@code label_csv} every label is 0; {@code dtype} is float32, int32
 * or int64 for data and labels. A last incomplete batch is completed from the start of the data
 * when {@code round_batch} is true (pad = the examples taken from the start, and the next epoch
 * after {@code reset()} continues after them instead of restarting), otherwise it keeps the
 * previous batch's rows in the unused places and reports them as pad. A label of shape
 * {@code (1)} gives label batches of shape {@code (batch,)}, as MXNet's C API flattens them.
 * {@code data_csv}/{@code label_csv} may be a directory: its files are read in name order.
 */
public final class CSVIter extends DataIter {
    private final Source data, label;          // label null: all-zero labels
    private final int dataUnit, labelUnit;
    private final DType dtype;
    private final boolean roundBatch;
    private final Context ctx;
    private final List<DataDesc> dataDesc, labelDesc;
    private final Object dataBuf, labelBuf;    // reused across batches, as MXNet's batch loader does
    private int numOverflow;
    private long instance;

    private CSVIter(Builder b) {
        super(b.batchSize);
        if (b.dataCsv == null) throw new IllegalArgumentException("CSVIter needs data_csv");
        if (b.dataShape == null || !b.dataShape.isKnown()) throw new IllegalArgumentException("CSVIter needs data_shape");
        if (b.dtype != DType.FLOAT32 && b.dtype != DType.INT32 && b.dtype != DType.INT64) {
            throw new IllegalArgumentException(b.dtype + " is not supported for CSVIter (float32, int32 or int64)");
        }
        this.dtype = b.dtype;
        this.dataUnit = Math.toIntExact(b.dataShape.size());
        Shape ls = b.labelCsv == null ? Shape.of(1) : b.labelShape;
        this.labelUnit = Math.toIntExact(ls.size());
        this.roundBatch = b.roundBatch;
        this.ctx = b.ctx == null ? Context.cpu() : b.ctx;
        this.data = new Source(files(b.dataCsv), "data_shape " + b.dataShape, dataUnit, dtype);
        this.label = b.labelCsv == null ? null : new Source(files(b.labelCsv), "label_shape " + ls, labelUnit, dtype);
        this.dataBuf = buffer(dtype, batchSize * dataUnit);
        this.labelBuf = buffer(dtype, batchSize * labelUnit);
        Shape lbs = batchShape(ls);
        if (lbs.ndim() == 2 && lbs.dim(1) == 1) lbs = Shape.of(batchSize);
        this.dataDesc = List.of(new DataDesc(b.dataName, batchShape(b.dataShape), dtype));
        this.labelDesc = List.of(new DataDesc(b.labelName, lbs, dtype));
    }

    public static Builder builder() { return new Builder(); }

    private Shape batchShape(Shape unit) {
        long[] u = unit.dims();
        long[] d = new long[u.length + 1];
        d[0] = batchSize;
        System.arraycopy(u, 0, d, 1, u.length);
        return Shape.of(d);
    }

    @Override
    public List<DataDesc> provideData() { return dataDesc; }

    @Override
    public List<DataDesc> provideLabel() { return labelDesc; }

    @Override
    protected void rewind() {
        if (!roundBatch || numOverflow == 0) {
            restart();
        } else {
            numOverflow = 0; // the overflow already restarted the files: carry on after it
        }
    }

    private void restart() {
        data.restart();
        if (label != null) label.restart();
        instance = 0;
    }

    @Override
    protected DataBatch produce() {
        if (numOverflow != 0) return null;
        long[] index = new long[batchSize];
        int top = 0;
        while (top < batchSize && readOne(top, index)) top++;
        if (top == 0) return null;
        int pad = 0;
        if (top < batchSize) {
            if (roundBatch) {
                restart();
                for (; top < batchSize; top++, numOverflow++) {
                    if (!readOne(top, index)) {
                        throw new IllegalStateException("CSVIter: " + data.describe() + " holds fewer rows than batch_size " + batchSize
                                + "; round_batch needs at least one full batch");
                    }
                }
                pad = numOverflow;
            } else {
                pad = batchSize - top;
            }
        }
        NDArray x = make(dataBuf, dataDesc.get(0).shape());
        NDArray y = make(labelBuf, labelDesc.get(0).shape());
        return new DataBatch(List.of(x), List.of(y), pad, index, null, dataDesc, labelDesc);
    }

    /** One example into row {@code at} of the buffers; false at the end of the data. */
    private boolean readOne(int at, long[] index) {
        try {
            if (!data.next(dataBuf, at * dataUnit)) return false;
            if (label != null && !label.next(labelBuf, at * labelUnit)) {
                throw new IllegalStateException("CSVIter: " + label.describe() + " has fewer rows than " + data.describe()
                        + " (data row " + (instance + 1) + " has no label)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        index[at] = instance++;
        return true;
    }

    private NDArray make(Object buf, Shape shape) {
        return switch (buf) {
            case float[] f -> NDArray.array(f, shape, ctx);
            case int[] i -> NDArray.array(i, shape, ctx);
            case long[] l -> NDArray.array(l, shape, ctx);
            default -> throw new IllegalStateException();
        };
    }

    private static Object buffer(DType t, int n) {
        return switch (t) {
            case INT32 -> new int[n];
            case INT64 -> new long[n];
            default -> new float[n];
        };
    }

    private static List<Path> files(Path p) {
        if (Files.isDirectory(p)) {
            try (Stream<Path> s = Files.list(p)) {
                List<Path> out = s.filter(Files::isRegularFile).sorted().toList();
                if (out.isEmpty()) throw new IllegalArgumentException("CSVIter: directory " + p + " holds no files");
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException("CSVIter: cannot list " + p, e);
            }
        }
        if (!Files.isRegularFile(p)) throw new IllegalArgumentException("CSVIter: file not found: " + p);
        return List.of(p);
    }

    @Override
    public void close() {
        data.close();
        if (label != null) label.close();
    }

    /** Rows of one or more files, read lazily, with the position kept for error messages. */
    private static final class Source {
        private final List<Path> files;
        private final String shapeText;
        private final int unit;
        private final DType dtype;
        private int fileIndex = -1;
        private BufferedReader reader;
        private long line;

        Source(List<Path> files, String shapeText, int unit, DType dtype) {
            this.files = files;
            this.shapeText = shapeText;
            this.unit = unit;
            this.dtype = dtype;
        }

        String describe() { return files.size() == 1 ? files.get(0).toString() : files.get(0).getParent() + " (" + files.size() + " files)"; }

        void restart() {
            close();
            fileIndex = -1;
        }

        /** Parse the next non-blank row into {@code buf[at..at+unit)}; false at the end of the last file. */
        boolean next(Object buf, int at) throws IOException {
            while (true) {
                if (reader == null) {
                    if (fileIndex + 1 >= files.size()) return false;
                    fileIndex++;
                    reader = Files.newBufferedReader(files.get(fileIndex), StandardCharsets.UTF_8);
                    line = 0;
                }
                String s = reader.readLine();
                if (s == null) {
                    reader.close();
                    reader = null;
                    continue;
                }
                line++;
                if (s.isBlank()) continue;
                parse(s, buf, at);
                return true;
            }
        }

        private void parse(String s, Object buf, int at) {
            Path file = files.get(fileIndex);
            int col = 0, start = 0, n = s.length();
            while (true) {
                int comma = s.indexOf(',', start);
                int end = comma < 0 ? n : comma;
                String tok = s.substring(start, end).strip();
                if (col >= unit) {
                    throw new IllegalArgumentException(file + ":" + line + ": " + countValues(s) + " values in the row, but "
                            + shapeText + " needs " + unit);
                }
                if (tok.isEmpty()) throw new IllegalArgumentException(file + ":" + line + ": column " + (col + 1) + " is empty");
                try {
                    switch (buf) {
                        case float[] f -> f[at + col] = Float.parseFloat(tok);
                        case int[] i -> i[at + col] = Integer.parseInt(tok);
                        case long[] l -> l[at + col] = Long.parseLong(tok);
                        default -> throw new IllegalStateException();
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + ":" + line + ": column " + (col + 1) + ": '" + tok + "' is not a "
                            + dtype.typeName() + " number");
                }
                col++;
                if (comma < 0) break;
                start = comma + 1;
            }
            if (col != unit) {
                throw new IllegalArgumentException(file + ":" + line + ": " + col + " values in the row, but " + shapeText + " needs " + unit);
            }
        }

        private static int countValues(String s) {
            int c = 1;
            for (int i = 0; i < s.length(); i++) if (s.charAt(i) == ',') c++;
            return c;
        }

        void close() {
            if (reader != null) {
                try {
                    reader.close();
                } catch (IOException ignored) {
                    // closing a reader we only read from loses nothing
                }
                reader = null;
            }
        }
    }

    /** Parameters by MXNet's names. Defaults as MXNet: label_shape (1), round_batch true, float32. */
    public static final class Builder {
        private Path dataCsv, labelCsv;
        private Shape dataShape, labelShape = Shape.of(1);
        private int batchSize = 1;
        private boolean roundBatch = true;
        private DType dtype = DType.FLOAT32;
        private int prefetchBuffer;
        private Context ctx;
        private String dataName = "data", labelName = "softmax_label";

        private Builder() {}

        public Builder dataCsv(Path p) { dataCsv = p; return this; }

        public Builder dataShape(long... d) { dataShape = Shape.of(d); return this; }

        public Builder dataShape(Shape s) { dataShape = s; return this; }

        /** Without it, every label is 0 (MXNet's label_csv="NULL"). */
        public Builder labelCsv(Path p) { labelCsv = p; return this; }

        public Builder labelShape(long... d) { labelShape = Shape.of(d); return this; }

        public Builder labelShape(Shape s) { labelShape = s; return this; }

        public Builder batchSize(int n) { batchSize = n; return this; }

        public Builder roundBatch(boolean r) { roundBatch = r; return this; }

        public Builder dtype(DType t) { dtype = t; return this; }

        /** Batches to load ahead on a background thread; 0 (the default) loads on the caller's thread. */
        public Builder prefetchBuffer(int n) { prefetchBuffer = n; return this; }

        public Builder context(Context c) { ctx = c; return this; }

        public Builder dataName(String n) { dataName = n; return this; }

        public Builder labelName(String n) { labelName = n; return this; }

        /** The iterator, wrapped in a {@link PrefetchingIter} when {@code prefetch_buffer > 0}. */
        public DataIter build() {
            CSVIter it = buildCsv();
            return prefetchBuffer > 0 ? new PrefetchingIter(it, prefetchBuffer) : it;
        }

        public CSVIter buildCsv() { return new CSVIter(this); }
    }
}
