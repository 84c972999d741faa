package dev.mxj.symbol;

import dev.mxj.graph.Graph;
import dev.mxj.graph.GraphInference;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.ParameterException;
import dev.mxj.op.Shape;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MXNet's symbolic graph ({@code mx.sym.Symbol}, MXNet 1.9 semantics): an immutable list of output
 * entries of op-registry {@link Node}s. Variables carry user attributes ({@code __shape__},
 * {@code __lr_mult__}, ...), operator nodes carry their parsed parameters. Nodes are shared between
 * symbols, as in NNVM; nothing mutates a node after construction except its attribute map.
 */
@dev.mxj.op.codegen.GenerateSymbolWrappers
public final class Symbol {
    /** Key in {@link Node#extra()} holding a node's user attributes ({@code __x__} keys), string to string. */
    static final String ATTRS_KEY = "symbol.attrs";
    /** Key in {@link Node#extra()} holding an operator node's parameters as the user or file gave them (MXNet keeps attrs.dict verbatim). */
    static final String PARAMS_KEY = "symbol.params";
    /** MXNet version written into JSON (1.9.1). */
    public static final int MXNET_VERSION = 10901;

    private final List<NodeEntry> outputs;

    Symbol(List<NodeEntry> outputs) { this.outputs = List.copyOf(outputs); }

    /** The output entries (shared nodes). */
    public List<NodeEntry> outputs() { return outputs; }

    // ------------------------------------------------------------------ construction

    /** {@code mx.sym.var(name)}. */
    public static Symbol var(String name) { return var(name, Map.of()); }

    /**
     * {@code mx.sym.var(name, ...)}: keys {@code shape} (Shape, long[] or int[]), {@code dtype}
     * (DType or name), {@code lr_mult}, {@code wd_mult} (numbers), {@code init} (string, e.g. an
     * initializer's JSON dump), {@code stype}, and any {@code __x__} attribute; stored as MXNet
     * does ({@code __shape__ = "(2, 3)"}, {@code __dtype__ = "0"}, ...).
     */
    public static Symbol var(String name, Map<String, ?> attrs) {
        if (name == null || name.isEmpty()) throw new SymbolException("Variable name must be a non-empty string");
        Node n = Node.variable(name);
        Map<String, String> a = userAttrs(n);
        for (var e : AttrScope.current().entrySet()) {
            if (!attrs.containsKey(e.getKey())) a.put(hiddenKey(e.getKey(), e.getValue()), e.getValue());
        }
        for (var e : attrs.entrySet()) {
            String k = e.getKey();
            Object v = e.getValue();
            if (v == null) continue;
            switch (k) {
                case "shape" -> a.put("__shape__", shapeAttr(toShape(v)));
                case "dtype" -> a.put("__dtype__", Integer.toString((v instanceof DType d ? d : DType.parse(v.toString())).flag()));
                case "lr_mult" -> a.put("__lr_mult__", pyStr(v));
                case "wd_mult" -> a.put("__wd_mult__", pyStr(v));
                case "init" -> a.put("__init__", v.toString());
                case "stype" -> a.put("__storage_type__", storageTypeId(v.toString()));
                case "ctx_group", "force_mirroring", "mirror_stage", "profiler_scope" -> a.put("__" + k + "__", v.toString());
                default -> {
                    if (!isHiddenKey(k)) {
                        throw new SymbolException("Attribute name=" + k + " is not supported. Additional attributes must start and end"
                                + " with double underscores, e.g, __yourattr__");
                    }
                    a.put(k, v.toString());
                }
            }
        }
        return new Symbol(List.of(n.output(0)));
    }

    /** Start an operator symbol: {@code Symbol.op("FullyConnected").name("fc1").param("num_hidden", 10).input("data", x).build()}. */
    public static OpBuilder op(String opName) { return new OpBuilder(opName); }

    /** An operator symbol from positional inputs; the name comes from the {@link NameManager} when null. */
    public static Symbol create(String opName, String name, Map<String, ?> params, Symbol... inputs) {
        return create(opName, name, params, Arrays.asList(inputs), Map.of());
    }

