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
import dev.mxj.op.graph.GradContext;
import dev.mxj.op.graph.Gradient;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static dev.mxj.op.defs.ShapeFamilySupport.RESHAPE_GRAD;
import static dev.mxj.op.defs.ShapeFamilySupport.backwardOp;
import static dev.mxj.op.defs.ShapeFamilySupport.shapeOfInput;
import static dev.mxj.op.defs.ShapeFamilySupport.typeOfFirst;
import static dev.mxj.op.defs.ShapeFamilySupport.unary;

/**
 * Shape operators (MXNet 1.9 src/operator/tensor/matrix_op.cc and friends): reshaping,
 * transposition, joining and splitting, slicing, tiling, padding, broadcasting, where.
 * Mostly data movement, so every dtype is accepted.
 */
public final class ShapeOps {
    private ShapeOps() {}

    private static final String FAMILY = "shape";

    public static void register(OpRegistry r) {
        reshapes(r);
        transposes(r);
        joinAndSplit(r);
        slices(r);
        repeatTileReverse(r);
        pad(r);
        broadcasts(r);
        misc(r);
    }

    private static OpDef.Builder op(String name) { return OpDef.builder(name).family(FAMILY); }

    // ------------------------------------------------------------------ reshapes (views of the same data)

    private static void reshapes(OpRegistry r) {
        op("Reshape").alias("reshape")
                .doc("Reshapes the input to a new shape without changing its data. `shape` may use special codes: "
                        + "0 copies the input dimension, -1 infers one dimension from the size, -2 copies all remaining "
                        + "dimensions, -3 merges two consecutive dimensions, -4 splits one dimension into the two following "
                        + "values (one may be -1). With reverse=True the codes are matched from the right. Example: "
                        + "shape (2, 3, 4) with shape=(-3, -1) gives (6, 4); with shape=(0, -4, 1, -1, 0) gives (2, 1, 3, 4).")
                .param(Param.intTupleParam("shape").defaultValue(new long[0]).doc("The target shape, with special codes 0, -1, -2, -3, -4."))
                .param(Param.boolParam("reverse").defaultValue(false).doc("Infer the special codes from right to left."))
                .param(Param.intTupleParam("target_shape").defaultValue(new long[0]).doc("(Deprecated, use shape) target shape; one 0 is inferred."))
                .param(Param.boolParam("keep_highest").defaultValue(false).doc("(Deprecated, use shape) keep the first dimension of the input."))
                .inferShape(ShapeOps::reshapeShape)
                .inplace(0, 0)
                .gradient(RESHAPE_GRAD)
                .register(r);

        op("Flatten").alias("flatten", "_npx_batch_flatten")
                .doc("Flattens the input to 2-D: (d1, d2*...*dk). A 1-D input (d1,) becomes (d1, 1).")
                .inferShape(unary((a, s) -> {
                    if (s.ndim() == 0) throw ShapeRules.error(a, "cannot flatten a 0-dimensional array");
                    return Shape.of(s.dim(0), s.prod(1, s.ndim()));
                }))
                .inplace(0, 0)
                .gradient(RESHAPE_GRAD)
                .register(r);

        op("expand_dims").alias("_npi_expand_dims")
                .doc("Inserts a new axis of size 1 at position `axis`, which may range over [-ndim-1, ndim].")
                .param(Param.intParam("axis").required().doc("Position of the new axis, in [-ndim-1, ndim]."))
                .inferShape(ShapeOps::expandDimsShape)
                .inplace(0, 0)
                .gradient(RESHAPE_GRAD)
                .register(r);

        op("squeeze")
                .doc("Removes axes of size 1: all of them, or those listed in `axis` (which must have size 1). "
                        + "At least one dimension is kept: squeeze of shape (1, 1) is (1,).")
                .param(Param.intTupleParam("axis").optional().doc("Axes to remove; None removes every axis of size 1."))
                .inferShape(unary(ShapeOps::squeezeShape))
                .inplace(0, 0)
                .gradient(RESHAPE_GRAD)
                .register(r);

        op("reshape_like").alias("_npx_reshape_like")
                .doc("Reshapes lhs to the shape of rhs, or replaces lhs dimensions [lhs_begin, lhs_end) by rhs dimensions "
                        + "[rhs_begin, rhs_end). Example: lhs (30, 7), rhs (15, 2, 4), lhs_begin=0, lhs_end=1, rhs_begin=0, "
                        + "rhs_end=2 gives (15, 2, 7).")
                .inputs("lhs", "rhs")
                .param(Param.intParam("lhs_begin").optional().doc("First lhs dimension to replace (default 0)."))
                .param(Param.intParam("lhs_end").optional().doc("End of the lhs dimensions to replace (default: all)."))
                .param(Param.intParam("rhs_begin").optional().doc("First rhs dimension to use (default 0)."))
                .param(Param.intParam("rhs_end").optional().doc("End of the rhs dimensions to use (default: all)."))
                .inferShape(ShapeOps::reshapeLikeShape)
                .inferType(typeOfFirst())
                .inplace(0, 0)
                .gradient(g -> ShapeFamilySupport.perInput(g.op("reshape_like", g.outGrad(0), g.input(0)), null))
                .register(r);

        op("shape_array").alias("_npx_shape_array")
                .doc("Returns the shape of the input as a 1-D int64 array: shape_array of a (2, 4) array is [2, 4].")
                .inferShape((a, in, out) -> {
                    if (in[0] == null || !in[0].isRankKnown()) return false;
                    ShapeRules.assign(a, out, 0, Shape.of(in[0].ndim()), "output");
                    return true;
                })
                .inferType(TypeRules.fixedOutput(DType.INT64))
                .zeroGradient()
                .register(r);

        op("size_array")
                .doc("Returns the number of elements of the input as a 1-element int64 array.")
                .inferShape((a, in, out) -> {
                    ShapeRules.assign(a, out, 0, Shape.of(1), "output");
                    return ShapeRules.known(in[0]);
                })
                .inferType(TypeRules.fixedOutput(DType.INT64))
                .zeroGradient()
                .register(r);
    }

