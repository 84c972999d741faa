package dev.mxj.executor;

import dev.mxj.Context;
import dev.mxj.device.OpReq;
import dev.mxj.engine.AsyncFn;
import dev.mxj.engine.Engine;
import dev.mxj.engine.EngineException;
import dev.mxj.engine.ExecContext;
import dev.mxj.engine.FnProperty;
import dev.mxj.engine.Operation;
import dev.mxj.graph.Graph;
import dev.mxj.graph.GraphException;
import dev.mxj.graph.GraphInference;
import dev.mxj.graph.NodeBuilder;
import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OperatorException;
import dev.mxj.op.Shape;
import dev.mxj.op.defs.FusedOps;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A graph bound for repeated runs: every pass after the gradient one, shared by {@link Executor}
 * and autograd's backward (DESIGN §6). Building it runs shape and type inference, device
 * placement, element-wise fusion ({@link Fusion}), memory planning ({@link MemoryPlanner}) over
 * the fused graph, and pre-builds one engine operation per node that runs; {@link #run} then
 * only pushes them. Nodes whose values are given (variables, and for autograd the recorded
 * forward nodes, which are leaves of the graph) are not computed; outputs may be bound to the
 * caller's arrays (gradient buffers) with a write or add request. Operations are grouped in
 * phases (the executor's forward and backward).
 *
 * <p>Consecutive operations on one context are pushed as bulk segments ({@link BulkExecution},
 * MXNet's bulk execution): one engine operation per segment, reading the union of its members'
 * inputs and writing the union of their outputs, running the kernels in order. A kernel that
 * fails inside a segment fails the whole segment, as in MXNet: its error (naming the failed
 * operator) lands on every variable the segment writes and everything downstream, and the
 * segment's later kernels do not run. Segments break at operations that copy across contexts and
 * at context changes; a monitored run pushes every node on its own.
 *
 * <p>A monitored run shows every original node: a fused operation is then replaced by its member
 * operations, with arrays for the intermediate values allocated the first time. Not for
 * concurrent use from several threads.
 */
public final class GraphPlan implements AutoCloseable {
    /** An output computed into the caller's array, overwritten (WRITE) or accumulated (ADD); {@code what} names it in errors. */
    public record Bound(NDArray array, OpReq req, String what) {}

    /** What running one plan costs in memory, and what fusion did. */
    record Stats(long plannedBytes, long unplannedBytes, int buffers, int inplace, int reused, int fusedNodes, int absorbedNodes, long fusedAwayBytes) {}

    /** One pushed operation: a node, or a fused group under its last node. */
    private static final class Step {
        final int node;
        final NDArray[] in, out;
        final OpReq[] req;
        final int[] inEntries, outEntries;
        final NDArray[] copies; // (source, copy) pairs copied across contexts before it runs, or null
        final Fusion.Group group;
        Imperative.Prebuilt op;
        Step[] expanded;
        Segment segment; // the bulk segment it runs in, or null when pushed on its own

        Step(int node, NDArray[] in, NDArray[] out, OpReq[] req, int[] inEntries, int[] outEntries, NDArray[] copies, Fusion.Group group,
             Imperative.Prebuilt op) {
            this.node = node;
            this.in = in;
            this.out = out;
            this.req = req;
            this.inEntries = inEntries;
            this.outEntries = outEntries;
            this.copies = copies;
            this.group = group;
            this.op = op;
        }
    }

    /**
     * Consecutive steps of a phase pushed as one engine operation; its operations are built at
     * the first push and again after a rebind changed a member.
     */
    private static final class Segment {
        final Step[] steps;
        final ExecContext ctx;
        private Operation train, predict;

        Segment(Step[] steps) {
            this.steps = steps;
            this.ctx = steps[0].op.execContext();
        }

        Operation operation(boolean isTrain) {
            Operation o = isTrain ? train : predict;
            if (o != null) return o;
            Imperative.Prebuilt[] ops = new Imperative.Prebuilt[steps.length];
            int nr = 0, nm = 0;
            for (int k = 0; k < ops.length; k++) {
                ops[k] = steps[k].op;
                nr += ops[k].reads().length;
                nm += ops[k].mutates().length;
            }
            // the engine drops duplicates and counts a variable both read and written as written (the segment's intermediates)
            dev.mxj.engine.Var[] reads = new dev.mxj.engine.Var[nr], mutates = new dev.mxj.engine.Var[nm];
            StringBuilder name = new StringBuilder("[");
            nr = nm = 0;
            for (Imperative.Prebuilt op : ops) {
                for (var v : op.reads()) reads[nr++] = v;
                for (var v : op.mutates()) mutates[nm++] = v;
                name.append(name.length() == 1 ? "" : ",").append(op.name());
            }
            o = Engine.get().newOperator(body(ops, isTrain), reads, mutates, FnProperty.NORMAL, name.append(']').toString());
            if (isTrain) train = o;
            else predict = o;
            return o;
        }

        private static AsyncFn body(Imperative.Prebuilt[] ops, boolean isTrain) {
            return (rc, done) -> {
                for (Imperative.Prebuilt op : ops) {
                    try {
                        op.runIn(rc, isTrain);
                    } catch (EngineException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new EngineException(op.name(), e); // name the member that failed, not the segment
                    }
                }
                done.done();
            };
        }

        /** Drop the operations (a member was rebound); safe while pushed ones are pending. */
        void invalidate() {
            if (train != null) Engine.get().deleteOperator(train);
            if (predict != null) Engine.get().deleteOperator(predict);
            train = predict = null;
        }
    }

    final Graph graph;
    /** Execution order of all node ids (phase by phase), as memory planning simulated it. */
    final int[] order;
    final MemoryPlanner.Plan plan;
    final Fusion.Result fusion;
    private final NDArray[] values;
    private final Shape[] shapes;
    private final DType[] types;
    private final Context[] nodeCtx;
    private final boolean[] external;
    /** Node id of each entry's producer. */
    private final int[] producer;
    private final List<NDArray> owned = new ArrayList<>();
    private final List<Step[]> phases = new ArrayList<>();
    /** Per phase, what {@link #run} pushes: bulk segments, or single steps as segments of one that push their own operation. */
    private final List<Segment[]> segments = new ArrayList<>();
    private final BulkExecution bulk;
    private final SharedPool pool;
    private final Stats stats;
    private boolean closed;

    /**
     * @param given      values of every output of the graph's variables and leaves
     * @param bound      outputs computed into caller arrays
     * @param firstPhase outputs whose dependencies form phase 0 (the executor's forward); the other nodes are phase 1. Empty: one phase
     * @param dflt       context of nodes placement leaves open
     * @param pool       where planned memory comes from (retained here, released by {@link #close})
     */
    public static GraphPlan build(Graph g, Map<Node, NDArray[]> given, Map<NodeEntry, Bound> bound, List<NodeEntry> firstPhase, Context dflt,
                                  Executor.Options options, SharedPool pool) {
        return new GraphPlan(g, given, bound, firstPhase, dflt, options, pool);
    }

    /** As {@link #build} with a pool of its own. */
    public static GraphPlan build(Graph g, Map<Node, NDArray[]> given, Map<NodeEntry, Bound> bound, Context dflt, Executor.Options options) {
        return new GraphPlan(g, given, bound, List.of(), dflt, options, new SharedPool());
    }

    private GraphPlan(Graph g, Map<Node, NDArray[]> given, Map<NodeEntry, Bound> bound, List<NodeEntry> firstPhase, Context dflt,
                      Executor.Options options, SharedPool pool) {
        this.graph = g;
        this.pool = pool.retain();
        this.bulk = BulkExecution.current();
        boolean ok = false;
        try {
            this.nodeCtx = Placement.nodes(g, given, dflt, options.group2ctx());
            int ne = g.numEntries();
            values = new NDArray[ne];
            shapes = new Shape[ne];
            types = new DType[ne];
            external = new boolean[ne];
            producer = new int[ne];
            for (int i = 0; i < g.numNodes(); i++) for (int j = 0; j < g.nodes().get(i).numOutputs(); j++) producer[g.entryId(i, j)] = i;
            long[] bytes = new long[ne];
            OpReq[] entryReq = new OpReq[ne];
            infer(g, given);
            for (int i = 0; i < g.numNodes(); i++) {
                Node n = g.nodes().get(i);
                if (n.isVariable() || g.isLeaf(i)) {
                    NDArray[] v = given.get(n);
                    if (v == null) throw new ExecutorException("no array bound to variable " + n.name());
                    for (int j = 0; j < n.numOutputs(); j++) {
                        int id = g.entryId(i, j);
                        values[id] = v[j];
                        external[id] = true;
                    }
                    continue;
                }
                for (int j = 0; j < n.numOutputs(); j++) {
                    int id = g.entryId(i, j);
                    if (shapes[id] == null || !shapes[id].isKnown() || types[id] == null) {
                        throw new ExecutorException("cannot infer the shape and type of output " + j + " of node " + n.name() + " (" + n.op().name()
                                + "): got " + shapes[id] + " " + types[id]);
                    }
                    bytes[id] = shapes[id].size() * types[id].byteSize();
                }
            }
            for (var e : bound.entrySet()) {
                int id = g.entryId(e.getKey());
                NDArray a = e.getValue().array();
                if (!a.shape().equals(shapes[id]) || a.dtype() != types[id]) {
                    throw new ExecutorException(e.getValue().what() + " is " + a.shape() + " " + a.dtype() + " but its value is " + shapes[id] + " " + types[id]);
                }
                Context producer = nodeCtx[g.nodeId(e.getKey().node())];
                if (!a.context().equals(producer)) {
                    throw new ExecutorException(e.getValue().what() + " is on " + a.context() + " but its value is computed on " + producer
                            + "; place the argument in the ctx_group of the layer that reads it");
                }
                values[id] = a;
                external[id] = true;
                entryReq[id] = e.getValue().req();
            }

            // execution order: phase 0 (what firstPhase depends on), then phase 1; a topological order either way
            int[] phase = new int[g.numNodes()];
            if (!firstPhase.isEmpty()) {
                java.util.Arrays.fill(phase, 1);
                for (NodeEntry o : firstPhase) phase[g.nodeId(o.node())] = 0;
                for (int i = g.numNodes() - 1; i >= 0; i--) {
                    if (phase[i] != 0 || g.isLeaf(i)) continue;
                    for (NodeEntry in : g.nodes().get(i).inputs()) phase[g.nodeId(in.node())] = 0;
                }
            }
            int numPhases = firstPhase.isEmpty() ? 1 : 2;
            order = new int[g.numNodes()];
            int p = 0;
            for (int ph = 0; ph < numPhases; ph++) for (int i = 0; i < g.numNodes(); i++) if (phase[i] == ph) order[p++] = i;

            // fusion, then memory planning of what remains: absorbed nodes' values are never stored
            fusion = options.fusion() ? Fusion.find(g, order, shapes, types, bytes, nodeCtx, external, phase) : Fusion.Result.none(g.numNodes());
            boolean[] unplanned = external.clone();
            for (int i = 0; i < g.numNodes(); i++) if (fusion.absorbed(i)) unplanned[g.entryId(i, 0)] = true;
            List<Context> devices = Placement.distinct(nodeCtx);
            int[] entryDev = new int[ne];
            for (int i = 0; i < g.numNodes(); i++) {
                for (int j = 0; j < g.nodes().get(i).numOutputs(); j++) entryDev[g.entryId(i, j)] = devices.indexOf(nodeCtx[i]);
            }
            plan = MemoryPlanner.plan(g, order, bytes, types, unplanned, entryDev, options.planMemory(), options.inplace(), fusion);
            Context[] blockCtx = new Context[plan.bufferBytes().length];
            for (int b = 0; b < blockCtx.length; b++) blockCtx[b] = devices.get(plan.bufferDevice()[b]);
            NDArray[] blocks = this.pool.assign(plan.bufferBytes(), blockCtx);
            for (int e = 0; e < ne; e++) {
                if (unplanned[e] || plan.bufferOf()[e] < 0) continue;
                values[e] = NDScope.detach(blocks[plan.bufferOf()[e]].viewAs(shapes[e], types[e]));
                owned.add(values[e]);
            }
            stats = new Stats(plan.plannedBytes(), plan.unplannedBytes() + fusion.droppedBytes(), plan.bufferBytes().length, plan.inplace(),
                    plan.reused(), fusion.groups().size(), countAbsorbed(), fusion.droppedBytes());

            // one pre-built operation per node that runs; outputs nobody reads get OpReq.NULL
            int[] uses = g.entryUseCounts();
            Map<String, NDArray> copied = new HashMap<>(); // "entry@ctx" -> the copy on ctx
            for (int ph = 0; ph < numPhases; ph++) {
                List<Step> steps = new ArrayList<>();
                for (int i : order) {
                    if (phase[i] == ph && runs(i)) steps.add(step(i, entryReq, uses, copied));
                }
                phases.add(steps.toArray(Step[]::new));
            }
            // MXNet's segmentation: a plan with a backward (or autograd's, all backward) in training segments, else one inference segment
            boolean training = numPhases == 1 || phases.get(1).length > 0;
            for (int ph = 0; ph < numPhases; ph++) segments.add(segment(phases.get(ph), bulk.limit(training, numPhases == 1 || ph == 1)));
            ok = true;
        } catch (GraphException e) {
            throw new ExecutorException(e.getMessage(), e);
        } finally {
            if (!ok) close();
        }
    }

    /** Cut a phase into runs of at most {@code limit} steps on one context; a step that copies across contexts stays alone. */
    private Segment[] segment(Step[] steps, int limit) {
        List<Segment> r = new ArrayList<>();
        int i = 0;
        while (i < steps.length) {
            int j = i + 1;
            if (steps[i].copies == null) {
                while (j < steps.length && j - i < limit && steps[j].copies == null && nodeCtx[steps[j].node].equals(nodeCtx[steps[i].node])) j++;
            }
            Segment seg = new Segment(java.util.Arrays.copyOfRange(steps, i, j));
            if (j - i > 1) for (Step s : seg.steps) s.segment = seg;
            r.add(seg);
            i = j;
        }
        return r.toArray(Segment[]::new);
    }

    private boolean runs(int i) {
        return !graph.nodes().get(i).isVariable() && !graph.isLeaf(i) && !fusion.absorbed(i);
    }

    private int countAbsorbed() {
        int c = 0;
        for (int a : fusion.absorbedInto()) if (a >= 0) c++;
        return c;
    }

    private void infer(Graph g, Map<Node, NDArray[]> given) {
        Map<NodeEntry, Shape> ks = new HashMap<>();
        Map<NodeEntry, DType> kt = new HashMap<>();
        for (var e : given.entrySet()) {
            if (!g.contains(e.getKey())) continue;
            NDArray[] v = e.getValue();
            for (int j = 0; j < v.length; j++) {
                ks.put(e.getKey().output(j), v[j].shape());
                kt.put(e.getKey().output(j), v[j].dtype());
            }
        }
        GraphInference.Result<Shape> s = GraphInference.shapes(g, ks);
        GraphInference.Result<DType> t = GraphInference.types(g, kt);
        for (int i = 0; i < g.numNodes(); i++) {
            Node n = g.nodes().get(i);
            for (int j = 0; j < n.numOutputs(); j++) {
                NodeEntry e = n.output(j);
                shapes[g.entryId(i, j)] = s.get(e);
                types[g.entryId(i, j)] = t.get(e);
            }
        }
    }

    private Step step(int i, OpReq[] entryReq, int[] uses, Map<String, NDArray> copied) {
        Node n = graph.nodes().get(i);
        List<NodeEntry> inputs = fusion.inputsOf(graph, i);
        Attrs attrs = fusion.attrsOf(graph, i);
        NDArray[] in = new NDArray[inputs.size()];
        int[] inEntries = new int[in.length];
        List<NDArray> copyPairs = new ArrayList<>();
        for (int k = 0; k < in.length; k++) {
            int id = graph.entryId(inputs.get(k));
            inEntries[k] = id;
            in[k] = values[id];
            if (in[k].context().equals(nodeCtx[i])) continue;
            String key = id + "@" + nodeCtx[i];
            NDArray c = copied.get(key);
            if (c == null) {
                c = NDScope.detach(NDArray.empty(in[k].shape(), in[k].dtype(), nodeCtx[i]));
                owned.add(c);
                copied.put(key, c);
                copyPairs.add(in[k]);
                copyPairs.add(c);
            }
            in[k] = c;
        }
        NDArray[] out = new NDArray[n.numOutputs()];
        int[] outEntries = new int[out.length];
        OpReq[] req = new OpReq[out.length];
        for (int j = 0; j < out.length; j++) {
            int id = graph.entryId(i, j);
            outEntries[j] = id;
            out[j] = values[id];
            req[j] = entryReq[id] != null ? entryReq[id] : uses[id] == 0 ? OpReq.NULL : null;
        }
        return new Step(i, in, out, req, inEntries, outEntries, copyPairs.isEmpty() ? null : copyPairs.toArray(NDArray[]::new),
                fusion.groups().get(i), prebuild(n, attrs, in, out, req));
    }

    private static Imperative.Prebuilt prebuild(Node n, Attrs attrs, NDArray[] in, NDArray[] out, OpReq[] req) {
        try {
            return Imperative.prebuild(attrs, in, out, req);
        } catch (OperatorException e) {
            throw new ExecutorException("node " + n.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Entries that can be bound straight to caller arrays: each produced by an operator that runs,
     * read by nothing else and requested once. Others (a head gradient passed through unchanged, a
     * given value, an entry shared by two variables) get a {@code _copy} named after {@code xs[k]}.
     *
     * @param others entries computed along (the executor's forward outputs), which count as readers
     */
    public static List<NodeEntry> exclusive(List<NodeEntry> others, List<NodeEntry> entries, List<NodeEntry> xs, Predicate<Node> given,
                                            NodeBuilder nb) {
        List<NodeEntry> all = new ArrayList<>(others);
        all.addAll(entries);
        Graph pre = Graph.of(all, given);
        int[] uses = pre.entryUseCounts();
        List<NodeEntry> r = new ArrayList<>(entries.size());
        for (int k = 0; k < entries.size(); k++) {
            NodeEntry e = entries.get(k);
            if (e.node().isVariable() || given.test(e.node()) || uses[pre.entryId(e)] != 1) e = nb.op(xs.get(k).node().name() + "_grad", "_copy", e);
            r.add(e);
        }
        return r;
    }

    /** The bound graph. */
    public Graph graph() { return graph; }

    // ------------------------------------------------------------------ running

    int numPhases() { return phases.size(); }

    /** Push phase {@code ph}'s operations; with a monitor, fused operations run as their members so that every node's values show. */
    void run(int ph, boolean train, Executor.MonitorCallback monitor, boolean monitorAll) {
        if (monitor == null) {
            for (Segment seg : segments.get(ph)) {
                if (seg.steps.length > 1) {
                    Engine.get().push(seg.operation(train), seg.ctx, Engine.DEFAULT_PRIORITY);
                    continue;
                }
                Step s = seg.steps[0];
                NDArray[] cp = s.copies;
                if (cp != null) for (int c = 0; c < cp.length; c += 2) cp[c].copyTo(cp[c + 1]);
                s.op.push(train);
            }
            return;
        }
        for (Step s : phases.get(ph)) {
            NDArray[] cp = s.copies;
            if (cp != null) for (int c = 0; c < cp.length; c += 2) cp[c].copyTo(cp[c + 1]);
            if (monitor != null && s.group != null) {
                for (Step m : expanded(s)) {
                    m.op.push(train);
                    monitor(monitor, m, monitorAll);
                }
            } else {
                s.op.push(train);
                if (monitor != null) monitor(monitor, s, monitorAll);
            }
        }
    }

    /** Push every phase in order (autograd's backward). */
    public void run(boolean train) {
        for (int ph = 0; ph < phases.size(); ph++) run(ph, train, null, false);
    }

    private void monitor(Executor.MonitorCallback m, Step s, boolean all) {
        Node n = graph.nodes().get(s.node);
        List<String> outNames = n.op().outputNames(n.attrs());
        for (int j = 0; j < s.out.length; j++) m.call(n.name() + "_" + outNames.get(j), s.out[j]);
        if (!all) return;
        List<String> inNames = n.op().inputNames(n.attrs());
        for (int k = 0; k < s.in.length; k++) m.call(n.name() + "_" + inNames.get(k), s.in[k]);
    }

    /** A fused step as its member operations, reading the fused step's inputs and writing its output, intermediates in arrays of their own. */
    private Step[] expanded(Step s) {
        if (s.expanded != null) return s.expanded;
        Fusion.Group gr = s.group;
        Map<Integer, NDArray> inter = new HashMap<>();
        Step[] r = new Step[gr.members().length];
        for (int k = 0; k < r.length; k++) {
            int m = gr.members()[k];
            Node node = graph.nodes().get(m);
            NDArray[] in = new NDArray[node.inputs().size()];
            for (int j = 0; j < in.length; j++) {
                NodeEntry e = node.inputs().get(j);
                NDArray a = inter.get(graph.nodeId(e.node()));
                in[j] = a != null ? a : s.in[gr.inputs().indexOf(e)];
            }
            NDArray[] out;
            OpReq[] req;
            if (m == gr.tail()) {
                out = s.out;
                req = s.req;
            } else {
                int id = graph.entryId(m, 0);
                NDArray a = NDScope.detach(NDArray.empty(shapes[id], types[id], nodeCtx[m]));
                owned.add(a);
                inter.put(m, a);
                out = new NDArray[] {a};
                req = new OpReq[] {null};
            }
            r[k] = new Step(m, in, out, req, null, null, null, null, prebuild(node, node.attrs(), in, out, req));
        }
        return s.expanded = r;
    }

    // ------------------------------------------------------------------ arrays

    /** The array holding {@code e}'s value (valid after a run). */
    public NDArray value(NodeEntry e) { return values[graph.entryId(e)]; }

    /**
     * Run on other arrays of the same shapes, dtypes and contexts for some given values and bound
     * outputs (keys are this plan's nodes and entries): the operations reading or writing them are
     * rebuilt on the new arrays, nothing else changes. Autograd's cached backward calls it with a
     * new step's forward values. Not for plans that copy across contexts or have been monitored.
     */
    public void rebind(Map<Node, NDArray[]> given, Map<NodeEntry, NDArray> bound) {
        for (var e : given.entrySet()) {
            int i = graph.nodeId(e.getKey());
            for (int j = 0; j < e.getValue().length; j++) set(graph.entryId(i, j), e.getValue()[j]);
        }
        for (var e : bound.entrySet()) set(graph.entryId(e.getKey()), e.getValue());
        for (Step[] steps : phases) {
            for (Step s : steps) {
                if (s.copies != null || s.expanded != null) throw new IllegalStateException("rebind: a plan with cross-context copies or a monitor");
                boolean touched = false;
                for (int k = 0; k < s.in.length; k++) if (external[s.inEntries[k]] && s.in[k] != values[s.inEntries[k]]) { s.in[k] = values[s.inEntries[k]]; touched = true; }
                for (int j = 0; j < s.out.length; j++) if (external[s.outEntries[j]] && s.out[j] != values[s.outEntries[j]]) { s.out[j] = values[s.outEntries[j]]; touched = true; }
                if (!touched) continue;
                Imperative.Prebuilt nb = s.op.rebind(s.in, s.out);
                if (nb != s.op) {
                    s.op.close();
                    s.op = nb;
                    if (s.segment != null) s.segment.invalidate();
                }
            }
        }
    }

    private void set(int id, NDArray a) {
        if (!external[id]) throw new IllegalArgumentException("rebind: entry " + id + " is not given or bound");
        NDArray old = values[id]; // may be closed by now (a freed tape handle): its shape and dtype remain, its context is the node's
        Context c = nodeCtx[producer[id]];
        if (!a.shape().equals(old.shape()) || a.dtype() != old.dtype() || !a.context().equals(c)) {
            throw new IllegalArgumentException("rebind: " + a.shape() + " " + a.dtype() + " on " + a.context() + " for a value bound as "
                    + old.shape() + " " + old.dtype() + " on " + c);
        }
        values[id] = a;
    }

    Stats stats() { return stats; }

    /** Number of steps in each pushed unit of phase {@code ph} (1: pushed on its own). */
    int[] segmentSizes(int ph) {
        Segment[] segs = segments.get(ph);
        int[] r = new int[segs.length];
        for (int i = 0; i < r.length; i++) r[i] = segs[i].steps.length;
        return r;
    }

    /** The bulk settings this plan was built with. */
    BulkExecution bulkExecution() { return bulk; }

    /** Node names of phase {@code ph}'s operations, a fused one with its program (debug output). */
    List<String> describe(int ph) {
        List<String> r = new ArrayList<>();
        for (Step s : phases.get(ph)) {
            Node n = graph.nodes().get(s.node);
            r.add(s.group == null ? n.op().name() + " " + n.name()
                    : FusedOps.NAME + " " + n.name() + " [" + s.group.attrs().getString("program") + "]");
        }
        return r;
    }

    /** Wait for pushed runs, then release the operations, the arrays this plan allocated and its share of the pool. */
    @Override public void close() {
        if (closed) return;
        closed = true;
        NDArray.waitAll();
        for (Segment[] segs : segments) for (Segment seg : segs) seg.invalidate();
        for (Step[] steps : phases) {
            for (Step s : steps) {
                if (s.op != null) s.op.close();
                if (s.expanded != null) for (Step m : s.expanded) m.op.close();
            }
        }
        for (NDArray o : owned) o.close();
        pool.release();
    }
}