    /**
     * An operator symbol, as MXNet's generated {@code mx.sym.<Op>(*args, name=, **kwargs)}: positional
     * inputs fill the operator's inputs in order, named ones by input name, and every input left
     * missing becomes a new variable {@code <name>_<input>} (e.g. {@code fc1_weight}). Variadic
     * operators ({@code Concat}, {@code add_n}) take positional inputs only and get their count
     * parameter set. Parameter keys of the form {@code __x__} are user attributes of the node.
     */
    public static Symbol create(String opName, String name, Map<String, ?> params, List<Symbol> args, Map<String, Symbol> kwargs) {
        OpDef op = OpRegistry.global().get(opName);
        String nodeName = NameManager.current().get(name, opName.toLowerCase());
        Map<String, Object> raw = new LinkedHashMap<>();
        Map<String, String> user = new LinkedHashMap<>();
        Map<String, Object> all = new LinkedHashMap<>(params);
        for (var e : AttrScope.current().entrySet()) all.putIfAbsent(e.getKey(), e.getValue());
        for (var e : all.entrySet()) {
            if (e.getValue() == null) continue;
            String k = hiddenKey(e.getKey(), e.getValue());
            if (isHiddenKey(k)) user.put(k, e.getValue().toString());
            else raw.put(k, e.getValue());
        }
        if (op.keyVarNumArgs() != null) {
            if (!kwargs.isEmpty()) {
                throw new SymbolException("Operator " + op.name() + " (node " + nodeName + ") takes a variable number of inputs,"
                        + " which must be given positionally; got named inputs " + kwargs.keySet());
            }
            raw.putIfAbsent(op.keyVarNumArgs(), args.size());
        }
        Attrs attrs;
        try {
            attrs = op.parseAttrs(raw);
        } catch (ParameterException e) {
            throw new SymbolException("Cannot create symbol " + nodeName + ": " + e.getMessage(), e);
        }
        List<String> inputNames = op.inputNames(attrs);
        if (args.size() > inputNames.size()) {
            throw new SymbolException("Operator " + op.name() + " (node " + nodeName + ") takes " + inputNames.size() + " inputs "
                    + inputNames + ", got " + args.size() + " positional ones");
        }
        NodeEntry[] in = new NodeEntry[inputNames.size()];
        for (int i = 0; i < args.size(); i++) in[i] = single(args.get(i), op, nodeName, inputNames.get(i));
        for (var e : kwargs.entrySet()) {
            int i = inputNames.indexOf(e.getKey());
            if (i < 0) {
                throw new SymbolException("Operator " + op.name() + " (node " + nodeName + ") has no input named '" + e.getKey()
                        + "'; its inputs are " + inputNames);
            }
            if (in[i] != null) {
                throw new SymbolException("Operator " + op.name() + " (node " + nodeName + "): input '" + e.getKey() + "' given twice");
            }
            in[i] = single(e.getValue(), op, nodeName, e.getKey());
        }
        Map<String, String> given = new LinkedHashMap<>();
        for (var e : raw.entrySet()) {
            Object v = e.getValue();
            given.put(e.getKey(), v instanceof String || v instanceof Number ? pyStr(v) : v instanceof Boolean b ? (b ? "True" : "False")
                    : attrs.givenAsStrings().get(e.getKey()));
        }
        for (int i = 0; i < in.length; i++) {
            if (in[i] != null) continue;
            // NNVM's Compose copies the operator's attribute dict onto the variables it creates
            Node v = Node.variable(nodeName + "_" + inputNames.get(i));
            userAttrs(v).putAll(given);
            userAttrs(v).putAll(user);
            in[i] = v.output(0);
        }
        Node n = Node.op(attrs, nodeName, Arrays.asList(in));
        n.extra().put(PARAMS_KEY, Collections.unmodifiableMap(given));
        if (!user.isEmpty()) userAttrs(n).putAll(user);
        int visible = op.numVisibleOutputs(attrs);
        List<NodeEntry> outs = new ArrayList<>(visible);
        for (int i = 0; i < visible; i++) outs.add(n.output(i));
        return new Symbol(outs);
    }

    private static NodeEntry single(Symbol s, OpDef op, String nodeName, String input) {
        if (s.outputs.size() != 1) {
            throw new SymbolException("Input '" + input + "' of operator " + op.name() + " (node " + nodeName + ") has "
                    + s.outputs.size() + " outputs " + s.listOutputs() + "; expected a single output");
        }
        return s.outputs.get(0);
    }

