package dev.mxj.op;

import java.util.Locale;

/**
 * Element types, with MXNet's type flags (the numbers stored in .params files and symbol
 * JSON) and numpy-style names.
 */
public enum DType {
    FLOAT32("float32", 0, 4, true),
    FLOAT64("float64", 1, 8, true),
    /** IEEE half precision: stored as 16 bits, computed in float32 by CPU kernels. */
    FLOAT16("float16", 2, 2, true),
    UINT8("uint8", 3, 1, false),
    INT32("int32", 4, 4, false),
    INT8("int8", 5, 1, false),
    INT64("int64", 6, 8, false),
    BOOL("bool", 7, 1, false);

    private final String name;
    private final int flag;
    private final int bytes;
    private final boolean floating;

    DType(String name, int flag, int bytes, boolean floating) {
        this.name = name; this.flag = flag; this.bytes = bytes; this.floating = floating;
    }

    /** numpy-style name: "float32". */
    public String typeName() { return name; }

    /** MXNet's type flag (mshadow::TypeFlag). */
    public int flag() { return flag; }

    public int byteSize() { return bytes; }

    public boolean isFloating() { return floating; }

    public static DType fromFlag(int flag) {
        for (DType t : values()) if (t.flag == flag) return t;
        throw new IllegalArgumentException("unsupported MXNet type flag " + flag);
    }

    /** Parse "float32", "np.float32", "<class 'numpy.float32'>", "int", "float", "bool". */
    public static DType parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("<class '") && t.endsWith("'>")) t = t.substring(8, t.length() - 2);
        int dot = t.lastIndexOf('.');
        if (dot >= 0) t = t.substring(dot + 1);
        switch (t) {
            case "float": return FLOAT32;
            case "double": return FLOAT64;
            case "half": return FLOAT16;
            case "int": return INT32;
            case "long": return INT64;
            case "bool_", "boolean": return BOOL;
            default:
        }
        for (DType d : values()) if (d.name.equals(t)) return d;
        throw new IllegalArgumentException("unknown dtype '" + s + "'; expected one of float32, float64, float16, uint8, int8, int32, int64, bool");
    }

    @Override public String toString() { return name; }
}
