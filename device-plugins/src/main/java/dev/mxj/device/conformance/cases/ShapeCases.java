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
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.grad;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.range;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.seq;

/**
 * Test cases of the shape operators. Expected values are written out by hand (or from numpy
 * for the larger permutations and pads), never computed by the kernels under test.
 */
public final class ShapeCases {
    private ShapeCases() {}

    public static List<OpCase> cases() {
        List<OpCase> c = new ArrayList<>();
        reshapes(c);
        transposes(c);
        joinsAndSplits(c);
        slices(c);
        repeatTileReverse(c);
        pads(c);
        broadcasts(c);
        where(c);
        return c;
    }

    /** Reshape special codes on a (2, 3, 4) input: {params, expected shape}. Values are unchanged. */
    private static final Object[][] RESHAPES = {
            {"shape=(4, 0, 2)", dims(4, 3, 2)},
            {"shape=(6, 1, -1)", dims(6, 1, 4)},
            {"shape=(-2,)", dims(2, 3, 4)},
            {"shape=(2, -2)", dims(2, 3, 4)},
            {"shape=(-3, 4)", dims(6, 4)},
            {"shape=(0, -3)", dims(2, 12)},
            {"shape=(-4, 1, 2, -2)", dims(1, 2, 3, 4)},
            {"shape=(0, -4, -1, 3, 0)", dims(2, 1, 3, 4)},
            {"shape=(-1, 0)", dims(8, 3)},
            {"shape=(-1, 0); reverse=True", dims(6, 4)},
            {"target_shape=(0, 4)", dims(6, 4)},
            {"target_shape=(0, 0, 2); keep_highest=True", dims(2, 6, 2)},
    };

    private static void reshapes(List<OpCase> c) {
        for (Object[] r : RESHAPES) c.add(fwd("Reshape", (String) r[0], seq(2, 3, 4)).expectValues(Shape.of((long[]) r[1]), range(24)));
        c.add(fwd("reshape", "shape=(3, 2)", seq(DType.INT64, 6)).expect(seq(DType.INT64, 3, 2)));
        c.add(err("Reshape", "shape=(4, 2)", ShapeException.class, "cannot reshape (2, 3) to (4, 2)", seq(2, 3)));
        c.add(err("Reshape", "shape=(-1, -1)", ShapeException.class, "only one dimension can be inferred", seq(2, 3)));
        c.add(err("Reshape", "shape=(-5, 6)", ShapeException.class, "invalid shape code -5", seq(2, 3)));
        c.add(grad("Reshape", "shape=(-1, 2)", dims(2, 3, 2)));

        c.add(fwd("Flatten", "", seq(2, 3, 4)).expectValues(Shape.of(2, 12), range(24)));
        c.add(fwd("flatten", "", seq(DType.UINT8, 3)).expect(seq(DType.UINT8, 3, 1)));
        c.add(err("Flatten", "", ShapeException.class, "cannot flatten a 0-dimensional array", HostArray.scalar(DType.FLOAT32, 1)));
        c.add(grad("Flatten", "", dims(2, 2, 3)));

        c.add(fwd("expand_dims", "axis=1", seq(2, 3)).expectValues(Shape.of(2, 1, 3), range(6)));
        c.add(fwd("expand_dims", "axis=-1", seq(DType.BOOL, 2)).expect(arr(DType.BOOL, dims(2, 1), 0, 1)));
        c.add(err("expand_dims", "axis=3", ShapeException.class, "axis 3 is out of range", seq(2, 3)));
        c.add(grad("expand_dims", "axis=0", dims(3, 2)));

        c.add(fwd("squeeze", "", seq(1, 3, 1)).expectValues(Shape.of(3), 0, 1, 2));
        c.add(fwd("squeeze", "axis=0", seq(1, 3, 1)).expectValues(Shape.of(3, 1), 0, 1, 2));
        c.add(fwd("squeeze", "", seq(1, 1)).expectValues(Shape.of(1), 0));
        c.add(err("squeeze", "axis=1", ShapeException.class, "its size is 3, not 1", seq(1, 3, 1)));
        c.add(grad("squeeze", "axis=(0, 2)", dims(1, 4, 1)));

        c.add(fwd("reshape_like", "", seq(6), seq(2, 3)).expectValues(Shape.of(2, 3), range(6)));
        c.add(fwd("reshape_like", "lhs_begin=0; lhs_end=1; rhs_begin=0; rhs_end=2", seq(6, 2), seq(2, 3, 4)).expectValues(Shape.of(2, 3, 2), range(12)));
        c.add(fwd("reshape_like", "lhs_begin=-1; rhs_begin=1", seq(2, 6), seq(5, 3, 2)).expectValues(Shape.of(2, 3, 2), range(12)));
        c.add(err("reshape_like", "", ShapeException.class, "sizes differ", seq(5), seq(2, 3)));
        c.add(grad("reshape_like", "", dims(6), dims(3, 2)));

        c.add(fwd("shape_array", "", seq(2, 3, 4)).expect(arr(DType.INT64, dims(3), 2, 3, 4)));
        c.add(fwd("shape_array", "", seq(DType.INT8, 5)).expect(arr(DType.INT64, dims(1), 5)));
        c.add(err("shape_array", "axis=0", ParameterException.class, "unknown parameter 'axis'", seq(2)));
        c.add(fwd("size_array", "", seq(2, 3, 4)).expect(arr(DType.INT64, dims(1), 24)));
        c.add(err("size_array", "dtype=int32", ParameterException.class, "unknown parameter 'dtype'", seq(2)));
    }

