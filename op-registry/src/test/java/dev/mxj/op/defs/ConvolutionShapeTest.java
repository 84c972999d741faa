package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.OperatorException;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Partial shape inference of the convolution family as symbolic graphs use it: parameters'
 * shapes from data (what Gluon's deferred initialisation relies on), data back from a known
 * output, and geometry errors that name the operator.
 */
class ConvolutionShapeTest {
    private static Shape[][] infer(String op, Map<String, ?> params, Shape[] in, Shape[] out) {
        OpDef d = OpRegistry.global().get(op);
        Attrs a = d.parseAttrs(params);
        Shape[] i = in.clone(), o = out.clone();
        d.shapeFn().infer(a, i, o);
        return new Shape[][] {i, o};
    }

    @Test
    void convolutionInfersWeightBiasAndOutputFromData() {
        Shape[][] r = infer("Convolution", Map.of("kernel", "(3, 3)", "num_filter", 4, "num_group", 2, "stride", "(2, 1)"),
                new Shape[] {Shape.of(2, 6, 9, 8), null, null}, new Shape[] {null});
        assertArrayEquals(new Shape[] {Shape.of(2, 6, 9, 8), Shape.of(4, 3, 3, 3), Shape.of(4)}, r[0]);
        assertArrayEquals(new Shape[] {Shape.of(2, 4, 4, 6)}, r[1]);
    }

    @Test
    void convolutionBackFillsBatchAndUnitStrideSizesFromTheOutput() {
        Shape[][] r = infer("Convolution", Map.of("kernel", "(3, 3)", "num_filter", 4, "pad", "(1, 0)", "stride", "(1, 2)", "no_bias", true),
                new Shape[] {Shape.of(-1, 3, -1, 9), null}, new Shape[] {Shape.of(5, 4, 7, 4)});
        assertEquals(Shape.of(5, 3, 7, 9), r[0][0]);
        assertEquals(Shape.of(4, 3, 3, 3), r[0][1]);
    }

    @Test
    void convolutionTakesChannelsFromAKnownWeight() {
        Shape[][] r = infer("Convolution", Map.of("kernel", "(2,)", "num_filter", 6, "num_group", 3, "no_bias", true),
                new Shape[] {Shape.of(1, -1, 5), Shape.of(6, 2, 2)}, new Shape[] {null});
        assertEquals(Shape.of(1, 6, 5), r[0][0]);
        assertEquals(Shape.of(1, 6, 4), r[1][0]);
    }

    @Test
    void deconvolutionInfersItsTransposedWeightAndTargetShape() {
        Shape[][] r = infer("Deconvolution", Map.of("kernel", "(4, 4)", "num_filter", 6, "num_group", 2, "stride", "(2, 2)", "target_shape", "(9, 8)",
                "no_bias", false), new Shape[] {Shape.of(1, 4, 4, 4), null, null}, new Shape[] {null});
        assertArrayEquals(new Shape[] {Shape.of(1, 4, 4, 4), Shape.of(4, 3, 4, 4), Shape.of(6)}, r[0]);
        assertEquals(Shape.of(1, 6, 9, 8), r[1][0]);
    }

    @Test
    void upSamplingBilinearInfersItsKernel() {
        Shape[][] r = infer("UpSampling", Map.of("scale", 3, "sample_type", "bilinear", "num_filter", 2, "num_args", 2),
                new Shape[] {Shape.of(1, 2, 4, 5), null}, new Shape[] {null});
        assertEquals(Shape.of(2, 1, 5, 5), r[0][1]);
        assertEquals(Shape.of(1, 2, 12, 15), r[1][0]);
    }

    @Test
    void unknownDataLeavesTheOutputUnknownButFixesTheBias() {
        Shape[][] r = infer("Convolution", Map.of("kernel", "(3, 3)", "num_filter", 8), new Shape[] {null, null, null}, new Shape[] {null});
        assertEquals(Shape.of(8), r[0][2]);
        assertTrue(r[1][0] == null || !r[1][0].isKnown());
    }

    @Test
    void geometryErrorsNameTheOperator() {
        OperatorException e = assertThrows(OperatorException.class, () -> infer("Convolution", Map.of("kernel", "(5, 5)", "num_filter", 1),
                new Shape[] {Shape.of(1, 1, 4, 4), null, null}, new Shape[] {null}));
        assertTrue(e.getMessage().startsWith("Operator Convolution: kernel size exceeds input"), e.getMessage());
        e = assertThrows(OperatorException.class, () -> infer("Pooling", Map.of("kernel", "(2, 2)", "layout", "NCW"),
                new Shape[] {Shape.of(1, 1, 4, 4)}, new Shape[] {null}));
        assertTrue(e.getMessage().contains("Operator Pooling") && e.getMessage().contains("layout NCW does not fit"), e.getMessage());
    }
}
