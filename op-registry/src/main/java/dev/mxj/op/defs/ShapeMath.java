package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.Tuples;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shape arithmetic of the shape, indexing and sort operators, shared by their declarations
 * (shape inference) and by kernels (which need the same canonical begin/step/axes), so the
 * two cannot disagree. Failures are {@link ShapeException}s naming the operator.
 */
public final class ShapeMath {
    private ShapeMath() {}

    /** A strided view of an input: output dimension i reads input index begin[i] + k * step[i]. */
    public record SliceRange(long[] begin, long[] step, Shape out) {}

    // ---------------------------------------------------------------- axes

    /** Normalise {@code axis} for rank {@code ndim} (MXNet's CheckAxis), failing with the operator's name. */
    public static int axis(Attrs a, String what, long axis, int ndim) {
        long r = axis < 0 ? axis + ndim : axis;
        if (r < 0 || r >= ndim) {
            throw ShapeRules.error(a, what + " " + axis + " is out of range for an array of " + ndim + " dimension" + (ndim == 1 ? "" : "s")
                    + " (valid: " + (-ndim) + " to " + (ndim - 1) + ")");
        }
        return (int) r;
    }

    /** Axes for transpose: the given permutation (negative entries allowed) or, when empty, the reversed axes. */
    public static int[] transposeAxes(Attrs a, int ndim) {
        long[] ax = a.getLongs("axes");
        int[] r = new int[ndim];
        if (ax.length == 0) {
            for (int i = 0; i < ndim; i++) r[i] = ndim - 1 - i;
            return r;
        }
        if (ax.length != ndim) throw ShapeRules.error(a, "axes " + Arrays.toString(ax) + " must name each of the " + ndim + " axes once");
        boolean[] seen = new boolean[ndim];
        for (int i = 0; i < ndim; i++) {
            r[i] = axis(a, "axis", ax[i], ndim);
            if (seen[r[i]]) throw ShapeRules.error(a, "axes " + Arrays.toString(ax) + " repeat axis " + r[i]);
            seen[r[i]] = true;
        }
        return r;
    }

    public static Shape permute(Shape s, int[] axes) {
        long[] d = new long[axes.length];
        for (int i = 0; i < axes.length; i++) d[i] = s.dim(axes[i]);
        return Shape.of(d);
    }

    // ---------------------------------------------------------------- Reshape

    /** Output shape of Reshape: {@code shape} with MXNet's special codes, or the legacy {@code target_shape}. */
    public static Shape reshape(Attrs a, Shape in) {
        long[] spec = a.getLongs("shape");
        long[] out;
        if (spec.length > 0) {
            out = reshapeCodes(a, spec, in.dims(), a.getBool("reverse"));
        } else {
            long[] target = a.getLongs("target_shape");
            if (target.length == 0) throw ShapeRules.error(a, "shape is empty: give the target shape");
            out = target.clone();
            int start = a.getBool("keep_highest") ? 1 : 0;
            if (start == 1) out[0] = in.dim(0);
            int zeros = 0, at = -1;
            for (int i = start; i < out.length; i++) if (out[i] == 0) { zeros++; at = i; }
            if (zeros == 1) {
                out[at] = 1;
                long p = 1;
                for (long d : out) p *= d;
                out[at] = in.size() / p;
            }
        }
        for (long d : out) if (d < 0) throw ShapeRules.error(a, "cannot reshape " + in + " to " + Arrays.toString(out) + " (shape=" + Arrays.toString(spec) + ")");
        Shape s = Shape.of(out);
        if (s.size() != in.size()) throw ShapeRules.error(a, "cannot reshape " + in + " to " + s + ": sizes " + in.size() + " and " + s.size() + " differ");
        return s;
    }

