package dev.mxj.device.conformance;

import dev.mxj.op.DType;
import dev.mxj.op.OperatorException;
import dev.mxj.op.Shape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One test case of one operator: inputs, parameters and what must come out — expected values,
 * an expected error, and/or a numerical gradient check. Cases are data, so the same catalogue
 * tests the CPU plugin and checks any third-party plugin against the CPU (the conformance kit).
 *
 * <pre>{@code
 * OpCase.forward("broadcast_add")
 *     .input(HostArray.f32(Shape.of(2, 1), 1, 2))
 *     .input(HostArray.f32(Shape.of(1, 3), 10, 20, 30))
 *     .expectValues(Shape.of(2, 3), 11, 21, 31, 12, 22, 32);
 * OpCase.forward("broadcast_add").randomInput(2, 3).randomInput(1, 3).gradCheck();
 * OpCase.error("broadcast_add").randomInput(2, 3).randomInput(4, 3).fails(ShapeException.class, "broadcast");
 * }</pre>
 */
public final class OpCase {
    public enum Kind { FORWARD, ERROR }

    /** A custom assertion on outputs (random operators: statistics instead of values). Throw AssertionError on failure. */
    @FunctionalInterface
    public interface OutputCheck {
        void check(List<HostArray> inputs, List<HostArray> outputs);
    }

    private final String op;
    private final Kind kind;
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final List<HostArray> inputs = new ArrayList<>();
    private final List<HostArray> expected = new ArrayList<>();
    private final List<Boolean> expectDType = new ArrayList<>();
    /** Outputs (by index) whose shape alone is checked. */
    private final Map<Integer, Shape> shapeOnly = new LinkedHashMap<>();
    private final Set<Integer> noGrad = new LinkedHashSet<>();
    private Class<? extends OperatorException> errorType;
    private String errorContains;
    private boolean gradCheck;
    private boolean train;
    private boolean deviceDependent;
    private OutputCheck check;
    private double rtol = 1e-5, atol = 1e-6;
    private double gradRtol = -1, gradAtol = -1;
    private long seed = 42;
    private String label;
    private final SplittableRandom rng;

    private OpCase(String op, Kind kind) {
        this.op = op;
        this.kind = kind;
        this.rng = new SplittableRandom(op.hashCode() * 31L + kind.ordinal());
    }

    /** A case that runs the operator and checks outputs and/or gradients. */
    public static OpCase forward(String op) { return new OpCase(op, Kind.FORWARD); }

    /** A case that must be rejected with an {@link OperatorException} before any kernel runs. */
    public static OpCase error(String op) { return new OpCase(op, Kind.ERROR); }

    public OpCase param(String name, Object value) { params.put(name, value); return this; }

    public OpCase params(Map<String, ?> p) { params.putAll(p); return this; }

    public OpCase input(HostArray a) { inputs.add(a); return this; }

    /** float32 input with the given values. */
    public OpCase input(Shape s, double... values) { return input(HostArray.f32(s, values)); }

    /** Random float32 input, uniform in [-1, 1). */
    public OpCase randomInput(long... dims) { return randomInput(Shape.of(dims), DType.FLOAT32, -1, 1); }

    /** Random input of any dtype, uniform in [lo, hi) (integers: rounded, inclusive). */
    public OpCase randomInput(Shape s, DType t, double lo, double hi) {
        return input(HostArray.random(s, t, lo, hi, rng));
    }

    /** Expect output {@code i} (in order of calls) to equal {@code a}: shape, dtype and values. */
    public OpCase expect(HostArray a) { expected.add(a); expectDType.add(true); return this; }

    /** Expect the next output's shape and values (dtype not checked). */
    public OpCase expectValues(Shape s, double... values) {
        expected.add(HostArray.of(s, DType.FLOAT64, values));
        expectDType.add(false);
        return this;
    }

    /** Expect only the next output's shape. */
    public OpCase expectShape(Shape s) {
        expected.add(null);
        expectDType.add(false);
        shapeOnly.put(expected.size() - 1, s);
        return this;
    }

