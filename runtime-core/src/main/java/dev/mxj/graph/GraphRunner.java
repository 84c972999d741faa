package dev.mxj.graph;

import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.OperatorException;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a graph on NDArrays, one {@link Imperative#invoke(dev.mxj.op.Attrs, NDArray[])} per node
 * in topological order (so the engine overlaps independent nodes). Nodes whose values are given
 * are not computed and their inputs are not visited; intermediate arrays are closed after their
 * last reader was pushed, so a long gradient graph holds only what is still to be read. Outputs
 * no node reads and nobody asked for are requested with OpReq.NULL, so a multi-output gradient
 * operator skips them (the data gradient of a first layer, say). Calls
 * are recorded when autograd is recording, which is how higher-order gradients are built.
 */
public final class GraphRunner {
    private GraphRunner() {}

    /**
     * The values of {@code outputs}, each a fresh array owned by the caller (a given value asked
     * for as an output is copied through {@code _copy}).
     *
     * @param given values of every output of some nodes (variables must all be given)
     */
    public static List<NDArray> run(List<NodeEntry> outputs, Map<Node, NDArray[]> given) {
        Graph g = Graph.of(outputs, given::containsKey);
        NDArray[] vals = new NDArray[g.numEntries()];
        boolean[] owned = new boolean[g.numEntries()];
        int[] uses = g.entryUseCounts();
        try {
            for (int i = 0; i < g.numNodes(); i++) {
                Node n = g.nodes().get(i);
                NDArray[] v = given.get(n);
                if (v != null) {
                    for (int j = 0; j < n.numOutputs(); j++) vals[g.entryId(i, j)] = v[j];
                    continue;
                }
                if (n.isVariable()) throw new GraphException("no value given for variable " + n.name());
                NDArray[] ins = new NDArray[n.inputs().size()];
                for (int k = 0; k < ins.length; k++) ins[k] = vals[g.entryId(n.inputs().get(k))];
                // outputs nobody reads (a gradient towards an input that leads to no variable): OpReq.NULL
                boolean[] unneeded = null;
                for (int j = 0; j < n.numOutputs(); j++) {
                    if (uses[g.entryId(i, j)] != 0) continue;
                    if (unneeded == null) unneeded = new boolean[n.numOutputs()];
                    unneeded[j] = true;
                }
                NDArray[] outs;
                try {
                    outs = Imperative.invoke(n.attrs(), ins, unneeded);
                } catch (OperatorException e) {
                    throw new GraphException("node " + n.name() + ": " + e.getMessage(), e);
                }
                for (int j = 0; j < outs.length; j++) {
                    int id = g.entryId(i, j);
                    vals[id] = outs[j];
                    owned[id] = true;
                    if (uses[id] == 0) release(vals, owned, id);
                }
                for (NodeEntry in : n.inputs()) {
                    int id = g.entryId(in);
                    if (--uses[id] == 0) release(vals, owned, id);
                }
            }
            List<NDArray> r = new ArrayList<>(outputs.size());
            for (NodeEntry o : outputs) {
                int id = g.entryId(o);
                if (owned[id]) {
                    owned[id] = false; // handed over; a second request of the same entry gets a copy
                    r.add(vals[id]);
                } else {
                    r.add(Imperative.invoke1("_copy", new NDArray[] {vals[id]}, null, null));
                }
            }
            return r;
        } finally {
            for (int id = 0; id < vals.length; id++) if (owned[id]) release(vals, owned, id);
        }
    }

    private static void release(NDArray[] vals, boolean[] owned, int id) {
        if (!owned[id] || vals[id] == null) return;
        vals[id].close();
        vals[id] = null;
        owned[id] = false;
    }
}
