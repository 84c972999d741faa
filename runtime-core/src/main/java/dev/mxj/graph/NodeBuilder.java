package dev.mxj.graph;

import dev.mxj.op.Attrs;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
        return Node.op(parse(op, p), prefix + "_" + op.name() + (counter++), List.of(inputs));
    }

    /**
     * Parsed attributes, shared across passes when the parameters are a small map of immutable
     * values: every backward builds the same gradient nodes again, and equal Attrs objects let the
     * invoke path find its prepared state by identity.
     */
    private static Attrs parse(OpDef op, Map<String, ?> params) {
        if (params.size() > 8 || !immutableValues(params)) return op.parseAttrs(params);
        var key = new CacheKey(op, Map.copyOf(params));
        Attrs a = CACHE.get(key);
        if (a == null) {
            a = op.parseAttrs(params);
            if (CACHE.size() > 4096) CACHE.clear();
            CACHE.put(key, a);
        }
        return a;
    }

    private record CacheKey(OpDef op, Map<String, ?> params) {}

    private static final ConcurrentHashMap<CacheKey, Attrs> CACHE = new ConcurrentHashMap<>();

    private static boolean immutableValues(Map<String, ?> params) {
        for (var e : params.entrySet()) {
            Object v = e.getValue();
            if (e.getKey() == null || !(v instanceof String || v instanceof Number || v instanceof Boolean || v instanceof Enum<?>
                    || v instanceof dev.mxj.op.Shape)) return false;
        }
        return true;
    }

    public NodeEntry op(String prefix, String opName, NodeEntry... inputs) {
        return node(prefix, opName, Map.of(), inputs).output(0);
    }
}