    private static void transposes(List<OpCase> c) {
        c.add(fwd("transpose", "", seq(2, 3)).expectValues(Shape.of(3, 2), 0, 3, 1, 4, 2, 5));
        c.add(fwd("transpose", "axes=(1, 2, 0)", seq(2, 3, 4)).expectValues(Shape.of(3, 4, 2),
                0, 12, 1, 13, 2, 14, 3, 15, 4, 16, 5, 17, 6, 18, 7, 19, 8, 20, 9, 21, 10, 22, 11, 23));
        c.add(fwd("transpose", "axes=(-1, 0, 1)", seq(DType.FLOAT16, 2, 3, 4)).expect(arr(DType.FLOAT16, dims(4, 2, 3),
                0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23)));
        c.add(fwd("transpose", "axes=(1, 0)", seq(DType.INT64, 2, 2)).expect(arr(DType.INT64, dims(2, 2), 0, 2, 1, 3)));
        c.add(err("transpose", "axes=(0, 0)", ShapeException.class, "repeat axis 0", seq(2, 3)));
        c.add(err("transpose", "axes=(1, 0, 2)", ShapeException.class, "must name each of the 2 axes", seq(2, 3)));
        c.add(grad("transpose", "axes=(1, 2, 0)", dims(2, 3, 4)));
        c.add(grad("transpose", "", dims(3, 4)));

        c.add(fwd("SwapAxis", "dim1=0; dim2=2", seq(2, 3, 4)).expectValues(Shape.of(4, 3, 2),
                0, 12, 4, 16, 8, 20, 1, 13, 5, 17, 9, 21, 2, 14, 6, 18, 10, 22, 3, 15, 7, 19, 11, 23));
        c.add(fwd("swapaxes", "dim1=0; dim2=1", seq(DType.INT32, 1, 3)).expect(arr(DType.INT32, dims(3, 1), 0, 1, 2)));
        c.add(err("SwapAxis", "dim1=3", ShapeException.class, "dim1 3 is out of range", seq(2, 3)));
        c.add(grad("SwapAxis", "dim1=-1; dim2=0", dims(2, 3, 2)));

        // MXNet's documented example and its inverse
        double[] space = {0, 6, 1, 7, 2, 8, 12, 18, 13, 19, 14, 20, 3, 9, 4, 10, 5, 11, 15, 21, 16, 22, 17, 23};
        c.add(fwd("depth_to_space", "block_size=2", seq(1, 4, 2, 3)).expectValues(Shape.of(1, 1, 4, 6), space));
        c.add(fwd("space_to_depth", "block_size=2", f32(dims(1, 1, 4, 6), space)).expectValues(Shape.of(1, 4, 2, 3), range(24)));
        c.add(err("depth_to_space", "block_size=2", ShapeException.class, "not a multiple of block_size^2", seq(1, 3, 2, 2)));
        c.add(err("space_to_depth", "block_size=2", ShapeException.class, "multiples of block_size 2", seq(1, 1, 3, 4)));
        c.add(err("space_to_depth", "block_size=0", ParameterException.class, "block_size", seq(1, 1, 2, 2)));
        c.add(grad("depth_to_space", "block_size=2", dims(1, 8, 1, 2)));
        c.add(grad("space_to_depth", "block_size=2", dims(1, 2, 2, 4)));
    }

