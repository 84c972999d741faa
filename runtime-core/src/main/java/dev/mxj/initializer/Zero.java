package dev.mxj.initializer;

import dev.mxj.ndarray.NDArray;

/** Weights to 0 (registered as "zero" and "zeros"). */
public final class Zero extends Initializer {
    @Override
    protected void initWeight(String name, NDArray arr) { arr.set(0); }
}
