package dev.mxj.cpu.kernels;

import dev.mxj.device.Elements;

import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Reductions over any set of axes. The input shape is compacted (size-1 axes dropped,
 * neighbouring axes of the same kind merged), then:
 * <ul>
 *   <li>innermost axis reduced: each output element folds contiguous runs of the input
 *       (a full reduction of a contiguous array is split over threads and the partials merged);</li>
 *   <li>innermost axis kept: each output row accumulates whole input rows element-wise, a
 *       loop over contiguous memory (column sums and the like).</li>
 * </ul>
 * Values are accumulated in double with four interleaved partial sums, so float32 sums are
 * more accurate than MXNet's float32 Kahan summation and as fast as the memory allows.
 */
final class ReduceEngine {
    private ReduceEngine() {}

    enum Kind {
        SUM(0), PROD(1), MAX(Double.NEGATIVE_INFINITY), MIN(Double.POSITIVE_INFINITY), NANSUM(0), NANPROD(1), SUMABS(0), SUMSQ(0);

        final double init;

        Kind(double init) { this.init = init; }
    }

    /**
     * out = finish(reduce(in over mask)), where finish multiplies by {@code scale} and, with
     * {@code sqrt}, takes the square root (mean: scale 1/N; L2 norm: SUMSQ with sqrt).
     */
    static void reduce(Kind kind, Tensor in, boolean[] mask, Tensor out, OpReq req, double scale, boolean sqrt) {
        if (Elementwise.skip(req, out)) return;
        boolean add = req == OpReq.ADD;
        long[] d = in.shape().dims();
        // compact: drop size-1 axes, merge neighbours of the same kind
        long[] dims = new long[d.length];
        boolean[] red = new boolean[d.length];
        int m = 0;
        for (int i = 0; i < d.length; i++) {
            if (d[i] == 1) continue;
            if (m > 0 && red[m - 1] == mask[i]) { dims[m - 1] *= d[i]; continue; }
            dims[m] = d[i];
            red[m++] = mask[i];
        }
        MemorySegment is = in.segment(), os = out.segment();
        DType it = in.dtype(), ot = out.dtype();
        long outSize = out.size();
        if (in.size() == 0) { // empty input: every output is the identity of the reduction
            fill(os, ot, outSize, finish(kind, kind.init, scale, sqrt), add);
            return;
        }
        if (m == 0 || !anyReduced(red, m)) { // nothing reduced: finish element-wise
            Elementwise.map1(in, out, req, v -> finish(kind, fold(kind, kind.init, v), scale, sqrt), null);
            return;
        }
        dims = Arrays.copyOf(dims, m);
        red = Arrays.copyOf(red, m);
        long[] strides = new long[m];
        long acc = 1;
        for (int i = m - 1; i >= 0; i--) { strides[i] = acc; acc *= dims[i]; }
        if (red[m - 1]) innerReduced(kind, is, it, dims, red, strides, os, ot, outSize, scale, sqrt, add);
        else innerKept(kind, is, it, dims, red, strides, os, ot, outSize, scale, sqrt, add);
    }

    private static boolean anyReduced(boolean[] red, int m) {
        for (int i = 0; i < m; i++) if (red[i]) return true;
        return false;
    }

    private static void fill(MemorySegment os, DType ot, long n, double v, boolean add) {
        double[] b = new double[Blocks.BLOCK];
        Arrays.fill(b, v);
        for (long i = 0; i < n; i += Blocks.BLOCK) Blocks.store(os, ot, i, b, (int) Math.min(Blocks.BLOCK, n - i), add);
    }

    static double finish(Kind k, double acc, double scale, boolean sqrt) {
        double v = acc * scale;
        return sqrt ? Math.sqrt(v) : v;
    }

