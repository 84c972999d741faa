package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Resource;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;
import dev.mxj.op.TypeException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What symbolic graphs need from the neural-network declarations and imperative calls never
 * exercise: weights, biases and statistics inferred from data (simple_bind), partial shapes,
 * dtypes of parameters, and the declared outputs, aux states, resources and training flags.
 */
class NeuralNetworkInferenceTest {
    private static OpDef op(String name) { return OpRegistry.global().get(name); }

    private static Shape[][] infer(String name, Map<String, ?> params, Shape[] in, Shape[] out) {
        OpDef d = op(name);
        Attrs a = d.parseAttrs(params);
        Shape[] i = in.clone(), o = out.clone();
        d.shapeFn().infer(a, i, o);
        return new Shape[][] {i, o};
    }

    private static DType[][] inferType(String name, Map<String, ?> params, DType[] in, DType[] out) {
        OpDef d = op(name);
        Attrs a = d.parseAttrs(params);
        DType[] i = in.clone(), o = out.clone();
        d.typeFn().infer(a, i, o);
        return new DType[][] {i, o};
    }

    @Test
    void fullyConnectedInfersWeightAndBiasFromData() {
        Shape[][] r = infer("FullyConnected", Map.of("num_hidden", 10), new Shape[] {Shape.of(32, 1, 28, 28), null, null}, new Shape[] {null});
        assertArrayEquals(new Shape[] {Shape.of(32, 1, 28, 28), Shape.of(10, 784), Shape.of(10)}, r[0]);
        assertArrayEquals(new Shape[] {Shape.of(32, 10)}, r[1]);

        r = infer("FullyConnected", Map.of("num_hidden", 4, "flatten", false), new Shape[] {Shape.of(2, 5, 3), null, null}, new Shape[] {null});
        assertArrayEquals(new Shape[] {Shape.of(2, 5, 3), Shape.of(4, 3), Shape.of(4)}, r[0]);
        assertArrayEquals(new Shape[] {Shape.of(2, 5, 4)}, r[1]);
    }

    @Test
    void fullyConnectedTakesTheBatchSizeFromItsOutputAndKeepsAColumnBias() {
        Shape[][] r = infer("FullyConnected", Map.of("num_hidden", 3), new Shape[] {Shape.of(-1, 6), null, Shape.of(3, 1)}, new Shape[] {Shape.of(8, 3)});
        assertArrayEquals(new Shape[] {Shape.of(8, 6), Shape.of(3, 6), Shape.of(3, 1)}, r[0]);
        // an unknown feature dimension leaves the weight partially known; the output does not depend on it
        r = infer("FullyConnected", Map.of("num_hidden", 3, "no_bias", true), new Shape[] {Shape.of(4, -1), null}, new Shape[] {null});
        assertEquals(Shape.of(3, -1), r[0][1]);
        assertEquals(Shape.of(4, 3), r[1][0]);
    }

    @Test
    void normalisationParametersFollowTheChannelAxis() {
        Shape[][] r = infer("BatchNorm", Map.of(), new Shape[] {Shape.of(8, 3, 5, 5), null, null, null, null}, new Shape[3]);
        for (int i = 1; i < 5; i++) assertEquals(Shape.of(3), r[0][i]);
        assertArrayEquals(new Shape[] {Shape.of(8, 3, 5, 5), Shape.of(3), Shape.of(3)}, r[1]);
        assertEquals(Shape.of(5), infer("BatchNorm", Map.of("axis", -1), new Shape[] {Shape.of(8, 3, 5), null, null, null, null}, new Shape[3])[0][1]);
        r = infer("LayerNorm", Map.of("axis", 1), new Shape[] {Shape.of(2, 7, 3), null, null}, new Shape[3]);
        assertEquals(Shape.of(7), r[0][1]);
        assertEquals(Shape.of(2, 1, 3), r[1][2]);
        assertEquals(Shape.of(2), infer("GroupNorm", Map.of("num_groups", 2), new Shape[] {Shape.of(1, 4, 3), null, null}, new Shape[3])[0][1]);
        assertEquals(Shape.of(4), infer("InstanceNorm", Map.of(), new Shape[] {Shape.of(1, 4, 3), null, null}, new Shape[3])[0][2]);
    }

