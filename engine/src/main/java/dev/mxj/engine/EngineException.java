package dev.mxj.engine;

/**
 * The failure of a pushed operation, rethrown at a synchronising call
 * ({@link Engine#waitForVar}, {@link Engine#waitForAll}). The cause is the original error;
 * the message names the operation that failed.
 */
public class EngineException extends RuntimeException {
    private final String operation;

    public EngineException(String operation, Throwable cause) {
        super(messageOf(operation, cause), cause);
        this.operation = operation;
    }

    /** Name of the operation whose body threw. */
    public String operation() { return operation; }

    private static String messageOf(String op, Throwable cause) {
        String m = cause.getMessage();
        return (m == null ? cause.getClass().getSimpleName() : m) + (op == null ? "" : " (in operator " + op + ")");
    }
}
