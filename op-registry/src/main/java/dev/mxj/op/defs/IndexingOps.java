package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.TypeRules;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.mxj.op.defs.ShapeFamilySupport.perInput;
import static dev.mxj.op.defs.ShapeFamilySupport.shapeOfInput;
import static dev.mxj.op.defs.ShapeFamilySupport.typeOfFirst;

/**
 * Indexing operators (MXNet 1.9 src/operator/tensor/indexing_op.cc, pick from
 * broadcast_reduce_op_index.cc). Index inputs may have any dtype (values are truncated to
 * integers); gradients flow to the data input only.
 */
public final class IndexingOps {
    private IndexingOps() {}

    private static final String FAMILY = "indexing";

    private static OpDef.Builder op(String name) { return OpDef.builder(name).family(FAMILY); }

    public static void register(OpRegistry r) {
        op("take").alias("_npi_take")
                .doc("Takes slices of `a` along `axis` at the given indices; the result has shape "
                        + "a.shape[:axis] + indices.shape + a.shape[axis+1:]. Out-of-range indices are clipped (mode='clip'), "
                        + "wrapped around (mode='wrap') or rejected (mode='raise'). Example: take([[1, 2], [3, 4], [5, 6]], [[0, 1], [1, 2]]) "
                        + "= [[[1, 2], [3, 4]], [[3, 4], [5, 6]]].")
                .inputs("a", "indices")
                .param(Param.intParam("axis").defaultValue(0).doc("The axis of `a` to take from, in [-r, r-1]."))
                .param(Param.enumParam("mode", "raise", "wrap", "clip").defaultValue("clip").doc("How out-of-bound indices behave."))
                .inferShape(IndexingOps::takeShape)
                .inferType(typeOfFirst())
                .gradient(g -> perInput(g.op("_backward_take", g.attrs().givenAsStrings(), g.outGrad(0), g.input(1), g.input(0)), null))
                .register(r);

        op("_backward_take")
                .doc("Gradient of take: out_grad slices added into zeros shaped like `a` at their indices.")
                .inputs("out_grad", "indices", "a")
                .param(Param.intParam("axis").defaultValue(0))
                .param(Param.enumParam("mode", "raise", "wrap", "clip").defaultValue("clip"))
                .inferShape(shapeOfInput(2))
                .inferType(typeOfFirst())
                .backwardOf("take")
                .gradient(SecondOrder.ofLinearBackward(g -> g.op("take", g.attrs().givenAsStrings(), g.outGrad(0), g.input(1)), 1))
                .register(r);

        op("pick")
                .alias("choose_element_0index", "_npx_pick")
                .doc("Picks one element along `axis` per position of `index`: for a (d0, d1) input and axis=1, "
                        + "output[i] = data[i, index[i]]. Out-of-range indices are clipped (mode='clip') or wrapped (mode='wrap'). "
                        + "Example: pick([[1, 2], [3, 4], [5, 6]], [0, 1, 0], axis=1) = [1, 4, 5].")
                .inputs("data", "index")
                .param(Param.intParam("axis").optional().defaultValue(-1).doc("The axis to pick along (None is not supported, as in MXNet)."))
                .param(Param.boolParam("keepdims").defaultValue(false).doc("Keep the picked axis with size 1."))
                .param(Param.enumParam("mode", "wrap", "clip").defaultValue("clip").doc("How out-of-bound indices behave."))
                .inferShape(IndexingOps::pickShape)
                .inferType(typeOfFirst())
                .gradient(g -> perInput(g.op("_backward_pick", g.attrs().givenAsStrings(), g.outGrad(0), g.input(1), g.input(0)), null))
                .register(r);

        op("_backward_pick")
                .doc("Gradient of pick: out_grad written at the picked positions of zeros shaped like data.")
                .inputs("out_grad", "index", "data")
                .param(Param.intParam("axis").optional().defaultValue(-1))
                .param(Param.boolParam("keepdims").defaultValue(false))
                .param(Param.enumParam("mode", "wrap", "clip").defaultValue("clip"))
                .inferShape(shapeOfInput(2))
                .inferType(typeOfFirst())
                .backwardOf("pick")
                .gradient(SecondOrder.ofLinearBackward(g -> g.op("pick", g.attrs().givenAsStrings(), g.outGrad(0), g.input(1)), 1))
                .register(r);

        op("gather_nd").alias("_npi_gather_nd", "_npx_gather_nd")
                .doc("Gathers elements or slices of data (X_0, ..., X_{N-1}) at indices of shape (M, Y_0, ..., Y_{K-1}); the result "
                        + "has shape (Y_0, ..., Y_{K-1}, X_M, ..., X_{N-1}). Negative indices count from the end. "
                        + "Example: gather_nd([[0, 1], [2, 3]], [[1, 1, 0], [0, 1, 0]]) = [2, 3, 0].")
                .inputs("data", "indices")
                .inferShape((a, in, out) -> {
                    if (!ShapeRules.known(in[0]) || !ShapeRules.known(in[1])) return false;
                    ShapeRules.assign(a, out, 0, gatherShape(a, in[0], in[1]), "output");
                    return true;
                })
                .inferType(typeOfFirst())
                .gradient(g -> perInput(g.op("_backward_gather_nd", Map.of(), g.outGrad(0), g.input(1), g.input(0)), null))
                .register(r);

        op("_backward_gather_nd")
                .doc("Scatters data into zeros of shape `shape` at indices, adding values whose indices repeat (the gradient of "
                        + "gather_nd). When shape is None, a third input `like` gives the output shape. "
                        + "Example: _backward_gather_nd([2, 3, 0], [[1, 1, 0], [1, 1, 0]], shape=(2, 2)) = [[0, 0], [0, 5]].")
                .inputs(a -> a.isNone("shape") ? List.of("data", "indices", "like") : List.of("data", "indices"))
                .param(Param.intTupleParam("shape").optional().doc("Shape of the output; None takes the shape of input `like`."))
                .inferShape((a, in, out) -> scatterShape(a, in, out, a.isNone("shape") ? in[2] : a.getShape("shape")))
                .inferType(typeOfFirst())
                .gradient(g -> g.numInputs() == 2 ? perInput(g.op("gather_nd", g.outGrad(0), g.input(1)), null)
                        : perInput(g.op("gather_nd", g.outGrad(0), g.input(1)), null, null))
                .backwardOf("gather_nd")
                .register(r);

        op("scatter_nd")
                .doc("Scatters data (Y_0, ..., Y_{K-1}, X_M, ..., X_{N-1}) into zeros of shape `shape` = (X_0, ..., X_{N-1}) at "
                        + "indices of shape (M, Y_0, ..., Y_{K-1}). With repeated indices the result is unspecified (last write wins "
                        + "here). Example: scatter_nd([2, 3, 0], [[1, 1, 0], [0, 1, 0]], shape=(2, 2)) = [[0, 0], [2, 3]].")
                .inputs("data", "indices")
                .param(Param.intTupleParam("shape").required().doc("Shape of the output."))
                .inferShape((a, in, out) -> scatterShape(a, in, out, a.getShape("shape")))
                .inferType(typeOfFirst())
                .gradient(g -> perInput(g.op("gather_nd", g.outGrad(0), g.input(1)), null))
                .register(r);

        op("_scatter_set_nd")
                .doc("Writes rhs into lhs at indices of shape (M, Y_0, ..., Y_{K-1}), as scatter_nd does, but keeps the "
                        + "elements of lhs that no index names; what NDArray.__setitem__ uses for advanced-index assignment, "
                        + "with out=lhs. Example: _scatter_set_nd([[1, 1], [1, 1]], [2, 3, 0], [[1, 1, 0], [0, 1, 0]], "
                        + "shape=(2, 2)) = [[0, 1], [2, 3]]. Not differentiable (as in MXNet).")
                .inputs("lhs", "rhs", "indices")
                .param(Param.intTupleParam("shape").required().doc("Shape of lhs and of the output."))
                .inferShape((a, in, out) -> {
                    Shape target = a.getShape("shape");
                    ShapeRules.assign(a, in, 0, target, "lhs");
                    return scatterShape(a, new Shape[] {in[1], in[2]}, out, target);
                })
                .inferType(typeOfFirst())
                .inplace(0, 0)
                .register(r);

        op("one_hot").alias("_npx_one_hot")
                .doc("One-hot encodes indices: the output has shape indices.shape + (depth,), on_value at each index and "
                        + "off_value elsewhere (rows of out-of-range indices are all off_value). "
                        + "Example: one_hot([1, 0, 2], 3) = [[0, 1, 0], [1, 0, 0], [0, 0, 1]].")
                .inputs("indices")
                .param(Param.longParam("depth").required().min(0).doc("Size of the one-hot dimension."))
                .param(Param.floatParam("on_value").defaultValue(1.0).doc("Value at the indexed positions."))
                .param(Param.floatParam("off_value").defaultValue(0.0).doc("Value elsewhere."))
                .param(Param.dtypeParam("dtype").defaultValue(DType.FLOAT32).doc("DType of the output."))
                .inferShape(ShapeFamilySupport.unary((a, s) -> {
                    long[] d = s.dims(), o = Arrays.copyOf(d, d.length + 1);
                    o[d.length] = a.getLong("depth");
                    return Shape.of(o);
                }))
                .inferType(TypeRules.FROM_DTYPE_PARAM)
                .zeroGradient()
                .register(r);

        op("batch_take")
                .doc("Takes one element per row: for a (d0, d1) input and int32 indices (d0,), output[i] = a[i, indices[i]] "
                        + "(indices clipped to the row). Deprecated in MXNet in favour of pick. "
                        + "Example: batch_take([[1, 2], [3, 4], [5, 6]], [0, 1, 0]) = [1, 4, 5].")
                .inputs("a", "indices")
                .inferShape((a, in, out) -> {
                    if (ShapeRules.known(in[1])) ShapeRules.assign(a, out, 0, in[1], "output");
                    if (!ShapeRules.known(in[0]) || !ShapeRules.known(in[1])) return false;
                    Shape d = in[0];
                    if (d.ndim() < 2) throw ShapeRules.error(a, "data must have at least 2 dimensions, got " + d);
                    if (d.dim(-1) == 0) throw ShapeRules.error(a, "data " + d + " has rows of length 0 to take from");
                    if (d.size() / d.dim(-1) != in[1].size()) {
                        throw ShapeRules.error(a, "indices " + in[1] + " must have one entry per row of data " + d + " (" + d.size() / d.dim(-1) + ")");
                    }
                    return true;
                })
                .inferType((a, in, out) -> {
                    TypeRules.assign(a, in, 1, DType.INT32, "input indices (batch_take needs int32 indices)");
                    if (in[0] == null) return false;
                    TypeRules.assign(a, out, 0, in[0], "output");
                    return true;
                })
                .register(r);
    }

