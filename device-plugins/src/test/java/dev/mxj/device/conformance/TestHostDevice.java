package dev.mxj.device.conformance;

import dev.mxj.device.Availability;
import dev.mxj.device.Device;
import dev.mxj.device.DevicePlugin;
import dev.mxj.device.KernelTable;
import dev.mxj.device.MemoryStats;
import dev.mxj.device.Storage;
import dev.mxj.op.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** A minimal host-memory device with a caller-supplied kernel table, for testing the kit itself. */
final class TestHostDevice implements Device, DevicePlugin {
    private final KernelTable table;
    final AtomicLong live = new AtomicLong();

    TestHostDevice(KernelTable table) { this.table = table; }

    private final class Block implements Storage {
        final MemorySegment seg;
        Block(long n) { seg = Arena.ofAuto().allocate(n, 64); }
        @Override public Device device() { return TestHostDevice.this; }
        @Override public long bytes() { return seg.byteSize(); }
        @Override public MemorySegment hostSegment() { return seg; }
        @Override public long address() { return seg.address(); }
    }

    @Override public String type() { return "testhost"; }
    @Override public int id() { return 0; }
    @Override public DevicePlugin plugin() { return this; }
    @Override public Storage allocate(long bytes) { live.incrementAndGet(); return new Block(bytes); }
    @Override public void release(Storage s) { live.decrementAndGet(); }
    @Override public void trimPool() {}
    @Override public MemoryStats memoryStats() { return new MemoryStats(0, 0, 0, 0); }
    @Override public void copyFromHost(MemorySegment src, Storage dst, long off, long n) { MemorySegment.copy(src, 0, dst.hostSegment(), off, n); }
    @Override public void copyToHost(Storage src, long off, MemorySegment dst, long n) { MemorySegment.copy(src.hostSegment(), off, dst, 0, n); }
    @Override public void copy(Storage s, long so, Storage d, long dof, long n) { MemorySegment.copy(s.hostSegment(), so, d.hostSegment(), dof, n); }
    @Override public KernelTable kernels() { return table; }
    @Override public Set<DType> supportedTypes() { return EnumSet.allOf(DType.class); }
    @Override public boolean isHostAccessible() { return true; }
    @Override public String deviceType() { return "testhost"; }
    @Override public Availability probe() { return Availability.ok(); }
    @Override public int deviceCount() { return 1; }
    @Override public Device open(int id) { return this; }
    @Override public void registerKernels(KernelTable t) {}
    @Override public String toString() { return "testhost(0)"; }
}
