package dev.mxj.cpu.kernels;

import dev.mxj.device.Device;
import dev.mxj.device.Elements;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Storage;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.LongToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the optimizer cases cannot reach: the output aliasing the weight (how optimizers call
 * these operators, {@code out=weight}), arrays split over threads, and states updated when the
 * output is not requested.
 */
class OptimizerKernelsTest {
    private static final Device CPU = KernelScratch.CPU;
    private final KernelScratch scratch = new KernelScratch();
    private final OpContext ctx = scratch.ctx;

    private Storage alloc(long bytes) { return scratch.alloc(bytes); }

    @AfterEach
    void release() { scratch.release(); }

    private Tensor tensor(long n, DType t, LongToDoubleFunction init) {
        Tensor x = new Tensor(alloc(n * t.byteSize()), 0, Shape.of(n), t);
        for (long i = 0; i < n; i++) Elements.set(x.segment(), t, i, init.applyAsDouble(i));
        return x;
    }

    private static double get(Tensor t, long i) { return Elements.get(t.segment(), t.dtype(), i); }

    private void run(String op, Map<String, ?> params, Tensor[] in, OpReq req, Tensor out) {
        OpDef d = OpRegistry.global().get(op);
        Attrs a = d.parseAttrs(params);
        CPU.kernels().get(d.name()).compute(ctx, a, in, new OpReq[] {req}, new Tensor[] {out});
    }

    private static LongToDoubleFunction w0() { return i -> Math.sin(i * 0.37); }

    private static LongToDoubleFunction g0() { return i -> Math.cos(i * 0.11) - 0.2; }

    /** sgd_mom_update(w, g, mom, out=w) over 100,003 elements (several threads, a partial last block). */
    @Test
    void momentumInPlaceOnLargeArray() {
        long n = 100_003;
        Tensor w = tensor(n, DType.FLOAT32, w0()), g = tensor(n, DType.FLOAT32, g0()), mom = tensor(n, DType.FLOAT32, i -> 0.01 * (i % 5));
        for (int step = 0; step < 2; step++) run("sgd_mom_update", Map.of("lr", 0.1, "momentum", 0.9, "wd", 0.01), new Tensor[] {w, g, mom}, OpReq.INPLACE, w);
        for (long i : new long[] {0, 1, 1023, 1024, 50_000, n - 1}) {
            double wi = (float) w0().applyAsDouble(i), gi = (float) g0().applyAsDouble(i), m = (float) (0.01 * (i % 5));
            for (int step = 0; step < 2; step++) {
                m = (float) (0.9 * m - 0.1 * 0.01 * wi - 0.1 * gi);
                wi = (float) (wi + m);
            }
            assertEquals(wi, get(w, i), 1e-6, "weight " + i);
            assertEquals(m, get(mom, i), 1e-6, "mom " + i);
        }
    }

    /** mp_sgd_update with a float16 weight updated in place from its float32 master copy. */
    @Test
    void multiPrecisionInPlace() {
        long n = 40_000;
        Tensor w = tensor(n, DType.FLOAT16, w0()), g = tensor(n, DType.FLOAT16, g0()), w32 = tensor(n, DType.FLOAT32, w0());
        run("mp_sgd_update", Map.of("lr", 0.5), new Tensor[] {w, g, w32}, OpReq.INPLACE, w);
        for (long i : new long[] {0, 777, n - 1}) {
            double gi = Float.float16ToFloat(Float.floatToFloat16((float) g0().applyAsDouble(i)));
            double want = (float) ((float) w0().applyAsDouble(i) - 0.5 * gi);
            assertEquals(want, get(w32, i), 1e-6, "weight32 " + i);
            assertEquals(Float.float16ToFloat(Float.floatToFloat16((float) want)), get(w, i), 0, "weight " + i);
        }
    }

    /** The states advance even when the caller does not want the output (OpReq.NULL). */
    @Test
    void statesUpdateWithoutOutput() {
        Tensor w = tensor(3, DType.FLOAT64, i -> 1), g = tensor(3, DType.FLOAT64, i -> 2), mean = tensor(3, DType.FLOAT64, i -> 0),
                var = tensor(3, DType.FLOAT64, i -> 0), out = tensor(3, DType.FLOAT64, i -> 7);
        run("adam_update", Map.of("lr", 0.1), new Tensor[] {w, g, mean, var}, OpReq.NULL, out);
        assertEquals(0.2, get(mean, 1), 1e-12);
        assertEquals(0.004, get(var, 1), 1e-12);
        assertEquals(7, get(out, 1));
    }
}
