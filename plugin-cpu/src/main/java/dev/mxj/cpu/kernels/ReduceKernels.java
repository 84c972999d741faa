package dev.mxj.cpu.kernels;

import dev.mxj.cpu.kernels.ReduceEngine.Kind;
import dev.mxj.device.Kernel;
import dev.mxj.device.KernelTable;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.Shape;
import dev.mxj.op.defs.ReduceAxes;

/**
 * CPU kernels of the reductions (ReduceOps) and their backward operators. Axes come from
 * {@link ReduceAxes}, the same code that infers the output shape. Backward kernels view ograd
 * (and the forward output) with the reduced axes kept as 1 and broadcast them over the input.
 */
public final class ReduceKernels {
    private ReduceKernels() {}

    public static void register(KernelTable t) {
        t.add("sum", reduce(Kind.SUM, false));
        t.add("mean", reduce(Kind.SUM, true));
        t.add("prod", reduce(Kind.PROD, false));
        t.add("nansum", reduce(Kind.NANSUM, false));
        t.add("nanprod", reduce(Kind.NANPROD, false));
        t.add("max", reduce(Kind.MAX, false));
        t.add("min", reduce(Kind.MIN, false));
        t.add("norm", (ctx, a, in, req, out) -> {
            boolean l1 = a.getInt("ord") == 1;
            ReduceEngine.reduce(l1 ? Kind.SUMABS : Kind.SUMSQ, in[0], ReduceAxes.mask(a, in[0].shape()), out[0], req[0], 1, !l1);
        });
        t.add("argmax", arg(true));
        t.add("argmin", arg(false));

        // backward: (ograd, data) or (ograd, data, output)
        t.add("_backward_sum", (ctx, a, in, req, out) -> Elementwise.map2(kept(a, in[0], in[1]), in[1], out[0], req[0], (g, x) -> g, null));
        t.add("_backward_mean", (ctx, a, in, req, out) -> {
            double n = ReduceAxes.reducedSize(in[1].shape(), ReduceAxes.mask(a, in[1].shape()));
            Elementwise.map2(kept(a, in[0], in[1]), in[1], out[0], req[0], (g, x) -> g / n, null);
        });
        t.add("_backward_nansum", (ctx, a, in, req, out) ->
                Elementwise.map2(kept(a, in[0], in[1]), in[1], out[0], req[0], (g, x) -> Double.isNaN(x) ? 0 : g, null));
        t.add("_backward_prod", withOutput((g, x, y) -> g * (y / x)));
        t.add("_backward_nanprod", withOutput((g, x, y) -> Double.isNaN(x) ? 0 : g * (y / x)));
        t.add("_backward_max", withOutput((g, x, y) -> x == y ? g : 0));
        t.add("_backward_min", withOutput((g, x, y) -> x == y ? g : 0));
        t.add("_backward_norm", (ctx, a, in, req, out) -> {
            Elementwise.Fn3 f = a.getInt("ord") == 1 ? (g, x, y) -> g * ElementwiseUnaryKernels.sign(x) : (g, x, y) -> g * x / y;
            Elementwise.map3(kept(a, in[0], in[1]), in[1], kept(a, in[2], in[1]), out[0], req[0], f);
        });
    }

    private static Kernel reduce(Kind kind, boolean mean) {
        return (ctx, a, in, req, out) -> {
            Shape s = in[0].shape();
            boolean[] mask = ReduceAxes.mask(a, s);
            double scale = mean ? 1.0 / ReduceAxes.reducedSize(s, mask) : 1;
            ReduceEngine.reduce(kind, in[0], mask, out[0], req[0], scale, false);
        };
    }

    private static Kernel arg(boolean max) {
        return (ctx, a, in, req, out) -> {
            Shape s = in[0].shape();
            if (a.isNone("axis") || s.ndim() <= 1) {
                ReduceEngine.argReduce(max, in[0], 1, s.size(), 1, out[0], req[0]);
            } else {
                int ax = s.axis(a.getInt("axis"));
                ReduceEngine.argReduce(max, in[0], s.prod(0, ax), s.dim(ax), s.prod(ax + 1, s.ndim()), out[0], req[0]);
            }
        };
    }

    /** A reduced tensor seen with the reduced axes of {@code data} kept as 1. */
    private static Tensor kept(Attrs a, Tensor reduced, Tensor data) {
        return Elementwise.view(reduced, ReduceAxes.keptShape(data.shape(), ReduceAxes.mask(a, data.shape())));
    }

    private static Kernel withOutput(Elementwise.Fn3 f) {
        return (ctx, a, in, req, out) -> Elementwise.map3(kept(a, in[0], in[1]), in[1], kept(a, in[2], in[1]), out[0], req[0], f);
    }
}
