package dev.mxj.bench;

import dev.mxj.cpu.CpuPlugin;
import dev.mxj.device.Device;
import dev.mxj.device.Storage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;

/**
 * What the CPU device's pooled storage manager saves: one allocate + use + release cycle
 * through {@link Device#allocate}/{@link Device#release} (a pool hit after the first round,
 * as in a training loop) against the raw native allocation a pool miss costs
 * ({@code aligned_alloc}/{@code free}, which is what the CPU plugin calls), and against a
 * confined {@link Arena}, the plain-Java alternative (which also zeroes the memory).
 *
 * <p>Each cycle writes one byte per 4 KiB page, as any user of the block would: for large
 * blocks a fresh native allocation is fresh pages from the kernel, whose faults are part of
 * its cost, while a pooled block's pages are already mapped.
 */
@SuppressWarnings("restricted") // native calls are the point here; the forks enable native access
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class CpuAllocationBenchmark {
    private static final long ALIGNMENT = 64;
    private static final long PAGE = 4096;
    private static final MethodHandle ALIGNED_ALLOC;
    private static final MethodHandle FREE;

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        ALIGNED_ALLOC = linker.downcallHandle(libc.find("aligned_alloc").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        FREE = linker.downcallHandle(libc.find("free").orElseThrow(), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    }

    /** A small array, a medium one, and 4 MiB: above glibc's mmap threshold, so every raw allocation maps fresh pages. */
    @Param({"256", "65536", "4194304"})
    public long bytes;

    private Device cpu;

    @Setup(Level.Trial)
    public void openDevice() {
        cpu = new CpuPlugin().open(0);
        cpu.release(cpu.allocate(bytes)); // what every later allocation of this size finds in the pool
    }

    @TearDown(Level.Trial)
    public void closeDevice() { cpu.trimPool(); }

    private static long touchPages(MemorySegment s) {
        long n = s.byteSize();
        for (long off = 0; off < n; off += PAGE) s.set(ValueLayout.JAVA_BYTE, off, (byte) 1);
        return s.address();
    }

    @Benchmark
    public long pooled() {
        Storage s = cpu.allocate(bytes);
        long a = touchPages(s.hostSegment());
        cpu.release(s);
        return a;
    }

    @Benchmark
    public long alignedAllocFree() throws Throwable {
        long size = (bytes + ALIGNMENT - 1) & -ALIGNMENT; // aligned_alloc wants a multiple of the alignment
        MemorySegment p = (MemorySegment) ALIGNED_ALLOC.invokeExact(ALIGNMENT, size);
        if (p.equals(MemorySegment.NULL)) throw new OutOfMemoryError("aligned_alloc(" + size + ")");
        long a = touchPages(p.reinterpret(size));
        FREE.invokeExact(p);
        return a;
    }

    @Benchmark
    public long arena() {
        try (Arena arena = Arena.ofConfined()) {
            return touchPages(arena.allocate(bytes, ALIGNMENT));
        }
    }
}
