package dev.mxj.graph;

import dev.mxj.Context;
import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A graph bound to arrays and prepared once, the core of an executor: the variables' arrays are
 * given, every other entry gets an array of its inferred shape and type, and each node becomes a
 * pre-built engine operation ({@link Imperative#prebuild}). {@link #run} then pushes them in
 * topological order, so running the same graph again and again (a training loop) pays one
 * engine push per node and no inference, parsing or allocation. No memory planning yet: every
 * entry has its own array.
 */
public final class BoundGraph implements AutoCloseable {
    private final Graph graph;
    private final NDArray[] values;
    private final boolean[] owned;
    private final List<Imperative.Prebuilt> ops = new ArrayList<>();

    private BoundGraph(Graph graph) {
        this.graph = graph;
        this.values = new NDArray[graph.numEntries()];
        this.owned = new boolean[graph.numEntries()];
    }

    /** Bind {@code g}: {@code args} gives an array for every variable; new arrays go to {@code ctx}. */
    public static BoundGraph bind(Graph g, Map<Node, NDArray> args, Context ctx) {
        Map<NodeEntry, Shape> shapes = new HashMap<>();
        Map<NodeEntry, DType> types = new HashMap<>();
        for (Node v : g.variables()) {
            NDArray a = args.get(v);
            if (a == null) throw new GraphException("bind: no array given for variable " + v.name());
            shapes.put(v.output(0), a.shape());
            types.put(v.output(0), a.dtype());
        }
        GraphInference.Result<Shape> s = GraphInference.shapes(g, shapes);
        GraphInference.Result<DType> t = GraphInference.types(g, types);
        BoundGraph b = new BoundGraph(g);
        try {
            for (int i = 0; i < g.numNodes(); i++) {
                Node n = g.nodes().get(i);
                if (n.isVariable()) {
                    b.values[g.entryId(i, 0)] = args.get(n);
                    continue;
                }
                NDArray[] out = new NDArray[n.numOutputs()];
                for (int j = 0; j < out.length; j++) {
                    NodeEntry e = n.output(j);
                    Shape sh = s.get(e);
                    if (sh == null || !sh.isKnown() || t.get(e) == null) {
                        throw new GraphException("bind: cannot infer the shape and type of output " + j + " of node " + n.name()
                                + " (" + n.op().name() + "): got " + sh + " " + t.get(e));
                    }
                    int id = g.entryId(i, j);
                    out[j] = b.values[id] = NDScope.detach(NDArray.empty(sh, t.get(e), ctx));
                    b.owned[id] = true;
                }
                NDArray[] in = new NDArray[n.inputs().size()];
                for (int k = 0; k < in.length; k++) in[k] = b.values[g.entryId(n.inputs().get(k))];
                b.ops.add(Imperative.prebuild(n.attrs(), in, out));
            }
            return b;
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    /** Push every node once (asynchronous, as any operator call). */
    public void run(boolean isTrain) {
        for (Imperative.Prebuilt op : ops) op.push(isTrain);
    }

    /** The array holding {@code e}'s value (valid after {@link #run}; owned by this graph). */
    public NDArray value(NodeEntry e) { return values[graph.entryId(e)]; }

    public List<NDArray> outputs() {
        List<NDArray> r = new ArrayList<>();
        for (NodeEntry o : graph.outputs()) r.add(value(o));
        return r;
    }

    /** Wait for pushed runs, then release the operations and the arrays this graph allocated. */
    @Override public void close() {
        NDArray.waitAll();
        for (Imperative.Prebuilt op : ops) op.close();
        ops.clear();
        for (int i = 0; i < values.length; i++) if (owned[i] && values[i] != null) values[i].close();
    }
}
