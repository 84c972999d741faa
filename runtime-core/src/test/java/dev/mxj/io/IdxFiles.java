package dev.mxj.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small idx files for the tests. */
final class IdxFiles {
    private IdxFiles() {}

    /** The bytes of an idx file: header for {@code type}/{@code dims}, then {@code payload} (already big-endian). */
    static byte[] bytes(IdxReader.Type type, int[] dims, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        b.put((byte) 0).put((byte) 0).put((byte) type.code()).put((byte) dims.length);
        for (int d : dims) b.putInt(d);
        b.put(payload);
        return b.array();
    }

    static Path write(Path file, byte[] content, boolean gzip) throws IOException {
        if (!gzip) return Files.write(file, content);
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(bo)) {
            o.write(content);
        }
        return Files.write(file, bo.toByteArray());
    }

    /** MNIST-style images: image {@code i}'s pixel {@code k} is {@code (i * 7 + k) % 256}. */
    static Path images(Path file, int n, int rows, int cols, boolean gzip) throws IOException {
        byte[] p = new byte[n * rows * cols];
        for (int i = 0; i < n; i++) for (int k = 0; k < rows * cols; k++) p[i * rows * cols + k] = (byte) ((i * 7 + k) % 256);
        return write(file, bytes(IdxReader.Type.UINT8, new int[] {n, rows, cols}, p), gzip);
    }

    /** Labels {@code i % 10}. */
    static Path labels(Path file, int n, boolean gzip) throws IOException {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) p[i] = (byte) (i % 10);
        return write(file, bytes(IdxReader.Type.UINT8, new int[] {n}, p), gzip);
    }
}
