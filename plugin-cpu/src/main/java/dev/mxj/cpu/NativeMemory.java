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
 *
 * <p>With {@code MXJ_CPU_MEMORY_CHECK=1} every block gets {@value #GUARD} guard bytes on each
 * side, filled with a pattern and verified whenever the block goes back to the pool or to libc:
 * a native kernel (OpenBLAS, oneDNN) writing past an array's end then fails at the release of
 * that array, naming its size, instead of corrupting libc's heap for someone else to crash on.
 */
final class NativeMemory {
    static final long ALIGNMENT = 64;
    static final long GUARD = 4096;
    private static final byte PATTERN = (byte) 0xA5;
    static final boolean CHECK = "1".equals(System.getenv("MXJ_CPU_MEMORY_CHECK"))
            || Boolean.getBoolean("mxj.cpu.memoryCheck");
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

    /** Allocate {@code bytes} (a multiple of the alignment, > 0); the segment is not zeroed. */
    static MemorySegment allocate(long bytes) { return allocate(bytes, CHECK); }

    static void free(MemorySegment s) { free(s, CHECK); }

    /** Under {@code MXJ_CPU_MEMORY_CHECK=1}, {@link #verifyGuards}; a no-op otherwise. */
    static void verify(MemorySegment s) {
        if (CHECK) verifyGuards(s);
    }

    /** Allocate, with guard bytes around the block when {@code guarded}. */
    static MemorySegment allocate(long bytes, boolean guarded) {
        long total = guarded ? bytes + 2 * GUARD : bytes;
        MemorySegment p;
        try {
            p = (MemorySegment) ALIGNED_ALLOC.invokeExact(ALIGNMENT, total);
        } catch (Throwable t) {
            throw new IllegalStateException("aligned_alloc failed", t);
        }
        if (p.equals(MemorySegment.NULL)) throw new OutOfMemoryError("native allocation of " + bytes + " bytes failed");
        if (!guarded) return p.reinterpret(bytes);
        MemorySegment all = p.reinterpret(total);
        all.asSlice(0, GUARD).fill(PATTERN);
        all.asSlice(GUARD + bytes, GUARD).fill(PATTERN);
        return all.asSlice(GUARD, bytes);
    }

    /** Free a block from {@link #allocate(long, boolean)} with the same {@code guarded}, checking its guards first. */
    static void free(MemorySegment s, boolean guarded) {
        if (guarded) verifyGuards(s);
        MemorySegment start = guarded ? MemorySegment.ofAddress(s.address() - GUARD) : s;
        try {
            FREE.invokeExact(start);
        } catch (Throwable t) {
            throw new IllegalStateException("free failed", t);
        }
    }

    /**
     * Fails when a guard byte around a guarded block changed, saying how far before or after the
     * block the nearest change is.
     */
    static void verifyGuards(MemorySegment s) {
        MemorySegment before = MemorySegment.ofAddress(s.address() - GUARD).reinterpret(GUARD);
        MemorySegment after = MemorySegment.ofAddress(s.address() + s.byteSize()).reinterpret(GUARD);
        for (long i = GUARD - 1; i >= 0; i--) {
            if (before.get(ValueLayout.JAVA_BYTE, i) != PATTERN) {
                throw new IllegalStateException("native memory check: a block of " + s.byteSize() + " bytes was written "
                        + (GUARD - i) + " bytes before its start");
            }
        }
        for (long i = 0; i < GUARD; i++) {
            if (after.get(ValueLayout.JAVA_BYTE, i) != PATTERN) {
                throw new IllegalStateException("native memory check: a block of " + s.byteSize() + " bytes was written "
                        + (i + 1) + " bytes past its end");
            }
        }
    }

    static long roundUp(long bytes) { return Math.max(ALIGNMENT, (bytes + ALIGNMENT - 1) & -ALIGNMENT); }
}
