package dev.mxj.executor;

import dev.mxj.Context;
import dev.mxj.autograd.GradReq;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.Shape;
import dev.mxj.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Executor semantics against MXNet 1.9: forward/backward values of a small MLP with
 * SoftmaxOutput (whose backward is softmax - one_hot(label), normalization 'null'), computed here
 * in double precision; grad_req write/add/null; head gradients; reshape; monitor; errors.
 */
class ExecutorTest {
    static final double[][] X = {{0.5, -1.0, 2.0}, {1.5, 0.25, -0.75}};
    static final double[][] W1 = {{0.1, -0.2, 0.3}, {-0.4, 0.5, 0.6}, {0.7, 0.8, -0.9}, {0.05, 0.15, 0.25}};
    static final double[] B1 = {0.1, -0.1, 0.2, 0.0};
    static final double[][] W2 = {{0.3, -0.6, 0.9, 0.2}, {-0.5, 0.4, 0.1, -0.7}};
    static final double[] B2 = {0.05, -0.05};
    static final double[] LABEL = {1, 0};

    static Symbol mlp() {
        Symbol data = Symbol.var("data");
        Symbol fc1 = Symbol.create("FullyConnected", "fc1", Map.of("num_hidden", 4), data);
        Symbol act = Symbol.create("Activation", "relu1", Map.of("act_type", "relu"), fc1);
        Symbol fc2 = Symbol.create("FullyConnected", "fc2", Map.of("num_hidden", 2), act);
        return Symbol.create("SoftmaxOutput", "softmax", Map.of(), fc2);
    }

    static NDArray arr(double[][] m) {
        float[] f = new float[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) for (int j = 0; j < m[0].length; j++) f[i * m[0].length + j] = (float) m[i][j];
        return NDArray.array(f, Shape.of(m.length, m[0].length));
    }

    static NDArray arr(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return NDArray.array(f);
    }

    static void setParams(Executor ex) {
        ex.argDict().get("data").set(flat(X));
        ex.argDict().get("fc1_weight").set(flat(W1));
        ex.argDict().get("fc1_bias").set(B1);
        ex.argDict().get("fc2_weight").set(flat(W2));
        ex.argDict().get("fc2_bias").set(B2);
        ex.argDict().get("softmax_label").set(LABEL);
    }

    static double[] flat(double[][] m) {
        double[] r = new double[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) System.arraycopy(m[i], 0, r, i * m[0].length, m[0].length);
        return r;
    }

    /** Reference forward and backward of the MLP in double precision. */
    record Ref(double[][] prob, double[][] dW1, double[] db1, double[][] dW2, double[] db2, double[][] dX) {}

