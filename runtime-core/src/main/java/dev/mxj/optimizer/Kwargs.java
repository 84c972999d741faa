package dev.mxj.optimizer;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MXNet-style keyword arguments for the training building blocks (optimizers, initializers,
 * metrics): values may be typed ({@code 0.9}, {@code true}) or MXNet's strings
 * ({@code "0.9"}, {@code "True"}, {@code "None"}), as the Python and JS front ends pass them.
 * Keys read are remembered so that a misspelt argument fails the way Python's
 * {@code unexpected keyword argument} does instead of being ignored.
 */
public final class Kwargs {
    private final Map<String, ?> map;
    private final Set<String> read = new HashSet<>();

    public Kwargs(Map<String, ?> map) { this.map = map == null ? Map.of() : map; }

    public static Kwargs of(Map<String, ?> map) { return new Kwargs(map); }

    public boolean has(String key) { return map.containsKey(key) && !isNone(map.get(key)); }

    public Object raw(String key) {
        read.add(key);
        Object v = map.get(key);
        return isNone(v) ? null : v;
    }

    public Double getDouble(String key, Double dflt) {
        Object v = raw(key);
        if (v == null) return dflt;
        if (v instanceof Number n) return n.doubleValue();
        try {
            return Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            throw bad(key, v, "a number");
        }
    }

    public double getDouble(String key, double dflt) { return getDouble(key, Double.valueOf(dflt)); }

    public int getInt(String key, int dflt) {
        Double d = getDouble(key, (Double) null);
        if (d == null) return dflt;
        if (d != Math.rint(d)) throw bad(key, map.get(key), "an integer");
        return d.intValue();
    }

    public boolean getBool(String key, boolean dflt) {
        Object v = raw(key);
        if (v == null) return dflt;
        if (v instanceof Boolean b) return b;
        if (v instanceof Number n) return n.doubleValue() != 0;
        return switch (v.toString().trim().toLowerCase()) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw bad(key, v, "a boolean");
        };
    }

    public String getString(String key, String dflt) {
        Object v = raw(key);
        return v == null ? dflt : v.toString();
    }

    /** The value as a list of numbers, from a Java array/list or MXNet's {@code "(1, 2)"} / {@code "[1, 2]"} string. */
    public double[] getDoubles(String key, double[] dflt) {
        Object v = raw(key);
        if (v == null) return dflt;
        if (v instanceof double[] d) return d.clone();
        if (v instanceof int[] a) return java.util.Arrays.stream(a).asDoubleStream().toArray();
        if (v instanceof List<?> l) return l.stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
        if (v instanceof Number n) return new double[] {n.doubleValue()};
        String s = v.toString().trim().replaceAll("^[\\[(]|[\\])]$", "").trim();
        if (s.isEmpty()) return new double[0];
        try {
            return java.util.Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).mapToDouble(Double::parseDouble).toArray();
        } catch (NumberFormatException e) {
            throw bad(key, v, "a list of numbers");
        }
    }

    /** Fails, naming {@code owner}, on any key that was never read. */
    public void checkAllRead(String owner) {
        for (String k : map.keySet()) {
            if (!read.contains(k)) throw new IllegalArgumentException(owner + " got an unexpected keyword argument '" + k + "'");
        }
    }

    /** The arguments that were given, in order (for dumps and get_config). */
    public Map<String, Object> given() { return new LinkedHashMap<>(map); }

    private static boolean isNone(Object v) { return v == null || (v instanceof String s && s.trim().equals("None")); }

    private static IllegalArgumentException bad(String key, Object v, String expected) {
        return new IllegalArgumentException("argument '" + key + "': expected " + expected + ", got '" + v + "'");
    }
}
