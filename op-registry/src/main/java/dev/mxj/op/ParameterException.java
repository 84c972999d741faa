package dev.mxj.op;

/** An unknown, missing or invalid operator parameter; the message names operator, parameter, value and expectation. */
public class ParameterException extends OperatorException {
    public ParameterException(String message) { super(message); }
}
