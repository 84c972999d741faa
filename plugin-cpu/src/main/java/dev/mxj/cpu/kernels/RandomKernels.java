package dev.mxj.cpu.kernels;

import dev.mxj.device.Elements;
import dev.mxj.device.Kernel;
import dev.mxj.device.KernelTable;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Storage;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * CPU kernels of the random operators. Element-wise samplers split the output into fixed
 * chunks, each with its own generator seeded in order from the device generator: the result
 * depends only on that generator's seed, not on the thread count.
 */
public final class RandomKernels {
    private RandomKernels() {}

    /** Elements per independently seeded chunk. */
    private static final int CHUNK = 1 << 14;
    private static final RandomGeneratorFactory<RandomGenerator> CHUNK_GENERATORS = RandomGeneratorFactory.of("L64X128MixRandom");

    /** One draw of a distribution with parameters (p1, p2); one-parameter distributions ignore p2. */
    @FunctionalInterface
    private interface Sampler {
        double draw(RandomGenerator g, double p1, double p2);
    }

    /** A distribution: its sampler and the names of its scalar parameters in the _random_X operators. */
    private record Dist(String name, Sampler sampler, String p1, String p2) {}

    private static final Dist[] DISTS = {
            new Dist("uniform", (g, lo, hi) -> lo + (hi - lo) * g.nextDouble(), "low", "high"),
            new Dist("normal", (g, mu, sigma) -> mu + sigma * g.nextGaussian(), "loc", "scale"),
            new Dist("gamma", (g, alpha, beta) -> Samplers.gamma(g, alpha) * beta, "alpha", "beta"),
            new Dist("exponential", (g, lam, unused) -> -Math.log1p(-g.nextDouble()) / lam, "lam", null),
            new Dist("poisson", (g, lam, unused) -> Samplers.poisson(g, lam), "lam", null),
            new Dist("negative_binomial", (g, k, p) -> k == 0 || p == 1 ? 0 : Samplers.poisson(g, Samplers.gamma(g, k) * (1 - p) / p), "k", "p"),
            new Dist("generalized_negative_binomial",
                    (g, mu, alpha) -> Samplers.poisson(g, alpha == 0 || mu == 0 ? mu : Samplers.gamma(g, 1 / alpha) * alpha * mu), "mu", "alpha"),
    };

    public static void register(KernelTable t) {
        for (Dist d : DISTS) {
            Kernel scalar = (ctx, a, in, req, out) -> {
                double p1 = a.getDouble(d.p1), p2 = d.p2 == null ? 0 : a.getDouble(d.p2);
                sample(ctx, d, req[0], out[0], (i, v) -> v[0] = p1, (i, v) -> v[1] = p2);
            };
            t.add("_random_" + d.name, scalar);
            t.add("_random_" + d.name + "_like", scalar);
            t.add("_sample_" + d.name, (ctx, a, in, req, out) -> {
                long per = out[0].size() / Math.max(1, in[0].size());
                Tensor x = in[0], y = in.length > 1 ? in[1] : in[0];
                sample(ctx, d, req[0], out[0],
                        (i, v) -> v[0] = Elements.get(x.segment(), x.dtype(), i / per),
                        (i, v) -> v[1] = Elements.get(y.segment(), y.dtype(), i / per));
            });
        }
        t.add("_random_randint", RandomKernels::randint);
        t.add("_sample_multinomial", RandomKernels::multinomial);
        t.add("_backward_sample_multinomial", RandomKernels::multinomialBackward);
        t.add("_shuffle", RandomKernels::shuffle);
    }

    /** Reads the parameter of output element i into v[0] or v[1]. */
    @FunctionalInterface
    private interface ParamSource {
        void read(long i, double[] v);
    }

