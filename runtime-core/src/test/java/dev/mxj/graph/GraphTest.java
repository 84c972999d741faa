package dev.mxj.graph;

import dev.mxj.Context;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;
import org.junit.jupiter.api.Test;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Graph indexing, the gradient pass, inference passes and the runner on small graphs. */
class GraphTest {
    private final NodeBuilder nb = new NodeBuilder();
    private final Node x = Node.variable("x"), y = Node.variable("y");

    private NodeEntry op(String name, NodeEntry... in) { return nb.op("t", name, in); }

    private static NDArray arr(double... v) { return NDArray.array(v, Shape.of(v.length), DType.FLOAT64, Context.cpu()); }

    @Test
    void topologicalOrderAndEntryIndex() {
        NodeEntry a = op("elemwise_mul", x.output(0), y.output(0));
        NodeEntry b = op("elemwise_add", a, x.output(0));
        Graph g = Graph.of(List.of(b));
        List<Node> order = g.nodes();
        assertEquals(4, order.size());
        assertTrue(g.nodeId(x) < g.nodeId(a.node()) && g.nodeId(y) < g.nodeId(a.node()) && g.nodeId(a.node()) < g.nodeId(b.node()));
        assertEquals(List.of(x, y), g.variables());
        int[] uses = g.entryUseCounts();
        assertEquals(2, uses[g.entryId(x.output(0))]);
        assertEquals(1, uses[g.entryId(b)], "read as the graph's output");
        Graph cut = Graph.of(List.of(b), n -> n == a.node());
        assertFalse(cut.contains(y), "nothing behind a leaf");
    }

    @Test
    void deepChainsDoNotOverflowTheStack() {
        NodeEntry e = x.output(0);
        for (int i = 0; i < 50_000; i++) e = op("negative", e);
        assertEquals(50_001, Graph.of(List.of(e)).numNodes());
    }

    @Test
    void gradientsOfEntriesReadTwiceAreSummedByANode() {
        NodeEntry a = op("elemwise_mul", x.output(0), x.output(0)); // x read twice by one node
        NodeEntry b = op("elemwise_add", a, x.output(0));           // and once more
        Node head = Node.variable("head");
        NodeEntry gx = GradientPass.gradients(List.of(b), List.of(head.output(0)), List.of(x.output(0)), nb).get(0);
        assertEquals("add_n", gx.node().op().name(), "three contributions: one explicit sum");
        Map<Node, NDArray[]> vals = new IdentityHashMap<>();
        vals.put(x, new NDArray[] {arr(1, 2, 3)});
        vals.put(head, new NDArray[] {arr(1, 1, 2)});
        assertArrayEquals(new double[] {3, 5, 14}, GraphRunner.run(List.of(gx), vals).get(0).toDoubleArray(), 1e-12); // (2x + 1) * head
    }

    @Test
    void unreachedVariablesGetZerosAndOffPathOperatorsAreNotDifferentiated() {
        NodeEntry idx = op("argmax", y.output(0));                    // not differentiable, but no x behind it
        NodeEntry b = op("elemwise_add", op("negative", x.output(0)), op("_copy", idx));
        Node head = Node.variable("head");
        List<NodeEntry> gs = GradientPass.gradients(List.of(b), List.of(head.output(0)), List.of(x.output(0), y.output(0)), nb);
        assertEquals("zeros_like", gs.get(1).node().op().name());
        Map<Node, NDArray[]> vals = new IdentityHashMap<>();
        vals.put(x, new NDArray[] {arr(1, 2)});
        vals.put(y, new NDArray[] {arr(5)});
        vals.put(head, new NDArray[] {arr(1, 1)});
        // the forward part must be computed too: the runner evaluates what the gradients need
        List<NDArray> r = GraphRunner.run(gs, vals);
        assertArrayEquals(new double[] {-1, -1}, r.get(0).toDoubleArray());
        assertArrayEquals(new double[] {0}, r.get(1).toDoubleArray());
    }