    private static boolean takeShape(Attrs a, Shape[] in, Shape[] out) {
        if (!ShapeRules.known(in[0]) || !ShapeRules.known(in[1])) return false;
        Shape arr = in[0], idx = in[1];
        if (arr.ndim() == 0) throw ShapeRules.error(a, "cannot take from a 0-dimensional array");
        int ax = ShapeMath.axis(a, "axis", a.getInt("axis"), arr.ndim());
        long[] o = new long[idx.ndim() + arr.ndim() - 1];
        int k = 0;
        for (int i = 0; i < ax; i++) o[k++] = arr.dim(i);
        for (int i = 0; i < idx.ndim(); i++) o[k++] = idx.dim(i);
        for (int i = ax + 1; i < arr.ndim(); i++) o[k++] = arr.dim(i);
        ShapeRules.assign(a, out, 0, Shape.of(o), "output");
        return true;
    }

    /** pick's picked axis; None is rejected as in MXNet 1.9. */
    public static int pickAxis(Attrs a, Shape data) {
        if (a.isNone("axis")) throw ShapeRules.error(a, "axis=None is not supported; give the axis to pick along");
        if (data.ndim() == 0) throw ShapeRules.error(a, "cannot pick from a 0-dimensional array");
        return ShapeMath.axis(a, "axis", a.getInt("axis"), data.ndim());
    }

