package dev.mxj.python;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Python example and the memory bound, run through PythonHost as {@code mxj run} runs them.
 */
class PythonExamplesTest {
    static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");
    static final Path EXAMPLE = Path.of("../examples/python/fashion_mnist_mlp.py");

    /** One shortened epoch (120 batches of 128) of the README's Python example reaches 75% test accuracy. */
    @Test
    void fashionMnistMlpExampleLearns() {
        if (!Files.isDirectory(FASHION)) {
            assertNotEquals("true", System.getenv("CI"), "CI=true but Fashion-MNIST is missing at " + FASHION);
            Assumptions.abort("Fashion-MNIST not installed at " + FASHION + " (apt-get install dataset-fashion-mnist)");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        List<String> argv = List.of(EXAMPLE.toString(), "--epochs", "1", "--max-batches", "120", "--data", FASHION.toString());
        try (PythonHost host = PythonHost.create(PythonSuiteTest.sharedEngine(), argv, null, out, err)) {
            int code = host.runScript(EXAMPLE);
            String o = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, o + err.toString(StandardCharsets.UTF_8));
            Matcher m = Pattern.compile("epoch 1: loss ([0-9.]+), train accuracy ([0-9.]+), test accuracy ([0-9.]+)").matcher(o);
            assertTrue(m.find(), o);
            double test = Double.parseDouble(m.group(3));
            assertTrue(test >= 0.75 && test <= 1.0, "test accuracy after 120 batches: " + test + "\n" + o);
        }
    }

    /**
     * A Python loop that makes temporaries and closes nothing keeps memory flat: the arrays'
     * storage goes back through the Cleaner and allocation-pressure collections, as MXNet frees on
     * refcount. The pressure threshold is lowered to 64 MiB here so that the plateau is reached
     * within the test (the default, 512 MiB, bounds the same way at a higher level).
     */
    @Test
    void temporariesInALoopKeepMemoryFlat() throws Exception {
        PythonHost host = PythonSuiteTest.host();
        host.eval("""
                import mxnet as mx
                def _mem_loop(n):
                    x = mx.nd.ones((256, 256))
                    for _ in range(n):
                        y = (x * 2 + 1).sum()
                    y.wait_to_read()
                    return y.asscalar()
                """);
        long previous = dev.mxj.ndarray.MemoryManager.setGcThresholdBytes(64L << 20);
        try {
            // 256 KiB per temporary, two per iteration: 2,000 iterations churn ~1 GiB
            assertEquals(3.0 * 65536, host.eval("_mem_loop(2000)").asDouble());
            host.eval("_mem_loop(2000)");
            long warm = offHeapKb();
            long[] peak = new long[6];
            for (int i = 0; i < peak.length; i++) {
                host.eval("_mem_loop(1000)");
                var st = dev.mxj.Devices.device(dev.mxj.Context.cpu()).memoryStats();
                peak[i] = st.bytesInUse() + st.bytesPooled();
            }
            long end = offHeapKb();
            String figures = "array storage (in use + pooled) after each round, MiB: "
                    + java.util.Arrays.toString(java.util.Arrays.stream(peak).map(x -> x >> 20).toArray())
                    + "; resident outside the Java heap " + warm / 1024 + " -> " + end / 1024 + " MiB";
            System.out.println("memory test: " + figures);
            long early = Math.max(peak[0], Math.max(peak[1], peak[2])), late = Math.max(peak[3], Math.max(peak[4], peak[5]));
            assertTrue(late <= 4 * (64L << 20), "array storage above 4x the 64 MiB threshold: " + figures);
            assertTrue(late <= early + (64L << 20), "array storage kept growing by more than one threshold: " + figures);
            // resident memory outside the Java heap (whose growth is the JVM's business) stays flat
            assertTrue(end - warm < 128 * 1024, "resident memory outside the Java heap grew: " + figures);
        } finally {
            dev.mxj.ndarray.MemoryManager.setGcThresholdBytes(previous);
        }
    }

    /** Resident memory minus the committed Java heap: native storage, code, metadata. */
    static long offHeapKb() throws Exception {
        System.gc();
        return rssKb() - Runtime.getRuntime().totalMemory() / 1024;
    }

    static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
