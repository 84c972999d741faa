package dev.mxj.graph;

import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A graph given by its output entries, indexed once (NNVM's IndexedGraph): nodes in a
 * topological order (every node after its inputs), a dense id per node and per node entry, so
 * passes keep their per-entry results in arrays instead of maps. Shared by autograd, the
 * gradient pass and, later, Symbol/Executor; the graph does not change after construction.
 */
public final class Graph {
    private final List<NodeEntry> outputs;
    private final List<Node> nodes;
    private final Map<Node, Integer> nodeIds;
    /** Id of a node's first output entry; entries of node i are entryStart[i] .. entryStart[i+1]-1. */
    private final int[] entryStart;
    /** Nodes whose values are given: their inputs are outside the graph. */
    private final boolean[] leaf;

    private Graph(List<NodeEntry> outputs, List<Node> nodes, Predicate<Node> isLeaf) {
        this.outputs = List.copyOf(outputs);
        this.nodes = Collections.unmodifiableList(nodes);
        this.nodeIds = new IdentityHashMap<>(nodes.size() * 2);
        this.entryStart = new int[nodes.size() + 1];
        this.leaf = new boolean[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            leaf[i] = isLeaf.test(nodes.get(i));
            nodeIds.put(nodes.get(i), i);
            entryStart[i + 1] = entryStart[i] + nodes.get(i).numOutputs();
        }
    }

    /** The graph of everything {@code outputs} depend on. */
    public static Graph of(List<NodeEntry> outputs) { return of(outputs, n -> false); }

    /**
     * The graph of what {@code outputs} depend on, not looking behind nodes for which
     * {@code leaf} holds (their values are given; their inputs are not part of the graph).
     */
    public static Graph of(List<NodeEntry> outputs, Predicate<Node> leaf) {
        List<Node> order = new ArrayList<>();
        Map<Node, Boolean> seen = new IdentityHashMap<>();
        // iterative post-order DFS: deep graphs (long recorded loops) must not overflow the stack
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        for (NodeEntry out : outputs) {
            if (seen.containsKey(out.node())) continue;
            seen.put(out.node(), Boolean.TRUE);
            stack.push(new Object[] {out.node(), 0});
            while (!stack.isEmpty()) {
                Object[] top = stack.peek();
                Node n = (Node) top[0];
                int next = (Integer) top[1];
                List<NodeEntry> ins = leaf.test(n) ? List.of() : n.inputs();
                if (next < ins.size()) {
                    top[1] = next + 1;
                    Node in = ins.get(next).node();
                    if (!seen.containsKey(in)) {
                        seen.put(in, Boolean.TRUE);
                        stack.push(new Object[] {in, 0});
                    }
                } else {
                    stack.pop();
                    order.add(n);
                }
            }
        }
        return new Graph(outputs, order, leaf);
    }

    public List<NodeEntry> outputs() { return outputs; }

    /** Nodes in topological order. */
    public List<Node> nodes() { return nodes; }

    public int numNodes() { return nodes.size(); }

    public int numEntries() { return entryStart[nodes.size()]; }

    /** Whether node {@code id} was cut off as a leaf (its value is given) when the graph was built. */
    public boolean isLeaf(int id) { return leaf[id]; }

    public boolean contains(Node n) { return nodeIds.containsKey(n); }

    /** Position of {@code n} in {@link #nodes()}; fails for a node outside the graph. */
    public int nodeId(Node n) {
        Integer id = nodeIds.get(n);
        if (id == null) throw new IllegalArgumentException("node " + n.name() + " is not in this graph");
        return id;
    }

    public int entryId(NodeEntry e) { return entryStart[nodeId(e.node())] + e.index(); }

    public int entryId(int nodeId, int index) { return entryStart[nodeId] + index; }

    /** Variable nodes (arguments and auxiliary states), in topological order. */
    public List<Node> variables() {
        List<Node> r = new ArrayList<>();
        for (Node n : nodes) if (n.isVariable()) r.add(n);
        return r;
    }

    /** How many times each entry is read: by other nodes of the graph and as a graph output. */
    public int[] entryUseCounts() {
        int[] uses = new int[numEntries()];
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n.isVariable() || leaf[i]) continue;
            for (NodeEntry e : n.inputs()) {
                Integer id = nodeIds.get(e.node());
                if (id != null) uses[entryStart[id] + e.index()]++;
            }
        }
        for (NodeEntry o : outputs) uses[entryId(o)]++;
        return uses;
    }
}
