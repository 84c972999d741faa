package dev.mxj.interop;

import dev.mxj.ndarray.NDArray;
import dev.mxj.optimizer.Optimizer;

import java.util.Map;

/**
 * An optimizer written in a guest language (a JS {@code mx.optimizer.Optimizer} subclass defining
 * {@code createState}/{@code update}), usable wherever the runtime takes an {@link Optimizer}
 * ({@code Module.init_optimizer}, {@code fit}): the runtime's {@link dev.mxj.optimizer.Updater}
 * keeps the states the guest creates, as MXNet's Updater does for Python optimizers, counts the
 * updates, and hands each (index, weight, grad, state) to the guest, which applies its own rule.
 */
public final class GuestOptimizer extends Optimizer {
    /** The guest's {@code create_state(index, weight)}: its state arrays (none for a stateless rule). */
    @FunctionalInterface
    public interface CreateState {
        NDArray[] call(int index, NDArray weight);
    }

    /** The guest's {@code update(index, weight, grad, state)}: updates {@code weight} in place. */
    @FunctionalInterface
    public interface Update {
        void call(int index, NDArray weight, NDArray grad, NDArray[] state);
    }

    private final CreateState createState;
    private final Update update;
    private final Object guest;
    private final String description;

    /**
     * @param params MXNet's common optimizer arguments as the guest holds them ({@code learning_rate},
     *               {@code rescale_grad}, {@code wd}, ...), so that Module's checks and schedules see them
     */
    public GuestOptimizer(Map<String, ?> params, CreateState createState, Update update, Object guest, String description) {
        super(params, null);
        this.createState = createState;
        this.update = update;
        this.guest = guest;
        this.description = description;
    }

    @Override public NDArray[] createState(int index, NDArray weight) {
        NDArray[] s = createState.call(index, weight);
        return s == null ? new NDArray[0] : s;
    }

    @Override public void update(int index, NDArray weight, NDArray grad, NDArray[] state) {
        updateCount(index);
        update.call(index, weight, grad, state);
    }

    /** The guest object behind this optimizer. */
    public Object guest() { return guest; }

    @Override public String toString() { return description; }
}
