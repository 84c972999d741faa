package dev.mxj.python;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;
import org.graalvm.python.embedding.GraalPyResources;
import org.graalvm.python.embedding.VirtualFileSystem;

import java.nio.file.Path;
import java.util.List;

/**
 * Hosts Python scripts on GraalPy with the {@code mxnet} package (shipped in this jar and read
 * through GraalPy's virtual file system) importable. One {@link Engine} may be shared by many
 * hosts, and by the JavaScript host, to save start-up work.
 */
public final class PythonHost implements AutoCloseable {
    private final Context context;

    private PythonHost(Context context) { this.context = context; }

    /** A host whose scripts see {@code args} as {@code sys.argv} ({@code args[0]} is the script path). */
    public static PythonHost create(Engine engine, List<String> args) {
        VirtualFileSystem vfs = VirtualFileSystem.newBuilder().build();
        Context.Builder b = GraalPyResources.contextBuilder(vfs)
                .engine(engine)
                .allowAllAccess(false)
                .arguments("python", args.toArray(String[]::new));
        return new PythonHost(b.build());
    }

    public Context context() { return context; }

    /**
     * Run {@code script} as {@code __main__}. Returns the exit code: 0, the status passed to
     * {@code sys.exit}, or 1 after printing the traceback of an uncaught exception.
     */
    public int runScript(Path script) {
        try {
            Value runpy = context.eval("python", "import runpy\nrunpy");
            runpy.invokeMember("run_path", script.toString(), null, "__main__");
            return 0;
        } catch (PolyglotException e) {
            if (e.isExit()) return e.getExitStatus();
            if (e.isInterrupted() || e.isCancelled()) return 130;
            System.err.println(e.getMessage());
            return 1;
        }
    }

    /** An interactive prompt on standard input/output (`mxj python`); returns the exit code. */
    public int interactive() {
        throw new UnsupportedOperationException("the interactive python prompt is not built yet");
    }

    @Override public void close() { context.close(true); }
}
