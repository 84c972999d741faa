package dev.mxj.parity;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.op.Attrs;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Shape-inference and rejection parity with MXNet 1.9.1.
 *
 * <p>Shape inference: for every comparable forward case of the catalogue, the operator as an
 * atomic MXNet symbol ({@code MXSymbolCreateAtomicSymbol} + {@code MXSymbolCompose} on variables)
 * is inferred with {@code MXSymbolInferShapeEx} from all input shapes, and its output shapes
 * compared with mxj's {@link OpDef#inferOutputShapes}; then, for operators with more than one
 * input, from the first input's shape alone ({@code MXSymbolInferShapePartialEx} against mxj's
 * shape function given unknown inputs): every shape MXNet infers (weights, biases, outputs) must
 * be inferred by mxj the same.
 *
 * <p>Rejection: every ERROR case of the catalogue (an invalid parameter, shape or dtype that mxj
 * must reject) must be rejected by MXNet too: by symbol creation or shape/type inference
 * ({@code MXSymbolInferType}), else by running it ({@code MXImperativeInvoke}).
 *
 * <p>Differences fail unless {@code shape-divergences.txt} lists them (keys {@code op#i} for
 * full inference, {@code op#i/partial}, {@code op!i} for rejection case i, or the bare operator);
 * stale entries fail.
 */
class ShapeParityTest {
    private static final AllowList ALLOWED = AllowList.load("shape-divergences.txt");
    private static final Map<String, Map<String, Integer>> BY_STATUS = new TreeMap<>();   // section -> status -> count
    private static final List<String> DETAILS = new ArrayList<>();
    private static boolean ran;

    @TestFactory
    Stream<DynamicNode> shapesAndRejectionsMatchMXNet() {
        MXNet mx = Bridge.mxnetOrNull();
        if (mx == null) return Bridge.unavailable().map(DynamicNode.class::cast);
        ran = true;
        Set<String> names = new TreeSet<>(mx.allOpNames());
        List<DynamicNode> shape = tests(mx, names, "shape", CaseSource.forward(), ShapeParityTest::inferShapes);
        List<DynamicNode> reject = tests(mx, names, "rejection", CaseSource.errors(), ShapeParityTest::rejection);
        return Stream.of(DynamicContainer.dynamicContainer("shape inference", shape),
                DynamicContainer.dynamicContainer("rejection", reject));
    }

    /** One test per case of an operator MXNet has; cases MXNet's legacy shapes cannot hold are counted as not comparable. */
    private static List<DynamicNode> tests(MXNet mx, Set<String> names, String section, List<CaseSource.Numbered> cases,
                                           java.util.function.BiConsumer<MXNet, CaseSource.Numbered> check) {
        List<DynamicNode> tests = new ArrayList<>();
        for (CaseSource.Numbered n : cases) {
            if (!names.contains(n.op())) continue;
            if (!CaseSource.legacyShapesOk(n.c().inputs())) {
                record(section, n.op(), "not comparable", n.name() + ": rank-0 or zero-size input");
                continue;
            }
            String internal = CaseSource.internalBackward(n.c());
            if (internal != null) {
                record(section, n.op(), "not comparable", n.name() + ": " + internal);
                continue;
            }
            tests.add(DynamicTest.dynamicTest(n.name(), () -> check.accept(mx, n)));
        }
        return tests;
    }

    private static synchronized void record(String section, String op, String status, String detail) {
        BY_STATUS.computeIfAbsent(section, k -> new TreeMap<>()).merge(status, 1, Integer::sum);
        if (!status.equals("match") && !status.equals("both reject")) DETAILS.add(section + ": [" + status + "] " + detail);
    }

    /** Records a difference: allowed when an entry covers one of {@code keys}, else a failure. */
    private static void differ(String section, String op, List<String> keys, String detail) {
        ALLOWED.judge(keys, detail, (status, d) -> record(section, op, status, d));
    }

    private static String str(long[] s) { return legacyKnown(s) ? Shape.of(s).toString() : "unknown"; }

    private static void inferShapes(MXNet mx, CaseSource.Numbered n) {
        OpCase c = n.c();
        CaseSource.trace("shape " + n.name());
        OpDef op = OpRegistry.global().get(c.op());
        Map<String, String> params = CaseSource.mxnetParams(c.op(), c.params(), c.inputs().size());
        Attrs attrs = op.parseAttrs(params);
        int nIn = c.inputs().size();
        Shape[] inShapes = c.inputs().stream().map(HostArray::shape).toArray(Shape[]::new);
        List<String> keys = List.of(c.op() + "#" + n.number(), c.op());

        // full: every input shape known
        String ours, theirs;
        try {
            Shape[] out = op.inferOutputShapes(attrs, inShapes);
            ours = Arrays.toString(Arrays.copyOf(out, op.numVisibleOutputs(attrs)));
        } catch (RuntimeException e) {
            ours = "rejects (" + CaseSource.firstLine(e.getMessage()) + ")";
        }
        Map<String, long[]> known = new LinkedHashMap<>();
        for (int i = 0; i < nIn; i++) known.put("in" + i, inShapes[i].dims());
        try (MXNet.Sym s = atomic(mx, c.op(), params, nIn)) {
            MXNet.InferredShapes r = s.inferShape(known, false);
            if (r.outputs().stream().noneMatch(ShapeParityTest::legacyKnown)) {
                // MXNet declares no shape function for some operators (_backward_*, multi_*): Python passes out=
                record("shape", c.op(), "not comparable", n.name() + ": MXNet infers no output shape for it");
                return;
            }
            theirs = "[" + String.join(", ", r.outputs().stream().map(ShapeParityTest::str).toList()) + "]";
        } catch (MXNet.MXNetError e) {
            theirs = "rejects (" + CaseSource.firstLine(e.getMessage()) + ")";
        }
        boolean bothReject = ours.startsWith("rejects") && theirs.startsWith("rejects");
        if (bothReject || ours.equals(theirs)) {
            record("shape", c.op(), bothReject ? "both reject" : "match", n.name());
        } else {
            differ("shape", c.op(), keys, n.name() + " " + params + ": outputs mxj " + ours + " vs MXNet " + theirs);
        }
        if (nIn > 1) partial(mx, n, op, attrs, params, inShapes);
    }

    /** Inference from the first input alone: what MXNet infers, mxj must infer the same. */
    private static void partial(MXNet mx, CaseSource.Numbered n, OpDef op, Attrs attrs, Map<String, String> params, Shape[] inShapes) {
        String name = n.name() + " (first input only)";
        // the full case's entry covers this one too (e.g. an input count MXNet cannot compose)
        List<String> keys = List.of(n.op() + "#" + n.number() + "/partial", n.op() + "/partial", n.op() + "#" + n.number(), n.op());
        Shape[] in = new Shape[inShapes.length];
        in[0] = inShapes[0];
        Shape[] out = new Shape[op.numOutputs(attrs)];
        String ourError = null;
        try {
            op.shapeFn().infer(attrs, in, out);
        } catch (RuntimeException e) {
            ourError = CaseSource.firstLine(e.getMessage());
        }
        MXNet.InferredShapes r;
        List<String> argNames, auxNames;
        try (MXNet.Sym s = atomic(mx, n.op(), params, inShapes.length)) {
            r = s.inferShape(Map.of("in0", inShapes[0].dims()), true);
            argNames = s.arguments();
            auxNames = s.auxiliaryStates();
        } catch (MXNet.MXNetError e) {
            if (ourError != null) record("partial", n.op(), "both reject", name);
            else differ("partial", n.op(), keys, name + ": MXNet rejects (" + CaseSource.firstLine(e.getMessage()) + "), mxj infers");
            return;
        }
        if (ourError != null) {
            differ("partial", n.op(), keys, name + ": mxj rejects (" + ourError + "), MXNet infers");
            return;
        }
        List<String> diffs = new ArrayList<>();
        compareKnown("input ", argNames, r.arguments(), in, diffs);
        compareKnown("input ", auxNames, r.auxiliaryStates(), in, diffs);
        for (int k = 0; k < r.outputs().size() && r.complete(); k++) {
            long[] t = r.outputs().get(k);
            if (!legacyKnown(t)) continue;
            Shape o = out[k];
            if (o == null || !o.isKnown() || !o.equals(Shape.of(t))) diffs.add("output " + k + ": mxj " + o + " vs MXNet " + str(t));
        }
        if (diffs.isEmpty()) record("partial", n.op(), "match", name);
        else differ("partial", n.op(), keys, name + " " + params + ": " + diffs);
    }

    /**
     * Whether a shape from MXNet's C API is fully known. MXNet 1.9 runs with legacy shape semantics
     * (numpy shapes off): the API reports an unknown shape as rank 0 and an unknown dimension as 0.
     */
    static boolean legacyKnown(long[] s) {
        return s != null && s.length > 0 && Arrays.stream(s).allMatch(d -> d > 0);
    }

    /** MXNet names the composed inputs in0, in1, ...: compare each one MXNet fully knows. */
    private static void compareKnown(String what, List<String> names, List<long[]> theirs, Shape[] ours, List<String> diffs) {
        for (int k = 0; k < names.size(); k++) {
            long[] t = theirs.get(k);
            if (!legacyKnown(t) || !names.get(k).matches("in\\d+")) continue;
            int i = Integer.parseInt(names.get(k).substring(2));
            Shape o = ours[i];
            if (o == null || !o.isKnown() || !o.equals(Shape.of(t))) diffs.add(what + i + ": mxj " + o + " vs MXNet " + str(t));
        }
    }

    /** The operator composed on variables in0, in1, ... by position. */
    static MXNet.Sym atomic(MXNet mx, String op, Map<String, String> params, int nIn) {
        List<MXNet.Sym> vars = new ArrayList<>();
        try {
            for (int i = 0; i < nIn; i++) vars.add(mx.variable("in" + i));
            return mx.atomic(op, "op", params, null, vars);
        } finally {
            for (MXNet.Sym v : vars) v.close();
        }
    }

    private static void rejection(MXNet mx, CaseSource.Numbered n) {
        OpCase c = n.c();
        String name = n.name();
        CaseSource.trace("rejection " + name);
        Map<String, String> params = new LinkedHashMap<>();
        for (var e : c.params().entrySet()) params.put(e.getKey(), mxnetString(e.getValue()));
        OpDef op = OpRegistry.global().get(c.op());
        if (op.keyVarNumArgs() != null) params.putIfAbsent(op.keyVarNumArgs(), Integer.toString(c.inputs().size()));
        String ourError = null;
        try (NDScope scope = NDScope.open()) {
            NDArray[] in = c.inputs().stream().map(Bridge::toMxj).toArray(NDArray[]::new);
            for (NDArray o : Imperative.invoke(c.op(), in, c.params(), null)) o.waitToRead();
        } catch (RuntimeException e) {
            ourError = CaseSource.firstLine(e.getMessage());
        }
        String crash = CaseSource.crashesMXNet(c.op(), params, false, false);
        if (crash != null) {
            record("rejection", c.op(), "not comparable", name + ": not run, " + crash);
            return;
        }
        // MXNet is asked through symbol creation and shape/type inference first, and runs the kernel only
        // when those accept (value-dependent errors): kernels of MXNet run on invalid input can corrupt memory.
        String theirError = null;
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, Integer> types = new LinkedHashMap<>();
        for (int i = 0; i < c.inputs().size(); i++) {
            shapes.put("in" + i, c.inputs().get(i).shape().dims());
            types.put("in" + i, c.inputs().get(i).dtype().flag());
        }
        try (MXNet.Sym s = atomic(mx, c.op(), params, c.inputs().size())) {
            s.inferShape(shapes, false);
            s.inferType(types);
        } catch (MXNet.MXNetError e) {
            theirError = CaseSource.firstLine(e.getMessage());
        }
        List<MXNet.Array> ins = new ArrayList<>();
        try {
            if (theirError == null) {
                for (HostArray h : c.inputs()) ins.add(Bridge.toMx(mx, h));
                for (MXNet.Array o : mx.invoke(c.op(), ins, params)) o.close();
                mx.waitAll();
            }
        } catch (MXNet.MXNetError e) {
            theirError = CaseSource.firstLine(e.getMessage());
        } finally {
            for (MXNet.Array a : ins) a.close();
        }
        if (ourError != null && theirError != null) {
            record("rejection", c.op(), "both reject", name);
            return;
        }
        String detail = name + " " + params + ": " + (ourError == null ? "mxj accepts a case the catalogue expects it to reject"
                + (theirError == null ? " (so does MXNet)" : "") : "mxj rejects (" + ourError + "), MXNet accepts");
        List<String> keys = new ArrayList<>(List.of(c.op() + "!" + n.number(), c.op() + "!"));
        if (ourError != null && ourError.contains("unknown parameter") && theirError == null) keys.add("*!unknown-parameter");
        differ("rejection", c.op(), keys, detail);
    }

    /** A catalogue parameter in MXNet's string form (error cases hold invalid values, so mxj's parser cannot be asked). */
    private static String mxnetString(Object v) {
        if (v instanceof long[] a) return tuple(Arrays.stream(a).mapToObj(Long::toString).toList());
        if (v instanceof int[] a) return tuple(Arrays.stream(a).mapToObj(Integer::toString).toList());
        if (v instanceof double[] a) return tuple(Arrays.stream(a).mapToObj(Double::toString).toList());
        if (v instanceof Boolean b) return b ? "True" : "False";
        return String.valueOf(v);
    }

    private static String tuple(List<String> parts) {
        return "(" + String.join(", ", parts) + (parts.size() == 1 ? ",)" : ")");
    }

    @AfterAll
    static void report() throws IOException {
        if (!ran) return;
        StringBuilder r = new StringBuilder("Shape-inference and rejection parity with MXNet 1.9.1\n\n");
        for (var e : BY_STATUS.entrySet()) r.append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        Set<String> stale = ALLOWED.stale();
        if (!stale.isEmpty()) r.append("stale allow-list entries: ").append(stale).append('\n');
        r.append("\nnot matching:\n");
        for (String d : DETAILS) r.append("  ").append(d).append('\n');
        Path out = Path.of("target", "parity-shapes.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, r.toString());
        System.out.println(r);
        ParitySummary.put("shape", headline("shape") + "; from the first input alone: " + headline("partial"));
        ParitySummary.put("rejection", headline("rejection"));
        if (!stale.isEmpty()) throw new AssertionError("stale entries in shape-divergences.txt: " + stale);
    }

    private static String headline(String section) {
        Map<String, Integer> m = BY_STATUS.getOrDefault(section, Map.of());
        int matched = m.getOrDefault("match", 0) + m.getOrDefault("both reject", 0);
        int allowed = m.getOrDefault("allowed divergence", 0), bad = m.getOrDefault("MISMATCH", 0);
        return String.format("%d of %d match (%d allow-listed, %d MISMATCH, %d not comparable)", matched, matched + allowed + bad,
                allowed, bad, m.getOrDefault("not comparable", 0));
    }
}
