package dev.mxj.autograd;

import dev.mxj.Context;
import dev.mxj.device.OpReq;
import dev.mxj.executor.BulkExecution;
import dev.mxj.executor.Executor;
import dev.mxj.executor.GraphPlan;
import dev.mxj.graph.GradientPass;
import dev.mxj.graph.Graph;
import dev.mxj.graph.NodeBuilder;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Backward through the executor's machinery (DESIGN §6, MXNet's CachedOp for the backward graph):
 * the gradient graph of the recorded graph, with the recorded nodes as leaves whose values the
 * tape kept, is bound as a {@link GraphPlan} (inference, fusion, memory planning, pre-built
 * operations) and gradients are computed straight into the variables' buffers. A training loop
 * records the same graph every step, so plans are cached per thread by the recorded graph's
 * structure (operators and attributes, edges, shapes, dtypes, contexts, which variables want
 * gradients and how, head gradients given or not, bulk settings): from the second step a backward
 * is a structure check, a rebind of the operations that read the new step's values, and the
 * pushes.
 */
final class PlannedBackward {
    /** Plans kept per thread: a loop alternating a few graph shapes (train/eval, a last smaller batch) keeps hitting. */
    static final int CACHE_SIZE = 4;

    /** Plans built so far by this thread (tests check that a loop builds one). */
    private static final ThreadLocal<int[]> BUILDS = ThreadLocal.withInitial(() -> new int[1]);

    private PlannedBackward() {}

    static int builds() { return BUILDS.get()[0]; }

    /** A bound plan and how to map a new step's recorded graph onto it. */
    private record Plan(GraphPlan plan, List<Node> recorded, List<Node> absentXs, Node[] headVars, List<NodeEntry> grads, List<NDArray> ones)
            implements AutoCloseable {
        @Override public void close() {
            plan.close();
            for (NDArray o : ones) o.close();
        }
    }

    /** The structure of one backward call; equal keys give the same gradient graph on arrays of the same kind. */
    private record Key(List<Object> parts, int hash) {
        @Override public boolean equals(Object o) { return o instanceof Key k && k.hash == hash && k.parts.equals(parts); }

        @Override public int hashCode() { return hash; }
    }

