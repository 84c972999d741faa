package dev.mxj.op;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * A declared operator parameter: name, type, default or required, bounds, documentation.
 * Values parse from MXNet's string forms ("(3, 3)", "True", "relu", "None") and from typed
 * Java values, because symbol JSON stores attributes as strings while Java callers pass objects.
 *
 * <p>Typed values after parsing: INT → Integer, LONG → Long, FLOAT → Double, BOOL → Boolean,
 * STRING/ENUM → String, INT_TUPLE → long[], FLOAT_TUPLE → double[], DTYPE → {@link DType}.
 * An optional parameter may hold null ("None").
 */
public final class Param {
    public enum Type { INT, LONG, FLOAT, BOOL, STRING, ENUM, INT_TUPLE, FLOAT_TUPLE, DTYPE }

    private final String name;
    private final Type type;
    private Object defaultValue;
    private boolean required;
    private boolean optional;
    private Double min, max;
    private List<String> choices = List.of();
    private String doc = "";

    private Param(String name, Type type) { this.name = name; this.type = type; }

    public static Param intParam(String name) { return new Param(name, Type.INT); }
    public static Param longParam(String name) { return new Param(name, Type.LONG); }
    public static Param floatParam(String name) { return new Param(name, Type.FLOAT); }
    public static Param boolParam(String name) { return new Param(name, Type.BOOL); }
    public static Param stringParam(String name) { return new Param(name, Type.STRING); }
    public static Param intTupleParam(String name) { return new Param(name, Type.INT_TUPLE); }
    public static Param floatTupleParam(String name) { return new Param(name, Type.FLOAT_TUPLE); }
    public static Param dtypeParam(String name) { return new Param(name, Type.DTYPE); }

    /** A string parameter restricted to {@code choices} (MXNet's enum parameters). */
    public static Param enumParam(String name, String... choices) {
        Param p = new Param(name, Type.ENUM);
        p.choices = List.of(choices);
        return p;
    }

    public Param required() { this.required = true; return this; }

    /** None is accepted ("None" or null), meaning "not set"; the default becomes null unless given. */
    public Param optional() { this.optional = true; return this; }

    public Param defaultValue(Object v) {
        this.defaultValue = v == null ? null : coerce(v);
        return this;
    }

    public Param min(double m) { this.min = m; return this; }
    public Param max(double m) { this.max = m; return this; }
    public Param doc(String d) { this.doc = d; return this; }

    public String name() { return name; }
    public Type type() { return type; }
    public boolean isRequired() { return required; }
    public boolean isOptional() { return optional; }
    public Object defaultValue() { return defaultValue; }
    public List<String> choices() { return choices; }
    public String doc() { return doc; }

    /** What a valid value looks like, for error messages and docs: "int >= 1", "{'relu', 'tanh'}". */
    public String expectation() {
        String base = switch (type) {
            case INT -> "int";
            case LONG -> "long";
            case FLOAT -> "float";
            case BOOL -> "boolean";
            case STRING -> "string";
            case ENUM -> "{" + String.join(", ", choices.stream().map(c -> "'" + c + "'").toList()) + "}";
            case INT_TUPLE -> "Shape(tuple) of ints";
            case FLOAT_TUPLE -> "tuple of floats";
            case DTYPE -> "dtype {'float32', 'float64', 'float16', 'uint8', 'int8', 'int32', 'int64', 'bool'}";
        };
        if (min != null) base += " >= " + fmtBound(min);
        if (max != null) base += (min != null ? " and" : "") + " <= " + fmtBound(max);
        if (optional) base += " or None";
        return base;
    }