    private static void joinsAndSplits(List<OpCase> c) {
        c.add(fwd("Concat", "dim=1", f32(dims(2, 1), 1, 2), f32(dims(2, 2), 3, 4, 5, 6)).expectValues(Shape.of(2, 3), 1, 3, 4, 2, 5, 6));
        c.add(fwd("concat", "dim=0", f32(dims(1, 2), 1, 2), f32(dims(2, 2), 3, 4, 5, 6)).expectValues(Shape.of(3, 2), 1, 2, 3, 4, 5, 6));
        c.add(fwd("Concat", "dim=-1", arr(DType.UINT8, dims(2), 7, 8), arr(DType.UINT8, dims(1), 9), arr(DType.UINT8, dims(2), 1, 2))
                .expect(arr(DType.UINT8, dims(5), 7, 8, 9, 1, 2)));
        c.add(err("Concat", "dim=1", ShapeException.class, "outside axis 1", seq(2, 3), seq(3, 3)));
        c.add(err("Concat", "dim=2", ShapeException.class, "dim 2 is out of range", seq(2, 3), seq(2, 3)));
        c.add(grad("Concat", "dim=1", dims(2, 1, 2), dims(2, 3, 2)));
        c.add(grad("Concat", "dim=0", dims(1, 3), dims(2, 3), dims(1, 3)));
        // the backward (a split) differentiated (create_graph): Concat of the head gradients
        c.add(grad("_backward_Concat", "num_args=2; dim=1", dims(2, 4, 2), dims(2, 1, 2), dims(2, 3, 2)).label("second order"));

        c.add(fwd("stack", "axis=0", f32(dims(2), 1, 2), f32(dims(2), 3, 4)).expectValues(Shape.of(2, 2), 1, 2, 3, 4));
        c.add(fwd("stack", "axis=1", f32(dims(2), 1, 2), f32(dims(2), 3, 4)).expectValues(Shape.of(2, 2), 1, 3, 2, 4));
        c.add(fwd("stack", "axis=-1", arr(DType.INT8, dims(2, 1), 1, 2), arr(DType.INT8, dims(2, 1), 3, 4), arr(DType.INT8, dims(2, 1), 5, 6))
                .expect(arr(DType.INT8, dims(2, 1, 3), 1, 3, 5, 2, 4, 6)));
        c.add(err("stack", "", ShapeException.class, "same shape", seq(2), seq(3)));
        c.add(grad("stack", "axis=1", dims(2, 3), dims(2, 3)));

        HostArray x = f32(dims(3, 2, 1), 1, 2, 3, 4, 5, 6);
        c.add(fwd("SliceChannel", "axis=1; num_outputs=2", x)
                .expectValues(Shape.of(3, 1, 1), 1, 3, 5).expectValues(Shape.of(3, 1, 1), 2, 4, 6));
        c.add(fwd("split", "axis=0; num_outputs=3; squeeze_axis=True", x)
                .expectValues(Shape.of(2, 1), 1, 2).expectValues(Shape.of(2, 1), 3, 4).expectValues(Shape.of(2, 1), 5, 6));
        c.add(err("SliceChannel", "axis=1; num_outputs=4", ShapeException.class, "4 does not divide 2", x));
        c.add(err("SliceChannel", "axis=1; num_outputs=1; squeeze_axis=True", ShapeException.class, "squeeze_axis=True", x));
        c.add(grad("SliceChannel", "axis=-1; num_outputs=2", dims(2, 4)));
        c.add(grad("split", "axis=0; num_outputs=2; squeeze_axis=1", dims(2, 3)));

        c.add(fwd("_split_v2", "axis=0; indices=(0, 1)", x)
                .expectValues(Shape.of(1, 2, 1), 1, 2).expectValues(Shape.of(2, 2, 1), 3, 4, 5, 6));
        c.add(fwd("_split_v2", "axis=0; sections=2; indices=()", x)
                .expectValues(Shape.of(2, 2, 1), 1, 2, 3, 4).expectValues(Shape.of(1, 2, 1), 5, 6));
        c.add(fwd("_split_v2", "axis=1; indices=(1,)", x).expectValues(Shape.of(3, 1, 1), 2, 4, 6));
        c.add(err("_split_v2", "axis=0; indices=(0, 1); squeeze_axis=True", ShapeException.class, "has length 2", x));
        c.add(grad("_split_v2", "axis=1; indices=(0, 1, 3)", dims(2, 4)));
        c.add(grad("_split_v2", "axis=0; sections=3; indices=(); squeeze_axis=True", dims(3, 2)));
    }

