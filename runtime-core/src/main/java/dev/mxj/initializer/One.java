package dev.mxj.initializer;

import dev.mxj.ndarray.NDArray;

/** Weights to 1 (registered as "one" and "ones"). */
public final class One extends Initializer {
    @Override
    protected void initWeight(String name, NDArray arr) { arr.set(1); }
}
