package dev.mxj.op;

/** Type inference failed: unsupported or inconsistent dtypes for an operator. */
public class TypeException extends OperatorException {
    public TypeException(String message) { super(message); }
}
