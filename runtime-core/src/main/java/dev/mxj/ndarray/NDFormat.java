package dev.mxj.ndarray;

import dev.mxj.op.DType;
import dev.mxj.op.Shape;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * MXNet's printed form of an array: numpy's {@code str()} of the values (default print options:
 * precision 8, threshold 1000 elements, 3 edge items, line width 75, "maxprec" float mode)
 * followed by {@code <NDArray 2x3 @cpu(0)>}. Implements numpy's layout rules from their
 * documented behaviour: shortest round-trip digits per element type, decimal points aligned,
 * scientific notation when values span more than three orders of magnitude or reach 1e8,
 * {@code ...} for large arrays, wrapping at the line width. The switch to scientific notation at
 * 1e8 is that of numpy 1.x, which MXNet 1.9 ran with (numpy 2.3 lowered it for float16/float32).
 */
final class NDFormat {
    static final int PRECISION = 8, THRESHOLD = 1000, EDGE_ITEMS = 3, LINE_WIDTH = 75;

    private NDFormat() {}

    static String format(NDArray a) {
        Shape shape = a.shape();
        long[] dims = shape.dims();
        boolean summarize = shape.size() > THRESHOLD;
        // only the elements that are shown are read back from the device
        java.util.List<Long> shown = new java.util.ArrayList<>();
        collectShown(dims, shape.strides(), 0, 0, summarize, shown);
        long[] idx = new long[shown.size()];
        for (int i = 0; i < idx.length; i++) idx[i] = shown.get(i);
        Values v = a.dtype() == DType.INT64 ? new Values(idx, null, a.readLongsAt(idx)) : new Values(idx, a.readDoublesAt(idx), null);
        return "\n" + formatValues(shape, a.dtype(), v, summarize) + "\n<NDArray " + a.shapeText() + " @" + a.context() + ">";
    }

    /** Values of the shown elements, looked up by flat index. */
    static final class Values {
        private final java.util.Map<Long, Integer> pos = new java.util.HashMap<>();
        private final double[] d;
        private final long[] l;

        Values(long[] idx, double[] d, long[] l) {
            for (int i = 0; i < idx.length; i++) pos.put(idx[i], i);
            this.d = d;
            this.l = l;
        }

        double d(long flat) { int p = pos.get(flat); return d != null ? d[p] : l[p]; }

        boolean isLong() { return l != null; }

        long l(long flat) { return l[pos.get(flat)]; }
    }

    /** numpy's {@code str(array)}. */
    static String formatValues(Shape shape, DType dtype, Values v, boolean summarize) {
        long[] dims = shape.dims();
        long[] strides = shape.strides();
        java.util.List<Long> shown = new java.util.ArrayList<>();
        collectShown(dims, strides, 0, 0, summarize, shown);
        ElementFormat f = ElementFormat.of(dtype, v, shown);
        if (dims.length == 0) return f.format(0);
        return recurse(dims, strides, 0, 0, " ", LINE_WIDTH, summarize, f);
    }

    private static void collectShown(long[] dims, long[] strides, int axis, long base, boolean summarize, java.util.List<Long> shown) {
        if (axis == dims.length) {
            shown.add(base);
            return;
        }
        long n = dims[axis];
        boolean cut = summarize && 2L * EDGE_ITEMS < n;
        for (long i = 0; i < n; i++) {
            if (cut && i == EDGE_ITEMS) i = n - EDGE_ITEMS;
            collectShown(dims, strides, axis + 1, base + i * strides[axis], summarize, shown);
        }
    }

