import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.io.IOAccess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Compiles the bundled {@code mxnet} package to GraalPy bytecode at build time: for each
 * {@code .py} under {@code ARGS[0]} (the package sources as copied into the classes directory),
 * writes {@code __pycache__/NAME.<cache tag>.pyc} beside it. The files are "unchecked hash"
 * {@code .pyc} (PEP 552): the import system loads them without comparing time stamps, which a
 * file system inside a jar cannot provide, and no script run ever writes them (the virtual file
 * system is read-only), so without this every start compiled the whole package from source.
 * Tracebacks still name {@code /graalpy_vfs/src/...}, the path the sources have at run time.
 * Run at build time from source, with GraalPy on the class path.
 */
public class Precompile {
    private static final String SCRIPT = """
            import os, py_compile, sys
            from importlib.util import cache_from_source
            src, vfs = sys.argv[1], sys.argv[2]
            n = 0
            for root, dirs, files in os.walk(src):
                dirs[:] = [d for d in dirs if d != '__pycache__']
                for f in sorted(files):
                    if not f.endswith('.py'):
                        continue
                    path = os.path.join(root, f)
                    shown = vfs + '/' + os.path.relpath(path, src).replace(os.sep, '/')
                    py_compile.compile(path, cfile=cache_from_source(path), dfile=shown, doraise=True,
                                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
                    n += 1
            print('precompiled %d modules for %s' % (n, sys.implementation.cache_tag))
            """;

    public static void main(String[] args) throws IOException {
        if (upToDate(Path.of(args[0]))) return; // starting GraalPy costs seconds; most builds change no module
        try (Context c = Context.newBuilder("python")
                .allowIO(IOAccess.ALL)
                .option("engine.WarnInterpreterOnly", "false")
                .arguments("python", new String[] {"precompile", args[0], "/graalpy_vfs/src"})
                .build()) {
            c.eval("python", SCRIPT);
        }
    }

    /** True when every module has a {@code .pyc} newer than itself (and there is at least one). */
    static boolean upToDate(Path src) throws IOException {
        List<Path> modules;
        try (Stream<Path> all = Files.walk(src)) {
            modules = all.filter(p -> p.toString().endsWith(".py")).toList();
        }
        for (Path py : modules) {
            Path cache = py.resolveSibling("__pycache__");
            String stem = py.getFileName().toString().replaceFirst("\\.py$", "");
            Path pyc = null;
            if (Files.isDirectory(cache)) {
                try (Stream<Path> s = Files.list(cache)) {
                    pyc = s.filter(p -> p.getFileName().toString().matches(java.util.regex.Pattern.quote(stem) + "\\.[^.]+\\.pyc"))
                            .findFirst().orElse(null);
                }
            }
            if (pyc == null || Files.getLastModifiedTime(pyc).compareTo(Files.getLastModifiedTime(py)) < 0) return false;
        }
        return !modules.isEmpty();
    }
}
