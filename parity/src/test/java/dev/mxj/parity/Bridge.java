package dev.mxj.parity;

import dev.mxj.Context;
import dev.mxj.device.conformance.HostArray;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.stream.Stream;

/** Moves host arrays into and out of MXNet and mxj, and turns an unloadable MXNet into a skipped test. */
final class Bridge {
    private Bridge() {}

    /** The MXNet library, or the calling test is aborted (reported as skipped) with the reason. */
    static MXNet mxnet() {
        try {
            return MXNet.get();
        } catch (MXNet.Unavailable u) {
            System.err.println("[parity] SKIPPED: " + u.getMessage());
            ParitySummary.skipped(u.getMessage());
            Assumptions.abort("parity tests skipped: " + u.getMessage());
            throw new AssertionError("unreachable");
        }
    }

    /** For a test factory: the library, or null when it cannot be loaded (then return {@link #unavailable()}). */
    static MXNet mxnetOrNull() {
        try {
            return MXNet.get();
        } catch (MXNet.Unavailable u) {
            return null;
        }
    }

    /** One visible skipped test rather than an aborted factory, which some reports do not count. */
    static Stream<DynamicTest> unavailable() {
        return Stream.of(DynamicTest.dynamicTest("MXNet 1.9.1 unavailable", Bridge::mxnet));
    }

    static MXNet.Array toMx(MXNet mx, HostArray h) {
        MXNet.Array a = mx.create(h.shape().dims(), h.dtype().flag());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(Math.max(1, h.byteSize()), 64);
            h.writeTo(seg);
            a.copyFrom(seg, h.shape().size());
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
        return a;
    }

    /** An MXNet result mxj cannot represent (a dtype mxj lacks, such as bfloat16): the comparison is impossible. */
    static final class Incomparable extends RuntimeException {
        Incomparable(String msg) { super(msg); }
    }

    static HostArray fromMx(MXNet.Array a) {
        Shape s = Shape.of(a.shape());
        int flag = a.dtypeFlag();
        DType t;
        try {
            t = DType.fromFlag(flag);
        } catch (IllegalArgumentException e) {
            throw new Incomparable("MXNet returned an array of dtype flag " + flag + (flag == 12 ? " (bfloat16)" : "") + ", which mxj has no type for");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(Math.max(1, s.size() * t.byteSize()), 64);
            if (s.size() > 0) a.copyTo(seg, s.size());
            return HostArray.readFrom(seg, s, t);
        }
    }

    static NDArray toMxj(HostArray h) {
        return NDArray.array(h.data(), h.shape(), h.dtype(), Context.cpu());
    }

    static HostArray fromMxj(NDArray a) {
        return new HostArray(a.shape(), a.dtype(), a.toDoubleArray());
    }
}
