package dev.mxj.js;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.FileSystem;
import org.graalvm.polyglot.io.IOAccess;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Hosts JavaScript scripts on GraalJS with the {@code mxnet} ES module importable
 * ({@code import mx from 'mxnet'}). One {@link Engine} may be shared by many hosts, and by the
 * Python host, so parsed sources and compiled code are reused.
 *
 * <p>What a script sees besides the language itself (Node-like where Node has a name for it):
 * <ul>
 *   <li>{@code process.argv}: {@code ['mxj', <absolute script path>, ...args]}, as Node's
 *       {@code [node, script, ...args]}, so {@code process.argv.slice(2)} are the user's arguments;</li>
 *   <li>{@code process.exit(code = 0)}: ends the script; the code becomes the exit status of {@code mxj run};</li>
 *   <li>{@code process.env}: a frozen copy of the environment;</li>
 *   <li>{@code console}, {@code print}, and the {@code mxnet} module. No Java class lookup: the
 *       module reaches the runtime through one bridge object ({@link Bridge}), the only host
 *       object whose methods guest code can call.</li>
 * </ul>
 * An uncaught error prints as a JS stack trace ({@code MXNetError: ...} with the script's
 * frames) and gives exit status 1; Ctrl-C interrupts the script (status 130).
 */
public final class JsHost implements AutoCloseable {
    /** The bridge only: methods annotated {@link HostAccess.Export}, plus reading Java arrays and buffers it returns. */
    static final HostAccess HOST_ACCESS = HostAccess.newBuilder(HostAccess.EXPLICIT)
            .allowArrayAccess(true)
            .allowBufferAccess(true)
            .build();

    private final Context context;
    private final PrintStream err;
    private final List<String> args;
    private volatile boolean interruptRequested;

    private JsHost(Context context, PrintStream err, List<String> args) {
        this.context = context;
        this.err = err;
        this.args = args;
    }

    /** A host on the process's standard streams; {@code args} are the script path followed by its arguments. */
    public static JsHost create(Engine engine, List<String> args) {
        return create(engine, args, System.in, System.out, System.err);
    }

    /** A host on the given streams (tests capture a script's output this way). */
    public static JsHost create(Engine engine, List<String> args, InputStream in, OutputStream out, OutputStream err) {
        Context c = Context.newBuilder("js")
                .engine(engine)
                .allowHostAccess(HOST_ACCESS)
                .allowHostClassLookup(name -> false)
                .allowIO(IOAccess.newBuilder().fileSystem(new ModuleFileSystem(FileSystem.newDefaultFileSystem())).build())
                .allowExperimentalOptions(true)
                .option("js.esm-eval-returns-exports", "true")
                .option("js.shell", "true") // for `quit`, which process.exit wraps (the other shell functions are removed)
                .option("js.timer-resolution", "1") // performance.now() in ns, not GraalJS's default 1 ms: scripts time training steps
                .in(in).out(out).err(err)
                .arguments("js", args.toArray(String[]::new))
                .build();
        JsHost host = new JsHost(c, err instanceof PrintStream p ? p : new PrintStream(err, true, StandardCharsets.UTF_8), List.copyOf(args));
        host.installGlobals();
        return host;
    }

    public Context context() { return context; }

    private void installGlobals() {
        Value bindings = context.getBindings("js");
        bindings.putMember("__mxj_bridge", new Bridge());
        List<String> argv = new ArrayList<>();
        argv.add("mxj");
        if (!args.isEmpty()) {
            argv.add(args.get(0).isEmpty() ? "" : Path.of(args.get(0)).toAbsolutePath().normalize().toString());
            argv.addAll(args.subList(1, args.size()));
        }
        Value prelude = context.eval(Source.newBuilder("js", PRELUDE, "<mxj prelude>").buildLiteral());
        prelude.execute(argv.toArray(), Map.copyOf(System.getenv()).entrySet().stream()
                .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toArray());
    }

