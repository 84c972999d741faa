package dev.mxj.bench;

import dev.mxj.Context;
import dev.mxj.autograd.Autograd;
import dev.mxj.engine.Engines;
import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDScope;
import dev.mxj.optimizer.Optimizer;
import dev.mxj.optimizer.Updater;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.Nd;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    private final boolean trainingOnly;
    private final List<String[]> rows = new ArrayList<>();

    private Figures(boolean quick, boolean trainingOnly) { this.quick = quick; this.trainingOnly = trainingOnly; }

    /** Flags: {@code --quick} (fewer repetitions), {@code --only training} (just the MLP and LeNet step rows). */
    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        boolean quick = a.contains("--quick");
        int only = a.indexOf("--only");
        boolean trainingOnly = only >= 0 && only + 1 < a.size() && a.get(only + 1).equals("training");
        new Figures(quick, trainingOnly).run();
    }

    private void run() throws Exception {
        System.out.printf("mxj figures: engine %s, %d cores, OPENBLAS_CORETYPE=%s, OMP_NUM_THREADS=%s, MXJ_CPU_NATIVE_THREADS=%s, load average %s%n",
                Engines.configuredType(), Runtime.getRuntime().availableProcessors(), System.getenv("OPENBLAS_CORETYPE"), System.getenv("OMP_NUM_THREADS"),
                System.getenv("MXJ_CPU_NATIVE_THREADS"), loadAverage());
        if (trainingOnly) {
            Map<String, Double> torch = torchFigures();
            mlpStep(torch);
            lenetStep(torch);
            printRows();
            return;
        }
        dispatch();
        long[] sizes = quick ? new long[] {256, 512} : new long[] {256, 1024, 2048};
        for (long n : sizes) sgemm(n);
        long n = quick ? 1 << 20 : 16L << 20;
        triad(n);
        sum(n);
        Map<String, Double> torch = torchFigures();
        mlpStep(torch);
        lenetStep(torch);
        conv(torch);
        printRows();
    }

    private void printRows() {
        System.out.println();
        System.out.println("| figure | mxj | numpy or PyTorch (same run) | mxj / peer |");
        System.out.println("| --- | --- | --- | --- |");
        for (String[] r : rows) System.out.println("| " + String.join(" | ", r) + " |");
        System.out.println("load average at the end: " + loadAverage());
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

    /** Samples/s of {@code step} over batches of {@code batch}: the median of {@code reps} timed steps after {@code warm}. */
    private double stepSamplesPerSecond(Runnable step, long batch, int warm, int reps) {
        double ns = medianNanos(warm, reps, () -> {
            long t0 = System.nanoTime();
            step.run();
            return System.nanoTime() - t0;
        });
        return batch / (ns / 1e9);
    }

    /**
     * One synchronised SGD training step of a model given as a forward function over its
     * parameters (softmax cross-entropy). With {@code scoped}, each step's arrays are closed by an
     * {@link NDScope}, so their memory is back in the pool (and in cache) for the next step;
     * without, they wait for the garbage collector, as a Python or JavaScript script's do.
     */
    static Runnable trainingStep(java.util.function.BiFunction<NDArray, List<NDArray>, NDArray> forward, List<NDArray> params,
                                 NDArray x, NDArray y, boolean scoped) {
        Updater sgd = Optimizer.getUpdater(Optimizer.create("sgd", Map.of("learning_rate", 0.01, "rescale_grad", 1.0 / x.shape().dim(0))));
        for (NDArray p : params) p.attachGrad();
        return () -> {
            try (NDScope step = scoped ? NDScope.open() : null) {
                NDArray loss;
                try (var rec = Autograd.record()) {
                    loss = Nd.softmaxCrossEntropy(forward.apply(x, params), y);
                }
                loss.backward();
                for (int i = 0; i < params.size(); i++) sgd.call(i, params.get(i).grad(), params.get(i));
                NDArray.waitAll();
            }
        };
    }

    /** The MLP 784-512-256-10 (ReLU) training step on fixed random data, batch {@code batch} (see {@link #trainingStep}). */
    static Runnable mlpTrainingStep(int batch, boolean scoped) {
        int[] sizes = {784, 512, 256, 10};
        List<NDArray> params = new ArrayList<>();
        for (int l = 0; l + 1 < sizes.length; l++) { params.add(param(sizes[l + 1], sizes[l])); params.add(param(sizes[l + 1])); }
        NDArray x = Nd.randomUniform(0.0, 1.0, new long[] {batch, 784}, Context.cpu(), null);
        NDArray y = Nd.randomRandint(0, 10, new long[] {batch}, Context.cpu(), "int32").asType(DType.FLOAT32);
        return trainingStep((in, p) -> {
            NDArray h = Nd.activation(fc(in, p.get(0), p.get(1)), "relu");
            h = Nd.activation(fc(h, p.get(2), p.get(3)), "relu");
            return fc(h, p.get(4), p.get(5));
        }, params, x, y, scoped);
    }

    private static NDArray param(long... shape) {
        NDArray p = Nd.randomUniform(-0.05, 0.05, shape, Context.cpu(), null);
        NDScope.detach(p);
        return p;
    }

    private static NDArray fc(NDArray x, NDArray w, NDArray b) {
        return Nd.fullyConnected(x, w, b, (int) w.shape().dim(0));
    }

    private static NDArray invoke(String op, Map<String, ?> params, NDArray... in) {
        return Imperative.invoke1(op, in, params, null);
    }

    private void mlpStep(Map<String, Double> torch) {
        Runnable step = mlpTrainingStep(128, true);
        // The JIT is still compiling the step's kernels after 400 steps (~1 s): report that figure and the steady one after 3,000 steps.
        double early = stepSamplesPerSecond(step, 128, quick ? 3 : 400, quick ? 5 : 41);
        double steady = stepSamplesPerSecond(step, 128, quick ? 3 : 2_600, quick ? 5 : 101);
        Double t = torch.get("mlp_step_samples_per_s");
        rows.add(new String[] {"MLP 784-512-256-10 training step (SGD), batch 128, samples/s, after 3,000 steps", fmt(steady), t == null ? "—" : fmt(t), t == null ? "—" : ratio(steady, t)});
        rows.add(new String[] {"the same after 400 steps (JIT still compiling)", fmt(early), t == null ? "—" : fmt(t), t == null ? "—" : ratio(early, t)});
    }

    private void lenetStep(Map<String, Double> torch) {
        List<NDArray> params = List.of(param(20, 1, 5, 5), param(20), param(50, 20, 5, 5), param(50), param(500, 800), param(500), param(10, 500), param(10));
        NDArray x = Nd.randomUniform(0.0, 1.0, new long[] {128, 1, 28, 28}, Context.cpu(), null);
        NDArray y = Nd.randomRandint(0, 10, new long[] {128}, Context.cpu(), "int32").asType(DType.FLOAT32);
        Map<String, Object> pool = Map.of("kernel", "(2, 2)", "stride", "(2, 2)", "pool_type", "max");
        double sps = stepSamplesPerSecond(trainingStep((in, p) -> {
            NDArray h = invoke("Convolution", Map.of("kernel", "(5, 5)", "num_filter", 20), in, p.get(0), p.get(1));
            h = invoke("Pooling", pool, Nd.activation(h, "relu"));
            h = invoke("Convolution", Map.of("kernel", "(5, 5)", "num_filter", 50), h, p.get(2), p.get(3));
            h = invoke("Pooling", pool, Nd.activation(h, "relu"));
            h = Nd.activation(fc(h, p.get(4), p.get(5)), "relu");
            return fc(h, p.get(6), p.get(7));
        }, params, x, y, true), 128, quick ? 2 : 60, quick ? 3 : 21);
        Double t = torch.get("lenet_step_samples_per_s");
        rows.add(new String[] {"LeNet-5 training step (SGD), batch 128, samples/s", fmt(sps), t == null ? "—" : fmt(t), t == null ? "—" : ratio(sps, t)});
    }

    private void conv(Map<String, Double> torch) {
        NDArray data = Nd.randomUniform(0.0, 1.0, new long[] {32, 64, 56, 56}, Context.cpu(), null);
        NDArray weight = Nd.randomUniform(-0.5, 0.5, new long[] {64, 64, 3, 3}, Context.cpu(), null);
        Map<String, Object> p = Map.of("kernel", "(3, 3)", "num_filter", 64, "pad", "(1, 1)", "no_bias", true);
        double fwd = medianNanos(3, quick ? 3 : 11, () -> {
            long t0 = System.nanoTime();
            try (NDArray out = invoke("Convolution", p, data, weight)) {
                out.waitToRead();
            }
            return System.nanoTime() - t0;
        }) / 1e6;
        data.attachGrad();
        weight.attachGrad();
        double fwdBwd = medianNanos(3, quick ? 3 : 11, () -> {
            long t0 = System.nanoTime();
            try (NDScope s = NDScope.open()) {
                NDArray out;
                try (var rec = Autograd.record()) {
                    out = invoke("Convolution", p, data, weight);
                }
                out.backward();
                NDArray.waitAll();
            }
            return System.nanoTime() - t0;
        }) / 1e6;
        Double tf = torch.get("conv_forward_ms"), tb = torch.get("conv_forward_backward_ms");
        rows.add(new String[] {"conv2d forward (32,64,56,56) x 64x3x3 pad 1, ms", fmt(fwd), tf == null ? "—" : fmt(tf), tf == null ? "—" : ratio(tf, fwd) + " (speed)"});
        rows.add(new String[] {"conv2d forward + backward, same, ms", fmt(fwdBwd), tb == null ? "—" : fmt(tb), tb == null ? "—" : ratio(tb, fwdBwd) + " (speed)"});
    }

    /** PyTorch's figures from bench/peers/torch_figures.py, when MXJ_BENCH_TORCH_PYTHON names a Python with torch. */
    private static Map<String, Double> torchFigures() throws Exception {
        Map<String, Double> m = new java.util.HashMap<>();
        String py = System.getenv("MXJ_BENCH_TORCH_PYTHON");
        java.nio.file.Path script = java.nio.file.Path.of("bench", "peers", "torch_figures.py");
        if (py == null || py.isBlank() || !java.nio.file.Files.exists(script)) return m;
        Process p = new ProcessBuilder(py, script.toString(), Integer.toString(Runtime.getRuntime().availableProcessors())).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] kv = line.trim().split(" ");
                if (kv.length == 2) {
                    try { m.put(kv[0], Double.parseDouble(kv[1])); } catch (NumberFormatException e) { /* not a figure line */ }
                }
            }
        }
        p.waitFor();
        return m;
    }

    /** The 1-, 5- and 15-minute load averages (these machines are shared: figures need them beside them), or "?" off Linux. */
    private static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
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