    private static String recurse(long[] dims, long[] strides, int axis, long base, String hanging, int width, boolean summarize, ElementFormat f) {
        if (axis == dims.length) return f.format(base);
        String nextHanging = hanging + " ";
        int nextWidth = width - 1;
        long n = dims[axis];
        boolean cut = summarize && 2L * EDGE_ITEMS < n;
        long leading = cut ? EDGE_ITEMS : 0, trailing = cut ? EDGE_ITEMS : n;
        int axesLeft = dims.length - axis;
        StringBuilder s = new StringBuilder();
        if (axesLeft == 1) {
            int elemWidth = width - 1;
            StringBuilder line = new StringBuilder(hanging);
            for (long i = 0; i < leading; i++) {
                extend(s, line, recurse(dims, strides, axis + 1, base + i * strides[axis], nextHanging, nextWidth, summarize, f), elemWidth, hanging);
                line.append(' ');
            }
            if (cut) {
                extend(s, line, "...", elemWidth, hanging);
                line.append(' ');
            }
            for (long i = trailing; i > 1; i--) {
                extend(s, line, recurse(dims, strides, axis + 1, base + (n - i) * strides[axis], nextHanging, nextWidth, summarize, f), elemWidth, hanging);
                line.append(' ');
            }
            extend(s, line, recurse(dims, strides, axis + 1, base + (n - 1) * strides[axis], nextHanging, nextWidth, summarize, f), elemWidth, hanging);
            s.append(line);
        } else {
            String lineSep = "\n".repeat(axesLeft - 1);
            for (long i = 0; i < leading; i++) {
                s.append(hanging).append(recurse(dims, strides, axis + 1, base + i * strides[axis], nextHanging, nextWidth, summarize, f)).append(lineSep);
            }
            if (cut) s.append(hanging).append("...").append(lineSep);
            for (long i = trailing; i > 1; i--) {
                s.append(hanging).append(recurse(dims, strides, axis + 1, base + (n - i) * strides[axis], nextHanging, nextWidth, summarize, f)).append(lineSep);
            }
            s.append(hanging).append(recurse(dims, strides, axis + 1, base + (n - 1) * strides[axis], nextHanging, nextWidth, summarize, f));
        }
        return "[" + s.substring(hanging.length()) + "]";
    }

    private static void extend(StringBuilder s, StringBuilder line, String word, int width, String nextLinePrefix) {
        boolean wrap = line.length() + word.length() > width && line.length() > nextLinePrefix.length();
        if (wrap) {
            s.append(line.toString().stripTrailing()).append('\n');
            line.setLength(0);
            line.append(nextLinePrefix);
        }
        line.append(word);
    }

    /** Formats single elements with widths shared by the whole array. */
    private abstract static class ElementFormat {
        abstract String format(long index);

        static ElementFormat of(DType t, Values v, java.util.List<Long> shown) {
            if (t == DType.BOOL) return new BoolFormat(v, shown);
            if (!t.isFloating()) return new IntFormat(v, shown);
            return new FloatFormat(t, v, shown);
        }
    }

    private static final class BoolFormat extends ElementFormat {
        private final Values v;
        private final boolean pad;

        BoolFormat(Values v, java.util.List<Long> shown) {
            this.v = v;
            boolean anyFalse = false;
            for (long i : shown) if (v.d(i) == 0) anyFalse = true;
            this.pad = anyFalse;
        }

        @Override String format(long i) { return v.d(i) != 0 ? (pad ? " True" : "True") : "False"; }
    }

    private static final class IntFormat extends ElementFormat {
        private final Values v;
        private final int width;

        IntFormat(Values v, java.util.List<Long> shown) {
            this.v = v;
            int w = 0;
            for (long i : shown) w = Math.max(w, raw(i).length());
            this.width = w;
        }

        private String raw(long i) { return Long.toString(v.isLong() ? v.l(i) : (long) v.d(i)); }

        @Override String format(long i) { return pad(raw(i), width); }
    }

    private static String pad(String s, int width) { return s.length() >= width ? s : " ".repeat(width - s.length()) + s; }

    /** numpy's FloatingFormat in "maxprec" mode with unique (shortest round-trip) digits. */
    private static final class FloatFormat extends ElementFormat {
        private final DType type;
        private final Values d;
        private final boolean exp;
        private int padLeft, padRight, precision, expSize;

        FloatFormat(DType type, Values d, java.util.List<Long> shown) {
            this.type = type;
            this.d = d;
            double max = 0, min = Double.POSITIVE_INFINITY;
            boolean anyFinite = false, anyNonFinite = false, negInf = false;
            for (long i : shown) {
                double v = d.d(i);
                if (!Double.isFinite(v)) {
                    anyNonFinite = true;
                    if (v == Double.NEGATIVE_INFINITY) negInf = true;
                    continue;
                }
                anyFinite = true;
                double av = Math.abs(v);
                if (av != 0) {
                    max = Math.max(max, av);
                    min = Math.min(min, av);
                }
            }
            boolean e = false;
            if (min != Double.POSITIVE_INFINITY) e = max >= 1e8 || min < 1e-4 || max / min > 1e3;
            this.exp = e;
            if (anyFinite) {
                if (e) {
                    int fracMax = 0, intMax = 0, expMax = 0;
                    for (long i : shown) {
                        double v = d.d(i);
                        if (!Double.isFinite(v)) continue;
                        String[] parts = scientific(v, PRECISION, 0).split("e");
                        String[] ip = parts[0].split("\\.", -1);
                        intMax = Math.max(intMax, ip[0].length());
                        fracMax = Math.max(fracMax, ip[1].length());
                        expMax = Math.max(expMax, parts[1].length() - 1);
                    }
                    this.precision = fracMax;
                    this.padLeft = intMax;
                    this.expSize = expMax;
                    this.padRight = expMax + 2 + fracMax;
                } else {
                    int intMax = 0, fracMax = 0;
                    for (long i : shown) {
                        double v = d.d(i);
                        if (!Double.isFinite(v)) continue;
                        String[] ip = positional(v).split("\\.", -1);
                        intMax = Math.max(intMax, ip[0].length());
                        fracMax = Math.max(fracMax, ip[1].length());
                    }
                    this.padLeft = intMax;
                    this.padRight = fracMax;
                }
            }
            if (anyNonFinite) {
                int offset = padRight + 1;
                padLeft = Math.max(padLeft, Math.max(3 - offset, 3 + (negInf ? 1 : 0) - offset));
            }
        }

