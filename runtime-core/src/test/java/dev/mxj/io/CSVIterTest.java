package dev.mxj.io;

import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CSVIterTest {
    @TempDir Path dir;

    /** The file of MXNet's CSVIter documentation. */
    private Path docFile() throws IOException {
        return Files.writeString(dir.resolve("data.csv"), "1,2,3\n2,3,4\n3,4,5\n4,5,6\n");
    }

    private static List<String> epoch(DataIter it) {
        List<String> out = new ArrayList<>();
        for (DataBatch b : it) out.add(Arrays.toString(b.data().get(0).toFloatArray()) + " pad " + b.pad());
        return out;
    }

    @Test
    void batchesRowsLikeTheMXNetDocumentation() throws IOException {
        DataIter it = CSVIter.builder().dataCsv(docFile()).dataShape(3).batchSize(2).build();
        assertEquals(List.of("[1.0, 2.0, 3.0, 2.0, 3.0, 4.0] pad 0", "[3.0, 4.0, 5.0, 4.0, 5.0, 6.0] pad 0"), epoch(it));
        assertEquals("[DataDesc[data,(2, 3),float32,NCHW]]", it.provideData().toString());
        assertEquals("[DataDesc[softmax_label,(2,),float32,NCHW]]", it.provideLabel().toString());
    }

    @Test
    void roundBatchWrapsAndTheNextEpochContinuesAfterTheWrap() throws IOException {
        DataIter it = CSVIter.builder().dataCsv(docFile()).dataShape(3).batchSize(3).build();
        assertEquals(List.of("[1.0, 2.0, 3.0, 2.0, 3.0, 4.0, 3.0, 4.0, 5.0] pad 0",
                "[4.0, 5.0, 6.0, 1.0, 2.0, 3.0, 2.0, 3.0, 4.0] pad 2"), epoch(it));
        it.reset();
        assertEquals(List.of("[3.0, 4.0, 5.0, 4.0, 5.0, 6.0, 1.0, 2.0, 3.0] pad 1"), epoch(it));
        it.reset();
        assertEquals(List.of("[2.0, 3.0, 4.0, 3.0, 4.0, 5.0, 4.0, 5.0, 6.0] pad 0"), epoch(it));
    }

    @Test
    void withoutRoundBatchThePadKeepsThePreviousRows() throws IOException {
        DataIter it = CSVIter.builder().dataCsv(docFile()).dataShape(3).batchSize(3).roundBatch(false).dtype(DType.INT32).build();
        List<DataBatch> batches = new ArrayList<>();
        it.forEachRemaining(batches::add);
        assertEquals(2, batches.size());
        assertEquals(DType.INT32, batches.get(1).data().get(0).dtype());
        assertArrayEquals(new int[] {4, 5, 6, 2, 3, 4, 3, 4, 5}, batches.get(1).data().get(0).toIntArray());
        assertEquals(2, batches.get(1).pad());
        it.reset();
        assertEquals(2, epoch(it).size(), "reset restarts from the first row");
    }

    @Test
    void labelsShapesAndDirectories() throws IOException {
        Path data = Files.writeString(dir.resolve("x.csv"), "1,2,3,4\n\n5,6,7,8\r\n9,10,11,12\n");
        Path label = Files.writeString(dir.resolve("y.csv"), "1,0\n0,1\n1,1\n");
        DataIter it = CSVIter.builder().dataCsv(data).dataShape(2, 2).labelCsv(label).labelShape(2).batchSize(3)
                .dtype(DType.INT64).build();
        assertEquals("[DataDesc[data,(3, 2, 2),int64,NCHW]]", it.provideData().toString());
        assertEquals("[DataDesc[softmax_label,(3, 2),int64,NCHW]]", it.provideLabel().toString());
        DataBatch b = it.next();
        assertEquals(Shape.of(3, 2, 2), b.data().get(0).shape());
        assertArrayEquals(new long[] {1, 0, 0, 1, 1, 1}, b.label().get(0).toLongArray());
        assertArrayEquals(new long[] {0, 1, 2}, b.index());
        assertFalse(it.hasNext());

        Path parts = Files.createDirectory(dir.resolve("parts"));
        Files.writeString(parts.resolve("a.csv"), "1\n2\n");
        Files.writeString(parts.resolve("b.csv"), "3\n");
        DataIter d = CSVIter.builder().dataCsv(parts).dataShape(1).batchSize(3).build();
        DataBatch db = d.next();
        assertArrayEquals(new float[] {1, 2, 3}, db.data().get(0).toFloatArray());
        assertArrayEquals(new float[] {0, 0, 0}, db.label().get(0).toFloatArray(), "no label_csv: zeros");
    }

    @Test
    void malformedRowsNameFileAndLine() throws IOException {
        Path wrongCount = Files.writeString(dir.resolve("count.csv"), "1,2,3\n4,5\n");
        DataIter a = CSVIter.builder().dataCsv(wrongCount).dataShape(3).batchSize(2).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, a::next);
        assertEquals(wrongCount + ":2: 2 values in the row, but data_shape (3) needs 3".replace("(3)", Shape.of(3).toString()), e.getMessage());

        Path tooMany = Files.writeString(dir.resolve("many.csv"), "1,2,3,4\n");
        e = assertThrows(IllegalArgumentException.class, () -> CSVIter.builder().dataCsv(tooMany).dataShape(3).batchSize(1).build().next());
        assertTrue(e.getMessage().startsWith(tooMany + ":1: 4 values"), e.getMessage());

        Path bad = Files.writeString(dir.resolve("bad.csv"), "1,2,3\n\n4,x5,6\n");
        e = assertThrows(IllegalArgumentException.class, () -> CSVIter.builder().dataCsv(bad).dataShape(3).batchSize(2).build().next());
        assertEquals(bad + ":3: column 2: 'x5' is not a float32 number", e.getMessage());

        Path frac = Files.writeString(dir.resolve("frac.csv"), "1,2.5\n");
        e = assertThrows(IllegalArgumentException.class,
                () -> CSVIter.builder().dataCsv(frac).dataShape(2).batchSize(1).dtype(DType.INT32).build().next());
        assertTrue(e.getMessage().contains("'2.5' is not a int32 number"), e.getMessage());

        Path empty = Files.writeString(dir.resolve("empty.csv"), "1,,3\n");
        e = assertThrows(IllegalArgumentException.class, () -> CSVIter.builder().dataCsv(empty).dataShape(3).batchSize(1).build().next());
        assertTrue(e.getMessage().endsWith(":1: column 2 is empty"), e.getMessage());

        Path shortLabels = Files.writeString(dir.resolve("l.csv"), "1\n");
        Path doc = docFile();
        IllegalStateException s = assertThrows(IllegalStateException.class,
                () -> CSVIter.builder().dataCsv(doc).dataShape(3).labelCsv(shortLabels).batchSize(2).build().next());
        assertTrue(s.getMessage().contains("fewer rows") && s.getMessage().contains("data row 2"), s.getMessage());

        assertThrows(IllegalArgumentException.class, () -> CSVIter.builder().dataCsv(dir.resolve("none.csv")).dataShape(3).build());
        assertThrows(IllegalArgumentException.class, () -> CSVIter.builder().dataCsv(doc).dataShape(3).dtype(DType.FLOAT64).build());
        Path one = Files.writeString(dir.resolve("one.csv"), "1\n");
        assertThrows(IllegalStateException.class, () -> CSVIter.builder().dataCsv(one).dataShape(1).batchSize(3).build().next());
    }

    @Test
    void prefetchingGivesTheSameBatches() throws IOException {
        List<String> plain = epoch(CSVIter.builder().dataCsv(docFile()).dataShape(3).batchSize(3).build());
        try (DataIter it = CSVIter.builder().dataCsv(docFile()).dataShape(3).batchSize(3).prefetchBuffer(2).build()) {
            assertInstanceOf(PrefetchingIter.class, it);
            assertEquals(plain, epoch(it));
            it.reset();
            assertEquals(List.of("[3.0, 4.0, 5.0, 4.0, 5.0, 6.0, 1.0, 2.0, 3.0] pad 1"), epoch(it));
        }
    }
}
