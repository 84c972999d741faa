package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.op.DType;
import dev.mxj.op.ParameterException;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;

import java.util.ArrayList;
import java.util.List;

import static dev.mxj.device.conformance.cases.ShapeCaseSupport.arr;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.dims;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.err;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.f32;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.fwd;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.params;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.random;

/** Test cases of sort, argsort and topk: MXNet's documented examples plus ties (stable here). */
public final class SortCases {
    private SortCases() {}

    private static OpCase gradOf(String op, String params, long seed, long... dims) {
        return params(OpCase.forward(op), params).input(random(seed, dims)).gradCheck();
    }

    public static List<OpCase> cases() {
        List<OpCase> c = new ArrayList<>();
        HostArray s = f32(dims(2, 2), 1, 4, 3, 1);
        c.add(fwd("sort", "", s).expectValues(Shape.of(2, 2), 1, 4, 1, 3));
        c.add(fwd("sort", "axis=None", s).expectValues(Shape.of(4), 1, 1, 3, 4));
        c.add(fwd("sort", "axis=0", s).expectValues(Shape.of(2, 2), 1, 1, 3, 4));
        c.add(fwd("sort", "is_ascend=0", s).expectValues(Shape.of(2, 2), 4, 1, 3, 1));
        c.add(fwd("sort", "", arr(DType.INT64, dims(5), 3, -2, 7, 0, -2)).expect(arr(DType.INT64, dims(5), -2, -2, 0, 3, 7))
                .expect(arr(DType.INT32, dims(5), 1, 4, 3, 0, 2)));
        c.add(fwd("sort", "", f32(dims(4), 2, Double.NaN, -1, 0)).expectValues(Shape.of(4), -1, 0, 2, Double.NaN));
        c.add(err("sort", "axis=2", ShapeException.class, "axis 2 is out of range", s));
        c.add(gradOf("sort", "", 1, 3, 4));
        c.add(gradOf("sort", "axis=0; is_ascend=False", 2, 3, 4));
        c.add(gradOf("sort", "axis=None", 3, 2, 3));

        HostArray x = f32(dims(2, 3), 0.3, 0.2, 0.4, 0.1, 0.3, 0.2);
        c.add(fwd("argsort", "", x).expectValues(Shape.of(2, 3), 1, 0, 2, 0, 2, 1));
        c.add(fwd("argsort", "axis=0", x).expectValues(Shape.of(2, 3), 1, 0, 1, 0, 1, 0));
        c.add(fwd("argsort", "axis=None", x).expectValues(Shape.of(6), 3, 1, 5, 0, 4, 2));
        c.add(fwd("argsort", "dtype=int32", f32(dims(4), 2, 1, 2, 1)).expect(arr(DType.INT32, dims(4), 1, 3, 0, 2)));
        c.add(fwd("argsort", "is_ascend=False; dtype=int64", arr(DType.UINT8, dims(4), 2, 1, 2, 1)).expect(arr(DType.INT64, dims(4), 0, 2, 1, 3)));
        c.add(err("argsort", "dtype=bool", ParameterException.class, "dtype", x));

        c.add(fwd("topk", "", x).expectValues(Shape.of(2, 1), 2, 1));
        c.add(fwd("topk", "ret_typ=value; k=2", x).expectValues(Shape.of(2, 2), 0.4, 0.3, 0.3, 0.2));
        c.add(fwd("topk", "ret_typ=value; k=2; is_ascend=1", x).expectValues(Shape.of(2, 2), 0.2, 0.3, 0.1, 0.2));
        c.add(fwd("topk", "axis=0; ret_typ=value; k=2", x).expectValues(Shape.of(2, 3), 0.3, 0.3, 0.4, 0.1, 0.2, 0.2));
        c.add(fwd("topk", "ret_typ=both; k=2", x).expectValues(Shape.of(2, 2), 0.4, 0.3, 0.3, 0.2).expectValues(Shape.of(2, 2), 2, 0, 1, 2));
        c.add(fwd("topk", "ret_typ=mask; k=2", x).expectValues(Shape.of(2, 3), 1, 0, 1, 0, 1, 1));
        c.add(fwd("topk", "axis=None; ret_typ=both; k=3; dtype=int32", x).expectValues(Shape.of(3), 0.4, 0.3, 0.3)
                .expect(arr(DType.INT32, dims(3), 2, 0, 4)));
        c.add(fwd("topk", "k=0; ret_typ=indices; dtype=float64", x).expect(arr(DType.FLOAT64, dims(2, 3), 2, 0, 1, 1, 2, 0)));
        c.add(err("topk", "k=4", ShapeException.class, "k=4 exceeds the 3 elements", x));
        c.add(err("topk", "ret_typ=values", ParameterException.class, "ret_typ", x));
        c.add(gradOf("topk", "ret_typ=value; k=2", 4, 3, 4));
        c.add(gradOf("topk", "axis=0; ret_typ=both; k=1; is_ascend=True", 5, 3, 2));
        return c;
    }
}