    /** {@code mx.sym.Group}: the outputs of all symbols, in order. */
    public static Symbol group(Symbol... symbols) { return group(Arrays.asList(symbols)); }

    public static Symbol group(List<Symbol> symbols) {
        List<NodeEntry> outs = new ArrayList<>();
        for (Symbol s : symbols) outs.addAll(s.outputs);
        return new Symbol(outs);
    }

    /** Fluent construction of one operator symbol. */
    public static final class OpBuilder {
        private final String opName;
        private String name;
        private final Map<String, Object> params = new LinkedHashMap<>();
        private final List<Symbol> args = new ArrayList<>();
        private final Map<String, Symbol> kwargs = new LinkedHashMap<>();

        private OpBuilder(String opName) { this.opName = opName; }

        public OpBuilder name(String n) { this.name = n; return this; }

        public OpBuilder param(String key, Object value) { params.put(key, value); return this; }

        public OpBuilder params(Map<String, ?> p) { params.putAll(p); return this; }

        public OpBuilder input(Symbol s) { args.add(s); return this; }

        public OpBuilder input(String inputName, Symbol s) { kwargs.put(inputName, s); return this; }

        public Symbol build() { return create(opName, name, params, args, kwargs); }
    }

    // ------------------------------------------------------------------ composition

    /** A deep copy: new nodes with the same names, parameters and (copied) attributes ({@code copy.copy(sym)}). */
    public Symbol copy() { return rebuild(new IdentityHashMap<>(), null); }

    /**
     * {@code sym(name=..., **kwargs)}: a copy in which the input variables with these names are
     * replaced (NNVM's general composition; positional arguments are refused there, "General
     * composition only support kwargs for now", so there is no positional variant).
     */
    public Symbol compose(String name, Map<String, Symbol> kwargs) {
        List<Node> inputs = variables(0);
        Map<Node, NodeEntry> replace = new IdentityHashMap<>();
        for (var e : kwargs.entrySet()) {
            boolean found = false;
            for (Node n : inputs) {
                if (n.name().equals(e.getKey())) { replace.put(n, composeInput(e.getValue(), e.getKey())); found = true; }
            }
            if (!found) {
                throw new SymbolException("Symbol.Compose: Keyword argument name " + e.getKey() + " not found.\nCandidate arguments:\n\t"
                        + String.join("\n\t", names(inputs)));
            }
        }
        return rebuild(replace, name);
    }

    private static NodeEntry composeInput(Symbol s, String argName) {
        if (s.outputs.size() != 1) {
            throw new SymbolException("Argument " + argName + " must be a single-output symbol, got outputs " + s.listOutputs());
        }
        return s.outputs.get(0);
    }

    /** Copy every node reachable from the outputs, replacing the given variables; the head node renamed when name != null. */
    private Symbol rebuild(Map<Node, NodeEntry> replace, String name) {
        if (name != null && (outputs.size() != 1 && !allSameNode() || outputs.get(0).node().isVariable())) {
            throw new SymbolException("Cannot give the name " + name + " to a composed symbol whose output is not a single operator");
        }
        Node head = outputs.isEmpty() ? null : outputs.get(0).node();
        Map<Node, Node> copies = new IdentityHashMap<>();
        for (Node n : dfs()) {
            if (replace.containsKey(n)) continue;
            Node c;
            if (n.isVariable()) {
                c = Node.variable(n.name());
            } else {
                List<NodeEntry> in = new ArrayList<>(n.inputs().size());
                for (NodeEntry e : n.inputs()) {
                    NodeEntry r = replace.get(e.node());
                    in.add(r != null ? r : copies.get(e.node()).output(e.index()));
                }
                c = Node.op(n.attrs(), name != null && n == head ? name : n.name(), in);
                Object given = n.extra().get(PARAMS_KEY);
                if (given != null) c.extra().put(PARAMS_KEY, given);
            }
            if (n.extra().get(ATTRS_KEY) != null) userAttrs(c).putAll(userAttrs(n));
            copies.put(n, c);
        }
        List<NodeEntry> outs = new ArrayList<>(outputs.size());
        for (NodeEntry e : outputs) {
            NodeEntry r = replace.get(e.node());
            outs.add(r != null ? r : copies.get(e.node()).output(e.index()));
        }
        return new Symbol(outs);
    }