    /** Defines {@code process}; hides the shell functions other than what it wraps. */
    private static final String PRELUDE = """
            (function (argv, envPairs) {
              const quit = globalThis.quit;
              for (const k of ['quit', 'readline', 'read', 'readbuffer']) delete globalThis[k];
              const env = {};
              for (let i = 0; i < envPairs.length; i += 2) env[envPairs[i]] = envPairs[i + 1];
              const exit = function exit(code = 0) {
                const c = Number(code);
                if (!Number.isInteger(c)) throw new TypeError('process.exit: the code must be an integer, got ' + String(code));
                quit(c);
              };
              Object.defineProperty(globalThis, 'process', {
                value: Object.freeze({ argv: Object.freeze(Array.from(argv)), env: Object.freeze(env), exit }),
                enumerable: false, configurable: false, writable: false });
            })
            """;

    /** Run {@code script} as an ES module; returns the exit code (1 after printing an uncaught error, 130 when interrupted). */
    public int runScript(Path script) {
        Source src;
        try {
            src = Source.newBuilder("js", script.toFile()).mimeType("application/javascript+module").build();
        } catch (IOException e) {
            err.println("mxj: cannot read " + script + ": " + e.getMessage());
            return 2;
        }
        Object previous = Interrupts.install(this::interrupt);
        try {
            context.eval(src);
            return 0;
        } catch (PolyglotException e) {
            return report(e);
        } finally {
            Interrupts.restore(previous);
        }
    }

    /** Prints an error as a JS stack trace; returns the exit status it stands for. */
    private int report(PolyglotException e) {
        if (e.isExit()) return e.getExitStatus();
        if (e.isInterrupted() || e.isCancelled() || interruptRequested) {
            err.println("Interrupted");
            return 130;
        }
        err.println(ErrorText.of(e));
        return 1;
    }

    /** Ctrl-C: stop the guest where it is; a kernel already running on the engine finishes first. */
    private void interrupt() {
        interruptRequested = true;
        Thread t = new Thread(() -> {
            try {
                context.interrupt(Duration.ofSeconds(5));
            } catch (TimeoutException | RuntimeException ignored) {
                // still busy (a long host call): the second Ctrl-C, with the default handler restored, ends the process
            }
        }, "mxj-js-interrupt");
        t.setDaemon(true);
        t.start();
        Interrupts.restoreDefault();
    }

    /**
     * An interactive prompt on the host's standard input ({@code mxj js}): {@code mx} is
     * predefined, each complete input is evaluated and its value printed; incomplete input
     * (an open brace) continues on the next line; {@code .exit} or end of input leaves.
     * Returns the exit code ({@code process.exit(n)} gives n).
     */
    public int interactive() {
        return interactive(System.in, System.out);
    }

    /** The prompt on the given streams. */
    public int interactive(InputStream in, PrintStream out) {
        try {
            context.eval(Source.newBuilder("js", "import mx from 'mxnet'; globalThis.mx = mx;", "<mxj init>.mjs").buildLiteral());
        } catch (PolyglotException e) {
            return report(e);
        }
        Value show = context.eval("js", "(v) => v === undefined ? undefined : (typeof v === 'string' ? JSON.stringify(v) : String(v))");
        out.println("mxj JavaScript prompt (GraalJS on " + context.getEngine().getImplementationName() + "); `mx` is the mxnet module. .exit or Ctrl-D leaves.");
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        StringBuilder pending = new StringBuilder();
        int n = 0;
        while (true) {
            out.print(pending.isEmpty() ? "> " : "... ");
            out.flush();
            String line;
            try {
                line = reader.readLine();
            } catch (IOException e) {
                return 1;
            }
            if (line == null || (pending.isEmpty() && line.trim().equals(".exit"))) return 0;
            pending.append(line).append('\n');
            interruptRequested = false;
            Object previous = Interrupts.install(this::interrupt);
            try {
                Value v = context.eval(Source.newBuilder("js", pending.toString(), "<prompt " + (++n) + ">").buildLiteral());
                pending.setLength(0);
                Value text = show.execute(v);
                if (!text.isNull()) out.println(text.asString());
            } catch (PolyglotException e) {
                if (e.isIncompleteSource()) continue;
                pending.setLength(0);
                if (e.isExit()) return e.getExitStatus();
                if (e.isInterrupted() || e.isCancelled() || interruptRequested) {
                    err.println("Interrupted");
                } else {
                    err.println(ErrorText.of(e));
                }
            } finally {
                Interrupts.restore(previous);
            }
        }
    }

    @Override public void close() { context.close(true); }
}
