package dev.mxj.cpu.kernels;

import dev.mxj.device.Elements;
import dev.mxj.op.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Dtype-agnostic data movement on raw elements of 1, 2, 4 or 8 bytes: the engine behind
 * transpose, slice, reverse, broadcast, tile, repeat and friends, which are all "read the
 * input through a strided view". Contiguous runs move with MemorySegment.copy, transposes
 * go through a cache-blocked loop, and large work is split with {@link CpuParallel}.
 * Offsets and strides are in elements and may be negative (reversal) or zero (broadcast).
 */
final class Strided {
    private Strided() {}

    /** Bytes per parallel chunk: below this a kernel stays on the calling thread. */
    static final long GRAIN_BYTES = 1 << 16;
    /** Side of the square tiles of the blocked transpose (elements). */
    private static final int TILE = 32;

    // ------------------------------------------------------------------ raw elements

    static long getBits(MemorySegment s, int es, long i) {
        return switch (es) {
            case 4 -> s.getAtIndex(ValueLayout.JAVA_INT, i);
            case 8 -> s.getAtIndex(ValueLayout.JAVA_LONG, i);
            case 2 -> s.getAtIndex(ValueLayout.JAVA_SHORT, i);
            default -> s.get(ValueLayout.JAVA_BYTE, i);
        };
    }

