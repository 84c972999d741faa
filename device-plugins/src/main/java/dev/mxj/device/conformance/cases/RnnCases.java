package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.op.DType;
import dev.mxj.op.ParameterException;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;
import dev.mxj.op.TypeException;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static dev.mxj.device.conformance.cases.ShapeCaseSupport.err;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.params;

/**
 * Test cases of the fused RNN operator. Expected values come from a plain reference written
 * here: one time step at a time, matrix-vector products in double, the parameter vector
 * unpacked with its own running offset in MXNet's order (all weights layer by layer and
 * direction by direction, W_x then W_h, then all biases, b_x then b_h; gates i, f, g, o for
 * LSTM and r, z, n for GRU).
 */
public final class RnnCases {
    private RnnCases() {}

    /** One RNN configuration. */
    private record Cfg(String mode, int layers, int dirs, int T, int N, int I, int H) {
        int gates() { return mode.equals("lstm") ? 4 : mode.equals("gru") ? 3 : 1; }

        int layerInput(int l) { return l == 0 ? I : dirs * H; }

        int paramSize() {
            int s = 0, gh = gates() * H;
            for (int l = 0; l < layers; l++) s += dirs * gh * (layerInput(l) + H + 2);
            return s;
        }

        String params() {
            return "mode=" + mode + "; num_layers=" + layers + "; state_size=" + H + (dirs == 2 ? "; bidirectional=True" : "");
        }

        boolean lstm() { return mode.equals("lstm"); }
    }

    /** What the reference returns: the output (T, N, D*H), the final states (L*D, N, H). */
    private record Result(double[] out, double[] hy, double[] cy) {}

    private static double sigmoid(double x) { return 1 / (1 + Math.exp(-x)); }

    /**
     * The reference forward pass. {@code len}: valid lengths or null; {@code mask}: dropout
     * scales between layers ((L-1) * T*N*D*H) or null; {@code clip}: {lo, hi} cell clipping or null.
     */
    static Result reference(Cfg c, double[] x, double[] w, double[] hx, double[] cx, int[] len, double[] mask, double[] clip) {
        int G = c.gates(), H = c.H, T = c.T, N = c.N, D = c.dirs, GH = G * H;
        // unpack: weights in order, then biases in the same order
        double[][][] wx = new double[c.layers][D][], wh = new double[c.layers][D][], bx = new double[c.layers][D][], bh = new double[c.layers][D][];
        int pos = 0;
        for (int l = 0; l < c.layers; l++) {
            for (int d = 0; d < D; d++) {
                wx[l][d] = java.util.Arrays.copyOfRange(w, pos, pos += GH * c.layerInput(l));
                wh[l][d] = java.util.Arrays.copyOfRange(w, pos, pos += GH * H);
            }
        }
        for (int l = 0; l < c.layers; l++) {
            for (int d = 0; d < D; d++) {
                bx[l][d] = java.util.Arrays.copyOfRange(w, pos, pos += GH);
                bh[l][d] = java.util.Arrays.copyOfRange(w, pos, pos += GH);
            }
        }
        if (pos != w.length) throw new IllegalStateException("reference unpacked " + pos + " of " + w.length + " parameters");
        double[] in = x;
        double[] hy = new double[c.layers * D * N * H], cy = new double[hy.length];
        double[] out = null;
        for (int l = 0; l < c.layers; l++) {
            int C = c.layerInput(l);
            out = new double[T * N * D * H];
            for (int d = 0; d < D; d++) {
                int s0 = (l * D + d) * N * H;
                for (int n = 0; n < N; n++) {
                    double[] h = java.util.Arrays.copyOfRange(hx, s0 + n * H, s0 + n * H + H);
                    double[] cell = c.lstm() ? java.util.Arrays.copyOfRange(cx, s0 + n * H, s0 + n * H + H) : null;
                    int valid = len == null ? T : len[n];
                    for (int s = 0; s < valid; s++) {
                        int t = d == 0 ? s : valid - 1 - s;
                        double[] xt = java.util.Arrays.copyOfRange(in, (t * N + n) * C, (t * N + n) * C + C);
                        double[] ax = new double[GH], ah = new double[GH];
                        for (int j = 0; j < GH; j++) {
                            ax[j] = bx[l][d][j];
                            for (int i = 0; i < C; i++) ax[j] += wx[l][d][j * C + i] * xt[i];
                            ah[j] = bh[l][d][j];
                            for (int i = 0; i < H; i++) ah[j] += wh[l][d][j * H + i] * h[i];
                        }
                        double[] nh = new double[H];
                        for (int k = 0; k < H; k++) {
                            switch (c.mode) {
                                case "rnn_relu" -> nh[k] = Math.max(0, ax[k] + ah[k]);
                                case "rnn_tanh" -> nh[k] = Math.tanh(ax[k] + ah[k]);
                                case "lstm" -> {
                                    double i = sigmoid(ax[k] + ah[k]), f = sigmoid(ax[H + k] + ah[H + k]);
                                    double g = Math.tanh(ax[2 * H + k] + ah[2 * H + k]), o = sigmoid(ax[3 * H + k] + ah[3 * H + k]);
                                    cell[k] = f * cell[k] + i * g;
                                    if (clip != null) cell[k] = Math.max(clip[0], Math.min(clip[1], cell[k]));
                                    nh[k] = o * Math.tanh(cell[k]);
                                }
                                default -> {
                                    double r = sigmoid(ax[k] + ah[k]), z = sigmoid(ax[H + k] + ah[H + k]);
                                    double nn = Math.tanh(ax[2 * H + k] + r * ah[2 * H + k]);
                                    nh[k] = (1 - z) * nn + z * h[k];
                                }
                            }
                        }
                        h = nh;
                        for (int k = 0; k < H; k++) out[(t * N + n) * D * H + d * H + k] = h[k];
                    }
                    System.arraycopy(h, 0, hy, s0 + n * H, H);
                    if (cell != null) System.arraycopy(cell, 0, cy, s0 + n * H, H);
                }
            }
            if (l < c.layers - 1 && mask != null) for (int j = 0; j < out.length; j++) out[j] *= mask[l * out.length + j];
            in = out;
        }
        return new Result(out, hy, cy);
    }

