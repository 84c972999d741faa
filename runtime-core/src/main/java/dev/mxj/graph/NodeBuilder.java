package dev.mxj.graph;

import dev.mxj.op.Attrs;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates operator nodes from an operator name and parameters in any accepted form (typed
 * values or MXNet strings), filling in {@code num_args} for variadic operators; names are a
 * prefix plus a counter, so the nodes of one pass are told apart in error messages.
 */
public final class NodeBuilder {
    private final OpRegistry registry;
    private int counter;

    public NodeBuilder(OpRegistry registry) { this.registry = registry; }

    public NodeBuilder() { this(OpRegistry.global()); }

    public Node node(String prefix, String opName, Map<String, ?> params, NodeEntry... inputs) {
        OpDef op = registry.get(opName);
        Map<String, ?> p = params;
        String key = op.keyVarNumArgs();
        if (key != null && !params.containsKey(key)) {
            Map<String, Object> m = new HashMap<>(params);
            m.put(key, inputs.length);
            p = m;
        }
        Attrs a = op.parseAttrs(p);
        return Node.op(a, prefix + "_" + op.name() + (counter++), List.of(inputs));
    }

    public NodeEntry op(String prefix, String opName, NodeEntry... inputs) {
        return node(prefix, opName, Map.of(), inputs).output(0);
    }
}