    /** Forward from the parameters; backward fills a single unknown input dimension from the output size. */
    private static boolean reshapeShape(Attrs a, Shape[] in, Shape[] out) {
        if (ShapeRules.known(in[0])) {
            ShapeRules.assign(a, out, 0, ShapeMath.reshape(a, in[0]), "output");
            return true;
        }
        if (in[0] != null && in[0].isRankKnown() && ShapeRules.known(out[0])) {
            long[] d = in[0].dims();
            int unknown = -1;
            long known = 1;
            for (int i = 0; i < d.length; i++) {
                if (d[i] == Shape.UNKNOWN_DIM) {
                    if (unknown >= 0) return false;
                    unknown = i;
                } else {
                    known *= d[i];
                }
            }
            if (unknown >= 0 && known > 0) {
                d[unknown] = out[0].size() / known;
                ShapeRules.assign(a, in, 0, Shape.of(d), "input data");
                return true;
            }
        }
        return false;
    }

    private static boolean expandDimsShape(Attrs a, Shape[] in, Shape[] out) {
        int inRank = in[0] != null && in[0].isRankKnown() ? in[0].ndim() : out[0] != null && out[0].isRankKnown() ? out[0].ndim() - 1 : -1;
        if (inRank < 0) return false;
        int ax = a.getInt("axis");
        int pos = ax < 0 ? ax + inRank + 1 : ax;
        if (pos < 0 || pos > inRank) throw ShapeRules.error(a, "axis " + ax + " is out of range [" + (-inRank - 1) + ", " + inRank + "] for input " + in[0]);
        if (in[0] != null && in[0].isRankKnown()) {
            long[] d = in[0].dims(), o = new long[inRank + 1];
            for (int i = 0, j = 0; i <= inRank; i++) o[i] = i == pos ? 1 : d[j++];
            ShapeRules.assign(a, out, 0, Shape.of(o), "output");
        }
        if (out[0] != null && out[0].isRankKnown()) {
            if (out[0].ndim() != inRank + 1 || (out[0].dim(pos) != 1 && out[0].dim(pos) != Shape.UNKNOWN_DIM)) {
                throw ShapeRules.error(a, "output shape " + out[0] + " does not insert an axis of size 1 at " + pos);
            }
            long[] o = out[0].dims(), d = new long[inRank];
            for (int i = 0, j = 0; i <= inRank; i++) if (i != pos) d[j++] = o[i];
            ShapeRules.assign(a, in, 0, Shape.of(d), "input data");
        }
        return ShapeRules.known(in[0]) && ShapeRules.known(out[0]);
    }

    private static Shape squeezeShape(Attrs a, Shape s) {
        int n = s.ndim();
        boolean[] drop = new boolean[n];
        if (a.isNone("axis")) {
            for (int i = 0; i < n; i++) drop[i] = s.dim(i) == 1;
        } else {
            for (long x : a.getLongs("axis")) {
                int ax = ShapeMath.axis(a, "axis", x, n);
                if (s.dim(ax) != 1) throw ShapeRules.error(a, "cannot squeeze axis " + ax + " of " + s + ": its size is " + s.dim(ax) + ", not 1");
                if (drop[ax]) throw ShapeRules.error(a, "axis " + ax + " is listed twice");
                drop[ax] = true;
            }
        }
        List<Long> d = new ArrayList<>();
        for (int i = 0; i < n; i++) if (!drop[i]) d.add(s.dim(i));
        if (d.isEmpty()) return Shape.of(1L);
        return Shape.of(d.stream().mapToLong(Long::longValue).toArray());
    }

    private static boolean reshapeLikeShape(Attrs a, Shape[] in, Shape[] out) {
        if (!ShapeRules.known(in[0]) || !ShapeRules.known(in[1])) return false;
        Shape l = in[0], rh = in[1];
        int[] lr = likeRange(a, "lhs", l.ndim()), rr = likeRange(a, "rhs", rh.ndim());
        List<Long> d = new ArrayList<>();
        for (int i = 0; i < lr[0]; i++) d.add(l.dim(i));
        for (int i = rr[0]; i < rr[1]; i++) d.add(rh.dim(i));
        for (int i = lr[1]; i < l.ndim(); i++) d.add(l.dim(i));
        Shape o = Shape.of(d.stream().mapToLong(Long::longValue).toArray());
        if (o.size() != l.size()) throw ShapeRules.error(a, "cannot reshape lhs " + l + " to " + o + " (like rhs " + rh + "): sizes differ");
        ShapeRules.assign(a, out, 0, o, "output");
        return true;
    }

    private static int[] likeRange(Attrs a, String side, int ndim) {
        Object bv = a.get(side + "_begin"), ev = a.get(side + "_end");
        int b = bv == null ? 0 : ((Number) bv).intValue(), e = ev == null ? ndim : ((Number) ev).intValue();
        if (b < 0) b += ndim;
        if (e < 0) e += ndim;
        if (e > ndim || b < 0 || b >= e) {
            throw ShapeRules.error(a, "invalid " + side + "_begin=" + Param.format(bv) + ", " + side + "_end=" + Param.format(ev) + " for " + ndim + " dimensions");
        }
        return new int[] {b, e};
    }

    // ------------------------------------------------------------------ transposes