    private static String fmtBound(double d) { return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d); }

    /** Parse and validate a user value; throws IllegalArgumentException with a short reason. */
    public Object coerce(Object v) {
        if (v == null || (v instanceof String s && s.trim().equals("None"))) {
            if (optional || !required && defaultValue == null) return null;
            throw new IllegalArgumentException("None is not allowed");
        }
        Object r = switch (type) {
            case INT -> Math.toIntExact(toLong(v));
            case LONG -> toLong(v);
            case FLOAT -> toDouble(v);
            case BOOL -> toBool(v);
            case STRING -> v instanceof String s ? s : v.toString();
            case ENUM -> toEnum(v);
            case INT_TUPLE -> toLongs(v);
            case FLOAT_TUPLE -> toDoubles(v);
            case DTYPE -> v instanceof DType d ? d : DType.parse(v.toString());
        };
        checkBounds(r);
        return r;
    }

    private void checkBounds(Object r) {
        if (min == null && max == null) return;
        if (r instanceof Number n) {
            double d = n.doubleValue();
            if ((min != null && d < min) || (max != null && d > max)) throw new IllegalArgumentException("out of range");
        } else if (r instanceof long[] a) {
            for (long x : a) if ((min != null && x < min) || (max != null && x > max)) throw new IllegalArgumentException("element out of range");
        }
    }

    private String toEnum(Object v) {
        String s = v.toString().trim();
        if (s.length() >= 2 && (s.startsWith("'") && s.endsWith("'") || s.startsWith("\"") && s.endsWith("\""))) s = s.substring(1, s.length() - 1);
        if (choices.contains(s)) return s;
        String lower = s.toLowerCase(Locale.ROOT);
        if (choices.contains(lower)) return lower;
        throw new IllegalArgumentException("not one of the choices");
    }

    private static long toLong(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (d != Math.rint(d)) throw new IllegalArgumentException("not an integer");
            return (long) d;
        }
        if (v instanceof Boolean b) return b ? 1 : 0;
        String s = v.toString().trim();
        if (s.endsWith("L")) s = s.substring(0, s.length() - 1);
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer");
        }
    }

    private static double toDouble(Object v) {
        if (v instanceof Number n) return n.doubleValue();
        try {
            return Values.parseDouble(v.toString());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
        }
    }

    private static boolean toBool(Object v) {
        if (v instanceof Boolean b) return b;
        if (v instanceof Number n && (n.doubleValue() == 0 || n.doubleValue() == 1)) return n.doubleValue() == 1;
        return Values.parseBool(v.toString());
    }

    private static long[] toLongs(Object v) {
        if (v instanceof long[] a) return a.clone();
        if (v instanceof int[] a) return Arrays.stream(a).asLongStream().toArray();
        if (v instanceof Shape s) return s.dims();
        if (v instanceof Number n) return new long[] {toLong(n)};
        if (v instanceof Collection<?> c) return c.stream().mapToLong(x -> x == null ? -1 : toLong(x)).toArray();
        if (v.getClass().isArray()) {
            long[] r = new long[Array.getLength(v)];
            for (int i = 0; i < r.length; i++) r[i] = toLong(Array.get(v, i));
            return r;
        }
        try {
            return Tuples.parseLongs(v.toString(), true);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a tuple of ints");
        }
    }

    private static double[] toDoubles(Object v) {
        if (v instanceof double[] a) return a.clone();
        if (v instanceof float[] a) { double[] r = new double[a.length]; for (int i = 0; i < a.length; i++) r[i] = a[i]; return r; }
        if (v instanceof Number n) return new double[] {n.doubleValue()};
        if (v instanceof Collection<?> c) return c.stream().mapToDouble(Param::toDouble).toArray();
        if (v.getClass().isArray()) {
            double[] r = new double[Array.getLength(v)];
            for (int i = 0; i < r.length; i++) r[i] = toDouble(Array.get(v, i));
            return r;
        }
        try {
            return Tuples.parseDoubles(v.toString());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a tuple of numbers");
        }
    }

    /** The canonical MXNet string form of a parsed value (used in symbol JSON). */
    public static String format(Object v) {
        if (v == null) return "None";
        if (v instanceof Boolean b) return b ? "True" : "False";
        if (v instanceof long[] a) {
            if (a.length == 1) return "(" + fmtDim(a[0]) + ",)";
            List<String> parts = new ArrayList<>();
            for (long x : a) parts.add(fmtDim(x));
            return "(" + String.join(", ", parts) + ")";
        }
        if (v instanceof double[] a) {
            List<String> parts = new ArrayList<>();
            for (double x : a) parts.add(formatDouble(x));
            return "(" + String.join(", ", parts) + (a.length == 1 ? ",)" : ")");
        }
        if (v instanceof Double d) return formatDouble(d);
        return v.toString();
    }

    private static String fmtDim(long x) { return Long.toString(x); }

    private static String formatDouble(double d) {
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d) + ".0";
        return Double.toString(d);
    }
}
