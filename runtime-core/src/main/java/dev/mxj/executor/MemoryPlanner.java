package dev.mxj.executor;

import dev.mxj.graph.Graph;
import dev.mxj.op.Attrs;
import dev.mxj.op.OpDef;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Static memory planning for a bound graph (NNVM's {@code PlanMemory}, after
 * {@code seeds/mxnet-note-memory.txt}): the execution order is simulated once with a reference
 * count per entry (how many reads are still to come, plus one for each time it is a graph
 * output). When a node runs,
 * <ol>
 * <li>an output may take over an input's buffer in place when the operator declares the pair,
 * sizes and dtypes agree, the input is planned memory (not an argument, gradient or auxiliary
 * array) and this node holds its last outstanding reference;</li>
 * <li>other outputs take a buffer from the free pool, or a new one;</li>
 * <li>inputs whose count reaches zero return their buffer to the pool (an output nobody reads
 * returns its buffer right after its node).</li>
 * </ol>
 * Parallel safety: a free buffer is reused for node N only when every node that touched its last
 * value (producer and readers) is an ancestor of N, so reuse never adds an ordering the graph did
 * not already have and nodes that may run in parallel never share memory. The same test guards
 * in-place reuse against other readers of the input. Ancestor sets cost n²/8 bytes, so graphs of
 * more than {@value #MAX_SHARING_NODES} nodes are planned with in-place reuse only.
 *
 * <p>Pool matching as NNVM's: the smallest free buffer at least as large as the request, else the
 * largest smaller one within a factor of {@value #MATCH_RANGE}, grown to the request.
 */
final class MemoryPlanner {
    static final int MAX_SHARING_NODES = 8192;
    static final int MATCH_RANGE = 16;

    private MemoryPlanner() {}

    /** The plan: a buffer per planned entry (-1 for external entries) and the buffers' sizes. */
    record Plan(int[] bufferOf, long[] bufferBytes, int[] bufferDevice, long unplannedBytes, int inplace, int reused) {
        long plannedBytes() {
            long s = 0;
            for (long b : bufferBytes) s += b;
            return s;
        }
    }

    /**
     * @param order     node ids of {@code g} in execution order (a topological order)
     * @param bytes     bytes of each entry
     * @param types     dtype of each entry (in-place needs equal dtypes, not just equal sizes)
     * @param external  entries whose storage is given (every variable's, gradients); never planned
     * @param device    device index of each entry (group2ctx); buffers are only shared within a device
     * @param share     plan sharing and in-place reuse; false gives every entry its own buffer
     * @param fusion    nodes absorbed into fused ones (they do not run and their entries must be
     *                  marked external); a fused node reads its group's inputs
     */
    static Plan plan(Graph g, int[] order, long[] bytes, dev.mxj.op.DType[] types, boolean[] external, int[] device, boolean share,
                     boolean inplace, Fusion.Result fusion) {
        int ne = g.numEntries();
        int[] bufferOf = new int[ne];
        java.util.Arrays.fill(bufferOf, -1);
        List<Long> sizes = new ArrayList<>();
        List<Integer> devs = new ArrayList<>();
        long unplanned = 0;
        for (int e = 0; e < ne; e++) if (!external[e]) unplanned += bytes[e];
        if (!share) {
            for (int e = 0; e < ne; e++) {
                if (external[e]) continue;
                bufferOf[e] = sizes.size();
                sizes.add(bytes[e]);
                devs.add(device[e]);
            }
            return new Plan(bufferOf, toArray(sizes), devs.stream().mapToInt(Integer::intValue).toArray(), unplanned, 0, 0);
        }

        int n = g.numNodes();
        int[] uses = uses(g, order, fusion);
        // readers of each entry (node ids), for the ancestor test
        int[][] readers = readers(g, order, uses, fusion);
        BitSet[] anc = n <= MAX_SHARING_NODES ? ancestors(g, order, fusion) : null;

        List<BitSet> lastTouch = new ArrayList<>();   // per buffer: nodes that touched its last value
        List<Integer> free = new ArrayList<>();
        int[] remaining = uses.clone();
        int nInplace = 0, nReused = 0;
        for (int id : order) {
            Node node = g.nodes().get(id);
            if (node.isVariable() || g.isLeaf(id) || fusion.absorbed(id)) continue;
            List<NodeEntry> inputs = fusion.inputsOf(g, id);
            Attrs attrs = fusion.attrsOf(g, id);
            int nout = node.numOutputs();
            boolean[] done = new boolean[nout];
            if (inplace) {
                OpDef op = attrs.op();
                int[] mutated = op.mutateInputs(attrs);
                for (OpDef.InplacePair p : op.inplacePairs(attrs)) {
                    if (p.input() >= inputs.size() || p.output() >= nout || done[p.output()]) continue;
                    if (contains(mutated, p.input())) continue;
                    NodeEntry in = inputs.get(p.input());
                    int ie = g.entryId(in), oe = g.entryId(id, p.output());
                    if (external[oe] || external[ie] || bufferOf[ie] < 0 || remaining[ie] != 1 || bytes[ie] != bytes[oe]) continue;
                    if (types[ie] != types[oe] || device[ie] != device[oe]) continue;
                    if (!othersAreAncestors(readers[ie], id, anc)) continue;
                    bufferOf[oe] = bufferOf[ie];
                    remaining[ie] = 0; // its buffer now holds the output; never returns to the pool from ie
                    done[p.output()] = true;
                    nInplace++;
                }
            }
            for (int j = 0; j < nout; j++) {
                int oe = g.entryId(id, j);
                if (done[j] || external[oe]) continue;
                int b = anc == null ? -1 : take(free, sizes, devs, lastTouch, bytes[oe], device[oe], id, anc);
                if (b < 0) {
                    b = sizes.size();
                    sizes.add(bytes[oe]);
                    devs.add(device[oe]);
                    lastTouch.add(new BitSet());
                } else {
                    nReused++;
                }
                bufferOf[oe] = b;
            }
            // release: inputs read for the last time, and outputs nobody reads
            for (NodeEntry in : inputs) {
                int ie = g.entryId(in);
                if (remaining[ie] <= 0) continue;
                if (--remaining[ie] == 0 && bufferOf[ie] >= 0 && !external[ie]) release(free, lastTouch, bufferOf[ie], g, in, readers[ie]);
            }
            for (int j = 0; j < nout; j++) {
                int oe = g.entryId(id, j);
                if (uses[oe] == 0 && bufferOf[oe] >= 0) release(free, lastTouch, bufferOf[oe], g, node.output(j), readers[oe]);
            }
        }
        return new Plan(bufferOf, toArray(sizes), devs.stream().mapToInt(Integer::intValue).toArray(), unplanned, nInplace, nReused);
    }

    /** A free buffer for {@code need} bytes whose last users all precede {@code node}, removed from the pool; -1 if none. */
    private static int take(List<Integer> free, List<Long> sizes, List<Integer> devs, List<BitSet> lastTouch, long need, int dev, int node,
                            BitSet[] anc) {
        int best = -1, bestSmaller = -1;
        for (int k = 0; k < free.size(); k++) {
            int b = free.get(k);
            if (devs.get(b) != dev) continue;
            if (!isSubset(lastTouch.get(b), anc[node])) continue;
            long s = sizes.get(b);
            if (s >= need) {
                if (best < 0 || s < sizes.get(free.get(best))) best = k;
            } else if (s * MATCH_RANGE >= need && (bestSmaller < 0 || s > sizes.get(free.get(bestSmaller)))) {
                bestSmaller = k;
            }
        }
        int k = best >= 0 ? best : bestSmaller;
        if (k < 0) return -1;
        int b = free.remove(k);
        if (sizes.get(b) < need) sizes.set(b, need);
        return b;
    }

    private static void release(List<Integer> free, List<BitSet> lastTouch, int b, Graph g, NodeEntry e, int[] readers) {
        BitSet t = lastTouch.get(b);
        t.clear();
        t.set(g.nodeId(e.node()));
        for (int r : readers) t.set(r);
        free.add(b);
    }

    private static boolean isSubset(BitSet a, BitSet of) {
        for (int i = a.nextSetBit(0); i >= 0; i = a.nextSetBit(i + 1)) if (!of.get(i)) return false;
        return true;
    }

    private static boolean othersAreAncestors(int[] readers, int node, BitSet[] anc) {
        for (int r : readers) {
            if (r == node) continue;
            if (anc == null || !anc[node].get(r)) return false;
        }
        return true;
    }

    /** Whether node {@code i} runs: not a variable, a given leaf or a node absorbed into a fused one. */
    private static boolean runs(Graph g, int i, Fusion.Result fusion) {
        return !g.nodes().get(i).isVariable() && !g.isLeaf(i) && !fusion.absorbed(i);
    }

    /** Reads of each entry by the nodes that run, plus one per time it is a graph output. */
    private static int[] uses(Graph g, int[] order, Fusion.Result fusion) {
        int[] uses = new int[g.numEntries()];
        for (int i : order) {
            if (!runs(g, i, fusion)) continue;
            for (NodeEntry e : fusion.inputsOf(g, i)) uses[g.entryId(e)]++;
        }
        for (NodeEntry o : g.outputs()) uses[g.entryId(o)]++;
        return uses;
    }

    private static int[][] readers(Graph g, int[] order, int[] uses, Fusion.Result fusion) {
        int[][] r = new int[g.numEntries()][];
        int[] fill = new int[g.numEntries()];
        for (int e = 0; e < r.length; e++) r[e] = new int[uses[e]];
        for (int i : order) {
            if (!runs(g, i, fusion)) continue;
            for (NodeEntry in : fusion.inputsOf(g, i)) {
                int e = g.entryId(in);
                r[e][fill[e]++] = i;
            }
        }
        for (int e = 0; e < r.length; e++) if (fill[e] != r[e].length) r[e] = java.util.Arrays.copyOf(r[e], fill[e]);
        return r;
    }

    /** For each node, the set of nodes that must finish before it can start (transitive inputs). */
    static BitSet[] ancestors(Graph g, int[] order) { return ancestors(g, order, Fusion.Result.none(g.numNodes())); }

    static BitSet[] ancestors(Graph g, int[] order, Fusion.Result fusion) {
        BitSet[] anc = new BitSet[g.numNodes()];
        for (int id : order) {
            BitSet s = new BitSet();
            if (fusion.absorbed(id) || g.isLeaf(id)) {
                anc[id] = s;
                continue;
            }
            for (NodeEntry in : fusion.inputsOf(g, id)) {
                int p = g.nodeId(in.node());
                s.set(p);
                if (anc[p] != null) s.or(anc[p]);
            }
            anc[id] = s;
        }
        return anc;
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) if (x == v) return true;
        return false;
    }

    private static long[] toArray(List<Long> l) {
        long[] a = new long[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }
}
