package dev.mxj.autograd;

import dev.mxj.graph.Graph;
import dev.mxj.graph.GradientPass;
import dev.mxj.graph.GraphRunner;
import dev.mxj.graph.NodeBuilder;
import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One backward pass over the recorded graph (MXNet's {@code Imperative::Backward}): the
 * gradient pass builds the gradient nodes from the heads to the variables, the graph runner
 * computes them from the values the tape kept, and the results go to the variables' gradient
 * buffers ({@link Autograd#backward}) or back to the caller ({@link Autograd#grad}). Without
 * retain_graph the tape's arrays are released afterwards, so a training loop stays flat.
 */
final class Backward {
    private static final String NOT_RECORDED = "Cannot differentiate node because it is not in a computational graph. "
            + "You need to set is_recording to true or use autograd.record() to save computational graphs for backward. "
            + "If you want to differentiate the same graph twice, you need to pass retain_graph=True to backward.";

    /** Whether backward runs through cached executor plans ({@link PlannedBackward}) when it can; see {@link Autograd#setPlannedBackward}. */
    static volatile boolean planned = true;

    private Backward() {}

    /**
     * @param variables null: every marked variable with a gradient request, results written to
     *                  their buffers and null returned; else the gradients of these, returned
     */
    static List<NDArray> run(List<NDArray> heads, List<NDArray> headGrads, List<NDArray> variables,
                             boolean retainGraph, boolean createGraph, boolean train) {
        if (heads.isEmpty()) throw new AutogradException("backward needs at least one head");
        if (headGrads != null && headGrads.size() != heads.size()) {
            throw new AutogradException(heads.size() + " heads but " + headGrads.size() + " head gradients");
        }
        List<NodeEntry> ys = new ArrayList<>();
        for (NDArray h : heads) {
            NodeEntry e = Tape.liveEntry(h);
            if (e == null) throw new AutogradException(NOT_RECORDED);
            ys.add(e);
        }
        Graph fwd = Graph.of(ys);
        Map<Node, NDArray[]> given = new IdentityHashMap<>();
        for (Node n : fwd.nodes()) {
            AGInfo info = AGInfo.of(n);
            if (info == null) {
                throw new AutogradException("Node " + n.name() + " of the graph has been freed by an earlier backward; "
                        + "pass retain_graph=True to differentiate the same graph twice");
            }
            given.put(n, info.outputs);
        }

        List<NodeEntry> xs = new ArrayList<>();
        List<AGInfo> xInfo = new ArrayList<>();
        if (variables == null) {
            for (Node n : fwd.variables()) {
                AGInfo info = AGInfo.of(n);
                if (info.gradReq == GradReq.NULL) continue;
                xs.add(n.output(0));
                xInfo.add(info);
            }
            if (xs.isEmpty()) throw new AutogradException("There are no inputs in computation graph that require gradients.");
        } else {
            for (int i = 0; i < variables.size(); i++) {
                NodeEntry e = Tape.liveEntry(variables.get(i));
                if (e == null) {
                    throw new AutogradException("Cannot differentiate with respect to the " + ordinal(i + 1)
                            + " variable because it does not require gradient (call attach_grad() or mark_variables() first)");
                }
                xs.add(e);
                given.putIfAbsent(e.node(), AGInfo.of(e.node()).outputs);
            }
        }

        boolean rec = Imperative.setRecording(false);
        boolean trainBefore = Imperative.setTraining(train);
        List<NDArray> ones = new ArrayList<>();
        try {
            for (int i = 0; i < ys.size(); i++) {
                NDArray hg = headGrads == null ? null : headGrads.get(i);
                if (hg != null && !hg.shape().equals(heads.get(i).shape())) {
                    throw new AutogradException("head gradient " + i + " has shape " + hg.shape() + " but its head has " + heads.get(i).shape());
                }
            }
            List<NodeEntry> yGrads = new ArrayList<>();
            boolean usePlan = !createGraph && planned && PlannedBackward.applies(fwd, xs, headGrads, xInfo);
            for (int i = 0; i < ys.size() && !usePlan; i++) {
                NDArray hg = headGrads == null ? null : headGrads.get(i);
                if (hg == null) {
                    NodeEntry y = ys.get(i);
                    hg = AGInfo.of(y.node()).outputs[y.index()].onesLike();
                    ones.add(hg);
                }
                Node v = Node.variable("head_grad" + i);
                given.put(v, new NDArray[] {hg});
                yGrads.add(v.output(0));
            }
            List<NDArray> grads;
            if (usePlan) {
                // the executor's machinery, cached across steps; gradients go straight into the buffers
                grads = PlannedBackward.run(fwd, ys, headGrads, xs, variables == null ? xInfo : null, train);
            } else {
                // recording the gradient computation (create_graph) needs operator calls: the graph runner
                List<NodeEntry> gradEntries = GradientPass.gradients(ys, yGrads, xs, new NodeBuilder());
                Imperative.setRecording(createGraph);
                grads = GraphRunner.run(gradEntries, given);
                Imperative.setRecording(false);
                if (variables == null) for (int i = 0; i < grads.size(); i++) store(xInfo.get(i), grads.get(i));
            }
            // freed only after success: a failed call (bad head gradient, say) can be corrected and retried
            if (!retainGraph) for (Node n : fwd.nodes()) AGInfo.free(n);
            return variables == null ? null : grads;
        } finally {
            Imperative.setRecording(rec);
            Imperative.setTraining(trainBefore);
            for (NDArray a : ones) a.close();
        }
    }

    /** Write or add {@code g} into the variable's buffer, then drop {@code g}. */
    private static void store(AGInfo x, NDArray g) {
        try {
            if (x.gradReq == GradReq.ADD) {
                Imperative.invoke("elemwise_add", new NDArray[] {x.grad, g}, null, new NDArray[] {x.grad});
            } else {
                Imperative.invoke("_copyto", new NDArray[] {g}, null, new NDArray[] {x.grad});
            }
        } finally {
            g.close();
        }
    }

    private static String ordinal(int i) {
        String suffix = i % 100 >= 11 && i % 100 <= 13 ? "th" : switch (i % 10) { case 1 -> "st"; case 2 -> "nd"; case 3 -> "rd"; default -> "th"; };
        return i + suffix;
    }
}
