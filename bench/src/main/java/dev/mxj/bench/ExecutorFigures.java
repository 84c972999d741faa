package dev.mxj.bench;

import dev.mxj.Context;
import dev.mxj.autograd.Autograd;
import dev.mxj.examples.SymbolNetworks;
import dev.mxj.executor.BulkExecution;
import dev.mxj.executor.Executor;
import dev.mxj.graph.GraphRunner;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.op.Shape;
import dev.mxj.op.graph.Node;
import dev.mxj.optimizer.Optimizer;
import dev.mxj.optimizer.Updater;
import dev.mxj.symbol.Symbol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the executor's memory planning and element-wise fusion buy (issue 6): bytes of the
 * internal entries (intermediates, hidden outputs, backward values) of MLP and LeNet graphs bound
 * for training (grad_req 'write') and for inference (grad_req 'null'), without planning (every
 * entry its own buffer, nothing fused), with planning (in-place + sharing), and with planning and
 * fusion (absorbed intermediates are never stored). Arguments, gradients and auxiliary states
 * are the same either way and are listed apart. Planning is static, so these figures are exact.
 *
 * <p>With {@code --steps}: samples/s of one SGD training step of the same symbol (MLP and LeNet at
 * batch 128 and 8, an LSTM cell) run four ways: through a bound executor (forward, backward,
 * update) and imperatively (each node invoked under {@code autograd.record()}, then
 * {@code backward()} on autograd's cached plans, then the same update), each with bulk segments
 * ({@link BulkExecution} from the environment, MXNet's defaults; for autograd through an override,
 * since its default is per node) and with every operation pushed on its own. The four alternate step by step in one JVM, so load drifting on a shared machine
 * hits all alike; ratios are medians of the per-round ratios, and the load average is printed
 * before and after.
 *
 * <p>Run: {@code java -cp bench/target/classes:$(cat cli/target/classpath.txt) dev.mxj.bench.ExecutorFigures [--steps]}
 */
public final class ExecutorFigures {
    private ExecutorFigures() {}

    public static void main(String[] args) {
        System.out.println("| graph | batch | internal bytes unplanned | planned | planned + fused | planned / unplanned | planned + fused / unplanned "
                + "| fused nodes (absorbed) | bytes never stored | arguments+gradients+states |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (int batch : new int[] {32, 128}) {
            row("MLP 784-512-256-10 training", SymbolNetworks.mlp(10, 512, 256), "write", Shape.of(batch, 784), batch);
            row("MLP 784-512-256-10 inference", SymbolNetworks.mlp(10, 512, 256), "null", Shape.of(batch, 784), batch);
            row("LeNet training", SymbolNetworks.lenet(10), "write", Shape.of(batch, 1, 28, 28), batch);
            row("LeNet inference", SymbolNetworks.lenet(10), "null", Shape.of(batch, 1, 28, 28), batch);
            row("LSTM cell 256-512 training", lstmCell(512), "write", lstmShapes(batch, 256, 512), batch);
            row("LSTM cell 256-512 inference", lstmCell(512), "null", lstmShapes(batch, 256, 512), batch);
        }
        if (!Arrays.asList(args).contains("--steps")) return;
        System.out.println();
        System.out.println("load average before: " + loadAverage());
        System.out.println("| training step | symbolic bulk samples/s | symbolic per-node | imperative bulk | imperative per-node "
                + "| symbolic / imperative (defaults: bulk / per-node) | symbolic / imperative (both per-node) | symbolic bulk / per-node | imperative bulk / per-node |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        steps("MLP 784-512-256-10, batch 128", SymbolNetworks.mlp(10, 512, 256), Map.of("data", Shape.of(128, 784)), 200, 41);
        // a small batch: per-step overheads (recording, graph building, pushes) weigh more than the kernels
        steps("MLP 784-512-256-10, batch 8", SymbolNetworks.mlp(10, 512, 256), Map.of("data", Shape.of(8, 784)), 300, 101);
        // small layers too: the kernels take microseconds, so dispatch and recording are what is left to save
        steps("MLP 784-64-64-10, batch 8", SymbolNetworks.mlp(10, 64, 64), Map.of("data", Shape.of(8, 784)), 1000, 401);
        steps("LeNet, batch 128", SymbolNetworks.lenet(10), Map.of("data", Shape.of(128, 1, 28, 28)), 10, 15);
        steps("LeNet, batch 8", SymbolNetworks.lenet(10), Map.of("data", Shape.of(8, 1, 28, 28)), 100, 41);
        steps("LSTM cell 256-512, batch 128", lstmCell(512), lstmShapes(128, 256, 512), 200, 41);
        System.out.println("load average after: " + loadAverage());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * One step of an LSTM cell (MXNet's LSTMCell: i2h + h2h, four gates, new state), summed into a
     * loss: the element-wise work between the two dense layers is what fusion is for.
     */
    static Symbol lstmCell(int hidden) {
        Symbol x = Symbol.var("data"), h = Symbol.var("state_h"), c = Symbol.var("state_c");
        Symbol gates = Symbol.create("FullyConnected", "i2h", Map.of("num_hidden", 4 * hidden), x)
                .add(Symbol.create("FullyConnected", "h2h", Map.of("num_hidden", 4 * hidden), h));
        Symbol s = Symbol.create("SliceChannel", "slice", Map.of("num_outputs", 4), gates);
        Symbol in = act("in_gate", "sigmoid", s.get(0)), forget = act("forget_gate", "sigmoid", s.get(1));
        Symbol cand = act("in_transform", "tanh", s.get(2)), out = act("out_gate", "sigmoid", s.get(3));
        Symbol next = forget.mul(c).add(in.mul(cand));
        Symbol hNext = out.mul(act("next_c_tanh", "tanh", next));
        return Symbol.create("sum", "loss", Map.of(), hNext.add(next));
    }

    private static Symbol act(String name, String type, Symbol x) { return Symbol.create("Activation", name, Map.of("act_type", type), x); }

    static Map<String, Shape> lstmShapes(int batch, int input, int hidden) {
        return Map.of("data", Shape.of(batch, input), "state_h", Shape.of(batch, hidden), "state_c", Shape.of(batch, hidden));
    }

    /** Inputs rather than parameters: they get no gradient and no update. */
    private static boolean isInput(String name) { return name.equals("data") || name.endsWith("label") || name.startsWith("state_"); }

    /** Bulk segments as the environment sets them (MXNet's defaults unless MXNET_EXEC_BULK_EXEC_* say otherwise), and none. */
    private static final BulkExecution BULK = BulkExecution.environment(), PER_NODE = BulkExecution.OFF;

    private static void steps(String name, Symbol net, Map<String, Shape> shapes, int warm, int reps) {
        Shape data = shapes.get("data");
        // gradients of the parameters only, as the imperative step (inputs get none)
        Map<String, String> reqs = new java.util.HashMap<>();
        for (String a : net.listArguments()) reqs.put(a, isInput(a) ? "null" : "write");
        Executor bulk, single;
        try (var b = BulkExecution.override(BULK)) {
            bulk = Executor.simpleBind(net, Context.cpu(), reqs, null, null, shapes);
        }
        try (var b = BulkExecution.override(PER_NODE)) {
            single = Executor.simpleBind(net, Context.cpu(), reqs, null, null, shapes);
        }
        try (bulk; single) {
            java.util.Random rnd = new java.util.Random(1);
            for (var e : bulk.argDict().entrySet()) {
                float[] v = new float[(int) e.getValue().size()];
                for (int i = 0; i < v.length; i++) v[i] = e.getKey().endsWith("label") ? rnd.nextInt(10) : (float) (rnd.nextGaussian() * 0.05);
                e.getValue().set(v);
                single.argDict().get(e.getKey()).set(v);
            }
            // the same arrays, imperatively: parameters get autograd buffers, every node is invoked and recorded
            Map<Node, NDArray[]> given = new IdentityHashMap<>();
            List<NDArray> copies = new ArrayList<>();
            for (Node n : net.argumentNodes()) {
                NDArray c = NDScope.detach(bulk.argDict().get(n.name()).copy());
                if (!isInput(n.name())) c.attachGrad();
                copies.add(c);
                given.put(n, new NDArray[] {c});
            }
            Updater sgdImp = sgd(data);
            Runnable[] kinds = {symbolic(net, bulk, data), symbolic(net, single, data), imperative(net, given, copies, sgdImp, BULK),
                    imperative(net, given, copies, sgdImp, PER_NODE)};
            // alternate the kinds so that load drifting on a shared machine hits all alike
            for (int i = 0; i < warm; i++) for (Runnable k : kinds) time(k);
            long[][] t = new long[kinds.length][reps];
            for (int i = 0; i < reps; i++) for (int k = 0; k < kinds.length; k++) t[k][i] = time(kinds[k]);
            double[] rate = new double[kinds.length];
            for (int k = 0; k < kinds.length; k++) rate[k] = data.dim(0) / (median(t[k]) / 1e9);
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f | %,.0f | %.2f | %.2f | %.2f | %.2f |%n", name, rate[0], rate[1], rate[2], rate[3],
                    pairedRatio(t[3], t[0]), pairedRatio(t[3], t[1]), pairedRatio(t[1], t[0]), pairedRatio(t[3], t[2]));
        }
    }

    /** forward, backward and the SGD update through a bound executor (arrays looked up once, as a Module holds them). */
    private static Runnable symbolic(Symbol net, Executor ex, Shape data) {
        List<NDArray> grads = new ArrayList<>(), weights = new ArrayList<>();
        for (String n : net.listArguments()) {
            if (isInput(n)) continue;
            grads.add(ex.gradDict().get(n));
            weights.add(ex.argDict().get(n));
        }
        Updater sgd = sgd(data);
        return () -> {
            ex.forward(true);
            ex.backward();
            for (int i = 0; i < grads.size(); i++) sgd.call(i, grads.get(i), weights.get(i));
        };
    }

    /** Every node invoked and recorded, backward on cached plans with the given bulk settings, then the update. */
    private static Runnable imperative(Symbol net, Map<Node, NDArray[]> given, List<NDArray> copies, Updater sgd, BulkExecution bulk) {
        return () -> {
            try (NDScope s = NDScope.open(); var b = BulkExecution.override(bulk)) {
                NDArray out;
                try (var rec = Autograd.record()) {
                    out = GraphRunner.run(net.outputs(), given).get(0);
                }
                out.backward();
                int k = 0;
                for (NDArray c : copies) if (c.grad() != null) sgd.call(k++, c.grad(), c);
            }
        };
    }

    private static double median(long[] a) {
        long[] c = a.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    /** Median over rounds of {@code slower[i] / faster[i]}: how many times faster the second is, per alternated round. */
    private static double pairedRatio(long[] slower, long[] faster) {
        double[] r = new double[slower.length];
        for (int i = 0; i < r.length; i++) r[i] = (double) slower[i] / faster[i];
        Arrays.sort(r);
        return r[r.length / 2];
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
        row(name, net, req, Map.of("data", data), batch);
    }

    private static void row(String name, Symbol net, String req, Map<String, Shape> shapes, int batch) {
        try (Executor plain = Executor.simpleBind(net, Context.cpu(), req, null, null, shapes, Executor.Options.DEFAULT.withFusion(false));
             Executor fused = Executor.simpleBind(net, Context.cpu(), req, null, null, shapes, Executor.Options.DEFAULT.withFusion(true))) {
            Executor.MemoryStats s = plain.memoryStats(), f = fused.memoryStats();
            System.out.printf(Locale.ROOT, "| %s | %d | %,d | %,d | %,d | %.1f%% | %.1f%% | %d (%d) | %,d | %,d |%n", name, batch, s.unplannedBytes(),
                    s.plannedBytes(), f.plannedBytes(), 100.0 * s.plannedBytes() / s.unplannedBytes(), 100.0 * f.plannedBytes() / f.unplannedBytes(),
                    f.fusedNodes(), f.absorbedNodes(), f.fusedAwayBytes(), s.externalBytes());
        }
    }
}
