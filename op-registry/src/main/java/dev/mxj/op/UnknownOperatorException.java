package dev.mxj.op;

/** No operator of that name (or alias) is registered. */
public class UnknownOperatorException extends OperatorException {
    public UnknownOperatorException(String name) { super("Cannot find operator '" + name + "' in the registry"); }
}