    /** The special codes 0 (copy), -1 (infer), -2 (copy the rest), -3 (merge two), -4 (split one into the next two values). */
    private static long[] reshapeCodes(Attrs a, long[] spec, long[] dims, boolean reverse) {
        long[] p = spec.clone(), d = dims.clone();
        if (reverse) { reverse(p); reverse(d); }
        List<Long> out = new ArrayList<>();
        int src = 0, infer = -1;
        for (int i = 0; i < p.length; i++) {
            long code = p[i];
            if (code == 0) {
                if (src >= d.length) throw ShapeRules.error(a, "shape code 0 at position " + i + " has no input dimension to copy in " + Shape.of(dims));
                out.add(d[src++]);
            } else if (code == -1) {
                if (infer >= 0) throw ShapeRules.error(a, "only one dimension can be inferred (-1) in shape " + Arrays.toString(spec));
                infer = out.size();
                out.add(1L);
                src++;
            } else if (code == -2) {
                while (src < d.length) out.add(d[src++]);
            } else if (code == -3) {
                if (src + 1 >= d.length) throw ShapeRules.error(a, "shape code -3 needs two input dimensions to merge in " + Shape.of(dims));
                out.add(d[src] * d[src + 1]);
                src += 2;
            } else if (code == -4) {
                if (i + 2 >= p.length) throw ShapeRules.error(a, "shape code -4 must be followed by two dimensions in " + Arrays.toString(spec));
                if (src >= d.length) throw ShapeRules.error(a, "shape code -4 has no input dimension to split in " + Shape.of(dims));
                long d0 = d[src++], d1 = p[++i], d2 = p[++i];
                if (d1 == -1 && d2 == -1) throw ShapeRules.error(a, "split dimensions after -4 cannot both be -1");
                if (d1 == -1) d1 = d2 == 0 ? -1 : d0 / d2;
                if (d2 == -1) d2 = d1 == 0 ? -1 : d0 / d1;
                if (d1 < 0 || d2 < 0 || d1 * d2 != d0) throw ShapeRules.error(a, "split dimensions " + d1 + ", " + d2 + " do not divide dimension " + d0);
                out.add(d1);
                out.add(d2);
            } else if (code > 0) {
                out.add(code);
                src++;
            } else {
                throw ShapeRules.error(a, "invalid shape code " + code + " in " + Arrays.toString(spec) + " (valid: positive sizes, 0, -1, -2, -3, -4)");
            }
        }
        long[] r = out.stream().mapToLong(Long::longValue).toArray();
        if (infer >= 0) {
            long known = 1, size = 1;
            for (long x : r) known *= x;
            for (long x : dims) size *= x;
            if (known == 0 || size % known != 0) {
                throw ShapeRules.error(a, "cannot reshape " + Shape.of(dims) + " to " + Arrays.toString(spec) + ": the -1 dimension cannot be inferred");
            }
            r[infer] = size / known;
        }
        if (reverse) reverse(r);
        return r;
    }

    private static void reverse(long[] x) {
        for (int i = 0, j = x.length - 1; i < j; i++, j--) { long t = x[i]; x[i] = x[j]; x[j] = t; }
    }

    // ---------------------------------------------------------------- slices

    /**
     * Parse an MXNet tuple of optional ints ("(0, None, -1)"), as slice's begin/end/step take;
     * null entries are None. Accepts Java lists/arrays printed with "null" too.
     */
    public static Long[] optionalInts(Attrs a, String param) {
        Object v = a.get(param);
        if (v == null) return new Long[0];
        String s = v.toString();
        try {
            List<String> parts = Tuples.elements(s);
            Long[] r = new Long[parts.size()];
            for (int i = 0; i < r.length; i++) {
                String t = parts.get(i);
                r[i] = t.equals("None") || t.equals("null") ? null : Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
            }
            return r;
        } catch (RuntimeException e) {
            throw ShapeRules.error(a, "invalid " + param + " '" + s + "': expected a tuple of int or None, e.g. (0, None, -1)");
        }
    }

    /** slice: begin/end/step tuples with None entries and negative indices, as MXNet's GetIndexRange. */
    public static SliceRange slice(Attrs a, Shape in) {
        Long[] b = optionalInts(a, "begin"), e = optionalInts(a, "end"), st = optionalInts(a, "step");
        int n = in.ndim();
        if (n == 0) throw ShapeRules.error(a, "cannot slice a 0-dimensional array");
        if (b.length > n || e.length > n) throw ShapeRules.error(a, "begin/end of length " + Math.max(b.length, e.length) + " exceed the " + n + " dimensions of " + in);
        if (b.length != e.length) throw ShapeRules.error(a, "begin " + fmt(b) + " and end " + fmt(e) + " must have the same length");
        if (st.length != 0 && st.length != b.length) throw ShapeRules.error(a, "step " + fmt(st) + " and begin " + fmt(b) + " must have the same length");
        long[] begin = new long[n], step = new long[n], out = in.dims();
        for (int i = 0; i < n; i++) {
            step[i] = 1;
            if (i >= b.length) continue;
            long s = st.length > 0 && st[i] != null ? st[i] : 1;
            if (s == 0) throw ShapeRules.error(a, "step[" + i + "] cannot be 0");
            long len = in.dim(i);
            long bi = 0, ei = 0;
            if (len > 0) {
                bi = b[i] != null ? b[i] : (s < 0 ? len - 1 : 0);
                ei = e[i] != null ? e[i] : (s < 0 ? -1 : len);
                if (bi < 0) bi += len;
                if (ei < 0 && e[i] != null) ei += len;
                if (bi < 0 && s > 0) bi = 0;
                if (bi > len - 1 && s < 0) bi = len - 1;
                if (bi < 0 || bi > len - 1) bi = -1;
                ei = Math.min(Math.max(ei, -1), len);
            }
            long size;
            if (ei == bi || bi < 0) size = 0;
            else if (s > 0) size = ei > bi ? (ei - bi - 1) / s + 1 : 0;
            else size = ei < bi ? (bi - ei - 1) / -s + 1 : 0;
            begin[i] = Math.max(bi, 0);
            step[i] = s;
            out[i] = size;
        }
        return new SliceRange(begin, step, Shape.of(out));
    }

