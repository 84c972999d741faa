package dev.mxj.cpu.kernels;

import dev.mxj.cpu.CpuPlugin;
import dev.mxj.device.Device;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Storage;
import dev.mxj.device.Tensor;
import dev.mxj.device.conformance.CaseVerifier;
import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpRunner;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * What the operator catalogue does not reach for the neural-network kernels: the moving
 * statistics BatchNorm mutates, OpReq.ADD and NULL on the backward operators (the catalogue
 * checks ADD on forward cases only), OpReq.INPLACE for every declared in-place pair, and
 * Dropout's reproducibility under a seed.
 */
class NeuralNetworkKernelsTest {
    private static final Device CPU = new CpuPlugin().open(0);
    private static final OpRunner RUNNER = new OpRunner(CPU);
    private final List<Storage> owned = new ArrayList<>();

    @AfterEach
    void release() {
        for (Storage s : owned) CPU.release(s);
        owned.clear();
    }

    private static HostArray uni(long seed, double lo, double hi, long... dims) {
        return HostArray.random(Shape.of(dims), DType.FLOAT32, lo, hi, new SplittableRandom(seed));
    }

    private static HostArray rnd(long seed, long... dims) { return uni(seed, -1, 1, dims); }

    private static HostArray of(long[] dims, double... v) { return HostArray.f32(Shape.of(dims), v); }

    private static long[] d(long... x) { return x; }

    // ------------------------------------------------------------------ BatchNorm's aux states

    @Test
    void batchNormUpdatesMovingStatisticsOnlyWithBatchStatistics() {
        HostArray x = of(d(4, 2), 1, 10, 2, 20, 3, 30, 6, 40), gamma = of(d(2), 1, 1), beta = of(d(2), 0, 0);
        HostArray mm = of(d(2), 0.5, -1), mv = of(d(2), 2, 3);
        List<HostArray> in = List.of(x, gamma, beta, mm, mv);
        // channel 0: mean 3, biased var 3.5; channel 1: mean 25, var 125
        OpRunner.Result train = RUNNER.run("BatchNorm", Map.of("momentum", 0.75), in, true, 1);
        assertArrayEquals(new double[] {0.5 * 0.75 + 3 * 0.25, -1 * 0.75 + 25 * 0.25}, train.mutated().get(3).data(), 1e-6);
        assertArrayEquals(new double[] {2 * 0.75 + 3.5 * 0.25, 3 * 0.75 + 125 * 0.25}, train.mutated().get(4).data(), 1e-5);

        OpRunner.Result inference = RUNNER.run("BatchNorm", Map.of("momentum", 0.75), in, false, 1);
        assertArrayEquals(mm.data(), inference.mutated().get(3).data());
        assertArrayEquals(mv.data(), inference.mutated().get(4).data());
        OpRunner.Result global = RUNNER.run("BatchNorm", Map.of("use_global_stats", true), in, true, 1);
        assertArrayEquals(mv.data(), global.mutated().get(4).data());
    }

    // ------------------------------------------------------------------ OpReq.ADD on backward operators

    private record Call(String op, Map<String, Object> params, List<HostArray> inputs, boolean train) {}

    private static Call call(String op, String params, boolean train, HostArray... inputs) {
        Map<String, Object> p = new HashMap<>();
        if (!params.isEmpty()) for (String kv : params.split(";")) p.put(kv.split("=")[0].trim(), kv.split("=")[1].trim());
        return new Call(op, p, List.of(inputs), train);
    }

    private static HostArray ints(long[] dims, double... v) { return HostArray.of(Shape.of(dims), DType.INT32, v); }