    /** Fold one value into an accumulator (used where values come one at a time). */
    static double fold(Kind k, double acc, double x) {
        return switch (k) {
            case SUM -> acc + x;
            case PROD -> acc * x;
            case MAX -> Double.isNaN(acc) || acc >= x ? acc : x;
            case MIN -> Double.isNaN(acc) || acc <= x ? acc : x;
            case NANSUM -> Double.isNaN(x) ? acc : acc + x;
            case NANPROD -> Double.isNaN(x) ? acc : acc * x;
            case SUMABS -> acc + Math.abs(x);
            case SUMSQ -> acc + x * x;
        };
    }

    /** Combine two partial results. */
    static double merge(Kind k, double a, double b) {
        return switch (k) {
            case SUM, NANSUM, SUMABS, SUMSQ -> a + b;
            case PROD, NANPROD -> a * b;
            case MAX -> Double.isNaN(a) || a >= b ? a : b;
            case MIN -> Double.isNaN(a) || a <= b ? a : b;
        };
    }

    /** Fold v[0..n) into acc; sums use four partial accumulators (independent add chains). */
    static double foldBlock(Kind k, double acc, double[] v, int n) {
        switch (k) {
            case SUM, SUMABS, SUMSQ -> {
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int i = 0;
                if (k == Kind.SUM) for (; i + 3 < n; i += 4) { s0 += v[i]; s1 += v[i + 1]; s2 += v[i + 2]; s3 += v[i + 3]; }
                else if (k == Kind.SUMABS) for (; i + 3 < n; i += 4) { s0 += Math.abs(v[i]); s1 += Math.abs(v[i + 1]); s2 += Math.abs(v[i + 2]); s3 += Math.abs(v[i + 3]); }
                else for (; i + 3 < n; i += 4) { s0 += v[i] * v[i]; s1 += v[i + 1] * v[i + 1]; s2 += v[i + 2] * v[i + 2]; s3 += v[i + 3] * v[i + 3]; }
                for (; i < n; i++) s0 = fold(k, s0, v[i]);
                return acc + ((s0 + s1) + (s2 + s3));
            }
            default -> {
                for (int i = 0; i < n; i++) acc = fold(k, acc, v[i]);
                return acc;
            }
        }
    }

    /** acc[j] = fold(acc[j], v[j]) for j in [0, n): a loop over contiguous memory for the common kinds. */
    static void foldRows(Kind k, double[] acc, double[] v, int n) {
        switch (k) {
            case SUM -> { for (int j = 0; j < n; j++) acc[j] += v[j]; }
            case SUMSQ -> { for (int j = 0; j < n; j++) acc[j] += v[j] * v[j]; }
            case SUMABS -> { for (int j = 0; j < n; j++) acc[j] += Math.abs(v[j]); }
            case PROD -> { for (int j = 0; j < n; j++) acc[j] *= v[j]; }
            default -> { for (int j = 0; j < n; j++) acc[j] = fold(k, acc[j], v[j]); }
        }
    }

