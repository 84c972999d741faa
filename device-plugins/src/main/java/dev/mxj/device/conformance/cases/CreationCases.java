package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.op.DType;
import dev.mxj.op.ParameterException;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;

import java.util.ArrayList;
import java.util.List;

/**
 * Test cases of the creation family ({@code _zeros}, {@code _ones}, {@code _full},
 * {@code _arange}, {@code _linspace}, {@code _eye}, {@code zeros_like}, {@code ones_like}) and
 * {@code _copyto}. Expected values follow MXNet 1.9; creation
 * operators have no inputs, so their error cases are invalid parameters.
 */
public final class CreationCases {
    private CreationCases() {}

    public static List<OpCase> cases() {
        List<OpCase> c = new ArrayList<>();

        c.add(OpCase.forward("_zeros").param("shape", "(2, 3)").expect(HostArray.f32(Shape.of(2, 3), 0, 0, 0, 0, 0, 0)));
        c.add(OpCase.forward("_zeros").label("int64").param("shape", "(2,)").param("dtype", "int64")
                .expect(HostArray.of(Shape.of(2), DType.INT64, 0, 0)));
        c.add(OpCase.error("_zeros").label("negative dim").param("shape", "(2, -1)").fails(ParameterException.class, "shape"));
        c.add(OpCase.error("_zeros").label("bad dtype").param("shape", "(2,)").param("dtype", "complex64").fails(ParameterException.class, "dtype"));

        c.add(OpCase.forward("_ones").param("shape", "(3,)").expect(HostArray.f32(Shape.of(3), 1, 1, 1)));
        c.add(OpCase.forward("_ones").label("float16").param("shape", "(1, 2)").param("dtype", "float16")
                .expect(HostArray.of(Shape.of(1, 2), DType.FLOAT16, 1, 1)));
        c.add(OpCase.forward("_ones").label("int8").param("shape", "(2,)").param("dtype", "int8")
                .expect(HostArray.of(Shape.of(2), DType.INT8, 1, 1)));
        c.add(OpCase.error("_ones").label("unknown param").param("shape", "(2,)").param("value", 3).fails(ParameterException.class, "unknown parameter 'value'"));

        c.add(OpCase.forward("_full").param("shape", "(2, 2)").param("value", 2.5).expect(HostArray.f32(Shape.of(2, 2), 2.5, 2.5, 2.5, 2.5)));
        c.add(OpCase.forward("_full").label("int32 truncates").param("shape", "(2,)").param("value", -3.7).param("dtype", "int32")
                .expect(HostArray.of(Shape.of(2), DType.INT32, -3, -3)));
        c.add(OpCase.forward("_full").label("uint8").param("shape", "(1,)").param("value", 200).param("dtype", "uint8")
                .expect(HostArray.of(Shape.of(1), DType.UINT8, 200)));
        c.add(OpCase.error("_full").label("missing value").param("shape", "(2,)").fails(ParameterException.class, "required parameter 'value'"));

        c.add(OpCase.forward("_arange").param("start", 0).param("stop", 5).expect(HostArray.f32(Shape.of(5), 0, 1, 2, 3, 4)));
        c.add(OpCase.forward("_arange").label("start only").param("start", 3).expect(HostArray.f32(Shape.of(3), 0, 1, 2)));
        c.add(OpCase.forward("_arange").label("negative step").param("start", 5).param("stop", 0).param("step", -2)
                .expect(HostArray.f32(Shape.of(3), 5, 3, 1)));
        c.add(OpCase.forward("_arange").label("repeat").param("start", 1).param("stop", 3).param("repeat", 2)
                .expect(HostArray.f32(Shape.of(4), 1, 1, 2, 2)));
        c.add(OpCase.forward("_arange").label("fractional step").param("start", 0).param("stop", 1).param("step", 0.25)
                .expect(HostArray.f32(Shape.of(4), 0, 0.25, 0.5, 0.75)));
        c.add(OpCase.forward("_arange").label("int32").param("start", -2).param("stop", 2).param("dtype", "int32")
                .expect(HostArray.of(Shape.of(4), DType.INT32, -2, -1, 0, 1)));
        c.add(OpCase.error("_arange").label("step 0").param("start", 0).param("stop", 3).param("step", 0).fails(ShapeException.class, "step=0"));
        c.add(OpCase.error("_arange").label("empty range").param("start", 3).param("stop", 1).fails(ShapeException.class, "Invalid range"));
        c.add(OpCase.error("_arange").label("repeat 0").param("start", 0).param("stop", 3).param("repeat", 0).fails(ShapeException.class, "repeat > 0"));

        c.add(OpCase.forward("_linspace").param("start", 0).param("stop", 1).param("num", 5)
                .expect(HostArray.f32(Shape.of(5), 0, 0.25, 0.5, 0.75, 1)));
        c.add(OpCase.forward("_linspace").label("no endpoint").param("start", 2).param("stop", 3).param("num", 4).param("endpoint", false)
                .expect(HostArray.f32(Shape.of(4), 2, 2.25, 2.5, 2.75)));
        c.add(OpCase.forward("_linspace").label("one sample").param("start", 7).param("stop", 9).param("num", 1)
                .expect(HostArray.f32(Shape.of(1), 7)));
        c.add(OpCase.error("_linspace").label("negative num").param("start", 0).param("stop", 1).param("num", -1).fails(ShapeException.class, "non-negative"));

        c.add(OpCase.forward("_eye").param("N", 3).expect(HostArray.f32(Shape.of(3, 3), 1, 0, 0, 0, 1, 0, 0, 0, 1)));
        c.add(OpCase.forward("_eye").label("upper diagonal").param("N", 2).param("M", 3).param("k", 1)
                .expect(HostArray.f32(Shape.of(2, 3), 0, 1, 0, 0, 0, 1)));
        c.add(OpCase.forward("_eye").label("lower diagonal").param("N", 3).param("M", 2).param("k", -1)
                .expect(HostArray.f32(Shape.of(3, 2), 0, 0, 1, 0, 0, 1)));
        c.add(OpCase.forward("_eye").label("diagonal outside").param("N", 2).param("k", 5).expect(HostArray.f32(Shape.of(2, 2), 0, 0, 0, 0)));
        c.add(OpCase.error("_eye").label("negative N").param("N", -1).fails(ShapeException.class, "N must be non-negative"));
        c.add(OpCase.error("_eye").label("missing N").fails(ParameterException.class, "required parameter 'N'"));

        c.add(OpCase.forward("zeros_like").randomInput(2, 3).expect(HostArray.f32(Shape.of(2, 3), 0, 0, 0, 0, 0, 0)));
        c.add(OpCase.forward("zeros_like").label("int32").randomInput(Shape.of(2), DType.INT32, -5, 5)
                .expect(HostArray.of(Shape.of(2), DType.INT32, 0, 0)));
        c.add(OpCase.error("zeros_like").label("unknown param").randomInput(2).param("shape", "(2,)").fails(ParameterException.class, "unknown parameter"));

        c.add(OpCase.forward("ones_like").input(Shape.of(3), 5, -1, 2).expect(HostArray.f32(Shape.of(3), 1, 1, 1)));
        c.add(OpCase.forward("ones_like").label("float64").randomInput(Shape.of(1, 2), DType.FLOAT64, -1, 1)
                .expect(HostArray.of(Shape.of(1, 2), DType.FLOAT64, 1, 1)));
        c.add(OpCase.error("ones_like").label("unknown param").randomInput(2).param("value", 1).fails(ParameterException.class, "unknown parameter"));

        c.add(OpCase.forward("_copyto").input(Shape.of(3), 1, 2, 3).expect(HostArray.f32(Shape.of(3), 1, 2, 3)));
        c.add(OpCase.forward("_copyto").label("int64").input(HostArray.of(Shape.of(2), DType.INT64, 7, -8))
                .expect(HostArray.of(Shape.of(2), DType.INT64, 7, -8)));
        c.add(OpCase.forward("_copyto").label("grad").randomInput(2, 2).gradCheck());
        c.add(OpCase.error("_copyto").label("unknown param").randomInput(2).param("ctx", "cpu(0)").fails(ParameterException.class, "unknown parameter 'ctx'"));
        return c;
    }
}
