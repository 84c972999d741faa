package dev.mxj.bench;

import dev.mxj.js.JsHost;
import dev.mxj.python.PythonHost;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The MLP training step (784-512-256-10 ReLU, batch 128, autograd + plain SGD, softmax
 * cross-entropy, synchronised each step) written in Java ({@link Figures#mlpTrainingStep}),
 * Python ({@code bench/scripts/mlp_step.py}) and JavaScript ({@code mlp_step.js}), run in ONE
 * process, alternating blocks of steps, so that the front ends' ratios to Java are not the
 * ±30% drift between separate processes on shared cores. Each front end warms up first (its step
 * compiled by Truffle); then every round runs a block of each kind, and the figures are the
 * medians of the step times and of the per-round ratios.
 *
 * <p>Run with {@code bench/frontend-steps [--warmup N] [--rounds N] [--block N]}, which starts the
 * JVM as {@code ./mxj} does (polyglot on the module path, JVMCI with the Graal compiler), so the
 * Python and JavaScript steps get Truffle's optimising runtime.
 */
public final class FrontEndSteps {
    private static final int BATCH = 128;

    /** One kind of step: runs {@code n} steps. */
    interface Step {
        void run(int n);
    }

    private static Step repeat(Runnable step) {
        return n -> {
            for (int k = 0; k < n; k++) step.run();
        };
    }

    private static Step repeat(Value step) {
        return n -> {
            for (int k = 0; k < n; k++) step.executeVoid();
        };
    }

    public static void main(String[] args) throws IOException {
        int warmup = intOption(args, "--warmup", 10_000), rounds = intOption(args, "--rounds", 40), block = intOption(args, "--block", 20);
        Map<String, Step> steps = new LinkedHashMap<>();
        steps.put("Java", repeat(Figures.mlpTrainingStep(BATCH, true)));
        // the same Java step leaving its arrays to the garbage collector, as Python and JavaScript
        // scripts do: tells how much of a front end's gap is when memory returns to the pool
        steps.put("Java, GC", repeat(Figures.mlpTrainingStep(BATCH, false)));
        // contexts of one engine must share their host access rules, which the two hosts do not
        try (Engine pyEngine = Engine.newBuilder().option("engine.WarnInterpreterOnly", "false").build();
             Engine jsEngine = Engine.newBuilder().option("engine.WarnInterpreterOnly", "false").build();
             PythonHost py = PythonHost.create(pyEngine, List.of(""));
             JsHost js = JsHost.create(jsEngine, List.of(""))) {
            // the steps of bench/scripts/mlp_step.py and .js, loaded as modules (their main does not run)
            Path scripts = Path.of("bench/scripts").toAbsolutePath(); // bench/frontend-steps runs from the repository root
            Value makeStep = py.eval("""
                    def _load(path):
                        ns = {'__name__': 'mlp_step'}
                        with open(path) as f:
                            exec(compile(f.read(), path, 'exec'), ns)
                        return ns['make_step']
                    _load
                    """).execute(scripts.resolve("mlp_step.py").toString());
            steps.put("Python", repeat(makeStep.execute(BATCH)));
            js.context().eval(Source.newBuilder("js", "import { makeStep } from '" + scripts.resolve("mlp_step.js").toUri()
                    + "'; globalThis.__makeStep = makeStep;", "front_end_steps.mjs").mimeType("application/javascript+module").build());
            steps.put("JavaScript", repeat(js.context().getBindings("js").getMember("__makeStep").execute(BATCH)));
            System.out.printf(Locale.ROOT, "runtime: %s; warm-up %d steps each, then %d rounds of %d-step blocks, alternated%n",
                    pyEngine.getImplementationName(), warmup, rounds, block);

            for (var e : steps.entrySet()) {
                long t0 = System.nanoTime();
                // warm up in the same blocks as the timed rounds: the same code path gets compiled
                for (int done = 0; done < warmup; done += block) e.getValue().run(block);
                System.out.printf(Locale.ROOT, "%-10s warm-up %.1f s%n", e.getKey(), (System.nanoTime() - t0) / 1e9);
            }
            Map<String, double[]> perStep = new LinkedHashMap<>();
            for (String k : steps.keySet()) perStep.put(k, new double[rounds]);
            for (int r = 0; r < rounds; r++) {
                for (var e : steps.entrySet()) {
                    long t0 = System.nanoTime();
                    e.getValue().run(block);
                    perStep.get(e.getKey())[r] = (System.nanoTime() - t0) / 1e6 / block;
                }
            }
            double[] java = perStep.get("Java");
            for (var e : perStep.entrySet()) {
                double[] ms = e.getValue(), ratio = new double[rounds];
                for (int r = 0; r < rounds; r++) ratio[r] = java[r] / ms[r];
                System.out.printf(Locale.ROOT, "%-10s %7.0f samples/s (median %.3f ms/step over %d blocks, fastest block %.3f); vs Java in the same round: median %.2fx (%.2f-%.2f)%n",
                        e.getKey(), BATCH / median(ms) * 1e3, median(ms), rounds, Arrays.stream(ms).min().orElseThrow(),
                        median(ratio), quantile(ratio, 0.25), quantile(ratio, 0.75));
            }
        }
        System.exit(0); // engine workers must not keep the process alive
    }

    private static int intOption(String[] args, String name, int dflt) {
        for (int i = 0; i + 1 < args.length; i++) if (args[i].equals(name)) return Integer.parseInt(args[i + 1]);
        return dflt;
    }

    private static double median(double[] v) { return quantile(v, 0.5); }

    private static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.round(q * (s.length - 1))];
    }
}