    private static void slices(List<OpCase> c) {
        HostArray x = seq(3, 4);
        c.add(fwd("slice", "begin=(0, 1); end=(2, 4)", x).expectValues(Shape.of(2, 3), 1, 2, 3, 5, 6, 7));
        c.add(fwd("slice", "begin=(None,); end=(None,); step=(-1,)", x).expectValues(Shape.of(3, 4), 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3));
        c.add(fwd("slice", "begin=(-1, None); end=(None, None); step=(None, -2)", x).expectValues(Shape.of(1, 2), 11, 9));
        c.add(fwd("slice", "begin=(0,); end=(3,); step=(2,)", x).expectValues(Shape.of(2, 4), 0, 1, 2, 3, 8, 9, 10, 11));
        c.add(fwd("slice", "begin=(1,); end=(-1,)", x).expectValues(Shape.of(1, 4), 4, 5, 6, 7));
        c.add(fwd("slice", "begin=(5,); end=(9,)", x).expectShape(Shape.of(0, 4)));
        c.add(fwd("crop", "begin=(0, 1); end=(1, 3)", seq(DType.FLOAT64, 2, 3)).expect(arr(DType.FLOAT64, dims(1, 2), 1, 2)));
        c.add(err("slice", "begin=(0,); end=(2,); step=(0,)", ShapeException.class, "step[0] cannot be 0", x));
        c.add(err("slice", "begin=(0, 1); end=(2,)", ShapeException.class, "must have the same length", x));
        c.add(err("slice", "begin=(0, x); end=(2, 3)", ShapeException.class, "expected a tuple of int or None", x));
        c.add(grad("slice", "begin=(None, 3); end=(None, 0); step=(2, -1)", dims(3, 4)));
        c.add(grad("_backward_slice", "begin=(None, 3); end=(None, 0); step=(2, -1)", dims(2, 3), dims(3, 4)).label("second order"));

        c.add(fwd("_slice_assign", "begin=(1, 1); end=(2, 3)", seq(2, 3), f32(dims(1, 2), 7, 8)).expectValues(Shape.of(2, 3), 0, 1, 2, 3, 7, 8));
        c.add(fwd("_crop_assign", "begin=(None, 3); end=(None, None); step=(2, -2)", seq(DType.INT32, 3, 4), arr(DType.INT32, dims(2, 2), -1, -2, -3, -4))
                .expect(arr(DType.INT32, dims(3, 4), 0, -2, 2, -1, 4, 5, 6, 7, 8, -4, 10, -3)));
        c.add(err("_slice_assign", "begin=(0,); end=(1,)", ShapeException.class, "input rhs", seq(2, 3), seq(2, 3)));
        c.add(fwd("_slice_assign_scalar", "scalar=5; begin=(None, 2); end=(None, None)", seq(2, 3)).expectValues(Shape.of(2, 3), 0, 1, 5, 3, 4, 5));
        c.add(fwd("_crop_assign_scalar", "scalar=-1; begin=(-1,); end=(None,); step=(-2,)", seq(DType.FLOAT16, 3)).expect(arr(DType.FLOAT16, dims(3), -1, 1, -1)));
        c.add(err("_slice_assign_scalar", "begin=(0,); end=(1,); step=(0,)", ShapeException.class, "step[0] cannot be 0", seq(2, 3)));

        c.add(fwd("slice_axis", "axis=1; begin=1; end=-1", x).expectValues(Shape.of(3, 2), 1, 2, 5, 6, 9, 10));
        c.add(fwd("slice_axis", "axis=0; begin=-2; end=None", x).expectValues(Shape.of(2, 4), 4, 5, 6, 7, 8, 9, 10, 11));
        c.add(err("slice_axis", "axis=1; begin=3; end=1", ShapeException.class, "empty or invalid range", x));
        c.add(err("slice_axis", "axis=0; begin=0", ParameterException.class, "required parameter 'end'", x));
        c.add(grad("slice_axis", "axis=-1; begin=1; end=3", dims(2, 4)));
        c.add(grad("_backward_slice_axis", "axis=-1; begin=1; end=3", dims(2, 2), dims(2, 4)).label("second order"));

        c.add(fwd("slice_like", "", x, seq(2, 3)).expectValues(Shape.of(2, 3), 0, 1, 2, 4, 5, 6));
        c.add(fwd("slice_like", "axes=(0,)", x, seq(2, 3)).expectValues(Shape.of(2, 4), range(8)));
        c.add(fwd("slice_like", "axes=(-1,)", x, seq(2, 3)).expectValues(Shape.of(3, 3), 0, 1, 2, 4, 5, 6, 8, 9, 10));
        c.add(err("slice_like", "", ShapeException.class, "exceeds data", x, seq(4, 4)));
        c.add(grad("slice_like", "axes=(1,)", dims(3, 4), dims(2, 2)));
        c.add(grad("_backward_slice_like", "axes=(1,)", dims(3, 2), dims(3, 4)).label("second order"));

        c.add(fwd("clip", "a_min=1; a_max=8", seq(10)).expectValues(Shape.of(10), 1, 1, 2, 3, 4, 5, 6, 7, 8, 8));
        c.add(fwd("clip", "a_min=-1.5; a_max=2", arr(DType.INT32, dims(4), -3, 0, 2, 5)).expect(arr(DType.INT32, dims(4), -1, 0, 2, 2)));
        c.add(err("clip", "a_min=0", ParameterException.class, "required parameter 'a_max'", seq(3)));
        c.add(grad("clip", "a_min=-0.5; a_max=0.5", dims(4, 5)));
        // its backward differentiated (create_graph) on (ograd, x), x inside and outside the range
        c.add(fwd("_backward_clip", "a_min=-0.5; a_max=0.5", f32(dims(2, 3), 0.3, -0.7, 1.1, 0.2, -0.4, 2), f32(dims(2, 3), -1, -0.2, 0.1, 0.3, 0.8, 0.45))
                .label("second order").gradCheck());
    }