    @Test
    void aNonDifferentiableOperatorOnThePathIsNamed() {
        NodeEntry b = op("_copy", op("_backward_gamma", x.output(0), x.output(0))); // declares no gradient (needs trigamma)
        Node head = Node.variable("head");
        GraphException e = assertThrows(GraphException.class,
                () -> GradientPass.gradients(List.of(b), List.of(head.output(0)), List.of(x.output(0)), nb));
        assertTrue(e.getMessage().contains("_backward_gamma") && e.getMessage().contains("not differentiable"), e.getMessage());
    }

    @Test
    void shapeInferenceRunsBothWaysToAFixpoint() {
        NodeEntry a = op("elemwise_add", x.output(0), y.output(0));
        NodeEntry b = op("relu", a);
        Graph g = Graph.of(List.of(b));
        var fromInput = GraphInference.shapes(g, Map.of(x.output(0), Shape.of(2, 3)));
        assertTrue(fromInput.complete());
        assertEquals(Shape.of(2, 3), fromInput.get(y.output(0)), "y from x through elemwise_add");
        assertEquals(Shape.of(2, 3), fromInput.get(b));
        var fromOutput = GraphInference.shapes(g, Map.of(b, Shape.of(4)));
        assertEquals(Shape.of(4), fromOutput.get(x.output(0)), "inputs from a known output");
        var partial = GraphInference.shapes(Graph.of(List.of(op("dot", x.output(0), y.output(0)))), Map.of(x.output(0), Shape.of(2, 3)));
        assertFalse(partial.complete());
        GraphException e = assertThrows(GraphException.class,
                () -> GraphInference.shapes(g, Map.of(x.output(0), Shape.of(2, 3), y.output(0), Shape.of(3, 2))));
        assertTrue(e.getMessage().contains(a.node().name()) && e.getMessage().contains("elemwise_add"), e.getMessage());
    }

    @Test
    void typeInference() {
        NodeEntry a = op("elemwise_add", x.output(0), y.output(0));
        Graph g = Graph.of(List.of(op("relu", a)));
        var r = GraphInference.types(g, Map.of(x.output(0), DType.FLOAT16));
        assertTrue(r.complete());
        assertEquals(DType.FLOAT16, r.get(y.output(0)));
        assertThrows(GraphException.class, () -> GraphInference.types(g, Map.of(x.output(0), DType.FLOAT16, y.output(0), DType.FLOAT32)));
    }

    @Test
    void dtypeParameterDecidesTypeWithoutInputTypes() {
        NodeEntry cast = nb.node("t", "Cast", Map.of("dtype", "float16"), x.output(0)).output(0);
        NodeEntry sum = op("elemwise_add", cast, y.output(0));
        Graph g = Graph.of(List.of(op("relu", sum)));
        var r = GraphInference.types(g, Map.of());
        assertEquals(DType.FLOAT16, r.get(cast), "Cast's output from its dtype");
        assertEquals(DType.FLOAT16, r.get(y.output(0)), "and onwards to the other operand");
        assertNull(r.get(x.output(0)), "Cast's input stays unknown");
        assertFalse(r.complete());
        assertNull(GraphInference.types(Graph.of(List.of(op("relu", x.output(0)))), Map.of()).get(x.output(0)),
                "an operator without a dtype parameter decides nothing alone");
    }

    @Test
    void runnerReturnsFreshArraysEvenForGivenValues() {
        NDArray xv = arr(1, 2);
        Map<Node, NDArray[]> vals = new IdentityHashMap<>();
        vals.put(x, new NDArray[] {xv});
        List<NDArray> r = GraphRunner.run(List.of(x.output(0), op("negative", x.output(0))), vals);
        assertNotSame(xv, r.get(0));
        assertFalse(r.get(0).sharesMemoryWith(xv));
        assertArrayEquals(new double[] {-1, -2}, r.get(1).toDoubleArray());
        assertThrows(GraphException.class, () -> GraphRunner.run(List.of(op("negative", y.output(0))), vals));
    }
}
