package dev.mxj.initializer;

import dev.mxj.ndarray.NDArray;

import java.util.HashMap;
import java.util.Map;

/**
 * Copies parameters from loaded arrays by name ({@code arg:} / {@code aux:} prefixes of
 * checkpoint files are dropped); names not found go to {@code defaultInit}, as MXNet's {@code init.Load}.
 */
public final class Load extends Initializer {
    private final Map<String, NDArray> params = new HashMap<>();
    private final Initializer defaultInit;

    public Load(Map<String, NDArray> params, Initializer defaultInit) {
        params.forEach((k, v) -> this.params.put(k.startsWith("arg:") || k.startsWith("aux:") ? k.substring(4) : k, v));
        this.defaultInit = defaultInit;
    }

    @Override
    public void call(String name, NDArray arr) {
        NDArray src = params.get(name);
        if (src != null) {
            if (!src.shape().equals(arr.shape())) {
                throw new IllegalArgumentException("Parameter " + name + " cannot be initialized from loading. Shape mismatch, target "
                        + arr.shape() + " vs loaded " + src.shape());
            }
            arr.set(src);
        } else if (defaultInit != null) {
            defaultInit.call(name, arr);
        } else {
            throw new IllegalArgumentException("Cannot Initialize " + name + ". Not found in loaded param and no default Initializer is provided.");
        }
    }

    @Override
    public void call(InitDesc desc, NDArray arr) {
        if (params.containsKey(desc.name()) || defaultInit == null) call(desc.name(), arr);
        else defaultInit.call(desc, arr);
    }

    @Override
    protected void initWeight(String name, NDArray arr) { call(name, arr); }

    @Override
    public String dumps() { throw new UnsupportedOperationException("Load has no JSON form"); }
}