        @Override String format(long index) {
            double v = d.d(index);
            if (!Double.isFinite(v)) {
                String s = Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
                return pad(s, padLeft + padRight + 1);
            }
            String s;
            if (exp) {
                s = scientific(v, precision, precision);
                String[] parts = s.split("e");
                String mant = parts[0];
                String ex = parts[1];
                String sign = ex.substring(0, 1);
                String digits = ex.substring(1);
                while (digits.length() < expSize) digits = "0" + digits;
                int dot = mant.indexOf('.');
                return pad(mant.substring(0, dot), padLeft) + mant.substring(dot) + "e" + sign + digits;
            }
            s = positional(v);
            int dot = s.indexOf('.');
            String left = pad(s.substring(0, dot), padLeft);
            String frac = s.substring(dot + 1);
            return left + "." + frac + " ".repeat(Math.max(0, padRight - frac.length()));
        }

        /** Shortest decimal that reads back as the same value of this element type. */
        private BigDecimal unique(double v) {
            return switch (type) {
                case FLOAT64 -> new BigDecimal(Double.toString(v));
                case FLOAT32 -> new BigDecimal(Float.toString((float) v));
                default -> shortestHalf(v);
            };
        }

        private static BigDecimal shortestHalf(double v) {
            short h = Float.floatToFloat16((float) v);
            BigDecimal exact = new BigDecimal(v);
            if (v == 0) return BigDecimal.ZERO;
            for (int digits = 1; digits <= 17; digits++) {
                BigDecimal r = exact.round(new java.math.MathContext(digits, RoundingMode.HALF_EVEN));
                if (Float.floatToFloat16(r.floatValue()) == h) return r;
            }
            return exact;
        }

        /** Positional digits with at most {@link #PRECISION} fraction digits and a trailing '.' kept ("1.", "0.5"). */
        private String positional(double v) {
            BigDecimal b = unique(v);
            if (b.scale() > PRECISION) b = b.setScale(PRECISION, RoundingMode.HALF_EVEN);
            b = b.stripTrailingZeros();
            if (b.scale() < 0) b = b.setScale(0);
            String s = b.toPlainString();
            if (Double.doubleToRawLongBits(v) < 0 && !s.startsWith("-")) s = "-" + s; // -0.0, and values rounding to 0
            return s.contains(".") ? s : s + ".";
        }

        /** Scientific digits "d.ddde+XX" with at most {@code maxFrac} and at least {@code minFrac} fraction digits. */
        private String scientific(double v, int maxFrac, int minFrac) {
            BigDecimal b = unique(v).abs();
            String sign = (v < 0 || (v == 0 && 1 / v < 0)) ? "-" : "";
            if (b.signum() == 0) return sign + "0." + "0".repeat(minFrac) + "e+00";
            b = b.round(new java.math.MathContext(maxFrac + 1, RoundingMode.HALF_EVEN)).stripTrailingZeros();
            if (b.precision() < minFrac + 1) {
                // numpy pads with further digits of the exact binary value, not with zeros
                b = new BigDecimal(v).abs().round(new java.math.MathContext(minFrac + 1, RoundingMode.HALF_EVEN));
            }
            String digits = b.unscaledValue().toString();
            int exponent = digits.length() - 1 - b.scale();
            String frac = digits.substring(1);
            while (frac.length() < minFrac) frac += "0";
            String e = Integer.toString(Math.abs(exponent));
            if (e.length() < 2) e = "0" + e;
            return sign + digits.charAt(0) + "." + frac + "e" + (exponent < 0 ? "-" : "+") + e;
        }
    }
}
