package dev.mxj.ndarray;

import dev.mxj.Context;
import dev.mxj.Devices;
import dev.mxj.op.DType;
import dev.mxj.op.OperatorException;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.*;

/** The test plugin "testaccel" (non host-accessible memory, kernels for _zeros/_full only). */
class FallbackTest {
    private static final Context ACC = Context.of("testaccel", 0);

    @Test
    void ownKernelsRunOnTheDevice() {
        NDArray z = NDArray.full(Shape.of(2, 2), 3, DType.FLOAT32, ACC);
        assertEquals(ACC, z.context());
        assertArrayEquals(new float[] {3, 3, 3, 3}, z.toFloatArray());
        assertArrayEquals(new float[] {1, 2}, NDArray.array(new float[] {1, 2}, Shape.of(2), ACC).toFloatArray());
        NDArray back = z.copyTo(Context.cpu());
        assertEquals(Context.cpu(), back.context());
        assertArrayEquals(new float[] {3, 3, 3, 3}, back.toFloatArray());
        NDArray again = back.copyTo(ACC).asType(DType.FLOAT64);
        assertEquals(ACC, again.context());
        assertArrayEquals(new double[] {3, 3, 3, 3}, again.toDoubleArray());
    }

    @Test
    void arraysOnTheDeviceSaveAndLoad(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        NDArray z = NDArray.array(new float[] {1, 2, 3}, Shape.of(3), ACC);
        java.nio.file.Path f = dir.resolve("acc.params");
        NDArray.save(f, java.util.List.of(z));
        NDArray back = NDArray.load(f).arrays().get(0);
        assertEquals(Context.cpu(), back.context(), "a device type MXNet does not know is saved as host memory");
        assertArrayEquals(new float[] {1, 2, 3}, back.toFloatArray());
    }

    @Test
    void missingKernelFallsBackToCpuWithOneWarning() {
        List<LogRecord> records = new ArrayList<>();
        Handler h = new Handler() {
            @Override public void publish(LogRecord r) { records.add(r); }
            @Override public void flush() {}
            @Override public void close() {}
        };
        Logger log = Logger.getLogger(Imperative.class.getName());
        log.addHandler(h);
        try {
            assertFalse(Devices.handle(ACC).kernels().has("_arange"));
            NDArray r = NDArray.arange(0, 4, 1, 1, DType.FLOAT32, ACC);
            assertEquals(ACC, r.context());
            assertArrayEquals(new float[] {0, 1, 2, 3}, r.toFloatArray());
            NDArray r2 = NDArray.arange(0, 2, 1, 1, DType.FLOAT32, ACC);
            assertArrayEquals(new float[] {0, 1}, r2.toFloatArray());
            // an operator with an input: the input is copied to the CPU and the result back
            NDArray c = r.onesLike();
            assertEquals(ACC, c.context());
            assertArrayEquals(new float[] {1, 1, 1, 1}, c.toFloatArray());
            long arangeWarnings = records.stream().filter(x -> x.getMessage().contains("_arange")).count();
            assertEquals(1, arangeWarnings, "warned once per (device, op)");
            assertTrue(records.get(0).getMessage().contains("testaccel(0)") && records.get(0).getMessage().contains("with copies"));
        } finally {
            log.removeHandler(h);
        }
    }

    @Test
    void inputsOnDifferentContextsAreRejected() {
        NDArray a = NDArray.ones(2);
        NDArray b = NDArray.full(Shape.of(2), 1, DType.FLOAT32, ACC);
        OperatorException e = assertThrows(OperatorException.class, () -> Imperative.invoke("_copyto", new NDArray[] {a, b}, null, null));
        assertTrue(e.getMessage().contains("_copyto"), e.getMessage());
        dev.mxj.testplugin.TestOps.ensure();
        OperatorException e2 = assertThrows(OperatorException.class, () -> Imperative.invoke("_test_add", new NDArray[] {a, b}, null, null));
        assertTrue(e2.getMessage().contains("same context") && e2.getMessage().contains("testaccel(0)"), e2.getMessage());
        // _copyto with out= on another device copies across devices
        NDArray dst = NDArray.zeros(Shape.of(2), DType.FLOAT32, ACC);
        Imperative.invoke("_copyto", new NDArray[] {NDArray.array(new float[] {4, 5})}, null, new NDArray[] {dst});
        assertArrayEquals(new float[] {4, 5}, dst.toFloatArray());
    }
}
