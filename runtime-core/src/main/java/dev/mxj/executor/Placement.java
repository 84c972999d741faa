package dev.mxj.executor;

import dev.mxj.Context;
import dev.mxj.graph.GradientPass;
import dev.mxj.graph.Graph;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;
import dev.mxj.symbol.Symbol;

import java.util.List;
import java.util.Map;

/**
 * Device placement for {@code group2ctx} (NNVM's PlaceDevice, simplified): a node whose
 * {@code __ctx_group__} attribute (set with {@code AttrScope(ctx_group=...)}) names a group in
 * {@code group2ctx} runs on that context; a backward node runs where its forward node runs
 * ({@link GradientPass#forwardNodeOf}); another operator without a group runs where its first
 * input was placed, and a variable without one lives where its first consumer runs. Anything left is on the default
 * context. Values crossing contexts are copied by the executor.
 */
final class Placement {
    private Placement() {}

    static final String CTX_GROUP = "__ctx_group__";

    private static Context group(Node n, Map<String, Context> group2ctx) {
        if (group2ctx.isEmpty()) return null;
        String g = Symbol.nodeAttrs(n).get(CTX_GROUP);
        return g == null ? null : group2ctx.get(g);
    }

    /**
     * The context of every node of {@code g}, by node id.
     *
     * @param given arrays of variables and of leaves (nodes whose values are given), whose contexts
     *              are their placement; variables not in it are placed as above
     */
    static Context[] nodes(Graph g, Map<Node, NDArray[]> given, Context dflt, Map<String, Context> group2ctx) {
        int n = g.numNodes();
        Context[] c = new Context[n];
        // forward nodes and variables first, so backward nodes can follow them
        for (int pass = 0; pass < 2; pass++) for (int i = 0; i < n; i++) {
            if ((GradientPass.forwardNodeOf(g.nodes().get(i)) == null) != (pass == 0)) continue;
            Node node = g.nodes().get(i);
            if (node.isVariable() || g.isLeaf(i)) {
                NDArray[] a = given == null ? null : given.get(node);
                c[i] = a != null ? a[0].context() : group(node, group2ctx);
                continue;
            }
            Context own = group(node, group2ctx);
            Node fwd = GradientPass.forwardNodeOf(node);
            if (own == null && fwd != null && g.contains(fwd)) own = c[g.nodeId(fwd)];
            if (own == null) {
                for (NodeEntry in : node.inputs()) {
                    own = c[g.nodeId(in.node())];
                    if (own != null) break;
                }
            }
            c[i] = own != null ? own : dflt;
        }
        // variables still unplaced: where their first consumer runs
        for (int i = 0; i < n; i++) {
            Node node = g.nodes().get(i);
            if (node.isVariable() || g.isLeaf(i)) continue;
            for (NodeEntry in : node.inputs()) {
                int p = g.nodeId(in.node());
                if (c[p] == null) c[p] = c[i];
            }
        }
        for (int i = 0; i < n; i++) if (c[i] == null) c[i] = dflt;
        return c;
    }

    /** Where simple_bind allocates each input variable of {@code symbol}, by name. */
    static Map<String, Context> variables(Symbol symbol, Context dflt, Map<String, Context> group2ctx) {
        Graph g = Graph.of(symbol.outputs());
        Context[] c = nodes(g, null, dflt, group2ctx);
        Map<String, Context> r = new java.util.HashMap<>();
        for (int i = 0; i < g.numNodes(); i++) if (g.nodes().get(i).isVariable()) r.putIfAbsent(g.nodes().get(i).name(), c[i]);
        return r;
    }

    static boolean uniform(Context[] c) {
        for (Context x : c) if (!x.equals(c[0])) return false;
        return true;
    }

    static List<Context> distinct(Context[] c) {
        List<Context> l = new java.util.ArrayList<>();
        for (Context x : c) if (!l.contains(x)) l.add(x);
        return l;
    }
}
