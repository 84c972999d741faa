package dev.mxj.op;

/**
 * Bidirectional, partial shape inference (MXNet's FInferShape). Entries of {@code in} and
 * {@code out} may be null or partially unknown; the function fills in what it can (inputs
 * too, e.g. a weight's shape from the data and num_hidden) using {@link ShapeRules#assign},
 * which fails on conflicts. Returns true when every input and output shape is fully known.
 */
@FunctionalInterface
public interface ShapeFn {
    boolean infer(Attrs attrs, Shape[] in, Shape[] out);
}
