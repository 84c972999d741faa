package dev.mxj.ndarray;

import dev.mxj.Context;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SerializerTest {
    @TempDir Path dir;

    @Test
    void mxnetCompatibleBytesForASmallArray() {
        NDArray a = NDArray.array(new float[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3));
        byte[] got = NDSerializer.toBytes(List.of(a), List.of("arg:w"));
        String expected = ""
                + "1201000000000000" // list magic 0x112
                + "0000000000000000" // reserved
                + "0100000000000000" // one array
                + "c9fa93f9"         // NDARRAY_V2_MAGIC 0xF993FAC9
                + "00000000"         // storage type: default (dense)
                + "02000000"         // ndim 2
                + "0200000000000000" + "0300000000000000" // dims as int64
                + "01000000" + "00000000" // context cpu(0): dev_type 1, dev_id 0
                + "00000000"         // type flag float32
                + "0000803f" + "00000040" + "00004040" + "00008040" + "0000a040" + "0000c040" // data
                + "0100000000000000" // one name
                + "0500000000000000" + HexFormat.of().formatHex("arg:w".getBytes());
        assertEquals(expected, HexFormat.of().formatHex(got));
    }

    @Test
    void roundTripEveryDtypeAsListAndMap() throws IOException {
        Map<String, NDArray> m = new LinkedHashMap<>();
        for (DType t : DType.values()) {
            m.put("a_" + t, NDArray.array(new double[] {0, 1, 2, 3, 4, 5}, Shape.of(3, 2), t, Context.cpu()));
        }
        m.put("scalar", NDArray.full(Shape.scalar(), 7, DType.FLOAT32, Context.cpu()));
        m.put("empty", NDArray.zeros(Shape.of(0, 3), DType.FLOAT32, Context.cpu()));
        Path f = dir.resolve("x.params");
        NDArray.save(f, m);
        NDSerializer.Loaded l = NDArray.load(f);
        assertTrue(l.hasNames());
        Map<String, NDArray> back = l.asMap();
        assertEquals(m.keySet(), back.keySet());
        for (var e : m.entrySet()) {
            NDArray x = e.getValue(), y = back.get(e.getKey());
            assertEquals(x.shape(), y.shape(), e.getKey());
            assertEquals(x.dtype(), y.dtype(), e.getKey());
            assertArrayEquals(x.toByteArray(), y.toByteArray(), e.getKey());
        }
        Path g = dir.resolve("y.nd");
        NDArray.save(g, new ArrayList<>(m.values()));
        NDSerializer.Loaded l2 = NDArray.load(g);
        assertFalse(l2.hasNames());
        assertEquals(m.size(), l2.arrays().size());
        assertArrayEquals(new float[] {7}, l2.arrays().get(DType.values().length).toFloatArray());
        assertThrows(IllegalStateException.class, l2::asMap);
    }

    @Test
    void legacyFormatsLoad() throws IOException {
        // V1: magic 0xF993FAC8, no storage type; then the oldest: no magic, uint32 ndim and dims
        ByteBuffer b = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0x112).putLong(0).putLong(2);
        b.putInt(0xF993FAC8).putInt(1).putLong(2).putInt(1).putInt(0).putInt(4).putInt(7).putInt(8);
        b.putInt(2).putInt(1).putInt(2).putInt(1).putInt(0).putInt(1).putDouble(1.5).putDouble(2.5);
        b.putLong(0);
        byte[] bytes = java.util.Arrays.copyOf(b.array(), b.position());
        NDSerializer.Loaded l = NDSerializer.fromBytes(bytes, "legacy.params");
        assertArrayEquals(new int[] {7, 8}, l.arrays().get(0).toIntArray());
        assertEquals(Shape.of(1, 2), l.arrays().get(1).shape());
        assertArrayEquals(new double[] {1.5, 2.5}, l.arrays().get(1).toDoubleArray());
    }

    @Test
    void corruptFilesFailCleanlyWithTheFileName() throws IOException {
        NDArray a = NDArray.array(new float[] {1, 2, 3, 4}, Shape.of(2, 2));
        byte[] good = NDSerializer.toBytes(List.of(a, a), List.of("a", "b"));
        // truncated anywhere
        for (int cut : new int[] {0, 5, 16, 24, 30, 40, 60, 70, good.length - 1}) {
            assertCorrupt(java.util.Arrays.copyOf(good, cut), "truncated");
        }
        assertCorrupt(patchInt(good, 0, 0x113), "not an NDArray file");
        assertCorrupt(patchLong(good, 16, 1L << 40), "array count");
        assertCorrupt(patchInt(good, 24, 0x12345678), "unknown header");
        assertCorrupt(patchInt(good, 28, 1), "row_sparse");
        assertCorrupt(patchInt(good, 28, 2), "csr");
        assertCorrupt(patchInt(good, 28, 9), "storage type");
        assertCorrupt(patchInt(good, 32, 1000), "number of dimensions");
        assertCorrupt(patchInt(good, 32, -5), "number of dimensions");
        assertCorrupt(patchLong(good, 36, 1L << 40), "truncated");
        assertCorrupt(patchLong(good, 36, Long.MAX_VALUE), "absurd shape");
        assertCorrupt(patchLong(good, 36, -4), "negative dimension");
        assertCorrupt(patchInt(good, 52, 7), "device type");
        assertCorrupt(patchInt(good, 60, 12), "dtype flag 12 (bfloat16)");
        assertCorrupt(patchInt(good, 60, 99), "dtype flag 99");
        assertCorrupt(patchLong(good, good.length - 2 * 9 - 8, 3), "names");
    }

    @Test
    void fileErrorsNameTheFileAndFailedSavesKeepTheOldFile() throws IOException {
        Path f = dir.resolve("broken.params");
        Files.write(f, new byte[] {1, 2, 3});
        IOException e = assertThrows(IOException.class, () -> NDArray.load(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        Path ok = dir.resolve("ok.params");
        NDArray.save(ok, List.of(NDArray.ones(2)));
        byte[] before = Files.readAllBytes(ok);
        NDArray closed = NDArray.ones(2);
        closed.close();
        assertThrows(IllegalArgumentException.class, () -> NDArray.save(ok, List.of(NDArray.zeros(3), closed)));
        assertArrayEquals(before, Files.readAllBytes(ok));
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left behind");
        }
    }

    private static void assertCorrupt(byte[] bytes, String fragment) {
        IOException e = assertThrows(IOException.class, () -> NDSerializer.fromBytes(bytes, "bad.params"), fragment);
        assertTrue(e.getMessage().contains("bad.params"), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), fragment + " not in: " + e.getMessage());
    }

    private static byte[] patchInt(byte[] b, int off, int v) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt(off, v);
        return c;
    }

    private static byte[] patchLong(byte[] b, int off, long v) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putLong(off, v);
        return c;
    }
}
