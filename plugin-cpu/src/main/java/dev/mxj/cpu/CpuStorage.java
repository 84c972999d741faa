package dev.mxj.cpu;

import dev.mxj.device.Device;
import dev.mxj.device.Storage;

import java.lang.foreign.MemorySegment;

/** A 64-byte aligned off-heap block. */
final class CpuStorage implements Storage {
    private final CpuDevice device;
    final MemorySegment segment;
    /** Set while the block sits in the pool or after it was freed: catches double release. */
    volatile boolean released;

    CpuStorage(CpuDevice device, MemorySegment segment) {
        this.device = device;
        this.segment = segment;
    }

    @Override public Device device() { return device; }
    @Override public long bytes() { return segment.byteSize(); }
    @Override public MemorySegment hostSegment() { return segment; }
    @Override public long address() { return segment.address(); }
    @Override public String toString() { return "CpuStorage[" + bytes() + " bytes]"; }
}
