package dev.mxj.ndarray;

import dev.mxj.Context;
import dev.mxj.op.DType;
import dev.mxj.op.OperatorException;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CreationTest {
    private static float[] f(NDArray a) { return a.toFloatArray(); }

    @Test
    void zerosOnesFull() {
        assertArrayEquals(new float[6], f(NDArray.zeros(2, 3)));
        assertEquals(Shape.of(2, 3), NDArray.zeros(2, 3).shape());
        assertArrayEquals(new float[] {1, 1, 1}, f(NDArray.ones(3)));
        assertArrayEquals(new double[] {2.5, 2.5}, NDArray.full(Shape.of(2), 2.5, DType.FLOAT64, Context.cpu()).toDoubleArray());
        assertArrayEquals(new int[] {7, 7}, NDArray.full(Shape.of(2), 7.9, DType.INT32, Context.cpu()).toIntArray());
        NDArray h = NDArray.full(Shape.of(2), 0.1, DType.FLOAT16, Context.cpu());
        assertEquals(Float.float16ToFloat(Float.floatToFloat16(0.1f)), f(h)[0]);
        assertEquals(DType.BOOL, NDArray.ones(Shape.of(1), DType.BOOL, Context.cpu()).dtype());
        assertEquals(1.0, NDArray.full(Shape.scalar(), 4, DType.FLOAT32, Context.cpu()).asScalar() / 4);
    }

    @Test
    void creationThroughGeneratedWrappers() {
        assertArrayEquals(new float[] {0, 0, 0, 0}, f(Nd.zeros(new long[] {2, 2}, null, null)));
        assertArrayEquals(new float[] {3, 3}, f(Nd.full(3.0, new long[] {2}, null, null)));
        NDArray i = Nd.ones(new long[] {2}, Context.cpu(), DType.INT64);
        assertEquals(DType.INT64, i.dtype());
        assertArrayEquals(new long[] {1, 1}, i.toLongArray());
    }

    @Test
    void arangeFollowsMxnet() {
        assertArrayEquals(new float[] {0, 1, 2, 3, 4}, f(NDArray.arange(5)));
        assertArrayEquals(new float[] {2, 4, 6}, f(NDArray.arange(2, 7, 2)));
        assertArrayEquals(new float[] {5, 3, 1}, f(NDArray.arange(5, 0, -2)));
        assertArrayEquals(new float[] {0, 0, 1, 1, 2, 2}, f(NDArray.arange(0, 3, 1, 2, DType.FLOAT32, Context.cpu())));
        // only start given: the interval is [0, start)
        assertArrayEquals(new float[] {0, 1, 2}, f(Imperative.invoke1("_arange", null, Map.of("start", 3), null)));
        assertArrayEquals(new int[] {0, 1, 2}, NDArray.arange(0, 3, 1, 1, DType.INT32, Context.cpu()).toIntArray());
        assertArrayEquals(new float[] {0f, 0.1f, 0.2f}, f(NDArray.arange(0, 0.3, 0.1)), 1e-7f);
        assertEquals(4, NDArray.arange(0, 1.0, 0.3).size()); // ceil(1/0.3)
    }

    @Test
    void linspaceAndEye() {
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 0.75f, 1}, f(NDArray.linspace(0, 1, 5)));
        assertArrayEquals(new float[] {0, 0.2f, 0.4f, 0.6f, 0.8f},
                f(NDArray.linspace(0, 1, 5, false, DType.FLOAT32, Context.cpu())), 1e-7f);
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, f(NDArray.eye(3)));
        NDArray e = NDArray.eye(2, 3, 1, DType.FLOAT32, Context.cpu());
        assertEquals(Shape.of(2, 3), e.shape());
        assertArrayEquals(new float[] {0, 1, 0, 0, 0, 1}, f(e));
        assertArrayEquals(new float[] {0, 0, 1, 0}, f(NDArray.eye(2, 0, -1, DType.FLOAT32, Context.cpu())));
    }

    @Test
    void likeOps() {
        NDArray x = NDArray.array(new int[] {4, 5, 6});
        NDArray z = x.zerosLike(), o = x.onesLike();
        assertEquals(DType.INT32, z.dtype());
        assertArrayEquals(new int[] {0, 0, 0}, z.toIntArray());
        assertArrayEquals(new int[] {1, 1, 1}, o.toIntArray());
        assertArrayEquals(new int[] {4, 5, 6}, Nd.copyto(x).toIntArray());
    }

    @Test
    void invalidParametersFailAtInvokeNamingTheOperator() {
        assertError("_arange", Map.of("start", 0, "stop", 3, "step", 0), "step=0");
        assertError("_arange", Map.of("start", 3, "stop", 0), "Invalid range");
        assertError("_arange", Map.of("start", 0, "stop", 3, "repeat", 0), "repeat > 0");
        assertError("_linspace", Map.of("start", 0, "stop", 1, "num", -1), "non-negative");
        assertError("_full", Map.of("shape", "(2,)"), "required parameter 'value'");
        assertError("_zeros", Map.of("shape", "(2, -3)"), "shape");
        assertError("_zeros", Map.of("shape", "(2,)", "dtype", "complex64"), "dtype");
        assertError("_zeros", Map.of("shap", "(2,)"), "unknown parameter 'shap'");
        assertError("_zeros", Map.of(), "cannot infer output shapes");
        assertError("_eye", Map.of("N", -2), "N must be non-negative");
        assertError("_ones", Map.of("shape", "(2,)", "ctx", "cpu(x)"), "ctx");
        assertError("_zeros", Map.of("shape", "(100000000, 100000000, 1000)"), "too many elements");
    }

    private static void assertError(String op, Map<String, ?> params, String fragment) {
        OperatorException e = assertThrows(OperatorException.class, () -> Imperative.invoke(op, null, params, null), op + " " + params);
        assertTrue(e.getMessage().contains(op), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