    static void setBits(MemorySegment s, int es, long i, long bits) {
        switch (es) {
            case 4 -> s.setAtIndex(ValueLayout.JAVA_INT, i, (int) bits);
            case 8 -> s.setAtIndex(ValueLayout.JAVA_LONG, i, bits);
            case 2 -> s.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) bits);
            default -> s.set(ValueLayout.JAVA_BYTE, i, (byte) bits);
        }
    }

    /** The bit pattern of {@code v} stored as dtype {@code t} (C-cast conversion). */
    static long bitsOf(DType t, double v) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(8, 8);
            Elements.set(s, t, 0, v);
            return getBits(s, t.byteSize(), 0);
        }
    }

    /** Fill elements [from, from + n) with one bit pattern. */
    static void fill(MemorySegment s, int es, long from, long n, long bits) {
        if (n <= 0) return;
        if (bits == 0) {
            s.asSlice(from * es, n * es).fill((byte) 0);
            return;
        }
        switch (es) {
            case 4 -> { int v = (int) bits; for (long i = from, e = from + n; i < e; i++) s.setAtIndex(ValueLayout.JAVA_INT, i, v); }
            case 8 -> { for (long i = from, e = from + n; i < e; i++) s.setAtIndex(ValueLayout.JAVA_LONG, i, bits); }
            default -> { for (long i = from, e = from + n; i < e; i++) setBits(s, es, i, bits); }
        }
    }

    /** Copy n contiguous elements, in parallel chunks when large. */
    static void copy(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long n, int es) {
        if (n <= 0) return;
        if (src.isNative() && dst.isNative() && src.address() + srcOff * es == dst.address() + dstOff * es) return;  // in place
        long chunk = Math.max(1, (1L << 22) / es);
        if (n <= chunk) {
            MemorySegment.copy(src, srcOff * es, dst, dstOff * es, n * es);
            return;
        }
        CpuParallel.forRange((n + chunk - 1) / chunk, 1, (a, b) -> {
            for (long c = a; c < b; c++) {
                long from = c * chunk, len = Math.min(chunk, n - from);
                MemorySegment.copy(src, (srcOff + from) * es, dst, (dstOff + from) * es, len * es);
            }
        });
    }

    // ------------------------------------------------------------------ strided views

    /** dims/strides with size-1 axes dropped and axes merged where the view is contiguous across them. */
    private record View(long[] dims, long[] strides) {
        long size() { long s = 1; for (long d : dims) s *= d; return s; }
    }

    private static View simplify(long[] dims, long[] strides) {
        long[] d = new long[dims.length], s = new long[dims.length];
        int n = 0;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 1) continue;
            if (n > 0 && s[n - 1] == strides[i] * dims[i]) {
                d[n - 1] *= dims[i];
                s[n - 1] = strides[i];
            } else {
                d[n] = dims[i];
                s[n] = strides[i];
                n++;
            }
        }
        return new View(Arrays.copyOf(d, n), Arrays.copyOf(s, n));
    }

    /**
     * dst[dstOff + k] = src[srcOff + index(k)] for the row-major enumeration k of {@code dims},
     * where index sums coordinate * stride over the axes.
     */
    static void gather(MemorySegment src, long srcOff, long[] dims, long[] strides, MemorySegment dst, long dstOff, int es) {
        for (long d : dims) if (d == 0) return;
        View v = simplify(dims, strides);
        int r = v.dims.length;
        if (r == 0) {
            setBits(dst, es, dstOff, getBits(src, es, srcOff));
            return;
        }
        long len = v.dims[r - 1], last = v.strides[r - 1], rows = v.size() / len;
        if (r == 1 && last == 1) {
            copy(src, srcOff, dst, dstOff, len, es);
            return;
        }
        int unit = -1;
        for (int i = 0; i < r - 1; i++) if (v.strides[i] == 1) unit = i;
        if (last != 1 && last != 0 && unit >= 0 && v.dims[unit] >= 4 && len >= 4) {
            transposeTiles(src, srcOff, v, unit, dst, dstOff, es);
            return;
        }
        long grain = Math.max(1, GRAIN_BYTES / (len * es));
        CpuParallel.forRange(rows, grain, (from, to) -> {
            long[] idx = unravel(from, v.dims, r - 1);
            long off = srcOff + dot(idx, v.strides);
            for (long row = from; row < to; row++) {
                long d0 = dstOff + row * len;
                if (last == 1) MemorySegment.copy(src, off * es, dst, d0 * es, len * es);
                else if (last == 0) fill(dst, es, d0, len, getBits(src, es, off));
                else for (long k = 0; k < len; k++) setBits(dst, es, d0 + k, getBits(src, es, off + k * last));
                off = advance(idx, v.dims, v.strides, r - 1, off);
            }
        });
    }

    /**
     * Transpose-like gather where a non-innermost output axis {@code unit} reads contiguous input:
     * walk square tiles of (unit, last) so both the reads and the writes of a tile stay in cache.
     */
    private static void transposeTiles(MemorySegment src, long srcOff, View v, int unit, MemorySegment dst, long dstOff, int es) {
        int r = v.dims.length;
        long[] ostr = new long[r];
        ostr[r - 1] = 1;
        for (int i = r - 2; i >= 0; i--) ostr[i] = ostr[i + 1] * v.dims[i + 1];
        // outer axes: everything but unit and last
        int no = r - 2;
        long[] odims = new long[no], ostrSrc = new long[no], ostrDst = new long[no];
        for (int i = 0, j = 0; i < r - 1; i++) {
            if (i == unit) continue;
            odims[j] = v.dims[i];
            ostrSrc[j] = v.strides[i];
            ostrDst[j++] = ostr[i];
        }
        long outer = 1;
        for (long d : odims) outer *= d;
        long p = v.dims[unit], l = v.dims[r - 1], ls = v.strides[r - 1], pd = ostr[unit];
        long pTiles = (p + TILE - 1) / TILE, lTiles = (l + TILE - 1) / TILE;
        long tiles = outer * pTiles * lTiles;
        long grain = Math.max(1, GRAIN_BYTES / ((long) TILE * TILE * es));
        CpuParallel.forRange(tiles, grain, (from, to) -> {
            long[] idx = new long[no];
            for (long t = from; t < to; t++) {
                long o = t / (pTiles * lTiles), rem = t % (pTiles * lTiles);
                long i0 = (rem / lTiles) * TILE, j0 = (rem % lTiles) * TILE;
                long q = o;
                for (int k = no - 1; k >= 0; k--) { idx[k] = q % odims[k]; q /= odims[k]; }
                long sb = srcOff + dot(idx, ostrSrc), db = dstOff + dot(idx, ostrDst);
                long i1 = Math.min(p, i0 + TILE), j1 = Math.min(l, j0 + TILE);
                if (es == 4) {
                    for (long i = i0; i < i1; i++) {
                        long s = sb + i, d = db + i * pd;
                        for (long j = j0; j < j1; j++) dst.setAtIndex(ValueLayout.JAVA_INT, d + j, src.getAtIndex(ValueLayout.JAVA_INT, s + j * ls));
                    }
                } else {
                    for (long i = i0; i < i1; i++) {
                        long s = sb + i, d = db + i * pd;
                        for (long j = j0; j < j1; j++) setBits(dst, es, d + j, getBits(src, es, s + j * ls));
                    }
                }
            }
        });
    }

    /**
     * dst[dstOff + index(k)] += src[k] over the row-major enumeration k of {@code dims} (the
     * adjoint of {@link #gather}): the backward of every strided view. Zero strides accumulate.
     */
    static void scatterAdd(MemorySegment src, long[] dims, MemorySegment dst, long dstOff, long[] strides, DType t) {
        for (long d : dims) if (d == 0) return;
        View v = simplify(dims, strides);
        int r = v.dims.length;
        if (r == 0) {
            Elements.set(dst, t, dstOff, Elements.get(dst, t, dstOff) + Elements.get(src, t, 0));
            return;
        }
        long len = v.dims[r - 1], last = v.strides[r - 1], rows = v.size() / len;
        boolean disjoint = true;
        for (long s : v.strides) if (s == 0) disjoint = false;
        long grain = disjoint ? Math.max(1, GRAIN_BYTES / (len * t.byteSize())) : Long.MAX_VALUE;
        CpuParallel.forRange(rows, grain, (from, to) -> {
            long[] idx = unravel(from, v.dims, r - 1);
            long off = dstOff + dot(idx, v.strides);
            for (long row = from; row < to; row++) {
                addRun(dst, off, last, src, row * len, len, t);
                off = advance(idx, v.dims, v.strides, r - 1, off);
            }
        });
    }

    /**
     * dst[dstOff + index(k)] = src[k] over the row-major enumeration k of {@code dims}, or the bit
     * pattern {@code fillBits} when src is null (slice assignment). Strides must not alias.
     */
    static void scatter(MemorySegment src, long fillBits, long[] dims, MemorySegment dst, long dstOff, long[] strides, int es) {
        for (long d : dims) if (d == 0) return;
        View v = simplify(dims, strides);
        int r = v.dims.length;
        if (r == 0) {
            setBits(dst, es, dstOff, src == null ? fillBits : getBits(src, es, 0));
            return;
        }
        long len = v.dims[r - 1], last = v.strides[r - 1], rows = v.size() / len;
        CpuParallel.forRange(rows, Math.max(1, GRAIN_BYTES / (len * es)), (from, to) -> {
            long[] idx = unravel(from, v.dims, r - 1);
            long off = dstOff + dot(idx, v.strides);
            for (long row = from; row < to; row++) {
                long s0 = row * len;
                if (src == null && last == 1) fill(dst, es, off, len, fillBits);
                else if (last == 1) MemorySegment.copy(src, s0 * es, dst, off * es, len * es);
                else for (long k = 0; k < len; k++) setBits(dst, es, off + k * last, src == null ? fillBits : getBits(src, es, s0 + k));
                off = advance(idx, v.dims, v.strides, r - 1, off);
            }
        });
    }

    /** dst[dOff + k * dStride] += src[sOff + k] for k < n. */
    static void addRun(MemorySegment dst, long dOff, long dStride, MemorySegment src, long sOff, long n, DType t) {
        switch (t) {
            case FLOAT32 -> {
                if (dStride == 0) {
                    float acc = dst.getAtIndex(ValueLayout.JAVA_FLOAT, dOff);
                    for (long k = 0; k < n; k++) acc += src.getAtIndex(ValueLayout.JAVA_FLOAT, sOff + k);
                    dst.setAtIndex(ValueLayout.JAVA_FLOAT, dOff, acc);
                } else {
                    for (long k = 0; k < n; k++) {
                        long d = dOff + k * dStride;
                        dst.setAtIndex(ValueLayout.JAVA_FLOAT, d, dst.getAtIndex(ValueLayout.JAVA_FLOAT, d) + src.getAtIndex(ValueLayout.JAVA_FLOAT, sOff + k));
                    }
                }
            }
            case FLOAT64 -> {
                for (long k = 0; k < n; k++) {
                    long d = dOff + k * dStride;
                    dst.setAtIndex(ValueLayout.JAVA_DOUBLE, d, dst.getAtIndex(ValueLayout.JAVA_DOUBLE, d) + src.getAtIndex(ValueLayout.JAVA_DOUBLE, sOff + k));
                }
            }
            case INT64 -> {
                for (long k = 0; k < n; k++) {
                    long d = dOff + k * dStride;
                    dst.setAtIndex(ValueLayout.JAVA_LONG, d, dst.getAtIndex(ValueLayout.JAVA_LONG, d) + src.getAtIndex(ValueLayout.JAVA_LONG, sOff + k));
                }
            }
            default -> {
                for (long k = 0; k < n; k++) {
                    long d = dOff + k * dStride;
                    Elements.set(dst, t, d, Elements.get(dst, t, d) + Elements.get(src, t, sOff + k));
                }
            }
        }
    }

    // ------------------------------------------------------------------ index helpers

    /** Row-major (contiguous) strides of dims, in elements. */
    static long[] contiguous(long[] dims) {
        long[] s = new long[dims.length];
        long acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) { s[i] = acc; acc *= dims[i]; }
        return s;
    }

    /** Coordinates of flat index {@code flat} over the first {@code n} dims. */
    static long[] unravel(long flat, long[] dims, int n) {
        long[] idx = new long[n];
        for (int i = n - 1; i >= 0; i--) { idx[i] = flat % dims[i]; flat /= dims[i]; }
        return idx;
    }

    static long dot(long[] idx, long[] strides) {
        long s = 0;
        for (int i = 0; i < idx.length; i++) s += idx[i] * strides[i];
        return s;
    }

    /** Odometer step over the first n dims; returns the offset moved by the strides. */
    static long advance(long[] idx, long[] dims, long[] strides, int n, long off) {
        for (int i = n - 1; i >= 0; i--) {
            if (++idx[i] < dims[i]) return off + strides[i];
            idx[i] = 0;
            off -= (dims[i] - 1) * strides[i];
        }
        return off;
    }
}
