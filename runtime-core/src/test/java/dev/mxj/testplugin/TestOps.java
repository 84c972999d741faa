package dev.mxj.testplugin;

import dev.mxj.Context;
import dev.mxj.Devices;
import dev.mxj.device.KernelTable;
import dev.mxj.device.OpReq;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;
import dev.mxj.op.Resource;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.TypeRules;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Test-only operators registered into the global registry and the CPU kernel table, so runtime
 * tests do not depend on the math family: {@code _test_add} (element-wise float32 add),
 * {@code _test_fail} (kernel always throws), {@code _test_uniform} (uses the device generator),
 * {@code _test_sleep} (copy after a delay), {@code _test_plus_scalar} (shaped like {@code _plus_scalar}, for overhead measurements).
 */
public final class TestOps {
    private TestOps() {}

    /** What the last {@code _test_add} kernel was asked to do, and the temp space {@code _test_bump} got. */
    public static volatile OpReq LAST_REQ;
    public static volatile long LAST_TEMP_BYTES;

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    public static synchronized void ensure() {
        OpRegistry r = OpRegistry.global();
        if (r.contains("_test_add")) return;
        OpDef.builder("_test_add").inputs("lhs", "rhs").inferShape(ShapeRules.SAME).inferType(TypeRules.SAME).register(r);
        OpDef.builder("_test_fail").inputs("data").register(r);
        OpDef.builder("_test_uniform").inputs().param(Param.intTupleParam("shape").required())
                .inferShape((a, in, out) -> { ShapeRules.assign(a, out, 0, a.getShape("shape"), "output"); return true; })
                .inferType(TypeRules.fixedOutput(dev.mxj.op.DType.FLOAT32)).resources(Resource.RANDOM).register(r);
        OpDef.builder("_test_plus_scalar").inputs("data").param(Param.floatParam("scalar").defaultValue(1.0)).inplace(0, 0).register(r);
        OpDef.builder("_test_sum_n").variadicInputs("num_args").param(Param.intParam("num_args").required().min(1))
                .inferShape(ShapeRules.SAME).inferType(TypeRules.SAME).register(r);
        OpDef.builder("_test_bump").inputs("data").mutateInputs(0).resources(Resource.TEMP_SPACE).register(r);
        OpDef.builder("_test_sleep").inputs("data").param(Param.intParam("millis").defaultValue(50)).register(r);

        KernelTable t = Devices.handle(Context.cpu()).kernels();
        t.add("_test_add", (ctx, a, in, req, out) -> {
            LAST_REQ = req[0];
            MemorySegment x = in[0].segment(), y = in[1].segment(), z = out[0].segment();
            for (long i = 0; i < out[0].size(); i++) {
                float v = x.getAtIndex(F, i) + y.getAtIndex(F, i);
                z.setAtIndex(F, i, req[0] == OpReq.ADD ? z.getAtIndex(F, i) + v : v);
            }
        });
        t.add("_test_plus_scalar", (ctx, a, in, req, out) -> {
            float c = (float) a.getDouble("scalar");
            MemorySegment x = in[0].segment(), z = out[0].segment();
            for (long i = 0; i < out[0].size(); i++) z.setAtIndex(F, i, x.getAtIndex(F, i) + c);
        });
        t.add("_test_sum_n", (ctx, a, in, req, out) -> {
            MemorySegment z = out[0].segment();
            for (long i = 0; i < out[0].size(); i++) {
                float v = 0;
                for (var x : in) v += x.segment().getAtIndex(F, i);
                z.setAtIndex(F, i, v);
            }
        });
        t.add("_test_bump", (ctx, a, in, req, out) -> {
            // uses temp space, writes its output and increments its (mutated) input
            dev.mxj.device.Storage tmp = ctx.tempSpace(4096);
            LAST_TEMP_BYTES = tmp.bytes();
            MemorySegment x = in[0].segment(), z = out[0].segment();
            for (long i = 0; i < out[0].size(); i++) {
                z.setAtIndex(F, i, x.getAtIndex(F, i));
                x.setAtIndex(F, i, x.getAtIndex(F, i) + 1);
            }
        });
        t.add("_test_fail", (ctx, a, in, req, out) -> { throw new IllegalStateException("deliberate kernel failure"); });
        t.add("_test_uniform", (ctx, a, in, req, out) -> {
            MemorySegment z = out[0].segment();
            for (long i = 0; i < out[0].size(); i++) z.setAtIndex(F, i, ctx.random().nextFloat());
        });
        t.add("_test_sleep", (ctx, a, in, req, out) -> {
            try {
                Thread.sleep(a.getInt("millis"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            MemorySegment.copy(in[0].segment(), 0, out[0].segment(), 0, out[0].byteSize());
        });
    }

    public static Shape shape(long... d) { return Shape.of(d); }
}
