package dev.mxj.parity;

import dev.mxj.op.OpRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MXNet 1.9.1's operator catalogue against mxj's registry. An MXNet operator counts as implemented
 * when mxj registers its name or any of its aliases (aliases are found as the names NNVM resolves to
 * the same operator handle). Prints the counts and writes {@code target/parity-coverage.txt}:
 * implemented operators (count and %, with and without MXNet's {@code _backward_*} operators) and the
 * missing ones grouped by name prefix.
 */
class CatalogueTest {
    private static final List<String> FAMILIES = List.of("_backward_", "_contrib_", "_image_", "_linalg_", "_npi_", "_np_",
            "_npx_", "_random_", "_sample_", "_sparse_", "_sg_", "_mp_", "_multi_", "_rnn_", "amp_", "broadcast_", "linalg_",
            "random_", "sample_", "elemwise_", "mp_", "multi_");

    /** The family of an operator: a known name prefix ({@code _contrib_}, {@code _npi_}, ...), else "(other)". */
    static String family(String name) {
        for (String f : FAMILIES) if (name.startsWith(f)) return f;
        return "(other)";
    }

    @Test
    void catalogue() throws IOException {
        MXNet mx = Bridge.mxnet();
        List<MXNet.OpInfo> ops = mx.operators();
        List<String> allNames = mx.allOpNames();
        assertTrue(ops.size() > 300, "MXNet 1.9.1 lists " + ops.size() + " operators");

        // Group every MXNet name (aliases included) by operator handle; the creator's name is the canonical one.
        Map<MemorySegment, String> canonicalByHandle = new LinkedHashMap<>();
        Map<String, Set<String>> namesOf = new TreeMap<>();
        for (MXNet.OpInfo op : ops) namesOf.put(op.name(), new TreeSet<>(List.of(op.name())));
        for (String n : allNames) {
            MemorySegment h = mx.opHandle(n);
            String canon = canonicalByHandle.get(h);
            if (canon == null) {
                // the first name seen for a handle may be an alias: find the creator with that handle
                for (MXNet.OpInfo op : ops) if (mx.opHandle(op.name()).equals(h)) { canon = op.name(); break; }
                if (canon == null) canon = n;
                canonicalByHandle.put(h, canon);
                namesOf.computeIfAbsent(canon, k -> new TreeSet<>());
            }
            namesOf.get(canon).add(n);
        }
        OpRegistry reg = OpRegistry.global();
        Set<String> mxjNames = new TreeSet<>(reg.allNames());
        Set<String> mxnetNames = new TreeSet<>(allNames);

        List<String> both = new ArrayList<>(), onlyMxnet = new ArrayList<>();
        for (var e : namesOf.entrySet()) {
            boolean has = e.getValue().stream().anyMatch(mxjNames::contains);
            (has ? both : onlyMxnet).add(e.getKey());
        }
        List<String> onlyMxj = new ArrayList<>();
        for (var op : reg.list()) {
            boolean known = mxnetNames.contains(op.name()) || op.aliases().stream().anyMatch(mxnetNames::contains);
            if (!known) onlyMxj.add(op.name());
        }
        long fwdTotal = namesOf.keySet().stream().filter(n -> !n.startsWith("_backward")).count();
        long fwdBoth = both.stream().filter(n -> !n.startsWith("_backward")).count();

        StringBuilder r = new StringBuilder();
        r.append("MXNet (MXGetVersion ").append(mx.version()).append(") operator catalogue vs mxj\n\n");
        r.append(String.format("MXNet operators: %d (%d names with aliases); mxj operators: %d (%d names with aliases)%n",
                namesOf.size(), mxnetNames.size(), reg.size(), mxjNames.size()));
        r.append(String.format("in both: %d of %d = %.1f%%  (without MXNet's _backward_* operators: %d of %d = %.1f%%)%n",
                both.size(), namesOf.size(), 100.0 * both.size() / namesOf.size(), fwdBoth, fwdTotal, 100.0 * fwdBoth / fwdTotal));
        r.append("only MXNet: ").append(onlyMxnet.size()).append("\nonly mxj: ").append(onlyMxj.size()).append(' ').append(onlyMxj).append("\n\n");
        Map<String, List<String>> missing = new TreeMap<>();
        for (String n : onlyMxnet) missing.computeIfAbsent(family(n), k -> new ArrayList<>()).add(n);
        Map<String, int[]> famTotals = new TreeMap<>();
        for (String n : namesOf.keySet()) famTotals.computeIfAbsent(family(n), k -> new int[2])[0]++;
        for (String n : both) famTotals.get(family(n))[1]++;
        r.append("family: implemented/total\n");
        for (var e : famTotals.entrySet()) r.append(String.format("  %-16s %4d/%d%n", e.getKey(), e.getValue()[1], e.getValue()[0]));
        r.append("\nmissing, by family:\n");
        for (var e : missing.entrySet()) r.append("  ").append(e.getKey()).append(" (").append(e.getValue().size()).append("): ")
                .append(String.join(", ", e.getValue())).append('\n');
        ParitySummary.put("coverage", String.format("mxj implements %d of %d MXNet operators (%.1f%%); without _backward_*: %d of %d (%.1f%%)",
                both.size(), namesOf.size(), 100.0 * both.size() / namesOf.size(), fwdBoth, fwdTotal, 100.0 * fwdBoth / fwdTotal));
        String report = r.toString();
        System.out.println(report);
        Path out = Path.of("target", "parity-coverage.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        assertTrue(!both.isEmpty());
    }
}
