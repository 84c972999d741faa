package dev.mxj.cpu;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Aligned native allocation through libc ({@code aligned_alloc}/{@code free}). Unlike an
 * {@link java.lang.foreign.Arena} per block, this frees one block cheaply from any thread,
 * which a pooled allocator releasing blocks from engine workers needs.
 */
final class NativeMemory {
    static final long ALIGNMENT = 64;
    private static final MethodHandle ALIGNED_ALLOC;
    private static final MethodHandle FREE;

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        ALIGNED_ALLOC = linker.downcallHandle(libc.find("aligned_alloc").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        FREE = linker.downcallHandle(libc.find("free").orElseThrow(), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    }

    private NativeMemory() {}

    /** Allocate {@code bytes} (a multiple of the alignment, > 0); the segment is zeroed only if asked. */
    static MemorySegment allocate(long bytes) {
        MemorySegment p;
        try {
            p = (MemorySegment) ALIGNED_ALLOC.invokeExact(ALIGNMENT, bytes);
        } catch (Throwable t) {
            throw new IllegalStateException("aligned_alloc failed", t);
        }
        if (p.equals(MemorySegment.NULL)) throw new OutOfMemoryError("native allocation of " + bytes + " bytes failed");
        return p.reinterpret(bytes);
    }

    static void free(MemorySegment s) {
        try {
            FREE.invokeExact(s);
        } catch (Throwable t) {
            throw new IllegalStateException("free failed", t);
        }
    }

    static long roundUp(long bytes) { return Math.max(ALIGNMENT, (bytes + ALIGNMENT - 1) & -ALIGNMENT); }
}
