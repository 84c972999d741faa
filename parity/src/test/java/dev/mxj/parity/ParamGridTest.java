package dev.mxj.parity;

import dev.mxj.device.conformance.OpCase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Parameter grids derived from MXNet 1.9.1's own parameter declarations
 * ({@code MXSymbolGetAtomicSymbolInfo}): for every operator both registries have, each optional
 * parameter MXNet declares as an enum (every choice), a boolean (both values) or a small int
 * (default &plusmn; 1, within its declared range) is varied, one at a time, on the operator's
 * comparable forward cases of the catalogue (at most {@link #BASES} of them, so its shapes and
 * dtypes), and the call compared as in {@link OperatorParityTest} ({@link ForwardRun}). A setting
 * both reject counts as matched. Differences fail unless {@code grid-divergences.txt} lists them
 * (keys {@code op[param=value]#i}, {@code op[param=value]}, {@code op[param]}, {@code op#i} for
 * every setting on base case i, {@code op}); stale entries fail. Writes {@code target/parity-grid.txt} with the matched settings per operator.
 */
class ParamGridTest {
    /** Base cases per operator the grid is crossed with. */
    static final int BASES = 3;

    private static final AllowList ALLOWED = AllowList.load("grid-divergences.txt");
    private static final Map<String, int[]> PER_OP = new TreeMap<>();    // op -> {matched, settings}
    private static final Map<String, Integer> BY_STATUS = new TreeMap<>();
    private static final List<String> DETAILS = new ArrayList<>();
    private static boolean ran;

    /** One value of one parameter to try. */
    record Setting(String param, String value) {}

    private static final Pattern QUOTED = Pattern.compile("'([^']*)'");
    private static final Pattern INT = Pattern.compile("^(int|long)( \\(non-negative\\))?, optional, default='?(-?\\d+)'?");

    /**
     * The values to try for a parameter from MXNet's type description ({@code "{'avg', 'max'},optional,
     * default='max'"}, {@code "boolean, optional, default=0"}, {@code "int, optional, default='1'"}); none
     * for required parameters and other types.
     */
    static List<String> values(String type) {
        List<String> v = new ArrayList<>();
        if (type.contains("required")) return v;
        if (type.startsWith("{")) {
            Matcher m = QUOTED.matcher(type.substring(0, type.indexOf('}') + 1));
            while (m.find()) v.add(m.group(1));
        } else if (type.startsWith("boolean,")) {
            v.add("True");
            v.add("False");
        } else {
            Matcher m = INT.matcher(type);
            if (m.find()) {
                long d = Long.parseLong(m.group(3));
                boolean nonNegative = m.group(2) != null;
                if (Math.abs(d) <= 4) {
                    for (long x : new long[] {d - 1, d + 1}) if (!nonNegative || x >= 0) v.add(Long.toString(x));
                }
            }
        }
        return v;
    }

    /** The settings of an operator, from its MXNet declaration. */
    static List<Setting> settings(MXNet.OpInfo info, String keyVarNumArgs) {
        List<Setting> s = new ArrayList<>();
        for (int i = 0; i < info.argNames().size(); i++) {
            String name = info.argNames().get(i), type = info.argTypes().get(i);
            if (type.startsWith("NDArray") || type.startsWith("Symbol") || name.equals(keyVarNumArgs) || name.equals("ctx")) continue;
            for (String v : values(type)) s.add(new Setting(name, v));
        }
        return s;
    }

    @TestFactory
    Stream<DynamicTest> parameterSettingsMatchMXNet() {
        MXNet mx = Bridge.mxnetOrNull();
        if (mx == null) return Bridge.unavailable();
        ran = true;
        Set<String> names = new TreeSet<>(mx.allOpNames());
        Map<MemorySegment, MXNet.OpInfo> byHandle = new HashMap<>();
        for (MXNet.OpInfo info : mx.operators()) byHandle.put(mx.opHandle(info.name()), info);
        Map<String, Integer> bases = new HashMap<>();
        List<DynamicTest> tests = new ArrayList<>();
        for (CaseSource.Numbered n : CaseSource.forward()) {
            OpCase c = n.c();
            if (!names.contains(c.op()) || c.customCheck() != null || c.isTrain() || !CaseSource.legacyShapesOk(c.inputs())) continue;
            if (bases.merge(c.op(), 1, Integer::sum) > BASES) continue;
            MXNet.OpInfo info = byHandle.get(mx.opHandle(c.op()));
            Map<String, String> base = CaseSource.mxnetParams(c.op(), c.params(), c.inputs().size());
            String keyVar = dev.mxj.op.OpRegistry.global().get(c.op()).keyVarNumArgs();
            for (Setting s : settings(info, keyVar)) {
                if (s.value().equals(base.get(s.param()))) continue;
                String name = c.op() + "[" + s.param() + "=" + s.value() + "] on #" + n.number();
                tests.add(DynamicTest.dynamicTest(name, () -> run(mx, n, s, base, name)));
            }
        }
        return tests.stream();
    }

    private static synchronized void record(String op, String status, String detail) {
        BY_STATUS.merge(status, 1, Integer::sum);
        int[] c = PER_OP.computeIfAbsent(op, k -> new int[2]);
        c[1]++;
        if (status.equals("match") || status.equals("both reject")) c[0]++;
        if (!status.equals("match") && !status.equals("both reject")) DETAILS.add("[" + status + "] " + detail);
    }

    private static void run(MXNet mx, CaseSource.Numbered n, Setting s, Map<String, String> base, String name) {
        OpCase c = n.c();
        CaseSource.trace("grid " + name);
        Map<String, String> theirs = new LinkedHashMap<>(base);
        theirs.put(s.param(), s.value());
        Map<String, Object> ours = new LinkedHashMap<>(c.params());
        ours.put(s.param(), s.value());
        String crash = CaseSource.crashesMXNet(c.op(), theirs, false, false);
        if (crash != null) {
            record(c.op(), "not comparable", name + ": not run, " + crash);
            return;
        }
        if (s.param().equals("mode") && s.value().equals("always") && c.op().matches("Dropout|_npx_dropout")) {
            record(c.op(), "not comparable", name + ": draws a random mask (compared by distribution in RandomParityTest)");
            return;
        }
        ForwardRun.Verdict v = ForwardRun.run(mx, c.op(), c.inputs(), ours, theirs);
        if (!v.status().equals("differ")) {
            record(c.op(), v.status(), name + (v.detail() == null ? "" : ": " + v.detail()));
            return;
        }
        String setting = c.op() + "[" + s.param() + "=" + s.value() + "]";
        ALLOWED.judge(List.of(setting + "#" + n.number(), setting, c.op() + "[" + s.param() + "]", c.op() + "#" + n.number(), c.op()),
                name + " " + theirs + ": " + v.detail(), (status, d) -> record(c.op(), status, d));
    }

    @AfterAll
    static void report() throws IOException {
        if (!ran) return;
        int matched = BY_STATUS.getOrDefault("match", 0) + BY_STATUS.getOrDefault("both reject", 0);
        int allowed = BY_STATUS.getOrDefault("allowed divergence", 0), bad = BY_STATUS.getOrDefault("MISMATCH", 0);
        long opsAll = PER_OP.values().stream().filter(v -> v[0] == v[1]).count();
        StringBuilder r = new StringBuilder("Parameter grids from MXNet 1.9.1's declarations (enums, booleans, small ints; one parameter at a time)\n\n");
        r.append("settings by outcome: ").append(BY_STATUS).append('\n');
        r.append("operators: ").append(PER_OP.size()).append(", every setting matching: ").append(opsAll).append('\n');
        Set<String> stale = ALLOWED.stale();
        if (!stale.isEmpty()) r.append("stale allow-list entries: ").append(stale).append('\n');
        r.append("\nper operator: matched/settings\n");
        for (var e : PER_OP.entrySet()) r.append(String.format("  %-28s %d/%d%n", e.getKey(), e.getValue()[0], e.getValue()[1]));
        r.append("\nsettings not matching:\n");
        for (String d : DETAILS) r.append("  ").append(d).append('\n');
        Path out = Path.of("target", "parity-grid.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, r.toString());
        ParitySummary.put("grid", String.format("%d of %d settings match (%d allow-listed, %d MISMATCH, %d not comparable); "
                        + "%d of %d operators match in every setting", matched, matched + allowed + bad, allowed, bad,
                BY_STATUS.getOrDefault("not comparable", 0), opsAll, PER_OP.size()));
        Map<String, int[]> copy = new TreeMap<>();
        PER_OP.forEach((k, v) -> copy.put(k, v.clone()));
        ParitySummary.gridCounts(copy);
        if (!stale.isEmpty()) throw new AssertionError("stale entries in grid-divergences.txt: " + stale);
    }
}