    private static final List<Call> BACKWARD = List.of(
            call("_backward_FullyConnected", "num_hidden=3", false, rnd(1, 2, 3), rnd(2, 2, 4), rnd(3, 3, 4)),
            call("_backward_FullyConnected", "num_hidden=3; no_bias=True", false, rnd(1, 2, 3), rnd(2, 2, 4), rnd(3, 3, 4)),
            call("_backward_Activation", "act_type=sigmoid", false, rnd(4, 2, 3), uni(5, 0.1, 0.9, 2, 3), rnd(6, 2, 3)),
            call("_backward_Activation", "act_type=relu", false, rnd(4, 300, 256), rnd(5, 300, 256)),
            call("_backward_LeakyReLU", "act_type=prelu", false, rnd(7, 2, 3, 2), rnd(8, 2, 3, 2), rnd(9, 3), rnd(10, 2, 3, 2)),
            call("_backward_LeakyReLU", "act_type=gelu", false, rnd(7, 2, 3), rnd(8, 2, 3), rnd(10, 2, 3)),
            call("_backward_Dropout", "p=0.5", true, rnd(11, 3, 4), uni(12, 0, 2, 3, 1)),
            call("_backward_Embedding", "input_dim=4; output_dim=2", false, rnd(13, 3, 2), of(d(3), 1, 3, 1)),
            call("_backward_softmax", "axis=0", false, rnd(14, 3, 2), uni(15, 0.1, 0.9, 3, 2)),
            call("_backward_log_softmax", "use_length=True", false, rnd(14, 2, 3), rnd(16, 2, 3), ints(d(2), 2, 3), uni(15, -2, -0.1, 2, 3)),
            call("_backward_softmin", "temperature=2", false, rnd(14, 3, 2), uni(15, 0.1, 0.9, 3, 2)),
            call("_backward_SoftmaxActivation", "mode=channel", false, rnd(17, 2, 3, 2), uni(18, 0.1, 0.9, 2, 3, 2)),
            call("_backward_SoftmaxOutput", "normalization=batch", false, uni(19, 0.1, 0.9, 3, 4), of(d(3), 0, 3, 1)),
            call("_backward_softmax_cross_entropy", "", false, of(d(1), 0.5), rnd(20, 3, 4), of(d(3), 0, 3, 1)),
            call("_backward_linear_reg_out", "", false, rnd(21, 2, 3), rnd(22, 2, 3)),
            call("_backward_mae_reg_out", "", false, rnd(21, 2, 3), rnd(22, 2, 3)),
            call("_backward_MakeLoss", "normalization=valid", false, rnd(23, 2, 3)),
            call("_backward_smooth_l1", "", false, rnd(24, 2, 3), uni(25, -2, 2, 2, 3)),
            call("_backward_BatchNorm", "fix_gamma=False", true, rnd(26, 4, 3), rnd(27, 4, 3), rnd(28, 3), rnd(29, 3), uni(30, 0.5, 2, 3)),
            call("_backward_BatchNorm", "", false, rnd(26, 2, 3, 2), rnd(27, 2, 3, 2), rnd(28, 3), rnd(29, 3), uni(30, 0.5, 2, 3)),
            call("_backward_LayerNorm", "", false, rnd(31, 2, 3), rnd(32, 2, 3), rnd(33, 3), rnd(34, 2, 1), uni(35, 0.5, 2, 2, 1)),
            call("_backward_InstanceNorm", "", false, rnd(36, 2, 2, 3), rnd(37, 2, 2, 3), rnd(38, 2), rnd(39, 2, 2), uni(40, 0.5, 2, 2, 2)),
            call("_backward_GroupNorm", "num_groups=2", false, rnd(36, 2, 4, 1), rnd(37, 2, 4, 1), rnd(38, 2), rnd(39, 2, 2), uni(40, 0.5, 2, 2, 2)),
            call("_backward_L2Normalization", "mode=channel", false, rnd(41, 2, 3, 2), rnd(42, 2, 3, 2), uni(43, 0.5, 2, 2, 1, 2)),
            call("_backward_SequenceMask", "use_sequence_length=True", false, rnd(44, 3, 2), of(d(2), 1, 2)),
            call("_backward_SequenceLast", "use_sequence_length=True", false, rnd(45, 2, 2), rnd(46, 3, 2, 2), of(d(2), 1, 3)),
            call("_backward_SequenceReverse", "", false, rnd(47, 3, 2)));

    @Test
    void backwardOperatorsAddIntoExistingGradients() {
        for (Call c : BACKWARD) {
            Attrs a = RUNNER.attrs(c.op, c.params, c.inputs.size());
            List<HostArray> written = RUNNER.run(a, c.inputs, c.train, 3).outputs();
            SplittableRandom rng = new SplittableRandom(5);
            List<HostArray> init = new ArrayList<>();
            for (HostArray o : written) init.add(HostArray.random(o.shape(), o.dtype(), -2, 2, rng));
            List<HostArray> added = RUNNER.run(a, c.inputs, c.train, 3, init).outputs();
            for (int k = 0; k < written.size(); k++) {
                double[] want = written.get(k).data().clone();
                for (int i = 0; i < want.length; i++) want[i] += init.get(k).data()[i];
                CaseVerifier.assertClose(c.op + " " + c.params + " output " + k + " (ADD)", added.get(k).data(), want, 1e-5, 1e-5);
            }
        }
    }