    /**
     * Innermost axis reduced: output element o (over the kept axes, in order) folds, for every
     * combination of the outer reduced axes, a contiguous run of the innermost length.
     */
    private static void innerReduced(Kind kind, MemorySegment is, DType it, long[] dims, boolean[] red, long[] strides,
                                     MemorySegment os, DType ot, long outSize, double scale, boolean sqrt, boolean add) {
        int m = dims.length;
        long run = dims[m - 1];
        long perOut = 1;
        for (int i = 0; i < m; i++) if (red[i]) perOut *= dims[i];
        if (m == 1) { // everything reduced, contiguous: split the run over threads and merge partials
            int chunks = (int) Math.max(1, Math.min(CpuParallel.THREADS, run / (Elementwise.GRAIN * 4)));
            double[] part = new double[chunks];
            long step = (run + chunks - 1) / chunks;
            CpuParallel.forRange(chunks, 1, (c0, c1) -> {
                double[] v = new double[Blocks.BLOCK];
                for (long c = c0; c < c1; c++) {
                    long from = c * step, to = Math.min(run, from + step);
                    part[(int) c] = foldRun(kind, is, it, from, to - from, v);
                }
            });
            double r = part[0];
            for (int c = 1; c < chunks; c++) r = merge(kind, r, part[c]);
            double[] one = {finish(kind, r, scale, sqrt)};
            Blocks.store(os, ot, 0, one, 1, add);
            return;
        }
        long[] keptDims = select(dims, red, false), keptStrides = select(strides, red, false);
        long[] redDims = select(dims, red, true), redStrides = select(strides, red, true);
        int nr = redDims.length;
        long runs = perOut / run;
        long grain = Math.max(1, Elementwise.GRAIN / perOut);
        CpuParallel.forRange(outSize, grain, (o0, o1) -> {
            double[] v = new double[Blocks.BLOCK];
            double[] res = new double[Blocks.BLOCK];
            long[] ridx = new long[nr];
            for (long o = o0; o < o1; o += Blocks.BLOCK) {
                int nb = (int) Math.min(Blocks.BLOCK, o1 - o);
                for (int b = 0; b < nb; b++) {
                    long base = offsetOf(o + b, keptDims, keptStrides);
                    double acc = kind.init;
                    Arrays.fill(ridx, 0);
                    long roff = 0;
                    for (long r = 0; r < runs; r++) {
                        acc = merge(kind, acc, foldRun(kind, is, it, base + roff, run, v));
                        // next combination of the outer reduced axes (the last reduced axis is the run itself)
                        for (int q = nr - 2; q >= 0; q--) {
                            roff += redStrides[q];
                            if (++ridx[q] < redDims[q]) break;
                            roff -= redDims[q] * redStrides[q];
                            ridx[q] = 0;
                        }
                    }
                    res[b] = finish(kind, acc, scale, sqrt);
                }
                Blocks.store(os, ot, o, res, nb, add);
            }
        });
    }

    /** Fold {@code len} contiguous input elements from {@code off}. */
    private static double foldRun(Kind kind, MemorySegment is, DType it, long off, long len, double[] v) {
        if (kind == Kind.SUM && it == DType.FLOAT32) return sumF32(is, off, len);
        double acc = kind.init;
        for (long i = 0; i < len; i += v.length) {
            int n = (int) Math.min(v.length, len - i);
            Blocks.load(is, it, off + i, 1, v, n);
            double part = foldBlock(kind, kind.init, v, n);
            acc = merge(kind, acc, part);
        }
        return acc;
    }

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    /** The hottest reduction without staging through a double block: float32 read, double accumulated. */
    private static double sumF32(MemorySegment is, long off, long len) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        long i = 0;
        for (; i + 3 < len; i += 4) {
            s0 += is.getAtIndex(F32, off + i);
            s1 += is.getAtIndex(F32, off + i + 1);
            s2 += is.getAtIndex(F32, off + i + 2);
            s3 += is.getAtIndex(F32, off + i + 3);
        }
        for (; i < len; i++) s0 += is.getAtIndex(F32, off + i);
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * Innermost axis kept (length {@code row}): output rows accumulate whole input rows. Tiles
     * of at most one block of the row keep the accumulators in cache.
     */
    private static void innerKept(Kind kind, MemorySegment is, DType it, long[] dims, boolean[] red, long[] strides,
                                  MemorySegment os, DType ot, long outSize, double scale, boolean sqrt, boolean add) {
        int m = dims.length;
        long row = dims[m - 1];
        long[] keptDims = select(Arrays.copyOf(dims, m - 1), Arrays.copyOf(red, m - 1), false);
        long[] keptStrides = select(Arrays.copyOf(strides, m - 1), Arrays.copyOf(red, m - 1), false);
        long[] redDims = select(dims, red, true), redStrides = select(strides, red, true);
        long rowsOut = outSize / row, tilesPerRow = (row + Blocks.BLOCK - 1) / Blocks.BLOCK;
        long perOut = 1;
        for (long x : redDims) perOut *= x;
        long grain = Math.max(1, Elementwise.GRAIN / (perOut * Math.min(row, Blocks.BLOCK)));
        long finalPerOut = perOut;
        boolean sumF32 = kind == Kind.SUM && it == DType.FLOAT32;
        CpuParallel.forRange(rowsOut * tilesPerRow, grain, (t0, t1) -> {
            double[] v = new double[Blocks.BLOCK], acc = new double[Blocks.BLOCK];
            long[] ridx = new long[redDims.length];
            for (long t = t0; t < t1; t++) {
                long orow = t / tilesPerRow, col = (t % tilesPerRow) * Blocks.BLOCK;
                int n = (int) Math.min(Blocks.BLOCK, row - col);
                long base = offsetOf(orow, keptDims, keptStrides) + col;
                Arrays.fill(acc, 0, n, kind.init);
                Arrays.fill(ridx, 0);
                long roff = 0;
                for (long r = 0; r < finalPerOut; r++) {
                    if (sumF32) {
                        long p = base + roff;
                        for (int j = 0; j < n; j++) acc[j] += is.getAtIndex(F32, p + j);
                    } else {
                        Blocks.load(is, it, base + roff, 1, v, n);
                        foldRows(kind, acc, v, n);
                    }
                    for (int q = redDims.length - 1; q >= 0; q--) {
                        roff += redStrides[q];
                        if (++ridx[q] < redDims[q]) break;
                        roff -= redDims[q] * redStrides[q];
                        ridx[q] = 0;
                    }
                }
                for (int j = 0; j < n; j++) acc[j] = finish(kind, acc[j], scale, sqrt);
                Blocks.store(os, ot, orow * row + col, acc, n, add);
            }
        });
    }