    static Ref reference() {
        int n = X.length;
        double[][] h = new double[n][4], p = new double[n][2];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 4; k++) {
                double s = B1[k];
                for (int j = 0; j < 3; j++) s += X[i][j] * W1[k][j];
                h[i][k] = Math.max(0, s);
            }
            double[] z = new double[2];
            for (int c = 0; c < 2; c++) {
                z[c] = B2[c];
                for (int k = 0; k < 4; k++) z[c] += h[i][k] * W2[c][k];
            }
            double m = Math.max(z[0], z[1]), e0 = Math.exp(z[0] - m), e1 = Math.exp(z[1] - m);
            p[i][0] = e0 / (e0 + e1);
            p[i][1] = e1 / (e0 + e1);
        }
        double[][] dz = new double[n][2];
        for (int i = 0; i < n; i++) for (int c = 0; c < 2; c++) dz[i][c] = p[i][c] - (LABEL[i] == c ? 1 : 0);
        double[][] dW2 = new double[2][4], dh = new double[n][4], dW1 = new double[4][3], dX = new double[n][3];
        double[] db2 = new double[2], db1 = new double[4];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 2; c++) {
                db2[c] += dz[i][c];
                for (int k = 0; k < 4; k++) {
                    dW2[c][k] += dz[i][c] * h[i][k];
                    dh[i][k] += dz[i][c] * W2[c][k];
                }
            }
            for (int k = 0; k < 4; k++) {
                if (h[i][k] <= 0) dh[i][k] = 0;
                db1[k] += dh[i][k];
                for (int j = 0; j < 3; j++) {
                    dW1[k][j] += dh[i][k] * X[i][j];
                    dX[i][j] += dh[i][k] * W1[k][j];
                }
            }
        }
        return new Ref(p, dW1, db1, dW2, db2, dX);
    }

    static void close(double[] want, NDArray got, String what) {
        float[] g = got.toFloatArray();
        assertEquals(want.length, g.length, what);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], g[i], 1e-5, what + "[" + i + "]");
    }

    @Test
    void simpleBindForwardBackwardMatchMxnet() {
        Ref r = reference();
        try (Executor ex = mlp().simpleBind(Context.cpu(), "write", Map.of("data", Shape.of(2, 3)))) {
            assertEquals(List.of("data", "fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias", "softmax_label"), List.copyOf(ex.argDict().keySet()));
            assertEquals(Shape.of(4, 3), ex.argDict().get("fc1_weight").shape());
            assertEquals(Shape.of(2), ex.argDict().get("softmax_label").shape());
            setParams(ex);
            List<NDArray> out = ex.forward(true);
            close(flat(r.prob()), out.get(0), "softmax_output");
            assertSame(out.get(0), ex.outputDict().get("softmax_output"));
            ex.backward();
            Map<String, NDArray> g = ex.gradDict();
            close(flat(r.dW1()), g.get("fc1_weight"), "fc1_weight grad");
            close(r.db1(), g.get("fc1_bias"), "fc1_bias grad");
            close(flat(r.dW2()), g.get("fc2_weight"), "fc2_weight grad");
            close(r.db2(), g.get("fc2_bias"), "fc2_bias grad");
            close(flat(r.dX()), g.get("data"), "data grad");
            // a second step gives the same values (buffers are reused, nothing accumulates under 'write')
            ex.forward(true);
            ex.backward();
            close(flat(r.dW1()), g.get("fc1_weight"), "fc1_weight grad, second step");
            close(flat(r.prob()), ex.outputs().get(0), "softmax_output, second step");
        }
    }

    @Test
    void gradReqAddAccumulatesAndNullSkips() {
        Ref r = reference();
        Map<String, Object> reqs = new HashMap<>();
        reqs.put("fc1_weight", "add");
        reqs.put("fc2_weight", GradReq.WRITE);
        try (Executor ex = Executor.simpleBind(mlp(), Context.cpu(), reqs, null, null, Map.of("data", Shape.of(2, 3)))) {
            setParams(ex);
            assertNull(ex.gradDict().get("data"));
            assertNull(ex.gradDict().get("fc1_bias"));
            assertEquals(GradReq.ADD, ex.gradReqs().get("fc1_weight"));
            for (int i = 0; i < 3; i++) {
                ex.forward(true);
                ex.backward();
            }
            double[] three = flat(r.dW1()).clone();
            for (int i = 0; i < three.length; i++) three[i] *= 3;
            close(three, ex.gradDict().get("fc1_weight"), "fc1_weight grad after 3 'add' steps");
            close(flat(r.dW2()), ex.gradDict().get("fc2_weight"), "fc2_weight grad ('write')");
        }
    }

    @Test
    void bindUsesTheGivenArraysAndHeadGradients() {
        // y = a * b + a; dy/da = b + 1, dy/db = a, weighted by the head gradient
        Symbol a = Symbol.var("a"), b = Symbol.var("b");
        Symbol y = a.mul(b).add(a);
        NDArray av = NDArray.array(new float[] {1, 2, 3}), bv = NDArray.array(new float[] {4, 5, 6});
        NDArray ga = NDArray.zeros(3), gb = NDArray.zeros(3);
        try (Executor ex = y.bind(Context.cpu(), Map.of("a", av, "b", bv), Map.of("a", ga, "b", gb), "write", null)) {
            assertSame(av, ex.argDict().get("a"));
            ex.forward(true);
            assertArrayEquals(new float[] {5, 12, 21}, ex.outputs().get(0).toFloatArray());
            ex.backward(List.of(NDArray.array(new float[] {1, 10, 100})));
            assertArrayEquals(new float[] {5, 60, 700}, ga.toFloatArray());
            assertArrayEquals(new float[] {1, 20, 300}, gb.toFloatArray());
            // forward with kwargs copies into the bound arrays
            ex.forward(false, Map.of("a", NDArray.array(new float[] {0, 1, 0})));
            assertArrayEquals(new float[] {0, 1, 0}, av.toFloatArray());
            assertArrayEquals(new float[] {0, 6, 0}, ex.outputs().get(0).toFloatArray());
        }
    }

    @Test
    void passThroughGradientsGetTheirOwnArrays() {
        // y = a + b: both gradients are the head gradient itself; each argument still gets its own copy
        Symbol y = Symbol.var("a").add(Symbol.var("b"));
        try (Executor ex = y.simpleBind(Context.cpu(), "write", Map.of("a", Shape.of(2), "b", Shape.of(2)))) {
            ex.forward(true);
            ex.backward(List.of(NDArray.array(new float[] {3, 4})));
            assertArrayEquals(new float[] {3, 4}, ex.gradDict().get("a").toFloatArray());
            assertArrayEquals(new float[] {3, 4}, ex.gradDict().get("b").toFloatArray());
            assertFalse(ex.gradDict().get("a").sharesMemoryWith(ex.gradDict().get("b")));
        }
    }

    @Test
    void batchNormUpdatesItsAuxiliaryStatesInTraining() {
        Symbol bn = Symbol.create("BatchNorm", "bn", Map.of("fix_gamma", false), Symbol.var("data"));
        try (Executor ex = bn.simpleBind(Context.cpu(), "write", Map.of("data", Shape.of(4, 2)))) {
            assertEquals(List.of("bn_moving_mean", "bn_moving_var"), List.copyOf(ex.auxDict().keySet()));
            ex.argDict().get("data").set(new float[] {1, 2, 3, 4, 5, 6, 7, 8});
            ex.argDict().get("bn_gamma").set(1);
            ex.auxDict().get("bn_moving_var").set(1);
            ex.forward(true);
            // MXNet: moving = momentum * moving + (1 - momentum) * batch statistic, momentum 0.9; the variance is the biased one
            close(new double[] {0.1 * 4, 0.1 * 5}, ex.auxDict().get("bn_moving_mean"), "moving_mean");
            close(new double[] {0.9 + 0.1 * 5, 0.9 + 0.1 * 5}, ex.auxDict().get("bn_moving_var"), "moving_var");
            ex.forward(false); // inference leaves the statistics alone
            close(new double[] {0.4, 0.5}, ex.auxDict().get("bn_moving_mean"), "moving_mean after inference");
        }
    }

    @Test
    void reshapeSharesParametersAndChecksSizes() {
        Ref r = reference();
        try (Executor big = mlp().simpleBind(Context.cpu(), "write", Map.of("data", Shape.of(2, 3)))) {
            setParams(big);
            try (Executor small = big.reshape(false, false, Map.of("data", Shape.of(1, 3), "softmax_label", Shape.of(1)))) {
                assertSame(big.argDict().get("fc1_weight"), small.argDict().get("fc1_weight"));
                assertEquals(Shape.of(1, 3), small.argDict().get("data").shape());
                small.forward(false);
                close(r.prob()[0], small.outputs().get(0), "first row through the reshaped executor");
            }
            ExecutorException e = assertThrows(ExecutorException.class, () -> big.reshape(false, false, Map.of("data", Shape.of(5, 3), "softmax_label", Shape.of(5))));
            assertTrue(e.getMessage().contains("larger than original"), e.getMessage());
            e = assertThrows(ExecutorException.class, () -> big.reshape(false, true, Map.of("data", Shape.of(5, 3))));
            assertTrue(e.getMessage().contains("Shape of unspecified array arg:softmax_label changed"), e.getMessage());
            try (Executor up = big.reshape(true, true, Map.of("data", Shape.of(5, 3)))) {
                assertEquals(Shape.of(5, 2), up.outputs().get(0).shape());
            }
        }
    }

    @Test
    void sharedExecutorWithoutBufferSharesOnlyThePool() {
        try (Executor a = mlp().simpleBind(Context.cpu(), "write", Map.of("data", Shape.of(8, 3)));
             Executor b = Executor.simpleBind(mlp(), Context.cpu(), "write", null, a, Map.of("data", Shape.of(4, 3)))) {
            assertNotSame(a.argDict().get("fc2_weight"), b.argDict().get("fc2_weight"), "MXNet shares arguments only through shared_buffer");
            assertFalse(a.argDict().get("data").sharesMemoryWith(b.argDict().get("data")));
            assertTrue(a.memoryStats().plannedBytes() > 0);
            assertEquals(a.memoryStats().plannedBytes(), a.pool.bytes(), "the smaller executor fits in the larger one's blocks");
        }
    }

    @Test
    void sharedArgNamesAndSharedBuffer() {
        List<String> params = List.of("fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias");
        Map<String, NDArray> buffer = new HashMap<>();
        try (Executor a = Executor.simpleBind(mlp(), Context.cpu(), "write", null, params, null, buffer, Map.of("data", Shape.of(8, 3)),
                Executor.Options.DEFAULT)) {
            assertEquals(java.util.Set.of("data", "grad of data", "softmax_label", "grad of softmax_label"), buffer.keySet());
            NDArray data8 = buffer.get("data");
            assertTrue(data8.sharesMemoryWith(a.argDict().get("data")));
            try (Executor b = Executor.simpleBind(mlp(), Context.cpu(), "write", null, List.of("fc2_weight", "nosuch"), a, buffer,
                    Map.of("data", Shape.of(4, 3)), Executor.Options.DEFAULT)) {
                assertSame(a.argDict().get("fc2_weight"), b.argDict().get("fc2_weight"), "named: shared");
                assertSame(a.gradDict().get("fc2_weight"), b.gradDict().get("fc2_weight"));
                assertNotSame(a.argDict().get("fc1_weight"), b.argDict().get("fc1_weight"), "not named: its own");
                assertEquals(Shape.of(4, 3), b.argDict().get("data").shape());
                assertTrue(b.argDict().get("data").sharesMemoryWith(a.argDict().get("data")), "smaller: a view on the buffer's array");
                assertSame(data8, buffer.get("data"), "a view does not replace the entry");
                assertTrue(buffer.containsKey("fc1_weight"), "an unshared parameter goes to the buffer as any other argument");
                // larger than the buffer's array: a new one, which takes the buffer's place
                try (Executor c = Executor.simpleBind(mlp(), Context.cpu(), "write", null, params, a, buffer, Map.of("data", Shape.of(16, 3)),
                        Executor.Options.DEFAULT)) {
                    assertNotSame(data8, buffer.get("data"));
                    assertEquals(Shape.of(16, 3), buffer.get("data").shape());
                    assertTrue(c.argDict().get("data").sharesMemoryWith(buffer.get("data")));
                    c.argDict().get("data").set(new float[48]);
                    c.forward(false);
                }
                // every executor still works after the entry was replaced
                b.forward(false);
                b.outputs().get(0).waitToRead();
            }
            // parameters whose shapes differ from shared_exec's fail, naming both shapes
            Symbol wide = Symbol.create("SoftmaxOutput", "softmax", Map.of(), Symbol.create("FullyConnected", "fc2", Map.of("num_hidden", 3),
                    Symbol.create("FullyConnected", "fc1", Map.of("num_hidden", 4), Symbol.var("data"))));
            ExecutorException e = assertThrows(ExecutorException.class, () -> Executor.simpleBind(wide, Context.cpu(), "write", null, params, a,
                    buffer, Map.of("data", Shape.of(8, 3)), Executor.Options.DEFAULT));
            assertTrue(e.getMessage().contains("fc2_weight has shape (3, 4) here but (2, 4) in shared_exec"), e.getMessage());
            Symbol extra = Symbol.create("FullyConnected", "fc3", Map.of("num_hidden", 2), mlp());
            e = assertThrows(ExecutorException.class, () -> Executor.simpleBind(extra, Context.cpu(), "write", null, List.of("fc3_weight"), a,
                    buffer, Map.of("data", Shape.of(8, 3)), Executor.Options.DEFAULT));
            assertTrue(e.getMessage().contains("fc3_weight is not in shared_exec"), e.getMessage());
        } finally {
            for (NDArray x : buffer.values()) x.close();
        }
    }

    @Test
    void simpleBindInfersUnlistedTypesFromListedOnes() {
        Symbol fc = Symbol.create("FullyConnected", "f", Map.of("num_hidden", 2), Symbol.var("x"));
        Symbol net = Symbol.create("BatchNorm", "bn", Map.of(), fc);
        try (Executor ex = Executor.simpleBind(net, Context.cpu(), "write", Map.of("x", dev.mxj.op.DType.FLOAT64), null, Map.of("x", Shape.of(3, 4)))) {
            assertEquals(dev.mxj.op.DType.FLOAT64, ex.argDict().get("f_weight").dtype());
            assertEquals(dev.mxj.op.DType.FLOAT64, ex.auxDict().get("bn_moving_mean").dtype());
            ex.argDict().get("x").set(new double[12]);
            ex.forward(true);
            ex.backward(List.of(NDArray.ones(Shape.of(3, 2), dev.mxj.op.DType.FLOAT64, Context.cpu())));
            assertEquals(dev.mxj.op.DType.FLOAT64, ex.gradDict().get("f_weight").dtype());
        }
        // a variable nothing types stays float32; one given type decides what it reaches
        Symbol two = Symbol.create("Cast", "c", Map.of("dtype", "float16"), Symbol.var("a")).add(Symbol.var("b"));
        try (Executor ex = Executor.simpleBind(two, Context.cpu(), "null", Map.of("b", dev.mxj.op.DType.FLOAT16), null,
                Map.of("a", Shape.of(2), "b", Shape.of(2)))) {
            assertEquals(dev.mxj.op.DType.FLOAT32, ex.argDict().get("a").dtype());
            assertEquals(dev.mxj.op.DType.FLOAT16, ex.outputs().get(0).dtype());
        }
    }

    @Test
    void simpleBindIgnoresShapesAndTypesForNamesThatAreNotInputs() {
        Symbol fc = Symbol.create("FullyConnected", "f", Map.of("num_hidden", 4), Symbol.var("x"));
        try (Executor ex = Executor.simpleBind(fc, Context.cpu(), "write", Map.of("x", dev.mxj.op.DType.FLOAT64, "nope", dev.mxj.op.DType.FLOAT16), null,
                Map.of("x", Shape.of(2, 3), "nope", Shape.of(4, 4)))) {
            assertEquals(List.of("x", "f_weight", "f_bias"), List.copyOf(ex.argDict().keySet()));
            assertEquals(Shape.of(4, 3), ex.argDict().get("f_weight").shape());
            assertEquals(dev.mxj.op.DType.FLOAT64, ex.argDict().get("f_weight").dtype());
        }
        // the inputs' own shapes are still required
        assertThrows(ExecutorException.class, () -> Executor.simpleBind(fc, Context.cpu(), "write", null, null, Map.of("nope", Shape.of(2, 3))));
    }

    @Test
    void group2ctxPlacesLayersOnTwoContextsWithEqualResults() {
        Symbol net;
        Symbol data = Symbol.var("data");
        try (var s = dev.mxj.symbol.AttrScope.of(Map.of("ctx_group", "dev1"))) {
            net = Symbol.create("Activation", "relu1", Map.of("act_type", "relu"), Symbol.create("FullyConnected", "fc1", Map.of("num_hidden", 4), data));
        }
        try (var s = dev.mxj.symbol.AttrScope.of(Map.of("ctx_group", "dev2"))) {
            net = Symbol.create("SoftmaxOutput", "softmax", Map.of(), Symbol.create("FullyConnected", "fc2", Map.of("num_hidden", 2), net));
        }
        Ref r = reference();
        Map<String, Context> g2c = Map.of("dev1", Context.cpu(0), "dev2", Context.cpu(1));
        try (Executor ex = Executor.simpleBind(net, Context.cpu(0), "write", null, null, Map.of("data", Shape.of(2, 3)),
                Executor.Options.DEFAULT.withGroup2ctx(g2c))) {
            assertEquals(Context.cpu(0), ex.argDict().get("fc1_weight").context());
            assertEquals(Context.cpu(1), ex.argDict().get("fc2_weight").context());
            assertEquals(Context.cpu(1), ex.argDict().get("softmax_label").context());
            assertEquals(Context.cpu(0), ex.argDict().get("data").context(), "data lives where its first reader runs");
            assertEquals(Context.cpu(1), ex.gradDict().get("fc2_weight").context());
            setParams(ex);
            ex.forward(true);
            assertEquals(Context.cpu(1), ex.outputs().get(0).context());
            ex.backward();
            close(flat(r.prob()), ex.outputs().get(0), "softmax_output across two contexts");
            close(flat(r.dW1()), ex.gradDict().get("fc1_weight"), "fc1_weight grad across two contexts");
            close(flat(r.dW2()), ex.gradDict().get("fc2_weight"), "fc2_weight grad across two contexts");
            close(flat(r.dX()), ex.gradDict().get("data"), "data grad across two contexts");
        }
    }

    @Test
    void monitorSeesEveryOutputByName() {
        List<String> names = new ArrayList<>();
        try (Executor ex = mlp().simpleBind(Context.cpu(), "write", Map.of("data", Shape.of(2, 3)))) {
            setParams(ex);
            ex.setMonitorCallback((n, arr) -> names.add(n + " " + arr.shape()), false);
            ex.forward(true);
            assertEquals(List.of("fc1_output (2, 4)", "relu1_output (2, 4)", "fc2_output (2, 2)", "softmax_output (2, 2)"), names);
            names.clear();
            ex.setMonitorCallback((n, arr) -> names.add(n), true);
            ex.forward(false);
            assertTrue(names.contains("fc1_weight") && names.contains("fc2_data"), names.toString());
            // backward nodes as MXNet 1.9's executor names them: after the forward node, outputs numbered
            ex.setMonitorCallback(null, false);
            ex.forward(true);
            names.clear();
            ex.setMonitorCallback((n, arr) -> names.add(n + " " + arr.shape()), false);
            ex.backward();
            assertTrue(names.containsAll(List.of("fc2_backward_output0 (2, 4)", "fc2_backward_output1 (2, 4)", "fc2_backward_output2 (2,)",
                    "relu1_backward_output (2, 4)", "fc1_backward_output1 (4, 3)")), names.toString());
            assertTrue(names.stream().noneMatch(n -> n.contains("__backward_") || n.contains("_grad ")), names.toString());
        }
    }

    @Test
    void badInputFailsNamingWhatIsWrong() {
        Symbol net = mlp();
        ExecutorException e = assertThrows(ExecutorException.class, () -> net.simpleBind(Context.cpu(), "write", Map.of()));
        assertTrue(e.getMessage().contains("cannot infer the shapes of [data"), e.getMessage());
        e = assertThrows(ExecutorException.class, () -> net.simpleBind(Context.cpu(), "sometimes", Map.of("data", Shape.of(2, 3))));
        assertTrue(e.getMessage().contains("grad_req must be one of"), e.getMessage());
        e = assertThrows(ExecutorException.class, () -> net.bind(Context.cpu(), Map.of("data", NDArray.zeros(2, 3))));
        assertTrue(e.getMessage().contains("key `fc1_weight` is missing in `args`"), e.getMessage());
        e = assertThrows(ExecutorException.class, () -> net.simpleBind(Context.cpu(), "write", Map.of("data", Shape.of(2, 3), "fc1_weight", Shape.of(5, 5))));
        assertTrue(e.getMessage().contains("fc1"), e.getMessage());
        try (Executor ex = net.simpleBind(Context.cpu(), "write", Map.of("data", Shape.of(2, 3)))) {
            e = assertThrows(ExecutorException.class, () -> ex.forward(true, Map.of("data", NDArray.zeros(3, 3))));
            assertEquals("Shape not match! Argument data, need: (2, 3), received: (3, 3)", e.getMessage());
            e = assertThrows(ExecutorException.class, () -> ex.forward(true, Map.of("nope", NDArray.zeros(3, 3))));
            assertTrue(e.getMessage().startsWith("Unknown argument nope"), e.getMessage());
            e = assertThrows(ExecutorException.class, () -> ex.copyParamsFrom(Map.of("fc9_weight", NDArray.zeros(1)), null, false));
            assertEquals("Find name \"fc9_weight\" that is not in the arguments", e.getMessage());
            ex.copyParamsFrom(Map.of("fc9_weight", NDArray.zeros(1)), null, true);
        }
        Symbol dup = Symbol.var("x").add(Symbol.var("x"));
        e = assertThrows(ExecutorException.class, () -> dup.simpleBind(Context.cpu(), "write", Map.of("x", Shape.of(2))));
        assertTrue(e.getMessage().contains("Find duplicated argument name \"x\""), e.getMessage());
    }
}
