import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes {@code org.graalvm.python.vfs/fileslist.txt} under the given classes directory: one line
 * per file and directory of the virtual file system (directories end with '/'), which is how
 * GraalPy's VirtualFileSystem learns what the jar holds. Run at build time from source.
 */
public class VfsIndex {
    public static void main(String[] args) throws IOException {
        Path classes = Path.of(args[0]);
        Path vfs = classes.resolve("org.graalvm.python.vfs");
        Files.createDirectories(vfs); // also when no Python sources were copied
        List<String> lines = new ArrayList<>();
        try (Stream<Path> all = Files.walk(vfs)) {
            all.sorted().forEach(p -> {
                String name = "/" + classes.relativize(p).toString().replace('\\', '/');
                if (name.endsWith("/fileslist.txt")) return;
                lines.add(Files.isDirectory(p) ? name + "/" : name);
            });
        }
        Files.write(vfs.resolve("fileslist.txt"), lines);
    }
}