    @Test
    void labelsLengthsGammaAndEmbeddingWeightAreInferred() {
        assertEquals(Shape.of(5), infer("SoftmaxOutput", Map.of(), new Shape[] {Shape.of(5, 10), null}, new Shape[1])[0][1]);
        assertEquals(Shape.of(2, 4), infer("SoftmaxOutput", Map.of("multi_output", true), new Shape[] {Shape.of(2, 3, 4), null}, new Shape[1])[0][1]);
        assertEquals(Shape.of(6), infer("LinearRegressionOutput", Map.of(), new Shape[] {Shape.of(6, 1), null}, new Shape[1])[0][1]);
        assertEquals(Shape.of(2, 4), infer("softmax", Map.of("axis", 1, "use_length", true), new Shape[] {Shape.of(2, 3, 4), null}, new Shape[1])[0][1]);
        assertEquals(Shape.of(3), infer("LeakyReLU", Map.of("act_type", "prelu"), new Shape[] {Shape.of(2, 3, 4), null}, new Shape[1])[0][1]);
        assertEquals(Shape.of(100, 8), infer("Embedding", Map.of("input_dim", 100, "output_dim", 8), new Shape[] {null, null}, new Shape[1])[0][1]);
        assertEquals(Shape.of(4), infer("SequenceMask", Map.of("use_sequence_length", true, "axis", 1), new Shape[] {Shape.of(4, 9), null}, new Shape[1])[0][1]);
        assertEquals(Shape.of(6, 1, 5), infer("Dropout", Map.of("axes", "(1,)"), new Shape[] {Shape.of(6, 3, 5)}, new Shape[2])[1][1]);
    }

    @Test
    void batchNormKeepsFloat32ParametersForFloat16Data() {
        DType[][] t = inferType("BatchNorm", Map.of(), new DType[] {DType.FLOAT16, null, null, null, null}, new DType[3]);
        assertArrayEquals(new DType[] {DType.FLOAT16, DType.FLOAT32, DType.FLOAT32, DType.FLOAT32, DType.FLOAT32}, t[0]);
        assertArrayEquals(new DType[] {DType.FLOAT16, DType.FLOAT32, DType.FLOAT32}, t[1]);
        assertThrows(TypeException.class, () -> inferType("BatchNorm", Map.of(), new DType[] {DType.FLOAT64, DType.FLOAT32, null, null, null}, new DType[3]));
    }

    @Test
    void softmaxAndEmbeddingDtypes() {
        assertEquals(DType.FLOAT64, inferType("softmax", Map.of("dtype", "float64"), new DType[] {DType.FLOAT16}, new DType[1])[1][0]);
        assertEquals(DType.FLOAT16, inferType("Embedding", Map.of("input_dim", 3, "output_dim", 2, "dtype", "float16"),
                new DType[] {DType.INT32, null}, new DType[1])[1][0]);
        assertEquals(DType.FLOAT64, inferType("Embedding", Map.of("input_dim", 3, "output_dim", 2),
                new DType[] {DType.FLOAT32, DType.FLOAT64}, new DType[1])[1][0]);
    }

    @Test
    void declaredOutputsAuxStatesResourcesAndTrainingFlags() {
        OpDef bn = op("BatchNorm");
        Attrs a = bn.parseAttrs(Map.of());
        assertEquals(List.of("output", "mean", "var"), bn.outputNames(a));
        assertEquals(1, bn.numVisibleOutputs(a));
        assertEquals(3, bn.numVisibleOutputs(bn.parseAttrs(Map.of("output_mean_var", "True"))));
        assertArrayEquals(new int[] {3, 4}, bn.mutateInputs(a));
        assertTrue(bn.isTrainingDependent());

        OpDef dropout = op("Dropout");
        assertEquals(1, dropout.numVisibleOutputs(dropout.parseAttrs(Map.of())));
        assertEquals(Set.of(Resource.RANDOM), dropout.resources(dropout.parseAttrs(Map.of("p", 0.2))));
        assertEquals(Set.of(), dropout.resources(dropout.parseAttrs(Map.of("p", 0))));
        assertTrue(dropout.isTrainingDependent());

        OpDef leaky = op("LeakyReLU");
        assertEquals(List.of("data", "gamma"), leaky.inputNames(leaky.parseAttrs(Map.of("act_type", "prelu"))));
        assertEquals(2, leaky.numVisibleOutputs(leaky.parseAttrs(Map.of("act_type", "rrelu"))));

        OpDef fc = op("FullyConnected");
        assertEquals(List.of("data", "weight"), fc.inputNames(fc.parseAttrs(Map.of("num_hidden", 2, "no_bias", "True"))));
        assertEquals("_backward_FullyConnected", OpRegistry.global().get("_backward_FullyConnected").name());
        assertEquals("FullyConnected", OpRegistry.global().get("_backward_FullyConnected").backwardOf());
        assertFalse(op("BlockGrad").isDifferentiable());
        assertEquals(op("SoftmaxOutput"), op("Softmax"));
        assertEquals(op("BlockGrad"), op("stop_gradient"));
    }

    @Test
    void errorsNameTheOperator() {
        ShapeException e = assertThrows(ShapeException.class,
                () -> infer("FullyConnected", Map.of("num_hidden", 2), new Shape[] {Shape.of(4, 3), Shape.of(2, 4), null}, new Shape[1]));
        assertTrue(e.getMessage().startsWith("Operator FullyConnected:"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> infer("GroupNorm", Map.of("num_groups", 3), new Shape[] {Shape.of(1, 4, 2), null, null}, new Shape[3]));
        assertTrue(e.getMessage().contains("not divisible"), e.getMessage());
    }
}
