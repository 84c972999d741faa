package dev.mxj.interop;

import dev.mxj.metric.EvalMetric;
import dev.mxj.ndarray.NDArray;

import java.util.List;

/**
 * An evaluation metric written in a guest language, seen by the runtime ({@code Module.fit},
 * {@code score}, the {@code Speedometer} and other callbacks) as an {@link EvalMetric}: updates,
 * results and resets all go back to the guest object, which keeps its own sums.
 */
public final class GuestMetric extends EvalMetric {
    /** The guest metric's operations. */
    public interface Host {
        void update(List<NDArray> labels, List<NDArray> preds);

        /** {@code get()} or, with {@code global}, {@code get_global()}. */
        Result get(boolean global);

        /** {@code reset()} or, with {@code localOnly}, {@code reset_local()}. */
        void reset(boolean localOnly);
    }

    private final Host host;
    private final Object guest;

    public GuestMetric(String name, List<String> outputNames, List<String> labelNames, Object guest, Host host) {
        super(name, outputNames, labelNames, true);
        this.host = host;
        this.guest = guest;
    }

    /** The guest object, for guest callbacks that receive this metric. */
    public Object guest() { return guest; }

    @Override public void update(List<NDArray> labels, List<NDArray> preds) { host.update(labels, preds); }

    @Override public Result get() { return host.get(false); }

    @Override public Result getGlobal() { return host.get(true); }

    // the super constructor resets before host is set: the guest starts from its own state
    @Override public void reset() { if (host != null) host.reset(false); }

    @Override public void resetLocal() { host.reset(true); }
}
