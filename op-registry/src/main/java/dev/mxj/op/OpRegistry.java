package dev.mxj.op;

import dev.mxj.op.defs.BuiltinOps;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All operator definitions, by name and alias. {@link #global()} holds the built-in operators
 * plus those of {@link OpProvider}s found by ServiceLoader; it is filled once, then read-only
 * in practice (thread-safe either way).
 */
public final class OpRegistry {
    private static volatile OpRegistry global;

    private final Map<String, OpDef> byName = new ConcurrentHashMap<>();
    private final Map<String, OpDef> primary = new ConcurrentHashMap<>();

    /** An empty registry (tests, tools). */
    public OpRegistry() {}

    public static OpRegistry global() {
        OpRegistry r = global;
        if (r == null) {
            synchronized (OpRegistry.class) {
                r = global;
                if (r == null) {
                    r = new OpRegistry();
                    BuiltinOps.registerAll(r);
                    for (OpProvider p : ServiceLoader.load(OpProvider.class, OpRegistry.class.getClassLoader())) p.register(r);
                    global = r;
                }
            }
        }
        return r;
    }

    /** Add an operator; fails if its name or an alias is taken. */
    public synchronized void add(OpDef op) {
        List<String> keys = new ArrayList<>();
        keys.add(op.name());
        keys.addAll(op.aliases());
        for (String k : keys) {
            if (byName.containsKey(k)) throw new IllegalStateException("operator name '" + k + "' registered twice");
        }
        for (String k : keys) byName.put(k, op);
        primary.put(op.name(), op);
    }

    /** Look up by name or alias; throws {@link UnknownOperatorException}. */
    public OpDef get(String name) {
        OpDef d = byName.get(name);
        if (d == null) throw new UnknownOperatorException(name);
        return d;
    }

    public OpDef find(String name) { return byName.get(name); }

    public boolean contains(String name) { return byName.containsKey(name); }

    /** Operators sorted by name, each once (aliases not repeated). */
    public List<OpDef> list() { return Collections.unmodifiableList(new ArrayList<>(new TreeMap<>(primary).values())); }

    /** Every name an operator can be called by, aliases included, sorted. */
    public List<String> allNames() { return new ArrayList<>(new TreeMap<>(byName).keySet()); }

    public int size() { return primary.size(); }
}