    private static long[] select(long[] a, boolean[] red, boolean which) {
        int c = 0;
        for (boolean b : red) if (b == which) c++;
        long[] r = new long[c];
        for (int i = 0, k = 0; i < red.length; i++) if (red[i] == which) r[k++] = a[i];
        return r;
    }

    /** Input offset of kept-index {@code o} (row-major over keptDims). */
    private static long offsetOf(long o, long[] keptDims, long[] keptStrides) {
        long off = 0;
        for (int i = keptDims.length - 1; i >= 0; i--) {
            off += (o % keptDims[i]) * keptStrides[i];
            o /= keptDims[i];
        }
        return off;
    }

    /**
     * Index of the maximum (or minimum) along the middle axis of an (outer, len, inner) view:
     * the first on ties, the first NaN if any (NumPy's rule).
     */
    static void argReduce(boolean max, Tensor in, long outer, long len, long inner, Tensor out, OpReq req) {
        if (Elementwise.skip(req, out)) return;
        MemorySegment is = in.segment(), os = out.segment();
        DType it = in.dtype(), ot = out.dtype();
        boolean add = req == OpReq.ADD;
        long total = outer * inner;
        CpuParallel.forRange(total, Math.max(1, Elementwise.GRAIN / Math.max(1, len)), (o0, o1) -> {
            double[] res = new double[Blocks.BLOCK];
            for (long o = o0; o < o1; o += Blocks.BLOCK) {
                int nb = (int) Math.min(Blocks.BLOCK, o1 - o);
                for (int b = 0; b < nb; b++) {
                    long a = (o + b) / inner, c = (o + b) % inner, base = a * len * inner + c;
                    long best = 0;
                    double bv = Elements.get(is, it, base);
                    for (long k = 1; k < len && !Double.isNaN(bv); k++) {
                        double x = Elements.get(is, it, base + k * inner);
                        if (Double.isNaN(x) || (max ? x > bv : x < bv)) { bv = x; best = k; }
                    }
                    res[b] = best;
                }
                Blocks.store(os, ot, o, res, nb, add);
            }
        });
    }
}
