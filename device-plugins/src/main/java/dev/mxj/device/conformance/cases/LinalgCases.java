package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;
import dev.mxj.op.TypeException;

import java.util.ArrayList;
import java.util.List;

/**
 * Cases of dot and batch_dot: every transpose combination, MXNet's N-d and vector forms,
 * float64, float16 and integer inputs (the Java GEMM), a matrix large enough for the BLAS path
 * to block, shape errors, and gradient checks of every combination. Expected values come from a
 * plain triple loop written here.
 */
public final class LinalgCases {
    private LinalgCases() {}

    /** Deterministic small values of both signs. */
    private static double[] ramp(int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = ((i * 5) % 11 - 5) * scale;
        return v;
    }

    private static final boolean[] TF = {false, true};

    public static List<OpCase> cases() {
        List<OpCase> c = new ArrayList<>();
        int m = 2, k = 3, n = 4;
        for (boolean ta : TF) {
            for (boolean tb : TF) {
                // stored shapes: lhs (m, k) or (k, m); rhs (k, n) or (n, k)
                Shape ls = ta ? Shape.of(k, m) : Shape.of(m, k), rs = tb ? Shape.of(n, k) : Shape.of(k, n);
                double[] a = ramp(m * k, 0.5), b = ramp(k * n, 0.25);
                double[] want = RefMath.matmul(m, n, k, (i, p) -> ta ? a[p * m + i] : a[i * k + p], (p, j) -> tb ? b[j * k + p] : b[p * n + j]);
                String label = "ta=" + ta + " tb=" + tb;
                c.add(OpCase.forward("dot").label(label).param("transpose_a", ta).param("transpose_b", tb)
                        .input(HostArray.f32(ls, a)).input(HostArray.f32(rs, b)).expect(HostArray.of(Shape.of(m, n), DType.FLOAT32, want)));
                c.add(OpCase.forward("dot").label(label + " grad").param("transpose_a", ta).param("transpose_b", tb)
                        .randomInput(ls, DType.FLOAT32, -1, 1).randomInput(rs, DType.FLOAT32, -1, 1).gradCheck());
                c.add(OpCase.forward("_backward_dot").label(label + " second order").param("transpose_a", ta).param("transpose_b", tb)
                        .randomInput(m, n).randomInput(ls, DType.FLOAT32, -1, 1).randomInput(rs, DType.FLOAT32, -1, 1).gradCheck());

                // batch_dot: batch of 2
                Shape bl = ta ? Shape.of(2, k, m) : Shape.of(2, m, k), br = tb ? Shape.of(2, n, k) : Shape.of(2, k, n);
                double[] ba = ramp(2 * m * k, 0.5), bb = ramp(2 * k * n, 0.25);
                double[] bw = new double[2 * m * n];
                for (int q = 0; q < 2; q++) {
                    int qa = q * m * k, qb = q * k * n;
                    double[] w = RefMath.matmul(m, n, k, (i, p) -> ta ? ba[qa + p * m + i] : ba[qa + i * k + p], (p, j) -> tb ? bb[qb + j * k + p] : bb[qb + p * n + j]);
                    System.arraycopy(w, 0, bw, q * m * n, m * n);
                }
                c.add(OpCase.forward("batch_dot").label(label).param("transpose_a", ta).param("transpose_b", tb)
                        .input(HostArray.f32(bl, ba)).input(HostArray.f32(br, bb)).expect(HostArray.of(Shape.of(2, m, n), DType.FLOAT32, bw)));
                c.add(OpCase.forward("batch_dot").label(label + " grad").param("transpose_a", ta).param("transpose_b", tb)
                        .randomInput(bl, DType.FLOAT32, -1, 1).randomInput(br, DType.FLOAT32, -1, 1).gradCheck());
            }
        }
        nd(c);
        dtypes(c);
        errors(c);
        return c;
    }

    /** MXNet's N-d and vector forms. */
    private static void nd(List<OpCase> c) {
        c.add(OpCase.forward("dot").label("vector . vector").input(Shape.of(3), 1, 2, 3).input(Shape.of(3), 4, -5, 6).expectValues(Shape.of(1), 12));
        c.add(OpCase.forward("dot").label("vector . matrix").input(Shape.of(2), 1, -1).input(Shape.of(2, 3), 1, 2, 3, 4, 5, 6).expectValues(Shape.of(3), -3, -3, -3));
        c.add(OpCase.forward("dot").label("matrix . vector").input(Shape.of(2, 3), 1, 2, 3, 4, 5, 6).input(Shape.of(3), 1, 0, -1).expectValues(Shape.of(2), -2, -2));
        // (2, 3, 2) . (2, 2, 2): contract lhs's last axis with rhs's first, output (2, 3, 2, 2)
        double[] a = ramp(12, 1), b = ramp(8, 1);
        double[] want = RefMath.matmul(6, 4, 2, (i, p) -> a[i * 2 + p], (p, j) -> b[p * 4 + j]);
        c.add(OpCase.forward("dot").label("N-d").input(HostArray.f32(Shape.of(2, 3, 2), a)).input(HostArray.f32(Shape.of(2, 2, 2), b))
                .expect(HostArray.of(Shape.of(2, 3, 2, 2), DType.FLOAT32, want)));
        // transpose_a on N-d: lhs (k, rest...) = (2, 3, 2) contracted on its first axis
        double[] wantT = RefMath.matmul(6, 4, 2, (i, p) -> a[p * 6 + i], (p, j) -> b[p * 4 + j]);
        c.add(OpCase.forward("dot").label("N-d transpose_a").param("transpose_a", true).input(HostArray.f32(Shape.of(2, 3, 2), a))
                .input(HostArray.f32(Shape.of(2, 2, 2), b)).expect(HostArray.of(Shape.of(3, 2, 2, 2), DType.FLOAT32, wantT)));
        c.add(OpCase.forward("dot").label("N-d grad").randomInput(2, 3, 2).randomInput(2, 2, 2).gradCheck());
        c.add(OpCase.forward("dot").label("N-d transpose_b grad").param("transpose_b", true).randomInput(2, 3, 2).randomInput(2, 1, 2).gradCheck());
        c.add(OpCase.forward("dot").label("vector grad").randomInput(3).randomInput(3, 2).gradCheck());
        c.add(OpCase.forward("dot").label("vector . vector grad").randomInput(4).randomInput(4).gradCheck());
        c.add(OpCase.forward("_backward_dot").label("N-d second order").randomInput(2, 3, 2, 2).randomInput(2, 3, 2).randomInput(2, 2, 2).gradCheck());
        c.add(OpCase.forward("_backward_dot").label("vector . vector second order").randomInput(1).randomInput(4).randomInput(4).gradCheck());
        c.add(OpCase.forward("batch_dot").label("4-D").input(HostArray.f32(Shape.of(2, 1, 1, 2), 1, 2, 3, 4)).input(HostArray.f32(Shape.of(2, 1, 2, 1), 5, 6, 7, 8))
                .expectValues(Shape.of(2, 1, 1, 1), 17, 53));
    }

