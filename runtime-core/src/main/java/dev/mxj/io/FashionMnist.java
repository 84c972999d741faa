package dev.mxj.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds Fashion-MNIST on this machine and opens it with {@link MNISTIter}.
 *
 * <p>mxj downloads nothing: the files come from the Debian package {@code dataset-fashion-mnist}
 * (installed under {@value #DEBIAN_DIR}) or from a directory the user names. Looked at, in
 * order: the explicit directory (an example's {@code --data DIR}), {@code $MXJ_DATA_DIR} and its
 * {@code fashion-mnist} subdirectory, then the Debian path. Each place must hold the four idx
 * files, gzipped ({@code train-images-idx3-ubyte.gz}) or not.
 */
public final class FashionMnist {
    public static final String DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";
    public static final String ENV = "MXJ_DATA_DIR";

    private static final String[] FILES = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

    private final Path dir;

    private FashionMnist(Path dir) { this.dir = dir; }

    /** The directory in use. */
    public Path directory() { return dir; }

    /** Locate the dataset; {@code explicitDir} may be null. Fails with what was tried and how to get the files. */
    public static FashionMnist locate(Path explicitDir) {
        return locate(explicitDir, System.getenv(ENV), Path.of(DEBIAN_DIR));
    }

    /** As {@link #locate(Path)} with the environment and Debian path given (for tests). */
    static FashionMnist locate(Path explicitDir, String envDir, Path debianDir) {
        List<Path> tried = new ArrayList<>();
        if (explicitDir != null) {
            tried.add(explicitDir);
            tried.add(explicitDir.resolve("fashion-mnist"));
        } else {
            if (envDir != null && !envDir.isBlank()) {
                tried.add(Path.of(envDir));
                tried.add(Path.of(envDir, "fashion-mnist"));
            }
            tried.add(debianDir);
        }
        for (Path p : tried) if (complete(p)) return new FashionMnist(p);
        throw new IllegalStateException("Fashion-MNIST not found (looked in " + tried.stream().map(Path::toString).toList()
                + " for " + String.join(", ", FILES) + ", optionally .gz). Install the Debian package dataset-fashion-mnist"
                + " (apt-get install dataset-fashion-mnist, files under " + DEBIAN_DIR + "), or pass --data DIR"
                + (explicitDir == null ? " or set " + ENV : "") + " to a directory holding the files.");
    }

    /** True when {@code $MXJ_DATA_DIR} or the Debian package provides the dataset (no explicit directory). */
    public static boolean isAvailable() {
        try {
            locate(null);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static boolean complete(Path dir) {
        if (!Files.isDirectory(dir)) return false;
        for (String f : FILES) if (find(dir, f) == null) return false;
        return true;
    }

    private static Path find(Path dir, String name) {
        Path gz = dir.resolve(name + ".gz"), raw = dir.resolve(name);
        return Files.isRegularFile(gz) ? gz : Files.isRegularFile(raw) ? raw : null;
    }

    public Path trainImages() { return find(dir, FILES[0]); }

    public Path trainLabels() { return find(dir, FILES[1]); }

    public Path testImages() { return find(dir, FILES[2]); }

    public Path testLabels() { return find(dir, FILES[3]); }

    /** An MNISTIter builder over the 60000 training examples (further parameters may be set on it). */
    public MNISTIter.Builder train() { return MNISTIter.builder().image(trainImages()).label(trainLabels()); }

    /** An MNISTIter builder over the 10000 test examples, not shuffled. */
    public MNISTIter.Builder test() { return MNISTIter.builder().image(testImages()).label(testLabels()).shuffle(false); }

    /** The class names, by label. */
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
}
