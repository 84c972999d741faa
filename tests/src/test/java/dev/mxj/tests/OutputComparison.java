package dev.mxj.tests;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares what a script printed with what real MXNet printed: the text between numbers must be
 * equal (ignoring runs of spaces, which numpy's column alignment varies), and the numbers equal
 * within a tolerance, so that the last printed digit may differ but nothing else. Reports the
 * first difference with its line.
 */
final class OutputComparison {
    private OutputComparison() {}

    private static final Pattern NUMBER = Pattern.compile("[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?|[-+]?inf|nan");

    /** A difference, or null when the outputs agree. */
    static String difference(String expected, String actual, double rtol, double atol) {
        String[] e = expected.strip().split("\n", -1), a = actual.strip().split("\n", -1);
        for (int i = 0; i < Math.max(e.length, a.length); i++) {
            if (i >= e.length) return "line " + (i + 1) + ": unexpected extra output: " + a[i];
            if (i >= a.length) return "line " + (i + 1) + ": output ends; expected: " + e[i];
            String why = lineDifference(e[i], a[i], rtol, atol);
            if (why != null) return "line " + (i + 1) + ": " + why + "\n  expected: " + e[i] + "\n  actual:   " + a[i];
        }
        return null;
    }

    private static String lineDifference(String e, String a, double rtol, double atol) {
        List<String> et = tokens(e), at = tokens(a);
        if (et.size() != at.size()) return "different structure";
        for (int i = 0; i < et.size(); i++) {
            String x = et.get(i), y = at.get(i);
            boolean xn = NUMBER.matcher(x).matches(), yn = NUMBER.matcher(y).matches();
            if (xn != yn) return "'" + y + "' where '" + x + "' was expected";
            if (!xn) {
                if (!x.equals(y)) return "'" + y + "' where '" + x + "' was expected";
                continue;
            }
            double dx = parse(x), dy = parse(y);
            if (Double.isNaN(dx) || Double.isNaN(dy)) {
                if (Double.isNaN(dx) != Double.isNaN(dy)) return y + " where " + x + " was expected";
            } else if (Double.isInfinite(dx) || Double.isInfinite(dy)) {
                if (dx != dy) return y + " where " + x + " was expected";
            } else if (Math.abs(dx - dy) > atol + rtol * Math.abs(dx)) {
                return y + " where " + x + " was expected";
            }
        }
        return null;
    }

    /** Numbers and the text between them, with runs of blanks collapsed to one space. */
    static List<String> tokens(String line) {
        List<String> out = new ArrayList<>();
        Matcher m = NUMBER.matcher(line);
        int last = 0;
        while (m.find()) {
            // a digit glued to a name (e.g. "cpu(0)" is fine, "conv0_weight" is text): only numbers standing alone count
            boolean glued = m.start() > 0 && (Character.isLetter(line.charAt(m.start() - 1)) || line.charAt(m.start() - 1) == '_');
            if (glued) continue;
            addText(out, line.substring(last, m.start()));
            out.add(m.group());
            last = m.end();
        }
        addText(out, line.substring(last));
        return out;
    }

    private static void addText(List<String> out, String text) {
        String t = text.replaceAll("\\s+", " ");
        if (!t.isEmpty() && !t.equals(" ")) out.add(t.strip());
    }

    private static double parse(String s) {
        return switch (s.replace("+", "")) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> Double.parseDouble(s);
        };
    }
}