    /** slice_axis: one axis, begin and optional end, negative indices allowed; the range must not be empty. */
    public static SliceRange sliceAxis(Attrs a, Shape in) {
        int ax = axis(a, "axis", a.getInt("axis"), in.ndim());
        long len = in.dim(ax);
        long b = a.getLong("begin"), e;
        long gb = b;
        if (b < 0) b += len;
        if (len > 0) {
            Object end = a.get("end");
            e = end == null ? len : ((Number) end).longValue();
            if (e < 0) e += len;
            if (e > len) throw ShapeRules.error(a, "end " + end + " exceeds the size " + len + " of axis " + ax);
            if (b < 0 || b >= e) throw ShapeRules.error(a, "empty or invalid range begin=" + gb + ", end=" + end + " for axis " + ax + " of size " + len);
        } else {
            b = 0;
            e = 0;
        }
        long[] begin = new long[in.ndim()], step = new long[in.ndim()];
        Arrays.fill(step, 1);
        begin[ax] = b;
        return new SliceRange(begin, step, in.withDim(ax, e - b));
    }

    /** slice_like: slice {@code in} to the size of {@code like} on the given axes (all when empty). */
    public static SliceRange sliceLike(Attrs a, Shape in, Shape like) {
        long[] axes = a.getLongs("axes");
        int n = in.ndim();
        long[] out = in.dims(), step = new long[n];
        Arrays.fill(step, 1);
        if (axes.length == 0) {
            if (like.ndim() != n) throw ShapeRules.error(a, "without axes, data " + in + " and shape_like " + like + " must have the same number of dimensions");
            for (int i = 0; i < n; i++) out[i] = like.dim(i);
        } else {
            for (long x : axes) {
                int ax = axis(a, "axis", x, n);
                if (ax >= like.ndim()) throw ShapeRules.error(a, "axis " + x + " exceeds the dimensions of shape_like " + like);
                out[ax] = like.dim(ax);
            }
        }
        for (int i = 0; i < n; i++) {
            if (out[i] > in.dim(i)) throw ShapeRules.error(a, "size " + out[i] + " of axis " + i + " in shape_like " + like + " exceeds data " + in);
        }
        return new SliceRange(new long[n], step, Shape.of(out));
    }

    private static String fmt(Long[] x) {
        List<String> p = new ArrayList<>();
        for (Long v : x) p.add(v == null ? "None" : v.toString());
        return "(" + String.join(", ", p) + ")";
    }

    // ---------------------------------------------------------------- broadcast

    /** broadcast_to's target: 0 keeps the input's dimension; other dimensions must be 1 or equal. */
    public static Shape broadcastTo(Attrs a, Shape in) {
        long[] t = a.getLongs("shape");
        if (t.length != in.ndim()) throw ShapeRules.error(a, "cannot broadcast " + in + " to " + Arrays.toString(t) + ": the number of dimensions differs");
        long[] out = new long[t.length];
        for (int i = 0; i < t.length; i++) {
            long want = t[i] == 0 ? in.dim(i) : t[i];
            if (in.dim(i) != want && in.dim(i) != 1) throw ShapeRules.error(a, "cannot broadcast " + in + " to " + Shape.of(t) + ": axis " + i + " has size " + in.dim(i) + ", not 1");
            out[i] = want;
        }
        return Shape.of(out);
    }

