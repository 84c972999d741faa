package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.op.DType;
import dev.mxj.op.OperatorException;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static dev.mxj.device.conformance.cases.ShapeCaseSupport.dims;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.err;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.f32;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.fwd;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.params;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.secondOrder;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.seq;

/**
 * Cases of UpSampling, BilinearSampler, GridGenerator and ROIPooling: MXNet's documented
 * examples, hand-computed values, and references written here from each operator's definition.
 */
final class SamplingCases {
    private SamplingCases() {}

    static void add(List<OpCase> c) {
        upSampling(c);
        bilinearSampler(c);
        gridGenerator(c);
        roiPooling(c);
    }

    private static HostArray rand(long seed, double lo, double hi, long... dims) {
        return HostArray.random(Shape.of(dims), DType.FLOAT32, lo, hi, new SplittableRandom(seed));
    }

    // ------------------------------------------------------------------ UpSampling

    private static void upSampling(List<OpCase> c) {
        c.add(fwd("UpSampling", "scale=2; sample_type=nearest", f32(dims(1, 1, 1, 2), 1, 2))
                .expectValues(Shape.of(1, 1, 2, 4), 1, 1, 2, 2, 1, 1, 2, 2));
        // concat: arg0 (1x2) upsampled by 2, arg1 already 2x4
        c.add(fwd("UpSampling", "scale=2; sample_type=nearest; num_args=2", f32(dims(1, 1, 1, 2), 1, 2), seq(1, 1, 2, 4))
                .expectValues(Shape.of(1, 2, 2, 4), 1, 1, 2, 2, 1, 1, 2, 2, 0, 1, 2, 3, 4, 5, 6, 7));
        c.add(fwd("UpSampling", "scale=2; sample_type=nearest; num_args=2; multi_input_mode=sum", f32(dims(1, 1, 1, 1), 3), f32(dims(1, 1, 2, 2), 1, 2, 3, 4))
                .expectValues(Shape.of(1, 1, 2, 2), 4, 5, 6, 7));
        // MXNet's documented bilinear example: 3x3 ones, 4x4 kernel of ones, scale 2
        HostArray ones = HostArray.f32(Shape.of(1, 1, 3, 3), 1, 1, 1, 1, 1, 1, 1, 1, 1);
        double[] w16 = new double[16];
        Arrays.fill(w16, 1);
        c.add(fwd("UpSampling", "scale=2; sample_type=bilinear; num_filter=1", ones, HostArray.f32(Shape.of(1, 1, 4, 4), w16))
                .expectValues(Shape.of(1, 1, 6, 6), 1, 2, 2, 2, 2, 1, 2, 4, 4, 4, 4, 2, 2, 4, 4, 4, 4, 2, 2, 4, 4, 4, 4, 2, 2, 4, 4, 4, 4, 2, 1, 2, 2, 2, 2, 1));
        for (int scale : new int[] {2, 3}) {
            int k = 2 * scale - scale % 2, p = scale / 2;
            HostArray x = rand(40 + scale, -1, 1, 2, 3, 3, 2), w = rand(50 + scale, -1, 1, 3, 1, k, k);
            c.add(fwd("UpSampling", "scale=" + scale + "; sample_type=bilinear; num_filter=3", x, w)
                    .expect(ConvReference.deconv(x, w, null, new long[] {k, k}, new long[] {scale, scale}, new long[] {1, 1},
                            new long[] {p, p}, new long[] {0, 0}, 3)).tol(1e-5, 1e-6));
        }

        c.add(err("UpSampling", "scale=2; sample_type=nearest; num_args=2", ShapeException.class, "does not divide the output size",
                rand(1, -1, 1, 1, 1, 2, 2), rand(2, -1, 1, 1, 1, 3, 3)));
        c.add(err("UpSampling", "scale=2; sample_type=nearest; num_args=2; multi_input_mode=sum", ShapeException.class,
                "number of channels must be the same", rand(1, -1, 1, 1, 1, 2, 2), rand(2, -1, 1, 1, 2, 2, 2)));
        c.add(err("UpSampling", "scale=2; sample_type=bilinear; num_filter=2", ShapeException.class, "num_filter equal to the number of channels",
                rand(1, -1, 1, 1, 1, 2, 2), rand(2, -1, 1, 1, 1, 4, 4)));
        c.add(err("UpSampling", "scale=0; sample_type=nearest", OperatorException.class, "scale", rand(1, -1, 1, 1, 1, 2, 2)));

        c.add(params(OpCase.forward("UpSampling"), "scale=2; sample_type=nearest").randomInput(1, 2, 2, 3).gradCheck());
        c.add(secondOrder(params(OpCase.forward("UpSampling"), "scale=2; sample_type=nearest").randomInput(1, 2, 2, 3).gradCheck()));
        c.add(params(OpCase.forward("UpSampling"), "scale=2; sample_type=nearest; num_args=2").randomInput(1, 1, 1, 2).randomInput(1, 2, 2, 4).gradCheck());
        c.add(secondOrder(params(OpCase.forward("UpSampling"), "scale=2; sample_type=nearest; num_args=2").randomInput(1, 1, 1, 2).randomInput(1, 2, 2, 4).gradCheck()));
        c.add(params(OpCase.forward("UpSampling"), "scale=3; sample_type=nearest; num_args=2; multi_input_mode=sum")
                .randomInput(1, 1, 1, 1).randomInput(1, 1, 3, 3).gradCheck());
        c.add(params(OpCase.forward("UpSampling"), "scale=2; sample_type=bilinear; num_filter=2").randomInput(1, 2, 2, 2).randomInput(2, 1, 4, 4).gradCheck());
        c.add(secondOrder(params(OpCase.forward("UpSampling"), "scale=2; sample_type=bilinear; num_filter=2").randomInput(1, 2, 2, 2).randomInput(2, 1, 4, 4).gradCheck()));
    }

