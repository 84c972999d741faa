package dev.mxj.op;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Parsed, validated parameters of one operator call: every declared parameter has a value
 * (given or default, possibly null for "None"). Immutable; created by {@link OpDef#parseAttrs}.
 * Also remembers which parameters were given explicitly, which is what symbol JSON stores.
 */
public final class Attrs {
    private final OpDef op;
    private final Map<String, Object> values;
    private final Map<String, String> given;
    private final int hash;

    Attrs(OpDef op, Map<String, Object> values, Map<String, String> given) {
        this.op = op;
        this.values = Collections.unmodifiableMap(values);
        this.given = Collections.unmodifiableMap(given);
        this.hash = computeHash();
    }

    public OpDef op() { return op; }

    /** Whether the parameter was declared and is not None. */
    public boolean has(String name) { return values.get(name) != null; }

    public boolean isNone(String name) { return get(name) == null; }

    public Object get(String name) {
        if (!values.containsKey(name)) throw new IllegalArgumentException("operator " + op.name() + " declares no parameter '" + name + "'");
        return values.get(name);
    }

    private Object req(String name) {
        Object v = get(name);
        if (v == null) throw new IllegalStateException("parameter '" + name + "' of " + op.name() + " is None");
        return v;
    }

    public int getInt(String name) { return ((Number) req(name)).intValue(); }

    public long getLong(String name) { return ((Number) req(name)).longValue(); }

    public double getDouble(String name) { return ((Number) req(name)).doubleValue(); }

    public float getFloat(String name) { return ((Number) req(name)).floatValue(); }

    public boolean getBool(String name) { return (Boolean) req(name); }

    public String getString(String name) { return (String) req(name); }

    public DType getDType(String name) { return (DType) req(name); }

    public long[] getLongs(String name) { return ((long[]) req(name)).clone(); }

    public int[] getInts(String name) {
        long[] l = (long[]) req(name);
        int[] r = new int[l.length];
        for (int i = 0; i < l.length; i++) r[i] = Math.toIntExact(l[i]);
        return r;
    }

    public double[] getDoubles(String name) { return ((double[]) req(name)).clone(); }

    public Shape getShape(String name) { return Shape.of((long[]) req(name)); }

    /** Integer value or {@code dflt} when None. */
    public int getInt(String name, int dflt) { Object v = get(name); return v == null ? dflt : ((Number) v).intValue(); }

    public double getDouble(String name, double dflt) { Object v = get(name); return v == null ? dflt : ((Number) v).doubleValue(); }

    /** All parameter values, defaults included. */
    public Map<String, Object> values() { return values; }

    /** The explicitly given parameters in MXNet's string form, as symbol JSON stores them. */
    public Map<String, String> givenAsStrings() { return given; }

    /** A copy with some parameters replaced (values in any accepted form). */
    public Attrs with(Map<String, ?> changes) {
        Map<String, Object> raw = new LinkedHashMap<>(given);
        raw.putAll(changes);
        return op.parseAttrs(raw);
    }

    @Override public boolean equals(Object o) {
        if (!(o instanceof Attrs a) || a.op != op || a.hash != hash) return false;
        for (var e : values.entrySet()) if (!valueEquals(e.getValue(), a.values.get(e.getKey()))) return false;
        return true;
    }

    private static boolean valueEquals(Object x, Object y) {
        if (x instanceof long[] a && y instanceof long[] b) return Arrays.equals(a, b);
        if (x instanceof double[] a && y instanceof double[] b) return Arrays.equals(a, b);
        return Objects.equals(x, y);
    }

    private int computeHash() {
        int h = op.name().hashCode();
        for (var e : values.entrySet()) {
            Object v = e.getValue();
            int vh = v instanceof long[] a ? Arrays.hashCode(a) : v instanceof double[] d ? Arrays.hashCode(d) : Objects.hashCode(v);
            h = 31 * h + e.getKey().hashCode() * 17 + vh;
        }
        return h;
    }

    @Override public int hashCode() { return hash; }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder(op.name()).append('(');
        boolean first = true;
        for (var e : values.entrySet()) {
            if (!first) sb.append(", ");
            first = false;
            sb.append(e.getKey()).append('=').append(Param.format(e.getValue()));
        }
        return sb.append(')').toString();
    }
}
