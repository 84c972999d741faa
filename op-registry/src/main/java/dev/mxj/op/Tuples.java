package dev.mxj.op;

import java.util.ArrayList;
import java.util.List;

/** Parsing of MXNet's tuple strings ("(1, 2)", "[1,2]", "3", "(None, 2)"). */
public final class Tuples {
    private Tuples() {}

    /** Split a tuple string into its element strings (no nesting). */
    public static List<String> elements(String s) {
        String t = s.trim();
        if ((t.startsWith("(") && t.endsWith(")")) || (t.startsWith("[") && t.endsWith("]"))) t = t.substring(1, t.length() - 1);
        List<String> out = new ArrayList<>();
        if (t.isBlank()) return out;
        String[] parts = t.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.isEmpty() && i == parts.length - 1 && i > 0) break; // trailing comma "(5,)"
            if (p.isEmpty()) throw new IllegalArgumentException("empty element in tuple '" + s + "'");
            out.add(p);
        }
        return out;
    }

    public static long[] parseLongs(String s, boolean noneAsUnknown) {
        List<String> e = elements(s);
        long[] r = new long[e.size()];
        for (int i = 0; i < r.length; i++) {
            String x = e.get(i);
            if (noneAsUnknown && x.equals("None")) r[i] = -1;
            else {
                if (x.endsWith("L")) x = x.substring(0, x.length() - 1);
                r[i] = Long.parseLong(x);
            }
        }
        return r;
    }

    public static double[] parseDoubles(String s) {
        List<String> e = elements(s);
        double[] r = new double[e.size()];
        for (int i = 0; i < r.length; i++) r[i] = Values.parseDouble(e.get(i));
        return r;
    }
}
