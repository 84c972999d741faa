package dev.mxj.ndarray;

import java.util.ArrayList;

/**
 * A region whose arrays are freed when it closes: every {@link NDArray} created on this thread
 * while the scope is the innermost open one belongs to it, and {@link #close()} closes them all
 * (their storage is recycled after the operations already pushed on them have run). Scopes
 * nest; {@link #keep} moves an array to the enclosing scope (or out of scope management when
 * there is none) and {@link #detach} removes it from every scope, so results can escape.
 *
 * <pre>{@code
 * try (NDScope scope = NDScope.open()) {
 *     NDArray t = x.mul(2);          // freed at the end of the block
 *     result = NDScope.keep(t.add(1)); // survives the block
 * }
 * }</pre>
 */
public final class NDScope implements AutoCloseable {
    private static final ThreadLocal<NDScope> CURRENT = new ThreadLocal<>();

    private final NDScope parent;
    private final Thread owner;
    private ArrayList<NDArray> arrays = new ArrayList<>();

    private NDScope(NDScope parent) {
        this.parent = parent;
        this.owner = Thread.currentThread();
    }

    /** Open a scope nested in the current one. */
    public static NDScope open() {
        NDScope s = new NDScope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /** The innermost open scope of this thread, or null. */
    public static NDScope current() { return CURRENT.get(); }

    static void track(NDArray a) {
        NDScope s = CURRENT.get();
        if (s != null) s.arrays.add(a);
    }

    /** Move {@code a} from the innermost scope holding it to that scope's parent (if any); returns {@code a}. */
    public static <T extends NDArray> T keep(T a) {
        for (NDScope s = CURRENT.get(); s != null; s = s.parent) {
            if (s.remove(a)) {
                if (s.parent != null) s.parent.arrays.add(a);
                return a;
            }
        }
        return a;
    }

    /** Remove {@code a} from every scope of this thread: only close() or the garbage collector free it. */
    public static <T extends NDArray> T detach(T a) {
        for (NDScope s = CURRENT.get(); s != null; s = s.parent) s.remove(a);
        return a;
    }

    /** Number of arrays this scope will close. */
    public int size() { return arrays == null ? 0 : arrays.size(); }

    private boolean remove(NDArray a) {
        if (arrays == null) return false;
        for (int i = arrays.size() - 1; i >= 0; i--) {
            if (arrays.get(i) == a) {
                arrays.remove(i);
                return true;
            }
        }
        return false;
    }

    /**
     * Close every array of this scope and make the parent current again. Closing an outer scope
     * first closes the inner scopes still open on this thread.
     */
    @Override
    public void close() {
        if (arrays == null) return;
        if (Thread.currentThread() != owner) throw new IllegalStateException("an NDScope must be closed by the thread that opened it");
        NDScope cur = CURRENT.get();
        while (cur != null && cur != this) {
            cur.close();
            cur = CURRENT.get();
        }
        ArrayList<NDArray> list = arrays;
        arrays = null;
        CURRENT.set(parent);
        for (NDArray a : list) a.close();
    }
}
