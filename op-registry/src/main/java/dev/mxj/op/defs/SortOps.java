package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.TypeRules;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.mxj.op.defs.ShapeFamilySupport.shapeOfInput;
import static dev.mxj.op.defs.ShapeFamilySupport.typeOfFirst;

/**
 * Sorting operators (MXNet 1.9 src/operator/tensor/ordering_op.cc). Sorting is stable here:
 * equal values keep their input order (MXNet's CPU std::sort leaves ties unspecified).
 * sort and topk(ret_typ='value') have a hidden int32 index output, as in MXNet, which their
 * gradients use to route out_grad back.
 */
public final class SortOps {
    private SortOps() {}

    private static final String FAMILY = "sort";

    /** Index dtypes MXNet allows for argsort/topk. */
    private static final String[] INDEX_DTYPES = {"uint8", "int32", "int64", "float16", "float32", "float64"};

    private static OpDef.Builder op(String name) { return OpDef.builder(name).family(FAMILY); }

    private static Param axisParam() {
        return Param.intParam("axis").optional().defaultValue(-1).doc("Axis to sort along; None sorts the flattened input.");
    }

    public static void register(OpRegistry r) {
        op("sort").alias("_npi_sort")
                .doc("Returns a sorted copy along `axis` (None: of the flattened input). "
                        + "Example: sort([[1, 4], [3, 1]]) = [[1, 4], [1, 3]]; with is_ascend=False = [[4, 1], [3, 1]].")
                .param(axisParam())
                .param(Param.boolParam("is_ascend").defaultValue(true).doc("Ascending or descending order."))
                .outputs("output", "indices")
                .numVisibleOutputs(a -> 1)
                .inferShape((a, in, out) -> topkShape(a, in, out, "value", 0))
                .inferType((a, in, out) -> {
                    TypeRules.assign(a, out, 1, DType.INT32, "output indices");
                    return valueType(a, in, out);
                })
                .gradient(g -> List.of(g.op("_backward_topk",
                        Map.of("axis", Param.format(g.attrs().get("axis")), "k", 0, "ret_typ", "value", "is_ascend", g.attrs().getBool("is_ascend")),
                        g.outGrad(0), g.output(1), g.input(0))))
                .register(r);

        op("argsort").alias("_npi_argsort")
                .doc("Returns the indices that sort the input along `axis` (None: of the flattened input). "
                        + "Example: argsort([[0.3, 0.2, 0.4], [0.1, 0.3, 0.2]]) = [[1, 0, 2], [0, 2, 1]].")
                .param(axisParam())
                .param(Param.boolParam("is_ascend").defaultValue(true).doc("Ascending or descending order."))
                .param(Param.enumParam("dtype", INDEX_DTYPES).defaultValue("float32").doc("DType of the output indices."))
                .inferShape((a, in, out) -> topkShape(a, in, out, "indices", 0))
                .inferType((a, in, out) -> {
                    TypeRules.assign(a, out, 0, DType.parse(a.getString("dtype")), "output");
                    return in[0] != null;
                })
                .zeroGradient()
                .register(r);

        op("topk").alias("_npx_topk")
                .doc("Returns the top k elements along `axis` (None: of the flattened input), largest first unless is_ascend: "
                        + "their indices (ret_typ='indices'), values ('value'), both, or a 0/1 mask of the input's shape ('mask'). "
                        + "k <= 0 means all. Example: topk([[0.3, 0.2, 0.4], [0.1, 0.3, 0.2]], ret_typ='value', k=2) = [[0.4, 0.3], [0.3, 0.2]].")
                .param(axisParam())
                .param(Param.intParam("k").defaultValue(1).doc("Number of elements to return; k < 1 returns all."))
                .param(Param.enumParam("ret_typ", "value", "indices", "mask", "both").defaultValue("indices").doc("What to return."))
                .param(Param.boolParam("is_ascend").defaultValue(false).doc("Choose the k smallest instead of the k largest."))
                .param(Param.enumParam("dtype", INDEX_DTYPES).defaultValue("float32").doc("DType of returned indices (ret_typ 'indices' or 'both')."))
                .outputs(a -> switch (a.getString("ret_typ")) {
                    case "value", "both" -> List.of("output", "indices");
                    default -> List.of("output");
                })
                .numVisibleOutputs(a -> a.getString("ret_typ").equals("both") ? 2 : 1)
                .inferShape((a, in, out) -> topkShape(a, in, out, a.getString("ret_typ"), a.getInt("k")))
                .inferType(SortOps::topkType)
                .gradient(g -> {
                    String rt = g.attrs().getString("ret_typ");
                    List<NodeEntry> res = new ArrayList<>();
                    if (rt.equals("value") || rt.equals("both")) {
                        res.add(g.op("_backward_topk", g.attrs().givenAsStrings(), g.outGrad(0), g.output(1), g.input(0)));
                    } else {
                        res.add(null);  // indices and masks are piecewise constant
                    }
                    return res;
                })
                .register(r);

        op("_backward_topk")
                .doc("Gradient of topk/sort values: out_grad added at the selected positions of zeros shaped like data.")
                .inputs("out_grad", "indices", "data")
                .param(axisParam())
                .param(Param.intParam("k").defaultValue(1))
                .param(Param.enumParam("ret_typ", "value", "indices", "mask", "both").defaultValue("indices"))
                .param(Param.boolParam("is_ascend").defaultValue(false))
                .param(Param.enumParam("dtype", INDEX_DTYPES).defaultValue("float32"))
                .inferShape(shapeOfInput(2))
                .inferType(typeOfFirst())
                .backwardOf("topk")
                .register(r);
    }

    private static boolean topkShape(Attrs a, Shape[] in, Shape[] out, String retTyp, long k) {
        if (!ShapeRules.known(in[0])) return false;
        Shape s = in[0];
        ShapeMath.Lines l = ShapeMath.lines(a, s, k);
        Shape o;
        if (retTyp.equals("mask")) o = s;
        else if (a.isNone("axis")) o = Shape.of(l.k());
        else o = s.withDim(l.axis(), l.k());
        for (int i = 0; i < out.length; i++) ShapeRules.assign(a, out, i, o, "output " + i);
        return true;
    }

    private static boolean valueType(Attrs a, DType[] in, DType[] out) {
        DType t = in[0] != null ? in[0] : out[0];
        if (t == null) return false;
        TypeRules.assign(a, in, 0, t, "input data");
        TypeRules.assign(a, out, 0, t, "output");
        return true;
    }

    private static boolean topkType(Attrs a, DType[] in, DType[] out) {
        String rt = a.getString("ret_typ");
        DType idx = DType.parse(a.getString("dtype"));
        if (rt.equals("indices")) {
            TypeRules.assign(a, out, 0, idx, "output");
            return in[0] != null;
        }
        if (out.length > 1) TypeRules.assign(a, out, 1, rt.equals("value") ? DType.INT32 : idx, "output indices");
        return valueType(a, in, out);
    }
}
