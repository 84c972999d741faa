package dev.mxj.ndarray;

import dev.mxj.op.codegen.WrapperGenerator;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import static org.junit.jupiter.api.Assertions.*;

class CodegenTest {
    @Test
    void javaNamesFromMxnetNames() {
        assertEquals("plusScalar", WrapperGenerator.javaName("_plus_scalar"));
        assertEquals("rminusScalar", WrapperGenerator.javaName("_rminus_scalar"));
        assertEquals("broadcastAdd", WrapperGenerator.javaName("broadcast_add"));
        assertEquals("fullyConnected", WrapperGenerator.javaName("FullyConnected"));
        assertEquals("lrn", WrapperGenerator.javaName("LRN"));
        assertEquals("roiPooling", WrapperGenerator.javaName("ROIPooling"));
        assertEquals("contribBilinearResize2D", WrapperGenerator.javaName("_contrib_BilinearResize2D"));
        assertEquals("zeros", WrapperGenerator.javaName("_zeros"));
    }

    @Test
    void generatedWrappersCoverTheRegistry() throws Exception {
        Method zeros = Nd.class.getMethod("zeros", long[].class, dev.mxj.Context.class, dev.mxj.op.DType.class);
        assertTrue(Modifier.isStatic(zeros.getModifiers()));
        assertEquals(NDArray.class, Nd.class.getMethod("arange", double.class).getReturnType());
        // instance forms live in the generated superclass; hand-written ones are not generated twice
        Method zl = NDArray.class.getMethod("zerosLike", NDArray.class);
        assertEquals(NDArrayOps.class, zl.getDeclaringClass());
        assertEquals(NDArray.class, NDArray.class.getMethod("zerosLike").getDeclaringClass());
        for (Method m : Nd.class.getDeclaredMethods()) assertFalse(m.getName().startsWith("backward"), m.getName());
        NDArray x = NDArray.array(new float[] {1, 2});
        NDArray out = NDArray.zeros(2);
        assertSame(out, x.onesLike(out));
        assertArrayEquals(new float[] {1, 1}, out.toFloatArray());
    }
}
