package dev.mxj.cli;

import org.graalvm.polyglot.Engine;

/** The one polyglot engine of this process, shared by the Python and JavaScript hosts. */
final class Polyglot {
    private Polyglot() {}

    private static final class Holder {
        static final Engine ENGINE = Engine.newBuilder()
                // the launcher enables the optimising runtime when it can; without it, say so once in `mxj info`, not per run
                .option("engine.WarnInterpreterOnly", "false")
                .build();
    }

    static Engine engine() { return Holder.ENGINE; }

    /** The Truffle runtime in use, e.g. "GraalVM CE" (optimising) or "Interpreted". */
    static String runtimeName() { return engine().getImplementationName(); }
}
