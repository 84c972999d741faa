package dev.mxj.python;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.python.embedding.GraalPyResources;
import org.graalvm.python.embedding.VirtualFileSystem;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Hosts Python scripts on GraalPy with the {@code mxnet} package (shipped in this jar and read
 * through GraalPy's virtual file system) importable. One {@link Engine} may be shared by many
 * hosts, and by the JavaScript host, to save start-up work.
 *
 * <p>Guest code sees no host classes: the {@code mxnet} package reaches the runtime through one
 * polyglot binding ({@code mxj}, a {@link Bridge}) and the public methods of the objects it
 * returns; reflection ({@code Class}, class loaders) is denied.
 *
 * <p>{@code MXJ_PYTHONPATH} (directories separated by ':') is put before the bundled package on
 * {@code sys.path}: a development checkout of {@code src/main/python} then wins over the jar.
 */
public final class PythonHost implements AutoCloseable {
    /** Public members of runtime objects, Python lists/dicts as arguments; no reflection. */
    static final HostAccess ACCESS = HostAccess.newBuilder()
            .allowPublicAccess(true)
            .allowAccessInheritance(true)
            .allowArrayAccess(true)
            .allowListAccess(true)
            .allowMapAccess(true)
            .allowIterableAccess(true)
            .allowIteratorAccess(true)
            .denyAccess(Class.class)
            .denyAccess(ClassLoader.class)
            .denyAccess(Thread.class)
            .denyAccess(Runtime.class)
            .denyAccess(System.class)
            .build();

    private final Context context;
    private final List<String> args;
    /** Set by Ctrl-C (SIGINT) before the running script is cancelled. */
    private volatile boolean interrupted;

    /** Where the host's own messages go: the guest's stderr. */
    private final PrintStream err;

    private PythonHost(Context context, List<String> args, PrintStream err) {
        this.context = context;
        this.args = args;
        this.err = err;
    }

    /** A host whose scripts see {@code args} as {@code sys.argv} ({@code args[0]} is the script path). */
    public static PythonHost create(Engine engine, List<String> args) {
        return create(engine, args, null, null, null);
    }

    /**
     * As {@link #create(Engine, List)}, with the guest's standard streams (null: the process's own),
     * e.g. to capture a script's output.
     */
    public static PythonHost create(Engine engine, List<String> args, InputStream in, OutputStream out, OutputStream err) {
        VirtualFileSystem vfs = VirtualFileSystem.newBuilder().resourceLoadingClass(PythonHost.class).build();
        Context.Builder b = GraalPyResources.contextBuilder(vfs)
                .engine(engine)
                .allowAllAccess(false)
                .allowHostAccess(ACCESS)
                .allowHostClassLookup(name -> false)
                .allowPolyglotAccess(PolyglotAccess.ALL)
                .allowCreateThread(true)
                .allowEnvironmentAccess(org.graalvm.polyglot.EnvironmentAccess.INHERIT)
                // start-up: skip the `site` module (no site-packages in the jar; costs ~10% of a hello-world)
                .option("python.ForceImportSite", "false")
                .option("python.NoSiteFlag", "true")
                .arguments("python", args.toArray(String[]::new));
        if (in != null) b.in(in);
        if (out != null) b.out(out);
        if (err != null) b.err(err);
        String dev = System.getenv("MXJ_PYTHONPATH");
        if (dev != null && !dev.isBlank()) b.option("python.PythonPath", dev + ":" + vfsSrc());
        Context ctx = b.build();
        ctx.getPolyglotBindings().putMember("mxj", new Bridge());
        ctx.eval("python", PRELUDE);
        PrintStream errStream = err == null ? System.err : new PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8);
        return new PythonHost(ctx, List.copyOf(args), errStream);
    }

    /**
     * What the skipped {@code site} module would have added that scripts use: {@code exit()} and
     * {@code quit()}. Also {@code time.process_time()} as CPython's, the process's CPU time:
     * GraalPy's is wall time minus sleeps, which made scripts' CPU figures wall times.
     */
    private static final String PRELUDE = """
            import builtins, sys
            def _mxj_cpu_process_time():
                import time
                def process_time_ns():
                    import resource
                    usage = resource.getrusage(resource.RUSAGE_SELF)
                    return round((usage.ru_utime + usage.ru_stime) * 1e9)
                def process_time():
                    return process_time_ns() / 1e9
                for f in (process_time, process_time_ns):
                    f.__module__ = 'time'
                time.process_time, time.process_time_ns = process_time, process_time_ns
            _mxj_cpu_process_time()
            class _Quitter:
                def __init__(self, name):
                    self.name = name
                def __repr__(self):
                    return 'Use %s() or Ctrl-D (i.e. EOF) to exit' % self.name
                def __call__(self, code=None):
                    raise SystemExit(code)
            def _mxj_exit_status(e):
                # as CPython's handling of an uncaught SystemExit
                if e.code is None:
                    return 0
                if isinstance(e.code, int):
                    return e.code
                print(e.code, file=sys.stderr)
                return 1
            builtins._mxj_exit_status = _mxj_exit_status
            if not hasattr(builtins, 'exit'):
                builtins.exit = _Quitter('exit')
                builtins.quit = _Quitter('quit')
            del _Quitter, _mxj_exit_status, _mxj_cpu_process_time, builtins, sys
            """;

    private static String vfsSrc() { return "/graalpy_vfs/src"; }

    public Context context() { return context; }

    /** Evaluate Python source in {@code __main__} (tests, embedding); errors propagate as {@link PolyglotException}. */
    public Value eval(String code) { return context.eval("python", code); }

    /**
     * Run {@code script} as {@code __main__}, as {@code python script.py} would: its directory
     * first on {@code sys.path}, {@code sys.argv} as given. Returns the exit code: 0, the status
     * passed to {@code sys.exit} (1 with the message printed for a non-integer status), 130 after
     * Ctrl-C, or 1 after printing the Python traceback of an uncaught exception.
     */
    public int runScript(Path script) {
        Path dir = script.toAbsolutePath().getParent();
        try (Interrupts ignored = Interrupts.install(this)) {
            // Not runpy.run_path: importing runpy and the pkgutil it pulls in took 1-4 s of start-up.
            Value run = context.eval(Source.create("python", """
                    def _mxj_run(path, dir):
                        import sys
                        sys.path.insert(0, dir)
                        sys._mxj_script = path
                        main = type(sys)('__main__')
                        main.__file__ = path
                        main.__cached__ = None
                        main.__builtins__ = __builtins__
                        sys.modules['__main__'] = main
                        with open(path, 'rb') as f:
                            source = f.read()
                        try:
                            exec(compile(source, path, 'exec'), main.__dict__)
                        except SystemExit as e:
                            return _mxj_exit_status(e)
                        return 0
                    _mxj_run
                    """));
            return run.execute(script.toString(), dir == null ? "." : dir.toString()).asInt();
        } catch (PolyglotException e) {
            return exitCode(e, err);
        } finally {
            flush();
        }
    }

    /** The exit code of a script that ended with {@code e}, printing what Python would print. */
    private int exitCode(PolyglotException e, PrintStream err) {
        if (e.isExit()) return e.getExitStatus();
        if (e.isInterrupted() || e.isCancelled()) {
            if (interrupted) {
                err.println("KeyboardInterrupt");
                return 130;
            }
            err.println("mxj: the script was cancelled");
            return 1;
        }
        if (e.isGuestException()) {
            Value ex = e.getGuestObject();
            if (ex != null && printTraceback(ex)) return 1;
        }
        // a host failure outside any guest frame (e.g. out of memory in the runtime itself)
        err.println("mxj: " + e.getMessage());
        return 1;
    }

    /** Python's own traceback printing, to the guest's sys.stderr; false if that failed too. */
    private boolean printTraceback(Value exception) {
        try {
            Value fn = context.eval("python", """
                    def _mxj_tb(e):
                        import traceback, sys
                        if isinstance(e, KeyboardInterrupt):
                            print("KeyboardInterrupt", file=sys.stderr)
                            return
                        tb = e.__traceback__
                        # drop the runner's frames (_mxj_run): start at the script, as `python script.py` does
                        script = getattr(sys, '_mxj_script', None)
                        t = tb
                        while t is not None and t.tb_frame.f_code.co_filename != script:
                            t = t.tb_next
                        traceback.print_exception(type(e), e, t if t is not None else tb)
                        sys.stderr.flush()
                    _mxj_tb
                    """);
            fn.execute(exception);
            return true;
        } catch (PolyglotException again) {
            return false;
        }
    }

    private void flush() {
        try {
            context.eval("python", "import sys\nsys.stdout.flush()\nsys.stderr.flush()");
        } catch (PolyglotException ignored) {
            // the context is closing or was cancelled: nothing left to flush
        }
    }

    /**
     * An interactive prompt on standard input/output ({@code mxj python}), as Python's own REPL:
     * {@code >>>}/{@code ...} prompts, expression results echoed, tracebacks for errors, Ctrl-D
     * or {@code exit()} to leave. Returns the exit code.
     */
    public int interactive() {
        try (Interrupts ignored = Interrupts.install(this)) {
            return context.eval(Source.newBuilder("python", """
                    import code, sys
                    try:
                        import readline
                    except Exception:
                        pass
                    import mxnet as mx
                    def _mxj_interact():
                        try:
                            code.interact(banner="mxj Python prompt: the mxnet %s API as `mx` (Python %s on GraalPy)" % (mx.__version__, sys.version.split()[0]),
                                          local={'mx': mx, '__name__': '__main__'}, exitmsg="")
                        except SystemExit as e:
                            return _mxj_exit_status(e)
                        return 0
                    _mxj_interact()
                    """, "<mxj python>").buildLiteral()).asInt();
        } catch (PolyglotException e) {
            return exitCode(e, err);
        } finally {
            flush();
        }
    }

    @Override public void close() {
        try {
            context.close(true);
        } catch (PolyglotException | IllegalStateException ignored) {
            // cancelled contexts may refuse a second close
        }
    }

    /**
     * Stops the running script as Ctrl-C does: the guest is cancelled at its next safepoint (also
     * inside a long host call's return), {@code runScript} prints {@code KeyboardInterrupt} and
     * returns 130. Callable from any thread.
     */
    public void interrupt() {
        interrupted = true;
        try {
            context.close(true);
        } catch (PolyglotException | IllegalStateException ignored) {
            // already closing
        }
    }

    /** Routes SIGINT to {@link #interrupt()} while a script runs; a second Ctrl-C ends the process. */
    private static final class Interrupts implements AutoCloseable {
        private final sun.misc.Signal signal = new sun.misc.Signal("INT");
        private final sun.misc.SignalHandler previous;

        private Interrupts(PythonHost host) {
            sun.misc.SignalHandler prev = null;
            try {
                prev = sun.misc.Signal.handle(signal, s -> {
                    if (host.interrupted) Runtime.getRuntime().halt(130);
                    Thread t = new Thread(host::interrupt, "mxj-interrupt");
                    t.setDaemon(true);
                    t.start();
                });
            } catch (IllegalArgumentException | UnsupportedOperationException noSignals) {
                // signals not available (some embedders reserve INT): Ctrl-C keeps the JVM's default
            }
            previous = prev;
        }

        static Interrupts install(PythonHost host) { return new Interrupts(host); }

        @Override public void close() {
            if (previous != null) sun.misc.Signal.handle(signal, previous);
        }
    }

    /** For the tests: arguments this host was made with. */
    List<String> args() { return args; }
}
