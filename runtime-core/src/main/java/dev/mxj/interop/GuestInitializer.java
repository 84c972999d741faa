package dev.mxj.interop;

import dev.mxj.initializer.InitDesc;
import dev.mxj.initializer.Initializer;
import dev.mxj.ndarray.NDArray;

import java.util.Map;

/**
 * An initializer written in a guest language (a Python {@code mx.init.Initializer} subclass, a JS
 * function), usable wherever the runtime takes an {@link Initializer} ({@code Module.init_params}):
 * every parameter goes to the guest with its name and attributes, and the guest applies its own rules.
 */
public final class GuestInitializer extends Initializer {
    /** Fills {@code arr} for parameter {@code name} with attributes {@code attrs} ({@code __init__}, {@code __lr_mult__}, ...). */
    @FunctionalInterface
    public interface Fill {
        void call(String name, Map<String, String> attrs, NDArray arr);
    }

    private final Fill fill;
    private final String description;

    public GuestInitializer(Fill fill, String description) {
        this.fill = fill;
        this.description = description;
    }

    @Override public void call(InitDesc desc, NDArray arr) { fill.call(desc.name(), desc.attrs(), arr); }

    @Override public void call(String name, NDArray arr) { fill.call(name, Map.of(), arr); }

    @Override protected void initWeight(String name, NDArray arr) { fill.call(name, Map.of(), arr); }

    /** The guest's own dump (MXNet's {@code dumps()}), as written into {@code __init__} attributes. */
    @Override public String dumps() { return description; }

    @Override public String toString() { return description; }
}
