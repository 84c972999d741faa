package dev.mxj.device;

import dev.mxj.op.DType;
import dev.mxj.op.Shape;

import java.lang.foreign.MemorySegment;

/**
 * What a kernel sees of an array: a dense row-major region of a storage block with a shape
 * and dtype. Views (slices on the first axis, reshapes) are tensors with an offset.
 */
public record Tensor(Storage storage, long byteOffset, Shape shape, DType dtype) {
    public Tensor {
        long need = byteOffset + shape.size() * dtype.byteSize();
        if (byteOffset < 0 || need > storage.bytes()) {
            throw new IllegalArgumentException("tensor " + shape + " " + dtype + " at offset " + byteOffset + " exceeds its storage of " + storage.bytes() + " bytes");
        }
    }

    public long size() { return shape.size(); }

    public long byteSize() { return shape.size() * dtype.byteSize(); }

    /** The tensor's bytes as a host segment (host-accessible storage only). */
    public MemorySegment segment() {
        MemorySegment s = storage.hostSegment();
        if (s == null) throw new IllegalStateException("storage of " + storage.device() + " is not host-accessible");
        return s.asSlice(byteOffset, byteSize());
    }

    /** The same memory with another shape of equal size. */
    public Tensor reshape(Shape s) {
        if (s.size() != shape.size()) throw new IllegalArgumentException("cannot reshape " + shape + " to " + s);
        return new Tensor(storage, byteOffset, s, dtype);
    }
}
