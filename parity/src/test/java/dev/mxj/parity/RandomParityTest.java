package dev.mxj.parity;

import dev.mxj.autograd.Autograd;
import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Random operators against MXNet 1.9.1 by distribution, not by value: the catalogue's sampling
 * cases (a few thousand samples each: the random and sample families, multinomial, randint,
 * shuffle, and the training-mode masks of Dropout, rrelu and RNN) run on both with the same inputs
 * and parameters, and every output must have the same shape and dtype and, per output,
 * <ul>
 * <li>a two-sample Kolmogorov-Smirnov statistic D below {@code 1.95 * sqrt((n + m) / (n m))}
 *     (significance 0.001);</li>
 * <li>means within 5 standard errors of their difference, and variances within 5 standard
 *     errors (from the fourth central moments) of theirs;</li>
 * <li>for shuffles, the same multiset of values (a permutation of the input on both sides).</li>
 * </ul>
 * Both generators are seeded, so a run is reproducible. Differences fail unless
 * {@code random-divergences.txt} lists them (keys {@code op#i} or {@code op}); stale entries fail.
 */
class RandomParityTest {
    private static final AllowList ALLOWED = AllowList.load("random-divergences.txt");
    private static final Map<String, Integer> BY_STATUS = new TreeMap<>();
    private static final Set<String> OPS = new TreeSet<>();
    private static final List<String> DETAILS = new ArrayList<>();
    private static boolean ran;

    /** KS critical value factor at significance 0.001. */
    static final double KS_C = 1.95;
    /** Standard errors allowed between the means and between the variances. */
    static final double Z = 5;

    @TestFactory
    Stream<DynamicTest> samplesMatchMXNetInDistribution() {
        MXNet mx = Bridge.mxnetOrNull();
        if (mx == null) return Bridge.unavailable();
        ran = true;
        mx.seed(1234);
        dev.mxj.Random.seed(1234);
        Set<String> names = new TreeSet<>(mx.allOpNames());
        List<DynamicTest> tests = new ArrayList<>();
        for (CaseSource.Numbered n : CaseSource.random()) {
            if (!names.contains(n.op())) continue;
            if (!CaseSource.legacyShapesOk(n.c().inputs())) {
                record(n.op(), "not comparable", n.name() + ": rank-0 or zero-size input");
                continue;
            }
            tests.add(DynamicTest.dynamicTest(n.name(), () -> compare(mx, n)));
        }
        return tests.stream();
    }

    private static synchronized void record(String op, String status, String detail) {
        BY_STATUS.merge(status, 1, Integer::sum);
        OPS.add(op);
        if (!status.equals("match")) DETAILS.add("[" + status + "] " + detail);
    }

    private static void compare(MXNet mx, CaseSource.Numbered n) {
        OpCase c = n.c();
        CaseSource.trace("random " + n.name());
        Map<String, String> params = CaseSource.mxnetParams(c.op(), c.params(), c.inputs().size());
        String crash = CaseSource.crashesMXNet(c.op(), params, false, c.isTrain());
        if (crash != null) {
            record(c.op(), "not comparable", n.name() + ": not run, " + crash);
            return;
        }
        List<HostArray> ours = new ArrayList<>(), theirs = new ArrayList<>();
        try (NDScope scope = NDScope.open(); Autograd.Scope mode = c.isTrain() ? Autograd.trainMode() : Autograd.predictMode()) {
            NDArray[] in = c.inputs().stream().map(Bridge::toMxj).toArray(NDArray[]::new);
            for (NDArray o : Imperative.invoke(c.op(), in, c.params(), null)) ours.add(Bridge.fromMxj(o));
        }
        List<MXNet.Array> ins = new ArrayList<>();
        boolean before = mx.setTraining(c.isTrain());
        try {
            for (HostArray h : c.inputs()) ins.add(Bridge.toMx(mx, h));
            for (MXNet.Array o : mx.invoke(c.op(), ins, params)) {
                try (o) { theirs.add(Bridge.fromMx(o)); }
            }
        } finally {
            mx.setTraining(before);
            for (MXNet.Array a : ins) a.close();
        }
        String diff = ours.size() != theirs.size() ? "mxj gives " + ours.size() + " outputs, MXNet " + theirs.size() : null;
        for (int k = 0; k < ours.size() && diff == null; k++) {
            diff = distributionDiff("output " + k, ours.get(k), theirs.get(k), c.op().contains("shuffle"));
        }
        if (diff == null) {
            record(c.op(), "match", n.name());
            return;
        }
        String detail = n.name() + " " + params + ": " + diff;
        ALLOWED.judge(List.of(c.op() + "#" + n.number(), c.op()), detail, (status, d) -> record(c.op(), status, d));
    }

    /** How two samples differ beyond the bounds, or null. */
    static String distributionDiff(String which, HostArray a, HostArray b, boolean permutation) {
        if (!a.shape().equals(b.shape())) return which + ": shape " + a.shape() + " vs MXNet " + b.shape();
        if (a.dtype() != b.dtype()) return which + ": dtype " + a.dtype() + " vs MXNet " + b.dtype();
        double[] x = a.data().clone(), y = b.data().clone();
        Arrays.sort(x);
        Arrays.sort(y);
        if (permutation) return Arrays.equals(x, y) ? null : which + ": not the same values in another order";
        if (x.length < 2) return Arrays.equals(x, y) ? null : which + ": single values differ";
        double d = ks(x, y), crit = KS_C * Math.sqrt((double) (x.length + y.length) / ((double) x.length * y.length));
        if (d > crit) return String.format("%s: Kolmogorov-Smirnov D = %.4f > %.4f (mxj mean %.5g, MXNet %.5g)", which, d, crit, mean(x), mean(y));
        double mx = mean(x), my = mean(y), vx = moment(x, mx, 2), vy = moment(y, my, 2);
        double seMean = Math.sqrt(vx / x.length + vy / y.length);
        if (Math.abs(mx - my) > Z * seMean + 1e-12) return String.format("%s: mean %.6g vs MXNet %.6g (%.1f standard errors)", which, mx, my, Math.abs(mx - my) / seMean);
        double seVar = Math.sqrt((moment(x, mx, 4) - vx * vx) / x.length + (moment(y, my, 4) - vy * vy) / y.length);
        if (Math.abs(vx - vy) > Z * seVar + 1e-12) return String.format("%s: variance %.6g vs MXNet %.6g (%.1f standard errors)", which, vx, vy, Math.abs(vx - vy) / seVar);
        return null;
    }

    /** Two-sample Kolmogorov-Smirnov statistic of sorted samples (ties handled by stepping past equal values). */
    static double ks(double[] x, double[] y) {
        int i = 0, j = 0;
        double d = 0;
        while (i < x.length && j < y.length) {
            double v = Math.min(x[i], y[j]);
            while (i < x.length && x[i] <= v) i++;
            while (j < y.length && y[j] <= v) j++;
            d = Math.max(d, Math.abs((double) i / x.length - (double) j / y.length));
        }
        return d;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double e : v) s += e;
        return s / v.length;
    }

    static double moment(double[] v, double mean, int k) {
        double s = 0;
        for (double e : v) s += Math.pow(e - mean, k);
        return s / v.length;
    }

    @AfterAll
    static void report() throws IOException {
        if (!ran) return;
        int matched = BY_STATUS.getOrDefault("match", 0), allowed = BY_STATUS.getOrDefault("allowed divergence", 0),
                bad = BY_STATUS.getOrDefault("MISMATCH", 0);
        StringBuilder r = new StringBuilder("Random operators against MXNet 1.9.1 (distribution statistics)\n\n");
        r.append("cases by outcome: ").append(BY_STATUS).append("\noperators: ").append(OPS.size()).append(' ').append(OPS).append('\n');
        Set<String> stale = ALLOWED.stale();
        if (!stale.isEmpty()) r.append("stale allow-list entries: ").append(stale).append('\n');
        r.append("\nnot matching:\n");
        for (String d : DETAILS) r.append("  ").append(d).append('\n');
        Path out = Path.of("target", "parity-random.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, r.toString());
        System.out.println(r);
        ParitySummary.put("random", String.format("%d of %d sampling cases match in distribution (%d allow-listed, %d MISMATCH) over %d operators",
                matched, matched + allowed + bad, allowed, bad, OPS.size()));
        if (!stale.isEmpty()) throw new AssertionError("stale entries in random-divergences.txt: " + stale);
    }
}