    private static void repeatTileReverse(List<OpCase> c) {
        HostArray a = f32(dims(2, 2), 1, 2, 3, 4);
        c.add(fwd("repeat", "repeats=2; axis=1", a).expectValues(Shape.of(2, 4), 1, 1, 2, 2, 3, 3, 4, 4));
        c.add(fwd("repeat", "repeats=2; axis=0", a).expectValues(Shape.of(4, 2), 1, 2, 1, 2, 3, 4, 3, 4));
        c.add(fwd("repeat", "repeats=2", a).expectValues(Shape.of(8), 1, 1, 2, 2, 3, 3, 4, 4));
        c.add(fwd("repeat", "repeats=3; axis=-1", arr(DType.BOOL, dims(2), 1, 0)).expect(arr(DType.BOOL, dims(6), 1, 1, 1, 0, 0, 0)));
        c.add(err("repeat", "repeats=2; axis=2", ShapeException.class, "axis 2 is out of range", a));
        c.add(err("repeat", "repeats=-1", ParameterException.class, "repeats", a));
        c.add(grad("repeat", "repeats=3; axis=1", dims(2, 3)));
        c.add(grad("repeat", "repeats=2", dims(2, 3)));
        c.add(grad("_backward_repeat", "repeats=3; axis=1", dims(2, 9), dims(2, 3)).label("second order"));
        c.add(grad("_backward_repeat", "repeats=2", dims(12), dims(2, 3)).label("second order"));

        c.add(fwd("tile", "reps=(2,)", a).expectValues(Shape.of(2, 4), 1, 2, 1, 2, 3, 4, 3, 4));
        c.add(fwd("tile", "reps=(2, 1, 2)", a).expectValues(Shape.of(2, 2, 4), 1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4));
        c.add(fwd("tile", "reps=(3, 1)", arr(DType.INT8, dims(1), 7)).expect(arr(DType.INT8, dims(3, 1), 7, 7, 7)));
        c.add(err("tile", "reps=(0,)", ParameterException.class, "reps", a));
        c.add(grad("tile", "reps=(2, 1, 3)", dims(2, 3)));
        c.add(grad("tile", "reps=(2,)", dims(2, 1, 2)));
        c.add(grad("_backward_tile", "reps=(2, 1, 3)", dims(2, 2, 9), dims(2, 3)).label("second order"));

        c.add(fwd("reverse", "axis=1", seq(2, 3)).expectValues(Shape.of(2, 3), 2, 1, 0, 5, 4, 3));
        c.add(fwd("flip", "axis=(0, 1)", seq(DType.FLOAT16, 2, 3)).expect(arr(DType.FLOAT16, dims(2, 3), 5, 4, 3, 2, 1, 0)));
        c.add(fwd("reverse", "axis=(0, 0)", seq(2, 3)).expectValues(Shape.of(2, 3), range(6)));
        c.add(err("reverse", "axis=2", ShapeException.class, "axis 2 is out of range", seq(2, 3)));
        c.add(grad("reverse", "axis=(0, 2)", dims(2, 3, 2)));
    }

