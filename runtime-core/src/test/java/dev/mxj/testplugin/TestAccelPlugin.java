package dev.mxj.testplugin;

import dev.mxj.device.Availability;
import dev.mxj.device.Device;
import dev.mxj.device.DevicePlugin;
import dev.mxj.device.KernelTable;
import dev.mxj.device.MemoryStats;
import dev.mxj.device.Storage;
import dev.mxj.device.Tensor;
import dev.mxj.op.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake accelerator for tests: device type "testaccel", memory that is NOT host-accessible
 * (so the runtime must copy), and a tiny kernel table (only {@code _zeros} and {@code _full} for
 * float32) so that every other operator takes the CPU fallback path. Priority -1 keeps the CPU
 * the default context.
 */
public final class TestAccelPlugin implements DevicePlugin {
    private TestDevice device;

    @Override public String deviceType() { return "testaccel"; }

    @Override public Availability probe() { return Availability.ok(); }

    @Override public int deviceCount() { return 1; }

    @Override public synchronized Device open(int id) {
        if (device == null) {
            KernelTable t = new KernelTable();
            registerKernels(t);
            device = new TestDevice(this, t);
        }
        return device;
    }

    @Override public void registerKernels(KernelTable t) {
        t.add("_zeros", (ctx, a, in, req, out) -> fill(out[0], 0));
        t.add("_full", (ctx, a, in, req, out) -> fill(out[0], a.getDouble("value")));
    }

    @Override public int priority() { return -1; }

    private static void fill(Tensor t, double v) {
        if (t.dtype() != DType.FLOAT32) throw new UnsupportedOperationException("testaccel kernels handle float32 only");
        MemorySegment s = ((TestStorage) t.storage()).mem.asSlice(t.byteOffset(), t.byteSize());
        for (long i = 0; i < t.size(); i++) s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) v);
    }

    static final class TestStorage implements Storage {
        final TestDevice dev;
        final MemorySegment mem;
        final Arena arena = Arena.ofShared();

        TestStorage(TestDevice dev, long bytes) {
            this.dev = dev;
            this.mem = arena.allocate(Math.max(bytes, 1), 64);
        }

        @Override public Device device() { return dev; }
        @Override public long bytes() { return mem.byteSize(); }
        @Override public MemorySegment hostSegment() { return null; }
        @Override public long address() { return mem.address(); }
    }

    static final class TestDevice implements Device {
        private final TestAccelPlugin plugin;
        private final KernelTable kernels;
        private final AtomicLong inUse = new AtomicLong();

        TestDevice(TestAccelPlugin plugin, KernelTable kernels) {
            this.plugin = plugin;
            this.kernels = kernels;
        }

        @Override public String type() { return "testaccel"; }
        @Override public int id() { return 0; }
        @Override public DevicePlugin plugin() { return plugin; }

        @Override public Storage allocate(long bytes) {
            TestStorage s = new TestStorage(this, bytes);
            inUse.addAndGet(s.bytes());
            return s;
        }

        @Override public void release(Storage s) {
            inUse.addAndGet(-s.bytes());
            ((TestStorage) s).arena.close();
        }

        @Override public void trimPool() {}
        @Override public MemoryStats memoryStats() { return new MemoryStats(inUse.get(), 0, 0, 0); }

        @Override public void copyFromHost(MemorySegment src, Storage dst, long dstOffset, long bytes) {
            MemorySegment.copy(src, 0, ((TestStorage) dst).mem, dstOffset, bytes);
        }

        @Override public void copyToHost(Storage src, long srcOffset, MemorySegment dst, long bytes) {
            MemorySegment.copy(((TestStorage) src).mem, srcOffset, dst, 0, bytes);
        }

        @Override public void copy(Storage src, long srcOffset, Storage dst, long dstOffset, long bytes) {
            MemorySegment.copy(((TestStorage) src).mem, srcOffset, ((TestStorage) dst).mem, dstOffset, bytes);
        }

        @Override public KernelTable kernels() { return kernels; }
        @Override public Set<DType> supportedTypes() { return EnumSet.of(DType.FLOAT32); }
        @Override public boolean isHostAccessible() { return false; }
        @Override public String toString() { return "testaccel(0)"; }
    }

}
