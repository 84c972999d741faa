package dev.mxj.graph;

import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OperatorException;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * Shape and type inference over a whole graph (NNVM's InferShape/InferType passes): each
 * operator's bidirectional rule runs in a forward sweep and then a backward sweep, repeated
 * until nothing changes, so a weight's shape can come from the data flowing into it and an
 * input's from a known output. Partial results are allowed ({@link Result#complete()});
 * conflicts fail naming the node and operator.
 */
public final class GraphInference {
    private GraphInference() {}

    /** Per-entry results of one pass; unknown entries are null (types) or not fully known (shapes). */
    public static final class Result<T> {
        private final Graph graph;
        private final T[] values;
        private final int unknown;

        Result(Graph graph, T[] values, int unknown) {
            this.graph = graph;
            this.values = values;
            this.unknown = unknown;
        }

        public T get(NodeEntry e) { return values[graph.entryId(e)]; }

        /** Number of entries still not fully known. */
        public int numUnknown() { return unknown; }

        public boolean complete() { return unknown == 0; }
    }

    /** Infer shapes from those given (any entries; typically the variables). */
    public static Result<Shape> shapes(Graph g, Map<NodeEntry, Shape> known) {
        return run(g, known, new Shape[g.numEntries()], new Rule<>() {
            public boolean infer(Attrs a, Shape[] in, Shape[] out) { return a.op().shapeFn().infer(a, in, out); }
            public Shape merge(Shape a, Shape b) { return Shape.merge(a, b); }
            public boolean known(Shape s) { return ShapeRules.known(s); }
            public boolean decidedByParameters(Attrs a) { return false; }
            public String what() { return "shape"; }
        });
    }

    /** Infer dtypes from those given. */
    public static Result<DType> types(Graph g, Map<NodeEntry, DType> known) {
        return run(g, known, new DType[g.numEntries()], new Rule<>() {
            public boolean infer(Attrs a, DType[] in, DType[] out) { return a.op().typeFn().infer(a, in, out); }
            public DType merge(DType a, DType b) { return a == null ? b : b == null || a == b ? a : null; }
            public boolean known(DType t) { return t != null; }
            public boolean decidedByParameters(Attrs a) { return a.values().get("dtype") instanceof DType; }
            public String what() { return "type"; }
        });
    }

    /** What differs between the shape and the type pass. */
    private interface Rule<T> {
        boolean infer(Attrs attrs, T[] in, T[] out);

        /** Both descriptions combined, or null when they conflict. */
        T merge(T a, T b);

        boolean known(T v);

        /**
         * Whether the node's parameters alone can decide something (Cast's, one_hot's or a sampler's
         * {@code dtype} fixes the output type before any input type is known, as in MXNet's
         * partial type inference).
         */
        boolean decidedByParameters(Attrs attrs);

        String what();
    }

    private static <T> Result<T> run(Graph g, Map<NodeEntry, T> known, T[] vals, Rule<T> rule) {
        for (var e : known.entrySet()) {
            if (g.contains(e.getKey().node())) vals[g.entryId(e.getKey())] = e.getValue();
        }
        boolean changed = true;
        for (int sweep = 0; changed; sweep++) {
            changed = false;
            boolean forward = sweep % 2 == 0;
            for (int k = 0; k < g.numNodes(); k++) {
                int i = forward ? k : g.numNodes() - 1 - k;
                Node n = g.nodes().get(i);
                if (n.isVariable() || g.isLeaf(i)) continue;
                changed |= inferNode(g, i, n, vals, rule);
            }
            if (sweep > 2 * g.numNodes() + 4) break; // every sweep that changes something fixes at least one value
        }
        int unknown = 0;
        for (T v : vals) if (!rule.known(v)) unknown++;
        return new Result<>(g, vals, unknown);
    }

    private static <T> boolean inferNode(Graph g, int i, Node n, T[] vals, Rule<T> rule) {
        int nin = n.inputs().size(), nout = n.numOutputs();
        T[] in = Arrays.copyOf(vals, nin);
        T[] out = Arrays.copyOf(vals, nout);
        for (int k = 0; k < nin; k++) in[k] = vals[g.entryId(n.inputs().get(k))];
        for (int j = 0; j < nout; j++) out[j] = vals[g.entryId(i, j)];
        // nothing to go on yet (rules may reject an empty call), unless the parameters decide (an
        // operator without inputs always goes by its parameters); then only its outputs are taken
        boolean fromParametersOnly = nin > 0 && allNull(in) && allNull(out);
        if (fromParametersOnly && !rule.decidedByParameters(n.attrs())) return false;
        try {
            rule.infer(n.attrs(), in, out);
        } catch (RuntimeException e) {
            if (fromParametersOnly) return false; // this rule needs an input first; the later sweeps try again
            String why = e instanceof OperatorException ? e.getMessage() : rule.what() + " inference failed: " + e;
            throw new GraphException("Error in operator " + n.name() + " (" + n.op().name() + "): " + why, e);
        }
        boolean changed = false;
        if (!fromParametersOnly) {
            for (int k = 0; k < nin; k++) changed |= update(vals, g.entryId(n.inputs().get(k)), in[k], n, "input " + n.op().inputNames(n.attrs()).get(k), rule);
        }
        for (int j = 0; j < nout; j++) changed |= update(vals, g.entryId(i, j), out[j], n, "output " + j, rule);
        return changed;
    }

    private static boolean allNull(Object[] a) {
        for (Object o : a) if (o != null) return false;
        return true;
    }

    private static <T> boolean update(T[] vals, int id, T inferred, Node n, String what, Rule<T> rule) {
        T old = vals[id];
        if (inferred == null || Objects.equals(old, inferred)) return false;
        T m = rule.merge(old, inferred);
        if (m == null) {
            throw new GraphException("Error in operator " + n.name() + " (" + n.op().name() + "): " + rule.what() + " inconsistent for " + what
                    + ", provided = " + old + ", inferred " + rule.what() + " = " + inferred);
        }
        if (Objects.equals(m, old)) return false;
        vals[id] = m;
        return true;
    }
}
