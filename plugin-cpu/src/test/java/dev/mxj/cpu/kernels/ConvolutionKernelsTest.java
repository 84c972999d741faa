package dev.mxj.cpu.kernels;

import dev.mxj.cpu.CpuPlugin;
import dev.mxj.device.Device;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Storage;
import dev.mxj.device.Tensor;
import dev.mxj.device.conformance.CaseVerifier;
import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.device.conformance.OpRunner;
import dev.mxj.device.conformance.cases.ConvolutionCases;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The oneDNN path against the Java path: the catalogue's forward cases with oneDNN forced on,
 * and forward/backward outputs of both paths compared under OpReq.WRITE and ADD on geometries
 * that oneDNN handles with blocked layouts (strides, dilation, groups, 1-D, 3-D, deconvolution).
 */
class ConvolutionKernelsTest {
    private static final Device CPU = new CpuPlugin().open(0);
    private static final OpRunner RUNNER = new OpRunner(CPU);

    @Test
    void oneDnnLoadsHere() {
        assertTrue(Dnnl.loaded(), "the oneDNN preset ships a linux-x86_64 library; it should load");
    }

    @Test
    void catalogueForwardCasesOnOneDnn() {
        CaseVerifier v = new CaseVerifier(RUNNER);
        Dnnl.withMode("force", () -> {
            for (OpCase c : ConvolutionCases.cases()) {
                if (c.kind() == OpCase.Kind.FORWARD && c.checksOutputs()) v.verify(copyWithoutGrad(c));
            }
        });
    }

    /** The case's forward check only (the gradient check runs in float64, which is the Java path anyway). */
    private static OpCase copyWithoutGrad(OpCase c) {
        OpCase k = OpCase.forward(c.op()).params(c.params()).tol(1e-4, 1e-5);
        for (HostArray h : c.inputs()) k.input(h);
        for (int i = 0; i < c.expected().size(); i++) {
            HostArray e = c.expected().get(i);
            if (e == null) continue;
            if (c.expectsDType(i)) k.expect(e);
            else k.expectValues(e.shape(), e.data());
        }
        return k;
    }

    private static final String[][] GEOMETRIES = {
            {"Convolution", "kernel=(3, 3); num_filter=16; pad=(1, 1)", "4, 8, 10, 10"},
            {"Convolution", "kernel=(3, 3); num_filter=16; stride=(2, 2); no_bias=True", "2, 16, 11, 9"},
            {"Convolution", "kernel=(3, 3); num_filter=16; dilate=(2, 2); pad=(2, 2); num_group=4", "2, 16, 9, 9"},
            {"Convolution", "kernel=(5,); num_filter=8; stride=(2,); pad=(2,)", "3, 8, 40"},
            {"Convolution", "kernel=(3, 3, 3); num_filter=8; pad=(1, 1, 1)", "1, 4, 6, 6, 6"},
            {"Convolution", "kernel=(1, 1); num_filter=32", "2, 16, 7, 7"},
            {"Convolution", "kernel=(3, 3); num_filter=8; stride=(2, 3)", "2, 8, 10, 11"},             // inputs left over at the end
            {"Deconvolution", "kernel=(3,); num_filter=8; stride=(3,); adj=(2,)", "2, 8, 9"},             // adj beyond pad
            {"Deconvolution", "kernel=(4, 4); num_filter=8; stride=(2, 2); pad=(1, 1); adj=(1, 1); no_bias=False", "2, 16, 6, 6"},
            {"Deconvolution", "kernel=(3, 3); num_filter=8; num_group=2", "2, 8, 7, 7"},
            {"Pooling", "kernel=(3, 3); stride=(2, 2); pad=(1, 1)", "2, 4, 9, 9"},
            {"Pooling", "kernel=(2, 2); stride=(2, 2); pool_type=avg", "2, 3, 8, 6"},
            {"Pooling", "kernel=(3, 3); stride=(2, 2); pad=(1, 1); pool_type=avg; count_include_pad=False", "1, 4, 7, 7"},
            {"Pooling", "kernel=(3,); stride=(1,); pad=(1,)", "2, 3, 10"},
            {"Pooling", "kernel=(2, 2, 2); stride=(2, 2, 2); pool_type=avg", "1, 2, 4, 4, 4"},
    };

