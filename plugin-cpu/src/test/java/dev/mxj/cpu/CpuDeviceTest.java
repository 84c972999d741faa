package dev.mxj.cpu;

import dev.mxj.device.Device;
import dev.mxj.device.MemoryStats;
import dev.mxj.device.Storage;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

class CpuDeviceTest {
    private final Device cpu = new CpuPlugin().open(0);

    @Test void storageIs64ByteAlignedAndRoundedUp() {
        Storage s = cpu.allocate(10);
        assertEquals(0, s.address() % 64);
        assertEquals(64, s.bytes());
        assertSame(cpu, s.device());
        cpu.release(s);
    }

    @Test void releasedBlocksAreReusedBySize() {
        Storage a = cpu.allocate(4096);
        long addr = a.address();
        MemoryStats before = cpu.memoryStats();
        cpu.release(a);
        Storage b = cpu.allocate(4000); // rounds to 4032: another bucket, must not take the 4096 block
        cpu.release(b);
        Storage c = cpu.allocate(4096);
        assertEquals(addr, c.address(), "the pooled 4096-byte block comes back");
        assertEquals(before.poolHits() + 1, cpu.memoryStats().poolHits());
        cpu.release(c);
    }

    @Test void doubleReleaseIsRejected() {
        Storage s = cpu.allocate(128);
        cpu.release(s);
        assertThrows(IllegalStateException.class, () -> cpu.release(s));
    }

    @Test void bytesInUseTracksAllocations() {
        long base = cpu.memoryStats().bytesInUse();
        Storage s = cpu.allocate(1 << 20);
        assertEquals(base + (1 << 20), cpu.memoryStats().bytesInUse());
        cpu.release(s);
        assertEquals(base, cpu.memoryStats().bytesInUse());
        cpu.trimPool();
        assertEquals(0, cpu.memoryStats().bytesPooled());
    }

    @Test void copiesToAndFromHost() {
        Storage s = cpu.allocate(16);
        MemorySegment src = MemorySegment.ofArray(new float[] {1, 2, 3, 4});
        cpu.copyFromHost(src, s, 0, 16);
        float[] back = new float[4];
        cpu.copyToHost(s, 4, MemorySegment.ofArray(back), 12);
        assertArrayEquals(new float[] {2, 3, 4, 0}, back);
        cpu.release(s);
    }

    @Test void concurrentAllocateReleaseKeepsBlocksDistinct() throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                fs.add(ex.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        Storage s = cpu.allocate(64 * (1 + i % 4));
                        MemorySegment m = s.hostSegment();
                        m.set(ValueLayout.JAVA_INT, 0, id * 1_000_000 + i);
                        Thread.onSpinWait();
                        assertEquals(id * 1_000_000 + i, m.get(ValueLayout.JAVA_INT, 0), "a block was handed out twice");
                        cpu.release(s);
                    }
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            ex.shutdown();
        }
    }

    @Test void onlyOneCpuDevice() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CpuPlugin().open(1));
        assertTrue(e.getMessage().contains("cpu(1)"));
    }
}
