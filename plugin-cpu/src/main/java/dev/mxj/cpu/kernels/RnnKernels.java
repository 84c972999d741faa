package dev.mxj.cpu.kernels;

import dev.mxj.device.Elements;
import dev.mxj.device.KernelTable;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.defs.RnnOps;
import dev.mxj.op.defs.RnnOps.Geometry;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * CPU kernels of RNN and _backward_RNN. Per layer and direction, the input projection of all
 * steps is one GEMM (T*N, C) x (C, G*H); each step then multiplies the previous hidden state
 * by the recurrent weights (one GEMM) and applies the gates element-wise. The backward pass
 * recomputes the forward activations, walks the steps in reverse (one GEMM per step for the
 * hidden-state gradient), and forms the weight gradients and the input gradient as three
 * large GEMMs over all steps. GEMMs go through {@link Gemm} (OpenBLAS); float32 computes in
 * float32, float64 in float64, float16 converts to float32.
 */
final class RnnKernels {
    private RnnKernels() {}

    /**
     * Gate values per thread before a step's element-wise work is split: a step runs between
     * two small GEMMs, so waking pool threads (20-25 us) pays only for large batches.
     */
    private static final long STEP_GRAIN = 1 << 15;

    static void register(KernelTable t) {
        t.add("RNN", RnnKernels::forward);
        t.add("_backward_RNN", RnnKernels::backward);
    }

    /** A work array in the compute dtype, viewed through double. */
    static final class Buf {
        final MemorySegment s;
        final boolean f64;

        Buf(MemorySegment s, boolean f64) {
            this.s = s;
            this.f64 = f64;
        }

        double get(long i) { return f64 ? s.getAtIndex(ValueLayout.JAVA_DOUBLE, i) : s.getAtIndex(ValueLayout.JAVA_FLOAT, i); }

