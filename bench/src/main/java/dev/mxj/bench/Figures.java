package dev.mxj.bench;

import dev.mxj.Context;
import dev.mxj.engine.Engines;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.Nd;
import dev.mxj.op.Shape;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The headline figures of the foundation, in one JVM, warmed up, as medians of repeated runs:
 * per-op dispatch of {@code x + 1}, sgemm GFLOP/s, {@code c = a*b + a} GB/s and sum GB/s. Where
 * numpy is importable by {@code python3}, the same sgemm, triad and sum run there in the same
 * session and the ratio is printed, since these shared machines drift ±30% with load.
 *
 * <p>Run: {@code ./mxj bench} (or {@code java -cp ... dev.mxj.bench.Figures [--quick]}).
 */
public final class Figures {
    private final boolean quick;
    private final List<String[]> rows = new ArrayList<>();

    private Figures(boolean quick) { this.quick = quick; }

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        new Figures(quick).run();
    }

    private void run() throws Exception {
        System.out.printf("mxj figures: engine %s, %d cores, OPENBLAS_CORETYPE=%s, OMP_NUM_THREADS=%s%n",
                Engines.configuredType(), Runtime.getRuntime().availableProcessors(), System.getenv("OPENBLAS_CORETYPE"), System.getenv("OMP_NUM_THREADS"));
        dispatch();
        long[] sizes = quick ? new long[] {256, 512} : new long[] {256, 1024, 2048};
        for (long n : sizes) sgemm(n);
        long n = quick ? 1 << 20 : 16L << 20;
        triad(n);
        sum(n);
        System.out.println();
        System.out.println("| figure | mxj | numpy (same run) | mxj / numpy |");
        System.out.println("| --- | --- | --- | --- |");
        for (String[] r : rows) System.out.println("| " + String.join(" | ", r) + " |");
    }

    /** Median of {@code reps} timings in nanoseconds, after {@code warm} untimed runs. */
    private static double medianNanos(int warm, int reps, LongSupplier timedRun) {
        for (int i = 0; i < warm; i++) timedRun.getAsLong();
        long[] t = new long[reps];
        for (int i = 0; i < reps; i++) t[i] = timedRun.getAsLong();
        Arrays.sort(t);
        return t[reps / 2];
    }

    private void dispatch() {
        NDArray x = NDArray.array(new float[] {1}, Shape.of(1), Context.cpu());
        int ops = quick ? 20_000 : 200_000;
        double async = medianNanos(3, 7, () -> {
            long t0 = System.nanoTime();
            for (int i = 0; i < ops; i++) {
                NDArray y = x.add(1);
                y.close();
            }
            NDArray.waitAll();
            return System.nanoTime() - t0;
        }) / ops;
        double sync = medianNanos(3, 7, () -> {
            long t0 = System.nanoTime();
            for (int i = 0; i < ops; i++) {
                NDArray y = x.add(1);
                y.waitToRead();
                y.close();
            }
            return System.nanoTime() - t0;
        }) / ops;
        rows.add(new String[] {"`y = x + 1`, 1 element, per op (async, y closed)", fmt(async / 1000) + " µs", "", ""});
        rows.add(new String[] {"`y = x + 1`, 1 element, per op (synchronised each op)", fmt(sync / 1000) + " µs", "", ""});
    }

    private void sgemm(long n) throws Exception {
        NDArray a = uniform(n, n), b = uniform(n, n);
        a.waitToRead();
        b.waitToRead();
        int reps = n >= 2048 ? 5 : n >= 1024 ? 9 : 31;
        double ns = medianNanos(3, reps, () -> {
            long t0 = System.nanoTime();
            try (NDArray c = Nd.dot(a, b)) {
                c.waitToRead();
            }
            return System.nanoTime() - t0;
        });
        double gflops = 2.0 * n * n * n / ns;
        Double np = numpy("import numpy as np; a=np.random.rand(%d,%d).astype(np.float32); b=np.random.rand(%d,%d).astype(np.float32); f=lambda: a@b".formatted(n, n, n, n), reps);
        double npGflops = np == null ? Double.NaN : 2.0 * n * n * n / np;
        rows.add(new String[] {"sgemm n=" + n + ", GFLOP/s", fmt(gflops), fmt(npGflops), ratio(gflops, npGflops)});
        a.close();
        b.close();
    }

    private void triad(long n) throws Exception {
        NDArray a = uniform(n), b = uniform(n);
        a.waitToRead();
        b.waitToRead();
        double ns = medianNanos(3, 15, () -> {
            long t0 = System.nanoTime();
            try (NDArray ab = a.mul(b); NDArray c = ab.add(a)) {
                c.waitToRead();
            }
            return System.nanoTime() - t0;
        });
        double gbs = 12.0 * n / ns;
        Double np = numpy("import numpy as np; a=np.random.rand(%d).astype(np.float32); b=np.random.rand(%d).astype(np.float32); f=lambda: a*b+a".formatted(n, n), 15);
        double npGbs = np == null ? Double.NaN : 12.0 * n / np;
        rows.add(new String[] {"`c = a*b + a`, " + (n >> 20) + "M floats, GB/s (12 bytes/element)", fmt(gbs), fmt(npGbs), ratio(gbs, npGbs)});
        a.close();
        b.close();
    }

    private void sum(long n) throws Exception {
        NDArray a = uniform(n);
        a.waitToRead();
        double ns = medianNanos(3, 15, () -> {
            long t0 = System.nanoTime();
            try (NDArray s = Nd.sum(a)) {
                s.waitToRead();
            }
            return System.nanoTime() - t0;
        });
        double gbs = 4.0 * n / ns;
        Double np = numpy("import numpy as np; a=np.random.rand(%d).astype(np.float32); f=lambda: a.sum()".formatted(n), 15);
        double npGbs = np == null ? Double.NaN : 4.0 * n / np;
        rows.add(new String[] {"sum, " + (n >> 20) + "M floats, GB/s", fmt(gbs), fmt(npGbs), ratio(gbs, npGbs)});
        a.close();
    }

    private static NDArray uniform(long... shape) { return Nd.randomUniform(-1.0, 1.0, shape, Context.cpu(), null); }

    /** Median nanoseconds of {@code f()} in python3 with numpy, or null when numpy is not there. */
    private static Double numpy(String setup, int reps) throws Exception {
        String script = setup + "\nimport time\nfor _ in range(3): f()\nts=[]\nfor _ in range(" + reps + "):\n t=time.perf_counter_ns(); f(); ts.append(time.perf_counter_ns()-t)\nts.sort(); print(ts[len(ts)//2])\n";
        ProcessBuilder pb = new ProcessBuilder("python3", "-c", script).redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (java.io.IOException e) {
            return null;
        }
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) last = line;
        }
        if (p.waitFor() != 0 || last == null) return null;
        try {
            return Double.parseDouble(last.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String fmt(double v) { return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.2f", v); }

    private static String ratio(double a, double b) { return Double.isNaN(b) ? "—" : String.format(Locale.ROOT, "%.2f", a / b); }
}