    // ------------------------------------------------------------------ direct kernel calls: NULL and INPLACE

    private Tensor upload(HostArray h) {
        Storage s = CPU.allocate(Math.max(1, h.byteSize()));
        owned.add(s);
        h.writeTo(s.hostSegment());
        return new Tensor(s, 0, h.shape(), h.dtype());
    }

    private static HostArray download(Tensor t) { return HostArray.readFrom(t.segment(), t.shape(), t.dtype()); }

    private OpContext context(boolean train, long seed) {
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        return new OpContext() {
            @Override public Device device() { return CPU; }
            @Override public boolean isTrain() { return train; }
            @Override public RandomGenerator random() { return rng; }
            @Override public Storage tempSpace(long bytes) {
                Storage s = CPU.allocate(Math.max(1, bytes));
                owned.add(s);
                return s;
            }
            @Override public Object stream() { return null; }
        };
    }

    /**
     * Runs the kernel with the given requests; outputs paired with an input by the operator's
     * in-place declaration share that input's memory when {@code inplace}. NULL outputs start
     * as (and must stay) 7.
     */
    private List<HostArray> direct(Call c, boolean inplace, OpReq... reqs) {
        Attrs a = RUNNER.attrs(c.op, c.params, c.inputs.size());
        OpDef op = a.op();
        Shape[] inShapes = c.inputs.stream().map(HostArray::shape).toArray(Shape[]::new);
        DType[] inTypes = c.inputs.stream().map(HostArray::dtype).toArray(DType[]::new);
        Shape[] outShapes = op.inferOutputShapes(a, inShapes);
        DType[] outTypes = op.inferOutputTypes(a, inTypes);
        Tensor[] in = new Tensor[inShapes.length];
        for (int i = 0; i < in.length; i++) in[i] = upload(c.inputs.get(i));
        Tensor[] out = new Tensor[outShapes.length];
        OpReq[] req = new OpReq[out.length];
        for (int i = 0; i < out.length; i++) {
            req[i] = reqs.length > i ? reqs[i] : OpReq.WRITE;
            double[] sevens = new double[Math.toIntExact(outShapes[i].size())];
            java.util.Arrays.fill(sevens, 7);
            out[i] = upload(HostArray.of(outShapes[i], outTypes[i], sevens));
        }
        if (inplace) {
            for (OpDef.InplacePair p : op.inplacePairs(a)) {
                out[p.output()] = in[p.input()];
                req[p.output()] = OpReq.INPLACE;
            }
        }
        CPU.kernels().get(op.name()).compute(context(c.train, 3), a, in, req, out);
        List<HostArray> r = new ArrayList<>();
        for (Tensor t : out) r.add(download(t));
        return r;
    }

    private static final List<Call> IN_PLACE = List.of(
            call("Activation", "act_type=relu", false, rnd(1, 300, 256)),
            call("Activation", "act_type=tanh", false, rnd(1, 4, 5)),
            call("Activation", "act_type=softsign", false, rnd(1, 4, 5).astype(DType.FLOAT64)),
            call("_backward_Activation", "act_type=sigmoid", false, rnd(2, 4, 5), uni(3, 0.1, 0.9, 4, 5), rnd(4, 4, 5)),
            call("LeakyReLU", "act_type=elu", false, rnd(5, 4, 5)),
            call("LeakyReLU", "act_type=prelu", false, rnd(5, 2, 3, 2), rnd(6, 3)),
            call("Dropout", "p=0.5", true, rnd(7, 4, 5)),
            call("_backward_Dropout", "", false, rnd(8, 4, 5), uni(9, 0, 2, 4, 5)),
            call("softmax", "axis=0", false, rnd(10, 3, 4, 2)),
            call("log_softmax", "", false, rnd(10, 3, 4, 2)),
            call("softmin", "axis=1; temperature=3", false, rnd(10, 3, 4, 2)),
            call("SequenceMask", "use_sequence_length=True; value=5", false, rnd(11, 3, 2, 2), of(d(2), 1, 2)),
            call("SequenceReverse", "use_sequence_length=True", false, rnd(12, 3, 2, 2), of(d(2), 2, 3)),
            call("LinearRegressionOutput", "", false, rnd(13, 2, 3), rnd(14, 2, 3)),
            call("LogisticRegressionOutput", "", false, rnd(13, 2, 3), rnd(14, 2, 3)),
            call("MakeLoss", "", false, rnd(15, 2, 3)),
            call("smooth_l1", "scalar=2", false, rnd(16, 2, 3)),
            call("_backward_smooth_l1", "", false, rnd(17, 2, 3), rnd(18, 2, 3)),
            call("BlockGrad", "", false, rnd(19, 2, 3)));

