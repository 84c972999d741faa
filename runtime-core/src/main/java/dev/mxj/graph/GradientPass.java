package dev.mxj.graph;

import dev.mxj.op.OpDef;
import dev.mxj.op.graph.GradContext;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gradient pass (NNVM's {@code Gradient}): builds, as operator nodes, the gradients of
 * outputs {@code ys} (weighted by head gradients {@code yGrads}) with respect to entries
 * {@code xs}. Nodes are visited in reverse topological order; each calls its operator's declared
 * gradient through a {@link GradContext}. An entry read by several nodes receives several
 * gradients, summed by an explicit node ({@code elemwise_add} for two, {@code add_n} for more);
 * an output that receives none gets {@code zeros_like}. Gradients towards inputs an operator
 * mutates (auxiliary states, optimizer states) are dropped, and only nodes that depend on some
 * x are differentiated, so a non-differentiable operator elsewhere in the graph does no harm.
 */
public final class GradientPass {
    /**
     * Key in {@link Node#extra()} of every node this pass creates: the forward node (or variable)
     * whose gradient it computes, so that device placement can put backward work where the
     * forward work ran, as NNVM's PlaceDevice does.
     */
    public static final String FORWARD_NODE = "graph.forwardNode";

    private GradientPass() {}

    /** The forward node {@code n} was created for by this pass, or null for nodes it did not create. */
    public static Node forwardNodeOf(Node n) { return (Node) n.extra().get(FORWARD_NODE); }

    /** Tags a node the pass made (never a forward node or a head-gradient variable the caller gave). */
    private static NodeEntry tag(Graph fwd, NodeEntry e, Node forward) {
        if (!fwd.contains(e.node()) && !e.node().isVariable()) e.node().extra().putIfAbsent(FORWARD_NODE, forward);
        return e;
    }

    /** The gradient of each x, in order (never null: zeros when no gradient reaches it). */
    public static List<NodeEntry> gradients(List<NodeEntry> ys, List<NodeEntry> yGrads, List<NodeEntry> xs, NodeBuilder nb) {
        if (ys.size() != yGrads.size()) throw new IllegalArgumentException(ys.size() + " outputs but " + yGrads.size() + " head gradients");
        Graph g = Graph.of(ys);
        int n = g.numNodes();
        boolean[] active = new boolean[n];
        for (NodeEntry x : xs) if (g.contains(x.node())) active[g.nodeId(x.node())] = true;
        for (int i = 0; i < n; i++) {
            if (active[i]) continue;
            for (NodeEntry in : g.nodes().get(i).inputs()) if (active[g.nodeId(in.node())]) { active[i] = true; break; }
        }

        @SuppressWarnings("unchecked")
        List<NodeEntry>[] grads = new List[g.numEntries()];
        for (int k = 0; k < ys.size(); k++) add(grads, g.entryId(ys.get(k)), yGrads.get(k));

        for (int i = n - 1; i >= 0; i--) {
            Node node = g.nodes().get(i);
            if (node.isVariable() || !active[i]) continue;
            int nout = node.numOutputs();
            List<NodeEntry> outGrads = new ArrayList<>(nout);
            boolean any = false;
            for (int j = 0; j < nout; j++) any |= grads[g.entryId(i, j)] != null;
            if (!any) continue; // no gradient flows through this node
            for (int j = 0; j < nout; j++) {
                NodeEntry out = node.output(j);
                List<NodeEntry> l = grads[g.entryId(i, j)];
                outGrads.add(tag(g, l == null ? nb.op(node.name(), "zeros_like", out) : sum(node.name(), l, nb), node));
            }
            OpDef op = node.op();
            if (op.gradient() == null) {
                throw new GraphException("Operator " + op.name() + " (node " + node.name() + ") is not differentiable: it declares no gradient,"
                        + " but a gradient must flow through it");
            }
            List<NodeEntry> inGrads;
            try {
                inGrads = op.gradient().apply(new Context(node, outGrads, nb));
            } catch (RuntimeException e) {
                throw new GraphException("Gradient of operator " + op.name() + " (node " + node.name() + ") failed: " + e.getMessage(), e);
            }
            if (inGrads.size() != node.inputs().size()) {
                throw new GraphException("Gradient of operator " + op.name() + " (node " + node.name() + ") returned " + inGrads.size()
                        + " entries for " + node.inputs().size() + " inputs");
            }
            int[] mutated = op.mutateInputs(node.attrs());
            for (int k = 0; k < inGrads.size(); k++) {
                NodeEntry in = node.inputs().get(k);
                if (inGrads.get(k) == null || contains(mutated, k) || !active[g.nodeId(in.node())]) continue;
                add(grads, g.entryId(in), inGrads.get(k));
            }
        }

        List<NodeEntry> r = new ArrayList<>(xs.size());
        for (NodeEntry x : xs) {
            List<NodeEntry> l = g.contains(x.node()) ? grads[g.entryId(x)] : null;
            r.add(tag(g, l == null ? nb.op(x.node().name(), "zeros_like", x) : sum(x.node().name(), l, nb), x.node()));
        }
        return r;
    }

    private static void add(List<NodeEntry>[] grads, int id, NodeEntry e) {
        if (grads[id] == null) grads[id] = new ArrayList<>(2);
        grads[id].add(e);
    }

    /** One entry for several gradient contributions: an explicit sum node. */
    private static NodeEntry sum(String prefix, List<NodeEntry> l, NodeBuilder nb) {
        if (l.size() == 1) return l.get(0);
        if (l.size() == 2) return nb.op(prefix + "_sum", "elemwise_add", l.get(0), l.get(1));
        return nb.node(prefix + "_sum", "add_n", Map.of(), l.toArray(NodeEntry[]::new)).output(0);
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) if (x == v) return true;
        return false;
    }

    /** What one operator's gradient function sees; new nodes are named after the forward node. */
    private record Context(Node node, List<NodeEntry> outGrads, NodeBuilder nb) implements GradContext {
        @Override public NodeEntry outGrad(int i) { return outGrads.get(i); }

        @Override public Node node(String opName, Map<String, ?> params, NodeEntry... inputs) {
            Node n = nb.node(node.name() + "_backward", opName, params, inputs);
            n.extra().put(FORWARD_NODE, node);
            return n;
        }
    }
}
