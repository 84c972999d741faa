package dev.mxj.symbol;

import java.util.HashMap;
import java.util.Map;

/**
 * Automatic symbol names (MXNet's {@code mx.name.NameManager}): an explicit name is kept, otherwise
 * the hint (the lower-cased operator name) plus a per-hint counter, {@code fullyconnected0},
 * {@code fullyconnected1}. {@link #prefix(String)} opens a scope that also prefixes every name
 * ({@code mx.name.Prefix}). Scopes are per thread and nest; closing one restores the previous manager.
 */
public class NameManager implements AutoCloseable {
    private static final ThreadLocal<NameManager> CURRENT = ThreadLocal.withInitial(NameManager::new);

    private final Map<String, Integer> counter = new HashMap<>();
    private NameManager previous;
    private boolean open;

    /** The manager in effect on this thread. */
    public static NameManager current() { return CURRENT.get(); }

    /** Make a fresh manager current (counters start at 0) until closed. */
    public static NameManager scope() { return new NameManager().enter(); }

    /** Make a prefixing manager current until closed: {@code prefix + name} for every name. */
    public static NameManager prefix(String prefix) { return new Prefix(prefix).enter(); }

    protected NameManager enter() {
        previous = CURRENT.get();
        open = true;
        CURRENT.set(this);
        return this;
    }

    /** The name to use: {@code name} when given, else {@code hint + counter}. */
    public String get(String name, String hint) {
        if (name != null) return name;
        int n = counter.merge(hint, 1, Integer::sum) - 1;
        return hint + n;
    }

    @Override public void close() {
        if (!open) return;
        open = false;
        CURRENT.set(previous);
    }

    private static final class Prefix extends NameManager {
        private final String prefix;

        Prefix(String prefix) { this.prefix = prefix; }

        @Override public String get(String name, String hint) { return prefix + super.get(name, hint); }
    }
}