    private static final ThreadLocal<LinkedHashMap<Key, Plan>> CACHE = ThreadLocal.withInitial(() -> new LinkedHashMap<>(8, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<Key, Plan> eldest) {
            if (size() <= CACHE_SIZE) return false;
            eldest.getValue().close();
            return true;
        }
    });

    /**
     * Whether this call can run here: every value on one context (the plan then needs no copies).
     * Otherwise the caller takes the graph-runner path.
     */
    static boolean applies(Graph fwd, List<NodeEntry> xs, List<NDArray> headGrads, List<AGInfo> xInfo) {
        Context c = null;
        for (Node n : fwd.nodes()) {
            for (NDArray a : AGInfo.of(n).outputs) {
                if (c == null) c = a.context();
                else if (!c.equals(a.context())) return false;
            }
        }
        for (NodeEntry x : xs) if (!AGInfo.of(x.node()).outputs[0].context().equals(c)) return false;
        if (headGrads != null) for (NDArray h : headGrads) if (h != null && !h.context().equals(c)) return false;
        for (AGInfo i : xInfo) if (i.grad != null && !i.grad.context().equals(c)) return false;
        return true;
    }

    /**
     * @param xInfo the variables' records when gradients go to their buffers, or null for fresh arrays returned to the caller
     * @return the fresh gradient arrays (one per x), or null when written into the buffers
     */
    static List<NDArray> run(Graph fwd, List<NodeEntry> ys, List<NDArray> headGrads, List<NodeEntry> xs, List<AGInfo> xInfo, boolean train) {
        Key key = key(fwd, ys, headGrads, xs, xInfo);
        LinkedHashMap<Key, Plan> cache = CACHE.get();
        Plan p = cache.get(key);
        List<NDArray> targets = new ArrayList<>(xs.size());
        for (int k = 0; k < xs.size(); k++) {
            NDArray v = AGInfo.of(xs.get(k).node()).outputs[xs.get(k).index()];
            targets.add(xInfo != null ? xInfo.get(k).grad : NDArray.empty(v.shape(), v.dtype(), v.context()));
        }
        if (p == null) {
            p = build(fwd, ys, headGrads, xs, xInfo, targets);
            BUILDS.get()[0]++;
            cache.put(key, p);
        } else {
            rebind(p, fwd, headGrads, xs, targets);
        }
        p.plan.run(train);
        return xInfo != null ? null : targets;
    }

    private static Key key(Graph fwd, List<NodeEntry> ys, List<NDArray> headGrads, List<NodeEntry> xs, List<AGInfo> xInfo) {
        List<Object> parts = new ArrayList<>(fwd.numNodes() * 6);
        parts.add(xInfo != null);
        parts.add(bulk()); // a plan keeps the segmentation it was built with
        for (Node n : fwd.nodes()) {
            if (n.isVariable()) {
                parts.add(Boolean.TRUE);
            } else {
                parts.add(n.attrs());
                for (NodeEntry in : n.inputs()) parts.add(fwd.entryId(in));
            }
            for (NDArray a : AGInfo.of(n).outputs) {
                parts.add(a.shape());
                parts.add(a.dtype());
                parts.add(a.context());
            }
        }
        for (int i = 0; i < ys.size(); i++) {
            parts.add(fwd.entryId(ys.get(i)));
            NDArray h = headGrads == null ? null : headGrads.get(i);
            parts.add(h == null ? "ones" : h.dtype());
        }
        for (int k = 0; k < xs.size(); k++) {
            NodeEntry x = xs.get(k);
            if (fwd.contains(x.node())) {
                parts.add(fwd.entryId(x));
            } else {
                NDArray a = AGInfo.of(x.node()).outputs[0];
                parts.add(List.of("absent", a.shape(), a.dtype()));
            }
            if (xInfo != null) parts.add(xInfo.get(k).gradReq);
        }
        return new Key(parts, parts.hashCode());
    }

    /**
     * Per-node pushes unless this thread overrides the bulk settings: the plan is rebound to new
     * values every step, which would rebuild every bulk segment (measured slower than it saves).
     */
    private static BulkExecution bulk() {
        BulkExecution b = BulkExecution.overridden();
        return b != null ? b : BulkExecution.OFF;
    }

    private static Plan build(Graph fwd, List<NodeEntry> ys, List<NDArray> headGrads, List<NodeEntry> xs, List<AGInfo> xInfo, List<NDArray> targets) {
        Map<Node, NDArray[]> given = new IdentityHashMap<>();
        for (Node n : fwd.nodes()) given.put(n, AGInfo.of(n).outputs);
        List<Node> absent = new ArrayList<>();
        for (NodeEntry x : xs) {
            if (fwd.contains(x.node())) continue;
            given.putIfAbsent(x.node(), AGInfo.of(x.node()).outputs);
            absent.add(x.node()); // one per such x, in order, as rebind walks them
        }
        Node[] headVars = new Node[ys.size()];
        List<NDArray> ones = new ArrayList<>();
        List<NodeEntry> yGrads = new ArrayList<>();
        for (int i = 0; i < ys.size(); i++) {
            headVars[i] = Node.variable("head_grad" + i);
            NDArray h = headGrads == null ? null : headGrads.get(i);
            if (h == null) {
                NDArray y = AGInfo.of(ys.get(i).node()).outputs[ys.get(i).index()];
                h = NDScope.detach(NDArray.ones(y.shape(), y.dtype(), y.context())); // kept with the plan: never written
                ones.add(h);
            }
            given.put(headVars[i], new NDArray[] {h});
            yGrads.add(headVars[i].output(0));
        }
        try {
            NodeBuilder nb = new NodeBuilder();
            List<NodeEntry> grads = GraphPlan.exclusive(List.of(), GradientPass.gradients(ys, yGrads, xs, nb), xs, given::containsKey, nb);
            Graph g = Graph.of(grads, given::containsKey);
            given.keySet().removeIf(n -> !g.contains(n));
            Map<NodeEntry, GraphPlan.Bound> bound = new LinkedHashMap<>();
            for (int k = 0; k < grads.size(); k++) {
                OpReq req = xInfo != null && xInfo.get(k).gradReq == GradReq.ADD ? OpReq.ADD : OpReq.WRITE;
                bound.put(grads.get(k), new GraphPlan.Bound(targets.get(k), req, "the gradient buffer of variable " + (k + 1)));
            }
            Context ctx = targets.isEmpty() ? Context.cpu() : targets.get(0).context();
            GraphPlan plan;
            try (var b = BulkExecution.override(bulk())) {
                plan = GraphPlan.build(g, given, bound, ctx, Executor.Options.DEFAULT);
            }
            return new Plan(plan, fwd.nodes(), absent, headVars, grads, ones);
        } catch (RuntimeException e) {
            for (NDArray o : ones) o.close();
            throw e;
        }
    }

    /** Point a cached plan at this step's recorded values, head gradients and gradient targets. */
    private static void rebind(Plan p, Graph fwd, List<NDArray> headGrads, List<NodeEntry> xs, List<NDArray> targets) {
        Graph g = p.plan.graph();
        Map<Node, NDArray[]> given = new IdentityHashMap<>();
        for (int i = 0; i < fwd.numNodes(); i++) {
            Node old = p.recorded.get(i);
            if (g.contains(old)) given.put(old, AGInfo.of(fwd.nodes().get(i)).outputs);
        }
        int a = 0;
        for (NodeEntry x : xs) {
            if (fwd.contains(x.node())) continue;
            Node old = p.absentXs.get(a++);
            if (g.contains(old)) given.put(old, AGInfo.of(x.node()).outputs);
        }
        for (int i = 0; i < p.headVars.length; i++) {
            NDArray h = headGrads == null ? null : headGrads.get(i);
            if (h != null && g.contains(p.headVars[i])) given.put(p.headVars[i], new NDArray[] {h});
        }
        Map<NodeEntry, NDArray> bound = new java.util.HashMap<>();
        for (int k = 0; k < targets.size(); k++) bound.put(p.grads.get(k), targets.get(k));
        p.plan.rebind(given, bound);
    }

    /** Close this thread's cached plans (their memory and operations). */
    static void clear() {
        LinkedHashMap<Key, Plan> cache = CACHE.get();
        for (Plan p : cache.values()) p.close();
        cache.clear();
    }
}
