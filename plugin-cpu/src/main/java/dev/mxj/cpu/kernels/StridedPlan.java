package dev.mxj.cpu.kernels;

import dev.mxj.op.Shape;

import java.util.Arrays;

/**
 * Iteration plan for element-wise work with NumPy-style broadcasting: the output index space
 * compacted (size-1 dimensions dropped, neighbours merged where every operand is contiguous or
 * broadcast across both), walked as rows of the innermost dimension. In a row every operand
 * has stride 1 or 0, so rows map onto plain vector loops; a same-shape operation is one row.
 */
final class StridedPlan {
    /** One row: output elements [outOff, outOff + len), operand k starting at offs[k] with stride {@link #innerStride}(k). */
    @FunctionalInterface
    interface Row {
        void run(long outOff, long[] offs, int len);
    }

    final long[] dims;
    /** strides[k][d]: element stride of operand k along compacted dimension d (0 when broadcast). */
    final long[][] strides;
    final long size;

    private StridedPlan(long[] dims, long[][] strides, long size) {
        this.dims = dims;
        this.strides = strides;
        this.size = size;
    }

    /** Plan for an output of shape {@code out} reading operands of shapes {@code ins}, each broadcastable to it (right-aligned). */
    static StridedPlan of(Shape out, Shape... ins) {
        long[] od = out.dims();
        int n = od.length;
        long[][] st = new long[ins.length][n];
        for (int k = 0; k < ins.length; k++) {
            long[] d = ins[k].dims();
            int off = n - d.length;
            long acc = 1;
            for (int i = d.length - 1; i >= 0; i--) {
                if (d[i] != 1) st[k][i + off] = acc;
                else if (od[i + off] != 1) st[k][i + off] = 0;
                acc *= d[i];
            }
        }
        // drop size-1 dims, then merge an outer dim into its inner neighbour where contiguous for all
        long[] dims = new long[Math.max(n, 1)];
        long[][] s = new long[ins.length][Math.max(n, 1)];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (od[i] == 1) continue;
            if (m > 0 && mergeable(st, i, s, m - 1, od[i])) {
                dims[m - 1] *= od[i];
                for (int k = 0; k < ins.length; k++) s[k][m - 1] = st[k][i];
                continue;
            }
            dims[m] = od[i];
            for (int k = 0; k < ins.length; k++) s[k][m] = st[k][i];
            m++;
        }
        if (m == 0) {
            dims[0] = 1; // a single element: one row of length 1, every stride 0
            m = 1;
        }
        long[] fd = Arrays.copyOf(dims, m);
        long[][] fs = new long[ins.length][];
        for (int k = 0; k < ins.length; k++) fs[k] = Arrays.copyOf(s[k], m);
        return new StridedPlan(fd, fs, out.size());
    }

    /** Outer compacted dim j (stride s[k][j]) merges with original dim i of size d if s[k][j] == st[k][i] * d for every operand. */
    private static boolean mergeable(long[][] st, int i, long[][] s, int j, long d) {
        for (int k = 0; k < st.length; k++) if (s[k][j] != st[k][i] * d) return false;
        return true;
    }

    int operands() { return strides.length; }

    long innerStride(int k) { return strides[k][dims.length - 1]; }

    /** True when every operand covers the output one-to-one (a single contiguous row). */
    boolean isSameShape() {
        if (dims.length != 1) return false;
        for (long[] s : strides) if (s[0] != 1) return false;
        return true;
    }

    /** Walk output elements [from, to) as rows no longer than {@code maxLen}. {@code offs} is reused: read it, don't keep it. */
    void rows(long from, long to, int maxLen, Row body) {
        int nd = dims.length, ops = strides.length;
        long[] idx = new long[nd];
        long[] offs = new long[ops];
        long rem = from;
        for (int d = nd - 1; d >= 0; d--) {
            idx[d] = rem % dims[d];
            rem /= dims[d];
            for (int k = 0; k < ops; k++) offs[k] += idx[d] * strides[k][d];
        }
        long inner = dims[nd - 1];
        long i = from;
        while (i < to) {
            int len = (int) Math.min(Math.min(inner - idx[nd - 1], to - i), maxLen);
            body.run(i, offs, len);
            i += len;
            if (i >= to) break;
            idx[nd - 1] += len;
            for (int k = 0; k < ops; k++) offs[k] += len * strides[k][nd - 1];
            for (int d = nd - 1; d > 0 && idx[d] == dims[d]; d--) {
                idx[d] = 0;
                idx[d - 1]++;
                for (int k = 0; k < ops; k++) offs[k] += strides[k][d - 1] - dims[d] * strides[k][d];
            }
        }
    }
}
