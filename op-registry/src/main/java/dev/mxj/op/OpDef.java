package dev.mxj.op;

import dev.mxj.op.graph.Gradient;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * An operator, declared once and device-free (DESIGN.md §4): parameters, inputs and outputs,
 * shape and type inference, gradient, in-place options, mutated inputs, resources, docs.
 * Kernels live in device plugins, keyed by {@link #name()}.
 */
public final class OpDef {
    /** An input that may share memory with an output (MXNet's FInplaceOption). */
    public record InplacePair(int input, int output) {}

    private final String name;
    private final List<String> aliases;
    private final String doc;
    private final String family;
    private final Map<String, Param> params;
    private final Function<Attrs, List<String>> inputNames;
    private final Function<Attrs, List<String>> outputNames;
    private final Function<Attrs, Integer> numVisibleOutputs;
    private final String keyVarNumArgs;
    private final ShapeFn shapeFn;
    private final TypeFn typeFn;
    private final Gradient gradient;
    private final String backwardOf;
    private final Function<Attrs, List<InplacePair>> inplace;
    private final Function<Attrs, int[]> mutateInputs;
    private final Function<Attrs, Set<Resource>> resources;
    private final boolean trainingDependent;

    private OpDef(Builder b) {
        this.name = b.name;
        this.aliases = List.copyOf(b.aliases);
        this.doc = b.doc;
        this.family = b.family;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(b.params));
        this.inputNames = b.inputNames;
        this.outputNames = b.outputNames;
        this.numVisibleOutputs = b.numVisibleOutputs;
        this.keyVarNumArgs = b.keyVarNumArgs;
        this.shapeFn = b.shapeFn;
        this.typeFn = b.typeFn;
        this.gradient = b.gradient;
        this.backwardOf = b.backwardOf;
        this.inplace = b.inplace;
        this.mutateInputs = b.mutateInputs;
        this.resources = b.resources;
        this.trainingDependent = b.trainingDependent;
    }

    public static Builder builder(String name) { return new Builder(name); }

    public String name() { return name; }
    public List<String> aliases() { return aliases; }
    public String doc() { return doc; }
    /** A grouping for docs and coverage reports ("elemwise", "broadcast", "reduce", ...). */
    public String family() { return family; }
    public Map<String, Param> params() { return params; }
    /** Name of the parameter holding the number of variadic inputs ("num_args"), or null. */
    public String keyVarNumArgs() { return keyVarNumArgs; }
    public ShapeFn shapeFn() { return shapeFn; }
    public TypeFn typeFn() { return typeFn; }
    /** The gradient, or null when the operator is not differentiable. */
    public Gradient gradient() { return gradient; }
    public boolean isDifferentiable() { return gradient != null && gradient != Gradient.ZERO; }
    /** For "_backward_X" operators: the forward operator X whose gradient uses it; else null. */
    public String backwardOf() { return backwardOf; }
    public boolean isTrainingDependent() { return trainingDependent; }

    public List<String> inputNames(Attrs a) { return inputNames.apply(a); }
    public int numInputs(Attrs a) { return inputNames(a).size(); }
    public List<String> outputNames(Attrs a) { return outputNames.apply(a); }
    public int numOutputs(Attrs a) { return outputNames(a).size(); }
    /** Outputs visible to the user (BatchNorm hides mean/var unless output_mean_var). */
    public int numVisibleOutputs(Attrs a) { return numVisibleOutputs == null ? numOutputs(a) : numVisibleOutputs.apply(a); }
    public List<InplacePair> inplacePairs(Attrs a) { return inplace.apply(a); }
    /** Indices of inputs the operator writes (auxiliary states, optimizer weights and states). */
    public int[] mutateInputs(Attrs a) { return mutateInputs.apply(a); }
    public Set<Resource> resources(Attrs a) { return resources.apply(a); }

    /**
     * Parse and validate parameters given as MXNet strings or typed values. Keys of the form
     * {@code __x__} are user attributes (symbol JSON) and are ignored here.
     */
    public Attrs parseAttrs(Map<String, ?> raw) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> given = new LinkedHashMap<>();
        for (var e : raw.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("__") && k.endsWith("__")) continue;
            Param p = params.get(k);
            if (p == null) {
                throw new ParameterException("Operator " + name + ": unknown parameter '" + k + "' (value '" + display(e.getValue())
                        + "'); valid parameters are: " + (params.isEmpty() ? "(none)" : String.join(", ", params.keySet())));
            }
            Object v;
            try {
                v = p.coerce(e.getValue());
            } catch (IllegalArgumentException | ArithmeticException ex) {
                throw new ParameterException("Operator " + name + ": invalid value '" + display(e.getValue()) + "' for parameter '" + k
                        + "': expected " + p.expectation());
            }
            values.put(k, v);
            given.put(k, Param.format(v));
        }
        for (Param p : params.values()) {
            if (values.containsKey(p.name())) continue;
            if (p.isRequired()) {
                throw new ParameterException("Operator " + name + ": required parameter '" + p.name() + "' is missing (expected " + p.expectation() + ")");
            }
            values.put(p.name(), p.defaultValue());
        }
        // keep declaration order for a stable toString/JSON
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (String k : params.keySet()) ordered.put(k, values.get(k));
        return new Attrs(this, ordered, given);
    }

    private static String display(Object v) {
        if (v == null) return "None";
        if (v instanceof long[] a) return Arrays.toString(a);
        if (v instanceof int[] a) return Arrays.toString(a);
        if (v instanceof double[] a) return Arrays.toString(a);
        if (v instanceof float[] a) return Arrays.toString(a);
        return v.toString();
    }

    /**
     * Shape inference for an imperative call: all input shapes known, output shapes required.
     * Throws {@link ShapeException} with the operator name and input shapes on failure.
     */
    public Shape[] inferOutputShapes(Attrs a, Shape[] in) {
        Shape[] ins = in.clone();
        Shape[] outs = new Shape[numOutputs(a)];
        boolean done;
        try {
            done = shapeFn.infer(a, ins, outs);
        } catch (ShapeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ShapeException("Operator " + name + ": shape inference failed for inputs " + Arrays.toString(in) + ": " + e.getMessage());
        }
        for (int i = 0; i < ins.length; i++) {
            if (!in[i].equals(ins[i])) {
                throw new ShapeException("Operator " + name + ": input " + inputNames(a).get(i) + " has shape " + in[i] + " but " + ins[i] + " is required");
            }
        }
        if (!done || !ShapeRules.allKnown(outs)) {
            throw new ShapeException("Operator " + name + ": cannot infer output shapes from inputs " + Arrays.toString(in) + " with " + a);
        }
        return outs;
    }

    /** Type inference for an imperative call; throws {@link TypeException}. */
    public DType[] inferOutputTypes(Attrs a, DType[] in) {
        DType[] ins = in.clone();
        DType[] outs = new DType[numOutputs(a)];
        typeFn.infer(a, ins, outs);
        for (int i = 0; i < ins.length; i++) {
            if (in[i] != ins[i]) {
                throw new TypeException("Operator " + name + ": input " + inputNames(a).get(i) + " has dtype " + in[i] + " but " + ins[i] + " is required");
            }
        }
        if (!TypeRules.allKnown(outs)) throw new TypeException("Operator " + name + ": cannot infer output types from " + Arrays.toString(in));
        return outs;
    }

    @Override public String toString() { return name; }

    /** Declares an operator; see DESIGN.md §4 for an example. */
    public static final class Builder {
        private final String name;
        private final List<String> aliases = new ArrayList<>();
        private String doc = "";
        private String family = "misc";
        private final Map<String, Param> params = new LinkedHashMap<>();
        private Function<Attrs, List<String>> inputNames = a -> List.of("data");
        private Function<Attrs, List<String>> outputNames = a -> List.of("output");
        private Function<Attrs, Integer> numVisibleOutputs;
        private String keyVarNumArgs;
        private ShapeFn shapeFn = ShapeRules.SAME;
        private TypeFn typeFn = TypeRules.SAME;
        private Gradient gradient;
        private String backwardOf;
        private Function<Attrs, List<InplacePair>> inplace = a -> List.of();
        private Function<Attrs, int[]> mutateInputs = a -> new int[0];
        private Function<Attrs, Set<Resource>> resources = a -> Set.of();
        private boolean trainingDependent;

        private Builder(String name) { this.name = name; }

        public Builder alias(String... names) { aliases.addAll(List.of(names)); return this; }
        public Builder doc(String d) { this.doc = d; return this; }
        public Builder family(String f) { this.family = f; return this; }

        public Builder param(Param p) {
            if (params.put(p.name(), p) != null) throw new IllegalStateException(name + ": duplicate parameter " + p.name());
            return this;
        }

        public Builder inputs(String... names) { List<String> l = List.of(names); this.inputNames = a -> l; return this; }
        public Builder inputs(Function<Attrs, List<String>> f) { this.inputNames = f; return this; }

        /** Variadic inputs named arg0, arg1, ... counted by the int parameter {@code numArgsParam} (declare it too). */
        public Builder variadicInputs(String numArgsParam) {
            this.keyVarNumArgs = numArgsParam;
            this.inputNames = a -> {
                int n = a.getInt(numArgsParam);
                List<String> l = new ArrayList<>(n);
                for (int i = 0; i < n; i++) l.add("arg" + i);
                return l;
            };
            return this;
        }

        public Builder outputs(String... names) { List<String> l = List.of(names); this.outputNames = a -> l; return this; }
        public Builder outputs(Function<Attrs, List<String>> f) { this.outputNames = f; return this; }
        public Builder numVisibleOutputs(Function<Attrs, Integer> f) { this.numVisibleOutputs = f; return this; }
        public Builder inferShape(ShapeFn f) { this.shapeFn = f; return this; }
        public Builder inferType(TypeFn f) { this.typeFn = f; return this; }
        public Builder gradient(Gradient g) { this.gradient = g; return this; }
        /** Piecewise-constant: gradient is zero everywhere it exists. */
        public Builder zeroGradient() { this.gradient = Gradient.ZERO; return this; }
        public Builder backwardOf(String forwardOp) { this.backwardOf = forwardOp; return this; }

        public Builder inplace(int input, int output) {
            List<InplacePair> l = List.of(new InplacePair(input, output));
            this.inplace = a -> l;
            return this;
        }

        public Builder inplace(Function<Attrs, List<InplacePair>> f) { this.inplace = f; return this; }

        public Builder mutateInputs(int... idx) { int[] c = idx.clone(); this.mutateInputs = a -> c.clone(); return this; }
        public Builder mutateInputs(Function<Attrs, int[]> f) { this.mutateInputs = f; return this; }

        public Builder resources(Resource... r) { Set<Resource> s = Set.of(r); this.resources = a -> s; return this; }
        public Builder resources(Function<Attrs, Set<Resource>> f) { this.resources = f; return this; }

        public Builder trainingDependent() { this.trainingDependent = true; return this; }

        public OpDef build() { return new OpDef(this); }

        /** Build and add to {@code registry}. */
        public OpDef register(OpRegistry registry) {
            OpDef d = build();
            registry.add(d);
            return d;
        }
    }
}
