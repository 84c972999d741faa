package dev.mxj.io;

import dev.mxj.op.Shape;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class FashionMnistTest {
    @TempDir Path dir;

    private static void fakeDataset(Path d) throws IOException {
        Files.createDirectories(d);
        IdxFiles.images(d.resolve("train-images-idx3-ubyte.gz"), 6, 28, 28, true);
        IdxFiles.labels(d.resolve("train-labels-idx1-ubyte.gz"), 6, true);
        IdxFiles.images(d.resolve("t10k-images-idx3-ubyte"), 4, 28, 28, false);
        IdxFiles.labels(d.resolve("t10k-labels-idx1-ubyte"), 4, false);
    }

    @Test
    void looksInTheExplicitDirectoryThenTheEnvironmentThenDebian() throws IOException {
        Path explicit = dir.resolve("explicit"), env = dir.resolve("env"), deb = dir.resolve("deb");
        fakeDataset(explicit);
        fakeDataset(env.resolve("fashion-mnist"));
        fakeDataset(deb);
        assertEquals(explicit, FashionMnist.locate(explicit, env.toString(), deb).directory());
        assertEquals(env.resolve("fashion-mnist"), FashionMnist.locate(null, env.toString(), deb).directory());
        assertEquals(deb, FashionMnist.locate(null, null, deb).directory());
        FashionMnist f = FashionMnist.locate(explicit, null, deb);
        assertEquals(explicit.resolve("train-images-idx3-ubyte.gz"), f.trainImages());
        assertEquals(explicit.resolve("t10k-labels-idx1-ubyte"), f.testLabels());
        MNISTIter test = f.test().batchSize(2).silent(true).buildMnist();
        assertEquals(4, test.numExamples());
        assertEquals(Shape.of(2, 1, 28, 28), test.provideData().get(0).shape());
    }

    @Test
    void aMissingDatasetSaysHowToGetIt() throws IOException {
        Path partial = dir.resolve("partial");
        Files.createDirectories(partial);
        IdxFiles.labels(partial.resolve("train-labels-idx1-ubyte.gz"), 3, true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> FashionMnist.locate(partial, null, dir.resolve("none")));
        assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("--data"), e.getMessage());
        assertTrue(e.getMessage().contains(partial.toString()), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> FashionMnist.locate(null, dir.resolve("nowhere").toString(), dir.resolve("none")));
        assertTrue(e.getMessage().contains("MXJ_DATA_DIR"), e.getMessage());
    }

    /** The one test that reads the real dataset; skipped when the Debian package is not installed. */
    @Test
    void readsTheInstalledFashionMnist() {
        Path deb = Path.of(FashionMnist.DEBIAN_DIR);
        Assumptions.assumeTrue(Files.isDirectory(deb),
                "Fashion-MNIST is not installed at " + deb + " (Debian package dataset-fashion-mnist): skipping the real-data test");
        FashionMnist f = FashionMnist.locate(deb);
        MNISTIter train = f.train().batchSize(1000).shuffle(false).silent(true).buildMnist();
        MNISTIter test = f.test().batchSize(1000).flat(true).silent(true).buildMnist();
        assertEquals(60000, train.numExamples());
        assertEquals(10000, test.numExamples());
        assertEquals(Shape.of(1000, 1, 28, 28), train.provideData().get(0).shape());
        assertEquals(Shape.of(1000, 784), test.provideData().get(0).shape());
        int batches = 0;
        int[] counts = new int[10];
        for (DataBatch b : test) {
            batches++;
            for (float y : b.label().get(0).toFloatArray()) {
                assertTrue(y >= 0 && y <= 9 && y == Math.floor(y), "label " + y);
                counts[(int) y]++;
            }
        }
        assertEquals(10, batches);
        for (int c : counts) assertEquals(1000, c, "Fashion-MNIST's test set has 1000 examples per class");
        DataBatch first = train.next();
        float[] x = first.data().get(0).toFloatArray();
        float max = 0;
        for (float v : x) { assertTrue(v >= 0 && v < 1); max = Math.max(max, v); }
        assertTrue(max > 0.9f, "real images reach near-white");
    }
}
