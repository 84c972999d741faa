package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.Param;
import dev.mxj.op.ParameterException;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;

import java.util.Arrays;
import java.util.Locale;

/**
 * Pooling geometry for one input shape (MXNet's PoolingParamParser, PoolingShape and the
 * global-pool rewrite in PoolingOp): the effective kernel, stride and pad per spatial axis, the
 * layout, and the output shape. Shared by shape inference and the kernels.
 */
public final class PoolParams {
    public enum Type { MAX, AVG, SUM, LP }

    public final Type type;
    /** Spatial dimensions (1, 2 or 3). */
    public final int nd;
    /** Channel-last layout (NWC, NHWC, NDHWC). */
    public final boolean channelLast;
    public final long[] kernel, stride, pad;
    /** Input spatial sizes and output spatial sizes. */
    public final long[] in, out;
    public final int pValue;
    public final boolean countIncludePad;
    public final Shape outShape;

    private PoolParams(Attrs a, Shape data) {
        String op = a.op().name();
        int rank = data.ndim();
        if (rank < 3 || rank > 5) {
            throw new ShapeException("Operator " + op + ": input data should be 3D in (batch, channel, x), 4D in (batch, channel, y, x) or "
                    + "5D in (batch, channel, d, y, x), got shape " + data);
        }
        this.nd = rank - 2;
        this.type = Type.valueOf(a.getString("pool_type").toUpperCase(Locale.ROOT));
        boolean global = a.getBool("global_pool");
        String layout = a.has("layout") ? a.getString("layout") : nd == 1 ? "NCW" : nd == 2 ? "NCHW" : "NCDHW";
        if (layout.length() != rank) {
            throw new ShapeException("Operator " + op + ": layout " + layout + " does not fit " + rank + "-D input " + data);
        }
        this.channelLast = layout.endsWith("C");
        long[] d = data.dims();
        this.in = new long[nd];
        for (int i = 0; i < nd; i++) in[i] = d[channelLast ? 1 + i : 2 + i];
        String conv = a.getString("pooling_convention");
        long[] k = a.getLongs("kernel");
        if (global) {
            this.kernel = in.clone();
            this.stride = filled(1);
            this.pad = filled(0);
        } else {
            if (k.length == 0) throw new ParameterException("Operator " + op + ": kernel must be set unless global_pool is True");
            if (k.length != nd) {
                throw new ShapeException("Operator " + op + ": kernel " + Param.format(k) + " has " + k.length + " dimensions but the input " + data
                        + " has " + nd + " spatial dimensions");
            }
            this.kernel = k;
            this.stride = given(a, op, "stride", 1);
            this.pad = given(a, op, "pad", 0);
        }
        if (type == Type.LP) {
            if (!a.has("p_value")) throw new ParameterException("Operator " + op + ": p_value is required for pool_type='lp'");
            this.pValue = a.getInt("p_value");
            if (pValue < 1 || pValue > 3) throw new ParameterException("Operator " + op + ": p_value " + pValue + " is not supported; use 1, 2 or 3");
        } else {
            this.pValue = 1;
        }
        this.countIncludePad = !a.has("count_include_pad") || a.getBool("count_include_pad");
        if (conv.equals("same")) {
            if (nd != 1 || global) throw new ShapeException("Operator " + op + ": pooling_convention='same' supports only 1-D pooling, got input " + data);
            for (long p : pad) if (p != 0) throw new ShapeException("Operator " + op + ": pooling_convention='same' does not allow pad " + Param.format(pad));
        }
        this.out = new long[nd];
        for (int i = 0; i < nd; i++) {
            if (kernel[i] > in[i] + 2 * pad[i]) {
                throw new ShapeException("Operator " + op + ": kernel size (" + kernel[i] + ") exceeds input (" + in[i] + " padded to "
                        + (in[i] + 2 * pad[i]) + ") along spatial axis " + i);
            }
            long span = in[i] + 2 * pad[i] - kernel[i];
            out[i] = global ? 1 : switch (conv) {
                case "valid" -> 1 + span / stride[i];
                case "full" -> 1 + (span + stride[i] - 1) / stride[i];
                default -> (in[i] + 2 * pad[i] + stride[i] - 1) / stride[i];
            };
        }
        long[] o = d.clone();
        for (int i = 0; i < nd; i++) o[channelLast ? 1 + i : 2 + i] = out[i];
        this.outShape = Shape.of(o);
    }

    /** The geometry of Pooling on input shape {@code data} (fully known). */
    public static PoolParams of(Attrs a, Shape data) { return new PoolParams(a, data); }

    private long[] filled(long v) {
        long[] r = new long[nd];
        Arrays.fill(r, v);
        return r;
    }

    private long[] given(Attrs a, String op, String name, long dflt) {
        long[] v = a.getLongs(name);
        if (v.length == 0) return filled(dflt);
        if (v.length != nd) {
            throw new ParameterException("Operator " + op + ": " + name + " " + Param.format(v) + " must have the same number of dimensions as kernel "
                    + Param.format(kernel) + " (" + nd + ")");
        }
        return v;
    }
}
