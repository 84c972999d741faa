package dev.mxj.op;

/** Shape inference failed: inconsistent or invalid input shapes for an operator. */
public class ShapeException extends OperatorException {
    public ShapeException(String message) { super(message); }
}