    private static void dtypes(List<OpCase> c) {
        int m = 37, k = 29, n = 41; // odd sizes, through BLAS with its edge handling
        double[] a = ramp(m * k, 0.125), b = ramp(k * n, 0.5);
        double[] want = RefMath.matmul(m, n, k, (i, p) -> a[i * k + p], (p, j) -> b[p * n + j]);
        c.add(OpCase.forward("dot").label("37x29x41").input(HostArray.f32(Shape.of(m, k), a)).input(HostArray.f32(Shape.of(k, n), b))
                .expect(HostArray.of(Shape.of(m, n), DType.FLOAT32, want)).tol(1e-5, 1e-5));
        c.add(OpCase.forward("dot").label("float64").input(HostArray.of(Shape.of(m, k), DType.FLOAT64, a)).input(HostArray.of(Shape.of(k, n), DType.FLOAT64, b))
                .expect(HostArray.of(Shape.of(m, n), DType.FLOAT64, want)).tol(1e-12, 1e-12));
        c.add(OpCase.forward("dot").label("float16, Java GEMM").input(HostArray.of(Shape.of(m, k), DType.FLOAT16, a)).input(HostArray.of(Shape.of(k, n), DType.FLOAT16, b))
                .expect(HostArray.of(Shape.of(m, n), DType.FLOAT16, RefMath.quantize(DType.FLOAT16, want))).tol(2e-3, 1e-2));
        double[] ai = {1, -2, 3, 4, 5, -6}, bi = {7, 8, -9, 10, 11, 12};
        double[] wi = RefMath.matmul(2, 2, 3, (i, p) -> ai[i * 3 + p], (p, j) -> bi[j * 3 + p]);
        c.add(OpCase.forward("dot").label("int32, Java GEMM").param("transpose_b", true).input(HostArray.of(Shape.of(2, 3), DType.INT32, ai))
                .input(HostArray.of(Shape.of(2, 3), DType.INT32, bi)).expect(HostArray.of(Shape.of(2, 2), DType.INT32, wi)));
        c.add(OpCase.forward("batch_dot").label("int64, Java GEMM").input(HostArray.of(Shape.of(1, 2, 3), DType.INT64, ai))
                .input(HostArray.of(Shape.of(1, 3, 2), DType.INT64, bi)).expect(HostArray.of(Shape.of(1, 2, 2), DType.INT64,
                        RefMath.matmul(2, 2, 3, (i, p) -> ai[i * 3 + p], (p, j) -> bi[p * 2 + j]))));
        c.add(OpCase.forward("batch_dot").label("float64 grad").input(HostArray.of(Shape.of(3, 2, 2), DType.FLOAT64, ramp(12, 0.3)))
                .input(HostArray.of(Shape.of(3, 2, 1), DType.FLOAT64, ramp(6, 0.7))).gradCheck());
    }

    private static void errors(List<OpCase> c) {
        c.add(OpCase.error("dot").randomInput(2, 3).randomInput(4, 5).fails(ShapeException.class, "dot shape error"));
        c.add(OpCase.error("dot").label("transposed vector").param("transpose_a", true).randomInput(3).randomInput(3).fails(ShapeException.class, "transpose"));
        c.add(OpCase.error("dot").label("dtype mismatch").randomInput(2, 3).input(HostArray.of(Shape.of(3, 2), DType.FLOAT64, new double[6]))
                .fails(TypeException.class, "dtype"));
        c.add(OpCase.error("batch_dot").randomInput(2, 3).randomInput(3, 2).fails(ShapeException.class, "N >= 3"));
        c.add(OpCase.error("batch_dot").label("batch mismatch").randomInput(2, 2, 3).randomInput(3, 3, 2).fails(ShapeException.class, "batch"));
        c.add(OpCase.error("batch_dot").label("inner mismatch").randomInput(2, 2, 3).randomInput(2, 4, 2).fails(ShapeException.class, "shape mismatch"));
    }
}