    // ------------------------------------------------------------------ BilinearSampler

    /** Bilinear interpolation by its definition: sum of neighbours weighted by (1 - |dx|)(1 - |dy|), zero outside. */
    private static HostArray sample(HostArray data, HostArray grid) {
        long n = data.shape().dim(0), ch = data.shape().dim(1), ih = data.shape().dim(2), iw = data.shape().dim(3);
        long oh = grid.shape().dim(2), ow = grid.shape().dim(3);
        double[] out = new double[(int) (n * ch * oh * ow)];
        for (long b = 0; b < n; b++) {
            for (long c = 0; c < ch; c++) {
                for (long i = 0; i < oh; i++) {
                    for (long j = 0; j < ow; j++) {
                        double xs = (grid.get((int) (((b * 2) * oh + i) * ow + j)) + 1) * (iw - 1) / 2;
                        double ys = (grid.get((int) (((b * 2 + 1) * oh + i) * ow + j)) + 1) * (ih - 1) / 2;
                        double v = 0;
                        for (long y = (long) Math.floor(ys); y <= Math.floor(ys) + 1; y++) {
                            for (long x = (long) Math.floor(xs); x <= Math.floor(xs) + 1; x++) {
                                if (y < 0 || y >= ih || x < 0 || x >= iw) continue;
                                v += data.get((int) (((b * ch + c) * ih + y) * iw + x)) * (1 - Math.abs(xs - x)) * (1 - Math.abs(ys - y));
                            }
                        }
                        out[(int) (((b * ch + c) * oh + i) * ow + j)] = HostArray.quantize(data.dtype(), v);
                    }
                }
            }
        }
        return new HostArray(Shape.of(n, ch, oh, ow), data.dtype(), out);
    }

