package dev.mxj.executor;

import dev.mxj.Context;
import dev.mxj.graph.Graph;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Shape;
import dev.mxj.op.defs.FusedOps;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Element-wise fusion (MXNet's pointwise fusion pass, for the CPU): chains of fusible
 * element-wise nodes ({@link FusedOps#isFusible}) whose intermediate values nobody else reads
 * become one {@link FusedOps#NAME} node, which makes one pass over memory. The graph is left as
 * it is; the result says which nodes are absorbed into which group, and memory planning and the
 * executor's operations follow it, so an absorbed node's output is never allocated.
 *
 * <p>A value may be absorbed only when every read of it is by the node that absorbs it, it is not
 * a graph output (a requested output or gradient) nor bound to an array, and both nodes run in the
 * same phase (forward or backward), on the same context, with the same shape and floating dtype.
 * So every group has exactly one value read from outside, its last node's, and runs where that
 * node ran. Groups of one node are left alone.
 */
final class Fusion {
    /** Steps per fused node: registers stay in cache, and programs stay short to read in debug output. */
    static final int MAX_STEPS = 32;
    /** Inputs per fused node. */
    static final int MAX_INPUTS = 16;

    private Fusion() {}

    /**
     * One fused node: its member nodes in execution order (the tail last), the entries it reads
     * from outside in program register order, and the fused operator's attributes.
     */
    record Group(int tail, int[] members, List<NodeEntry> inputs, Attrs attrs) {}

    /** What fusion decided: {@code absorbedInto[i]} is the tail of the group node i was absorbed into, or -1. */
    record Result(int[] absorbedInto, Map<Integer, Group> groups, long droppedBytes) {
        static Result none(int n) {
            int[] a = new int[n];
            java.util.Arrays.fill(a, -1);
            return new Result(a, Map.of(), 0);
        }

        boolean absorbed(int node) { return absorbedInto[node] >= 0; }

        /** The inputs node {@code i} reads when it runs: a group's external inputs for a tail, else its own. */
        List<NodeEntry> inputsOf(Graph g, int i) {
            Group gr = groups.get(i);
            return gr != null ? gr.inputs : g.nodes().get(i).inputs();
        }

        Attrs attrsOf(Graph g, int i) {
            Group gr = groups.get(i);
            return gr != null ? gr.attrs : g.nodes().get(i).attrs();
        }
    }

    /**
     * @param order    execution order (node ids)
     * @param external entries whose memory is given (variables, leaves, bound outputs)
     * @param phase    phase of each node (forward 0, backward 1)
     */
    static Result find(Graph g, int[] order, Shape[] shapes, DType[] types, long[] bytes, Context[] nodeCtx, boolean[] external, int[] phase) {
        int n = g.numNodes();
        int[] nodeReads = new int[g.numEntries()];
        for (int i = 0; i < n; i++) {
            Node node = g.nodes().get(i);
            if (node.isVariable() || g.isLeaf(i)) continue;
            for (NodeEntry e : node.inputs()) nodeReads[g.entryId(e)]++;
        }
        boolean[] isOutput = new boolean[g.numEntries()];
        for (NodeEntry o : g.outputs()) isOutput[g.entryId(o)] = true;

        int[] position = new int[n];
        for (int k = 0; k < order.length; k++) position[order[k]] = k;
        @SuppressWarnings("unchecked")
        List<Integer>[] members = new List[n];
        int[] absorbedInto = new int[n];
        java.util.Arrays.fill(absorbedInto, -1);
        for (int i : order) {
            if (!fusibleNode(g, i, shapes, types)) continue;
            Node node = g.nodes().get(i);
            int out = g.entryId(i, 0);
            List<Integer> mine = new ArrayList<>(List.of(i));
            for (NodeEntry e : node.inputs()) {
                int id = g.entryId(e), p = g.nodeId(e.node());
                if (members[p] == null || mine.contains(p)) continue; // not a group tail, or merged already (read twice)
                if (external[id] || isOutput[id] || readsBy(node, e) != nodeReads[id]) continue;
                if (phase[p] != phase[i] || !nodeCtx[p].equals(nodeCtx[i]) || !shapes[id].equals(shapes[out]) || types[id] != types[out]) continue;
                if (members[p].size() + mine.size() > MAX_STEPS) continue;
                mine.addAll(0, members[p]);
                members[p] = null;
            }
            mine.sort(Comparator.comparingInt(m -> position[m]));
            if (countInputs(g, mine) > MAX_INPUTS) mine = new ArrayList<>(List.of(i)); // too wide: leave it unfused
            members[i] = mine;
        }

        Map<Integer, Group> groups = new HashMap<>();
        long dropped = 0;
        for (int i = 0; i < n; i++) {
            if (members[i] == null || members[i].size() < 2) continue;
            Group gr;
            try {
                gr = group(g, i, members[i]);
            } catch (IllegalArgumentException e) {
                continue; // a parameter the program syntax cannot carry: leave these nodes unfused
            }
            groups.put(i, gr);
            for (int m : gr.members) {
                if (m == i) continue;
                absorbedInto[m] = i;
                dropped += bytes[g.entryId(m, 0)];
            }
        }
        return new Result(absorbedInto, Map.copyOf(groups), dropped);
    }

    private static boolean fusibleNode(Graph g, int i, Shape[] shapes, DType[] types) {
        Node node = g.nodes().get(i);
        if (node.isVariable() || g.isLeaf(i) || !FusedOps.isFusible(node.attrs())) return false;
        int out = g.entryId(i, 0);
        if (types[out] == null || !types[out].isFloating() || shapes[out] == null) return false;
        for (NodeEntry e : node.inputs()) {
            int id = g.entryId(e);
            if (types[id] != types[out] || !shapes[out].equals(shapes[id])) return false;
        }
        return true;
    }

    private static int readsBy(Node node, NodeEntry e) {
        int c = 0;
        for (NodeEntry in : node.inputs()) if (in.equals(e)) c++;
        return c;
    }

    private static int countInputs(Graph g, List<Integer> members) {
        return externalInputs(g, members).size();
    }

    /** Entries the members read that no member produces, in first-read order. */
    private static List<NodeEntry> externalInputs(Graph g, List<Integer> members) {
        List<NodeEntry> r = new ArrayList<>();
        for (int m : members) {
            for (NodeEntry e : g.nodes().get(m).inputs()) {
                if (!members.contains(g.nodeId(e.node())) && !r.contains(e)) r.add(e);
            }
        }
        return r;
    }

    private static Group group(Graph g, int tail, List<Integer> members) {
        List<NodeEntry> inputs = externalInputs(g, members);
        Map<Integer, Integer> register = new HashMap<>(); // member node id -> its register
        List<FusedOps.Step> steps = new ArrayList<>();
        for (int m : members) {
            Node node = g.nodes().get(m);
            int[] args = new int[node.inputs().size()];
            for (int k = 0; k < args.length; k++) {
                NodeEntry e = node.inputs().get(k);
                Integer r = register.get(g.nodeId(e.node()));
                args[k] = r != null ? r : inputs.indexOf(e);
            }
            register.put(m, inputs.size() + steps.size());
            steps.add(new FusedOps.Step(node.attrs(), args));
        }
        Attrs attrs = OpRegistry.global().get(FusedOps.NAME).parseAttrs(Map.of("num_args", inputs.size(), "program", FusedOps.format(steps)));
        return new Group(tail, members.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(inputs), attrs);
    }
}
