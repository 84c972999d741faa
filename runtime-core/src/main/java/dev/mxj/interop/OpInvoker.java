package dev.mxj.interop;

import dev.mxj.ndarray.Imperative;
import dev.mxj.op.Attrs;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One operator with one set of parameters, checked when made: guests create it once per distinct
 * call site and parameter set (the Python {@code x + 1} keeps one for the scalar 1) and then
 * call it with arrays only. The parameter map is immutable, so the runtime's parsed-attribute
 * cache finds it without re-parsing.
 */
public final class OpInvoker {
    private final OpDef def;
    private final Map<String, String> params;
    /** Input names under these parameters; null when they depend on the input count (variadic operators). */
    private final List<String> inputNames;
    private final int numVisibleOutputs;

    private OpInvoker(OpDef def, Map<String, String> params, Attrs attrs) {
        this.def = def;
        this.params = params;
        this.inputNames = def.keyVarNumArgs() != null && !params.containsKey(def.keyVarNumArgs()) ? null : List.copyOf(def.inputNames(attrs));
        this.numVisibleOutputs = def.numVisibleOutputs(attrs);
    }

    /**
     * @param op     operator name or alias
     * @param keys   parameter names
     * @param values parameter values in MXNet's string forms (e.g. "(3, 3)", "True", "float32")
     * @throws dev.mxj.op.OperatorException for an unknown operator or an invalid parameter
     */
    public static OpInvoker of(String op, String[] keys, String[] values) {
        if (keys.length != values.length) throw new IllegalArgumentException(keys.length + " parameter names but " + values.length + " values");
        OpDef def = OpRegistry.global().get(op);
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) m.put(keys[i], values[i]);
        Attrs attrs = def.parseAttrs(m); // fail here, with the operator and parameter named, not at the first call
        return new OpInvoker(def, Map.copyOf(m), attrs);
    }

    public String name() { return def.name(); }

    /**
     * The input names these parameters give (FullyConnected with no_bias=True: data, weight), so
     * a front end can place inputs passed by keyword; null for a variadic operator whose count
     * parameter was not given (its inputs are positional).
     */
    public List<String> inputNames() { return inputNames; }

    /** How many outputs a call returns (hidden outputs such as BatchNorm's saved statistics excluded). */
    public int numVisibleOutputs() { return numVisibleOutputs; }

    /** All visible outputs; null inputs are dropped (an optional input left out). */
    public NDArray[] invoke(NDArray[] inputs) { return Imperative.invoke(def.name(), inputs, params, null); }

    /** Write the visible outputs into {@code out} (MXNet's {@code out=}); returns {@code out}. */
    public NDArray[] invokeInto(NDArray[] inputs, NDArray[] out) { return Imperative.invoke(def.name(), inputs, params, out); }

    /** The first output of a call with no inputs (creation and sampling operators). */
    public NDArray call0() { return invoke(new NDArray[0])[0]; }

    /** The first output of a one-input call: the hot path of unary and scalar operators. */
    public NDArray call1(NDArray a) { return invoke(new NDArray[] {a})[0]; }

    /** The first output of a two-input call: the hot path of binary operators. */
    public NDArray call2(NDArray a, NDArray b) { return invoke(new NDArray[] {a, b})[0]; }

    /** The first output of a three-input call (FullyConnected, Convolution with bias), without a guest list to convert. */
    public NDArray call3(NDArray a, NDArray b, NDArray c) { return invoke(new NDArray[] {a, b, c})[0]; }

    @Override public String toString() { return def.name() + params; }
}
