package dev.mxj.symbol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MXNet's {@code mx.AttrScope}: attributes given to every variable and operator symbol created
 * on this thread while the scope is open ({@code try (var s = AttrScope.of(Map.of("ctx_group", "dev1")))}).
 * Scopes nest (inner values win) and attributes given at creation win over the scope's. Hidden
 * keys such as {@code ctx_group} or {@code lr_mult} are stored as {@code __ctx_group__}, as MXNet's C API does.
 */
public final class AttrScope implements AutoCloseable {
    private static final ThreadLocal<AttrScope> CURRENT = ThreadLocal.withInitial(() -> new AttrScope(Map.of(), null));

    private final Map<String, String> attrs;
    private final AttrScope previous;
    private boolean open;

    private AttrScope(Map<String, String> attrs, AttrScope previous) {
        this.attrs = Collections.unmodifiableMap(attrs);
        this.previous = previous;
    }

    /** Open a scope with these attributes (merged over the enclosing scope's). */
    public static AttrScope of(Map<String, String> attrs) {
        AttrScope outer = CURRENT.get();
        Map<String, String> merged = new LinkedHashMap<>(outer.attrs);
        for (var e : attrs.entrySet()) {
            if (e.getValue() == null) throw new SymbolException("Attributes need to be string (attribute " + e.getKey() + ")");
            merged.put(e.getKey(), e.getValue());
        }
        AttrScope s = new AttrScope(merged, outer);
        s.open = true;
        CURRENT.set(s);
        return s;
    }

    /** The attributes in effect on this thread. */
    public static Map<String, String> current() { return CURRENT.get().attrs; }

    @Override public void close() {
        if (!open) return;
        open = false;
        CURRENT.set(previous);
    }
}
