package dev.mxj.js;

import org.graalvm.polyglot.io.FileSystem;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scripts' file system: the host's own, plus the {@code mxnet} ES module read from this jar.
 * GraalJS resolves a bare specifier ({@code import mx from 'mxnet'}) by parsing it as a path;
 * this file system maps {@code mxnet} (and {@code mxnet/x.js}) to a virtual directory whose
 * files are class-path resources, so the module ships inside the jar and needs no unpacking,
 * while relative imports between a user's own files keep going to the real disk.
 */
final class ModuleFileSystem implements FileSystem {
    /** Where the module's files appear; absolute so that the module's own relative imports stay inside it. */
    static final Path ROOT = Path.of("/mxj-js-modules");
    private static final String RESOURCES = "/dev/mxj/js/modules/";
    private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();
    private static final FileTime EPOCH = FileTime.fromMillis(0);

    private final FileSystem disk;

    ModuleFileSystem(FileSystem disk) { this.disk = disk; }

    /** The resource path of a file under {@link #ROOT}, or null for paths elsewhere. */
    private static String resourceOf(Path p) {
        Path n = p.normalize();
        return n.startsWith(ROOT) && !n.equals(ROOT) ? ROOT.relativize(n).toString().replace('\\', '/') : null;
    }

    private static byte[] bytes(String rel) throws IOException {
        byte[] cached = CACHE.get(rel);
        if (cached != null) return cached;
        try (InputStream in = ModuleFileSystem.class.getResourceAsStream(RESOURCES + rel)) {
            if (in == null) throw new NoSuchFileException(ROOT.resolve(rel).toString(), null, "not part of the mxnet module");
            byte[] b = in.readAllBytes();
            CACHE.putIfAbsent(rel, b);
            return b;
        }
    }

    private static boolean isDirectory(String rel) { return rel.equals("mxnet"); }

    @Override public Path parsePath(URI uri) { return disk.parsePath(uri); }

    @Override public Path parsePath(String path) {
        if (path.equals("mxnet")) return ROOT.resolve("mxnet/index.js");
        if (path.startsWith("mxnet/")) return ROOT.resolve(path.endsWith(".js") ? path : path + ".js");
        return disk.parsePath(path);
    }

    @Override public void checkAccess(Path path, Set<? extends AccessMode> modes, LinkOption... linkOptions) throws IOException {
        String rel = resourceOf(path);
        if (rel == null) { disk.checkAccess(path, modes, linkOptions); return; }
        if (modes.contains(AccessMode.WRITE)) throw new IOException(path + ": the mxnet module is read-only");
        if (!isDirectory(rel)) bytes(rel);
    }

    @Override public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        if (resourceOf(dir) != null) throw new IOException(dir + ": the mxnet module is read-only");
        disk.createDirectory(dir, attrs);
    }

    @Override public void delete(Path path) throws IOException {
        if (resourceOf(path) != null) throw new IOException(path + ": the mxnet module is read-only");
        disk.delete(path);
    }

    @Override public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        String rel = resourceOf(path);
        if (rel == null) return disk.newByteChannel(path, options, attrs);
        for (OpenOption o : options) {
            if (o == StandardOpenOption.WRITE || o == StandardOpenOption.APPEND || o == StandardOpenOption.CREATE_NEW) {
                throw new IOException(path + ": the mxnet module is read-only");
            }
        }
        return new ReadOnlyChannel(bytes(rel));
    }

    @Override public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
        if (resourceOf(dir) != null) throw new IOException(dir + ": cannot list the mxnet module");
        return disk.newDirectoryStream(dir, filter);
    }

    @Override public Path toAbsolutePath(Path path) { return path.startsWith(ROOT) ? path : disk.toAbsolutePath(path); }

    @Override public Path toRealPath(Path path, LinkOption... linkOptions) throws IOException {
        return path.startsWith(ROOT) ? path.normalize() : disk.toRealPath(path, linkOptions);
    }

    @Override public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        String rel = resourceOf(path);
        if (rel == null) return disk.readAttributes(path, attributes, options);
        boolean dir = isDirectory(rel);
        long size = dir ? 0 : bytes(rel).length;
        Map<String, Object> m = new HashMap<>();
        m.put("isRegularFile", !dir);
        m.put("isDirectory", dir);
        m.put("isSymbolicLink", false);
        m.put("isOther", false);
        m.put("size", size);
        m.put("lastModifiedTime", EPOCH);
        m.put("lastAccessTime", EPOCH);
        m.put("creationTime", EPOCH);
        return m;
    }

    @Override public void setCurrentWorkingDirectory(Path currentWorkingDirectory) { disk.setCurrentWorkingDirectory(currentWorkingDirectory); }

    /** A channel over a module file's bytes. */
    private static final class ReadOnlyChannel implements SeekableByteChannel {
        private final byte[] data;
        private int pos;
        private boolean open = true;

        ReadOnlyChannel(byte[] data) { this.data = data; }

        @Override public int read(ByteBuffer dst) {
            if (pos >= data.length) return -1;
            int n = Math.min(dst.remaining(), data.length - pos);
            dst.put(data, pos, n);
            pos += n;
            return n;
        }

        @Override public int write(ByteBuffer src) { throw new NonWritableChannelException(); }

        @Override public long position() { return pos; }

        @Override public SeekableByteChannel position(long p) { pos = (int) Math.min(p, data.length); return this; }

        @Override public long size() { return data.length; }

        @Override public SeekableByteChannel truncate(long size) { throw new NonWritableChannelException(); }

        @Override public boolean isOpen() { return open; }

        @Override public void close() { open = false; }
    }
}
