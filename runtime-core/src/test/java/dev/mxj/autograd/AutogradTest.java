package dev.mxj.autograd;

import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.ndarray.Nd;
import dev.mxj.op.DType;
import dev.mxj.op.OperatorException;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Recording, backward and grad semantics as MXNet's mx.autograd. */
class AutogradTest {
    private static NDArray x() { return NDArray.array(new float[] {1, 2, 3, 4}, Shape.of(2, 2)); }

    @Test
    void backwardOfProductAndSum() {
        NDArray x = x();
        x.attachGrad();
        NDArray y;
        try (var rec = Autograd.record()) {
            y = x.mul(x).add(x.mul(3)).sum();
        }
        y.backward();
        assertArrayEquals(new float[] {5, 7, 9, 11}, x.grad().toFloatArray(), 1e-6f); // 2x + 3
    }

    @Test
    void entryUsedTwiceGetsSummedGradientAndBroadcastWorks() {
        NDArray x = x();
        NDArray b = NDArray.array(new float[] {10, 20}, Shape.of(1, 2));
        x.attachGrad();
        b.attachGrad();
        NDArray y;
        try (var rec = Autograd.record()) {
            NDArray t = x.add(b);      // broadcast over rows
            y = t.mul(t).sum();
        }
        y.backward();
        assertArrayEquals(new float[] {22, 44, 26, 48}, x.grad().toFloatArray(), 1e-5f);
        assertArrayEquals(new float[] {48, 92}, b.grad().toFloatArray(), 1e-5f);
    }

    @Test
    void headGradientWeightsTheOutputs() {
        NDArray x = x();
        x.attachGrad();
        NDArray y;
        try (var rec = Autograd.record()) {
            y = x.mul(2);
        }
        y.backward(NDArray.array(new float[] {1, 0, -1, 2}, Shape.of(2, 2)), false, true);
        assertArrayEquals(new float[] {2, 0, -2, 4}, x.grad().toFloatArray());
    }

    @Test
    void gradReqAddAccumulatesWriteOverwritesNullSkips() {
        NDArray a = x(), w = x(), n = x();
        a.attachGrad(GradReq.ADD);
        w.attachGrad(GradReq.WRITE);
        n.attachGrad(GradReq.NULL);
        for (int i = 0; i < 3; i++) {
            NDArray y;
            try (var rec = Autograd.record()) {
                y = a.mul(w).mul(n).sum();
            }
            y.backward();
        }
        // d/da = w*n = x^2, accumulated three times; d/dw = a*n = x^2, written
        assertArrayEquals(new float[] {3, 12, 27, 48}, a.grad().toFloatArray());
        assertArrayEquals(new float[] {1, 4, 9, 16}, w.grad().toFloatArray());
        assertEquals(GradReq.NULL, n.gradReq());
    }

    @Test
    void secondBackwardWithoutRetainGraphFailsClearly() {
        NDArray x = x();
        x.attachGrad();
        NDArray y;
        try (var rec = Autograd.record()) {
            y = x.mul(x).sum();
        }
        y.backward(null, true, true);
        y.backward(null, true, true); // retained: works again
        assertArrayEquals(new float[] {2, 4, 6, 8}, x.grad().toFloatArray());
        y.backward();
        AutogradException e = assertThrows(AutogradException.class, y::backward);
        assertTrue(e.getMessage().contains("retain_graph=True"), e.getMessage());
    }

    @Test
    void notRecordedHeadFailsClearly() {
        NDArray x = x();
        x.attachGrad();
        NDArray y = x.mul(2).sum();
        AutogradException e = assertThrows(AutogradException.class, y::backward);
        assertTrue(e.getMessage().contains("not in a computational graph"), e.getMessage());
        NDArray data = x(); // recorded, but nothing it computes depends on a variable: not part of any graph
        try (var rec = Autograd.record()) {
            y = data.mul(2).sum();
        }
        assertThrows(AutogradException.class, y::backward);
    }

    @Test
    void noVariableRequiringGradientFailsClearly() {
        NDArray x = x();
        x.attachGrad(GradReq.NULL);
        NDArray y;
        try (var rec = Autograd.record()) {
            y = x.mul(2).sum();
        }
        AutogradException e = assertThrows(AutogradException.class, y::backward);
        assertTrue(e.getMessage().contains("no inputs in computation graph that require gradients"), e.getMessage());
    }

    @Test
    void gradReturnsGradientsWithoutTouchingBuffers() {
        NDArray x = x();
        x.attachGrad();
        NDArray y;
        try (var rec = Autograd.record()) {
            y = x.mul(x).sum();
        }
        NDArray g = Autograd.grad(y, x);
        assertArrayEquals(new float[] {2, 4, 6, 8}, g.toFloatArray());
        assertArrayEquals(new float[] {0, 0, 0, 0}, x.grad().toFloatArray());
    }