    /** broadcast_axis: the given axes (of size 1) become the given sizes. */
    public static Shape broadcastAxis(Attrs a, Shape in) {
        long[] axes = a.getLongs("axis"), sizes = a.getLongs("size");
        if (axes.length != sizes.length) throw ShapeRules.error(a, "axis " + Arrays.toString(axes) + " and size " + Arrays.toString(sizes) + " must have the same length");
        long[] out = in.dims();
        for (int i = 0; i < axes.length; i++) {
            int ax = axis(a, "axis", axes[i], in.ndim());
            if (in.dim(ax) != 1 && in.dim(ax) != sizes[i]) throw ShapeRules.error(a, "cannot broadcast axis " + ax + " of " + in + " (size " + in.dim(ax) + ", not 1) to size " + sizes[i]);
            out[ax] = sizes[i];
        }
        return Shape.of(out);
    }

    /** broadcast_like: lhs to rhs's shape, or only the listed axes of lhs to the listed axes of rhs. */
    public static Shape broadcastLike(Attrs a, Shape lhs, Shape rhs) {
        if (a.isNone("lhs_axes") && a.isNone("rhs_axes")) {
            if (lhs.ndim() != rhs.ndim()) throw ShapeRules.error(a, "cannot broadcast " + lhs + " like " + rhs + ": the number of dimensions differs");
            for (int i = 0; i < lhs.ndim(); i++) {
                if (lhs.dim(i) != rhs.dim(i) && lhs.dim(i) != 1) throw ShapeRules.error(a, "cannot broadcast " + lhs + " like " + rhs + ": axis " + i + " has size " + lhs.dim(i) + ", not 1");
            }
            return rhs;
        }
        if (a.isNone("lhs_axes") || a.isNone("rhs_axes")) throw ShapeRules.error(a, "lhs_axes and rhs_axes must be given together");
        long[] la = a.getLongs("lhs_axes"), ra = a.getLongs("rhs_axes");
        if (la.length != ra.length || la.length == 0) throw ShapeRules.error(a, "lhs_axes " + Arrays.toString(la) + " and rhs_axes " + Arrays.toString(ra) + " must be non-empty and of equal length");
        long[] out = lhs.dims();
        for (int i = 0; i < la.length; i++) {
            int l = axis(a, "lhs axis", la[i], lhs.ndim()), r = axis(a, "rhs axis", ra[i], rhs.ndim());
            if (lhs.dim(l) != 1 && lhs.dim(l) != rhs.dim(r)) throw ShapeRules.error(a, "cannot broadcast axis " + l + " of " + lhs + " (size " + lhs.dim(l) + ", not 1) to size " + rhs.dim(r));
            out[l] = rhs.dim(r);
        }
        return Shape.of(out);
    }

    // ---------------------------------------------------------------- tile / repeat