    /**
     * Fill out with draws; chunk c uses a generator seeded by the c-th long of the device
     * generator. Uniform samples that round up to `high` in the output dtype are redrawn.
     */
    private static void sample(OpContext ctx, Dist d, OpReq req, Tensor out, ParamSource p1, ParamSource p2) {
        long n = out.size(), chunks = (n + CHUNK - 1) / CHUNK;
        long[] seeds = new long[Math.toIntExact(chunks)];
        RandomGenerator rng = ctx.random();
        for (int c = 0; c < seeds.length; c++) seeds[c] = rng.nextLong();
        DType t = out.dtype();
        boolean uniform = d.name.equals("uniform");
        try (ReqOut o = ReqOut.of(out, req)) {
            if (o == null) return;
            MemorySegment s = o.seg();
            CpuParallel.forRange(chunks, 1, (from, to) -> {
                double[] v = new double[2];
                for (long c = from; c < to; c++) {
                    RandomGenerator g = CHUNK_GENERATORS.create(seeds[(int) c]);
                    for (long i = c * CHUNK, e = Math.min(n, i + CHUNK); i < e; i++) {
                        p1.read(i, v);
                        p2.read(i, v);
                        double x = d.sampler.draw(g, v[0], v[1]);
                        while (uniform && v[1] > v[0] && quantize(t, x) >= v[1]) x = d.sampler.draw(g, v[0], v[1]);
                        if (t == DType.FLOAT32) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) x);
                        else Elements.set(s, t, i, x);
                    }
                }
            });
        }
    }

    private static double quantize(DType t, double v) {
        return switch (t) {
            case FLOAT32 -> (float) v;
            case FLOAT16 -> Float.float16ToFloat(Float.floatToFloat16((float) v));
            default -> v;
        };
    }

    private static void randint(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        long lo = a.getLong("low"), hi = a.getLong("high"), n = out[0].size(), chunks = (n + CHUNK - 1) / CHUNK;
        long[] seeds = new long[Math.toIntExact(chunks)];
        for (int c = 0; c < seeds.length; c++) seeds[c] = ctx.random().nextLong();
        boolean i64 = out[0].dtype() == DType.INT64;
        try (ReqOut o = ReqOut.of(out[0], req[0])) {
            if (o == null) return;
            MemorySegment s = o.seg();
            CpuParallel.forRange(chunks, 1, (from, to) -> {
                for (long c = from; c < to; c++) {
                    RandomGenerator g = CHUNK_GENERATORS.create(seeds[(int) c]);
                    for (long i = c * CHUNK, e = Math.min(n, i + CHUNK); i < e; i++) {
                        long v = g.nextLong(lo, hi);
                        if (i64) s.setAtIndex(ValueLayout.JAVA_LONG, i, v);
                        else s.setAtIndex(ValueLayout.JAVA_INT, i, (int) v);
                    }
                }
            });
        }
    }

    /**
     * Per distribution (last axis of data, K categories), draw M samples by inverting the
     * cumulative sums with uniform draws taken in order from the device generator.
     */
    private static void multinomial(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Tensor p = in[0];
        long kk = p.shape().dim(-1), dists = p.size() / kk, m = dists == 0 ? 0 : out[0].size() / dists;
        DType pt = p.dtype(), st = out[0].dtype();
        ReqOut samples = ReqOut.of(out[0], req[0]);
        ReqOut logProb = out.length > 1 ? ReqOut.of(out[1], req[1]) : null;
        try {
            RandomGenerator g = ctx.random();
            double[] cum = new double[(int) kk];
            MemorySegment ps = p.segment();
            for (long d = 0; d < dists; d++) {
                double acc = 0;
                for (int c = 0; c < kk; c++) cum[c] = acc += Elements.get(ps, pt, d * kk + c);
                for (long j = 0; j < m; j++) {
                    double u = g.nextDouble();
                    int low = 0, high = (int) kk;  // the first category whose cumulative probability reaches u
                    while (low < high) {
                        int mid = (low + high) >>> 1;
                        if (cum[mid] < u) low = mid + 1; else high = mid;
                    }
                    int c = (int) Math.min(low, kk - 1);
                    long pos = d * m + j;
                    if (samples != null) Elements.set(samples.seg(), st, pos, c);
                    if (logProb != null) Elements.set(logProb.seg(), pt, pos, Math.log(Elements.get(ps, pt, d * kk + c)));
                }
            }
        } finally {
            if (samples != null) samples.close();
            if (logProb != null) logProb.close();
        }
    }

    /** d log p[s] / d p = 1 / p[s] at each drawn category s, times out_grad. */
    private static void multinomialBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL) return;
        Tensor g = in[0], p = in[1], s = in[2];
        long kk = p.shape().dim(-1), dists = p.size() / kk, m = dists == 0 ? 0 : g.size() / dists;
        DType t = out[0].dtype();
        MemorySegment dst = out[0].segment();
        if (req[0] != OpReq.ADD) dst.fill((byte) 0);
        for (long d = 0; d < dists; d++) {
            for (long j = 0; j < m; j++) {
                long c = IndexingKernels.index(s.segment(), s.dtype(), d * m + j), pos = d * kk + c;
                double v = Elements.get(g.segment(), t, d * m + j) / Elements.get(p.segment(), p.dtype(), pos);
                Elements.set(dst, t, pos, Elements.get(dst, t, pos) + v);
            }
        }
    }

    /** Fisher-Yates over the rows (first axis), swapping whole rows through temp space. */
    private static void shuffle(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        long rows = in[0].shape().dim(0), row = rows == 0 ? 0 : in[0].size() / rows;
        int es = in[0].dtype().byteSize();
        try (ReqOut o = ReqOut.of(out[0], req[0])) {
            if (o == null) return;
            MemorySegment s = o.seg();
            Strided.copy(in[0].segment(), 0, s, 0, in[0].size(), es);
            if (rows < 2) return;
            long rb = row * es;
            Storage tmp = ctx.tempSpace(Math.max(1, rb));
            MemorySegment buf = tmp.hostSegment();
            RandomGenerator g = ctx.random();
            for (long i = rows - 1; i > 0; i--) {
                long j = g.nextLong(i + 1);
                if (j == i) continue;
                MemorySegment.copy(s, i * rb, buf, 0, rb);
                MemorySegment.copy(s, j * rb, s, i * rb, rb);
                MemorySegment.copy(buf, 0, s, j * rb, rb);
            }
        }
    }
}
