package dev.mxj.io;

import dev.mxj.Context;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class IdxReaderTest {
    @TempDir Path dir;

    private static byte[] payload(IdxReader.Type t, double[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * t.byteSize());
        for (double v : values) {
            switch (t) {
                case UINT8, INT8 -> b.put((byte) v);
                case INT16 -> b.putShort((short) v);
                case INT32 -> b.putInt((int) v);
                case FLOAT32 -> b.putFloat((float) v);
                case FLOAT64 -> b.putDouble(v);
            }
        }
        return b.array();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void roundTripsEveryTypeRawAndGzipped(boolean gzip) throws IOException {
        double[] unsigned = {0, 1, 127, 128, 200, 255};
        double[] signed = {-128, -1, 0, 1, 100, 127};
        double[] wide = {-32768, -300, 0, 7, 300, 32767};
        double[] ints = {Integer.MIN_VALUE, -70000, 0, 1, 70000, Integer.MAX_VALUE};
        double[] floats = {-1.5, 0, 0.25, 3e10, -7, 1e-3};
        for (IdxReader.Type t : IdxReader.Type.values()) {
            double[] v = switch (t) {
                case UINT8 -> unsigned;
                case INT8 -> signed;
                case INT16 -> wide;
                case INT32 -> ints;
                default -> floats;
            };
            Path f = IdxFiles.write(dir.resolve(t + (gzip ? ".gz" : ".idx")), IdxFiles.bytes(t, new int[] {2, 3}, payload(t, v)), gzip);
            IdxReader.IdxArray a = IdxReader.read(f);
            assertEquals(t, a.type());
            assertArrayEquals(new int[] {2, 3}, a.dims());
            for (int i = 0; i < v.length; i++) {
                double want = t == IdxReader.Type.FLOAT32 ? (float) v[i] : v[i];
                assertEquals(want, a.get(i), t + " element " + i);
            }
            NDArray nd = a.toNDArray(Context.cpu());
            assertEquals(Shape.of(2, 3), nd.shape());
            assertEquals(t.dtype(), nd.dtype());
            double[] got = nd.toDoubleArray();
            for (int i = 0; i < v.length; i++) assertEquals(a.get(i), got[i], t + " NDArray element " + i);
            nd.close();
        }
    }

    @Test
    void gzipIsRecognisedByContentNotName() throws IOException {
        Path f = IdxFiles.labels(dir.resolve("labels-without-gz-suffix"), 5, true);
        assertEquals(5, IdxReader.read(f).size());
        Path g = IdxFiles.labels(dir.resolve("raw.gz"), 5, false);
        assertEquals(5, IdxReader.read(g).size());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsARangeOfItems(boolean gzip) throws IOException {
        Path f = IdxFiles.images(dir.resolve("img"), 10, 2, 2, gzip);
        IdxReader.IdxArray all = IdxReader.read(f);
        IdxReader.IdxArray part = IdxReader.read(f, 3, 7);
        assertArrayEquals(new int[] {4, 2, 2}, part.dims());
        for (int i = 0; i < 16; i++) assertEquals(all.get(12 + i), part.get(i));
        assertEquals(0, IdxReader.read(f, 10, 10).size());
        assertThrows(IllegalArgumentException.class, () -> IdxReader.read(f, 5, 11));
        assertEquals(DType.UINT8, IdxReader.readHeader(f).type().dtype());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void truncatedFilesNameTheFileAndTheShortfall(boolean gzip) throws IOException {
        byte[] full = IdxFiles.bytes(IdxReader.Type.INT32, new int[] {4}, new byte[16]);
        Path f = IdxFiles.write(dir.resolve("short"), Arrays.copyOf(full, full.length - 3), gzip);
        IOException e = assertThrows(IOException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("16 bytes") && e.getMessage().contains("has 13"), e.getMessage());
        // a shard before the cut still detects the truncation at the end
        assertThrows(IOException.class, () -> IdxReader.read(f, 0, 1));
    }

    @Test
    void truncatedGzipStreamIsReported() throws IOException {
        Path good = IdxFiles.images(dir.resolve("good.gz"), 50, 5, 5, true);
        byte[] gz = Files.readAllBytes(good);
        Path f = Files.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
        IOException e = assertThrows(IOException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void corruptHeadersAreExplained() throws IOException {
        Path magic = Files.write(dir.resolve("magic"), new byte[] {1, 2, 8, 1, 0, 0, 0, 0});
        assertTrue(assertThrows(IOException.class, () -> IdxReader.read(magic)).getMessage().contains("two zero bytes"));
        Path type = Files.write(dir.resolve("type"), new byte[] {0, 0, 0x0A, 1, 0, 0, 0, 0});
        assertTrue(assertThrows(IOException.class, () -> IdxReader.read(type)).getMessage().contains("unknown idx type byte 0x0a"));
        Path dims = Files.write(dir.resolve("dims"), new byte[] {0, 0, 8, 3, 0, 0, 0, 1});
        assertTrue(assertThrows(IOException.class, () -> IdxReader.read(dims)).getMessage().contains("3 dimensions announced, only 1"));
        Path tiny = Files.write(dir.resolve("tiny"), new byte[] {0, 0});
        assertTrue(assertThrows(IOException.class, () -> IdxReader.read(tiny)).getMessage().contains("shorter than the 4-byte magic"));
        byte[] extra = IdxFiles.bytes(IdxReader.Type.UINT8, new int[] {2}, new byte[] {1, 2, 3});
        Path trailing = Files.write(dir.resolve("trailing"), extra);
        IOException e = assertThrows(IOException.class, () -> IdxReader.read(trailing));
        assertTrue(e.getMessage().contains("trailing") && e.getMessage().contains("bytes follow"), e.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> IdxReader.read(dir.resolve("absent")));
    }
}
