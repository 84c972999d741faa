package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeFn;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.TypeRules;
import dev.mxj.op.graph.Gradient;

import java.util.List;

/**
 * Array creation (MXNet 1.9 {@code src/operator/tensor/init_op.cc}) and {@code _copyto}.
 *
 * <p>Names and parameters are MXNet's registered ones: {@code _zeros}, {@code _ones},
 * {@code _full}, {@code _arange}, {@code _linspace}, {@code _eye} (each with {@code ctx} and
 * {@code dtype}; {@code ctx} is only read by imperative calls), {@code zeros_like},
 * {@code ones_like} and {@code _copyto} (the copy behind {@code NDArray.copyto}; the element-wise
 * {@code _copy}/{@code identity} belongs to the unary math family, as in MXNet). Front ends
 * expose them as {@code zeros}, {@code ones}, ... as MXNet's Python wrappers do.
 *
 * <p>Shape semantics: a {@code shape} of {@code ()} is "not given" (MXNet's legacy shape
 * semantics), so the output shape must then come from elsewhere (symbolic inference); dimensions
 * of 0 are real empty dimensions.
 */
public final class CreationOps {
    private CreationOps() {}

    /** Largest element count a creation op will describe; guards against absurd parameters. */
    static final long MAX_ELEMENTS = 1L << 40;

    public static void register(OpRegistry r) {
        OpDef.builder("_zeros")
                .doc("Fill the target with zeros.")
                .family("creation")
                .param(shapeParam()).param(ctxParam()).param(dtypeParam())
                .inputs().inferShape(SHAPE_FROM_PARAM).inferType(TypeRules.FROM_DTYPE_PARAM)
                .register(r);

        OpDef.builder("_ones")
                .doc("Fill the target with ones.")
                .family("creation")
                .param(shapeParam()).param(ctxParam()).param(dtypeParam())
                .inputs().inferShape(SHAPE_FROM_PARAM).inferType(TypeRules.FROM_DTYPE_PARAM)
                .register(r);

        OpDef.builder("_full")
                .alias("_npi_full")
                .doc("Fill the target with a scalar value.")
                .family("creation")
                .param(shapeParam()).param(ctxParam()).param(dtypeParam())
                .param(Param.floatParam("value").required().doc("Value with which to fill newly created tensor"))
                .inputs().inferShape(SHAPE_FROM_PARAM).inferType(TypeRules.FROM_DTYPE_PARAM)
                .register(r);

        OpDef.builder("_arange")
                .doc("Return evenly spaced values within a given interval. Similar to Numpy.\n\n"
                        + "With only ``start`` given (and ``infer_range`` False) the interval is [0, start).")
                .family("creation")
                .param(Param.floatParam("start").required()
                        .doc("Start of interval. The interval includes this value. The default start value is 0."))
                .param(Param.floatParam("stop").optional()
                        .doc("End of interval. The interval does not include this value, except in some cases where step "
                                + "is not an integer and floating point round-off affects the length of out."))
                .param(Param.floatParam("step").defaultValue(1.0).doc("Spacing between values."))
                .param(Param.intParam("repeat").defaultValue(1)
                        .doc("The repeating time of all elements. E.g repeat=3, the element a will be repeated three times --> a, a, a."))
                .param(Param.boolParam("infer_range").defaultValue(false)
                        .doc("When set to True, infer the stop position from the start, step, repeat, and output tensor size."))
                .param(ctxParam()).param(dtypeParam())
                .inputs().inferShape(CreationOps::arangeShape).inferType(TypeRules.FROM_DTYPE_PARAM)
                .register(r);

        OpDef.builder("_linspace")
                .alias("_npi_linspace")
                .doc("Return evenly spaced numbers over a specified interval. Similar to Numpy.")
                .family("creation")
                .param(Param.floatParam("start").required().doc("The starting value of the sequence."))
                .param(Param.floatParam("stop").required().doc("The ending value of the sequence"))
                .param(Param.intParam("num").required().doc("Number of samples to generate. Must be non-negative."))
                .param(Param.boolParam("endpoint").defaultValue(true).doc("If True, stop is the last sample. Otherwise, it is not included."))
                .param(ctxParam()).param(dtypeParam())
                .inputs().inferShape(CreationOps::linspaceShape).inferType(TypeRules.FROM_DTYPE_PARAM)
                .register(r);

        OpDef.builder("_eye")
                .doc("Return a 2-D array with ones on the diagonal and zeros elsewhere.")
                .family("creation")
                .param(Param.longParam("N").required().doc("Number of rows in the output."))
                .param(Param.longParam("M").defaultValue(0L).doc("Number of columns in the output. If 0, defaults to N"))
                .param(Param.longParam("k").defaultValue(0L)
                        .doc("Index of the diagonal. 0 (the default) refers to the main diagonal. A positive value refers to an "
                                + "upper diagonal. A negative value to a lower diagonal."))
                .param(ctxParam()).param(dtypeParam())
                .inputs().inferShape(CreationOps::eyeShape).inferType(TypeRules.FROM_DTYPE_PARAM)
                .register(r);

        OpDef.builder("zeros_like")
                .doc("Return an array of zeros with the same shape and type as the input array.\n\n"
                        + "Examples::\n\n  x = [[ 1.,  1.,  1.],\n       [ 1.,  1.,  1.]]\n\n"
                        + "  zeros_like(x) = [[ 0.,  0.,  0.],\n                   [ 0.,  0.,  0.]]\n")
                .family("creation")
                .inputs("data").inferShape(ShapeRules.SAME).inferType(TypeRules.SAME)
                .zeroGradient()
                .register(r);

        OpDef.builder("ones_like")
                .doc("Return an array of ones with the same shape and type as the input array.\n\n"
                        + "Examples::\n\n  x = [[ 0.,  0.,  0.],\n       [ 0.,  0.,  0.]]\n\n"
                        + "  ones_like(x) = [[ 1.,  1.,  1.],\n                  [ 1.,  1.,  1.]]\n")
                .family("creation")
                .inputs("data").inferShape(ShapeRules.SAME).inferType(TypeRules.SAME)
                .zeroGradient()
                .register(r);

        OpDef.builder("_copyto")
                .doc("Copy the input into the output array, which may live on another device (NDArray.copyto).")
                .family("creation")
                .inputs("data").inferShape(ShapeRules.SAME).inferType(TypeRules.SAME)
                .gradient(COPY_GRADIENT)
                .register(r);
    }

