package dev.mxj.viz;

import dev.mxj.MxjException;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;
import dev.mxj.symbol.Symbol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code mx.viz}: {@link #printSummary} (MXNet 1.9's layer table: output shapes without the batch
 * axis, parameter counts as MXNet computes them for FullyConnected, Convolution, BatchNorm and
 * Embedding, previous layers) and {@link #plotNetwork} (the network as Graphviz DOT, with
 * MXNet's labels, colours and hidden weights; {@link Dot#render} runs {@code dot} when installed).
 * Nodes are walked in the order of the symbol's JSON, so rows come out as MXNet prints them,
 * including its quirk of showing the first node (usually {@code data}) as a layer.
 */
public final class Viz {
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final String[] COLORS = {"#8dd3c7", "#fb8072", "#ffffb3", "#bebada", "#80b1d3", "#fdb462", "#b3de69", "#fccde5"};
    private static final List<String> WEIGHT_LIKE = List.of("_weight", "_bias", "_beta", "_gamma", "_moving_var", "_moving_mean",
            "_running_var", "_running_mean");

    private Viz() {}

    /** {@code print_summary(symbol, shape)} with MXNet's line length 120 and column positions (.44, .64, .74, 1). */
    public static String printSummary(Symbol symbol, Map<String, Shape> shape) {
        return printSummary(symbol, shape, 120, new double[] {.44, .64, .74, 1.});
    }

    /**
     * The summary table as text (MXNet prints it; here it is returned, and front ends print it).
     *
     * @param shape input shapes, or null to print the table without shapes
     */
    public static String printSummary(Symbol symbol, Map<String, Shape> shape, int lineLength, double[] positions) {
        Map<String, Shape> shapes = shape == null ? null : internalShapes(symbol, shape);
        int[] pos = new int[positions.length];
        for (int i = 0; i < pos.length; i++) pos[i] = positions[positions.length - 1] <= 1 ? (int) (lineLength * positions[i]) : (int) positions[i];
        List<Node> nodes = symbol.topoNodes();
        Map<Node, Integer> ids = new IdentityHashMap<>();
        for (int i = 0; i < nodes.size(); i++) ids.put(nodes.get(i), i);
        Set<Integer> heads = heads(symbol, ids);
        StringBuilder out = new StringBuilder();
        out.append("_".repeat(lineLength)).append('\n');
        row(out, pos, "Layer (type)", "Output Shape", "Param #", "Previous Layer");
        out.append("=".repeat(lineLength)).append('\n');
        long total = 0;
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            boolean isVar = n.isVariable();
            if (isVar && i > 0) continue;
            String outShape = "";
            if (!isVar || heads.contains(i)) {
                if (shapes != null) {
                    Shape s = shapes.get(isVar ? n.name() : n.name() + "_output");
                    if (s != null) outShape = noBatch(s);
                }
            }
            total += layer(out, pos, n, outShape, ids, nodes, heads, shapes);
            out.append((i == nodes.size() - 1 ? "=" : "_").repeat(lineLength)).append('\n');
        }
        out.append("Total params: ").append(total).append('\n');
        out.append("_".repeat(lineLength)).append('\n');
        return out.toString();
    }

    /** MXNet builds {@code heads} as {@code set(conf["heads"][0])}: the first head's node id, output index and version (0). */
    private static Set<Integer> heads(Symbol symbol, Map<Node, Integer> ids) {
        Set<Integer> h = new HashSet<>();
        NodeEntry first = symbol.outputs().get(0);
        h.add(ids.get(first.node()));
        h.add(first.index());
        h.add(0);
        return h;
    }

    private static long layer(StringBuilder out, int[] pos, Node n, String outShape, Map<Node, Integer> ids, List<Node> nodes, Set<Integer> heads,
                              Map<String, Shape> shapes) {
        String op = n.isVariable() ? "null" : n.op().name();
        Map<String, String> attrs = Symbol.nodeAttrs(n);
        List<String> pre = new ArrayList<>();
        long preFilter = 0;
        if (!n.isVariable()) {
            for (NodeEntry in : n.inputs()) {
                Node src = in.node();
                if (!src.isVariable() || heads.contains(ids.get(src))) {
                    pre.add(src.name());
                    if (shapes != null) {
                        Shape s = shapes.get(src.isVariable() ? src.name() : src.name() + "_output");
                        if (s != null && s.ndim() > 1) preFilter += s.dim(1);
                    }
                }
            }
        }
        long params = 0;
        switch (op) {
            case "Convolution" -> {
                long group = Long.parseLong(attrs.getOrDefault("num_group", "1"));
                long filters = Long.parseLong(attrs.get("num_filter"));
                params = preFilter * filters / group;
                for (String k : digits(attrs.get("kernel"))) params *= Long.parseLong(k);
                if (!"True".equals(attrs.get("no_bias"))) params += filters;
            }
            case "FullyConnected" -> {
                long hidden = Long.parseLong(attrs.get("num_hidden"));
                params = "True".equals(attrs.get("no_bias")) ? preFilter * hidden : (preFilter + 1) * hidden;
            }
            case "BatchNorm" -> {
                if (shapes != null) {
                    Shape s = shapes.get(n.name() + "_output");
                    if (s != null) params = s.dim(1) * 2;
                }
            }
            case "Embedding" -> params = Long.parseLong(attrs.get("input_dim")) * Long.parseLong(attrs.get("output_dim"));
            default -> { }
        }
        row(out, pos, n.name() + "(" + op + ")", outShape, Long.toString(params), pre.isEmpty() ? "" : pre.get(0));
        for (int i = 1; i < pre.size(); i++) row(out, pos, "", "", "", pre.get(i));
        return params;
    }

    private static void row(StringBuilder out, int[] pos, String... fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            line.append(fields[i]);
            if (line.length() > pos[i]) line.setLength(pos[i]);
            while (line.length() < pos[i]) line.append(' ');
        }
        out.append(line).append('\n');
    }

    private static String noBatch(Shape s) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < s.ndim(); i++) b.append(i > 1 ? "x" : "").append(s.dim(i));
        return b.toString();
    }

    /** Shapes of every internal output by name ({@code get_internals().infer_shape(**shape)}). */
    private static Map<String, Shape> internalShapes(Symbol symbol, Map<String, Shape> shape) {
        Symbol internals = symbol.getInternals();
        Symbol.Inferred<Shape> inf = internals.inferShape(shape);
        if (inf == null) throw new MxjException("Input shape is incomplete");
        Map<String, Shape> m = new HashMap<>();
        List<String> names = internals.listOutputs();
        for (int i = 0; i < names.size(); i++) m.put(names.get(i), inf.outputs().get(i));
        return m;
    }

    private static List<String> digits(String s) {
        List<String> r = new ArrayList<>();
        if (s == null) return r;
        Matcher m = DIGITS.matcher(s);
        while (m.find()) r.add(m.group());
        return r;
    }

    // ------------------------------------------------------------------ plot_network

    /** A Graphviz graph: its DOT source, and rendering through the {@code dot} program when installed. */
    public record Dot(String name, String source) {
        /** Write the DOT source to {@code file}. */
        public Path save(Path file) throws IOException {
            Files.writeString(file, source, StandardCharsets.UTF_8);
            return file;
        }

        /**
         * {@code dot.render()}: {@code dot -T<format>} into {@code file}; fails with a clear message
         * when Graphviz is not installed (Debian package {@code graphviz}).
         */
        public Path render(Path file, String format) throws IOException {
            ProcessBuilder pb = new ProcessBuilder("dot", "-T" + format, "-o", file.toString()).redirectErrorStream(true);
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new MxjException("Graphviz 'dot' is not installed (Debian package graphviz); save the DOT source with save() instead", e);
            }
            try (var in = p.getOutputStream()) {
                in.write(source.getBytes(StandardCharsets.UTF_8));
            }
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new MxjException("dot did not finish within 60 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MxjException("interrupted while running dot", e);
            }
            String msg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) throw new MxjException("dot failed (exit " + p.exitValue() + "): " + msg);
            return file;
        }
    }

    /** {@code plot_network(symbol, title='plot')}: weights hidden, no shapes. */
    public static Dot plotNetwork(Symbol symbol, String title) { return plotNetwork(symbol, title, null, null, Map.of(), true); }

    /**
     * {@code plot_network(symbol, title, shape, dtype, node_attrs, hide_weights)}: one box per
     * operator (oval per input variable), MXNet's labels ({@code Convolution\n5x5/1, 20},
     * {@code FullyConnected\n128}, {@code Activation\nrelu}, {@code Pooling\nmax, 2x2/2x2}) and colours;
     * edges point from each node to its inputs (drawn backwards), labelled as MXNet does with the input entry's
     * shape (batch axis dropped) and {@code (dtype)} when {@code shape}/{@code dtype} are given.
     */
    public static Dot plotNetwork(Symbol symbol, String title, Map<String, Shape> shape, Map<String, DType> dtype, Map<String, String> nodeAttrs,
                                  boolean hideWeights) {
        Map<String, Shape> shapes = shape == null ? null : internalShapes(symbol, shape);
        Map<String, DType> types = null;
        if (dtype != null) {
            Symbol internals = symbol.getInternals();
            Symbol.Inferred<DType> t = internals.inferType(dtype);
            if (t == null) throw new MxjException("Input type is incomplete");
            types = new HashMap<>();
            for (int i = 0; i < internals.listOutputs().size(); i++) types.put(internals.listOutputs().get(i), t.outputs().get(i));
        }
        Map<String, String> base = new LinkedHashMap<>();
        base.put("shape", "box");
        base.put("fixedsize", "true");
        base.put("width", "1.3");
        base.put("height", "0.8034");
        base.put("style", "filled");
        base.putAll(nodeAttrs);
        StringBuilder dot = new StringBuilder("digraph ").append(quote(title)).append(" {\n");
        List<Node> nodes = symbol.topoNodes();
        Set<String> hidden = new HashSet<>();
        for (Node n : nodes) {
            String op = n.isVariable() ? "null" : n.op().name();
            Map<String, String> attrs = Symbol.nodeAttrs(n);
            Map<String, String> a = new LinkedHashMap<>(base);
            String label = n.name();
            if (n.isVariable()) {
                if (WEIGHT_LIKE.stream().anyMatch(n.name()::endsWith)) {
                    if (hideWeights) hidden.add(n.name());
                    continue;
                }
                a.put("shape", "oval");
                a.put("fillcolor", COLORS[0]);
            } else {
                switch (op) {
                    case "Convolution" -> {
                        label = "Convolution\n" + String.join("x", digits(attrs.get("kernel"))) + "/"
                                + (attrs.containsKey("stride") ? String.join("x", digits(attrs.get("stride"))) : "1") + ", " + attrs.get("num_filter");
                        a.put("fillcolor", COLORS[1]);
                    }
                    case "FullyConnected" -> {
                        label = "FullyConnected\n" + attrs.get("num_hidden");
                        a.put("fillcolor", COLORS[1]);
                    }
                    case "BatchNorm" -> a.put("fillcolor", COLORS[3]);
                    case "Activation", "LeakyReLU" -> {
                        label = op + "\n" + attrs.getOrDefault("act_type", op.equals("LeakyReLU") ? "leaky" : "");
                        a.put("fillcolor", COLORS[2]);
                    }
                    case "Pooling" -> {
                        label = "Pooling\n" + attrs.get("pool_type") + ", "
                                + (attrs.containsKey("kernel") ? String.join("x", digits(attrs.get("kernel"))) : "[]") + "/"
                                + (attrs.containsKey("stride") ? String.join("x", digits(attrs.get("stride"))) : "1");
                        a.put("fillcolor", COLORS[4]);
                    }
                    case "Concat", "Flatten", "Reshape" -> a.put("fillcolor", COLORS[5]);
                    case "Softmax" -> a.put("fillcolor", COLORS[6]);
                    default -> {
                        a.put("fillcolor", COLORS[7]);
                        if (op.equals("Custom") && attrs.containsKey("op_type")) label = attrs.get("op_type");
                    }
                }
            }
            dot.append('\t').append(quote(n.name())).append(" [label=").append(quote(label));
            for (var e : a.entrySet()) dot.append(' ').append(e.getKey()).append('=').append(quote(e.getValue()));
            dot.append("]\n");
        }
        for (Node n : nodes) {
            if (n.isVariable()) continue;
            List<NodeEntry> inputs = n.op().name().equals("_contrib_BilinearResize2D") ? n.inputs().subList(0, 1) : n.inputs();
            for (NodeEntry in : inputs) {
                Node src = in.node();
                if (hidden.contains(src.name())) continue;
                String key = src.isVariable() ? src.name() : Symbol.entryName(in);
                String label = shapes != null && shapes.get(key) != null ? noBatch(shapes.get(key)) : "";
                if (types != null && types.get(key) != null) label += "(" + types.get(key) + ")"; // MXNet: shape then (dtype)
                dot.append('\t').append(quote(n.name())).append(" -> ").append(quote(src.name()))
                        .append(" [label=").append(quote(label)).append(" arrowtail=open dir=back]\n");
            }
        }
        return new Dot(title, dot.append("}\n").toString());
    }

    /** A DOT string literal: quotes and backslashes escaped, newlines as {@code \n}. */
    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
