package dev.mxj.device.conformance;

import dev.mxj.op.Attrs;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.graph.GradContext;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds and evaluates small operator graphs on one device, node by node through
 * {@link OpRunner}. Used to run an operator's declared gradient (a graph of operator nodes)
 * in tests and the conformance kit; the runtime's executor does the real thing.
 */
public final class GraphEvaluator {
    private final OpRunner runner;
    private final boolean train;
    private final long seed;

    public GraphEvaluator(OpRunner runner, boolean train, long seed) {
        this.runner = runner;
        this.train = train;
        this.seed = seed;
    }

    /** Value of each entry, given values for the variables (by node). */
    public List<HostArray> evaluate(List<NodeEntry> entries, Map<Node, HostArray> variables) {
        Map<Node, List<HostArray>> memo = new IdentityHashMap<>();
        List<HostArray> r = new ArrayList<>();
        for (NodeEntry e : entries) r.add(eval(e.node(), variables, memo).get(e.index()));
        return r;
    }

    private List<HostArray> eval(Node n, Map<Node, HostArray> vars, Map<Node, List<HostArray>> memo) {
        List<HostArray> v = memo.get(n);
        if (v != null) return v;
        if (n.isVariable()) {
            HostArray h = vars.get(n);
            if (h == null) throw new IllegalArgumentException("no value for variable " + n.name());
            v = List.of(h);
        } else {
            List<HostArray> ins = new ArrayList<>();
            for (NodeEntry e : n.inputs()) ins.add(eval(e.node(), vars, memo).get(e.index()));
            v = runner.run(n.attrs(), ins, train, seed).outputs();
        }
        memo.put(n, v);
        return v;
    }

    /**
     * The {@link GradContext} of one forward node: gradient nodes are created through the
     * registry, named after the forward node.
     */
    public static GradContext gradContext(Node forward, List<NodeEntry> outGrads, OpRegistry registry) {
        return new GradContext() {
            private int counter;

            @Override public Node node() { return forward; }

            @Override public NodeEntry outGrad(int i) { return outGrads.get(i); }

            @Override
            public Node node(String opName, Map<String, ?> params, NodeEntry... inputs) {
                OpDef op = registry.get(opName);
                Map<String, Object> p = new LinkedHashMap<>(params);
                if (op.keyVarNumArgs() != null && !p.containsKey(op.keyVarNumArgs())) p.put(op.keyVarNumArgs(), inputs.length);
                Attrs a = op.parseAttrs(p);
                return Node.op(a, forward.name() + "_backward_" + opName + "_" + (counter++), List.of(inputs));
            }
        };
    }

    /** Variables for a list of values, in order, named prefix0, prefix1, ... */
    public static Map<Node, HostArray> bind(List<Node> nodes, List<HostArray> values) {
        Map<Node, HostArray> m = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) m.put(nodes.get(i), values.get(i));
        return m;
    }
}