    private static boolean pickShape(Attrs a, Shape[] in, Shape[] out) {
        if (!ShapeRules.known(in[0])) return false;
        Shape d = in[0];
        int ax = pickAxis(a, d);
        Shape kept = d.withDim(ax, 1), dropped = ShapeOps.dropAxis(d, ax);
        ShapeRules.assign(a, out, 0, a.getBool("keepdims") ? kept : dropped, "output");
        // An index of unknown rank gets the shape without the picked axis, as MXNet infers it (keepdims or not)
        Shape want = in[1] == null || !in[1].isRankKnown() ? dropped : in[1].ndim() == d.ndim() ? kept : dropped;
        if (Shape.merge(in[1], want) == null) {
            throw ShapeRules.error(a, "index " + in[1] + " must have shape " + dropped + " (or " + kept + ") to pick along axis " + ax + " of " + d);
        }
        ShapeRules.assign(a, in, 1, want, "input index");
        return true;
    }

    /** gather_nd's output shape, with MXNet's checks. */
    private static Shape gatherShape(Attrs a, Shape data, Shape idx) {
        checkNdIndices(a, idx, data, "data");
        long m = idx.dim(0);
        long[] o = new long[idx.ndim() - 1 + data.ndim() - (int) m];
        int k = 0;
        for (int i = 1; i < idx.ndim(); i++) o[k++] = idx.dim(i);
        for (int i = (int) m; i < data.ndim(); i++) o[k++] = data.dim(i);
        return Shape.of(o);
    }

