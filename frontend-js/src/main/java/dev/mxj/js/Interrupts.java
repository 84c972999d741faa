package dev.mxj.js;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C while a script runs: the first SIGINT asks the host to interrupt the guest (so the
 * script stops with "Interrupted" and status 130, finally-blocks run, arrays stay consistent);
 * the handler that was there before (normally the JVM's, which exits) takes the next one.
 * Where signals cannot be handled (an embedding that forbids it), nothing is installed.
 */
final class Interrupts {
    private Interrupts() {}

    private static final Signal INT = signal();

    private static Signal signal() {
        try {
            return new Signal("INT");
        } catch (IllegalArgumentException | LinkageError unsupported) {
            return null;
        }
    }

    /** Installs {@code onInterrupt}; returns the previous handler for {@link #restore}. */
    static Object install(Runnable onInterrupt) {
        if (INT == null) return null;
        try {
            return Signal.handle(INT, sig -> onInterrupt.run());
        } catch (IllegalArgumentException | IllegalStateException | SecurityException e) {
            return null;
        }
    }

    static void restore(Object previous) {
        if (INT != null && previous instanceof SignalHandler h) {
            try {
                Signal.handle(INT, h);
            } catch (IllegalArgumentException | IllegalStateException e) {
                // leave the current handler
            }
        }
    }

    static void restoreDefault() { restore(SignalHandler.SIG_DFL); }
}
