package dev.mxj.cpu.kernels;

import dev.mxj.cpu.CpuPlugin;
import dev.mxj.device.Device;
import dev.mxj.device.OpContext;
import dev.mxj.device.Storage;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * CPU storage for kernel tests that call kernels directly: every block handed out (tensors and
 * temp space through {@link #ctx}) goes back to the pool at {@link #release()}.
 */
final class KernelScratch {
    static final Device CPU = new CpuPlugin().open(0);

    private final List<Storage> owned = new ArrayList<>();

    /** An inference-mode context on the CPU whose temp space is owned here; no random generator. */
    final OpContext ctx = new OpContext() {
        @Override public Device device() { return CPU; }
        @Override public boolean isTrain() { return false; }
        @Override public RandomGenerator random() { return null; }
        @Override public Storage tempSpace(long bytes) { return alloc(bytes); }
        @Override public Object stream() { return null; }
    };

    Storage alloc(long bytes) {
        Storage s = CPU.allocate(Math.max(1, bytes));
        owned.add(s);
        return s;
    }

    void release() {
        for (Storage s : owned) CPU.release(s);
        owned.clear();
    }
}