    private static void transposes(OpRegistry r) {
        op("transpose")
                .doc("Permutes the axes: output axis i is input axis axes[i]. By default the axes are reversed. "
                        + "Example: x of shape (1, 2, 3) with axes=(0, 2, 1) gives shape (1, 3, 2).")
                .param(Param.intTupleParam("axes").defaultValue(new long[0]).doc("Target axis order; empty reverses the axes."))
                .inferShape(ShapeOps::transposeShape)
                .gradient(g -> {
                    long[] ax = g.attrs().getLongs("axes");
                    if (ax.length == 0) return List.of(g.op("transpose", g.outGrad(0)));
                    long[] inv = new long[ax.length];
                    for (int i = 0; i < ax.length; i++) inv[(int) (ax[i] < 0 ? ax[i] + ax.length : ax[i])] = i;
                    return List.of(g.op("transpose", Map.of("axes", inv), g.outGrad(0)));
                })
                .register(r);

        op("SwapAxis").alias("swapaxes", "_npi_swapaxes")
                .doc("Interchanges two axes: swapaxes of shape (1, 3) with dim1=0, dim2=1 gives shape (3, 1).")
                .param(Param.intParam("dim1").defaultValue(0).doc("The first axis to swap."))
                .param(Param.intParam("dim2").defaultValue(0).doc("The second axis to swap."))
                .inferShape(unary((a, s) -> {
                    int d1 = ShapeMath.axis(a, "dim1", a.getInt("dim1"), s.ndim()), d2 = ShapeMath.axis(a, "dim2", a.getInt("dim2"), s.ndim());
                    return s.withDim(d1, s.dim(d2)).withDim(d2, s.dim(d1));
                }))
                .gradient(g -> List.of(g.op("SwapAxis", g.attrs().givenAsStrings(), g.outGrad(0))))
                .register(r);

        op("depth_to_space")
                .doc("Moves blocks of depth into space (the inverse of space_to_depth): (N, C, H, W) becomes "
                        + "(N, C/b^2, H*b, W*b) as reshape (N, b, b, C/b^2, H, W), transpose (0, 3, 4, 1, 5, 2), reshape.")
                .param(Param.intParam("block_size").required().min(1).doc("Blocks of block_size x block_size are moved."))
                .inferShape(unary((a, s) -> {
                    long b = a.getLong("block_size");
                    if (s.ndim() != 4) throw ShapeRules.error(a, "requires a 4-D input (N, C, H, W), got " + s);
                    if (s.dim(1) % (b * b) != 0) throw ShapeRules.error(a, "depth " + s.dim(1) + " of " + s + " is not a multiple of block_size^2 = " + b * b);
                    return Shape.of(s.dim(0), s.dim(1) / (b * b), s.dim(2) * b, s.dim(3) * b);
                }))
                .gradient(g -> List.of(g.op("space_to_depth", g.attrs().givenAsStrings(), g.outGrad(0))))
                .register(r);

        op("space_to_depth")
                .doc("Moves blocks of space into depth (the inverse of depth_to_space): (N, C, H, W) becomes "
                        + "(N, C*b^2, H/b, W/b) as reshape (N, C, H/b, b, W/b, b), transpose (0, 3, 5, 1, 2, 4), reshape.")
                .param(Param.intParam("block_size").required().min(1).doc("Blocks of block_size x block_size are moved."))
                .inferShape(unary((a, s) -> {
                    long b = a.getLong("block_size");
                    if (s.ndim() != 4) throw ShapeRules.error(a, "requires a 4-D input (N, C, H, W), got " + s);
                    if (s.dim(2) % b != 0 || s.dim(3) % b != 0) throw ShapeRules.error(a, "height and width of " + s + " must be multiples of block_size " + b);
                    return Shape.of(s.dim(0), s.dim(1) * b * b, s.dim(2) / b, s.dim(3) / b);
                }))
                .gradient(g -> List.of(g.op("depth_to_space", g.attrs().givenAsStrings(), g.outGrad(0))))
                .register(r);
    }

    private static boolean transposeShape(Attrs a, Shape[] in, Shape[] out) {
        boolean inRank = in[0] != null && in[0].isRankKnown(), outRank = out[0] != null && out[0].isRankKnown();
        if (!inRank && !outRank) return false;
        if (inRank && outRank && in[0].ndim() != out[0].ndim()) throw ShapeRules.error(a, "input " + in[0] + " and output " + out[0] + " differ in rank");
        int n = inRank ? in[0].ndim() : out[0].ndim();
        int[] axes = ShapeMath.transposeAxes(a, n);
        if (inRank) ShapeRules.assign(a, out, 0, ShapeMath.permute(in[0], axes), "output");
        if (outRank) {
            long[] d = new long[n];
            for (int i = 0; i < n; i++) d[axes[i]] = out[0].dim(i);
            ShapeRules.assign(a, in, 0, Shape.of(d), "input data");
        }
        return ShapeRules.known(in[0]) && ShapeRules.known(out[0]);
    }

    // ------------------------------------------------------------------ Concat, stack, split

