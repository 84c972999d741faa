package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;

/**
 * Direct, loop-by-definition references for the convolution family's expected values, written
 * independently of the kernels under test (no im2col, no GEMM, no shared geometry code): every
 * output element is summed from its definition in double precision. Spatial axes are padded to
 * three (leading size-1 axes) so one loop nest serves 1-D, 2-D and 3-D.
 */
final class ConvReference {
    private ConvReference() {}

    /** Spatial sizes of a (N, C, *spatial) shape padded to three dimensions. */
    static long[] spatial3(Shape s) {
        int nd = s.ndim() - 2;
        long[] r = {1, 1, 1};
        for (int i = 0; i < nd; i++) r[3 - nd + i] = s.dim(2 + i);
        return r;
    }

    static long[] pad3(long[] v, long fill) {
        long[] r = {fill, fill, fill};
        for (int i = 0; i < v.length; i++) r[3 - v.length + i] = v[i];
        return r;
    }

    static long[] withSpatial(long n, long c, long[] sp3, int nd) {
        long[] r = new long[nd + 2];
        r[0] = n;
        r[1] = c;
        for (int i = 0; i < nd; i++) r[2 + i] = sp3[3 - nd + i];
        return r;
    }

    /**
     * Convolution: y[n, f, o] = bias[f] + sum_{c in group(f), k} x[n, c, o*s - p + k*d] * w[f, c - c0, k].
     * The kernel, stride, dilate and pad arrays have one entry per spatial axis.
     */
    static HostArray conv(HostArray x, HostArray w, HostArray bias, long[] kernel, long[] stride, long[] dilate, long[] pad, int groups) {
        int nd = kernel.length;
        long n = x.shape().dim(0), c = x.shape().dim(1), f = w.shape().dim(0);
        long[] in = spatial3(x.shape()), k = pad3(kernel, 1), s = pad3(stride, 1), d = pad3(dilate, 1), p = pad3(pad, 0);
        long[] out = new long[3];
        for (int i = 0; i < 3; i++) out[i] = (in[i] + 2 * p[i] - (d[i] * (k[i] - 1) + 1)) / s[i] + 1;
        long cg = c / groups, fg = f / groups;
        Shape os = Shape.of(withSpatial(n, f, out, nd));
        double[] y = new double[Math.toIntExact(os.size())];
        int yi = 0;
        for (long b = 0; b < n; b++) {
            for (long fo = 0; fo < f; fo++) {
                long grp = fo / fg;
                for (long o0 = 0; o0 < out[0]; o0++) {
                    for (long o1 = 0; o1 < out[1]; o1++) {
                        for (long o2 = 0; o2 < out[2]; o2++) {
                            double acc = bias == null ? 0 : bias.get((int) fo);
                            for (long ci = 0; ci < cg; ci++) {
                                for (long k0 = 0; k0 < k[0]; k0++) {
                                    long i0 = o0 * s[0] - p[0] + k0 * d[0];
                                    if (i0 < 0 || i0 >= in[0]) continue;
                                    for (long k1 = 0; k1 < k[1]; k1++) {
                                        long i1 = o1 * s[1] - p[1] + k1 * d[1];
                                        if (i1 < 0 || i1 >= in[1]) continue;
                                        for (long k2 = 0; k2 < k[2]; k2++) {
                                            long i2 = o2 * s[2] - p[2] + k2 * d[2];
                                            if (i2 < 0 || i2 >= in[2]) continue;
                                            long xIdx = (((b * c + grp * cg + ci) * in[0] + i0) * in[1] + i1) * in[2] + i2;
                                            long wIdx = (((fo * cg + ci) * k[0] + k0) * k[1] + k1) * k[2] + k2;
                                            acc += x.get((int) xIdx) * w.get((int) wIdx);
                                        }
                                    }
                                }
                            }
                            y[yi++] = acc;
                        }
                    }
                }
            }
        }
        return new HostArray(os, x.dtype(), quantize(x, y));
    }

