package dev.mxj.cli;

import dev.mxj.js.JsHost;
import dev.mxj.python.PythonHost;
import org.graalvm.polyglot.Engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code mxj run script.py|script.js [args]}: picks the language by file extension and runs the
 * script in a polyglot context with the {@code mxnet} package importable. All hosts in this
 * process share one polyglot engine ({@link Polyglot#engine()}).
 */
final class Scripts {
    private Scripts() {}

    static int run(String[] args) { return run(args, Polyglot.engine()); }

    private static int run(String[] args, Engine engine) {
        if (args.length == 0) {
            System.err.println("mxj run: missing script (usage: mxj run SCRIPT.py|SCRIPT.js [args])");
            return 2;
        }
        Path script = Path.of(args[0]);
        if (!Files.isReadable(script)) {
            System.err.println("mxj run: cannot read " + script);
            return 2;
        }
        List<String> argv = new ArrayList<>(Arrays.asList(args));
        String name = script.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".py")) {
            try (PythonHost host = PythonHost.create(engine, argv)) {
                return host.runScript(script);
            }
        }
        if (name.endsWith(".js") || name.endsWith(".mjs")) {
            try (JsHost host = JsHost.create(engine, argv)) {
                return host.runScript(script);
            }
        }
        System.err.println("mxj run: " + script + ": expected a .py, .js or .mjs file");
        return 2;
    }

    /**
     * {@code mxj startup-training SCRIPT...}: runs the scripts one after the other in this process
     * (no arguments, an engine each), stopping at the first non-zero exit code. The launcher runs
     * it with the JVM recording its AOT cache, so that Python and JavaScript both go into that one
     * cache.
     */
    static int runEach(String[] scripts) {
        for (String s : scripts) {
            try (Engine engine = Polyglot.newEngine()) {
                int code = run(new String[] {s}, engine);
                if (code != 0) return code;
            }
        }
        return 0;
    }

    /** {@code mxj python} / {@code mxj js}: an interactive prompt. */
    static int interactive(String language) {
        List<String> argv = List.of("");
        if (language.equals("python")) {
            try (PythonHost host = PythonHost.create(Polyglot.engine(), argv)) {
                return host.interactive();
            }
        }
        try (JsHost host = JsHost.create(Polyglot.engine(), argv)) {
            return host.interactive();
        }
    }
}
