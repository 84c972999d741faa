package dev.mxj.executor;

import dev.mxj.Context;
import dev.mxj.device.OpReq;
import dev.mxj.graph.Graph;
import dev.mxj.graph.NodeBuilder;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.Shape;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;
import org.junit.jupiter.api.Test;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A graph planned once and run repeatedly through pre-built operations; rebinding given values and bound outputs. */
class GraphPlanTest {
    private static final NodeBuilder NB = new NodeBuilder();

    @Test
    void runsRepeatedlyOnTheBoundArrays() {
        Node x = Node.variable("x"), w = Node.variable("w");
        NodeEntry y = NB.op("t", "relu", NB.op("t", "broadcast_add", NB.op("t", "dot", x.output(0), w.output(0)), x.output(0)));
        NDArray xv = NDArray.array(new float[][] {{1, -2}, {3, 4}});
        NDArray wv = NDArray.array(new float[][] {{1, 0}, {0, 1}});
        Map<Node, NDArray[]> given = new IdentityHashMap<>();
        given.put(x, new NDArray[] {xv});
        given.put(w, new NDArray[] {wv});
        try (GraphPlan p = GraphPlan.build(Graph.of(List.of(y)), given, Map.of(), Context.cpu(), Executor.Options.DEFAULT)) {
            p.run(false);
            assertArrayEquals(new float[] {2, 0, 6, 8}, p.value(y).toFloatArray());
            xv.set(new float[] {-1, 1, 0, 2});
            for (int i = 0; i < 100; i++) p.run(true);
            assertArrayEquals(new float[] {0, 2, 0, 4}, p.value(y).toFloatArray());
            assertEquals(Shape.of(2, 2), p.value(y).shape());
        }
    }

    @Test
    void rebindPointsTheOperationsAtNewArrays() {
        // y = (x * 2 + 1) written into a bound array with add; then another x and another target
        Node x = Node.variable("x");
        NodeEntry y = NB.node("t", "_plus_scalar", Map.of("scalar", 1.0), NB.node("t", "_mul_scalar", Map.of("scalar", 2.0), x.output(0)).output(0)).output(0);
        NDArray x1 = NDArray.array(new float[] {1, 2, 3}), t1 = NDArray.array(new float[] {10, 10, 10});
        Map<Node, NDArray[]> given = new IdentityHashMap<>();
        given.put(x, new NDArray[] {x1});
        try (GraphPlan p = GraphPlan.build(Graph.of(List.of(y)), given, Map.of(y, new GraphPlan.Bound(t1, OpReq.ADD, "target")), Context.cpu(),
                Executor.Options.DEFAULT)) {
            assertEquals(1, p.stats().fusedNodes(), "the two scalar ops run fused");
            p.run(true);
            assertArrayEquals(new float[] {13, 15, 17}, t1.toFloatArray());
            NDArray x2 = NDArray.array(new float[] {-1, 0, 1}), t2 = NDArray.zeros(Shape.of(3));
            p.rebind(Map.of(x, new NDArray[] {x2}), Map.of(y, t2));
            p.run(true);
            assertArrayEquals(new float[] {-1, 1, 3}, t2.toFloatArray());
            assertArrayEquals(new float[] {13, 15, 17}, t1.toFloatArray(), "the old target is left alone");
            NDArray wrong = NDArray.zeros(Shape.of(4));
            assertThrows(IllegalArgumentException.class, () -> p.rebind(Map.of(x, new NDArray[] {wrong}), Map.of()));
        }
    }

    @Test
    void unboundVariablesAndUninferableShapesFailClearly() {
        Node x = Node.variable("x");
        Graph g = Graph.of(List.of(NB.op("t", "negative", x.output(0))));
        ExecutorException e = assertThrows(ExecutorException.class, () -> GraphPlan.build(g, Map.of(), Map.of(), Context.cpu(), Executor.Options.DEFAULT));
        assertTrue(e.getMessage().contains("variable x"), e.getMessage());
    }
}
