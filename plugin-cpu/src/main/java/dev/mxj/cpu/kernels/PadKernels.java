package dev.mxj.cpu.kernels;

import dev.mxj.device.Elements;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.op.defs.ShapeMath;

import java.lang.foreign.MemorySegment;

/**
 * Pad and its gradient. Each axis maps an output coordinate to the input coordinate it copies
 * (edge: clamped, reflect: mirrored without repeating the border) or to -1 (constant). Rows of
 * the last axis copy their interior in one MemorySegment.copy.
 */
final class PadKernels {
    private PadKernels() {}

    /** Per axis, output coordinate to input coordinate, or -1 for constant padding. */
    static long[][] maps(Attrs a, Shape in) {
        long[] w = ShapeMath.padWidths(a, in);
        String mode = a.getString("mode");
        long[][] m = new long[in.ndim()][];
        for (int ax = 0; ax < in.ndim(); ax++) {
            long len = in.dim(ax), before = w[2 * ax];
            long[] map = new long[Math.toIntExact(len + before + w[2 * ax + 1])];
            for (int o = 0; o < map.length; o++) {
                long k = o - before;
                if (k < 0 || k >= len) {
                    k = switch (mode) {
                        case "edge" -> Math.min(Math.max(k, 0), len - 1);
                        case "reflect" -> reflect(k, len);
                        default -> -1;
                    };
                }
                map[o] = k;
            }
            m[ax] = map;
        }
        return m;
    }

    /** numpy's 'reflect': mirror about the border elements, which are not repeated. */
    private static long reflect(long k, long len) {
        if (len == 1) return 0;
        while (k < 0 || k >= len) k = k < 0 ? -k : 2 * (len - 1) - k;
        return k;
    }

    static void forward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Shape is = in[0].shape(), os = out[0].shape();
        long[][] maps = maps(a, is);
        int n = is.ndim(), es = in[0].dtype().byteSize();
        long bits = Strided.bitsOf(in[0].dtype(), a.getDouble("constant_value"));
        long[] istr = Strided.contiguous(is.dims()), od = os.dims();
        long before = ShapeMath.padWidths(a, is)[2 * n - 2], len = is.dim(n - 1), olen = os.dim(n - 1);
        long[] last = maps[n - 1];
        try (ReqOut o = ReqOut.of(out[0], req[0])) {
            if (o == null) return;
            if (os.size() == 0) return;
            MemorySegment src = in[0].segment(), dst = o.seg();
            long rows = os.size() / olen;
            CpuParallel.forRange(rows, Math.max(1, Strided.GRAIN_BYTES / (olen * es)), (from, to) -> {
                long[] idx = Strided.unravel(from, od, n - 1), noStrides = new long[n - 1];
                for (long row = from; row < to; row++) {
                    long base = rowBase(maps, idx, istr);
                    long d0 = row * olen;
                    if (base < 0) {
                        Strided.fill(dst, es, d0, olen, bits);
                    } else {
                        for (long j = 0; j < olen; j++) {
                            if (j == before) {  // the interior, contiguous in the input
                                MemorySegment.copy(src, base * es, dst, (d0 + j) * es, len * es);
                                j += len - 1;
                                continue;
                            }
                            long k = last[(int) j];
                            Strided.setBits(dst, es, d0 + j, k < 0 ? bits : Strided.getBits(src, es, base + k));
                        }
                    }
                    Strided.advance(idx, od, noStrides, n - 1, 0);
                }
            });
        }
    }

    static void backward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL) return;
        Tensor g = in[0];
        Shape is = out[0].shape(), gs = g.shape();
        long[][] maps = maps(a, is);
        int n = is.ndim();
        DType t = out[0].dtype();
        long[] istr = Strided.contiguous(is.dims()), gd = gs.dims();
        long[] last = maps[n - 1];
        long glen = gs.dim(n - 1), rows = glen == 0 ? 0 : gs.size() / glen;
        MemorySegment gseg = g.segment(), dst = out[0].segment();
        if (req[0] != OpReq.ADD) dst.fill((byte) 0);
        if (gs.size() == 0) return;
        long[] idx = new long[n - 1], noStrides = new long[n - 1];
        for (long row = 0; row < rows; row++) {
            long base = rowBase(maps, idx, istr);
            if (base >= 0) {
                for (long j = 0; j < glen; j++) {
                    long k = last[(int) j];
                    if (k < 0) continue;
                    long d = base + k, s = row * glen + j;
                    Elements.set(dst, t, d, Elements.get(dst, t, d) + Elements.get(gseg, t, s));
                }
            }
            Strided.advance(idx, gd, noStrides, n - 1, 0);
        }
    }

    /** Input offset of the row at output coordinates idx (all but the last axis), or -1 in constant padding. */
    private static long rowBase(long[][] maps, long[] idx, long[] istr) {
        long base = 0;
        for (int i = 0; i < idx.length; i++) {
            long k = maps[i][(int) idx[i]];
            if (k < 0) return -1;
            base += k * istr[i];
        }
        return base;
    }
}