    private static void joinAndSplit(OpRegistry r) {
        op("Concat").alias("concat")
                .doc("Joins arrays along an existing axis `dim`; all other dimensions must agree. "
                        + "Example: concat of (2, 1) and (2, 3) along dim=1 gives (2, 4).")
                .param(Param.intParam("num_args").required().min(1).doc("Number of inputs to concatenate."))
                .param(Param.intParam("dim").defaultValue(1).doc("The axis along which to concatenate."))
                .variadicInputs("num_args")
                .inferShape(ShapeOps::concatShape)
                .gradient(g -> {
                    NodeEntry[] ins = new NodeEntry[g.numInputs() + 1];
                    ins[0] = g.outGrad(0);
                    for (int i = 0; i < g.numInputs(); i++) ins[i + 1] = g.input(i);
                    Node b = g.node("_backward_Concat", Map.of("num_args", g.numInputs(), "dim", g.attrs().getInt("dim")), ins);
                    List<NodeEntry> res = new ArrayList<>();
                    for (int i = 0; i < g.numInputs(); i++) res.add(b.output(i));
                    return res;
                })
                .register(r);

        op("_backward_Concat")
                .doc("Gradient of Concat: splits out_grad along dim into pieces shaped like the forward inputs.")
                .param(Param.intParam("num_args").required().min(1).doc("Number of forward inputs."))
                .param(Param.intParam("dim").defaultValue(1).doc("The concatenation axis."))
                .inputs(a -> {
                    List<String> l = new ArrayList<>(List.of("out_grad"));
                    for (int i = 0; i < a.getInt("num_args"); i++) l.add("arg" + i);
                    return l;
                })
                .outputs(a -> {
                    List<String> l = new ArrayList<>();
                    for (int i = 0; i < a.getInt("num_args"); i++) l.add("arg" + i + "_grad");
                    return l;
                })
                .inferShape((a, in, out) -> {
                    for (int i = 0; i < out.length; i++) if (ShapeRules.known(in[i + 1])) ShapeRules.assign(a, out, i, in[i + 1], "output " + i);
                    return ShapeRules.allKnown(in) && ShapeRules.allKnown(out);
                })
                .inferType(typeOfFirst())
                .backwardOf("Concat")
                .gradient(SecondOrder.ofLinearBackward(g -> {
                    NodeEntry[] heads = new NodeEntry[g.numInputs() - 1];
                    for (int i = 0; i < heads.length; i++) heads[i] = g.outGrad(i);
                    return g.op("Concat", g.attrs().givenAsStrings(), heads);
                }))
                .register(r);

        op("stack")
                .doc("Joins arrays of one shape along a new axis: stack of two (2,) arrays gives (2, 2) for axis=0.")
                .param(Param.intParam("axis").defaultValue(0).doc("Position of the new axis in the result."))
                .param(Param.intParam("num_args").required().min(1).doc("Number of inputs to stack."))
                .variadicInputs("num_args")
                .inferShape(ShapeOps::stackShape)
                .gradient(g -> {
                    int n = g.numInputs();
                    Node s = g.node("SliceChannel", Map.of("num_outputs", n, "axis", g.attrs().getInt("axis"), "squeeze_axis", true), g.outGrad(0));
                    List<NodeEntry> res = new ArrayList<>();
                    for (int i = 0; i < n; i++) res.add(s.output(i));
                    return res;
                })
                .register(r);

        op("SliceChannel").alias("split")
                .doc("Splits an array along `axis` into num_outputs equal parts; with squeeze_axis=True the split axis "
                        + "(then of size 1) is removed. Example: (3, 2, 1) split with axis=1, num_outputs=2 gives two (3, 1, 1).")
                .param(Param.intParam("num_outputs").required().min(1).doc("Number of parts; must divide the axis length."))
                .param(Param.intParam("axis").defaultValue(1).doc("The axis to split."))
                .param(Param.boolParam("squeeze_axis").defaultValue(false).doc("Remove the split axis; needs axis length == num_outputs."))
                .outputs(a -> numbered("output", a.getInt("num_outputs")))
                .inferShape(ShapeOps::splitShape)
                .gradient(ShapeOps::splitGradient)
                .register(r);

        op("_split_v2").alias("_npi_split")
                .doc("Splits an array along `axis` at the given indices (which start with 0) or into `sections` "
                        + "near-equal parts (the first parts one larger). Example: (3, 2, 1) with axis=0, indices=(0, 1) gives "
                        + "(1, 2, 1) and (2, 2, 1).")
                .param(Param.intTupleParam("indices").required().doc("Start of each part along axis (used when sections is 0)."))
                .param(Param.intParam("axis").defaultValue(1).doc("The axis to split."))
                .param(Param.boolParam("squeeze_axis").defaultValue(false).doc("Remove the split axis; every part must have length 1."))
                .param(Param.intParam("sections").defaultValue(0).min(0).doc("Number of near-equal parts; 0 splits by indices."))
                .outputs(a -> numbered("output", a.getInt("sections") > 0 ? a.getInt("sections") : a.getLongs("indices").length))
                .inferShape(ShapeOps::splitShape)
                .gradient(ShapeOps::splitGradient)
                .register(r);
    }