    private static void pads(List<OpCase> c) {
        HostArray p = f32(dims(1, 1, 2, 3), 1, 2, 3, 4, 5, 6);
        String w = "pad_width=(0, 0, 0, 0, 1, 1, 2, 2)";
        c.add(fwd("Pad", "mode=constant; constant_value=9; " + w, p).expectValues(Shape.of(1, 1, 4, 7),
                9, 9, 9, 9, 9, 9, 9, 9, 9, 1, 2, 3, 9, 9, 9, 9, 4, 5, 6, 9, 9, 9, 9, 9, 9, 9, 9, 9));
        c.add(fwd("pad", "mode=edge; " + w, p).expectValues(Shape.of(1, 1, 4, 7),
                1, 1, 1, 2, 3, 3, 3, 1, 1, 1, 2, 3, 3, 3, 4, 4, 4, 5, 6, 6, 6, 4, 4, 4, 5, 6, 6, 6));
        c.add(fwd("Pad", "mode=reflect; " + w, p).expectValues(Shape.of(1, 1, 4, 7),
                6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1, 6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1));
        c.add(fwd("Pad", "mode=edge; pad_width=(0, 0, 0, 0, 1, 0, 0, 1, 2, 1)", seq(1, 1, 1, 3, 4)).expectValues(Shape.of(1, 1, 2, 4, 7),
                0, 0, 0, 1, 2, 3, 3, 4, 4, 4, 5, 6, 7, 7, 8, 8, 8, 9, 10, 11, 11, 8, 8, 8, 9, 10, 11, 11,
                0, 0, 0, 1, 2, 3, 3, 4, 4, 4, 5, 6, 7, 7, 8, 8, 8, 9, 10, 11, 11, 8, 8, 8, 9, 10, 11, 11));
        c.add(fwd("Pad", "mode=constant; constant_value=-1; pad_width=(0, 0, 0, 0, 0, 0, 1, 0)", arr(DType.INT32, dims(1, 1, 1, 2), 5, 6))
                .expect(arr(DType.INT32, dims(1, 1, 1, 3), -1, 5, 6)));
        c.add(err("Pad", "mode=constant; pad_width=(1, 1, 1, 1)", ShapeException.class, "only 4-D and 5-D", seq(2, 3)));
        c.add(err("Pad", "mode=edge; pad_width=(1, 0, 0, 0, 1, 1, 1, 1)", ShapeException.class, "first two axes", p));
        c.add(err("Pad", "mode=reflect; pad_width=(0, 0, 0, 0, 2, 0, 0, 0)", ShapeException.class, "smaller than the input size", p));
        c.add(err("Pad", "mode=wrap; " + w, ParameterException.class, "mode", p));
        for (String mode : new String[] {"constant", "edge", "reflect"}) c.add(grad("Pad", "mode=" + mode + "; pad_width=(0, 0, 0, 0, 2, 1, 1, 2)", dims(1, 2, 3, 3)));
        // the backward differentiated (create_graph): the transpose of Pad's linear part, so constant_value plays no role
        for (String mode : new String[] {"constant; constant_value=1.5", "edge", "reflect"}) {
            c.add(grad("_backward_Pad", "mode=" + mode + "; pad_width=(0, 0, 0, 0, 2, 1, 1, 2)", dims(1, 2, 6, 6), dims(1, 2, 3, 3)).label("second order"));
        }
    }

