package dev.mxj.parity;

import dev.mxj.device.conformance.OpCase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Runs every forward case of the conformance catalogue whose operator MXNet has through both mxj
 * and MXNet 1.9.1 ({@link ForwardRun}, MXNet getting the parameters in its string form) on the same
 * inputs, and compares the outputs: shape, dtype and values (float32/float64 rtol 1e-4, atol 1e-5; float16
 * rtol 1e-2, atol 1e-3; integers and bool exactly; NaN matches NaN). Training-mode cases run in
 * training mode on both sides; those whose values depend on a random mask are not comparable here. A difference fails the case
 * unless the operator is listed in {@code divergences.txt} with a reason. Cases MXNet's legacy
 * shape semantics cannot express (rank 0, a zero-length dimension) are counted as not comparable.
 * Writes {@code target/parity-operators.txt}.
 */
class OperatorParityTest {
    record Outcome(String op, String status, String detail) {}

    private static final AllowList ALLOWED = AllowList.load("divergences.txt");
    private static final List<Outcome> OUTCOMES = new ArrayList<>();
    private static final Set<String> DIVERGED = new TreeSet<>();

    @TestFactory
    Stream<DynamicTest> forwardCasesMatchMXNet() {
        MXNet mx = Bridge.mxnetOrNull();
        if (mx == null) return Bridge.unavailable();
        mx.seed(0);
        Set<String> mxnetNames = new TreeSet<>(mx.allOpNames());
        List<DynamicTest> tests = new ArrayList<>();
        for (CaseSource.Numbered n : CaseSource.forward()) {
            OpCase c = n.c();
            String name = n.name();
            if (!mxnetNames.contains(c.op())) {
                record(c.op(), "not in MXNet", "");
                continue;
            }
            if (c.customCheck() != null) {
                record(c.op(), "not comparable", name + ": checked by statistics in the catalogue (random)");
                continue;
            }
            tests.add(DynamicTest.dynamicTest(name, () -> compare(mx, n)));
        }
        return tests.stream();
    }

    private static synchronized void record(String op, String status, String detail) {
        OUTCOMES.add(new Outcome(op, status, detail));
    }

    private static void compare(MXNet mx, CaseSource.Numbered n) {
        OpCase c = n.c();
        String name = n.name();
        if (!CaseSource.legacyShapesOk(c.inputs())) {
            record(c.op(), "not comparable", name + ": rank-0 or zero-size input (MXNet legacy shapes)");
            return;
        }
        String internal = CaseSource.internalBackward(c);
        if (internal != null) {
            record(c.op(), "not comparable", name + ": " + internal);
            return;
        }
        Map<String, String> strings = CaseSource.mxnetParams(c.op(), c.params(), c.inputs().size());

        dev.mxj.op.OpDef def = dev.mxj.op.OpRegistry.global().get(c.op());
        if (c.isTrain() && c.expected().isEmpty() && def.resources(def.parseAttrs(strings)).stream().anyMatch(r -> r.name().contains("RANDOM"))) {
            record(c.op(), "not comparable", name + ": training mode draws a random mask (values differ by design; see RandomParityTest)");
            return;
        }
        String crash = CaseSource.crashesMXNet(c.op(), strings, false, c.isTrain());
        if (crash != null) {
            record(c.op(), "not comparable", name + ": not run, " + crash);
            return;
        }
        ForwardRun.Verdict v = ForwardRun.run(mx, c.op(), c.inputs(), c.params(), strings, c.isTrain());
        if (v.status().equals("not comparable") || v.status().equals("match") || v.status().equals("both reject")) {
            record(c.op(), v.status(), v.status().equals("not comparable") ? name + ": " + v.detail() : name);
            return;
        }
        String diff = v.detail();
        String detail = name + " MXNet params " + strings + ": " + diff;
        synchronized (OperatorParityTest.class) { DIVERGED.add(c.op()); }
        ALLOWED.judge(List.of(c.op() + "#" + n.number(), c.op()), detail, (status, d) -> record(c.op(), status, d));
    }

    @AfterAll
    static void report() throws IOException {
        if (OUTCOMES.isEmpty()) return;
        Map<String, Integer> byStatus = new TreeMap<>();
        Map<String, int[]> perOp = new TreeMap<>();
        for (Outcome o : OUTCOMES) {
            byStatus.merge(o.status(), 1, Integer::sum);
            int[] n = perOp.computeIfAbsent(o.op(), k -> new int[2]);
            n[1]++;
            if (o.status().equals("match") || o.status().equals("both reject")) n[0]++;
        }
        long opsAllMatch = perOp.entrySet().stream().filter(e -> e.getValue()[0] == e.getValue()[1]).count();
        long opsCompared = perOp.keySet().stream().filter(op -> OUTCOMES.stream().anyMatch(o -> o.op().equals(op)
                && !o.status().equals("not in MXNet") && !o.status().equals("not comparable"))).count();
        StringBuilder r = new StringBuilder("Operator parity with MXNet 1.9.1 (forward cases of the conformance catalogue)\n\n");
        r.append("cases by outcome: ").append(byStatus).append('\n');
        r.append("operators compared: ").append(opsCompared).append(", all cases matching: ").append(opsAllMatch)
                .append(", diverging: ").append(DIVERGED.size()).append(' ').append(DIVERGED).append('\n');
        Set<String> stale = ALLOWED.stale();
        if (!stale.isEmpty()) r.append("allow-list entries that no longer diverge (stale): ").append(stale).append('\n');
        r.append("\nper operator: matched/cases\n");
        for (var e : perOp.entrySet()) r.append(String.format("  %-28s %d/%d%n", e.getKey(), e.getValue()[0], e.getValue()[1]));
        r.append("\ncases not matching or not compared:\n");
        for (Outcome o : OUTCOMES) if (!o.status().equals("match") && !o.status().equals("both reject"))
            r.append("  [").append(o.status()).append("] ").append(o.op()).append(' ').append(o.detail()).append('\n');
        System.out.println(r);
        Path out = Path.of("target", "parity-operators.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, r.toString());
        int matched = byStatus.getOrDefault("match", 0) + byStatus.getOrDefault("both reject", 0);
        int allowed = byStatus.getOrDefault("allowed divergence", 0), mismatched = byStatus.getOrDefault("MISMATCH", 0);
        ParitySummary.put("forward", String.format("%d of %d compared cases match (%d allow-listed, %d MISMATCH, %d not comparable); "
                        + "%d of %d operators match in every case", matched, matched + allowed + mismatched, allowed, mismatched,
                byStatus.getOrDefault("not comparable", 0), opsAllMatch, opsCompared));
        if (!stale.isEmpty()) throw new AssertionError("stale entries in divergences.txt (they cover no differing case): " + stale);
    }
}
