package dev.mxj.op;

/** An error attributable to an operator call: bad parameters, shapes or types. Thrown synchronously at invoke. */
public class OperatorException extends RuntimeException {
    public OperatorException(String message) { super(message); }

    public OperatorException(String message, Throwable cause) { super(message, cause); }
}
