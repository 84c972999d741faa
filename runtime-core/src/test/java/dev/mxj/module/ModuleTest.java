package dev.mxj.module;

import dev.mxj.Context;
import dev.mxj.MxjException;
import dev.mxj.Random;
import dev.mxj.callback.Callbacks;
import dev.mxj.callback.ProgressBar;
import dev.mxj.callback.Speedometer;
import dev.mxj.examples.SymbolNetworks;
import dev.mxj.initializer.Xavier;
import dev.mxj.io.DataBatch;
import dev.mxj.io.NDArrayIter;
import dev.mxj.metric.Accuracy;
import dev.mxj.model.Model;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDSerializer;
import dev.mxj.op.Shape;
import dev.mxj.symbol.Symbol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Module's training loop, parameters, checkpoints and callbacks on a small synthetic problem. */
class ModuleTest {
    /** 3 separable classes in 4 features: the class is the argmax of the first three features. */
    static NDArrayIter data(int n, int batch, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[n * 4], y = new float[n];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(3);
            y[i] = c;
            for (int j = 0; j < 4; j++) x[i * 4 + j] = (float) r.nextGaussian() * 0.3f + (j == c ? 1.5f : 0f);
        }
        return NDArrayIter.builder().data(NDArray.array(x, Shape.of(n, 4))).label(NDArray.array(y)).batchSize(batch)
                .labelName("softmax_label").build();
    }

    static Module module() { return new Module(SymbolNetworks.mlp(3, 16)); }

    static BaseModule.FitArgs args(int epochs) {
        return new BaseModule.FitArgs().numEpoch(epochs).initializer(new Xavier()).optimizer("sgd")
                .optimizerParams(Map.of("learning_rate", 0.5, "momentum", 0.9));
    }

    @Test
    void fitLearnsScoresAndPredicts() {
        Random.seed(1);
        List<String> log = new ArrayList<>();
        List<Integer> epochsSeen = new ArrayList<>();
        try (Module m = module()) {
            m.setLogger(log::add);
            NDArrayIter train = data(300, 25, 1), val = data(110, 25, 2); // 110 = 4 full batches + one padded by 15
            m.fit(train, args(4).evalData(val).epochEndCallback((e, s, a, x) -> epochsSeen.add(e)));
            assertEquals(List.of(0, 1, 2, 3), epochsSeen);
            assertTrue(log.stream().anyMatch(l -> l.matches("Epoch\\[3\\] Train-accuracy=[01]\\.\\d{6}")), log.toString());
            assertTrue(log.stream().anyMatch(l -> l.matches("Epoch\\[0\\] Time cost=\\d+\\.\\d{3}")), log.toString());
            assertTrue(log.stream().anyMatch(l -> l.startsWith("Epoch[3] Validation-accuracy=")), log.toString());
            double acc = m.score(val, "acc").get(0).getValue();
            assertTrue(acc > 0.9, "validation accuracy " + acc);

            NDArray pred = m.predict(val).get(0);
            assertEquals(Shape.of(110, 3), pred.shape(), "padding removed, batches merged");
            List<List<NDArray>> per = m.predictPerBatch(val, 2, true);
            assertEquals(2, per.size());
            float[] first = per.get(0).get(0).toFloatArray(), merged = pred.toFloatArray();
            for (int i = 0; i < first.length; i++) assertEquals(merged[i], first[i], 1e-6);
            int n = 0;
            for (BaseModule.Prediction p : m.iterPredict(val, null, true)) {
                assertEquals(n++, p.nbatch());
                assertEquals(p.batch().pad() > 0 ? 10 : 25, p.outputs().get(0).shape().dim(0));
            }
            assertEquals(5, n);
            assertEquals(Map.of("softmax_output", Shape.of(25, 3)), m.outputShapes());
        }
    }

    @Test
    void checkpointsResumeTrainingExactly(@TempDir Path dir) throws Exception {
        String prefix = dir.resolve("mlp").toString();
        // uninterrupted: 3 epochs
        Random.seed(3);
        Map<String, float[]> straight;
        try (Module m = module()) {
            m.setLogger(s -> {});
            NDArrayIter it = data(200, 20, 5);
            m.fit(it, args(3).epochEndCallback(Callbacks.moduleCheckpoint(m, prefix, 2, true)));
            straight = floats(m.getParams().argParams());
        }
        assertTrue(Files.exists(Path.of(prefix + "-symbol.json")));
        assertTrue(Files.exists(Path.of(prefix + "-0002.params")) && Files.exists(Path.of(prefix + "-0002.states")));
        assertFalse(Files.exists(Path.of(prefix + "-0001.params")), "period 2");
        // resumed: load epoch 2 with optimizer states (momentum), train the third epoch
        try (Module m = Module.load(prefix, 2, true, List.of("data"), List.of("softmax_label"), Context.cpu())) {
            m.setLogger(s -> {});
            NDArrayIter it = data(200, 20, 5);
            m.fit(it, args(3).beginEpoch(2));
            Map<String, float[]> resumed = floats(m.getParams().argParams());
            for (var e : straight.entrySet()) assertArrayEquals(e.getValue(), resumed.get(e.getKey()), 1e-5f, e.getKey());
        }
    }

    @Test
    void checkpointFilesHaveMxnetsLayout(@TempDir Path dir) throws Exception {
        Symbol bn = Symbol.create("FullyConnected", "fc", Map.of("num_hidden", 2),
                Symbol.create("BatchNorm", "bn", Map.of(), Symbol.var("data")));
        try (Module m = new Module(bn, List.of("data"), List.of(), Context.cpu(), List.of())) {
            m.setLogger(s -> {});
            m.bind(List.of(new dev.mxj.io.DataDesc("data", Shape.of(4, 3))), null, false, false, false, null, "write");
            m.initParams(new Xavier(), null, null, false, false, false);
            String prefix = dir.resolve("bn").toString();
            Model.saveCheckpoint(prefix, 7, m.symbol(), m.getParams().argParams(), m.getParams().auxParams());
            Path params = dir.resolve("bn-0007.params");
            NDSerializer.Loaded l = NDSerializer.load(params);
            assertEquals(List.of("arg:bn_gamma", "arg:bn_beta", "arg:fc_weight", "arg:fc_bias", "aux:bn_moving_mean", "aux:bn_moving_var"), l.names());
            // the bytes are exactly NDArray.save of that dict (the format the parity suite checks against MXNet)
            assertArrayEquals(NDSerializer.toBytes(l.arrays(), l.names()), Files.readAllBytes(params));
            Model.Checkpoint c = Model.loadCheckpoint(prefix, 7);
            assertEquals(m.symbol().toJson(), c.symbol().toJson());
            assertEquals(List.of("bn_moving_mean", "bn_moving_var"), List.copyOf(c.auxParams().keySet()));
            try (var files = Files.list(dir)) {
                assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left");
            }
            NDArray.save(dir.resolve("bad.params"), Map.of("weight", NDArray.zeros(1)));
            MxjException e = assertThrows(MxjException.class, () -> Model.loadParams(dir.resolve("bad.params")));
            assertTrue(e.getMessage().contains("key 'weight' is neither arg:<name> nor aux:<name>"), e.getMessage());
        }
    }

    @Test
    void parametersGetSetAndMissing() {
        try (Module m = module()) {
            m.setLogger(s -> {});
            NDArrayIter it = data(40, 20, 1);
            m.bind(it.provideData(), it.provideLabel());
            MxjException e = assertThrows(MxjException.class,
                    () -> m.initParams(null, Map.of("fc1_weight", NDArray.zeros(16, 4)), null, false, false, false));
            assertTrue(e.getMessage().endsWith("is not presented"), e.getMessage());
            m.initParams(new Xavier(), Map.of("fc1_bias", NDArray.ones(16)), null, true, false, false);
            assertArrayEquals(NDArray.ones(16).toFloatArray(), m.getParams().argParams().get("fc1_bias").toFloatArray());
            assertNotEquals(0f, m.getParams().argParams().get("fc1_weight").toFloatArray()[0]);
            m.setParams(Map.of("fc2_bias", NDArray.array(new float[] {1, 2, 3})), null, true, true, false);
            assertArrayEquals(new float[] {1, 2, 3}, m.getParams().argParams().get("fc2_bias").toFloatArray(), "synchronised from the executor");
            e = assertThrows(MxjException.class, () -> m.update());
            assertTrue(e.getMessage().contains("init_optimizer"), e.getMessage());
            e = assertThrows(MxjException.class, () -> m.initOptimizer("dist_sync", "sgd", Map.of(), false));
            assertTrue(e.getMessage().contains("kvstore 'dist_sync'"), e.getMessage());
        }
        MxjException e = assertThrows(MxjException.class, () -> new Module(SymbolNetworks.mlp(3, 16), List.of("x"), List.of(), Context.cpu(), List.of()));
        assertTrue(e.getMessage().contains("input with name 'x' is not found in symbol.list_arguments(). Did you mean one of:\n\tdata"), e.getMessage());
        e = assertThrows(MxjException.class, () -> module().fit(data(40, 20, 1), new BaseModule.FitArgs()));
        assertEquals("please specify number of epochs", e.getMessage());
    }

    @Test
    void fixedParametersStayAndBatchShapesMayChange() {
        try (Module m = new Module(SymbolNetworks.mlp(3, 16), List.of("data"), List.of("softmax_label"), Context.cpu(), List.of("fc1_weight"))) {
            m.setLogger(s -> {});
            Random.seed(2);
            NDArrayIter it = data(60, 20, 1);
            m.bind(it.provideData(), it.provideLabel());
            m.initParams(new Xavier(), null, null, false, false, false);
            m.initOptimizer("local", "sgd", Map.of("learning_rate", 0.1), false);
            float[] w0 = m.getParams().argParams().get("fc1_weight").toFloatArray();
            float[] b0 = m.getParams().argParams().get("fc1_bias").toFloatArray();
            for (DataBatch b : it) { m.forwardBackward(b); m.update(); }
            assertArrayEquals(w0, m.getParams().argParams().get("fc1_weight").toFloatArray(), "fixed parameter unchanged");
            assertFalse(java.util.Arrays.equals(b0, m.getParams().argParams().get("fc1_bias").toFloatArray()), "others train");
            // a smaller batch reshapes the executor, sharing the parameters
            NDArrayIter small = NDArrayIter.builder().data(NDArray.zeros(7, 4)).label(NDArray.zeros(7)).batchSize(7).labelName("softmax_label").build();
            m.forward(small.next(), false);
            assertEquals(Shape.of(7, 3), m.getOutputs().get(0).shape());
            assertSame(m.executor().argDict().get("fc2_weight"), m.executor().argDict().get("fc2_weight"));
        }
    }

    @Test
    void monitorPrintsStatisticsEveryIntervalBatches() {
        List<String> lines = new ArrayList<>();
        dev.mxj.executor.Monitor mon = new dev.mxj.executor.Monitor(2, null, "fc1_", true, false).setLogger(lines::add);
        try (Module m = module()) {
            m.setLogger(s -> {});
            m.fit(data(80, 20, 1), args(1).monitor(mon)); // 4 batches: active at the first and third
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("Batch:       1 fc1_output                     ")), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("Batch:       3 fc1_weight                     ")), lines.toString());
            assertTrue(lines.stream().noneMatch(l -> l.contains(" fc2_")), "pattern anchored at the start: " + lines);
            assertTrue(lines.stream().noneMatch(l -> l.startsWith("Batch:       2") || l.startsWith("Batch:       4")), lines.toString());
            // the default statistic is norm(x) / sqrt(size)
            float[] w = m.getParams().argParams().get("fc1_bias").toFloatArray();
            mon.tic(); // step 4: active
            m.forward(data(20, 20, 3).next(), false);
            List<dev.mxj.executor.Monitor.Stat> stats = mon.toc();
            double ss = 0;
            for (float v : w) ss += v * v;
            double want = Math.sqrt(ss) / Math.sqrt(w.length);
            var bias = stats.stream().filter(st -> st.name().equals("fc1_bias")).findFirst().orElseThrow();
            assertEquals(want, Double.parseDouble(bias.value().trim()), 1e-5);
            assertEquals(stats.stream().map(dev.mxj.executor.Monitor.Stat::name).sorted().toList(),
                    stats.stream().map(dev.mxj.executor.Monitor.Stat::name).toList(), "sort=True orders rows by name");
        }
    }

    @Test
    void callbacksWriteMxnetsLines() {
        List<String> out = new ArrayList<>();
        long[] now = {0};
        Speedometer s = new Speedometer(32, 2, true, out::add, () -> now[0]);
        Accuracy acc = new Accuracy();
        acc.update(NDArray.array(new float[] {1, 0}), NDArray.array(new float[][] {{0.2f, 0.8f}, {0.3f, 0.7f}}));
        for (int b = 0; b <= 4; b++) {
            now[0] += 500_000_000L; // half a second per batch
            s.call(new dev.mxj.callback.BatchEndParam(1, b, acc, Map.of()));
        }
        // first call starts the clock; at batches 2 and 4: 2 batches * 32 samples / 1 s
        assertEquals("Epoch[1] Batch [0-2]\tSpeed: 64.00 samples/sec\taccuracy=0.500000", out.get(0));
        assertEquals("Epoch[1] Batch [2-4]\tSpeed: 64.00 samples/sec\taccuracy=nan", out.get(1), "Python's '%f' % nan");
        out.clear();
        new ProgressBar(4, 10, out::add).call(new dev.mxj.callback.BatchEndParam(0, 1, null, Map.of()));
        assertEquals("[==--------] 25%\r", out.get(0), "round(2.5) is 2 in Python 3");
        out.clear();
        Accuracy a2 = new Accuracy();
        a2.update(NDArray.array(new float[] {1}), NDArray.array(new float[][] {{0.2f, 0.8f}}));
        Callbacks.logTrainMetric(5, false, out::add).call(new dev.mxj.callback.BatchEndParam(2, 10, a2, Map.of()));
        Callbacks.logValidationMetrics(out::add).call(new dev.mxj.callback.BatchEndParam(2, 10, a2, Map.of()));
        assertEquals(List.of("Iter[2] Batch[10] Train-accuracy=1.000000", "Epoch[2] Validation-accuracy=1.000000"), out);
        out.clear();
        a2.reset();
        Callbacks.logTrainMetric(5, false, out::add).call(new dev.mxj.callback.BatchEndParam(2, 10, a2, Map.of()));
        assertEquals(List.of("Iter[2] Batch[10] Train-accuracy=nan"), out);
        // what Python's '%f' / '%.2f' print
        assertEquals(List.of("nan", "inf", "-inf", "-0.500000", "3.14", "1.000"),
                List.of(Callbacks.f(Double.NaN), Callbacks.f(Double.POSITIVE_INFINITY), Callbacks.f(Double.NEGATIVE_INFINITY), Callbacks.f(-0.5),
                        Callbacks.fixed(3.14159, 2), Callbacks.fixed(0.9999, 3)));
    }

    static Map<String, float[]> floats(Map<String, NDArray> m) {
        Map<String, float[]> r = new java.util.TreeMap<>();
        for (var e : m.entrySet()) r.put(e.getKey(), e.getValue().toFloatArray());
        return r;
    }
}
