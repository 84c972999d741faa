package dev.mxj.op;

/** Bidirectional type inference (MXNet's FInferType); null entries are unknown. Returns true when all are known. */
@FunctionalInterface
public interface TypeFn {
    boolean infer(Attrs attrs, DType[] in, DType[] out);
}
