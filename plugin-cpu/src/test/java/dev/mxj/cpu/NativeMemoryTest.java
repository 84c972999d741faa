package dev.mxj.cpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guard bytes of MXJ_CPU_MEMORY_CHECK: writes just outside a block are reported, writes inside are not. */
class NativeMemoryTest {
    @Test
    void writesInsideTheBlockPassTheCheck() {
        MemorySegment s = NativeMemory.allocate(256, true);
        assertEquals(0, s.address() % NativeMemory.ALIGNMENT, "guarded blocks keep the alignment");
        s.fill((byte) 1);
        assertDoesNotThrow(() -> NativeMemory.free(s, true));
    }

    @Test
    void aWritePastTheEndIsReported() {
        MemorySegment s = NativeMemory.allocate(128, true);
        MemorySegment.ofAddress(s.address() + 128 + 3).reinterpret(1).set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> NativeMemory.verifyGuards(s));
        assertTrue(e.getMessage().contains("128 bytes was written 4 bytes past its end"), e.getMessage());
    }

    @Test
    void aWriteBeforeTheStartIsReported() {
        MemorySegment s = NativeMemory.allocate(64, true);
        MemorySegment.ofAddress(s.address() - 1).reinterpret(1).set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> NativeMemory.free(s, true));
        assertTrue(e.getMessage().contains("written 1 bytes before its start"), e.getMessage());
    }
}
