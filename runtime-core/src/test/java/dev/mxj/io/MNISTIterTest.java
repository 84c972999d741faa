package dev.mxj.io;

import dev.mxj.op.Shape;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

class MNISTIterTest {
    @TempDir Path dir;
    Path images, labels;

    @BeforeEach
    void files() throws IOException {
        images = IdxFiles.images(dir.resolve("img-idx3-ubyte.gz"), 10, 4, 3, true);
        labels = IdxFiles.labels(dir.resolve("lbl-idx1-ubyte"), 10, false);
    }

    private MNISTIter.Builder builder() { return MNISTIter.builder().image(images).label(labels).silent(true); }

    /** Source index of every example in this epoch, checked against its pixels and label. */
    private static List<Long> epoch(DataIter it) {
        List<Long> out = new ArrayList<>();
        for (DataBatch b : it) {
            float[] x = b.data().get(0).toFloatArray(), y = b.label().get(0).toFloatArray();
            int px = x.length / y.length;
            for (int i = 0; i < y.length; i++) {
                long src = b.index()[i];
                assertEquals(src % 10, (long) y[i], "label of example " + src);
                for (int k = 0; k < px; k++) assertEquals(((src * 7 + k) % 256) / 256f, x[i * px + k], "pixel " + k + " of example " + src);
                out.add(src);
            }
            assertEquals(0, b.pad());
        }
        return out;
    }

    @Test
    void shapesFlatAndNot() {
        MNISTIter it = builder().batchSize(3).shuffle(false).buildMnist();
        assertEquals("[DataDesc[data,(3, 1, 4, 3),float32,NCHW]]", it.provideData().toString());
        assertEquals("[DataDesc[softmax_label,(3,),float32,NCHW]]", it.provideLabel().toString());
        DataBatch b = it.next();
        assertEquals(Shape.of(3, 1, 4, 3), b.data().get(0).shape());
        assertEquals(Shape.of(3), b.label().get(0).shape());

        MNISTIter flat = builder().batchSize(3).flat(true).inputShape(Shape.of(12)).buildMnist();
        assertEquals(Shape.of(3, 12), flat.next().data().get(0).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder().flat(true).inputShape(Shape.of(1, 4, 3)).buildMnist());
        assertTrue(e.getMessage().contains("input_shape"), e.getMessage());
    }

    @Test
    void scalesBy256AndDropsTheIncompleteBatch() {
        MNISTIter it = builder().batchSize(3).shuffle(false).buildMnist();
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), epoch(it));
        it.reset();
        assertEquals(9, epoch(it).size());
        float max = 0;
        it.reset();
        for (DataBatch b : it) for (float v : b.data().get(0).toFloatArray()) max = Math.max(max, v);
        assertEquals(67f / 256f, max, "the largest pixel, 8 * 7 + 11, divided by 256 as MXNet does");
    }

    @Test
    void shufflesOnceFromTheSeed() {
        List<Long> a = epoch(builder().batchSize(2).seed(3).buildMnist());
        List<Long> b = epoch(builder().batchSize(2).seed(3).buildMnist());
        assertEquals(a, b);
        assertNotEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), a, "shuffle is on by default");
        assertEquals(new TreeSet<>(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L)), new TreeSet<>(a));
        MNISTIter it = builder().batchSize(2).seed(3).buildMnist();
        List<Long> first = epoch(it);
        it.reset();
        assertEquals(first, epoch(it), "the order is fixed at construction, as in MXNet");
        assertNotEquals(a, epoch(builder().batchSize(2).seed(4).buildMnist()));
    }

    @Test
    void partsSplitTheFilesAsMXNetDoes() {
        assertArrayEquals(new long[] {0, 3}, MNISTIter.part(10, 3, 0));
        assertArrayEquals(new long[] {3, 6}, MNISTIter.part(10, 3, 1));
        assertArrayEquals(new long[] {6, 10}, MNISTIter.part(10, 3, 2));
        List<Long> all = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            MNISTIter it = builder().batchSize(1).shuffle(false).numParts(3).partIndex(p).buildMnist();
            assertEquals(p == 2 ? 4 : 3, it.numExamples());
            all.addAll(epoch(it));
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), all);
        List<Long> shuffledPart = epoch(builder().batchSize(1).numParts(3).partIndex(2).buildMnist());
        assertEquals(new TreeSet<>(List.of(6L, 7L, 8L, 9L)), new TreeSet<>(shuffledPart), "shuffling stays inside the part");
        assertThrows(IllegalArgumentException.class, () -> builder().numParts(3).partIndex(3).buildMnist());
        assertThrows(IllegalArgumentException.class, () -> builder().numParts(0).buildMnist());
    }

    @Test
    void prefetchingGivesTheSameBatches() {
        List<Long> plain = epoch(builder().batchSize(2).seed(1).build());
        try (DataIter it = builder().batchSize(2).seed(1).prefetchBuffer(2).build()) {
            assertInstanceOf(PrefetchingIter.class, it);
            assertEquals(plain, epoch(it));
        }
    }

    @Test
    void mismatchedOrWrongFilesAreExplained() throws IOException {
        Path fewer = IdxFiles.labels(dir.resolve("fewer"), 9, false);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> builder().label(fewer).buildMnist());
        assertTrue(e.getMessage().contains("10 images") && e.getMessage().contains("9 labels"), e.getMessage());
        e = assertThrows(UncheckedIOException.class, () -> builder().image(labels).buildMnist());
        assertTrue(e.getMessage().contains("expected MNIST images"), e.getMessage());
        assertThrows(UncheckedIOException.class, () -> builder().image(dir.resolve("missing")).buildMnist());
    }
}
