package dev.mxj.autograd;

import dev.mxj.ndarray.AutogradHooks;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.Attrs;
import dev.mxj.op.OperatorException;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records imperative calls as graph nodes (MXNet's {@code Imperative::RecordOp}). Called by
 * {@code Imperative.invoke} while recording is on; public only for that. Like MXNet, a call is
 * recorded only when one of its inputs is already in the graph (a marked variable or something
 * computed from one): data-only work costs nothing. Each output array gets an entry on the new
 * node; an input that has none becomes a variable node holding it. The
 * nodes keep tape handles on the arrays backward will read (see {@link AGInfo}).
 */
public final class Tape {
    private static final AtomicLong IDS = new AtomicLong();

    private Tape() {}

    /** {@code a}'s entry if it is part of a live (not freed) recorded graph, else null. */
    static NodeEntry liveEntry(NDArray a) {
        NodeEntry e = AutogradHooks.entry(a);
        return e == null || AGInfo.of(e.node()) == null ? null : e;
    }

    /** Fails before anything runs when {@code out=} targets an array already in a recorded graph. */
    public static void checkWritable(String op, NDArray[] out) {
        for (NDArray o : out) {
            if (o != null && liveEntry(o) != null) {
                throw new OperatorException("Operator " + op + ": assigning to NDArrays that are already in a computational graph will cause "
                        + "undefined behavior when evaluating gradients. Please call backward first to clear the graph or do this outside of "
                        + "a record section. Also note that you cannot use inplace operations like +=, *=, relu(x, out=x), y[idx]=x, etc "
                        + "inside a record section.");
            }
        }
    }

    /** Add a node for one invocation; {@code outs} are all its outputs, hidden ones included. */
    public static void record(Attrs attrs, NDArray[] in, NDArray[] outs) {
        if (!anyLive(in)) return; // as MXNet: only what depends on a recorded array or a variable needs a gradient
        NodeEntry[] ins = new NodeEntry[in.length];
        for (int i = 0; i < in.length; i++) {
            NodeEntry e = liveEntry(in[i]);
            if (e == null) e = newVariable(in[i], "null" + IDS.getAndIncrement()).output(0);
            ins[i] = e;
        }
        Node n = Node.op(attrs, attrs.op().name() + IDS.getAndIncrement(), List.of(ins));
        NDArray[] kept = new NDArray[outs.length];
        for (int j = 0; j < outs.length; j++) {
            NodeEntry e = n.output(j);
            kept[j] = AutogradHooks.tapeHandle(outs[j], e);
            AutogradHooks.setEntry(outs[j], e);
        }
        new AGInfo(kept).attach(n);
    }

    private static boolean anyLive(NDArray[] in) {
        for (NDArray a : in) if (liveEntry(a) != null) return true;
        return false;
    }

    /** A variable node for {@code a}, which becomes its entry. */
    static Node newVariable(NDArray a, String name) {
        Node v = Node.variable(name);
        new AGInfo(new NDArray[] {AutogradHooks.tapeHandle(a, v.output(0))}).attach(v);
        AutogradHooks.setEntry(a, v.output(0));
        return v;
    }

    static Node markVariable(NDArray var, NDArray grad, GradReq req) {
        Node v = newVariable(var, "var" + IDS.getAndIncrement());
        AGInfo info = AGInfo.of(v);
        info.grad = grad;
        info.gradReq = req;
        return v;
    }

    /** The gradient buffer of a marked variable, or null. */
    public static NDArray gradOf(NDArray a) {
        NodeEntry e = AutogradHooks.entry(a);
        AGInfo info = e == null ? null : AGInfo.of(e.node());
        return info == null || !e.node().isVariable() ? null : info.grad;
    }

    public static GradReq gradReqOf(NDArray a) {
        NodeEntry e = AutogradHooks.entry(a);
        AGInfo info = e == null ? null : AGInfo.of(e.node());
        return info == null || !e.node().isVariable() ? GradReq.NULL : info.gradReq;
    }
}
