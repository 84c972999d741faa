package dev.mxj.ndarray;

import dev.mxj.Context;
import dev.mxj.Devices;
import dev.mxj.device.Device;
import dev.mxj.device.MemoryStats;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class MemoryTest {
    private static final Device CPU = Devices.device(Context.cpu());

    private static long inUse() { return SettledMemory.inUse(CPU); }

    private static long settledInUse() { return SettledMemory.settledInUse(CPU); }

    @Test
    void closeFreesImmediately() {
        long base = settledInUse();
        NDArray a = NDArray.zeros(Shape.of(1000, 100), DType.FLOAT32, Context.cpu());
        NDArray view = a.slice(0, 10);
        assertTrue(inUse() >= base + 400_000);
        a.close();
        assertTrue(inUse() >= base + 400_000, "an open view keeps the storage");
        view.close();
        assertEquals(base, inUse());
        a.close(); // idempotent
    }

    @Test
    void scopesFreeEverythingCreatedInside() {
        long base = settledInUse();
        NDArray kept, detached;
        try (NDScope outer = NDScope.open()) {
            try (NDScope inner = NDScope.open()) {
                for (int i = 0; i < 10; i++) NDArray.ones(1000);
                kept = NDScope.keep(NDArray.ones(1000));
                detached = NDScope.detach(NDArray.ones(1000));
                assertEquals(10, inner.size());
                assertSame(inner, NDScope.current());
            }
            assertFalse(kept.isClosed(), "kept moves to the outer scope");
            assertEquals(2 * 4032, inUse() - base, "kept and detached arrays are alive");
            assertEquals(1, outer.size());
        }
        assertTrue(kept.isClosed());
        assertFalse(detached.isClosed());
        assertNull(NDScope.current());
        detached.close();
        assertEquals(base, inUse());
    }

    /**
     * A loop creating ~1.5 million temporaries that are never closed (as Python and JS scripts do)
     * must run in flat memory: the Cleaner plus allocation-pressure GC return their storage. With
     * a broken Cleaner path the medium arrays alone would pile up ~6 GB and the bounds below fail.
     */
    @Test
    void unclosedTemporariesKeepMemoryFlat() throws IOException {
        long oldThreshold = MemoryManager.setGcThresholdBytes(64L << 20);
        try {
            long rssBefore = rssBytes();
            long maxDevice = 0, maxRss = 0;
            float[] small = new float[16];
            for (int i = 0; i < 1_500_000; i++) {
                NDArray t = NDArray.array(small);
                if (i % 25 == 0) {
                    NDArray m = NDArray.zeros(Shape.of(25_000), DType.FLOAT32, Context.cpu()); // 100 kB
                    if (i % 250_000 == 0) assertEquals(0f, m.toFloatArray()[0]);
                }
                if (i % 50_000 == 0) {
                    MemoryStats s = CPU.memoryStats();
                    maxDevice = Math.max(maxDevice, s.bytesInUse() + s.bytesPooled());
                    maxRss = Math.max(maxRss, rssBytes());
                    assertTrue(s.bytesInUse() + s.bytesPooled() < 512L << 20,
                            "device memory grew to " + ((s.bytesInUse() + s.bytesPooled()) >> 20) + " MB at iteration " + i);
                    assertTrue(rssBytes() - rssBefore < 768L << 20, "RSS grew by " + ((rssBytes() - rssBefore) >> 20) + " MB at iteration " + i);
                }
                t.shape();
            }
            System.out.printf("memory test: max device bytes %d MB, max RSS %d MB (start %d MB), pressure GCs %d%n",
                    maxDevice >> 20, maxRss >> 20, rssBefore >> 20, MemoryManager.pressureCollections());
            assertTrue(MemoryManager.pressureCollections() > 0);
        } finally {
            MemoryManager.setGcThresholdBytes(oldThreshold);
        }
    }

    static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
        }
        return 0;
    }
}
