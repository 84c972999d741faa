package dev.mxj.op;

import java.util.Arrays;

/**
 * An immutable array shape. A dimension of {@link #UNKNOWN_DIM} (-1) is not yet known during
 * partial shape inference; {@link #unknown()} is a shape whose rank is not known either.
 * Scalars have rank 0 and size 1.
 */
public final class Shape {
    public static final int UNKNOWN_DIM = -1;
    private static final Shape UNKNOWN = new Shape(null);
    private static final Shape SCALAR = new Shape(new long[0]);

    private final long[] dims;

    private Shape(long[] dims) { this.dims = dims; }

    public static Shape of(long... dims) {
        for (long d : dims) if (d < UNKNOWN_DIM) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(dims));
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    public static Shape of(int... dims) {
        long[] l = new long[dims.length];
        for (int i = 0; i < dims.length; i++) l[i] = dims[i];
        return of(l);
    }

    public static Shape scalar() { return SCALAR; }

    /** A shape with unknown rank. */
    public static Shape unknown() { return UNKNOWN; }

    /** A shape of the given rank with every dimension unknown. */
    public static Shape unknownDims(int ndim) {
        long[] d = new long[ndim];
        Arrays.fill(d, UNKNOWN_DIM);
        return new Shape(d);
    }

    public boolean isRankKnown() { return dims != null; }

    /** True when rank and every dimension are known. */
    public boolean isKnown() {
        if (dims == null) return false;
        for (long d : dims) if (d == UNKNOWN_DIM) return false;
        return true;
    }

    public int ndim() {
        if (dims == null) throw new IllegalStateException("rank of an unknown shape");
        return dims.length;
    }

    /** Dimension {@code i}; negative {@code i} counts from the end. */
    public long dim(int i) {
        int n = ndim();
        int k = i < 0 ? i + n : i;
        if (k < 0 || k >= n) throw new IndexOutOfBoundsException("axis " + i + " out of range for shape " + this);
        return dims[k];
    }

    public int dimInt(int i) { return Math.toIntExact(dim(i)); }

    /** Number of elements (1 for scalars). Throws if not fully known. */
    public long size() {
        if (!isKnown()) throw new IllegalStateException("size of a partially known shape " + this);
        long s = 1;
        for (long d : dims) s = Math.multiplyExact(s, d);
        return s;
    }

    public long[] dims() {
        if (dims == null) throw new IllegalStateException("dims of an unknown shape");
        return dims.clone();
    }

    public int[] dimsInt() {
        long[] d = dims();
        int[] r = new int[d.length];
        for (int i = 0; i < d.length; i++) r[i] = Math.toIntExact(d[i]);
        return r;
    }

    /** Row-major strides in elements. */
    public long[] strides() {
        long[] d = dims();
        long[] s = new long[d.length];
        long acc = 1;
        for (int i = d.length - 1; i >= 0; i--) { s[i] = acc; acc *= Math.max(d[i], 0); }
        return s;
    }

    public Shape withDim(int axis, long value) {
        long[] d = dims();
        d[axis < 0 ? axis + d.length : axis] = value;
        return new Shape(d);
    }

    /** Product of dimensions in [from, to). */
    public long prod(int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) p *= dims[i];
        return p;
    }

    /** Normalise an axis that may be negative; fails with a clear message when out of range. */
    public int axis(int axis) {
        int n = ndim();
        int a = axis < 0 ? axis + n : axis;
        if (a < 0 || a >= n) throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + this);
        return a;
    }

    /**
     * Merge two partial descriptions of the same shape: unknown parts are filled from the
     * other. Returns null when they conflict.
     */
    public static Shape merge(Shape a, Shape b) {
        if (a == null || !a.isRankKnown()) return b == null ? a : b;
        if (b == null || !b.isRankKnown()) return a;
        if (a.dims.length != b.dims.length) return null;
        long[] r = new long[a.dims.length];
        for (int i = 0; i < r.length; i++) {
            long x = a.dims[i], y = b.dims[i];
            if (x == UNKNOWN_DIM) r[i] = y;
            else if (y == UNKNOWN_DIM || x == y) r[i] = x;
            else return null;
        }
        return new Shape(r);
    }

    /** Parse MXNet's tuple form: "(2, 3)", "[2,3]", "2", "()", with "None" or -1 as unknown. */
    public static Shape parse(String s) {
        long[] v = Tuples.parseLongs(s, true);
        return of(v);
    }

    @Override public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override public int hashCode() { return Arrays.hashCode(dims); }

    /** MXNet's printed form: "(2, 3)", "(5,)", "()"; "None" when the rank is unknown. */
    @Override public String toString() {
        if (dims == null) return "None";
        if (dims.length == 1) return "(" + fmt(dims[0]) + ",)";
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) { if (i > 0) sb.append(", "); sb.append(fmt(dims[i])); }
        return sb.append(')').toString();
    }

    private static String fmt(long d) { return d == UNKNOWN_DIM ? "None" : Long.toString(d); }
}
