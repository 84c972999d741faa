package dev.mxj.op;

/** Number and boolean parsing accepting MXNet's/Python's spellings ("True", "1", "inf", "-inf", "nan"). */
public final class Values {
    private Values() {}

    public static double parseDouble(String s) {
        String t = s.trim();
        return switch (t) {
            case "inf", "+inf", "Inf", "infinity", "Infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-Inf", "-infinity", "-Infinity" -> Double.NEGATIVE_INFINITY;
            case "nan", "NaN", "-nan" -> Double.NaN;
            default -> {
                String u = t.endsWith("f") || t.endsWith("F") ? t.substring(0, t.length() - 1) : t;
                yield Double.parseDouble(u);
            }
        };
    }

    public static boolean parseBool(String s) {
        return switch (s.trim()) {
            case "True", "true", "1" -> true;
            case "False", "false", "0" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }
}
