package dev.mxj.parity;

import dev.mxj.Context;
import dev.mxj.autograd.Autograd;
import dev.mxj.autograd.GradReq;
import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.op.Attrs;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Gradient parity: the same operator call recorded by MXNet 1.9.1's autograd
 * ({@code MXAutogradMarkVariables}, {@code MXAutogradSetIsRecording}, {@code MXAutogradBackwardEx})
 * and by mxj's ({@link Autograd}), back-propagated from every visible output under the same random
 * head gradient (uniform in [-1, 1); zeros for integer outputs), and the input gradients compared
 * (float32/float64 rtol 1e-4, atol 1e-5; float16 rtol 1e-2, atol 1e-3), and so are the inputs
 * the operator mutates (BatchNorm's moving averages) after forward and backward.
 *
 * <p>Cases: every conformance case with a gradient check whose operator both registries have,
 * and for a differentiable shared operator without one, its first forward case with a float
 * input. Variables are the floating inputs the case does not exclude from its gradient check,
 * that the operator does not mutate and that are not a {@code label} (MXNet refuses gradients
 * with respect to some labels, e.g. softmax_cross_entropy's). Training-mode cases of operators
 * drawing random masks (Dropout, RNN with p &gt; 0) are not comparable by value. Differences fail unless {@code gradient-divergences.txt}
 * documents them ({@code op} or {@code op#i,j}, numbered as in {@code target/parity-gradients.txt});
 * stale entries fail too.
 */
class GradientParityTest {
    private static final AllowList ALLOWED = AllowList.load("gradient-divergences.txt");
    private static final Map<String, int[]> PER_OP = new TreeMap<>();     // op -> {matched, compared}
    private static final Map<String, Integer> BY_STATUS = new TreeMap<>();
    private static final List<String> DETAILS = new ArrayList<>();
    private static boolean ran;
    private static final Set<String> UNCOVERED = new TreeSet<>();

    /** The cases to differentiate, numbered as {@link CaseSource#forward()} numbers them. */
    static List<CaseSource.Numbered> gradientCases(Set<String> mxnetNames) {
        List<CaseSource.Numbered> all = CaseSource.forward(), chosen = new ArrayList<>();
        Set<String> covered = new HashSet<>();
        for (CaseSource.Numbered n : all) {
            if (n.c().isGradCheck() && usable(n, mxnetNames)) { chosen.add(n); covered.add(n.op()); }
        }
        for (CaseSource.Numbered n : all) {
            OpDef op = OpRegistry.global().get(n.op());
            if (covered.contains(n.op()) || !op.isDifferentiable() || !usable(n, mxnetNames)) continue;
            if (n.c().inputs().stream().anyMatch(h -> h.dtype().isFloating())) { chosen.add(n); covered.add(n.op()); }
        }
        return chosen;
    }

    private static boolean usable(CaseSource.Numbered n, Set<String> mxnetNames) {
        OpCase c = n.c();
        return mxnetNames.contains(c.op()) && c.customCheck() == null && CaseSource.legacyShapesOk(c.inputs());
    }

    @TestFactory
    Stream<DynamicTest> inputGradientsMatchMXNet() {
        MXNet mx = Bridge.mxnetOrNull();
        if (mx == null) return Bridge.unavailable();
        ran = true;
        Set<String> mxnetNames = new TreeSet<>(mx.allOpNames());
        // differentiable operators both have (by mxj name or alias) that no comparable case exercises
        Set<String> covered = new TreeSet<>();
        for (CaseSource.Numbered n : gradientCases(mxnetNames)) covered.add(OpRegistry.global().get(n.op()).name());
        for (OpDef op : OpRegistry.global().list()) {
            boolean shared = mxnetNames.contains(op.name()) || op.aliases().stream().anyMatch(mxnetNames::contains);
            if (shared && op.isDifferentiable() && op.backwardOf() == null && !covered.contains(op.name())) UNCOVERED.add(op.name());
        }
        return gradientCases(mxnetNames).stream().map(n -> DynamicTest.dynamicTest(n.name(), () -> compare(mx, n)));
    }

    private static synchronized void record(String op, String status, String detail) {
        BY_STATUS.merge(status, 1, Integer::sum);
        int[] c = PER_OP.computeIfAbsent(op, k -> new int[2]);
        c[1]++;
        if (status.equals("match") || status.equals("both reject")) c[0]++;
        if (!status.equals("match")) DETAILS.add("[" + status + "] " + detail);
    }

    private static void compare(MXNet mx, CaseSource.Numbered n) {
        OpCase c = n.c();
        CaseSource.trace("gradient " + n.name());
        String internal = CaseSource.internalBackward(c);
        if (internal != null) {
            record(c.op(), "not comparable", n.name() + ": " + internal);
            return;
        }
        OpDef op = OpRegistry.global().get(c.op());
        Map<String, String> params = CaseSource.mxnetParams(c.op(), c.params(), c.inputs().size());
        Attrs attrs = op.parseAttrs(params);
        Set<Integer> mutated = new HashSet<>();
        List<Integer> mutatedInOrder = new ArrayList<>();
        for (int m : op.mutateInputs(attrs)) if (mutated.add(m)) mutatedInOrder.add(m);
        boolean[] variable = new boolean[c.inputs().size()];
        boolean any = false;
        List<String> inputNames = op.inputNames(attrs);
        for (int i = 0; i < variable.length; i++) {
            variable[i] = c.inputs().get(i).dtype().isFloating() && !c.noGrad().contains(i) && !mutated.contains(i)
                    && !inputNames.get(i).equals("label");
            any |= variable[i];
        }
        if (!any) {
            record(c.op(), "not comparable", n.name() + ": no differentiable input");
            return;
        }
        if (c.isTrain() && op.resources(attrs).stream().anyMatch(r -> r.name().contains("RANDOM"))) {
            record(c.op(), "not comparable", n.name() + ": training mode draws a random mask (values differ by design)");
            return;
        }
        String crash = CaseSource.crashesMXNet(c.op(), params, true, c.isTrain());
        if (crash != null) {
            record(c.op(), "not comparable", n.name() + ": not run, " + crash);
            return;
        }

        // mxj: forward recorded, heads drawn from its outputs' shapes and dtypes
        List<HostArray> heads = new ArrayList<>(), ours = new ArrayList<>();
        String ourError = null;
        try (NDScope scope = NDScope.open()) {
            NDArray[] in = c.inputs().stream().map(Bridge::toMxj).toArray(NDArray[]::new);
            List<NDArray> vars = new ArrayList<>(), grads = new ArrayList<>();
            List<GradReq> reqs = new ArrayList<>();
            for (int i = 0; i < in.length; i++) {
                if (!variable[i]) continue;
                vars.add(in[i]);
                grads.add(NDArray.zeros(in[i].shape(), in[i].dtype(), Context.cpu()));
                reqs.add(GradReq.WRITE);
            }
            Autograd.markVariables(vars, grads, reqs);
            NDArray[] out;
            try (Autograd.Scope s = Autograd.record(c.isTrain())) {
                out = Imperative.invoke(c.op(), in, c.params(), null);
            }
            SplittableRandom rng = new SplittableRandom(n.name().hashCode());
            List<NDArray> headArrays = new ArrayList<>();
            for (NDArray o : out) {
                HostArray h = o.dtype().isFloating() ? HostArray.random(o.shape(), o.dtype(), -1, 1, rng)
                        : HostArray.of(o.shape(), o.dtype(), new double[(int) o.shape().size()]);
                heads.add(h);
                headArrays.add(Bridge.toMxj(h));
            }
            Autograd.backward(List.of(out), headArrays, false, c.isTrain());
            for (NDArray g : grads) ours.add(Bridge.fromMxj(g));
            for (int m : mutatedInOrder) ours.add(Bridge.fromMxj(in[m]));   // states after forward and backward
        } catch (RuntimeException e) {
            ourError = e.toString();
        }

        List<HostArray> theirs = new ArrayList<>();
        String theirError = null;
        List<MXNet.Array> ins = new ArrayList<>();
        try {
            for (HostArray h : c.inputs()) ins.add(Bridge.toMx(mx, h));
            boolean mxjFailed = ourError != null;
            MXNet.Gradients g = mx.recordAndBackward(c.op(), ins, params, variable, c.isTrain(), outs -> {
                if (mxjFailed) {
                    // draw the heads from MXNet's outputs, to learn whether MXNet's backward succeeds
                    SplittableRandom rng = new SplittableRandom(n.name().hashCode());
                    for (MXNet.Array o : outs) {
                        HostArray h = Bridge.fromMx(o);
                        heads.add(h.dtype().isFloating() ? HostArray.random(h.shape(), h.dtype(), -1, 1, rng)
                                : HostArray.of(h.shape(), h.dtype(), new double[h.data().length]));
                    }
                } else if (outs.size() != heads.size()) {
                    throw new MXNet.MXNetError("MXNet gives " + outs.size() + " outputs, mxj " + heads.size());
                }
                List<MXNet.Array> hs = new ArrayList<>();
                for (HostArray h : heads) hs.add(Bridge.toMx(mx, h));
                return hs;
            });
            for (MXNet.Array o : g.outputs()) o.close();
            for (MXNet.Array a : g.grads()) {
                if (a == null) continue;
                try (a) { theirs.add(Bridge.fromMx(a)); }
            }
            for (int m : mutatedInOrder) theirs.add(Bridge.fromMx(ins.get(m)));
        } catch (MXNet.MXNetError e) {
            theirError = CaseSource.firstLine(e.getMessage());
        } finally {
            for (MXNet.Array a : ins) a.close();
        }

        String diff = null;
        if (ourError != null && theirError != null) diff = null;
        else if (ourError != null) diff = "mxj fails (" + ourError + "), MXNet succeeds";
        else if (theirError != null) diff = "MXNet fails (" + theirError + "), mxj succeeds";
        else {
            int k = 0;
            for (int i = 0; i < variable.length && diff == null; i++) {
                if (!variable[i]) continue;
                diff = CaseSource.diff("gradient of input " + i + " (" + op.inputNames(attrs).get(i) + ")", ours.get(k), theirs.get(k));
                k++;
            }
            for (int i = 0; i < mutatedInOrder.size() && diff == null; i++, k++) {
                int m = mutatedInOrder.get(i);
                diff = CaseSource.diff("input " + m + " (" + op.inputNames(attrs).get(m) + ") after forward and backward", ours.get(k), theirs.get(k));
            }
        }
        if (diff == null) {
            record(c.op(), ourError != null ? "both reject" : "match", n.name());
            return;
        }
        String detail = n.name() + " MXNet params " + params + ": " + diff;
        ALLOWED.judge(List.of(c.op() + "#" + n.number(), c.op()), detail, (status, d) -> record(c.op(), status, d));
    }

    @AfterAll
    static void report() throws IOException {
        if (!ran) return;
        int matched = BY_STATUS.getOrDefault("match", 0) + BY_STATUS.getOrDefault("both reject", 0);
        int allowed = BY_STATUS.getOrDefault("allowed divergence", 0), mismatched = BY_STATUS.getOrDefault("MISMATCH", 0);
        long opsAll = PER_OP.values().stream().filter(v -> v[0] == v[1]).count();
        StringBuilder r = new StringBuilder("Gradient parity with MXNet 1.9.1 (autograd, random head gradients)\n\n");
        r.append("cases by outcome: ").append(BY_STATUS).append('\n');
        r.append("operators: ").append(PER_OP.size()).append(", all cases matching: ").append(opsAll).append('\n');
        r.append("differentiable operators both have that no comparable catalogue case exercises: ").append(UNCOVERED.size()).append(' ')
                .append(UNCOVERED).append('\n');
        Set<String> stale = ALLOWED.stale();
        if (!stale.isEmpty()) r.append("stale allow-list entries: ").append(stale).append('\n');
        r.append("\nper operator: matched/cases\n");
        for (var e : PER_OP.entrySet()) r.append(String.format("  %-28s %d/%d%n", e.getKey(), e.getValue()[0], e.getValue()[1]));
        r.append("\ncases not matching:\n");
        for (String d : DETAILS) r.append("  ").append(d).append('\n');
        Path out = Path.of("target", "parity-gradients.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, r.toString());
        System.out.println(r);
        ParitySummary.put("gradient", String.format("%d of %d cases match (%d allow-listed, %d MISMATCH, %d not comparable); "
                        + "%d of %d differentiable operators match in every case (%d more have no comparable case)", matched,
                matched + allowed + mismatched, allowed, mismatched, BY_STATUS.getOrDefault("not comparable", 0), opsAll, PER_OP.size(),
                UNCOVERED.size()));
        if (!stale.isEmpty()) throw new AssertionError("stale entries in gradient-divergences.txt: " + stale);
    }
}