    private static double[] random(int n, SplittableRandom rng, double scale) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = (float) (scale * (2 * rng.nextDouble() - 1));
        return d;
    }

    /** Inputs of one configuration: data, parameters, state (and cell state). */
    private record Inputs(double[] x, double[] w, double[] hx, double[] cx) {}

    private static Inputs inputs(Cfg c, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int states = c.layers * c.dirs * c.N * c.H;
        return new Inputs(random(c.T * c.N * c.I, rng, 1), random(c.paramSize(), rng, 0.6), random(states, rng, 0.5), random(states, rng, 0.5));
    }

    private static OpCase withInputs(OpCase k, Cfg c, Inputs in, DType t) {
        int states = c.layers * c.dirs;
        k.input(HostArray.of(Shape.of(c.T, c.N, c.I), t, in.x())).input(HostArray.of(Shape.of(c.paramSize()), t, in.w()))
                .input(HostArray.of(Shape.of(states, c.N, c.H), t, in.hx()));
        if (c.lstm()) k.input(HostArray.of(Shape.of(states, c.N, c.H), t, in.cx()));
        return k;
    }

    /** A forward case checking the output and the final states against the reference. */
    private static OpCase forward(Cfg c, long seed, String extra, int[] len, double[] clip, DType t) {
        Inputs in = inputs(c, seed);
        OpCase k = withInputs(params(OpCase.forward("RNN"), c.params() + "; state_outputs=True" + extra), c, in, t);
        if (len != null) {
            double[] l = new double[len.length];
            for (int i = 0; i < l.length; i++) l[i] = len[i];
            k.input(HostArray.of(Shape.of(c.N), DType.INT32, l));
        }
        Result r = reference(c, in.x(), in.w(), in.hx(), in.cx(), len, null, clip);
        Shape st = Shape.of(c.layers * c.dirs, c.N, c.H);
        k.expectValues(Shape.of(c.T, c.N, c.dirs * c.H), r.out()).expectValues(st, r.hy());
        if (c.lstm()) k.expectValues(st, r.cy());
        if (t == DType.FLOAT32) k.tol(1e-4, 1e-5);
        return k.label(c.mode + " L" + c.layers + (c.dirs == 2 ? " bidirectional" : "") + (extra.isEmpty() ? "" : " " + extra.trim()));
    }

    private static final String[] MODES = {"rnn_relu", "rnn_tanh", "lstm", "gru"};

    public static List<OpCase> cases() {
        List<OpCase> c = new ArrayList<>();
        long seed = 100;
        for (String m : MODES) {
            c.add(forward(new Cfg(m, 1, 1, 3, 2, 3, 2), seed++, "", null, null, DType.FLOAT32));
            c.add(forward(new Cfg(m, 2, 2, 4, 3, 2, 3), seed++, "", null, null, DType.FLOAT32));
            c.add(forward(new Cfg(m, 2, 1, 3, 2, 2, 2), seed++, "", null, null, DType.FLOAT64));
            c.add(forward(new Cfg(m, 1, 2, 5, 3, 2, 2), seed++, "; use_sequence_length=True", new int[] {5, 2, 0}, null, DType.FLOAT32));
            // the gradient through data, parameters and both states (state_outputs adds their heads)
            c.add(grad(new Cfg(m, 1, 1, 3, 2, 2, 2), seed++, "; state_outputs=True"));
            c.add(grad(new Cfg(m, 2, 2, 2, 2, 2, 2), seed++, "; state_outputs=True"));
        }
        c.add(forward(new Cfg("lstm", 2, 2, 4, 2, 3, 3), seed++, "; use_sequence_length=True", new int[] {3, 4}, null, DType.FLOAT32));
        c.add(forward(new Cfg("lstm", 1, 1, 4, 2, 2, 3), seed++, "; lstm_state_clip_min=-0.1; lstm_state_clip_max=0.15", null,
                new double[] {-0.1, 0.15}, DType.FLOAT32));
        c.add(forward(new Cfg("gru", 1, 1, 2, 2, 2, 2), seed++, "", null, null, DType.FLOAT16).tol(5e-3, 5e-3));
        // without state_outputs only the output is produced
        Cfg small = new Cfg("rnn_tanh", 1, 1, 2, 1, 2, 2);
        Inputs si = inputs(small, seed++);
        c.add(withInputs(params(OpCase.forward("RNN"), small.params()), small, si, DType.FLOAT32)
                .expectValues(Shape.of(2, 1, 2), reference(small, si.x(), si.w(), si.hx(), si.cx(), null, null, null).out()).tol(1e-5, 1e-6)
                .label("output only"));
        c.add(grad(new Cfg("lstm", 1, 2, 3, 2, 2, 2), seed++, "; use_sequence_length=True").input(HostArray.of(Shape.of(2), DType.INT32, 3, 1)));
        c.add(grad(new Cfg("gru", 2, 1, 3, 2, 2, 2), seed++, "; use_sequence_length=True").input(HostArray.of(Shape.of(2), DType.INT32, 1, 3)));
        c.add(grad(new Cfg("lstm", 1, 1, 3, 2, 2, 2), seed++, "; state_outputs=True; lstm_state_clip_min=-0.2; lstm_state_clip_max=0.2"));
        dropout(c, seed);
        errors(c);
        return c;
    }

    private static OpCase grad(Cfg c, long seed, String extra) {
        return withInputs(params(OpCase.forward("RNN"), c.params() + extra), c, inputs(c, seed), DType.FLOAT32)
                .gradCheck().label(c.mode + " L" + c.layers + (c.dirs == 2 ? " bidirectional" : "") + extra);
    }

    /**
     * Dropout between layers draws from the device's generator, so the values cannot be fixed:
     * the hidden mask output must hold 0 or 1 / (1 - p), drop about p of the units, and the
     * output must equal the reference run with that mask. Outside training there is no dropout.
     */
    private static void dropout(List<OpCase> c, long seed) {
        Cfg cfg = new Cfg("lstm", 3, 2, 5, 4, 3, 4);
        Inputs in = inputs(cfg, seed);
        double p = 0.4;
        c.add(withInputs(params(OpCase.forward("RNN"), cfg.params() + "; p=" + p), cfg, in, DType.FLOAT32).train().deviceDependent()
                .check((ins, outs) -> {
                    double[] mask = outs.get(outs.size() - 1).data();
                    int dropped = 0;
                    for (double m : mask) {
                        if (m == 0) dropped++;
                        else if (Math.abs(m - 1 / (1 - p)) > 1e-6) throw new AssertionError("RNN dropout mask value " + m + ", expected 0 or " + 1 / (1 - p));
                    }
                    double rate = dropped / (double) mask.length;
                    if (Math.abs(rate - p) > 0.12) throw new AssertionError("RNN dropout rate " + rate + " for p=" + p + " over " + mask.length + " units");
                    double[] want = reference(cfg, in.x(), in.w(), in.hx(), in.cx(), null, mask, null).out();
                    double[] got = outs.get(0).data();
                    for (int i = 0; i < want.length; i++) {
                        if (Math.abs(got[i] - want[i]) > 1e-4 + 1e-4 * Math.abs(want[i])) {
                            throw new AssertionError("RNN with dropout: output " + i + " is " + got[i] + ", the reference with the returned mask gives " + want[i]);
                        }
                    }
                }).label("dropout in training"));
        // not training: the mask is all ones and the output has no dropout
        Cfg two = new Cfg("gru", 2, 1, 3, 2, 2, 2);
        Inputs ti = inputs(two, seed + 1);
        double[] ones = new double[3 * 2 * 2];
        java.util.Arrays.fill(ones, 1);
        c.add(withInputs(params(OpCase.forward("RNN"), two.params() + "; p=0.5"), two, ti, DType.FLOAT32)
                .expectValues(Shape.of(3, 2, 2), reference(two, ti.x(), ti.w(), ti.hx(), ti.cx(), null, null, null).out())
                .expectValues(Shape.of(1, 3, 2, 2), ones).tol(1e-4, 1e-5).label("p > 0 outside training"));
        // the gradient with a fixed mask (the same seed draws the same mask in every run)
        c.add(grad(new Cfg("rnn_tanh", 2, 2, 3, 2, 2, 2), seed + 2, "; p=0.5; state_outputs=True").train().seed(5));
    }

    private static void errors(List<OpCase> c) {
        Cfg cfg = new Cfg("lstm", 2, 1, 3, 2, 3, 2);
        Inputs in = inputs(cfg, 7);
        HostArray x = HostArray.f32(Shape.of(3, 2, 3), in.x()), w = HostArray.f32(Shape.of(cfg.paramSize()), in.w());
        HostArray h = HostArray.f32(Shape.of(2, 2, 2), in.hx()), cs = HostArray.f32(Shape.of(2, 2, 2), in.cx());
        String ps = cfg.params();
        c.add(err("RNN", ps, ShapeException.class, "the parameters vector has shape (" + (cfg.paramSize() - 1) + ",)", x,
                HostArray.f32(Shape.of(cfg.paramSize() - 1), new double[cfg.paramSize() - 1]), h, cs));
        c.add(err("RNN", ps, ShapeException.class, "input state has shape (2, 2, 3)", x, w, HostArray.f32(Shape.of(2, 2, 3), new double[12]), cs));
        c.add(err("RNN", ps, ShapeException.class, "input state_cell has shape (1, 2, 2)", x, w, h, HostArray.f32(Shape.of(1, 2, 2), 1, 2, 3, 4)));
        c.add(err("RNN", ps, ShapeException.class, "rank-3", HostArray.f32(Shape.of(6, 3), in.x()), w, h, cs));
        c.add(err("RNN", ps + "; projection_size=1", ShapeException.class, "projection_size is not supported", x, w, h, cs));
        c.add(err("RNN", ps + "; p=1", ShapeException.class, "dropout", x, w, h, cs));
        c.add(err("RNN", ps + "; lstm_state_clip_min=0", ShapeException.class, "together", x, w, h, cs));
        c.add(err("RNN", ps + "; use_sequence_length=True", ShapeException.class, "sequence_length has shape (3,)", x, w, h, cs,
                HostArray.of(Shape.of(3), DType.INT32, 1, 2, 3)));
        c.add(err("RNN", "mode=gru; num_layers=1; state_size=2; lstm_state_clip_min=0; lstm_state_clip_max=1", ShapeException.class, "only supported for LSTM",
                x, HostArray.f32(Shape.of(42), new double[42]), HostArray.f32(Shape.of(1, 2, 2), 1, 2, 3, 4)));
        c.add(err("RNN", "mode=lstmp; num_layers=1; state_size=2", ParameterException.class, "mode", x, w, h, cs));
        c.add(err("RNN", ps, TypeException.class, "floating-point", HostArray.of(Shape.of(3, 2, 3), DType.INT32, new double[18]), w, h, cs));
    }
}