    @Test
    void gradOfUnrelatedVariableIsZeros() {
        NDArray x = x(), z = x();
        x.attachGrad();
        z.attachGrad();
        NDArray y;
        try (var rec = Autograd.record()) {
            y = x.mul(2).sum();
        }
        List<NDArray> g = Autograd.grad(List.of(y), List.of(x, z), null, false, false, true);
        assertArrayEquals(new float[] {2, 2, 2, 2}, g.get(0).toFloatArray());
        assertArrayEquals(new float[] {0, 0, 0, 0}, g.get(1).toFloatArray());
    }

    @Test
    void detachStopsTheGradient() {
        NDArray x = x();
        x.attachGrad();
        NDArray y;
        try (var rec = Autograd.record()) {
            NDArray t = x.mul(x);
            y = t.detach().mul(x).sum(); // d/dx = x^2 (t treated as a constant)
        }
        y.backward();
        assertArrayEquals(new float[] {1, 4, 9, 16}, x.grad().toFloatArray());
    }

    @Test
    void inPlaceWriteToRecordedArrayFails() {
        NDArray x = x();
        x.attachGrad();
        try (var rec = Autograd.record()) {
            NDArray y = x.mul(2);
            OperatorException e = assertThrows(OperatorException.class, () -> y.addi(1));
            assertTrue(e.getMessage().contains("already in a computational graph"), e.getMessage());
            assertThrows(OperatorException.class, () -> x.muli(2));
        }
        assertArrayEquals(new float[] {1, 2, 3, 4}, x.toFloatArray(), "x left intact");
    }

    @Test
    void theTapeKeepsWhatBackwardReadsEvenWhenTheCallerClosedIt() {
        NDArray x = x();
        x.attachGrad();
        NDArray y;
        try (var scope = NDScope.open()) {
            NDArray data = NDArray.array(new float[] {5, 6, 7, 8}, Shape.of(2, 2));
            try (var rec = Autograd.record()) {
                NDArray t = x.mul(data);
                y = NDScope.keep(t.mul(t).sum());
            }
        } // data and t are closed here
        y.backward();
        assertArrayEquals(new float[] {50, 144, 294, 512}, x.grad().toFloatArray()); // 2 x data^2
    }

    @Test
    void markVariablesWithOwnBuffers() {
        NDArray x = x();
        NDArray buf = NDArray.zeros(Shape.of(2, 2));
        Autograd.markVariables(List.of(x), List.of(buf), List.of(GradReq.WRITE));
        NDArray y;
        try (var rec = Autograd.record()) {
            y = x.exp().sum();
        }
        y.backward();
        float[] expect = new float[4];
        float[] xv = x.toFloatArray();
        for (int i = 0; i < 4; i++) expect[i] = (float) Math.exp(xv[i]);
        assertArrayEquals(expect, buf.toFloatArray(), 1e-4f);
        assertSame(buf, x.grad());
    }

    @Test
    void multipleHeads() {
        NDArray x = x();
        x.attachGrad();
        NDArray y1, y2;
        try (var rec = Autograd.record()) {
            y1 = x.mul(2);
            y2 = x.mul(x);
        }
        Autograd.backward(List.of(y1, y2), null, false, true);
        assertArrayEquals(new float[] {4, 6, 8, 10}, x.grad().toFloatArray()); // 2 + 2x
    }

    @Test
    void generatedWrappersAndViewsAreRecorded() {
        NDArray x = x();
        x.attachGrad();
        NDArray y;
        try (var rec = Autograd.record()) {
            y = Nd.sum(x.relu());
        }
        y.backward();
        assertArrayEquals(new float[] {1, 1, 1, 1}, x.grad().toFloatArray());

        try (var rec = Autograd.record()) {
            NDArray flat = x.reshape(4);                 // Reshape
            NDArray row = x.at(1);                        // slice_axis + Reshape
            NDArray rows = x.slice(0, 1);                 // slice_axis
            NDArray c = NDArray.zeros(Shape.of(2, 2), DType.FLOAT64, x.context());
            x.copyTo(c);                                  // Cast (dtype differs)
            y = flat.mul(flat).sum().add(row.mul(10).sum()).add(rows.sum()).add(c.sum().asType(DType.FLOAT32));
        }
        y.backward();
        assertArrayEquals(new float[] {4, 6, 17, 19}, x.grad().toFloatArray(), 1e-5f, Arrays.toString(x.grad().toFloatArray()));
    }
}