    private static void bilinearSampler(List<OpCase> c) {
        // MXNet's documented example: zoom out twice (the affine grid [[2, 0, 0], [0, 2, 0]] over 4x4)
        HostArray data = f32(dims(1, 1, 4, 4), 1, 4, 3, 6, 1, 8, 8, 9, 0, 4, 1, 5, 1, 0, 1, 3);
        double t = 2.0 / 3;
        double[] g = new double[32];
        double[] axis = {-2, -t, t, 2};
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                g[i * 4 + j] = axis[j];
                g[16 + i * 4 + j] = axis[i];
            }
        }
        c.add(fwd("BilinearSampler", "", data, HostArray.f32(Shape.of(1, 2, 4, 4), g))
                .expectValues(Shape.of(1, 1, 4, 4), 0, 0, 0, 0, 0, 3.5, 6.5, 0, 0, 1.25, 2.5, 0, 0, 0, 0, 0).tol(1e-5, 1e-5));
        HostArray x = rand(61, -1, 1, 2, 3, 4, 5), grid = rand(62, -1.2, 1.2, 2, 2, 3, 4);
        c.add(fwd("BilinearSampler", "", x, grid).expect(sample(x, grid)).tol(1e-5, 1e-6));
        HostArray xd = x.astype(DType.FLOAT64), gd = grid.astype(DType.FLOAT64);
        c.add(fwd("BilinearSampler", "", xd, gd).expect(sample(xd, gd)).tol(1e-12, 1e-12));

        c.add(err("BilinearSampler", "", ShapeException.class, "grid should be 4D in batch-2-y-x", rand(1, -1, 1, 1, 1, 3, 3), rand(2, -1, 1, 1, 3, 2, 2)));
        c.add(err("BilinearSampler", "", ShapeException.class, "differs from data batch", rand(1, -1, 1, 2, 1, 3, 3), rand(2, -1, 1, 1, 2, 2, 2)));

        c.add(OpCase.forward("BilinearSampler").input(rand(63, -1, 1, 1, 2, 3, 3)).input(rand(64, -0.9, 0.9, 1, 2, 2, 3)).gradCheck());
        c.add(OpCase.forward("BilinearSampler").input(rand(65, -1, 1, 2, 1, 3, 4)).input(rand(66, -1.3, 1.3, 2, 2, 2, 2)).gradCheck());
    }

    // ------------------------------------------------------------------ GridGenerator

    private static HostArray affineGrid(HostArray theta, long h, long w) {
        long n = theta.shape().dim(0);
        double[] out = new double[(int) (n * 2 * h * w)];
        for (long b = 0; b < n; b++) {
            for (long i = 0; i < h; i++) {
                for (long j = 0; j < w; j++) {
                    double xt = -1 + 2.0 * j / (w - 1), yt = -1 + 2.0 * i / (h - 1);
                    for (int r = 0; r < 2; r++) {
                        double v = theta.get((int) (b * 6 + r * 3)) * xt + theta.get((int) (b * 6 + r * 3 + 1)) * yt + theta.get((int) (b * 6 + r * 3 + 2));
                        out[(int) (((b * 2 + r) * h + i) * w + j)] = HostArray.quantize(theta.dtype(), v);
                    }
                }
            }
        }
        return new HostArray(Shape.of(n, 2, h, w), theta.dtype(), out);
    }

    private static void gridGenerator(List<OpCase> c) {
        c.add(fwd("GridGenerator", "transform_type=affine; target_shape=(2, 3)", f32(dims(1, 6), 1, 0, 0, 0, 1, 0))
                .expectValues(Shape.of(1, 2, 2, 3), -1, 0, 1, -1, 0, 1, -1, -1, -1, 1, 1, 1));
        // warp with zero flow is the identity grid; a flow of one pixel shifts by 2/(size-1)
        c.add(fwd("GridGenerator", "transform_type=warp", f32(dims(1, 2, 2, 3), 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1))
                .expectValues(Shape.of(1, 2, 2, 3), -1, 0, 1, -1, 0, 1, 1, 1, 1, 3, 3, 3));
        HostArray theta = rand(71, -1, 1, 2, 6);
        c.add(fwd("GridGenerator", "transform_type=affine; target_shape=(3, 4)", theta).expect(affineGrid(theta, 3, 4)).tol(1e-5, 1e-6));

        c.add(err("GridGenerator", "transform_type=affine", ShapeException.class, "target_shape (H, W) with positive sizes", rand(1, -1, 1, 1, 6)));
        c.add(err("GridGenerator", "transform_type=affine; target_shape=(2, 2)", ShapeException.class, "2D (batch, 6)", rand(1, -1, 1, 1, 4)));
        c.add(err("GridGenerator", "transform_type=warp", ShapeException.class, "optical flow, 4D (batch, 2, y, x)", rand(1, -1, 1, 1, 3, 2, 2)));

        c.add(params(OpCase.forward("GridGenerator"), "transform_type=affine; target_shape=(3, 4)").randomInput(2, 6).gradCheck());
        c.add(params(OpCase.forward("GridGenerator"), "transform_type=warp").randomInput(1, 2, 3, 4).gradCheck());
    }

    // ------------------------------------------------------------------ ROIPooling

    /** ROI max pooling by its definition (integer-exact geometry for the sizes used here). */
    private static HostArray roiPool(HostArray data, HostArray rois, long ph, long pw, double scale) {
        long n = data.shape().dim(0), ch = data.shape().dim(1), h = data.shape().dim(2), w = data.shape().dim(3), r = rois.shape().dim(0);
        double[] out = new double[(int) (r * ch * ph * pw)];
        int o = 0;
        for (long k = 0; k < r; k++) {
            long b = (long) rois.get((int) (k * 5));
            long[] q = new long[5];
            for (int i = 1; i < 5; i++) {
                double v = rois.get((int) (k * 5 + i)) * scale;
                q[i] = v < 0 ? -Math.round(-v) : Math.round(v);
            }
            long rh = Math.max(q[4] - q[2] + 1, 1), rw = Math.max(q[3] - q[1] + 1, 1);
            for (long c = 0; c < ch; c++) {
                for (long i = 0; i < ph; i++) {
                    for (long j = 0; j < pw; j++) {
                        long y0 = Math.min(Math.max((long) Math.floor((double) i * rh / ph) + q[2], 0), h);
                        long y1 = Math.min(Math.max((long) Math.ceil((double) (i + 1) * rh / ph) + q[2], 0), h);
                        long x0 = Math.min(Math.max((long) Math.floor((double) j * rw / pw) + q[1], 0), w);
                        long x1 = Math.min(Math.max((long) Math.ceil((double) (j + 1) * rw / pw) + q[1], 0), w);
                        double best = 0;
                        if (b >= 0 && b < n && y1 > y0 && x1 > x0) {
                            best = Double.NEGATIVE_INFINITY;
                            for (long y = y0; y < y1; y++) {
                                for (long x = x0; x < x1; x++) best = Math.max(best, data.get((int) (((b * ch + c) * h + y) * w + x)));
                            }
                        }
                        out[o++] = best;
                    }
                }
            }
        }
        return new HostArray(Shape.of(r, ch, ph, pw), data.dtype(), out);
    }

    private static void roiPooling(List<OpCase> c) {
        HostArray x = seq(1, 1, 8, 6);
        HostArray roi = f32(dims(1, 5), 0, 0, 0, 4, 4);
        c.add(fwd("ROIPooling", "pooled_size=(2, 2); spatial_scale=1.0", x, roi).expectValues(Shape.of(1, 1, 2, 2), 14, 16, 26, 28));
        c.add(fwd("_npx_roi_pooling", "pooled_size=(2, 2); spatial_scale=0.7", x, roi).expectValues(Shape.of(1, 1, 2, 2), 7, 9, 19, 21));
        // several images and channels; a ROI with an invalid batch index and a malformed (x2 < x1) one
        HostArray data = rand(81, -1, 1, 2, 3, 6, 7);
        HostArray rois = f32(dims(4, 5), 1, 1, 0, 5, 4, 0, 0, 2, 6, 5, 5, 0, 0, 3, 3, 1, 4, 4, 2, 2);
        c.add(fwd("ROIPooling", "pooled_size=(2, 3); spatial_scale=1.0", data, rois).expect(roiPool(data, rois, 2, 3, 1.0)));
        HostArray rois2 = f32(dims(2, 5), 0, 2, 2, 10, 10, 1, 0, 4, 12, 8);
        c.add(fwd("ROIPooling", "pooled_size=(3, 2); spatial_scale=0.5", data, rois2).expect(roiPool(data, rois2, 3, 2, 0.5)));

        c.add(err("ROIPooling", "pooled_size=(2, 2); spatial_scale=1.0", ShapeException.class, "rois should be a 2D tensor of shape (num_rois, 5)",
                rand(1, -1, 1, 1, 1, 4, 4), f32(dims(1, 4), 0, 0, 2, 2)));
        c.add(err("ROIPooling", "pooled_size=(2, 2, 2); spatial_scale=1.0", ShapeException.class, "pooled_size must be (h, w)",
                rand(1, -1, 1, 1, 1, 4, 4), roi));
        c.add(err("ROIPooling", "pooled_size=(2, 2); spatial_scale=2", OperatorException.class, "spatial_scale", rand(1, -1, 1, 1, 1, 4, 4), roi));

        c.add(OpCase.forward("ROIPooling").param("pooled_size", "(2, 2)").param("spatial_scale", 1.0)
                .input(rand(82, -1, 1, 2, 2, 4, 5)).input(f32(dims(2, 5), 0, 0, 0, 3, 3, 1, 1, 1, 4, 3)).noGrad(1).gradCheck());
    }
}