    /** An expected final value of a mutated input; {@code checkDType} as for outputs. */
    public record Mutated(HostArray value, boolean checkDType) {}

    private final Map<Integer, Mutated> mutated = new LinkedHashMap<>();

    /**
     * Expect input {@code input}, which the operator declares mutated (optimizer states, running
     * statistics), to hold {@code a} after the call: shape, dtype and values.
     */
    public OpCase expectMutated(int input, HostArray a) { mutated.put(input, new Mutated(a, true)); return this; }

    /** Expect the final shape and values of mutated input {@code input} (dtype not checked). */
    public OpCase expectMutatedValues(int input, Shape s, double... values) {
        mutated.put(input, new Mutated(HostArray.of(s, DType.FLOAT64, values), false));
        return this;
    }

    /** Check input gradients against central differences (float inputs not listed in {@link #noGrad}). */
    public OpCase gradCheck() { this.gradCheck = true; return this; }

    /** Inputs excluded from the gradient check (indices, integer positions, non-smooth points). */
    public OpCase noGrad(int... idx) { for (int i : idx) noGrad.add(i); return this; }

    public OpCase fails(Class<? extends OperatorException> type, String messageContains) {
        if (kind != Kind.ERROR) throw new IllegalStateException("fails() is for error cases");
        this.errorType = type;
        this.errorContains = messageContains;
        return this;
    }

    public OpCase tol(double rtol, double atol) { this.rtol = rtol; this.atol = atol; return this; }

    public OpCase gradTol(double rtol, double atol) { this.gradRtol = rtol; this.gradAtol = atol; return this; }

    public OpCase train() { this.train = true; return this; }

    public OpCase seed(long s) { this.seed = s; return this; }

    /** Outputs depend on the device's random generator: the conformance kit runs {@link #check} instead of comparing values. */
    public OpCase deviceDependent() { this.deviceDependent = true; return this; }

    public OpCase check(OutputCheck c) { this.check = c; return this; }

    public OpCase label(String l) { this.label = l; return this; }

    /** A short note shown with the case's name ("second order"...), or null. */
    public String label() { return label; }

    public String op() { return op; }
    public Kind kind() { return kind; }
    public Map<String, Object> params() { return Collections.unmodifiableMap(params); }
    public List<HostArray> inputs() { return Collections.unmodifiableList(inputs); }
    public List<HostArray> expected() { return Collections.unmodifiableList(expected); }
    public boolean expectsDType(int i) { return expectDType.get(i); }
    public Shape expectedShapeOnly(int i) { return shapeOnly.get(i); }
    public Set<Integer> noGrad() { return Collections.unmodifiableSet(noGrad); }
    /** Expected final values of mutated inputs, by input index. */
    public Map<Integer, Mutated> expectedMutated() { return Collections.unmodifiableMap(mutated); }
    public Class<? extends OperatorException> errorType() { return errorType; }
    public String errorContains() { return errorContains; }
    public boolean isGradCheck() { return gradCheck; }
    public boolean isTrain() { return train; }
    public boolean isDeviceDependent() { return deviceDependent; }
    public OutputCheck customCheck() { return check; }
    public double rtol() { return rtol; }
    public double atol() { return atol; }
    public double gradRtol() { return gradRtol; }
    public double gradAtol() { return gradAtol; }
    public long seed() { return seed; }

    /** Whether this case checks outputs (values, shapes or a custom check). */
    public boolean checksOutputs() { return !expected.isEmpty() || check != null || !mutated.isEmpty(); }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder(op);
        if (label != null) sb.append(" [").append(label).append(']');
        sb.append(kind == Kind.ERROR ? " error" : gradCheck && expected.isEmpty() ? " grad" : " forward");
        if (!params.isEmpty()) sb.append(' ').append(params);
        List<String> shapes = new ArrayList<>();
        for (HostArray h : inputs) shapes.add(h.dtype() + h.shape().toString());
        sb.append(' ').append(shapes);
        return sb.toString();
    }
}