    @Test
    void inPlaceDeclarationsHold() {
        for (Call c : IN_PLACE) {
            assertFalse(OpRegistry.global().get(c.op).inplacePairs(RUNNER.attrs(c.op, c.params, c.inputs.size())).isEmpty(), c.op + " declares no in-place pair");
            List<HostArray> want = RUNNER.run(c.op, c.params, c.inputs, c.train, 3).outputs();
            List<HostArray> got = direct(c, true);
            for (int k = 0; k < want.size(); k++) {
                CaseVerifier.assertClose(c.op + " " + c.params + " output " + k + " (INPLACE)", got.get(k).data(), want.get(k).data(), 1e-6, 1e-7);
            }
        }
    }

    @Test
    void nullRequestsLeaveOutputsAlone() {
        for (Call c : BACKWARD) {
            int n = RUNNER.run(c.op, c.params, c.inputs, c.train, 3).outputs().size();
            OpReq[] reqs = new OpReq[n];
            java.util.Arrays.fill(reqs, OpReq.NULL);
            for (HostArray o : direct(c, false, reqs)) {
                for (double v : o.data()) assertEquals(7, v, c.op + ": an output requested NULL was written");
            }
        }
        // the forward kernels too, for their first output
        for (Call c : IN_PLACE) for (double v : direct(c, false, OpReq.NULL).get(0).data()) assertEquals(7, v, c.op);
    }

    // ------------------------------------------------------------------ empty batches

    @Test
    void emptyBatchesRunAndKeepTheirShapes() {
        HostArray none = HostArray.of(Shape.of(0, 4), DType.FLOAT32);
        List<Call> calls = List.of(
                call("FullyConnected", "num_hidden=3", false, none, rnd(1, 3, 4), rnd(2, 3)),
                call("_backward_FullyConnected", "num_hidden=3", false, HostArray.of(Shape.of(0, 3), DType.FLOAT32), none, rnd(1, 3, 4)),
                call("Activation", "act_type=tanh", false, none),
                call("softmax", "axis=0", false, none),
                call("log_softmax", "", false, none),
                call("SoftmaxOutput", "", false, none, HostArray.of(Shape.of(0), DType.FLOAT32)),
                call("LayerNorm", "", false, none, rnd(3, 4), rnd(4, 4)),
                call("L2Normalization", "", false, none),
                call("Dropout", "p=0.5", true, none),
                call("Embedding", "input_dim=3; output_dim=2", false, HostArray.of(Shape.of(0), DType.FLOAT32), rnd(5, 3, 2)));
        for (Call c : calls) {
            List<HostArray> out = RUNNER.run(c.op, c.params, c.inputs, c.train, 1).outputs();
            assertEquals(0, out.get(0).data().length, c.op);
        }
        // weight gradients of an empty batch are zero
        HostArray dw = RUNNER.run(calls.get(1).op, calls.get(1).params, calls.get(1).inputs, false, 1).output(1);
        assertArrayEquals(new double[12], dw.data());
    }

    // ------------------------------------------------------------------ randomness

    @Test
    void dropoutMasksRepeatUnderASeedAndDifferAcrossSeeds() {
        List<HostArray> in = List.of(rnd(1, 30, 40));
        HostArray a = RUNNER.run("Dropout", Map.of("p", 0.5), in, true, 9).output(1);
        HostArray b = RUNNER.run("Dropout", Map.of("p", 0.5), in, true, 9).output(1);
        HostArray c = RUNNER.run("Dropout", Map.of("p", 0.5), in, true, 10).output(1);
        assertArrayEquals(a.data(), b.data());
        assertNotEquals(java.util.Arrays.toString(a.data()), java.util.Arrays.toString(c.data()));
    }
}
