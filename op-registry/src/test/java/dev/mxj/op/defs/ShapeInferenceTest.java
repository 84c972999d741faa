package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Partial and backward shape inference of the shape operators, as symbolic graphs need it
 * (imperative calls, and so the operator suite, only ever infer forward from known inputs).
 */
class ShapeInferenceTest {
    private static final Shape U = Shape.unknown();

    /** Run op's shape function on copies of in/out and return {inputs, outputs} after inference. */
    private static Shape[][] infer(String op, Map<String, ?> params, Shape[] in, Shape[] out) {
        OpDef d = OpRegistry.global().get(op);
        Attrs a = d.parseAttrs(params);
        Shape[] i = in.clone(), o = out.clone();
        d.shapeFn().infer(a, i, o);
        return new Shape[][] {i, o};
    }

    @Test
    void reshapeFillsOneUnknownInputDimensionFromTheOutput() {
        Shape[][] r = infer("Reshape", Map.of("shape", "(6,)"), new Shape[] {Shape.of(-1, 3)}, new Shape[] {Shape.of(6)});
        assertArrayEquals(new Shape[] {Shape.of(2, 3)}, r[0]);
    }

    @Test
    void transposeAndExpandDimsInferTheirInputFromTheOutput() {
        assertArrayEquals(new Shape[] {Shape.of(4, 2, 3)},
                infer("transpose", Map.of("axes", "(1, 2, 0)"), new Shape[] {U}, new Shape[] {Shape.of(2, 3, 4)})[0]);
        assertArrayEquals(new Shape[] {Shape.of(2, 3)}, infer("expand_dims", Map.of("axis", 1), new Shape[] {U}, new Shape[] {Shape.of(2, 1, 3)})[0]);
    }

    @Test
    void concatSharesTheOtherDimensionsWithAnUnknownInput() {
        Shape[][] r = infer("Concat", Map.of("num_args", 2, "dim", 1), new Shape[] {Shape.of(2, 3), null}, new Shape[] {null});
        assertArrayEquals(new Shape[] {Shape.of(2, 3), Shape.of(2, -1)}, r[0]);
        assertTrue(r[1][0] == null || !r[1][0].isKnown(), "output stays unknown while an axis size is unknown");
    }

    @Test
    void sliceChannelBackCalculatesItsInput() {
        Shape[] outs = {Shape.of(3, 1, 1), null};
        assertArrayEquals(new Shape[] {Shape.of(3, 2, 1)}, infer("SliceChannel", Map.of("num_outputs", 2, "axis", 1), new Shape[] {null}, outs)[0]);
        assertArrayEquals(new Shape[] {Shape.of(3, 2, 1)},
                infer("split", Map.of("num_outputs", 3, "axis", 0, "squeeze_axis", true), new Shape[] {null}, new Shape[] {Shape.of(2, 1), null, null})[0]);
    }

    @Test
    void whereSharesTheShapeOfXAndY() {
        Shape[][] r = infer("where", Map.of(), new Shape[] {Shape.of(2), Shape.of(2, 3), null}, new Shape[] {null});
        assertArrayEquals(new Shape[] {Shape.of(2), Shape.of(2, 3), Shape.of(2, 3)}, r[0]);
        assertArrayEquals(new Shape[] {Shape.of(2, 3)}, r[1]);
    }
}
