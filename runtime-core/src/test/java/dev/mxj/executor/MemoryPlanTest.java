package dev.mxj.executor;

import dev.mxj.Context;
import dev.mxj.examples.SymbolNetworks;
import dev.mxj.graph.Graph;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.Shape;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;
import dev.mxj.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The memory planner never lets two live values share memory: planned and unplanned executors
 * give identical outputs and gradients on random inputs, and every pair of entries placed in one
 * buffer is ordered by the graph itself (each node touching the earlier value is an ancestor of
 * the node writing the later one), so nodes that may run in parallel never share.
 */
class MemoryPlanTest {
    static Symbol branches() {
        // x feeds two independent chains joined at the end: the chains may run in parallel
        Symbol x = Symbol.var("x"), w = Symbol.var("w");
        Symbol a = Symbol.create("exp", "a2", Map.of(), Symbol.create("relu", "a1", Map.of(), x.mul(w)));
        Symbol b = Symbol.create("tanh", "b2", Map.of(), Symbol.create("sigmoid", "b1", Map.of(), x.add(w)));
        Symbol c = Symbol.create("sin", "c1", Map.of(), x);
        return Symbol.create("sum", "loss", Map.of(), a.mul(b).add(c).add(a));
    }

    static Symbol convBn() {
        // BatchNorm mutates its auxiliary states and has hidden outputs the backward reads; Concat fans in
        Symbol x = Symbol.create("Convolution", "c1", Map.of("kernel", "(3, 3)", "num_filter", 4, "pad", "(1, 1)"), Symbol.var("data"));
        Symbol a = Symbol.create("Activation", "r1", Map.of("act_type", "relu"), Symbol.create("BatchNorm", "bn1", Map.of("fix_gamma", false), x));
        Symbol b = Symbol.create("Pooling", "p1", Map.of("kernel", "(3, 3)", "pad", "(1, 1)", "pool_type", "avg"), x);
        Symbol y = Symbol.create("Concat", "cat", Map.of("dim", 1), a, b);
        Symbol fc = Symbol.create("FullyConnected", "fc", Map.of("num_hidden", 10), Symbol.create("Flatten", "fl", Map.of(), y));
        return Symbol.create("SoftmaxOutput", "softmax", Map.of(), fc);
    }

    @Test
    void plannedAndUnplannedGiveIdenticalResults() {
        check(convBn(), Map.of("data", Shape.of(3, 2, 6, 6)), true);
        check(SymbolNetworks.mlp(10, 128, 64), Map.of("data", Shape.of(16, 100)), true);
        check(SymbolNetworks.lenet(10), Map.of("data", Shape.of(4, 1, 28, 28)), true);
        check(branches(), Map.of("x", Shape.of(3, 5), "w", Shape.of(3, 5)), true);
        check(SymbolNetworks.lenet(10), Map.of("data", Shape.of(4, 1, 28, 28)), false); // inference graph
    }

    private static void check(Symbol net, Map<String, Shape> shapes, boolean train) {
        String req = train ? "write" : "null";
        try (Executor planned = Executor.simpleBind(net, Context.cpu(), req, null, null, shapes, Executor.Options.DEFAULT);
             Executor plain = Executor.simpleBind(net, Context.cpu(), req, null, null, shapes, Executor.Options.UNPLANNED)) {
            MemoryPlanner.Plan p = planned.plan;
            assertTrue(p.plannedBytes() < p.unplannedBytes(), "planning saves memory: " + planned.memoryStats());
            assertEquals(plain.plan.unplannedBytes(), plain.plan.plannedBytes());
            assertOrderedSharing(planned);
            Random rnd = new Random(7);
            for (int step = 0; step < 2; step++) {
                for (var e : planned.argDict().entrySet()) {
                    float[] v = new float[(int) e.getValue().size()];
                    for (int i = 0; i < v.length; i++) v[i] = e.getKey().endsWith("label") ? rnd.nextInt(10) : (float) rnd.nextGaussian() * 0.5f;
                    e.getValue().set(v);
                    plain.argDict().get(e.getKey()).set(v);
                }
                planned.forward(train);
                plain.forward(train);
                if (train) {
                    planned.backward();
                    plain.backward();
                }
                for (int i = 0; i < planned.outputs().size(); i++) {
                    assertArrayEquals(plain.outputs().get(i).toFloatArray(), planned.outputs().get(i).toFloatArray(), 1e-6f, "output " + i);
                }
                for (var e : planned.auxDict().entrySet()) {
                    assertArrayEquals(plain.auxDict().get(e.getKey()).toFloatArray(), e.getValue().toFloatArray(), 1e-6f, "state " + e.getKey());
                }
                for (var e : planned.gradDict().entrySet()) {
                    if (e.getValue() == null) continue;
                    assertArrayEquals(plain.gradDict().get(e.getKey()).toFloatArray(), e.getValue().toFloatArray(), 1e-6f, "gradient of " + e.getKey());
                }
            }
        }
    }

    /** Every two entries in one buffer: all nodes touching one are ancestors of (or are) the node writing the other. */
    private static void assertOrderedSharing(Executor ex) {
        Graph g = ex.graph;
        BitSet[] anc = MemoryPlanner.ancestors(g, ex.order);
        int ne = g.numEntries();
        int[] producer = new int[ne];
        List<List<Integer>> touchers = new ArrayList<>();
        for (int e = 0; e < ne; e++) touchers.add(new ArrayList<>());
        for (int i = 0; i < g.numNodes(); i++) {
            Node n = g.nodes().get(i);
            for (int j = 0; j < n.numOutputs(); j++) {
                producer[g.entryId(i, j)] = i;
                touchers.get(g.entryId(i, j)).add(i);
            }
            if (!n.isVariable()) for (NodeEntry in : n.inputs()) touchers.get(g.entryId(in)).add(i);
        }
        int[] buf = ex.plan.bufferOf();
        int pairs = 0;
        for (int e1 = 0; e1 < ne; e1++) {
            for (int e2 = e1 + 1; e2 < ne; e2++) {
                if (buf[e1] < 0 || buf[e1] != buf[e2]) continue;
                pairs++;
                boolean ok = before(touchers.get(e1), producer[e2], anc) || before(touchers.get(e2), producer[e1], anc);
                assertTrue(ok, "entries " + e1 + " and " + e2 + " share buffer " + buf[e1] + " but may be live at the same time");
            }
        }
        assertTrue(pairs > 0, "the plan shares some buffers");
    }

    private static boolean before(List<Integer> touchers, int writer, BitSet[] anc) {
        for (int t : touchers) if (t != writer && !anc[writer].get(t)) return false;
        return true;
    }

    @Test
    void trainingSavesAboutHalfAndInferenceMore() {
        // the note's claim: about half for training graphs, far less memory for prediction
        try (Executor train = SymbolNetworks.lenet(10).simpleBind(Context.cpu(), "write", Map.of("data", Shape.of(64, 1, 28, 28)));
             Executor infer = SymbolNetworks.lenet(10).simpleBind(Context.cpu(), "null", Map.of("data", Shape.of(64, 1, 28, 28)))) {
            Executor.MemoryStats t = train.memoryStats(), i = infer.memoryStats();
            assertTrue(t.plannedBytes() <= 0.75 * t.unplannedBytes(), t.toString());
            assertTrue(i.plannedBytes() <= 0.5 * i.unplannedBytes(), i.toString());
            assertTrue(i.plannedBytes() < t.plannedBytes() / 2, "inference " + i + " vs training " + t);
            assertTrue(t.inplace() > 0 && t.reused() > 0, t.toString());
        }
    }
}
