package dev.mxj.op;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class DTypeTest {
    @Test void flagsMatchMxnet() {
        // mshadow::TypeFlag values, stored in .params files and symbol JSON
        assertEquals(0, DType.FLOAT32.flag());
        assertEquals(1, DType.FLOAT64.flag());
        assertEquals(2, DType.FLOAT16.flag());
        assertEquals(3, DType.UINT8.flag());
        assertEquals(4, DType.INT32.flag());
        assertEquals(5, DType.INT8.flag());
        assertEquals(6, DType.INT64.flag());
        assertEquals(7, DType.BOOL.flag());
        for (DType t : DType.values()) assertSame(t, DType.fromFlag(t.flag()));
        assertThrows(IllegalArgumentException.class, () -> DType.fromFlag(12));
    }

    @Test void parsesNumpyStyleNames() {
        assertSame(DType.FLOAT32, DType.parse("float32"));
        assertSame(DType.FLOAT32, DType.parse("np.float32"));
        assertSame(DType.FLOAT64, DType.parse("<class 'numpy.float64'>"));
        assertSame(DType.INT32, DType.parse("int"));
        assertSame(DType.BOOL, DType.parse("bool"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DType.parse("complex64"));
        assertTrue(e.getMessage().contains("complex64"));
    }
}
