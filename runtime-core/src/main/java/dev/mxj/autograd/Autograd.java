package dev.mxj.autograd;

import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;

import java.util.List;

/**
 * Automatic differentiation of imperative code (MXNet's {@code mx.autograd}). Inside
 * {@link #record()} every operator call on this thread is recorded; {@link #backward} then
 * computes the gradients of the recorded heads with respect to the variables marked by
 * {@link NDArray#attachGrad} or {@link #markVariables}, and {@link #grad} returns gradients
 * without touching the buffers, optionally recording them again for higher-order derivatives.
 * Recording and training mode are per thread; scopes nest and restore what they changed.
 *
 * <pre>{@code
 * x.attachGrad();
 * NDArray y;
 * try (var rec = Autograd.record()) { y = x.mul(x).sum(); }
 * y.backward();           // x.grad() == 2 * x
 * }</pre>
 */
public final class Autograd {
    private Autograd() {}

    /** Restores the recording and training flags it changed when closed (MXNet's _RecordingStateScope). */
    public static final class Scope implements AutoCloseable {
        private final Boolean prevRecording, prevTraining;
        private final Thread owner = Thread.currentThread();
        private boolean closed;

        private Scope(Boolean recording, Boolean training) {
            this.prevRecording = recording == null ? null : Imperative.setRecording(recording);
            this.prevTraining = training == null ? null : Imperative.setTraining(training);
        }

        @Override public void close() {
            if (closed) return;
            if (Thread.currentThread() != owner) throw new IllegalStateException("an autograd scope must be closed by the thread that opened it");
            closed = true;
            if (prevRecording != null) Imperative.setRecording(prevRecording);
            if (prevTraining != null) Imperative.setTraining(prevTraining);
        }
    }

    /** Record operator calls, in training mode. */
    public static Scope record() { return record(true); }

    /** Record operator calls; {@code trainMode} chooses training or prediction behaviour of Dropout, BatchNorm. */
    public static Scope record(boolean trainMode) { return new Scope(true, trainMode); }

    /** Stop recording (prediction mode), e.g. for metric code inside a recorded block. */
    public static Scope pause() { return pause(false); }

    public static Scope pause(boolean trainMode) { return new Scope(false, trainMode); }

    /** Training-mode behaviour without changing whether calls are recorded. */
    public static Scope trainMode() { return new Scope(null, true); }

    /** Prediction-mode behaviour without changing whether calls are recorded. */
    public static Scope predictMode() { return new Scope(null, false); }

    public static boolean isRecording() { return Imperative.isRecording(); }

    public static boolean isTraining() { return Imperative.isTraining(); }

    /** Set recording for this thread; returns the previous value (prefer the scopes). */
    public static boolean setRecording(boolean recording) { return Imperative.setRecording(recording); }

    /** Set training mode for this thread; returns the previous value (prefer the scopes). */
    public static boolean setTraining(boolean training) { return Imperative.setTraining(training); }

    /**
     * Whether backward (without create_graph) runs through the executor's machinery with plans
     * cached per recorded-graph structure (the default), or through the graph runner that invokes
     * each gradient operator as it goes (the path create_graph always takes). For comparisons and
     * as a fallback; returns the previous setting. Applies to all threads.
     */
    public static boolean setPlannedBackward(boolean on) {
        boolean old = Backward.planned;
        Backward.planned = on;
        return old;
    }

    /** Release this thread's cached backward plans (their memory and operations); they are rebuilt when needed. */
    public static void clearPlanCache() { PlannedBackward.clear(); }

    /** Mark arrays as variables with their gradient buffers and requests (MXNet's mark_variables). */
    public static void markVariables(List<NDArray> variables, List<NDArray> gradients, List<GradReq> reqs) {
        if (variables.size() != gradients.size() || variables.size() != reqs.size()) {
            throw new AutogradException("mark_variables: " + variables.size() + " variables, " + gradients.size() + " gradients and "
                    + reqs.size() + " grad_reqs; the lengths must match");
        }
        for (int i = 0; i < variables.size(); i++) {
            NDArray v = variables.get(i), g = gradients.get(i);
            if (!v.shape().equals(g.shape())) {
                throw new AutogradException("mark_variables: gradient " + i + " has shape " + g.shape() + " but its variable has " + v.shape());
            }
            Tape.markVariable(v, g, reqs.get(i));
        }
    }

    /** Gradients of {@code head} (head gradient ones) into the marked variables' buffers, in training mode. */
    public static void backward(NDArray head) { backward(List.of(head), null, false, true); }

    /**
     * MXNet's {@code autograd.backward}: gradients of {@code heads} into the buffers of every marked
     * variable they depend on ({@code write} overwrites, {@code add} accumulates).
     *
     * @param headGrads  one per head, null entries (or a null list) meaning ones
     * @param retainGraph keep the recorded graph for another backward
     * @param trainMode  training mode of the backward computation
     */
    public static void backward(List<NDArray> heads, List<NDArray> headGrads, boolean retainGraph, boolean trainMode) {
        Backward.run(heads, headGrads, null, retainGraph, false, trainMode);
    }

    /** Gradient of {@code head} with respect to {@code variable}, graph freed afterwards. */
    public static NDArray grad(NDArray head, NDArray variable) {
        return grad(List.of(head), List.of(variable), null, false, false, true).get(0);
    }

    /**
     * MXNet's {@code autograd.grad}: gradients of {@code heads} with respect to {@code variables},
     * returned as new arrays; the variables' gradient buffers are not touched.
     *
     * @param createGraph record the gradient computation so the results can be differentiated again;
     *                    pass {@code retainGraph = true} with it (MXNet's default), since the recorded
     *                    gradient reads the forward graph
     */
    public static List<NDArray> grad(List<NDArray> heads, List<NDArray> variables, List<NDArray> headGrads,
                                     boolean retainGraph, boolean createGraph, boolean trainMode) {
        if (variables.isEmpty()) throw new AutogradException("grad needs at least one variable");
        return Backward.run(heads, headGrads, variables, retainGraph, createGraph, trainMode);
    }
}