    private boolean allSameNode() {
        for (NodeEntry e : outputs) if (e.node() != outputs.get(0).node()) return false;
        return true;
    }

    // ------------------------------------------------------------------ structure

    /** Number of outputs. */
    public int size() { return outputs.size(); }

    /** Output {@code i} as a symbol ({@code sym[i]}). */
    public Symbol get(int i) {
        if (i < 0 || i >= outputs.size()) {
            throw new IndexOutOfBoundsException("Symbol has " + outputs.size() + " outputs " + listOutputs() + ", asked for " + i);
        }
        return new Symbol(List.of(outputs.get(i)));
    }

    /** The output with this name ({@code sym['fc1_output']}); fails when none or several match. */
    public Symbol get(String outputName) {
        List<String> names = listOutputs();
        int found = -1;
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals(outputName)) {
                if (found >= 0) throw new SymbolException("There are multiple outputs with name \"" + outputName + "\"");
                found = i;
            }
        }
        if (found < 0) throw new SymbolException("Cannot find output that matches name \"" + outputName + "\" among " + names);
        return get(found);
    }

    /** The name of a single-output symbol's node ({@code sym.name}); null for a group. */
    public String name() { return outputs.size() == 1 ? outputs.get(0).node().name() : null; }

    /** Every (visible) output of every node, in depth-first order ({@code get_internals}). */
    public Symbol getInternals() {
        List<NodeEntry> outs = new ArrayList<>();
        for (Node n : dfs()) {
            int k = n.isVariable() ? 1 : n.op().numVisibleOutputs(n.attrs());
            for (int i = 0; i < k; i++) outs.add(n.output(i));
        }
        return new Symbol(outs);
    }

    /** The inputs of the output nodes as one group, or null when they have none ({@code get_children}). */
    public Symbol getChildren() {
        List<NodeEntry> outs = new ArrayList<>();
        for (NodeEntry e : outputs) outs.addAll(e.node().inputs());
        return outs.isEmpty() ? null : new Symbol(outs);
    }

    /** Nodes reachable from the outputs, inputs before users, in NNVM's DFS post-order. */
    List<Node> dfs() {
        List<Node> order = new ArrayList<>();
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object[]> stack = new ArrayDeque<>(); // {node, next input index}
        for (NodeEntry head : outputs) {
            if (!seen.add(head.node())) continue;
            stack.push(new Object[] {head.node(), 0});
            while (!stack.isEmpty()) {
                Object[] top = stack.peek();
                Node n = (Node) top[0];
                int i = (Integer) top[1];
                if (i < n.inputs().size()) {
                    top[1] = i + 1;
                    Node in = n.inputs().get(i).node();
                    if (seen.add(in)) stack.push(new Object[] {in, 0});
                } else {
                    stack.pop();
                    order.add(n);
                }
            }
        }
        return order;
    }

    /** Variables written by some operator (mutated inputs: BatchNorm's moving statistics). */
    private Set<Node> mutated(List<Node> nodes) {
        Set<Node> m = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node n : nodes) {
            if (n.isVariable()) continue;
            for (int i : n.op().mutateInputs(n.attrs())) {
                Node in = n.inputs().get(i).node();
                if (in.isVariable()) m.add(in);
            }
        }
        return m;
    }

    private List<Node> variables(int which) { // 0 all, 1 read-only (arguments), 2 mutated (aux)
        List<Node> nodes = dfs();
        Set<Node> m = which == 0 ? Set.of() : mutated(nodes);
        List<Node> vars = new ArrayList<>();
        for (Node n : nodes) {
            if (!n.isVariable()) continue;
            if (which == 0 || (which == 1) != m.contains(n)) vars.add(n);
        }
        return vars;
    }

    private static List<String> names(List<Node> nodes) {
        List<String> l = new ArrayList<>(nodes.size());
        for (Node n : nodes) l.add(n.name());
        return l;
    }

    /** The argument variable nodes, in {@link #listArguments()} order (what an executor binds arrays to). */
    public List<Node> argumentNodes() { return variables(1); }

    /** The auxiliary-state variable nodes, in {@link #listAuxiliaryStates()} order. */
    public List<Node> auxiliaryNodes() { return variables(2); }

    /** Every node reachable from the outputs, inputs before users (NNVM's DFS post-order). */
    public List<Node> topoNodes() { return Collections.unmodifiableList(dfs()); }

    /** The output name MXNet gives an entry: a variable's name, else {@code <node>_<output>} ({@code fc1_output}). */
    public static String entryName(NodeEntry e) { return outputName(e); }

    /** A node's attributes as {@code attr_dict()} lists them: operator parameters as given, then user attributes. */
    public static Map<String, String> nodeAttrs(Node n) { return attrDictOf(n); }

    /** Argument (read-only input variable) names in depth-first order. */
    public List<String> listArguments() { return names(variables(1)); }

    /** Auxiliary state names: variables an operator mutates (BatchNorm's moving_mean/moving_var). */
    public List<String> listAuxiliaryStates() { return names(variables(2)); }

    /** All input variable names, arguments and auxiliary states, in depth-first order. */
    public List<String> listInputs() { return names(variables(0)); }

    /** Output names: a variable's name, else {@code <node>_<output name>} ({@code fc1_output}, {@code split0_output1}). */
    public List<String> listOutputs() {
        List<String> l = new ArrayList<>(outputs.size());
        for (NodeEntry e : outputs) l.add(outputName(e));
        return l;
    }

    static String outputName(NodeEntry e) {
        Node n = e.node();
        if (n.isVariable()) return n.name();
        String out = n.op().outputNames(n.attrs()).get(e.index());
        return n.name().isEmpty() ? out : n.name() + "_" + out;
    }

    // ------------------------------------------------------------------ attributes

    @SuppressWarnings("unchecked")
    static Map<String, String> userAttrs(Node n) {
        return (Map<String, String>) n.extra().computeIfAbsent(ATTRS_KEY, k -> Collections.synchronizedMap(new LinkedHashMap<String, String>()));
    }

    /** A node's attribute dictionary as MXNet keeps it: operator parameters as given, then user attributes. */
    static Map<String, String> attrDictOf(Node n) {
        Map<String, String> d = new LinkedHashMap<>();
        if (!n.isVariable()) {
            @SuppressWarnings("unchecked")
            Map<String, String> given = (Map<String, String>) n.extra().get(PARAMS_KEY);
            d.putAll(given != null ? given : n.attrs().givenAsStrings());
        }
        Object u = n.extra().get(ATTRS_KEY);
        if (u != null) d.putAll(userAttrs(n));
        return d;
    }

    private Node head() {
        if (outputs.size() != 1) throw new SymbolException("This operation needs a single-output symbol; this one has outputs " + listOutputs());
        return outputs.get(0).node();
    }

    /**
     * One attribute of the output node, or null ({@code sym.attr('__lr_mult__')}); null too when the
     * outputs come from different nodes, as NNVM's GetAttr.
     */
    public String attr(String key) {
        Node n = outputs.isEmpty() ? null : outputs.get(0).node();
        for (NodeEntry e : outputs) if (e.node() != n) return null;
        if (n == null) return null;
        if (key.equals("name")) return n.name();
        Map<String, String> d = attrDictOf(n);
        String v = d.get(key);
        return v == null && HIDDEN_KEYS.contains(key) ? d.get("__" + key + "__") : v;
    }

    /** The output node's own attributes ({@code list_attr()}). */
    public Map<String, String> listAttr() { return attrDictOf(head()); }

    /** Attributes of every node that has some, by node name ({@code attr_dict()}). */
    public Map<String, Map<String, String>> attrDict() {
        Map<String, Map<String, String>> m = new LinkedHashMap<>();
        for (Node n : dfs()) {
            Map<String, String> d = attrDictOf(n);
            if (!d.isEmpty()) m.put(n.name(), d);
        }
        return m;
    }

    /** Set attributes on the output nodes ({@code _set_attr}): {@code __x__} keys, hidden keys ({@code lr_mult}), plain keys on variables. */
    public Symbol setAttr(Map<String, String> attrs) {
        Map<String, String> norm = new LinkedHashMap<>();
        for (var e : attrs.entrySet()) {
            String k = hiddenKey(e.getKey(), e.getValue());
            for (NodeEntry o : outputs) {
                if (!isHiddenKey(k) && !o.node().isVariable()) {
                    throw new SymbolException("Attribute name=" + k + " is not supported on operator node " + o.node().name()
                            + ": attributes of operators must start and end with double underscores, e.g, __yourattr__");
                }
            }
            norm.put(k, e.getValue());
        }
        for (NodeEntry o : outputs) userAttrs(o.node()).putAll(norm);
        return this;
    }

    /** MXNet's kHiddenKeys: set on a node as {@code __key__}. */
    static final List<String> HIDDEN_KEYS = List.of("ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage", "profiler_scope");

    /**
     * A key given at creation or to {@link #setAttr}, as MXNet's C API sees it: a hidden key
     * ({@code lr_mult}) becomes {@code __lr_mult__}; {@code weight_lr_mult} style keys are refused with
     * MXNet's deprecation message; anything else is returned unchanged.
     */
    static String hiddenKey(String key, Object value) {
        if (isHiddenKey(key)) return key;
        for (String h : HIDDEN_KEYS) {
            if (key.equals(h)) return "__" + key + "__";
            if (key.endsWith(h) && key.length() > h.length()) {
                String arg = key.substring(0, Math.max(0, key.length() - h.length() - 1));
                throw new SymbolException("setting variable attributes with " + key + " is deprecated. please instead use\nw = Variable("
                        + h + "=" + value + ")\nsym = YourSymbolName(" + arg + "=w)");
            }
        }
        return key;
    }

    static boolean isHiddenKey(String k) { return k.length() > 4 && k.startsWith("__") && k.endsWith("__"); }

    // ------------------------------------------------------------------ inference

    /** Results of shape/type inference, in MXNet's order: arguments, outputs, auxiliary states. */
    public record Inferred<T>(List<T> arguments, List<T> outputs, List<T> auxiliaryStates) {}

    /**
     * {@code infer_shape(**kwargs)}: shapes of all arguments, outputs and aux states from the given
     * argument shapes (and variables' {@code __shape__}); null when some shape cannot be decided,
     * as MXNet returns (None, None, None). Conflicts throw naming the node and both shapes.
     */
    public Inferred<Shape> inferShape(Map<String, Shape> known) {
        Inferred<Shape> r = infer(known, true, false);
        return r;
    }

    /** {@code infer_shape_partial}: as {@link #inferShape} but undecided shapes come back unknown. */
    public Inferred<Shape> inferShapePartial(Map<String, Shape> known) { return infer(known, true, true); }

    /** {@code infer_type(**kwargs)}: dtypes of arguments, outputs, aux states; null when some cannot be decided. */
    public Inferred<DType> inferType(Map<String, DType> known) { return infer(known, false, false); }

    /** {@code infer_type_partial}: undecided types come back null. */
    public Inferred<DType> inferTypePartial(Map<String, DType> known) { return infer(known, false, true); }

    @SuppressWarnings("unchecked")
    private <T> Inferred<T> infer(Map<String, T> given, boolean shapes, boolean partial) {
        Graph g = Graph.of(outputs);
        List<Node> args = variables(1), aux = variables(2), inputs = variables(0);
        Map<String, Node> byName = new LinkedHashMap<>();
        for (Node n : inputs) byName.putIfAbsent(n.name(), n);
        Map<NodeEntry, Object> known = new HashMap<>();
        for (Node n : inputs) {
            Map<String, String> a = attrDictOf(n);
            if (shapes && a.containsKey("__shape__")) known.put(n.output(0), legacyShape(a.get("__shape__")));
            if (!shapes && a.containsKey("__dtype__")) known.put(n.output(0), DType.fromFlag(Integer.parseInt(a.get("__dtype__").trim())));
        }
        for (var e : given.entrySet()) {
            Node n = byName.get(e.getKey());
            if (n == null) {
                throw new SymbolException((shapes ? "InferShape" : "InferType") + ": Keyword argument name " + e.getKey()
                        + " not found.\nCandidate arguments:\n\t" + String.join("\n\t", names(inputs)));
            }
            if (e.getValue() != null) known.put(n.output(0), e.getValue());
        }
        GraphInference.Result<?> r;
        try {
            r = shapes ? GraphInference.shapes(g, (Map<NodeEntry, Shape>) (Map<?, ?>) known)
                       : GraphInference.types(g, (Map<NodeEntry, DType>) (Map<?, ?>) known);
        } catch (RuntimeException e) {
            throw new SymbolException(e.getMessage(), e);
        }
        List<T> a = new ArrayList<>(), o = new ArrayList<>(), x = new ArrayList<>();
        boolean complete = true;
        for (Node n : args) complete &= add(a, r.get(n.output(0)), shapes);
        for (NodeEntry e : outputs) complete &= add(o, r.get(e), shapes);
        for (Node n : aux) complete &= add(x, r.get(n.output(0)), shapes);
        if (!complete && !partial) return null;
        return new Inferred<>(Collections.unmodifiableList(a), Collections.unmodifiableList(o), Collections.unmodifiableList(x));
    }

    @SuppressWarnings("unchecked")
    private static <T> boolean add(List<T> l, Object v, boolean shapes) {
        if (shapes) {
            Shape s = v == null ? Shape.unknown() : (Shape) v;
            l.add((T) s);
            return s.isKnown();
        }
        l.add((T) v);
        return v != null;
    }

    /** A {@code __shape__} attribute; MXNet 1.x (non-numpy mode) writes unknown dimensions as 0. */
    static Shape legacyShape(String s) {
        long[] d = Shape.parse(s.trim()).dims();
        for (int i = 0; i < d.length; i++) if (d[i] == 0) d[i] = Shape.UNKNOWN_DIM;
        return Shape.of(d);
    }

    // ------------------------------------------------------------------ arithmetic (symbol.py's operators)

    private Symbol binary(Object other, String symOp, String scalarOp) {
        if (other instanceof Symbol s) return create(symOp, null, Map.of(), this, s);
        if (other instanceof Number n) return create(scalarOp, null, Map.of("scalar", n), this);
        throw new SymbolException("type " + (other == null ? "None" : other.getClass().getSimpleName()) + " not supported");
    }

    private Symbol rscalar(Number n, String scalarOp) { return create(scalarOp, null, Map.of("scalar", n), this); }

    /** {@code self + other}: {@code _Plus} / {@code _PlusScalar}. */
    public Symbol add(Object other) { return binary(other, "_Plus", "_PlusScalar"); }

    public Symbol sub(Object other) { return binary(other, "_Minus", "_MinusScalar"); }

    /** {@code scalar - self}: {@code _RMinusScalar}. */
    public Symbol rsub(Number scalar) { return rscalar(scalar, "_RMinusScalar"); }

    public Symbol mul(Object other) { return binary(other, "_Mul", "_MulScalar"); }

    public Symbol div(Object other) { return binary(other, "_Div", "_DivScalar"); }

    /** {@code scalar / self}: {@code _RDivScalar}. */
    public Symbol rdiv(Number scalar) { return rscalar(scalar, "_RDivScalar"); }

    public Symbol mod(Object other) { return binary(other, "_Mod", "_ModScalar"); }

    public Symbol pow(Object other) { return binary(other, "_Power", "_PowerScalar"); }

    /** {@code scalar ** self}: {@code _rpower_scalar} (symbol.py calls it by that name). */
    public Symbol rpow(Number scalar) { return rscalar(scalar, "_rpower_scalar"); }

    /** {@code scalar % self}: {@code _RModScalar}. */
    public Symbol rmod(Number scalar) { return rscalar(scalar, "_RModScalar"); }

    /** {@code -self}: {@code self * -1.0}, as symbol.py. */
    public Symbol neg() { return mul(-1.0); }

    public Symbol eq(Object other) { return binary(other, "_equal", "_equal_scalar"); }

    public Symbol ne(Object other) { return binary(other, "_not_equal", "_not_equal_scalar"); }

    public Symbol gt(Object other) { return binary(other, "_greater", "_greater_scalar"); }

    public Symbol ge(Object other) { return binary(other, "_greater_equal", "_greater_equal_scalar"); }

    public Symbol lt(Object other) { return binary(other, "_lesser", "_lesser_scalar"); }

    public Symbol le(Object other) { return binary(other, "_lesser_equal", "_lesser_equal_scalar"); }

    // ------------------------------------------------------------------ binding (dev.mxj.executor.Executor)

    /** {@code bind(ctx, args, args_grad, grad_req, aux_states)}; see {@link dev.mxj.executor.Executor#bind}. */
    public dev.mxj.executor.Executor bind(dev.mxj.Context ctx, Map<String, dev.mxj.ndarray.NDArray> args,
                                          Map<String, dev.mxj.ndarray.NDArray> argsGrad, Object gradReq,
                                          Map<String, dev.mxj.ndarray.NDArray> auxStates) {
        return dev.mxj.executor.Executor.bind(this, ctx, args, argsGrad, gradReq, auxStates);
    }

    /** {@code bind(ctx, args)}: no gradients, no auxiliary states. */
    public dev.mxj.executor.Executor bind(dev.mxj.Context ctx, Map<String, dev.mxj.ndarray.NDArray> args) {
        return dev.mxj.executor.Executor.bind(this, ctx, args, null, "null", null);
    }

    /** {@code simple_bind(ctx, grad_req, **shapes)}; see {@link dev.mxj.executor.Executor#simpleBind}. */
    public dev.mxj.executor.Executor simpleBind(dev.mxj.Context ctx, Object gradReq, Map<String, Shape> shapes) {
        return dev.mxj.executor.Executor.simpleBind(this, ctx, gradReq, null, null, shapes);
    }

    /** {@code simple_bind(ctx, grad_req, type_dict, shared_exec, **shapes)}. */
    public dev.mxj.executor.Executor simpleBind(dev.mxj.Context ctx, Object gradReq, Map<String, DType> typeDict,
                                                dev.mxj.executor.Executor sharedExec, Map<String, Shape> shapes) {
        return dev.mxj.executor.Executor.simpleBind(this, ctx, gradReq, typeDict, sharedExec, shapes);
    }

    // ------------------------------------------------------------------ JSON

    /** MXNet's JSON graph format ({@code tojson}). */
    public String toJson() { return SymbolJson.write(this); }

    /** {@code mx.sym.load_json}: MXNet 0.8–1.9 files, upgraded on load as MXNet's legacy_json_util. */
    public static Symbol fromJson(String json) { return SymbolJson.read(json); }

    /** {@code mx.sym.load}. */
    public static Symbol load(Path file) {
        try {
            return fromJson(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read symbol file " + file, e);
        }
    }

    /** {@code sym.save(fname)}: written to a temporary file and renamed, so a crash never leaves a truncated file. */
    public void save(Path file) {
        try {
            Path abs = file.toAbsolutePath();
            Path tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".tmp");
            try {
                Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write symbol file " + file, e);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Shape toShape(Object v) {
        if (v instanceof Shape s) return s;
        if (v instanceof long[] l) return Shape.of(l);
        if (v instanceof int[] i) return Shape.of(i);
        if (v instanceof String s) return legacyShape(s);
        throw new SymbolException("shape must be a Shape, long[], int[] or string, got " + v.getClass().getSimpleName());
    }

    /** Python's str() of a number: 2 -> "2", 2.0 -> "2.0", 0.1 -> "0.1". */
    private static String pyStr(Object v) {
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e16) return (long) d + ".0";
            return v instanceof Float f ? Float.toString(f) : Double.toString(d);
        }
        return v.toString();
    }

    /** Python's str() of the shape tuple, unknown dimensions as 0 (MXNet 1.x legacy shape semantics). */
    static String shapeAttr(Shape s) {
        long[] d = s.dims();
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < d.length; i++) sb.append(i > 0 ? ", " : "").append(d[i] == Shape.UNKNOWN_DIM ? 0 : d[i]);
        return sb.append(d.length == 1 ? ",)" : ")").toString();
    }

    private static String storageTypeId(String stype) {
        return switch (stype) {
            case "default" -> "0";
            case "row_sparse" -> "1";
            case "csr" -> "2";
            default -> throw new SymbolException("unknown storage type " + stype + " (default, row_sparse, csr)");
        };
    }

    @Override public String toString() {
        String n = name();
        return n != null ? "<Symbol " + n + ">" : "<Symbol group " + listOutputs() + ">";
    }

    // identity semantics, as MXNet's handles
    @Override public boolean equals(Object o) { return o instanceof Symbol s && s.outputs.equals(outputs); }

    @Override public int hashCode() { return outputs.hashCode(); }

    static Set<Node> identitySet() { return Collections.newSetFromMap(new IdentityHashMap<>()); }

    static <T> Set<T> hashSet() { return new HashSet<>(); }
}