    private static void broadcasts(List<OpCase> c) {
        HostArray row = f32(dims(1, 3), 1, 2, 3);
        c.add(fwd("broadcast_to", "shape=(2, 3)", row).expectValues(Shape.of(2, 3), 1, 2, 3, 1, 2, 3));
        c.add(fwd("broadcast_to", "shape=(2, 0)", row).expectValues(Shape.of(2, 3), 1, 2, 3, 1, 2, 3));
        c.add(fwd("broadcast_to", "shape=(2, 2)", arr(DType.INT64, dims(2, 1), 5, 6)).expect(arr(DType.INT64, dims(2, 2), 5, 5, 6, 6)));
        c.add(err("broadcast_to", "shape=(4, 3)", ShapeException.class, "axis 0 has size 2, not 1", seq(2, 3)));
        c.add(grad("broadcast_to", "shape=(2, 3)", dims(1, 3)));
        c.add(grad("broadcast_to", "shape=(2, 4, 3)", dims(2, 1, 3)));
        c.add(grad("_broadcast_backward", "", dims(2, 4, 3), dims(2, 1, 3)).label("second order")); // the sum back to data's shape, differentiated

        c.add(fwd("broadcast_axis", "axis=(0, 2); size=(2, 3)", f32(dims(1, 2, 1), 1, 2)).expectValues(Shape.of(2, 2, 3), 1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2));
        c.add(fwd("broadcast_axes", "axis=2; size=3", f32(dims(1, 2, 1), 1, 2)).expectValues(Shape.of(1, 2, 3), 1, 1, 1, 2, 2, 2));
        c.add(err("broadcast_axis", "axis=1; size=3", ShapeException.class, "size 2, not 1", seq(1, 2, 1)));
        c.add(grad("broadcast_axis", "axis=(0, 2); size=(2, 3)", dims(1, 2, 1)));

        c.add(fwd("broadcast_like", "", row, seq(2, 3)).expectValues(Shape.of(2, 3), 1, 2, 3, 1, 2, 3));
        c.add(fwd("broadcast_like", "lhs_axes=(0,); rhs_axes=(1,)", row, seq(5, 2)).expectValues(Shape.of(2, 3), 1, 2, 3, 1, 2, 3));
        c.add(err("broadcast_like", "", ShapeException.class, "axis 0 has size 2, not 1", seq(2, 3), seq(3, 3)));
        c.add(err("broadcast_like", "lhs_axes=(0,)", ShapeException.class, "must be given together", row, seq(2, 3)));
        c.add(grad("broadcast_like", "", dims(1, 3), dims(2, 3)));
    }

    private static void where(List<OpCase> c) {
        HostArray x = f32(dims(2, 2), 1, 2, 3, 4), y = f32(dims(2, 2), 5, 6, 7, 8);
        c.add(fwd("where", "", f32(dims(2, 2), 0, 1, -1, 0), x, y).expectValues(Shape.of(2, 2), 5, 2, 3, 8));
        c.add(fwd("where", "", arr(DType.INT32, dims(2), 1, 0), x, y).expectValues(Shape.of(2, 2), 1, 2, 7, 8));
        c.add(fwd("where", "", arr(DType.BOOL, dims(3), 0, 1, 1), arr(DType.INT64, dims(3), 1, 2, 3), arr(DType.INT64, dims(3), 7, 8, 9))
                .expect(arr(DType.INT64, dims(3), 7, 2, 3)));
        c.add(err("where", "", ShapeException.class, "one entry per row", seq(3), x, y));
        c.add(err("where", "", ShapeException.class, "must have the same shape", seq(2), x, seq(2, 3)));
        c.add(OpCase.forward("where").input(f32(dims(2, 3), 1, 0, 0, 2, 0, -1)).randomInput(2, 3).randomInput(2, 3).gradCheck());
        c.add(OpCase.forward("where").input(f32(dims(2), 0, 3)).randomInput(2, 3).randomInput(2, 3).gradCheck());
        c.add(OpCase.forward("_backward_where").randomInput(2, 3).input(f32(dims(2, 3), 1, 0, 0, 2, 0, -1)).gradCheck().label("second order"));
        c.add(OpCase.forward("_backward_where").randomInput(2, 3).input(f32(dims(2), 0, 3)).gradCheck().label("second order, row condition"));
    }
}
