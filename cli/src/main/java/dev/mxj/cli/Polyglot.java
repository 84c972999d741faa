package dev.mxj.cli;

import org.graalvm.polyglot.Engine;

/** The one polyglot engine of this process, shared by the Python and JavaScript hosts. */
final class Polyglot {
    private Polyglot() {}

    private static final class Holder {
        static final Engine ENGINE = newEngine();
    }

    static Engine engine() { return Holder.ENGINE; }

    /**
     * A new engine with mxj's options. One per process normally ({@link #engine()}); contexts of
     * one engine must share their host access rules, so Python and JavaScript hosts in one process
     * ({@code mxj startup-training}) each need their own.
     */
    static Engine newEngine() {
        return Engine.newBuilder()
                // the launcher enables the optimising runtime when it can; `mxj info` says which runtime is in use
                .option("engine.WarnInterpreterOnly", "false")
                // so that -Dpolyglot.engine.X=... can set Truffle's experimental tuning options
                .allowExperimentalOptions(true)
                .build();
    }

    /** The Truffle runtime in use, e.g. "GraalVM CE" (optimising) or "Interpreted". */
    static String runtimeName() { return engine().getImplementationName(); }

    /** The guest languages, e.g. "JavaScript, Python 3.12.8" (GraalJS reports no version of its own). */
    static String languages() {
        return engine().getLanguages().values().stream()
                .map(l -> l.getVersion().startsWith("Development") ? l.getName() : l.getName() + " " + l.getVersion())
                .sorted().collect(java.util.stream.Collectors.joining(", "));
    }
}