    /** d(copy x)/dx: the incoming gradient, copied (with _copyto itself, so this family needs no other). */
    private static final Gradient COPY_GRADIENT = g -> List.of(g.op("_copyto", g.outGrad(0)));

    private static Param shapeParam() {
        return Param.intTupleParam("shape").defaultValue(new long[0]).min(0).doc("The shape of the output");
    }

    private static Param ctxParam() {
        return Param.stringParam("ctx").defaultValue("")
                .doc("Context of output, in format [cpu|gpu|cpu_pinned](n). Only used for imperative calls.");
    }

    private static Param dtypeParam() {
        return Param.dtypeParam("dtype").defaultValue(DType.FLOAT32).doc("Target data type.");
    }

    /** {@code shape=()} leaves the output to be inferred elsewhere, as in MXNet's legacy shape mode. */
    private static final ShapeFn SHAPE_FROM_PARAM = (attrs, in, out) -> {
        long[] dims = (long[]) attrs.get("shape");
        if (dims.length == 0) return ShapeRules.known(out[0]);
        Shape s = Shape.of(dims);
        checkSize(attrs, s);
        ShapeRules.assign(attrs, out, 0, s, "output");
        return true;
    };

    private static void checkSize(Attrs attrs, Shape s) {
        long n;
        try {
            n = s.size();
        } catch (ArithmeticException e) {
            throw ShapeRules.error(attrs, "shape " + s + " has too many elements");
        }
        if (n > MAX_ELEMENTS) throw ShapeRules.error(attrs, "shape " + s + " has too many elements (" + n + ")");
    }

    /** start, stop and step of an {@code _arange} call after MXNet's "only start given" rule; stop may be NaN when inferred. */
    public static double[] arangeBounds(Attrs a) {
        double start = a.getDouble("start");
        Object stopV = a.get("stop");
        double step = a.getDouble("step");
        if (stopV == null) {
            if (a.getBool("infer_range")) return new double[] {start, Double.NaN, step};
            return new double[] {0, start, step};
        }
        return new double[] {start, ((Number) stopV).doubleValue(), step};
    }

    private static boolean arangeShape(Attrs a, Shape[] in, Shape[] out) {
        double[] b = arangeBounds(a);
        double start = b[0], stop = b[1], step = b[2];
        int repeat = a.getInt("repeat");
        if (step == 0) throw ShapeRules.error(a, "Range does not support step=0, received " + Param.format(step));
        if (repeat <= 0) throw ShapeRules.error(a, "Range only supports repeat > 0, received " + repeat);
        if (Double.isNaN(stop)) return ShapeRules.known(out[0]);
        if (step > 0 ? !(start < stop) : !(start > stop)) {
            throw ShapeRules.error(a, "Invalid range (start, stop, step) = (" + Param.format(start) + ", " + Param.format(stop)
                    + ", " + Param.format(step) + ")");
        }
        double n = Math.ceil((stop - start) / step) * repeat;
        if (!(n <= MAX_ELEMENTS)) throw ShapeRules.error(a, "range has too many elements (" + n + ")");
        ShapeRules.assign(a, out, 0, Shape.of((long) n), "output");
        return true;
    }

    private static boolean linspaceShape(Attrs a, Shape[] in, Shape[] out) {
        int num = a.getInt("num");
        if (num < 0) throw ShapeRules.error(a, "Number of sequence should be non-negative, received " + num);
        ShapeRules.assign(a, out, 0, Shape.of((long) num), "output");
        return true;
    }

    private static boolean eyeShape(Attrs a, Shape[] in, Shape[] out) {
        long n = a.getLong("N"), m = a.getLong("M");
        if (n < 0) throw ShapeRules.error(a, "N must be non-negative, received " + n);
        if (m < 0) throw ShapeRules.error(a, "M must be non-negative, received " + m);
        Shape s = Shape.of(n, m > 0 ? m : n);
        checkSize(a, s);
        ShapeRules.assign(a, out, 0, s, "output");
        return true;
    }
}