    /**
     * Deconvolution (transposed convolution) by scattering: every input element x[n, c, i] adds
     * x * w[c, f - f0, k] to y[n, f, i*s - p + k*d] for the filters f of c's group.
     */
    static HostArray deconv(HostArray x, HostArray w, HostArray bias, long[] kernel, long[] stride, long[] dilate, long[] pad, long[] adj,
                            int groups) {
        int nd = kernel.length;
        long n = x.shape().dim(0), c = x.shape().dim(1), fg = w.shape().dim(1), f = fg * groups, cg = c / groups;
        long[] in = spatial3(x.shape()), k = pad3(kernel, 1), s = pad3(stride, 1), d = pad3(dilate, 1), p = pad3(pad, 0), a = pad3(adj, 0);
        long[] out = new long[3];
        for (int i = 0; i < 3; i++) out[i] = s[i] * (in[i] - 1) + d[i] * (k[i] - 1) + 1 - 2 * p[i] + a[i];
        Shape os = Shape.of(withSpatial(n, f, out, nd));
        double[] y = new double[Math.toIntExact(os.size())];
        long outPlane = out[0] * out[1] * out[2];
        for (long b = 0; b < n; b++) {
            for (long fo = 0; fo < f; fo++) {
                double bv = bias == null ? 0 : bias.get((int) fo);
                for (long j = 0; j < outPlane; j++) y[(int) ((b * f + fo) * outPlane + j)] = bv;
            }
            for (long ci = 0; ci < c; ci++) {
                long grp = ci / cg;
                for (long i0 = 0; i0 < in[0]; i0++) {
                    for (long i1 = 0; i1 < in[1]; i1++) {
                        for (long i2 = 0; i2 < in[2]; i2++) {
                            double xv = x.get((int) ((((b * c + ci) * in[0] + i0) * in[1] + i1) * in[2] + i2));
                            for (long fi = 0; fi < fg; fi++) {
                                long fo = grp * fg + fi;
                                for (long k0 = 0; k0 < k[0]; k0++) {
                                    long o0 = i0 * s[0] - p[0] + k0 * d[0];
                                    if (o0 < 0 || o0 >= out[0]) continue;
                                    for (long k1 = 0; k1 < k[1]; k1++) {
                                        long o1 = i1 * s[1] - p[1] + k1 * d[1];
                                        if (o1 < 0 || o1 >= out[1]) continue;
                                        for (long k2 = 0; k2 < k[2]; k2++) {
                                            long o2 = i2 * s[2] - p[2] + k2 * d[2];
                                            if (o2 < 0 || o2 >= out[2]) continue;
                                            double wv = w.get((int) ((((ci * fg + fi) * k[0] + k0) * k[1] + k1) * k[2] + k2));
                                            y[(int) ((((b * f + fo) * out[0] + o0) * out[1] + o1) * out[2] + o2)] += xv * wv;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new HostArray(os, x.dtype(), quantize(x, y));
    }

    /**
     * Pooling of a channel-first (N, C, *spatial) array by definition. {@code convention} is
     * "valid", "full" or "same"; type "max", "avg", "sum" or "lp".
     */
    static HostArray pool(HostArray x, String type, long[] kernel, long[] stride, long[] pad, String convention, boolean countIncludePad, int pValue) {
        int nd = kernel.length;
        long n = x.shape().dim(0), c = x.shape().dim(1);
        long[] in = spatial3(x.shape()), k = pad3(kernel, 1), s = pad3(stride, 1), p = pad3(pad, 0);
        long[] out = new long[3];
        for (int i = 0; i < 3; i++) {
            double span = in[i] + 2 * p[i] - k[i];
            out[i] = switch (convention) {
                case "valid" -> (long) Math.floor(span / s[i]) + 1;
                case "full" -> (long) Math.ceil(span / s[i]) + 1;
                default -> (long) Math.ceil((double) (in[i] + 2 * p[i]) / s[i]);
            };
        }
        Shape os = Shape.of(withSpatial(n, c, out, nd));
        double[] y = new double[Math.toIntExact(os.size())];
        int yi = 0;
        for (long plane = 0; plane < n * c; plane++) {
            for (long o0 = 0; o0 < out[0]; o0++) {
                for (long o1 = 0; o1 < out[1]; o1++) {
                    for (long o2 = 0; o2 < out[2]; o2++) {
                        long[] o = {o0, o1, o2};
                        long[] lo = new long[3], hi = new long[3];
                        double count = 1, valid = 1;
                        for (int i = 0; i < 3; i++) {
                            long start = o[i] * s[i] - p[i];
                            long end = Math.min(start + k[i], in[i] + p[i]);
                            count *= end - start;
                            lo[i] = Math.max(start, 0);
                            hi[i] = Math.min(end, in[i]);
                            valid *= Math.max(0, hi[i] - lo[i]);
                        }
                        double lowest = x.dtype() == DType.FLOAT32 ? -Float.MAX_VALUE : -Double.MAX_VALUE;
                        double acc = type.equals("max") ? lowest : 0;
                        for (long i0 = lo[0]; i0 < hi[0]; i0++) {
                            for (long i1 = lo[1]; i1 < hi[1]; i1++) {
                                for (long i2 = lo[2]; i2 < hi[2]; i2++) {
                                    double v = x.get((int) (((plane * in[0] + i0) * in[1] + i1) * in[2] + i2));
                                    acc = switch (type) {
                                        case "max" -> Math.max(acc, v);
                                        case "lp" -> acc + Math.pow(v, pValue);
                                        default -> acc + v;
                                    };
                                }
                            }
                        }
                        y[yi++] = switch (type) {
                            case "avg" -> {
                                double div = countIncludePad ? count : valid;
                                yield div == 0 ? 0 : acc / div;
                            }
                            case "lp" -> pValue == 1 ? acc : pValue == 2 ? Math.sqrt(acc) : Math.cbrt(acc);
                            default -> acc;
                        };
                    }
                }
            }
        }
        return new HostArray(os, x.dtype(), quantize(x, y));
    }

    private static double[] quantize(HostArray like, double[] v) {
        for (int i = 0; i < v.length; i++) v[i] = HostArray.quantize(like.dtype(), v[i]);
        return v;
    }

    /** (N, C, *spatial) to (N, *spatial, C) when {@code toLast}, and back otherwise. */
    static HostArray moveChannel(HostArray a, boolean toLast) {
        long[] d = a.shape().dims();
        int r = d.length;
        long n = d[0], c = toLast ? d[1] : d[r - 1], sp = a.shape().size() / (n * c);
        long[] nd = d.clone();
        if (toLast) { System.arraycopy(d, 2, nd, 1, r - 2); nd[r - 1] = c; }
        else { nd[1] = c; System.arraycopy(d, 1, nd, 2, r - 2); }
        double[] v = new double[a.data().length];
        for (long b = 0; b < n; b++) {
            for (long ch = 0; ch < c; ch++) {
                for (long i = 0; i < sp; i++) {
                    long first = (b * c + ch) * sp + i, last = (b * sp + i) * c + ch;
                    if (toLast) v[(int) last] = a.get((int) first);
                    else v[(int) first] = a.get((int) last);
                }
            }
        }
        return new HostArray(Shape.of(nd), a.dtype(), v);
    }
}
