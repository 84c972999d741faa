package dev.mxj.graph;

import dev.mxj.Context;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.Shape;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;
import org.junit.jupiter.api.Test;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A graph bound once and run repeatedly through pre-built engine operations. */
class BoundGraphTest {
    @Test
    void runsRepeatedlyOnTheBoundArrays() {
        NodeBuilder nb = new NodeBuilder();
        Node x = Node.variable("x"), w = Node.variable("w");
        NodeEntry y = nb.op("t", "relu", nb.op("t", "broadcast_add", nb.op("t", "dot", x.output(0), w.output(0)), x.output(0)));
        NDArray xv = NDArray.array(new float[][] {{1, -2}, {3, 4}});
        NDArray wv = NDArray.array(new float[][] {{1, 0}, {0, 1}});
        Map<Node, NDArray> args = new IdentityHashMap<>();
        args.put(x, xv);
        args.put(w, wv);
        try (BoundGraph b = BoundGraph.bind(Graph.of(List.of(y)), args, Context.cpu())) {
            b.run(false);
            assertArrayEquals(new float[] {2, 0, 6, 8}, b.outputs().get(0).toFloatArray());
            xv.set(new float[] {-1, 1, 0, 2});
            for (int i = 0; i < 100; i++) b.run(true);
            assertArrayEquals(new float[] {0, 2, 0, 4}, b.outputs().get(0).toFloatArray());
            assertEquals(Shape.of(2, 2), b.value(y).shape());
        }
    }

    @Test
    void unboundVariablesAndUninferableShapesFailClearly() {
        NodeBuilder nb = new NodeBuilder();
        Node x = Node.variable("x");
        Graph g = Graph.of(List.of(nb.op("t", "negative", x.output(0))));
        GraphException e = assertThrows(GraphException.class, () -> BoundGraph.bind(g, Map.of(), Context.cpu()));
        assertTrue(e.getMessage().contains("variable x"), e.getMessage());
    }
}
