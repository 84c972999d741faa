package dev.mxj.ndarray;

import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The hand-written fluent arithmetic maps to MXNet's broadcast and scalar operators. */
class ArithmeticTest {
    private static NDArray a() { return NDArray.array(new float[][] {{1, 2}, {3, 4}}); }

    @Test
    void arraysAndScalars() {
        NDArray row = NDArray.array(new float[] {10, 20}, Shape.of(1, 2));
        assertArrayEquals(new float[] {11, 22, 13, 24}, a().add(row).toFloatArray(), "broadcast_add");
        assertArrayEquals(new float[] {-9, -18, -7, -16}, a().sub(row).toFloatArray());
        assertArrayEquals(new float[] {10, 40, 30, 80}, a().mul(row).toFloatArray());
        assertArrayEquals(new float[] {0.1f, 0.1f, 0.3f, 0.2f}, a().div(row).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {2, 3, 4, 5}, a().add(1).toFloatArray());
        assertArrayEquals(new float[] {0, 1, 2, 3}, a().sub(1).toFloatArray());
        assertArrayEquals(new float[] {9, 8, 7, 6}, a().rsub(10).toFloatArray());
        assertArrayEquals(new float[] {2, 4, 6, 8}, a().mul(2).toFloatArray());
        assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2}, a().div(2).toFloatArray());
        assertArrayEquals(new float[] {12, 6, 4, 3}, a().rdiv(12).toFloatArray());
        assertArrayEquals(new float[] {1, 0, 1, 0}, a().mod(2).toFloatArray());
        assertArrayEquals(new float[] {1, 4, 9, 16}, a().pow(2).toFloatArray());
        assertArrayEquals(new float[] {2, 4, 8, 16}, a().rpow(2).toFloatArray());
        assertArrayEquals(new float[] {-1, -2, -3, -4}, a().neg().toFloatArray());
        assertArrayEquals(new float[] {0, 1, 0, 0}, a().eq(2).toFloatArray());
        assertArrayEquals(new float[] {0, 0, 1, 1}, a().gt(2).toFloatArray());
        assertArrayEquals(new float[] {1, 1, 0, 0}, a().le(NDArray.full(Shape.of(2, 2), 2)).toFloatArray());
    }

    @Test
    void inPlaceFormsWriteThisArray() {
        NDArray x = a();
        assertSame(x, x.addi(1).muli(2).subi(NDArray.ones(2, 2)).divi(2));
        assertArrayEquals(new float[] {1.5f, 2.5f, 3.5f, 4.5f}, x.toFloatArray());
    }

    @Test
    void generatedOperatorMethods() {
        NDArray x = NDArray.array(new float[][] {{1, -2}, {-3, 4}});
        assertArrayEquals(new float[] {1, 0, 0, 4}, x.relu().toFloatArray());
        assertEquals(0.0, x.sum().asScalar());
        assertArrayEquals(new float[] {7, -10, -15, 22}, x.dot(x).toFloatArray());
        assertArrayEquals(new float[] {1, 2, 3, 4}, Nd.abs(x).toFloatArray());
    }
}
