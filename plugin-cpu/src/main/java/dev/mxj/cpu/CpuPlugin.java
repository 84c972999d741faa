package dev.mxj.cpu;

import dev.mxj.cpu.kernels.CpuKernels;
import dev.mxj.device.Availability;
import dev.mxj.device.Device;
import dev.mxj.device.DevicePlugin;
import dev.mxj.device.KernelTable;

/**
 * The host CPU as a device plugin. Always usable; OpenBLAS is loaded on the first GEMM, and
 * a missing native library surfaces as an error from that kernel, not at start-up.
 */
public final class CpuPlugin implements DevicePlugin {
    private volatile KernelTable table;
    private CpuDevice device;

    @Override public String deviceType() { return "cpu"; }

    @Override public String displayName() { return "CPU (" + Runtime.getRuntime().availableProcessors() + " cores; GEMM: OpenBLAS via JavaCPP)"; }

    @Override public Availability probe() { return Availability.ok(); }

    /** MXNet exposes one CPU device; cpu(i) for any i maps to the same memory. */
    @Override public int deviceCount() { return 1; }

    @Override
    public synchronized Device open(int id) {
        if (id != 0) throw new IllegalArgumentException("cpu(" + id + "): this plugin has one CPU device, cpu(0)");
        if (device == null) device = new CpuDevice(this, 0, kernelTable());
        return device;
    }

    KernelTable kernelTable() {
        KernelTable t = table;
        if (t == null) {
            synchronized (this) {
                t = table;
                if (t == null) {
                    t = new KernelTable();
                    registerKernels(t);
                    table = t;
                }
            }
        }
        return t;
    }

    @Override public void registerKernels(KernelTable t) { CpuKernels.registerAll(t); }

    @Override public int priority() { return 0; }
}