    @Test
    void oneDnnMatchesJavaForwardAndBackward() {
        long declined = Dnnl.DECLINED.sum(), executed = Dnnl.EXECUTED.sum();
        SplittableRandom rng = new SplittableRandom(5);
        for (String[] g : GEOMETRIES) {
            String[] ds = g[2].split(",\\s*");
            long[] data = new long[ds.length];
            for (int i = 0; i < ds.length; i++) data[i] = Long.parseLong(ds[i]);
            Map<String, Object> params = new LinkedHashMap<>();
            for (String kv : g[1].split(";")) {
                int eq = kv.indexOf('=');
                params.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
            Attrs fa = RUNNER.attrs(g[0], params, g[0].equals("Pooling") ? 1 : 3);
            // shapes of weight and bias from the operator's own inference
            int nIn = fa.op().numInputs(fa);
            Shape[] in = new Shape[nIn];
            in[0] = Shape.of(data);
            fa.op().shapeFn().infer(fa, in, new Shape[1]);
            List<HostArray> inputs = new ArrayList<>();
            for (Shape s : in) inputs.add(HostArray.random(s, DType.FLOAT32, -1, 1, rng));
            Shape out = fa.op().inferOutputShapes(fa, in)[0];
            List<HostArray> bw = new ArrayList<>();
            bw.add(HostArray.random(out, DType.FLOAT32, -1, 1, rng));
            bw.addAll(inputs);
            if (g[0].equals("Pooling")) bw.add(RUNNER.run(fa, inputs, false, 1).output(0));
            Attrs ba = RUNNER.attrs("_backward_" + g[0], params, bw.size());
            for (boolean add : new boolean[] {false, true}) {
                compare(g[0] + " " + g[1] + (add ? " ADD" : ""), fa, inputs, add, rng);
                compare("_backward_" + g[0] + " " + g[1] + (add ? " ADD" : ""), ba, bw, add, rng);
            }
        }
        assertEquals(declined, Dnnl.DECLINED.sum(), "oneDNN declined some geometries");
        assertTrue(Dnnl.EXECUTED.sum() - executed >= 2L * GEOMETRIES.length, "oneDNN ran " + (Dnnl.EXECUTED.sum() - executed) + " problems");
    }

    /** Plans are cached and shared, streams and scratchpads are per call: concurrent calls must agree with a lone one. */
    @Test
    void concurrentCallsShareCachedPlans() throws Exception {
        SplittableRandom rng = new SplittableRandom(9);
        Map<String, Object> params = Map.of("kernel", "(3, 3)", "num_filter", "16", "pad", "(1, 1)");
        Attrs fa = RUNNER.attrs("Convolution", params, 3), ba = RUNNER.attrs("_backward_Convolution", params, 4);
        List<HostArray> in = List.of(HostArray.random(Shape.of(2, 8, 12, 12), DType.FLOAT32, -1, 1, rng),
                HostArray.random(Shape.of(16, 8, 3, 3), DType.FLOAT32, -1, 1, rng), HostArray.random(Shape.of(16), DType.FLOAT32, -1, 1, rng));
        List<HostArray> bin = new ArrayList<>();
        bin.add(HostArray.random(Shape.of(2, 16, 12, 12), DType.FLOAT32, -1, 1, rng));
        bin.addAll(in);
        Dnnl.withMode("force", () -> {
            List<HostArray> y = RUNNER.run(fa, in, false, 1).outputs(), g = RUNNER.run(ba, bin, false, 1).outputs();
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 4; t++) {
                Thread th = new Thread(() -> {
                    try {
                        for (int i = 0; i < 5; i++) {
                            assertEquals(y, RUNNER.run(fa, in, false, 1).outputs());
                            assertEquals(g, RUNNER.run(ba, bin, false, 1).outputs());
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                try {
                    th.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
            if (!failures.isEmpty()) throw new AssertionError("concurrent oneDNN calls disagreed", failures.get(0));
        });
    }

    /** With the plan cache full, a new geometry still runs (on a plan destroyed after the call) and gives the same result. */
    @Test
    void fullPlanCacheRunsTransientPlans() {
        int old = Dnnl.maxPlans;
        SplittableRandom rng = new SplittableRandom(13);
        Attrs a = RUNNER.attrs("Convolution", Map.of("kernel", "(3, 3)", "num_filter", "8", "stride", "(3, 3)"), 3);
        List<HostArray> in = List.of(HostArray.random(Shape.of(3, 8, 13, 13), DType.FLOAT32, -1, 1, rng),
                HostArray.random(Shape.of(8, 8, 3, 3), DType.FLOAT32, -1, 1, rng), HostArray.random(Shape.of(8), DType.FLOAT32, -1, 1, rng));
        List<HostArray> want = new ArrayList<>();
        Dnnl.withMode("off", () -> want.addAll(RUNNER.run(a, in, false, 1).outputs()));
        try {
            Dnnl.maxPlans = Dnnl.cachedPlans();
            int before = Dnnl.cachedPlans();
            long ran = Dnnl.EXECUTED.sum();
            Dnnl.withMode("force", () -> {
                for (int i = 0; i < 2; i++) {
                    CaseVerifier.assertClose("transient plan, call " + i, RUNNER.run(a, in, false, 1).output(0).data(), want.get(0).data(), 1e-4, 1e-5);
                }
            });
            assertEquals(before, Dnnl.cachedPlans());
            assertEquals(ran + 2, Dnnl.EXECUTED.sum());
        } finally {
            Dnnl.maxPlans = old;
        }
    }

    /** Backward operators with several outputs: each may be OpReq.NULL (left untouched) while the others are written. */
    @Test
    void backwardOutputsCanBeSkipped() {
        Object[][] ops = {
                {"_backward_Convolution", Map.of("kernel", "(3, 3)", "num_filter", "16", "pad", "(1, 1)"),
                        new long[][] {{2, 16, 6, 6}, {2, 8, 6, 6}, {16, 8, 3, 3}, {16}}},
                {"_backward_Deconvolution", Map.of("kernel", "(2, 2)", "num_filter", "8", "stride", "(2, 2)", "no_bias", "False"),
                        new long[][] {{2, 8, 8, 8}, {2, 16, 4, 4}, {16, 8, 2, 2}, {8}}},
                {"_backward_BilinearSampler", Map.of(), new long[][] {{1, 2, 3, 3}, {1, 2, 4, 4}, {1, 2, 3, 3}}},
                {"_backward_UpSampling", Map.of("scale", "2", "sample_type", "nearest", "num_args", "2"),
                        new long[][] {{1, 3, 4, 4}, {1, 1, 2, 2}, {1, 2, 4, 4}}},
        };
        SplittableRandom rng = new SplittableRandom(3);
        for (Object[] o : ops) {
            String name = (String) o[0];
            long[][] shapes = (long[][]) o[2];
            List<HostArray> in = new ArrayList<>();
            for (long[] d : shapes) in.add(HostArray.random(Shape.of(d), DType.FLOAT32, -0.9, 0.9, rng));
            @SuppressWarnings("unchecked") Attrs a = RUNNER.attrs(name, (Map<String, Object>) o[1], in.size());
            for (String mode : new String[] {"off", "force"}) {
                Dnnl.withMode(mode, () -> {
                    List<HostArray> full = RUNNER.run(a, in, false, 1).outputs();
                    for (int skip = 0; skip < full.size(); skip++) {
                        List<HostArray> got = runWithNull(a, in, full, skip);
                        for (int k = 0; k < full.size(); k++) {
                            double[] want = k == skip ? filled(full.get(k), 7) : full.get(k).data();
                            CaseVerifier.assertClose(name + " (" + mode + ") with output " + skip + " NULL: output " + k, got.get(k).data(), want, 1e-5, 1e-6);
                        }
                    }
                });
            }
        }
    }

    private static double[] filled(HostArray like, double v) {
        double[] d = new double[like.data().length];
        Arrays.fill(d, v);
        return d;
    }

    /** Run the kernel directly with output {@code skip} as OpReq.NULL (its buffer holding 7s) and the rest WRITE. */
    private static List<HostArray> runWithNull(Attrs a, List<HostArray> in, List<HostArray> like, int skip) {
        List<Storage> owned = new ArrayList<>();
        OpContext ctx = new OpContext() {
            @Override public Device device() { return CPU; }
            @Override public boolean isTrain() { return false; }
            @Override public RandomGenerator random() { return null; }
            @Override public Storage tempSpace(long bytes) {
                Storage st = CPU.allocate(Math.max(1, bytes));
                owned.add(st);
                return st;
            }
            @Override public Object stream() { return null; }
        };
        try {
            Tensor[] ti = new Tensor[in.size()], to = new Tensor[like.size()];
            OpReq[] req = new OpReq[like.size()];
            for (int i = 0; i < ti.length; i++) ti[i] = tensor(in.get(i).data(), in.get(i).shape(), owned);
            for (int k = 0; k < to.length; k++) {
                to[k] = tensor(filled(like.get(k), k == skip ? 7 : -3), like.get(k).shape(), owned);
                req[k] = k == skip ? OpReq.NULL : OpReq.WRITE;
            }
            CPU.kernels().get(a.op().name()).compute(ctx, a, ti, req, to);
            List<HostArray> r = new ArrayList<>();
            for (Tensor t : to) r.add(HostArray.readFrom(t.segment(), t.shape(), t.dtype()));
            return r;
        } finally {
            for (Storage st : owned) CPU.release(st);
        }
    }

    private static Tensor tensor(double[] v, Shape s, List<Storage> owned) {
        Storage st = CPU.allocate(Math.max(1, s.size() * 4));
        owned.add(st);
        Tensor t = new Tensor(st, 0, s, DType.FLOAT32);
        HostArray.of(s, DType.FLOAT32, v).writeTo(t.segment());
        return t;
    }

    private static void compare(String what, Attrs a, List<HostArray> inputs, boolean add, SplittableRandom rng) {
        List<HostArray> init = null;
        if (add) {
            init = new ArrayList<>();
            for (HostArray o : RUNNER.run(a, inputs, false, 1).outputs()) init.add(HostArray.random(o.shape(), o.dtype(), -1, 1, rng));
        }
        List<HostArray> base = init;
        List<List<HostArray>> results = new ArrayList<>();
        for (String mode : new String[] {"off", "force"}) {
            Dnnl.withMode(mode, () -> results.add(RUNNER.run(a, inputs, false, 1, base).outputs()));
        }
        for (int i = 0; i < results.get(0).size(); i++) {
            CaseVerifier.assertClose(what + " output " + i, results.get(1).get(i).data(), results.get(0).get(i).data(), 1e-4, 1e-4);
        }
    }
}
