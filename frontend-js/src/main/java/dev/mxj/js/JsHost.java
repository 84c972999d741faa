package dev.mxj.js;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Hosts JavaScript scripts on GraalJS with the {@code mxnet} ES module importable. One
 * {@link Engine} may be shared by many hosts, and by the Python host.
 */
public final class JsHost implements AutoCloseable {
    private final Context context;

    private JsHost(Context context) { this.context = context; }

    /** A host whose scripts see {@code args} after the script path in {@code process.argv}-style arguments. */
    public static JsHost create(Engine engine, List<String> args) {
        Context.Builder b = Context.newBuilder("js")
                .engine(engine)
                .allowAllAccess(false)
                .allowIO(true)
                .option("js.esm-eval-returns-exports", "true")
                .arguments("js", args.toArray(String[]::new));
        return new JsHost(b.build());
    }

    public Context context() { return context; }

    /** Run {@code script} as an ES module; returns the exit code (1 after printing an uncaught error). */
    public int runScript(Path script) {
        try {
            Source src = Source.newBuilder("js", script.toFile()).mimeType("application/javascript+module").build();
            context.eval(src);
            return 0;
        } catch (IOException e) {
            System.err.println("mxj: cannot read " + script + ": " + e.getMessage());
            return 2;
        } catch (PolyglotException e) {
            if (e.isExit()) return e.getExitStatus();
            if (e.isInterrupted() || e.isCancelled()) return 130;
            System.err.println(e.getMessage());
            return 1;
        }
    }

    /** An interactive prompt on standard input/output (`mxj js`); returns the exit code. */
    public int interactive() {
        throw new UnsupportedOperationException("the interactive js prompt is not built yet");
    }

    @Override public void close() { context.close(true); }
}