        void set(long i, double v) {
            if (f64) s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, v);
            else s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) v);
        }

        void add(long i, double v) { set(i, get(i) + v); }

        void zero() { s.fill((byte) 0); }
    }

    /** Work arrays carved from one temp-space block: sizes are declared first, then allocated at once. */
    private static final class Scratch {
        private final List<Long> sizes = new ArrayList<>();
        private final boolean f64;
        private Buf[] bufs;

        Scratch(boolean f64) { this.f64 = f64; }

        int add(long elements) {
            sizes.add(elements);
            return sizes.size() - 1;
        }

        void allocate(OpContext ctx) {
            int es = f64 ? 8 : 4;
            long total = 0;
            for (long n : sizes) total += align(n * es);
            MemorySegment seg = ctx.tempSpace(Math.max(64, total)).hostSegment();
            bufs = new Buf[sizes.size()];
            long pos = 0;
            for (int i = 0; i < bufs.length; i++) {
                long b = sizes.get(i) * es;
                bufs[i] = new Buf(seg.asSlice(pos, b), f64);
                pos += align(b);
            }
        }

        Buf get(int i) { return i < 0 ? null : bufs[i]; }

        private static long align(long b) { return (b + 63) & ~63L; }
    }

    /** One call's data: inputs as work arrays, the geometry and options. */
    private static final class Rnn {
        final Geometry g;
        final boolean f64, lstm, gru, relu, clip, clipNan;
        final double clipLo, clipHi;
        final DType w;
        final long T, N, H, GH, DH;
        final int L, D;
        final int[] len;      // valid lengths, or null
        Buf x, p, hx, cx;

        Rnn(Attrs a, Tensor data, Tensor seqLen) {
            g = Geometry.of(a, data.shape());
            f64 = data.dtype() == DType.FLOAT64;
            w = f64 ? DType.FLOAT64 : DType.FLOAT32;
            lstm = g.lstm();
            gru = g.gru();
            relu = g.mode().equals("rnn_relu");
            clip = a.has("lstm_state_clip_min");
            clipLo = clip ? a.getDouble("lstm_state_clip_min") : 0;
            clipHi = clip ? a.getDouble("lstm_state_clip_max") : 0;
            clipNan = a.getBool("lstm_state_clip_nan");
            T = g.steps();
            N = g.batch();
            H = g.hidden();
            GH = g.gateRows();
            DH = g.dirs() * H;
            L = g.layers();
            D = g.dirs();
            len = seqLen == null ? null : lengths(seqLen, T);
        }

        boolean active(long t, long n) { return len == null || t < len[(int) n]; }

        /** LSTM cell-state clipping (cuDNN's): NaN propagates unless lstm_state_clip_nan. */
        double clipCell(double c) {
            if (!clip) return c;
            if (Double.isNaN(c)) return clipNan ? clipLo : c;
            return Math.max(clipLo, Math.min(clipHi, c));
        }

        boolean clipped(double c) { return clip && (c < clipLo || c > clipHi || Double.isNaN(c)); }
    }

    private static int[] lengths(Tensor t, long steps) {
        int n = (int) t.size();
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            long v = Elements.getLong(t.segment(), t.dtype(), i);
            if (v < 0 || v > steps) {
                throw new IllegalArgumentException("Operator RNN: sequence_length[" + i + "] = " + v + " is outside [0, " + steps + "]");
            }
            l[i] = (int) v;
        }
        return l;
    }

    /** An input as a work array: the tensor's own memory when its dtype is the compute dtype, else a converted copy. */
    private static int declareInput(Scratch s, Tensor t, DType w) { return t.dtype() == w ? -1 : s.add(t.size()); }

    private static Buf input(Scratch s, int slot, Tensor t, boolean f64) {
        if (slot < 0) return new Buf(t.segment(), f64);
        Buf b = s.get(slot);
        for (long i = 0; i < t.size(); i++) b.set(i, Elements.get(t.segment(), t.dtype(), i));
        return b;
    }

    /** Write {@code n} work values to an output under its OpReq, converting to its dtype. */
    private static void write(Buf src, long from, Tensor dst, OpReq req) {
        if (req == OpReq.NULL) return;
        MemorySegment d = dst.segment();
        DType t = dst.dtype();
        long n = dst.size();
        boolean add = req == OpReq.ADD;
        if (t == DType.FLOAT32) {
            for (long i = 0; i < n; i++) {
                float v = (float) src.get(from + i);
                d.setAtIndex(ValueLayout.JAVA_FLOAT, i, add ? d.getAtIndex(ValueLayout.JAVA_FLOAT, i) + v : v);
            }
        } else {
            for (long i = 0; i < n; i++) Elements.set(d, t, i, (add ? Elements.get(d, t, i) : 0) + src.get(from + i));
        }
    }

    private static double sigmoid(double x) { return 1 / (1 + Math.exp(-x)); }

    /** Activations kept by a recording forward pass, per layer and direction (index l * D + d). */
    private static final class Record {
        Buf[] gates, hprev, cell, cprev, hn;
    }

    /** The buffers of a forward pass. */
    private static final class Fwd {
        Buf[] ys;            // layer outputs (after dropout for all but the last)
        Buf xw, hw, h0, h1, c0, c1, hy, cy, mask;
        Record rec;
    }

    /**
     * Declare a forward pass's buffers in {@code slots}, in the order {@link #bindForward} reads
     * them: layer outputs (all L when recording, else two used in turn), xw, hw, h0, h1, c0, c1,
     * hy, cy, the dropout mask, then per layer and direction the recorded activations.
     */
    private static void declareForward(Scratch s, Rnn r, boolean record, boolean maskOwned, int[] slots) {
        int k = 0;
        int nys = record ? r.L : Math.min(r.L, 2);
        for (int i = 0; i < nys; i++) slots[k++] = s.add(r.T * r.N * r.DH);
        slots[k++] = s.add(r.T * r.N * r.GH);
        slots[k++] = s.add(r.N * r.GH);
        slots[k++] = s.add(r.N * r.H);
        slots[k++] = s.add(r.N * r.H);
        slots[k++] = r.lstm ? s.add(r.N * r.H) : -1;
        slots[k++] = r.lstm ? s.add(r.N * r.H) : -1;
        slots[k++] = s.add((long) r.L * r.D * r.N * r.H);
        slots[k++] = r.lstm ? s.add((long) r.L * r.D * r.N * r.H) : -1;
        slots[k++] = maskOwned ? s.add((r.L - 1L) * r.T * r.N * r.DH) : -1;
        if (record) {
            for (int i = 0; i < r.L * r.D; i++) {
                slots[k++] = s.add(r.T * r.N * r.GH);
                slots[k++] = s.add(r.T * r.N * r.H);
                slots[k++] = r.lstm ? s.add(r.T * r.N * r.H) : -1;
                slots[k++] = r.lstm ? s.add(r.T * r.N * r.H) : -1;
                slots[k++] = r.gru ? s.add(r.T * r.N * r.H) : -1;
            }
        }
    }

    private static Fwd bindForward(Scratch s, Rnn r, boolean record, int[] slots) {
        Fwd f = new Fwd();
        int k = 0;
        int nys = record ? r.L : Math.min(r.L, 2);
        f.ys = new Buf[nys];
        for (int i = 0; i < nys; i++) f.ys[i] = s.get(slots[k++]);
        f.xw = s.get(slots[k++]);
        f.hw = s.get(slots[k++]);
        f.h0 = s.get(slots[k++]);
        f.h1 = s.get(slots[k++]);
        f.c0 = s.get(slots[k++]);
        f.c1 = s.get(slots[k++]);
        f.hy = s.get(slots[k++]);
        f.cy = s.get(slots[k++]);
        f.mask = s.get(slots[k++]);
        if (record) {
            Record rec = new Record();
            int n = r.L * r.D;
            rec.gates = new Buf[n];
            rec.hprev = new Buf[n];
            rec.cell = new Buf[n];
            rec.cprev = new Buf[n];
            rec.hn = new Buf[n];
            for (int i = 0; i < n; i++) {
                rec.gates[i] = s.get(slots[k++]);
                rec.hprev[i] = s.get(slots[k++]);
                rec.cell[i] = s.get(slots[k++]);
                rec.cprev[i] = s.get(slots[k++]);
                rec.hn[i] = s.get(slots[k++]);
            }
            f.rec = rec;
        }
        return f;
    }

    private static int slotCount(Rnn r, boolean record) { return Math.min(r.L, record ? r.L : 2) + 9 + (record ? 5 * r.L * r.D : 0); }

    /**
     * The forward pass. {@code mask}: the dropout scales to apply between layers (a
     * _backward_RNN input), or null to draw them ({@code rng}, training) or use none.
     */
    private static void runForward(Rnn r, Fwd f, Buf mask, RandomGenerator rng, double p) {
        Geometry g = r.g;
        long tnh = r.T * r.N * r.DH;
        for (int l = 0; l < r.L; l++) {
            Buf x = l == 0 ? r.x : f.ys[(l - 1) % f.ys.length];
            Buf y = f.ys[l % f.ys.length];
            for (int d = 0; d < r.D; d++) layerForward(r, f, l, d, x, y);
            if (l < r.L - 1) {
                if (mask != null) {
                    for (long j = 0; j < tnh; j++) y.set(j, y.get(j) * mask.get(l * tnh + j));
                } else if (f.mask != null) {
                    double keep = 1 / (1 - p);
                    for (long j = 0; j < tnh; j++) {
                        double m = rng == null ? 1 : rng.nextFloat() < p ? 0 : keep;
                        f.mask.set(l * tnh + j, m);
                        if (m != 1) y.set(j, y.get(j) * m);
                    }
                }
            }
        }
    }

    /** One layer and direction: the input projection as one GEMM, then the steps in order. */
    private static void layerForward(Rnn r, Fwd f, int l, int d, Buf x, Buf y) {
        Geometry g = r.g;
        long T = r.T, N = r.N, H = r.H, GH = r.GH, DH = r.DH, in = g.layerInput(l);
        int idx = l * r.D + d;
        Buf p = r.p;
        long bx = g.bxOffset(l, d), bh = g.bhOffset(l, d), wh = g.whOffset(l, d);
        Gemm.gemm(r.w, false, true, T * N, GH, in, x.s, 0, p.s, g.wxOffset(l, d), f.xw.s, 0, false);
        Buf h = f.h0, hNext = f.h1, c = f.c0, cNext = f.c1;
        long so = (long) idx * N * H;
        for (long i = 0; i < N * H; i++) {
            h.set(i, r.hx.get(so + i));
            if (r.lstm) c.set(i, r.cx.get(so + i));
        }
        Record rec = f.rec;
        for (long s = 0; s < T; s++) {
            long t = d == 0 ? s : T - 1 - s;
            Gemm.gemm(r.w, false, true, N, GH, H, h.s, 0, p.s, wh, f.hw.s, 0, false);
            final Buf hp = h, hn = hNext, cp = c, cn = cNext;
            CpuParallel.forRange(N, STEP_GRAIN / Math.max(1, GH) + 1, (n0, n1) -> {
                for (long n = n0; n < n1; n++) {
                    long row = t * N + n, xo = row * GH, ho = n * GH;
                    boolean on = r.active(t, n);
                    for (long k = 0; k < H; k++) {
                        long nk = n * H + k, rk = row * H + k;
                        double hPrev = hp.get(nk), out;
                        if (rec != null) rec.hprev[idx].set(rk, hPrev);
                        if (!on) {
                            hn.set(nk, hPrev);
                            if (r.lstm) {
                                cn.set(nk, cp.get(nk));
                                if (rec != null) { rec.cell[idx].set(rk, cp.get(nk)); rec.cprev[idx].set(rk, cp.get(nk)); }
                            }
                            if (rec != null) for (int q = 0; q < r.g.gates(); q++) rec.gates[idx].set(xo + q * H + k, 0);
                            if (r.gru && rec != null) rec.hn[idx].set(rk, 0);
                            y.set(row * DH + d * H + k, 0);
                            continue;
                        }
                        if (r.lstm) {
                            double gi = sigmoid(f.xw.get(xo + k) + p.get(bx + k) + f.hw.get(ho + k) + p.get(bh + k));
                            double gf = sigmoid(f.xw.get(xo + H + k) + p.get(bx + H + k) + f.hw.get(ho + H + k) + p.get(bh + H + k));
                            double gg = Math.tanh(f.xw.get(xo + 2 * H + k) + p.get(bx + 2 * H + k) + f.hw.get(ho + 2 * H + k) + p.get(bh + 2 * H + k));
                            double go = sigmoid(f.xw.get(xo + 3 * H + k) + p.get(bx + 3 * H + k) + f.hw.get(ho + 3 * H + k) + p.get(bh + 3 * H + k));
                            double cPrev = cp.get(nk), cu = gf * cPrev + gi * gg, cc = r.clipCell(cu);
                            out = go * Math.tanh(cc);
                            cn.set(nk, cc);
                            if (rec != null) {
                                Buf gb = rec.gates[idx];
                                gb.set(xo + k, gi);
                                gb.set(xo + H + k, gf);
                                gb.set(xo + 2 * H + k, gg);
                                gb.set(xo + 3 * H + k, go);
                                rec.cell[idx].set(rk, cu);
                                rec.cprev[idx].set(rk, cPrev);
                            }
                        } else if (r.gru) {
                            double gr = sigmoid(f.xw.get(xo + k) + p.get(bx + k) + f.hw.get(ho + k) + p.get(bh + k));
                            double gz = sigmoid(f.xw.get(xo + H + k) + p.get(bx + H + k) + f.hw.get(ho + H + k) + p.get(bh + H + k));
                            double hh = f.hw.get(ho + 2 * H + k) + p.get(bh + 2 * H + k);
                            double gn = Math.tanh(f.xw.get(xo + 2 * H + k) + p.get(bx + 2 * H + k) + gr * hh);
                            out = (1 - gz) * gn + gz * hPrev;
                            if (rec != null) {
                                Buf gb = rec.gates[idx];
                                gb.set(xo + k, gr);
                                gb.set(xo + H + k, gz);
                                gb.set(xo + 2 * H + k, gn);
                                rec.hn[idx].set(rk, hh);
                            }
                        } else {
                            double a = f.xw.get(xo + k) + p.get(bx + k) + f.hw.get(ho + k) + p.get(bh + k);
                            out = r.relu ? (a > 0 ? a : 0) : Math.tanh(a);
                            if (rec != null) rec.gates[idx].set(xo + k, out);
                        }
                        hn.set(nk, out);
                        y.set(row * DH + d * H + k, out);
                    }
                }
            });
            Buf tmp = h; h = hNext; hNext = tmp;
            tmp = c; c = cNext; cNext = tmp;
        }
        for (long i = 0; i < N * H; i++) {
            f.hy.set(so + i, h.get(i));
            if (r.lstm) f.cy.set(so + i, c.get(i));
        }
    }

    // ------------------------------------------------------------------ RNN

    private static void forward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        int sl = RnnOps.seqLenIndex(a);
        Rnn r = new Rnn(a, in[0], sl >= 0 ? in[sl] : null);
        Scratch s = new Scratch(r.f64);
        int[] inSlots = {declareInput(s, in[0], r.w), declareInput(s, in[1], r.w), declareInput(s, in[2], r.w), r.lstm ? declareInput(s, in[3], r.w) : -1};
        boolean hasMask = RnnOps.hasMask(a);
        int[] slots = new int[slotCount(r, false)];
        declareForward(s, r, false, hasMask, slots);
        s.allocate(ctx);
        bind(r, s, in, inSlots);
        Fwd f = bindForward(s, r, false, slots);
        double p = a.getDouble("p");
        runForward(r, f, null, hasMask && ctx.isTrain() ? ctx.random() : null, p);
        write(f.ys[(r.L - 1) % f.ys.length], 0, out[0], req[0]);
        int k = 1;
        if (a.getBool("state_outputs")) {
            write(f.hy, 0, out[k], req[k]);
            k++;
            if (r.lstm) {
                write(f.cy, 0, out[k], req[k]);
                k++;
            }
        }
        if (hasMask) write(f.mask, 0, out[k], req[k]);
    }

    private static void bind(Rnn r, Scratch s, Tensor[] in, int[] inSlots) {
        r.x = input(s, inSlots[0], in[0], r.f64);
        r.p = input(s, inSlots[1], in[1], r.f64);
        r.hx = input(s, inSlots[2], in[2], r.f64);
        r.cx = r.lstm ? input(s, inSlots[3], in[3], r.f64) : null;
    }

    // ------------------------------------------------------------------ _backward_RNN

    private static void backward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        int sl = RnnOps.seqLenIndex(a);
        Rnn r = new Rnn(a, in[0], sl >= 0 ? in[sl] : null);
        boolean hasMask = RnnOps.hasMask(a), states = a.getBool("state_outputs");
        int k = r.lstm ? 4 : 3;
        if (sl >= 0) k++;
        Tensor maskT = hasMask ? in[k++] : null, dyT = in[k++];
        Tensor dhyT = states ? in[k++] : null, dcyT = states && r.lstm ? in[k] : null;

        Scratch s = new Scratch(r.f64);
        int[] inSlots = {declareInput(s, in[0], r.w), declareInput(s, in[1], r.w), declareInput(s, in[2], r.w), r.lstm ? declareInput(s, in[3], r.w) : -1};
        int maskSlot = maskT == null ? -1 : declareInput(s, maskT, r.w);
        int dySlot = declareInput(s, dyT, r.w);
        int dhySlot = dhyT == null ? -1 : declareInput(s, dhyT, r.w), dcySlot = dcyT == null ? -1 : declareInput(s, dcyT, r.w);
        int[] slots = new int[slotCount(r, true)];
        declareForward(s, r, true, false, slots);
        long tn = r.T * r.N, lds = (long) r.L * r.D * r.N * r.H;
        int dP = s.add(r.g.paramSize()), dX0 = s.add(tn * r.g.inputSize()), dHx = s.add(lds), dCx = r.lstm ? s.add(lds) : -1;
        int dYa = s.add(tn * r.DH), dYb = s.add(tn * r.DH);
        int dAx = s.add(tn * r.GH), dAh = r.gru ? s.add(tn * r.GH) : -1;
        int dh = s.add(r.N * r.H), direct = s.add(r.N * r.H), dc = r.lstm ? s.add(r.N * r.H) : -1;
        s.allocate(ctx);
        bind(r, s, in, inSlots);
        Fwd f = bindForward(s, r, true, slots);
        Buf mask = maskT == null ? null : input(s, maskSlot, maskT, r.f64);
        runForward(r, f, mask, null, 0);

        Bwd b = new Bwd();
        b.dP = s.get(dP);
        b.dP.zero();
        b.dHx = s.get(dHx);
        b.dCx = s.get(dCx);
        b.dAx = s.get(dAx);
        b.dAh = r.gru ? s.get(dAh) : b.dAx;
        b.dh = s.get(dh);
        b.direct = s.get(direct);
        b.dc = s.get(dc);
        b.dhy = dhyT == null ? null : input(s, dhySlot, dhyT, r.f64);
        b.dcy = dcyT == null ? null : input(s, dcySlot, dcyT, r.f64);
        Buf dY = s.get(dYa), spare = s.get(dYb), dyIn = input(s, dySlot, dyT, r.f64);
        for (long j = 0; j < tn * r.DH; j++) dY.set(j, dyIn.get(j));
        long tnh = tn * r.DH;
        for (int l = r.L - 1; l >= 0; l--) {
            Buf x = l == 0 ? r.x : f.ys[l - 1];
            Buf dX = l == 0 ? s.get(dX0) : spare;
            for (int d = 0; d < r.D; d++) layerBackward(r, f, b, l, d, x, dY, dX);
            if (l > 0) {
                if (mask != null) for (long j = 0; j < tnh; j++) dX.set(j, dX.get(j) * mask.get((l - 1) * tnh + j));
                spare = dY;
                dY = dX;
            }
        }
        write(s.get(dX0), 0, out[0], req[0]);
        write(b.dP, 0, out[1], req[1]);
        write(b.dHx, 0, out[2], req[2]);
        if (r.lstm) write(b.dCx, 0, out[3], req[3]);
    }

    /** Buffers of the backward pass. */
    private static final class Bwd {
        Buf dP, dHx, dCx, dAx, dAh, dh, direct, dc, dhy, dcy;
    }

    /**
     * One layer and direction in reverse: per step, the gate gradients (dA) from the recorded
     * activations, then dh_(t-1) = dA_h W_h (+ GRU's direct z path); afterwards dW_x = dA_x^T X,
     * dW_h = dA_h^T H_prev, the bias sums and dX (+)= dA_x W_x.
     */
    private static void layerBackward(Rnn r, Fwd f, Bwd b, int l, int d, Buf x, Buf dY, Buf dX) {
        Geometry g = r.g;
        long T = r.T, N = r.N, H = r.H, GH = r.GH, DH = r.DH, in = g.layerInput(l);
        int idx = l * r.D + d;
        long so = (long) idx * N * H;
        Record rec = f.rec;
        Buf dh = b.dh, direct = b.direct, dc = b.dc;
        for (long i = 0; i < N * H; i++) {
            dh.set(i, b.dhy == null ? 0 : b.dhy.get(so + i));
            if (r.lstm) dc.set(i, b.dcy == null ? 0 : b.dcy.get(so + i));
        }
        Buf gates = rec.gates[idx];
        for (long s = T - 1; s >= 0; s--) {
            long t = d == 0 ? s : T - 1 - s;
            final Buf dhc = dh, dir = direct;
            CpuParallel.forRange(N, STEP_GRAIN / Math.max(1, GH) + 1, (n0, n1) -> {
                for (long n = n0; n < n1; n++) {
                    long row = t * N + n, xo = row * GH;
                    boolean on = r.active(t, n);
                    for (long k = 0; k < H; k++) {
                        long nk = n * H + k, rk = row * H + k;
                        if (!on) {
                            for (int q = 0; q < g.gates(); q++) {
                                b.dAx.set(xo + q * H + k, 0);
                                if (r.gru) b.dAh.set(xo + q * H + k, 0);
                            }
                            dir.set(nk, dhc.get(nk));  // the state passes through unchanged (dc too)
                            continue;
                        }
                        double dht = dY.get(row * DH + d * H + k) + dhc.get(nk);
                        if (r.lstm) {
                            double gi = gates.get(xo + k), gf = gates.get(xo + H + k), gg = gates.get(xo + 2 * H + k), go = gates.get(xo + 3 * H + k);
                            double cu = rec.cell[idx].get(rk), cc = r.clipCell(cu), tc = Math.tanh(cc);
                            double dcc = dc.get(nk) + dht * go * (1 - tc * tc);
                            double dcu = r.clipped(cu) ? 0 : dcc;
                            b.dAx.set(xo + k, dcu * gg * gi * (1 - gi));
                            b.dAx.set(xo + H + k, dcu * rec.cprev[idx].get(rk) * gf * (1 - gf));
                            b.dAx.set(xo + 2 * H + k, dcu * gi * (1 - gg * gg));
                            b.dAx.set(xo + 3 * H + k, dht * tc * go * (1 - go));
                            dc.set(nk, dcu * gf);
                            dir.set(nk, 0);
                        } else if (r.gru) {
                            double gr = gates.get(xo + k), gz = gates.get(xo + H + k), gn = gates.get(xo + 2 * H + k);
                            double hh = rec.hn[idx].get(rk), hp = rec.hprev[idx].get(rk);
                            double dpn = dht * (1 - gz) * (1 - gn * gn);
                            double dar = dpn * hh * gr * (1 - gr), daz = dht * (hp - gn) * gz * (1 - gz);
                            b.dAx.set(xo + k, dar);
                            b.dAh.set(xo + k, dar);
                            b.dAx.set(xo + H + k, daz);
                            b.dAh.set(xo + H + k, daz);
                            b.dAx.set(xo + 2 * H + k, dpn);
                            b.dAh.set(xo + 2 * H + k, dpn * gr);
                            dir.set(nk, dht * gz);
                        } else {
                            double h = gates.get(xo + k);
                            b.dAx.set(xo + k, r.relu ? (h > 0 ? dht : 0) : dht * (1 - h * h));
                            dir.set(nk, 0);
                        }
                    }
                }
            });
            Gemm.gemm(r.w, false, false, N, H, GH, b.dAh.s, t * N * GH, r.p.s, g.whOffset(l, d), direct.s, 0, true);
            Buf tmp = dh; dh = direct; direct = tmp;
        }
        for (long i = 0; i < N * H; i++) {
            b.dHx.set(so + i, dh.get(i));
            if (r.lstm) b.dCx.set(so + i, dc.get(i));
        }
        long tn = T * N;
        Buf dP = b.dP;
        Gemm.gemm(r.w, true, false, GH, in, tn, b.dAx.s, 0, x.s, 0, dP.s, g.wxOffset(l, d), false);
        Gemm.gemm(r.w, true, false, GH, H, tn, b.dAh.s, 0, rec.hprev[idx].s, 0, dP.s, g.whOffset(l, d), false);
        long bx = g.bxOffset(l, d), bh = g.bhOffset(l, d);
        for (long row = 0; row < tn; row++) {
            for (long j = 0; j < GH; j++) {
                dP.add(bx + j, b.dAx.get(row * GH + j));
                dP.add(bh + j, b.dAh.get(row * GH + j));
            }
        }
        Gemm.gemm(r.w, false, false, tn, in, GH, b.dAx.s, 0, r.p.s, g.wxOffset(l, d), dX.s, 0, d > 0);
    }
}
