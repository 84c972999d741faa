package dev.mxj.cpu;

import dev.mxj.device.Device;
import dev.mxj.device.DevicePlugin;
import dev.mxj.device.Elements;
import dev.mxj.device.Kernel;
import dev.mxj.device.KernelTable;
import dev.mxj.device.MemoryStats;
import dev.mxj.device.Storage;
import dev.mxj.device.Tensor;
import dev.mxj.device.conformance.ConformanceKit;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.device.conformance.cases.BuiltinCases;
import dev.mxj.op.DType;
import dev.mxj.op.OpRegistry;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The kit as a third party would use it: a "device" that reuses CPU memory but has only some
 * kernels, one of them wrong. The kit must pass the right ones, catch the wrong one and list
 * the missing ones as CPU fallbacks.
 */
class ConformanceKitTest {
    private static final Device CPU = new CpuPlugin().open(0);

    /** Delegates memory to the CPU device; kernels from the given table. */
    private record PartialDevice(KernelTable table) implements Device {
        @Override public String type() { return "partial"; }
        @Override public int id() { return 0; }
        @Override public DevicePlugin plugin() { return CPU.plugin(); }
        @Override public Storage allocate(long bytes) { return CPU.allocate(bytes); }
        @Override public void release(Storage s) { CPU.release(s); }
        @Override public void trimPool() {}
        @Override public MemoryStats memoryStats() { return CPU.memoryStats(); }
        @Override public void copyFromHost(MemorySegment src, Storage dst, long off, long n) { CPU.copyFromHost(src, dst, off, n); }
        @Override public void copyToHost(Storage src, long off, MemorySegment dst, long n) { CPU.copyToHost(src, off, dst, n); }
        @Override public void copy(Storage s, long so, Storage d, long dof, long n) { CPU.copy(s, so, d, dof, n); }
        @Override public KernelTable kernels() { return table; }
        @Override public Set<DType> supportedTypes() { return CPU.supportedTypes(); }
        @Override public boolean isHostAccessible() { return true; }
        @Override public String toString() { return "partial(0)"; }
    }

    @Test void passesCorrectKernelsCatchesAWrongOneAndListsMissingOnes() {
        List<OpCase> cases = BuiltinCases.all();
        OpRegistry reg = OpRegistry.global();
        List<String> ops = cases.stream().filter(c -> c.kind() == OpCase.Kind.FORWARD && !c.isDeviceDependent() && !c.expected().isEmpty())
                .map(c -> reg.get(c.op()).name()).distinct().sorted().toList();
        assertTrue(ops.size() >= 2, "the catalogue has value cases for at least two operators");
        String good = ops.get(0), bad = ops.get(1);

        Kernel real = CPU.kernels().get(bad);
        Kernel offByOne = (ctx, attrs, in, req, out) -> {
            real.compute(ctx, attrs, in, req, out);
            Tensor o = out[0];
            MemorySegment seg = o.segment();
            for (long i = 0; i < o.size(); i++) Elements.set(seg, o.dtype(), i, Elements.get(seg, o.dtype(), i) + 1);
        };
        KernelTable t = new KernelTable().add(good, CPU.kernels().get(good)).add(bad, offByOne);

        ConformanceKit.Report r = ConformanceKit.run(new PartialDevice(t), CPU, cases);
        assertTrue(r.outcomes().stream().anyMatch(o -> o.passed() && reg.get(o.c().op()).name().equals(good)), r.summary());
        assertTrue(r.outcomes().stream().filter(o -> reg.get(o.c().op()).name().equals(good)).allMatch(ConformanceKit.Outcome::passed), r.summary());
        assertTrue(r.outcomes().stream().anyMatch(o -> !o.passed() && reg.get(o.c().op()).name().equals(bad)), r.summary());
        assertEquals(reg.size() - 2, r.missingKernels().size());
        assertFalse(r.missingKernels().contains(good));
    }

    @Test void theCpuConformsToItself() {
        ConformanceKit.Report r = ConformanceKit.run(CPU, CPU, BuiltinCases.all());
        assertEquals(0, r.failures(), () -> r.summary() + "\n" + r.outcomes().stream().filter(o -> !o.passed()).map(o -> o.c() + ": " + o.detail()).toList());
        assertEquals(List.of(), r.missingKernels());
    }
}
