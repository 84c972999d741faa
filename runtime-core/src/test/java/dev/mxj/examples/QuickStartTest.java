package dev.mxj.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class QuickStartTest {
    @TempDir Path dir;

    @Test
    void buildsComputesSavesLoadsAndPrints() throws Exception {
        Path f = dir.resolve("quickstart.params");
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            QuickStart.main(new String[] {f.toString()});
        } finally {
            System.setOut(old);
        }
        String out = buf.toString();
        assertTrue(Files.size(f) > 0);
        assertTrue(out.contains("x on cpu(0):\n[[ 1. -2.  3.]\n [-4.  5. -6.]]\n<NDArray 2x3 @cpu(0)>"), out);
        // x . w = [[3, 5], [-1.5, -6.5]] -> relu
        assertTrue(out.contains("relu(x . w) =\n[[3. 5.]\n [0. 0.]]\n<NDArray 2x2 @cpu(0)>"), out);
        assertTrue(out.contains("sum = 8.0"), out);
        assertTrue(out.contains("hidden =\n[[3. 5.]\n [0. 0.]]\n<NDArray 2x2 @cpu(0)>"), out);
        assertTrue(out.contains("scaled =\n[[0.375 0.625]\n [0.    0.   ]]\n<NDArray 2x2 @cpu(0)>"), out);
        assertTrue(out.contains("grid =\n[[ 0.          0.          0.          0.        ]\n"
                + " [ 0.          0.33333334  0.6666667   1.        ]\n"
                + " [-1.         -1.         -1.         -1.        ]]\n<NDArray 3x4 @cpu(0)>"), out);
        assertTrue(out.contains("identity =\n[[1. 0. 0.]\n [0. 1. 0.]\n [0. 0. 1.]]\n<NDArray 3x3 @cpu(0)>"), out);
    }
}
