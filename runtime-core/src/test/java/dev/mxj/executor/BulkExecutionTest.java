package dev.mxj.executor;

import dev.mxj.Context;
import dev.mxj.engine.EngineException;
import dev.mxj.examples.SymbolNetworks;
import dev.mxj.graph.Graph;
import dev.mxj.graph.NodeBuilder;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.Shape;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;
import dev.mxj.symbol.Symbol;
import dev.mxj.testplugin.TestOps;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Bulk execution (MXNet's bulk segments): segmentation follows the settings, bulk and per-node
 * pushes give bit-identical values and gradients (MLP, LeNet, a branching graph with two outputs
 * and grad_req 'add', a monitor installed), and a kernel failing inside a segment reaches the
 * user, naming the operator, while segments before it are unaffected.
 */
class BulkExecutionTest {
    private static final BulkExecution SMALL = new BulkExecution(true, true, 3, 2);

    static Symbol mlp() { return SymbolNetworks.mlp(5, 16, 12); }

    static Symbol lenet() { return SymbolNetworks.lenet(3); }

    /** Two branches from one input, joined, and a second output read from one branch. */
    static Symbol branching() {
        Symbol x = Symbol.var("data");
        Symbol a = Symbol.create("Activation", "ra", Map.of("act_type", "relu"), Symbol.create("FullyConnected", "fa", Map.of("num_hidden", 6), x));
        Symbol b = Symbol.create("Activation", "tb", Map.of("act_type", "tanh"), Symbol.create("FullyConnected", "fb", Map.of("num_hidden", 6), x));
        Symbol joined = Symbol.create("FullyConnected", "fo", Map.of("num_hidden", 4), a.add(b).mul(b));
        return Symbol.group(List.of(Symbol.create("sum", "loss", Map.of(), Symbol.create("square", "sq", Map.of(), joined)), Symbol.create("sum", "aux", Map.of(), a)));
    }

    /** Forward and backward {@code steps} times on the same seeded values; every output and gradient after each step. */
    static List<float[]> run(Symbol net, Map<String, Shape> shapes, Object gradReq, BulkExecution bulk, boolean monitor, int steps) {
        List<float[]> r = new ArrayList<>();
        try (var scope = BulkExecution.override(bulk);
             Executor ex = Executor.simpleBind(net, Context.cpu(), gradReq, null, null, shapes)) {
            SplittableRandom rng = new SplittableRandom(3);
            for (var e : ex.argDict().entrySet()) {
                float[] v = new float[(int) e.getValue().size()];
                for (int i = 0; i < v.length; i++) v[i] = e.getKey().endsWith("label") ? rng.nextInt(3) : (float) rng.nextDouble(-1, 1);
                e.getValue().set(v);
            }
            List<String> seen = new ArrayList<>();
            if (monitor) ex.setMonitorCallback((n, a) -> seen.add(n), false);
            for (int s = 0; s < steps; s++) {
                for (NDArray o : ex.forward(true)) r.add(o.toFloatArray());
                ex.backward();
                for (NDArray g : ex.gradArrays()) if (g != null) r.add(g.toFloatArray());
            }
            if (monitor) assertFalse(seen.isEmpty());
        }
        return r;
    }

    static void assertSame(List<float[]> want, List<float[]> got, String what) {
        assertEquals(want.size(), got.size(), what);
        for (int i = 0; i < want.size(); i++) assertArrayEquals(want.get(i), got.get(i), what + ": array " + i);
    }

    @Test
    void bulkAndPerNodePushesGiveIdenticalResults() {
        Map<String, Shape> mlpShapes = Map.of("data", Shape.of(5, 20)), lenetShapes = Map.of("data", Shape.of(2, 1, 28, 28));
        Map<String, Shape> brShapes = Map.of("data", Shape.of(3, 7));
        for (BulkExecution b : new BulkExecution[] {SMALL, new BulkExecution(true, true, 15, 15)}) {
            assertSame(run(mlp(), mlpShapes, "write", BulkExecution.OFF, false, 2), run(mlp(), mlpShapes, "write", b, false, 2), "MLP " + b);
            assertSame(run(lenet(), lenetShapes, "write", BulkExecution.OFF, false, 2), run(lenet(), lenetShapes, "write", b, false, 2), "LeNet " + b);
            // grad_req add: gradients accumulate over the three steps
            assertSame(run(branching(), brShapes, "add", BulkExecution.OFF, false, 3), run(branching(), brShapes, "add", b, false, 3), "branching, add " + b);
            assertSame(run(mlp(), mlpShapes, "write", BulkExecution.OFF, false, 2), run(mlp(), mlpShapes, "write", b, true, 2), "MLP, monitored " + b);
        }
    }

    @Test
    void segmentsFollowTheSettings() {
        Map<String, Shape> shapes = Map.of("data", Shape.of(5, 20));
        try (var s = BulkExecution.override(SMALL);
             Executor train = Executor.simpleBind(mlp(), Context.cpu(), "write", null, null, shapes);
             Executor infer = Executor.simpleBind(mlp(), Context.cpu(), "null", null, null, shapes)) {
            int fwd = train.bound.segmentSizes(0).length, bwd = train.bound.segmentSizes(1).length;
            assertTrue(fwd > 1 && bwd > 1, fwd + " " + bwd);
            for (int n : train.bound.segmentSizes(0)) assertTrue(n <= 3);
            for (int n : train.bound.segmentSizes(1)) assertTrue(n <= 2);
            assertEquals(3, train.bound.segmentSizes(0)[0], "a forward segment fills up to the limit");
            int[] inf = infer.bound.segmentSizes(0);
            assertEquals(1, inf.length, "inference: the whole forward is one segment, " + Arrays.toString(inf));
            assertEquals(6, inf[0], "3 FullyConnected, 2 relu, SoftmaxOutput");
        }
        try (var s = BulkExecution.override(BulkExecution.OFF);
             Executor off = Executor.simpleBind(mlp(), Context.cpu(), "write", null, null, shapes)) {
            for (int ph = 0; ph < 2; ph++) for (int n : off.bound.segmentSizes(ph)) assertEquals(1, n);
        }
        try (var s = BulkExecution.override(new BulkExecution(false, true, 15, 15));
             Executor train = Executor.simpleBind(mlp(), Context.cpu(), "write", null, null, shapes)) {
            for (int n : train.bound.segmentSizes(0)) assertEquals(1, n, "MXNET_EXEC_BULK_EXEC_TRAIN=0: no bulking in a training executor");
        }
    }

    @Test
    void aKernelFailingInsideASegmentReachesTheUser() {
        TestOps.ensure();
        Symbol x = Symbol.var("x");
        Symbol a = Symbol.create("_test_plus_scalar", "a", Map.of("scalar", 1.0), x);
        Symbol bad = Symbol.create("_test_plus_scalar", "b", Map.of(), Symbol.create("_test_fail", "f", Map.of(), a));
        Symbol ok = Symbol.create("_test_plus_scalar", "c", Map.of("scalar", 2.0), x);
        Symbol net = Symbol.group(List.of(bad, ok));
        for (BulkExecution b : new BulkExecution[] {BulkExecution.OFF, new BulkExecution(true, true, 15, 15)}) {
            try (var s = BulkExecution.override(b);
                 Executor ex = Executor.simpleBind(net, Context.cpu(), "null", null, null, Map.of("x", Shape.of(3)))) {
                assertEquals(b == BulkExecution.OFF ? 4 : 1, ex.bound.segmentSizes(0).length);
                for (int round = 0; round < 2; round++) { // the engine keeps working, and the next run fails again
                    List<NDArray> out = ex.forward(false);
                    NDArray after = out.get(0).add(1); // pushed before the wait below clears the error on out[0]
                    EngineException e = assertThrows(EngineException.class, () -> out.get(0).waitToRead(), b.toString());
                    assertTrue(e.getMessage().contains("deliberate kernel failure") && e.getMessage().contains("_test_fail"), e.getMessage());
                    if (b == BulkExecution.OFF) {
                        assertArrayEquals(new float[] {2, 2, 2}, out.get(1).toFloatArray());
                    } else {
                        // as in MXNet: the failed segment's error is on every array it writes, the independent branch included
                        assertThrows(EngineException.class, () -> out.get(1).waitToRead());
                    }
                    // and it flowed downstream into an operation that read the failed output
                    assertThrows(EngineException.class, after::toFloatArray);
                    NDArray.waitAll();
                }
            }
        }
    }

    @Test
    void segmentsBeforeAFailedOneAreUnaffected() {
        TestOps.ensure();
        NodeBuilder nb = new NodeBuilder();
        Node x = Node.variable("x");
        List<NodeEntry> chain = new ArrayList<>();
        NodeEntry e = x.output(0);
        for (String op : new String[] {"_test_plus_scalar", "_test_plus_scalar", "_test_fail", "_test_plus_scalar", "_test_plus_scalar"}) {
            e = nb.node("n" + chain.size(), op, new HashMap<>(), e).output(0);
            chain.add(e);
        }
        Map<Node, NDArray[]> given = new IdentityHashMap<>();
        given.put(x, new NDArray[] {NDArray.array(new float[] {0, 1})});
        // single-phase plans segment as a backward: limit 2 gives [p, p] [fail, p] [p]
        Executor.Options noFusion = Executor.Options.DEFAULT.withFusion(false);
        try (var s = BulkExecution.override(SMALL);
             GraphPlan p = GraphPlan.build(Graph.of(chain), given, Map.of(), Context.cpu(), noFusion)) {
            assertArrayEquals(new int[] {2, 2, 1}, p.segmentSizes(0));
            p.run(true);
            assertArrayEquals(new float[] {2, 3}, p.value(chain.get(1)).toFloatArray(), "written by the segment before the failure");
            EngineException err = assertThrows(EngineException.class, () -> p.value(chain.get(4)).waitToRead());
            assertTrue(err.getMessage().contains("_test_fail"), err.getMessage());
            assertThrows(EngineException.class, () -> p.value(chain.get(3)).waitToRead(), "the failed segment's other output");
            NDArray.waitAll();
        }
    }
}
