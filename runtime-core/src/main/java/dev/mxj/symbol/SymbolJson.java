package dev.mxj.symbol;

import dev.mxj.op.Attrs;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.ParameterException;
import dev.mxj.op.UnknownOperatorException;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NNVM's graph JSON as MXNet writes it ({@code nodes} with op/name/attrs/inputs
 * {@code [node, index, version]}, {@code arg_nodes}, {@code node_row_ptr}, {@code heads},
 * {@code attrs.mxnet_version}) and reading of files from MXNet 0.8 on, with the upgrades of
 * MXNet's {@code legacy_json_util.cc}: {@code param}/{@code attr} keys merged into the node's
 * attributes, hidden keys ({@code lr_mult}, {@code weight_lr_mult}, ...) turned into {@code __x__}
 * attributes of the node or of the named input variable, inputs missing before 0.9 (aux states)
 * added as variables, {@code argmax/argmin axis=-1} of files before 0.9.5 read as "no axis".
 */
final class SymbolJson {
    private SymbolJson() {}

    /** MXNet's kHiddenKeys. */
    private static final List<String> HIDDEN_KEYS = Symbol.HIDDEN_KEYS;

    static String write(Symbol sym) {
        List<Node> nodes = sym.dfs();
        Map<Node, Integer> ids = new IdentityHashMap<>();
        for (int i = 0; i < nodes.size(); i++) ids.put(nodes.get(i), i);
        StringBuilder sb = new StringBuilder("{\n  \"nodes\": [\n");
        List<Integer> argNodes = new ArrayList<>();
        List<Integer> rowPtr = new ArrayList<>();
        rowPtr.add(0);
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n.isVariable()) argNodes.add(i);
            rowPtr.add(rowPtr.get(i) + n.numOutputs());
            sb.append("    {\n");
            sb.append("      \"op\": ").append(MiniJson.quote(n.isVariable() ? "null" : n.op().name())).append(", \n");
            sb.append("      \"name\": ").append(MiniJson.quote(n.name())).append(", \n");
            Map<String, String> attrs = Symbol.attrDictOf(n);
            if (!attrs.isEmpty()) {
                sb.append("      \"attrs\": {");
                int k = 0;
                for (var e : attrs.entrySet()) {
                    sb.append(k++ == 0 ? "\n" : ", \n").append("        ").append(MiniJson.quote(e.getKey())).append(": ").append(MiniJson.quote(e.getValue()));
                }
                sb.append("\n      }, \n");
            }
            sb.append("      \"inputs\": [");
            for (int k = 0; k < n.inputs().size(); k++) {
                NodeEntry e = n.inputs().get(k);
                sb.append(k == 0 ? "" : ", ").append('[').append(ids.get(e.node())).append(", ").append(e.index()).append(", 0]");
            }
            sb.append("]\n    }").append(i + 1 < nodes.size() ? ", \n" : "\n");
        }
        sb.append("  ], \n  \"arg_nodes\": ").append(list(argNodes)).append(", \n");
        sb.append("  \"node_row_ptr\": ").append(list(rowPtr)).append(", \n  \"heads\": [");
        for (int k = 0; k < sym.outputs().size(); k++) {
            NodeEntry e = sym.outputs().get(k);
            sb.append(k == 0 ? "" : ", ").append('[').append(ids.get(e.node())).append(", ").append(e.index()).append(", 0]");
        }
        sb.append("], \n  \"attrs\": {\"mxnet_version\": [\"int\", ").append(Symbol.MXNET_VERSION).append("]}\n}");
        return sb.toString();
    }

    private static String list(List<Integer> l) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < l.size(); i++) sb.append(i == 0 ? "" : ", ").append(l.get(i));
        return sb.append(']').toString();
    }

    // ------------------------------------------------------------------ reading

    @SuppressWarnings("unchecked")
    static Symbol read(String json) {
        Object root = MiniJson.parse(json);
        if (!(root instanceof Map<?, ?> top) || !(top.get("nodes") instanceof List<?> jnodes) || !(top.get("heads") instanceof List<?> jheads)) {
            throw new SymbolException("Invalid symbol JSON: expected an object with \"nodes\" and \"heads\"");
        }
        int version = 800; // files without mxnet_version are 0.8.0
        if (top.get("attrs") instanceof Map<?, ?> ga && ga.get("mxnet_version") instanceof List<?> v && v.size() == 2 && v.get(1) instanceof Number num) {
            version = num.intValue();
        }
        int count = jnodes.size();
        Node[] built = new Node[count];
        for (int i = 0; i < count; i++) {
            if (!(jnodes.get(i) instanceof Map<?, ?> jn)) throw new SymbolException("Invalid symbol JSON: node " + i + " is not an object");
            String opName = jn.get("op") == null ? "null" : jn.get("op").toString();
            String name = jn.get("name") == null ? "" : jn.get("name").toString();
            Map<String, String> dict = new LinkedHashMap<>();
            for (String key : List.of("param", "attr", "attrs")) { // legacy keys first, "attrs" wins
                if (jn.get(key) instanceof Map<?, ?> m) for (var e : m.entrySet()) dict.put(e.getKey().toString(), str(e.getValue()));
            }
            List<NodeEntry> inputs = new ArrayList<>();
            if (jn.get("inputs") instanceof List<?> jin) {
                for (Object o : jin) inputs.add(entry(o, built, i, name));
            }
            if (opName.equals("null")) {
                Node v = Node.variable(name);
                Map<String, String> user = Symbol.userAttrs(v);
                for (var e : dict.entrySet()) user.put(hiddenExact(e.getKey()), e.getValue());
                built[i] = v;
                continue;
            }
            OpDef op;
            try {
                op = OpRegistry.global().get(opName);
            } catch (UnknownOperatorException e) {
                throw new SymbolException("Cannot load symbol: node " + name + " uses operator " + opName + ", which is not registered", e);
            }
            // split off hidden keys (UpgradeJSON_FixParsing)
            Map<String, String> params = new LinkedHashMap<>();
            Map<String, String> own = new LinkedHashMap<>();
            Map<String, String> forInputs = new LinkedHashMap<>();
            for (var e : dict.entrySet()) {
                String k = e.getKey();
                if (Symbol.isHiddenKey(k)) { own.put(k, e.getValue()); continue; }
                String hk = HIDDEN_KEYS.stream().filter(h -> k.equals(h) || (k.endsWith("_" + h) && k.length() > h.length() + 1)).findFirst().orElse(null);
                if (hk == null) params.put(k, e.getValue());
                else if (k.equals(hk)) own.put("__" + hk + "__", e.getValue());
                else forInputs.put(k, e.getValue());
            }
            if (version < 905 && (op.name().equals("argmax") || op.name().equals("argmin")) && "-1".equals(params.get("axis"))) params.remove("axis");
            Attrs attrs;
            try {
                attrs = op.parseAttrs(params);
            } catch (ParameterException e) {
                throw new SymbolException("Cannot load symbol: node " + name + ": " + e.getMessage(), e);
            }
            List<String> inputNames = op.inputNames(attrs);
            if (inputs.size() < inputNames.size() && version < 900) { // aux states were not stored before 0.9
                for (int k = inputs.size(); k < inputNames.size(); k++) {
                    Node v = Node.variable(name.isEmpty() ? inputNames.get(k) : name + "_" + inputNames.get(k));
                    Symbol.userAttrs(v).putAll(dict);
                    inputs.add(v.output(0));
                }
            }
            if (inputs.size() != inputNames.size()) {
                throw new SymbolException("Cannot load symbol: node " + name + " (" + op.name() + ") has " + inputs.size() + " inputs, operator expects "
                        + inputNames.size() + " " + inputNames);
            }
            for (var e : forInputs.entrySet()) {
                String k = e.getKey();
                String hk = HIDDEN_KEYS.stream().filter(h -> k.endsWith("_" + h)).findFirst().orElseThrow();
                String argName = k.substring(0, k.length() - hk.length() - 1);
                int idx = inputNames.indexOf(argName);
                if (idx >= 0 && inputs.get(idx).node().isVariable()) Symbol.userAttrs(inputs.get(idx).node()).put("__" + hk + "__", e.getValue());
                else own.put(k, e.getValue());
            }
            Node n = Node.op(attrs, name, inputs);
            n.extra().put(Symbol.PARAMS_KEY, java.util.Collections.unmodifiableMap(params));
            if (!own.isEmpty()) Symbol.userAttrs(n).putAll(own);
            built[i] = n;
        }
        List<NodeEntry> heads = new ArrayList<>();
        for (Object o : jheads) heads.add(entry(o, built, count, "heads"));
        return new Symbol(heads);
    }

    /** A variable's legacy {@code lr_mult} style key becomes {@code __lr_mult__}. */
    private static String hiddenExact(String k) { return HIDDEN_KEYS.contains(k) ? "__" + k + "__" : k; }

    private static NodeEntry entry(Object o, Node[] built, int limit, String where) {
        if (!(o instanceof List<?> l) || l.size() < 1 || !(l.get(0) instanceof Number id)) {
            throw new SymbolException("Invalid symbol JSON: bad entry " + o + " in " + where);
        }
        int nid = id.intValue();
        int idx = l.size() > 1 && l.get(1) instanceof Number x ? x.intValue() : 0;
        if (nid < 0 || nid >= limit || built[nid] == null) {
            throw new SymbolException("Invalid symbol JSON: entry " + o + " in " + where + " refers to node " + nid + ", which is not defined before it");
        }
        if (idx < 0 || idx >= built[nid].numOutputs()) {
            throw new SymbolException("Invalid symbol JSON: entry " + o + " in " + where + " asks for output " + idx + " of node "
                    + built[nid].name() + ", which has " + built[nid].numOutputs());
        }
        return built[nid].output(idx);
    }

    private static String str(Object v) {
        if (v == null) return "None";
        if (v instanceof List<?> || v instanceof Map<?, ?>) return v.toString();
        return v.toString();
    }
}