    /** tile: reps promoted against the input's rank by prepending ones to the shorter. */
    public static Shape tile(Attrs a, Shape in) {
        long[] reps = a.getLongs("reps");
        if (reps.length == 0) return in;
        int n = Math.max(in.ndim(), reps.length);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            int di = i - (n - in.ndim()), ri = i - (n - reps.length);
            out[i] = (di >= 0 ? in.dim(di) : 1) * (ri >= 0 ? reps[ri] : 1);
        }
        return Shape.of(out);
    }

    /** tile's input promoted to the output rank, and the reps per output axis. */
    public static long[][] tilePlan(Attrs a, Shape in) {
        long[] reps = a.getLongs("reps");
        int n = Math.max(in.ndim(), reps.length);
        long[] d = new long[n], r = new long[n];
        for (int i = 0; i < n; i++) {
            int di = i - (n - in.ndim()), ri = i - (n - reps.length);
            d[i] = di >= 0 ? in.dim(di) : 1;
            r[i] = ri >= 0 ? reps[ri] : 1;
        }
        return new long[][] {d, r};
    }

    /** repeat's axis, or -1 for the flattened input. */
    public static int repeatAxis(Attrs a, Shape in) {
        return a.isNone("axis") ? -1 : axis(a, "axis", a.getInt("axis"), in.ndim());
    }

    public static Shape repeat(Attrs a, Shape in) {
        long r = a.getLong("repeats");
        if (r == 0) return Shape.of(0L);
        int ax = repeatAxis(a, in);
        return ax < 0 ? Shape.of(in.size() * r) : in.withDim(ax, in.dim(ax) * r);
    }

    // ---------------------------------------------------------------- pad

    /** Validated pad widths (before, after per axis) for Pad's MXNet restrictions: 4-D/5-D, no padding of N and C. */
    public static long[] padWidths(Attrs a, Shape in) {
        long[] w = a.getLongs("pad_width");
        int n = in.ndim();
        if (n != 4 && n != 5) throw ShapeRules.error(a, "only 4-D and 5-D inputs are supported, got " + in);
        if (w.length != 2 * n) throw ShapeRules.error(a, "pad_width " + Arrays.toString(w) + " must have 2 * ndim = " + 2 * n + " entries for input " + in);
        for (int i = 0; i < 4; i++) if (w[i] != 0) throw ShapeRules.error(a, "padding of the first two axes must be zero, got pad_width " + Arrays.toString(w));
        for (long x : w) if (x < 0) throw ShapeRules.error(a, "pad_width " + Arrays.toString(w) + " has a negative entry");
        if (a.getString("mode").equals("reflect")) {
            for (int i = 2; i < n; i++) {
                if (w[2 * i] >= in.dim(i) || w[2 * i + 1] >= in.dim(i)) {
                    throw ShapeRules.error(a, "reflect padding must be smaller than the input size; axis " + i + " has size " + in.dim(i) + ", pad_width " + Arrays.toString(w));
                }
            }
        }
        return w;
    }

    public static Shape pad(Attrs a, Shape in) {
        long[] w = padWidths(a, in);
        long[] out = in.dims();
        for (int i = 0; i < out.length; i++) out[i] += w[2 * i] + w[2 * i + 1];
        return Shape.of(out);
    }

    // ---------------------------------------------------------------- split

    /** Boundaries [start_0, ..., start_{n-1}, axisSize] of SliceChannel / _split_v2 sections along {@code axis}. */
    public static long[] splitBounds(Attrs a, Shape in, int axis) {
        long len = in.dim(axis);
        if (a.op().name().equals("SliceChannel")) {
            int n = a.getInt("num_outputs");
            if (len % n != 0) {
                throw ShapeRules.error(a, "cannot split axis " + axis + " of " + in + " into num_outputs=" + n + " equal parts: " + n + " does not divide " + len);
            }
            long[] r = new long[n + 1];
            for (int i = 0; i <= n; i++) r[i] = i * (len / n);
            return r;
        }
        int sections = a.getInt("sections");
        long[] r;
        if (sections > 0) {
            r = new long[sections + 1];
            long small = len / sections, extra = len % sections;
            for (int i = 0; i < sections; i++) r[i + 1] = r[i] + small + (i < extra ? 1 : 0);
        } else {
            long[] idx = a.getLongs("indices");
            if (idx.length == 0) throw ShapeRules.error(a, "indices is empty and sections is 0: nothing to split by");
            r = Arrays.copyOf(idx, idx.length + 1);
            r[idx.length] = len;
            for (int i = 0; i < idx.length; i++) {
                if (r[i] < 0 || r[i] > r[i + 1]) throw ShapeRules.error(a, "indices " + Arrays.toString(idx) + " must be non-decreasing and within the size " + len + " of axis " + axis);
            }
        }
        return r;
    }

    // ---------------------------------------------------------------- sort / topk

    /** How topk/sort/argsort see their input: lines of {@code length} elements, {@code inner} apart, {@code outer * inner} of them. */
    public record Lines(long outer, long length, long inner, int axis, long k) {}

    /** The lines sorted by topk-like operators; axis None flattens. {@code k <= 0} means all. */
    public static Lines lines(Attrs a, Shape in, long k) {
        if (a.isNone("axis")) {
            long n = in.size();
            return new Lines(1, n, 1, -1, k <= 0 ? n : checkK(a, k, n));
        }
        if (in.ndim() == 0) throw ShapeRules.error(a, "axis " + a.getInt("axis") + " is invalid for a 0-dimensional input; use axis=None");
        int ax = axis(a, "axis", a.getInt("axis"), in.ndim());
        long len = in.dim(ax);
        return new Lines(in.prod(0, ax), len, in.prod(ax + 1, in.ndim()), ax, k <= 0 ? len : checkK(a, k, len));
    }

    private static long checkK(Attrs a, long k, long n) {
        if (k > n) throw ShapeRules.error(a, "k=" + k + " exceeds the " + n + " elements along the sorted axis");
        return k;
    }
}
