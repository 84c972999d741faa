package dev.mxj.parity;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The headline of a parity run: each suite puts its line here, and at the end of the test plan
 * (this class is a JUnit Platform listener, registered in {@code META-INF/services}) the lines are
 * printed as one block and written to {@code target/parity-summary.txt}. Suites that did not run
 * (a {@code -Dtest} filter, MXNet unavailable) say so instead of leaving a stale number.
 */
public final class ParitySummary implements TestExecutionListener {
    /** The sections in print order, with what each covers. */
    private static final List<String[]> SECTIONS = List.of(
            new String[] {"coverage", "catalogue coverage"},
            new String[] {"forward", "forward cases"},
            new String[] {"gradient", "gradient cases"},
            new String[] {"shape", "shape inference"},
            new String[] {"rejection", "rejection cases"},
            new String[] {"grid", "parameter grid"},
            new String[] {"random", "random operators"},
            new String[] {"symbol", "symbol JSON"},
            new String[] {"params", ".params files"},
            new String[] {"checkpoints", "checkpoints"});

    private static final Map<String, String> LINES = new TreeMap<>();
    private static volatile String skipped;

    /** Records the headline line of a section (one of {@link #SECTIONS}). */
    static synchronized void put(String section, String line) {
        if (SECTIONS.stream().noneMatch(s -> s[0].equals(section))) throw new IllegalArgumentException("unknown summary section " + section);
        LINES.put(section, line);
    }

    static void skipped(String why) { skipped = why; }

    private static Map<String, int[]> gridCounts;

    /**
     * Matched/total parameter settings per operator (from {@link ParamGridTest}); appended at the end
     * of the run to {@code target/parity-coverage.txt}, the coverage report.
     */
    static synchronized void gridCounts(Map<String, int[]> perOp) { gridCounts = perOp; }

    /** The block as printed. */
    static synchronized String render() {
        StringBuilder b = new StringBuilder("==== mxj parity with Apache MXNet 1.9.1 ====\n");
        if (skipped != null && LINES.isEmpty()) return b.append("SKIPPED: ").append(skipped).append('\n').toString();
        for (String[] s : SECTIONS) {
            String line = LINES.get(s[0]);
            b.append(String.format("%-18s %s%n", s[1], line == null ? "(not run)" : line));
        }
        return b.append("details: parity/target/parity-*.txt\n").toString();
    }

    @Override public void testPlanExecutionFinished(TestPlan plan) {
        if (LINES.isEmpty() && skipped == null) return;     // no parity test ran in this JVM
        String block = render();
        System.out.println();
        System.out.print(block);
        try {
            Path out = Path.of("target", "parity-summary.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, block);
            Path coverage = Path.of("target", "parity-coverage.txt");
            if (gridCounts != null && Files.exists(coverage)) {
                StringBuilder b = new StringBuilder("\nparameter settings matched per operator (MXNet-declared enums, booleans, small ints"
                        + " crossed with the catalogue's cases; target/parity-grid.txt):\n");
                gridCounts.forEach((op, n) -> b.append(String.format("  %-28s %d/%d%n", op, n[0], n[1])));
                Files.writeString(coverage, Files.readString(coverage) + b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