    private static void checkNdIndices(Attrs a, Shape idx, Shape target, String what) {
        if (idx.ndim() < 2) throw ShapeRules.error(a, "indices must have at least 2 dimensions (M, ...), got " + idx);
        if (idx.dim(0) > target.ndim()) throw ShapeRules.error(a, "indices " + idx + " index " + idx.dim(0) + " axes but " + what + " " + target + " has only " + target.ndim());
        if (idx.dim(0) > 10) throw ShapeRules.error(a, "at most 10 axes can be indexed, indices " + idx + " index " + idx.dim(0));
    }

    /** scatter_nd-like: data (Y..., X_M...) and indices (M, Y...) into {@code target} (X...). */
    private static boolean scatterShape(Attrs a, Shape[] in, Shape[] out, Shape target) {
        if (ShapeRules.known(target)) ShapeRules.assign(a, out, 0, target, "output");
        if (!ShapeRules.known(in[0]) || !ShapeRules.known(in[1]) || !ShapeRules.known(target)) return false;
        Shape data = in[0], idx = in[1];
        checkNdIndices(a, idx, target, "output");
        int m = (int) idx.dim(0);
        boolean ok = data.ndim() == idx.ndim() - 1 + target.ndim() - m;
        for (int i = 0; ok && i < idx.ndim() - 1; i++) ok = data.dim(i) == idx.dim(i + 1);
        for (int i = 0; ok && i < target.ndim() - m; i++) ok = data.dim(idx.ndim() - 1 + i) == target.dim(m + i);
        if (!ok) throw ShapeRules.error(a, "invalid combination of data " + data + ", indices " + idx + " and output shape " + target);
        return true;
    }
}
