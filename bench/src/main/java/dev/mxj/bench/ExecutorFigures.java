package dev.mxj.bench;

import dev.mxj.Context;
import dev.mxj.autograd.Autograd;
import dev.mxj.examples.SymbolNetworks;
import dev.mxj.executor.Executor;
import dev.mxj.graph.GraphRunner;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.op.Shape;
import dev.mxj.op.graph.Node;
import dev.mxj.optimizer.Optimizer;
import dev.mxj.optimizer.Updater;
import dev.mxj.symbol.Symbol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the executor's memory planning buys (issue 6): bytes of the internal entries
 * (intermediates, hidden outputs, backward values) of MLP and LeNet graphs bound for training
 * (grad_req 'write') and for inference (grad_req 'null'), with planning (in-place + sharing) and
 * without (every entry its own buffer). Arguments, gradients and auxiliary states are the same
 * either way and are listed apart. Planning is static, so these figures are exact, not timed.
 *
 * <p>With {@code --steps}: samples/s of one SGD training step (batch 128) of the same symbol run
 * through a bound executor (forward, backward, update) and imperatively (each node invoked under
 * {@code autograd.record()}, then {@code backward()}, then the same update), medians of timed
 * steps after warm-up, the two kinds alternating in one JVM so the ratio is a same-run figure.
 *
 * <p>Run: {@code java -cp bench/target/classes:$(cat cli/target/classpath.txt) dev.mxj.bench.ExecutorFigures [--steps]}
 */
public final class ExecutorFigures {
    private ExecutorFigures() {}

    public static void main(String[] args) {
        System.out.println("| graph | batch | internal bytes unplanned | planned | planned / unplanned | in place | reused | arguments+gradients+states |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        for (int batch : new int[] {32, 128}) {
            row("MLP 784-512-256-10 training", SymbolNetworks.mlp(10, 512, 256), "write", Shape.of(batch, 784), batch);
            row("MLP 784-512-256-10 inference", SymbolNetworks.mlp(10, 512, 256), "null", Shape.of(batch, 784), batch);
            row("LeNet training", SymbolNetworks.lenet(10), "write", Shape.of(batch, 1, 28, 28), batch);
            row("LeNet inference", SymbolNetworks.lenet(10), "null", Shape.of(batch, 1, 28, 28), batch);
        }
        if (!Arrays.asList(args).contains("--steps")) return;
        System.out.println();
        System.out.println("| training step, batch 128 | symbolic (executor) samples/s | imperative (autograd) samples/s | symbolic / imperative |");
        System.out.println("| --- | --- | --- | --- |");
        steps("MLP 784-512-256-10", SymbolNetworks.mlp(10, 512, 256), Shape.of(128, 784), 300, 41);
        steps("LeNet", SymbolNetworks.lenet(10), Shape.of(128, 1, 28, 28), 40, 15);
    }

    private static void steps(String name, Symbol net, Shape data, int warm, int reps) {
        // gradients of the parameters only, as the imperative step (data and label get none)
        Map<String, String> reqs = new java.util.HashMap<>();
        for (String a : net.listArguments()) reqs.put(a, a.equals("data") || a.endsWith("label") ? "null" : "write");
        try (Executor ex = net.simpleBind(Context.cpu(), reqs, Map.of("data", data))) {
            java.util.Random rnd = new java.util.Random(1);
            for (var e : ex.argDict().entrySet()) {
                float[] v = new float[(int) e.getValue().size()];
                for (int i = 0; i < v.length; i++) v[i] = e.getKey().endsWith("label") ? rnd.nextInt(10) : (float) (rnd.nextGaussian() * 0.05);
                e.getValue().set(v);
            }
            List<String> names = net.listArguments();
            List<NDArray> params = new ArrayList<>();
            for (String n : names) if (!n.equals("data") && !n.endsWith("label")) params.add(ex.argDict().get(n));
            Updater sgdSym = sgd(data), sgdImp = sgd(data);
            Runnable symStep = () -> {
                ex.forward(true);
                ex.backward();
                for (int i = 0; i < params.size(); i++) sgdSym.call(i, ex.gradDict().get(names.get(names.indexOf("data") + 1 + i)), params.get(i));
            };
            // the same arrays, imperatively: parameters get autograd buffers, every node is invoked and recorded
            Map<Node, NDArray[]> given = new IdentityHashMap<>();
            List<NDArray> copies = new ArrayList<>();
            for (Node n : net.argumentNodes()) {
                NDArray c = NDScope.detach(ex.argDict().get(n.name()).copy());
                if (!n.name().equals("data") && !n.name().endsWith("label")) c.attachGrad();
                copies.add(c);
                given.put(n, new NDArray[] {c});
            }
            Runnable impStep = () -> {
                try (NDScope s = NDScope.open()) {
                    NDArray out;
                    try (var rec = Autograd.record()) {
                        out = GraphRunner.run(net.outputs(), given).get(0);
                    }
                    out.backward();
                    int k = 0;
                    for (NDArray c : copies) if (c.grad() != null) sgdImp.call(k++, c.grad(), c);
                }
            };
            // alternate the two steps so that load drifting on a shared machine hits both alike
            for (int i = 0; i < warm; i++) { time(symStep); time(impStep); }
            long[] ts = new long[reps], ti = new long[reps];
            for (int i = 0; i < reps; i++) { ts[i] = time(symStep); ti[i] = time(impStep); }
            Arrays.sort(ts);
            Arrays.sort(ti);
            double sym = data.dim(0) / (ts[reps / 2] / 1e9), imp = data.dim(0) / (ti[reps / 2] / 1e9);
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %.2f |%n", name, sym, imp, sym / imp);
        }
    }

    private static Updater sgd(Shape data) {
        return Optimizer.getUpdater(Optimizer.create("sgd", Map.of("learning_rate", 0.01, "rescale_grad", 1.0 / data.dim(0))));
    }

    /** Nanoseconds of one step, waiting for the engine to finish it. */
    private static long time(Runnable step) {
        long t0 = System.nanoTime();
        step.run();
        NDArray.waitAll();
        return System.nanoTime() - t0;
    }

    private static void row(String name, Symbol net, String req, Shape data, int batch) {
        try (Executor ex = net.simpleBind(Context.cpu(), req, Map.of("data", data))) {
            Executor.MemoryStats s = ex.memoryStats();
            System.out.printf(Locale.ROOT, "| %s | %d | %,d | %,d | %.1f%% | %d | %d | %,d |%n", name, batch, s.unplannedBytes(), s.plannedBytes(),
                    100.0 * s.plannedBytes() / s.unplannedBytes(), s.inplace(), s.reused(), s.externalBytes());
        }
    }
}
