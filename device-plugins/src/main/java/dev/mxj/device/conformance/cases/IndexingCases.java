package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.op.DType;
import dev.mxj.op.OperatorException;
import dev.mxj.op.ParameterException;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;
import dev.mxj.op.TypeException;

import java.util.ArrayList;
import java.util.List;

import static dev.mxj.device.conformance.cases.ShapeCaseSupport.arr;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.dims;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.err;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.f32;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.fwd;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.params;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.random;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.seq;

/** Test cases of the indexing operators, with MXNet's documented examples among them. */
public final class IndexingCases {
    private IndexingCases() {}

    /** A gradient check with a random data input and a fixed index input (which gets no gradient). */
    private static OpCase gradWithIndex(String op, String params, long[] data, HostArray index) {
        return params(OpCase.forward(op), params).input(random(op.hashCode(), data)).input(index).gradCheck();
    }

    public static List<OpCase> cases() {
        List<OpCase> c = new ArrayList<>();
        HostArray x = f32(dims(3, 2), 1, 2, 3, 4, 5, 6);

        c.add(fwd("take", "", f32(dims(3), 4, 5, 6), f32(dims(1), 1)).expectValues(Shape.of(1), 5));
        c.add(fwd("take", "", x, f32(dims(2, 2), 0, 1, 1, 2)).expectValues(Shape.of(2, 2, 2), 1, 2, 3, 4, 3, 4, 5, 6));
        c.add(fwd("take", "axis=1", x, f32(dims(2, 2), 0, 3, -1, -2)).expectValues(Shape.of(3, 2, 2), 1, 2, 1, 1, 3, 4, 3, 3, 5, 6, 5, 5));
        c.add(fwd("take", "axis=1; mode=wrap", x, f32(dims(2, 2), 0, 3, -1, -2)).expectValues(Shape.of(3, 2, 2), 1, 2, 2, 1, 3, 4, 4, 3, 5, 6, 6, 5));
        c.add(fwd("take", "axis=-1; mode=raise", x, arr(DType.INT32, dims(2), 1, 0)).expectValues(Shape.of(3, 2), 2, 1, 4, 3, 6, 5));
        c.add(fwd("take", "", seq(DType.INT64, 3, 2), arr(DType.INT64, dims(2), 2, 0)).expect(arr(DType.INT64, dims(2, 2), 4, 5, 0, 1)));
        c.add(err("take", "mode=raise", OperatorException.class, "index 3 is out of bounds", x, f32(dims(2), 0, 3)));
        c.add(err("take", "axis=2", ShapeException.class, "axis 2 is out of range", x, f32(dims(1), 0)));
        c.add(err("take", "mode=nearest", ParameterException.class, "mode", x, f32(dims(1), 0)));
        c.add(gradWithIndex("take", "", dims(3, 4), f32(dims(2, 2), 0, 2, 2, 1)));
        c.add(gradWithIndex("take", "axis=1; mode=wrap", dims(2, 3), f32(dims(3), -1, 4, 0)));
        // the backward differentiated (create_graph) on (ograd, indices, a): take of the head gradient
        c.add(params(OpCase.forward("_backward_take"), "").randomInput(2, 2, 4).input(f32(dims(2, 2), 0, 2, 2, 1)).randomInput(3, 4).gradCheck().label("second order"));
        c.add(params(OpCase.forward("_backward_take"), "axis=1; mode=wrap").randomInput(2, 3).input(f32(dims(3), -1, 4, 0)).randomInput(2, 3).gradCheck().label("second order"));

        c.add(fwd("pick", "axis=1", x, f32(dims(3), 0, 1, 0)).expectValues(Shape.of(3), 1, 4, 5));
        c.add(fwd("pick", "axis=0", x, f32(dims(2), 0, 1)).expectValues(Shape.of(2), 1, 4));
        c.add(fwd("pick", "axis=1; mode=wrap", x, f32(dims(3), 2, -1, -2)).expectValues(Shape.of(3), 1, 4, 5));
        c.add(fwd("pick", "axis=1; keepdims=True", x, f32(dims(3, 1), 1, 0, 2)).expectValues(Shape.of(3, 1), 2, 3, 6));
        c.add(fwd("choose_element_0index", "", seq(DType.INT32, 2, 3), arr(DType.INT64, dims(2), 2, 1)).expect(arr(DType.INT32, dims(2), 2, 4)));
        c.add(err("pick", "axis=None", ShapeException.class, "axis=None is not supported", x, f32(dims(3), 0, 1, 0)));
        c.add(err("pick", "axis=1", ShapeException.class, "index (2,) must have shape (3,)", x, f32(dims(2), 0, 1)));
        c.add(gradWithIndex("pick", "axis=1", dims(3, 4), f32(dims(3), 3, 0, 1)));
        c.add(gradWithIndex("pick", "axis=0; keepdims=True", dims(3, 2), f32(dims(1, 2), 2, 0)));
        c.add(params(OpCase.forward("_backward_pick"), "axis=1").randomInput(3).input(f32(dims(3), 3, 0, 1)).randomInput(3, 4).gradCheck().label("second order"));
        c.add(params(OpCase.forward("_backward_pick"), "axis=0; keepdims=True").randomInput(1, 2).input(f32(dims(1, 2), 2, 0)).randomInput(3, 2).gradCheck().label("second order"));

        c.add(fwd("gather_nd", "", f32(dims(2, 2), 0, 1, 2, 3), f32(dims(2, 3), 1, 1, 0, 0, 1, 0)).expectValues(Shape.of(3), 2, 3, 0));
        c.add(fwd("gather_nd", "", f32(dims(2, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8), f32(dims(2, 2), 0, 1, 1, 0)).expectValues(Shape.of(2, 2), 3, 4, 5, 6));
        c.add(fwd("gather_nd", "", arr(DType.UINT8, dims(2, 2), 0, 1, 2, 3), arr(DType.INT32, dims(2, 1), -1, 0)).expect(arr(DType.UINT8, dims(1), 2)));
        c.add(err("gather_nd", "", ShapeException.class, "at least 2 dimensions", seq(2, 2), f32(dims(2), 0, 1)));
        c.add(err("gather_nd", "", OperatorException.class, "index 2 is out of bounds for axis 0", seq(2, 2), f32(dims(1, 1), 2)));
        c.add(gradWithIndex("gather_nd", "", dims(3, 4), f32(dims(2, 3), 0, 2, 0, 1, 3, 1)));

        c.add(fwd("scatter_nd", "shape=(2, 2)", f32(dims(3), 2, 3, 0), f32(dims(2, 3), 1, 1, 0, 0, 1, 0)).expectValues(Shape.of(2, 2), 0, 0, 2, 3));
        c.add(fwd("scatter_nd", "shape=(2, 2, 2, 2)", f32(dims(2, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8), f32(dims(2, 2), 0, 1, 1, 1))
                .expectValues(Shape.of(2, 2, 2, 2), 0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0, 5, 6, 7, 8));
        c.add(err("scatter_nd", "shape=(2, 3)", ShapeException.class, "invalid combination", f32(dims(3), 2, 3, 0), f32(dims(1, 2), 0, 1)));
        c.add(gradWithIndex("scatter_nd", "shape=(2, 2)", dims(3), f32(dims(2, 3), 1, 0, 1, 0, 1, 1)));
        c.add(fwd("_scatter_set_nd", "shape=(2, 2)", f32(dims(2, 2), 1, 1, 1, 1), f32(dims(3), 2, 3, 0), f32(dims(2, 3), 1, 1, 0, 0, 1, 0))
                .expectValues(Shape.of(2, 2), 0, 1, 2, 3));
        c.add(fwd("_scatter_set_nd", "shape=(3, 2)", f32(dims(3, 2), 1, 2, 3, 4, 5, 6), f32(dims(1, 2), 9, 8), f32(dims(1, 1), -1))
                .expectValues(Shape.of(3, 2), 1, 2, 3, 4, 9, 8));
        c.add(err("_scatter_set_nd", "shape=(2, 2)", ShapeException.class, "lhs", f32(dims(3), 1, 2, 3), f32(dims(1), 5), f32(dims(1, 1), 0)));
        c.add(err("_scatter_set_nd", "shape=(2, 2)", OperatorException.class, "out of bounds", f32(dims(2, 2), 1, 1, 1, 1), f32(dims(1, 2), 5, 6), f32(dims(1, 1), 2)));
        c.add(gradWithIndex("_backward_gather_nd", "shape=(2, 2)", dims(3), f32(dims(2, 3), 1, 0, 1, 0, 1, 1)));
        c.add(fwd("_backward_gather_nd", "shape=(2, 2)", f32(dims(3), 2, 3, 0), f32(dims(2, 3), 1, 1, 0, 1, 1, 0)).expectValues(Shape.of(2, 2), 0, 0, 0, 5));

        c.add(fwd("one_hot", "depth=3", f32(dims(4), 1, 0, 2, 0)).expectValues(Shape.of(4, 3), 0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0));
        c.add(fwd("one_hot", "depth=3; on_value=8; off_value=1; dtype=int32", f32(dims(4), 1, 0, 2, 0))
                .expect(arr(DType.INT32, dims(4, 3), 1, 8, 1, 8, 1, 1, 1, 1, 8, 8, 1, 1)));
        c.add(fwd("one_hot", "depth=2", arr(DType.INT64, dims(1, 3), 5, -1, 1)).expect(arr(DType.FLOAT32, dims(1, 3, 2), 0, 0, 0, 0, 0, 1)));
        c.add(err("one_hot", "depth=-1", ParameterException.class, "depth", f32(dims(2), 0, 1)));

        c.add(fwd("batch_take", "", x, arr(DType.INT32, dims(3), 0, 1, 0)).expectValues(Shape.of(3), 1, 4, 5));
        c.add(fwd("batch_take", "", x, arr(DType.INT32, dims(3), 5, -1, 1)).expectValues(Shape.of(3), 2, 3, 6));
        c.add(err("batch_take", "", TypeException.class, "int32", x, f32(dims(3), 0, 1, 0)));
        c.add(err("batch_take", "", ShapeException.class, "one entry per row", x, arr(DType.INT32, dims(2), 0, 1)));
        return c;
    }
}