    private static List<String> numbered(String prefix, int n) {
        List<String> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) l.add(prefix + i);
        return l;
    }

    private static boolean concatShape(Attrs a, Shape[] in, Shape[] out) {
        int ndim = -1;
        for (Shape s : in) if (s != null && s.isRankKnown()) ndim = s.ndim();
        if (out[0] != null && out[0].isRankKnown()) ndim = out[0].ndim();
        if (ndim < 0) return false;
        if (ndim == 0) throw ShapeRules.error(a, "0-dimensional arrays cannot be concatenated");
        int ax = ShapeMath.axis(a, "dim", a.getInt("dim"), ndim);
        Shape common = null;
        long total = 0;
        boolean sizeKnown = true;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == null || !in[i].isRankKnown()) { sizeKnown = false; continue; }
            if (in[i].ndim() != ndim) throw ShapeRules.error(a, "input arg" + i + " " + in[i] + " has " + in[i].ndim() + " dimensions, expected " + ndim);
            long d = in[i].dim(ax);
            if (d == Shape.UNKNOWN_DIM) sizeKnown = false; else total += d;
            common = mergeExcept(a, common, in[i], ax, "input arg" + i);
        }
        if (out[0] != null && out[0].isRankKnown()) common = mergeExcept(a, common, out[0], ax, "output");
        for (int i = 0; i < in.length; i++) {
            Shape want = in[i] != null && in[i].isRankKnown() ? common.withDim(ax, in[i].dim(ax)) : common;
            ShapeRules.assign(a, in, i, want, "input arg" + i);
        }
        if (sizeKnown) ShapeRules.assign(a, out, 0, common.withDim(ax, total), "output");
        return ShapeRules.allKnown(in) && ShapeRules.allKnown(out);
    }

    /** Merge {@code s} into {@code acc} ignoring axis {@code ax} (left unknown). */
    private static Shape mergeExcept(Attrs a, Shape acc, Shape s, int ax, String what) {
        Shape m = Shape.merge(acc, s.withDim(ax, Shape.UNKNOWN_DIM));
        if (m == null) throw ShapeRules.error(a, "incompatible shapes: " + what + " " + s + " does not match " + acc + " outside axis " + ax);
        return m;
    }

    private static boolean stackShape(Attrs a, Shape[] in, Shape[] out) {
        Shape common = null;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == null) continue;
            Shape m = Shape.merge(common, in[i]);
            if (m == null) throw ShapeRules.error(a, "all inputs must have the same shape, got " + Arrays.toString(in));
            common = m;
        }
        if (!ShapeRules.known(common)) return false;
        int ax = ShapeMath.axis(a, "axis", a.getInt("axis"), common.ndim() + 1);
        long[] d = common.dims(), o = new long[d.length + 1];
        for (int i = 0, j = 0; i < o.length; i++) o[i] = i == ax ? in.length : d[j++];
        for (int i = 0; i < in.length; i++) ShapeRules.assign(a, in, i, common, "input arg" + i);
        ShapeRules.assign(a, out, 0, Shape.of(o), "output");
        return true;
    }

    private static boolean splitShape(Attrs a, Shape[] in, Shape[] out) {
        boolean squeeze = a.getBool("squeeze_axis");
        if (!ShapeRules.known(in[0])) {
            // SliceChannel's parts are equal, so one known output gives the input (as MXNet back-calculates)
            Shape o = out.length > 0 ? out[0] : null;
            if (!a.op().name().equals("SliceChannel") || !ShapeRules.known(o)) return false;
            int n = a.getInt("num_outputs"), rank = o.ndim() + (squeeze ? 1 : 0);
            int ax = ShapeMath.axis(a, "axis", a.getInt("axis"), rank);
            long[] d = new long[rank];
            for (int i = 0, j = 0; i < rank; i++) d[i] = squeeze && i == ax ? n : i == ax ? o.dim(j++) * n : o.dim(j++);
            ShapeRules.assign(a, in, 0, Shape.of(d), "input data");
        }
        Shape s = in[0];
        int ax = ShapeMath.axis(a, "axis", a.getInt("axis"), s.ndim());
        long[] bounds = ShapeMath.splitBounds(a, s, ax);
        for (int i = 0; i < out.length; i++) {
            long len = bounds[i + 1] - bounds[i];
            if (squeeze && len != 1) {
                throw ShapeRules.error(a, "squeeze_axis=True needs parts of length 1, but part " + i + " of axis " + ax + " of " + s + " has length " + len);
            }
            Shape o = s.withDim(ax, len);
            if (squeeze) o = dropAxis(o, ax);
            ShapeRules.assign(a, out, i, o, "output " + i);
        }
        return true;
    }

    static Shape dropAxis(Shape s, int ax) {
        long[] d = s.dims(), o = new long[d.length - 1];
        for (int i = 0, j = 0; i < d.length; i++) if (i != ax) o[j++] = d[i];
        return Shape.of(o);
    }

    /** The gradient of a split joins the output gradients again: stack when the axis was squeezed, else Concat. */
    private static List<NodeEntry> splitGradient(GradContext g) {
        int n = g.node().numOutputs();
        NodeEntry[] grads = new NodeEntry[n];
        for (int i = 0; i < n; i++) grads[i] = g.outGrad(i);
        int axis = g.attrs().getInt("axis");
        boolean squeeze = g.attrs().getBool("squeeze_axis");
        NodeEntry joined = squeeze ? g.op("stack", Map.of("axis", axis, "num_args", n), grads)
                : g.op("Concat", Map.of("dim", axis, "num_args", n), grads);
        return List.of(joined);
    }

    // ------------------------------------------------------------------ slices

    private static void slices(OpRegistry r) {
        op("slice").alias("crop", "_npx_slice", "_npi_slice")
                .doc("Slices a region: for each leading axis i, elements begin[i], begin[i]+step[i], ... before end[i]. "
                        + "Entries may be None (whole axis, or from the end for negative steps) and negative (from the end). "
                        + "Example: x of shape (3, 4), begin=(0, 1), end=(2, 4) gives the (2, 3) block; begin=(None,), end=(None,), "
                        + "step=(-1,) reverses axis 0.")
                .param(Param.stringParam("begin").required().doc("Tuple of int or None: start index per axis."))
                .param(Param.stringParam("end").required().doc("Tuple of int or None: end index (exclusive) per axis."))
                .param(Param.stringParam("step").defaultValue("()").doc("Tuple of int or None: step per axis (default 1; may be negative)."))
                .inferShape(unary((a, s) -> ShapeMath.slice(a, s).out()))
                .gradient(backwardOp("_backward_slice"))
                .register(r);

        op("_backward_slice")
                .doc("Gradient of slice: out_grad written into the sliced region of zeros shaped like data.")
                .inputs("out_grad", "data")
                .param(Param.stringParam("begin").required())
                .param(Param.stringParam("end").required())
                .param(Param.stringParam("step").defaultValue("()"))
                .inferShape(backwardOfView((a, s) -> ShapeMath.slice(a, s).out()))
                .inferType(typeOfFirst())
                .backwardOf("slice")
                .gradient(SecondOrder.ofLinearBackward("slice"))
                .register(r);

        op("_slice_assign").alias("_crop_assign", "_npi_slice_assign")
                .doc("Returns lhs with the region slice(lhs, begin, end, step) replaced by rhs, whose shape must be that "
                        + "region's (NDArray's x[region] = y). Example: _slice_assign(zeros((2, 3)), [[1, 2]], begin=(1, 1), "
                        + "end=(2, 3)) = [[0, 0, 0], [0, 1, 2]].")
                .inputs("lhs", "rhs")
                .param(Param.stringParam("begin").required().doc("Tuple of int or None: start index per axis."))
                .param(Param.stringParam("end").required().doc("Tuple of int or None: end index (exclusive) per axis."))
                .param(Param.stringParam("step").defaultValue("()").doc("Tuple of int or None: step per axis (default 1; may be negative)."))
                .inferShape((a, in, out) -> {
                    if (!ShapeRules.known(in[0])) return false;
                    ShapeRules.assign(a, in, 1, ShapeMath.slice(a, in[0]).out(), "input rhs");
                    ShapeRules.assign(a, out, 0, in[0], "output");
                    return ShapeRules.known(in[1]);
                })
                .inplace(0, 0)
                .register(r);

        op("_slice_assign_scalar").alias("_crop_assign_scalar", "_npi_slice_assign_scalar")
                .doc("Returns data with the region slice(data, begin, end, step) set to `scalar` (NDArray's x[region] = c). "
                        + "Example: _slice_assign_scalar(zeros((2, 3)), scalar=5, begin=(None, 2), end=(None, None)) = [[0, 0, 5], [0, 0, 5]].")
                .param(Param.floatParam("scalar").defaultValue(0.0).doc("The value to assign."))
                .param(Param.stringParam("begin").required().doc("Tuple of int or None: start index per axis."))
                .param(Param.stringParam("end").required().doc("Tuple of int or None: end index (exclusive) per axis."))
                .param(Param.stringParam("step").defaultValue("()").doc("Tuple of int or None: step per axis (default 1; may be negative)."))
                .inferShape(unary((a, s) -> {
                    ShapeMath.slice(a, s);  // validates begin/end/step
                    return s;
                }))
                .inplace(0, 0)
                .register(r);

        op("slice_axis")
                .doc("Slices [begin, end) along one axis; negative indices count from the end and end=None means the end. "
                        + "Example: x of shape (3, 4), axis=1, begin=1, end=-1 gives shape (3, 2).")
                .param(Param.intParam("axis").required().doc("The axis to slice; negative counts from the end."))
                .param(Param.longParam("begin").required().doc("Start index; negative counts from the end."))
                .param(Param.longParam("end").required().optional().doc("End index (exclusive), negative counts from the end; None for the end."))
                .inferShape(unary((a, s) -> ShapeMath.sliceAxis(a, s).out()))
                .gradient(backwardOp("_backward_slice_axis"))
                .register(r);

        op("_backward_slice_axis")
                .doc("Gradient of slice_axis.")
                .inputs("out_grad", "data")
                .param(Param.intParam("axis").required())
                .param(Param.longParam("begin").required())
                .param(Param.longParam("end").required().optional())
                .inferShape(backwardOfView((a, s) -> ShapeMath.sliceAxis(a, s).out()))
                .inferType(typeOfFirst())
                .backwardOf("slice_axis")
                .gradient(SecondOrder.ofLinearBackward("slice_axis"))
                .register(r);

        op("slice_like")
                .doc("Slices data from the start to the shape of shape_like, on all axes or on `axes`. "
                        + "Example: x of shape (3, 4) like y of shape (2, 3) gives x[0:2, 0:3]; with axes=(0,) gives x[0:2, :].")
                .inputs("data", "shape_like")
                .param(Param.intTupleParam("axes").defaultValue(new long[0]).doc("Axes to slice; empty slices all axes."))
                .inferShape((a, in, out) -> {
                    if (!ShapeRules.known(in[0]) || !ShapeRules.known(in[1])) return false;
                    ShapeRules.assign(a, out, 0, ShapeMath.sliceLike(a, in[0], in[1]).out(), "output");
                    return true;
                })
                .inferType(typeOfFirst())
                .gradient(backwardOp("_backward_slice_like"))
                .register(r);

        op("_backward_slice_like")
                .doc("Gradient of slice_like with respect to data (shape_like gets none).")
                .inputs("out_grad", "data")
                .param(Param.intTupleParam("axes").defaultValue(new long[0]))
                .inferShape(shapeOfInput(1))
                .inferType(typeOfFirst())
                .backwardOf("slice_like")
                .gradient(SecondOrder.ofLinearBackward(g -> g.op("slice_like", g.attrs().givenAsStrings(), g.outGrad(0), g.input(0))))
                .register(r);

        op("clip").alias("_npi_clip")
                .doc("Limits values to [a_min, a_max]: clip([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 1, 8) = [1, 1, 2, 3, 4, 5, 6, 7, 8, 8]. "
                        + "The gradient passes where a_min <= x <= a_max.")
                .param(Param.floatParam("a_min").required().doc("Minimum value."))
                .param(Param.floatParam("a_max").required().doc("Maximum value."))
                .inplace(0, 0)
                .gradient(g -> List.of(g.op("_backward_clip", g.attrs().givenAsStrings(), g.outGrad(0), g.input(0))))
                .register(r);

        op("_backward_clip")
                .doc("Gradient of clip: out_grad where a_min <= data <= a_max, else 0.")
                .inputs("out_grad", "data")
                .param(Param.floatParam("a_min").required())
                .param(Param.floatParam("a_max").required())
                .backwardOf("clip")
                .gradient(SecondOrder.ofUnaryBackward("_backward_clip", SecondOrder.ZERO))
                .register(r);
    }

    /** Backward of a view-like op: output shaped like the donor, out_grad checked against the forward output. */
    private static ShapeFn backwardOfView(BiFunction<Attrs, Shape, Shape> forward) {
        return (a, in, out) -> {
            if (!ShapeRules.known(in[1])) return false;
            ShapeRules.assign(a, in, 0, forward.apply(a, in[1]), "input out_grad");
            ShapeRules.assign(a, out, 0, in[1], "output");
            return ShapeRules.allKnown(in);
        };
    }

    // ------------------------------------------------------------------ repeat, tile, reverse

    private static void repeatTileReverse(OpRegistry r) {
        op("repeat").alias("_np_repeat")
                .doc("Repeats each element `repeats` times along `axis`, or of the flattened input when axis is None. "
                        + "Example: repeat([[1, 2], [3, 4]], repeats=2, axis=1) = [[1, 1, 2, 2], [3, 3, 4, 4]].")
                .param(Param.intParam("repeats").required().min(0).doc("Number of repetitions of each element."))
                .param(Param.intParam("axis").optional().doc("Axis to repeat along; None repeats the flattened input."))
                .inferShape(unary(ShapeMath::repeat))
                .gradient(backwardOp("_backward_repeat"))
                .register(r);

        op("_backward_repeat")
                .doc("Gradient of repeat: sums each group of repeated elements.")
                .inputs("out_grad", "data")
                .param(Param.intParam("repeats").required().min(0))
                .param(Param.intParam("axis").optional())
                .inferShape(backwardOfView(ShapeMath::repeat))
                .inferType(typeOfFirst())
                .backwardOf("repeat")
                .gradient(SecondOrder.ofLinearBackward("repeat"))
                .register(r);

        op("tile").alias("_npi_tile")
                .doc("Repeats the whole array `reps` times per axis; reps and the input rank are aligned from the right, "
                        + "padding the shorter with ones. Example: tile of shape (2, 3) with reps=(2, 1, 2) gives (2, 2, 6).")
                .param(Param.intTupleParam("reps").required().min(1).doc("Repetitions per axis (positive)."))
                .inferShape(unary(ShapeMath::tile))
                .gradient(backwardOp("_backward_tile"))
                .register(r);

        op("_backward_tile")
                .doc("Gradient of tile: sums over the tiles.")
                .inputs("out_grad", "data")
                .param(Param.intTupleParam("reps").required().min(1))
                .inferShape(backwardOfView(ShapeMath::tile))
                .inferType(typeOfFirst())
                .backwardOf("tile")
                .gradient(SecondOrder.ofLinearBackward("tile"))
                .register(r);

        op("reverse").alias("flip")
                .doc("Reverses the order of elements along the given axes: reverse([[0, 1], [2, 3]], axis=1) = [[1, 0], [3, 2]].")
                .param(Param.intTupleParam("axis").required().doc("The axes to reverse."))
                .inferShape(unary((a, s) -> {
                    for (long x : a.getLongs("axis")) ShapeMath.axis(a, "axis", x, s.ndim());
                    return s;
                }))
                .gradient(g -> List.of(g.op("reverse", g.attrs().givenAsStrings(), g.outGrad(0))))
                .register(r);
    }

    // ------------------------------------------------------------------ Pad

    private static void pad(OpRegistry r) {
        op("Pad").alias("pad")
                .doc("Pads a 4-D or 5-D array on its spatial axes (the first two axes cannot be padded). pad_width holds "
                        + "(before, after) per axis. Modes: constant (constant_value), edge (repeat the border value), "
                        + "reflect (mirror without repeating the border, like numpy). Example: a row [1, 2, 3] padded by (2, 2) "
                        + "gives [0, 0, 1, 2, 3, 0, 0] (constant), [1, 1, 1, 2, 3, 3, 3] (edge), [3, 2, 1, 2, 3, 2, 1] (reflect).")
                .param(Param.enumParam("mode", "constant", "edge", "reflect").required().doc("Padding type."))
                .param(Param.intTupleParam("pad_width").required().doc("(before_1, after_1, ..., before_N, after_N); the first four must be 0."))
                .param(Param.floatParam("constant_value").defaultValue(0.0).doc("Value for constant padding."))
                .inferShape(unary(ShapeMath::pad))
                .gradient(backwardOp("_backward_Pad"))
                .register(r);

        op("_backward_Pad")
                .doc("Gradient of Pad: the interior of out_grad plus, for edge and reflect, the padding folded back onto its sources.")
                .inputs("out_grad", "data")
                .param(Param.enumParam("mode", "constant", "edge", "reflect").required())
                .param(Param.intTupleParam("pad_width").required())
                .param(Param.floatParam("constant_value").defaultValue(0.0))
                .inferShape(backwardOfView(ShapeMath::pad))
                .inferType(typeOfFirst())
                .backwardOf("Pad")
                // the transpose of Pad's linear part: Pad of the head gradient with a zero constant
                .gradient(SecondOrder.ofLinearBackward(g -> {
                    Map<String, String> p = new HashMap<>(g.attrs().givenAsStrings());
                    p.put("constant_value", "0");
                    return g.op("Pad", p, g.outGrad(0));
                }))
                .register(r);
    }

    // ------------------------------------------------------------------ broadcasts

    /** The gradient of every broadcast: out_grad summed back to the input's shape. */
    private static final Gradient BROADCAST_GRAD = g -> List.of(g.op("_broadcast_backward", g.outGrad(0), g.input(0)));

    private static void broadcasts(OpRegistry r) {
        op("broadcast_to")
                .doc("Broadcasts axes of size 1 to a new shape; 0 keeps the input's size. "
                        + "Example: broadcast_to([[1, 2, 3]], shape=(2, 0)) = [[1, 2, 3], [1, 2, 3]].")
                .param(Param.intTupleParam("shape").defaultValue(new long[0]).doc("The target shape; 0 keeps the input dimension."))
                .inferShape(unary(ShapeMath::broadcastTo))
                .gradient(BROADCAST_GRAD)
                .register(r);

        op("broadcast_axis").alias("broadcast_axes")
                .doc("Broadcasts the given axes (of size 1) to the given sizes: x of shape (1, 2, 1) with axis=(0, 2), "
                        + "size=(2, 3) gives shape (2, 2, 3).")
                .param(Param.intTupleParam("axis").defaultValue(new long[0]).doc("The axes to broadcast."))
                .param(Param.intTupleParam("size").defaultValue(new long[0]).doc("Target sizes of those axes."))
                .inferShape(unary(ShapeMath::broadcastAxis))
                .gradient(BROADCAST_GRAD)
                .register(r);

        op("broadcast_like")
                .doc("Broadcasts lhs to the shape of rhs, or only lhs_axes to the sizes of rhs's rhs_axes. "
                        + "Example: broadcast_like([[1, 2, 3]], [[5, 6, 7], [7, 8, 9]]) = [[1, 2, 3], [1, 2, 3]].")
                .inputs("lhs", "rhs")
                .param(Param.intTupleParam("lhs_axes").optional().doc("Axes of lhs to broadcast."))
                .param(Param.intTupleParam("rhs_axes").optional().doc("Axes of rhs whose sizes to copy."))
                .inferShape((a, in, out) -> {
                    if (!ShapeRules.known(in[0]) || !ShapeRules.known(in[1])) return false;
                    ShapeRules.assign(a, out, 0, ShapeMath.broadcastLike(a, in[0], in[1]), "output");
                    return true;
                })
                .inferType(typeOfFirst())
                .gradient(g -> ShapeFamilySupport.perInput(BROADCAST_GRAD.apply(g).get(0), null))
                .register(r);

        op("_broadcast_backward")
                .doc("Gradient of the broadcast operators: sums out_grad over the broadcast axes down to data's shape.")
                .inputs("out_grad", "data")
                .inferShape((a, in, out) -> {
                    if (!ShapeRules.known(in[0]) || !ShapeRules.known(in[1])) return false;
                    Shape g = in[0], d = in[1];
                    boolean ok = g.ndim() == d.ndim();
                    for (int i = 0; ok && i < d.ndim(); i++) ok = d.dim(i) == g.dim(i) || d.dim(i) == 1;
                    if (!ok) throw ShapeRules.error(a, "out_grad " + g + " is not a broadcast of data " + d);
                    ShapeRules.assign(a, out, 0, d, "output");
                    return true;
                })
                .inferType(typeOfFirst())
                .backwardOf("broadcast_to")
                // a sum over the broadcast axes: its gradient broadcasts the head gradient back to out_grad's shape
                .gradient(g -> List.of(g.op("broadcast_like", g.outGrad(0), g.input(0)), g.zerosLike(g.input(1))))
                .register(r);
    }

    // ------------------------------------------------------------------ where

    private static void misc(OpRegistry r) {
        op("where")
                .doc("Takes elements of x where condition is non-zero and of y elsewhere. condition has the shape of x, "
                        + "or is 1-D with one entry per row (first axis) of x. "
                        + "Example: where([[0, 1], [-1, 0]], [[1, 2], [3, 4]], [[5, 6], [7, 8]]) = [[5, 2], [3, 8]].")
                .inputs("condition", "x", "y")
                .inferShape(ShapeOps::whereShape)
                .inferType((a, in, out) -> {
                    DType t = in[1] != null ? in[1] : in[2] != null ? in[2] : out[0];
                    if (t == null) return false;
                    TypeRules.assign(a, in, 1, t, "input x");
                    TypeRules.assign(a, in, 2, t, "input y");
                    TypeRules.assign(a, out, 0, t, "output");
                    return in[0] != null;
                })
                .gradient(g -> {
                    Node b = g.node("_backward_where", Map.of(), g.outGrad(0), g.input(0));
                    return ShapeFamilySupport.perInput(null, b.output(0), b.output(1));
                })
                .register(r);

        op("_backward_where")
                .doc("Gradient of where: out_grad routed to x where condition is non-zero, to y elsewhere.")
                .inputs("out_grad", "condition")
                .outputs("x_grad", "y_grad")
                .inferShape((a, in, out) -> {
                    if (!ShapeRules.known(in[0])) return false;
                    ShapeRules.assign(a, out, 0, in[0], "output 0");
                    ShapeRules.assign(a, out, 1, in[0], "output 1");
                    return ShapeRules.known(in[1]);
                })
                .inferType(typeOfFirst())
                .backwardOf("where")
                .gradient(SecondOrder.ofLinearBackward(g -> g.op("where", g.input(1), g.outGrad(0), g.outGrad(1)), 1))
                .register(r);
    }

    private static boolean whereShape(Attrs a, Shape[] in, Shape[] out) {
        Shape t = in[1];
        for (Shape s : new Shape[] {in[2], out[0]}) {
            if (t == null || s == null) { t = t == null ? s : t; continue; }
            t = Shape.merge(t, s);
            if (t == null) throw ShapeRules.error(a, "x " + in[1] + " and y " + in[2] + " must have the same shape");
        }
        if (t != null && t.isRankKnown()) {
            ShapeRules.assign(a, in, 1, t, "input x");
            ShapeRules.assign(a, in, 2, t, "input y");
            ShapeRules.assign(a, out, 0, t, "output");
        }
        if (!ShapeRules.known(in[0]) || !ShapeRules.known(t)) return false;
        Shape c = in[0];
        if (c.ndim() == t.ndim()) {
            if (!c.equals(t)) throw ShapeRules.error(a, "condition " + c + " must have the shape of x " + t + " or be 1-D with one entry per row");
        } else if (c.ndim() != 1 || t.ndim() == 0 || c.dim(0) != t.dim(0)) {
            throw ShapeRules.error(a, "condition " + c + " must have the shape of x " + t + " or be 1-D with one entry per row (" + (t.ndim() == 0 ? "none" : t.dim(0)) + ")");
        }
        return true;
    }
}
