package dev.mxj.module;

import dev.mxj.Context;
import dev.mxj.Random;
import dev.mxj.examples.SymbolNetworks;
import dev.mxj.initializer.Xavier;
import dev.mxj.io.DataBatch;
import dev.mxj.io.DataDesc;
import dev.mxj.io.DataIter;
import dev.mxj.io.NDArrayIter;
import dev.mxj.model.FeedForward;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.Shape;
import dev.mxj.symbol.Symbol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** BucketingModule, SequentialModule and FeedForward. */
class ModuleFamilyTest {
    /** Sequences of length {@code key} of 4 features; the class is the feature with the largest mean over time. */
    static final class Buckets extends DataIter {
        private final int[] keys;
        private final java.util.Random rnd = new java.util.Random(3);
        private int i;

        Buckets(int[] keys) { super(16); this.keys = keys; }

        @Override public List<DataDesc> provideData() { return List.of(new DataDesc("data", Shape.of(16, 10, 4))); }

        @Override public List<DataDesc> provideLabel() { return List.of(new DataDesc("softmax_label", Shape.of(16))); }

        @Override protected DataBatch produce() {
            if (i == keys.length) return null;
            int len = keys[i++];
            float[] x = new float[16 * len * 4], y = new float[16];
            for (int b = 0; b < 16; b++) {
                int c = rnd.nextInt(3);
                y[b] = c;
                for (int t = 0; t < len; t++) for (int f = 0; f < 4; f++) x[(b * len + t) * 4 + f] = (float) rnd.nextGaussian() + (f == c ? 1f : 0f);
            }
            return new DataBatch(List.of(NDArray.array(x, Shape.of(16, len, 4))), List.of(NDArray.array(y)), 0, null, len,
                    List.of(new DataDesc("data", Shape.of(16, len, 4))), List.of(new DataDesc("softmax_label", Shape.of(16))));
        }

        @Override protected void rewind() { i = 0; }
    }

    static BucketingModule.SymGen symGen(Object key) {
        Symbol mean = Symbol.create("mean", "avg", Map.of("axis", 1), Symbol.var("data"));
        Symbol fc = Symbol.create("FullyConnected", "fc", Map.of("num_hidden", 3), mean);
        return new BucketingModule.SymGen(Symbol.create("SoftmaxOutput", "softmax", Map.of(), fc), List.of("data"), List.of("softmax_label"));
    }

    @Test
    void bucketsShareParametersMemoryAndOptimizer() {
        Random.seed(4);
        int[] keys = new int[60];
        for (int k = 0; k < keys.length; k++) keys[k] = new int[] {10, 5, 7}[k % 3];
        try (BucketingModule m = new BucketingModule(ModuleFamilyTest::symGen, 10, Context.cpu(), List.of())) {
            m.setLogger(s -> {});
            Buckets train = new Buckets(keys);
            m.fit(train, new BaseModule.FitArgs().numEpoch(3).initializer(new Xavier()).optimizerParams(Map.of("learning_rate", 0.5)));
            assertEquals(java.util.Set.of(10, 5, 7), m.buckets().keySet());
            Module b10 = m.buckets().get(10), b5 = m.buckets().get(5);
            assertSame(b10.executor().argDict().get("fc_weight"), b5.executor().argDict().get("fc_weight"));
            assertSame(b10.updater(), b5.updater(), "one optimizer state for all buckets");
            assertEquals(b10.executor().memoryStats().plannedBytes(), b5.executor().sharedPoolBytes(),
                    "the smaller buckets fit in the default (largest) bucket's memory: the pool did not grow");
            double acc = m.score(new Buckets(new int[] {5, 7, 10, 10, 5}), "acc").get(0).getValue();
            assertTrue(acc > 0.85, "accuracy " + acc);
            assertEquals(Shape.of(3, 4), m.getParams().argParams().get("fc_weight").shape());
            assertTrue(b5.executor().argDict().get("data").sharesMemoryWith(b10.executor().argDict().get("data")),
                    "a smaller bucket's data array lies in the default bucket's (shared_buffer)");
        }
    }

    /** A bucket whose FullyConnected sees another number of features than the default bucket's: its weight cannot be shared. */
    static BucketingModule.SymGen flatSymGen(Object key) {
        Symbol flat = Symbol.create("Flatten", "flat", Map.of(), Symbol.var("data"));
        Symbol fc = Symbol.create("FullyConnected", "fc", Map.of("num_hidden", 3), flat);
        return new BucketingModule.SymGen(Symbol.create("SoftmaxOutput", "softmax", Map.of(), fc), List.of("data"), List.of("softmax_label"));
    }

    @Test
    void bucketWithOtherParameterShapesFails() {
        try (BucketingModule m = new BucketingModule(ModuleFamilyTest::flatSymGen, 10, Context.cpu(), List.of())) {
            m.setLogger(s -> {});
            m.bind(List.of(new DataDesc("data", Shape.of(16, 10, 4))), List.of(new DataDesc("softmax_label", Shape.of(16))), true, false, false, null, "write");
            m.initParams(new Xavier(), null, null, false, false, false);
            var e = assertThrows(dev.mxj.MxjException.class, () -> m.switchBucket(5, List.of(new DataDesc("data", Shape.of(16, 5, 4))),
                    List.of(new DataDesc("softmax_label", Shape.of(16)))));
            assertTrue(e.getMessage().contains("bucket 5") && e.getMessage().contains("fc_weight") && e.getMessage().contains("(3, 20)")
                    && e.getMessage().contains("(3, 40)"), e.getMessage());
            assertEquals(java.util.Set.of(10), m.buckets().keySet(), "the failed bucket is not kept");
            assertEquals(10, m.bucketKey());
        }
    }

    @Test
    void sequentialEqualsTheCombinedNetwork() {
        Symbol first = Symbol.create("Activation", "relu1", Map.of("act_type", "relu"),
                Symbol.create("FullyConnected", "fc1", Map.of("num_hidden", 16), Symbol.var("data")));
        Symbol second = Symbol.create("SoftmaxOutput", "softmax", Map.of(),
                Symbol.create("FullyConnected", "fc2", Map.of("num_hidden", 3), Symbol.var("data")));
        NDArrayIter it = ModuleTest.data(40, 20, 9);
        Random.seed(5);
        try (Module combined = new Module(SymbolNetworks.mlp(3, 16));
             SequentialModule seq = new SequentialModule()
                     .add(new Module(first, List.of("data"), List.of(), Context.cpu(), List.of()))
                     .add(new Module(second, List.of("data"), List.of("softmax_label"), Context.cpu(), List.of()), true, true)) {
            combined.setLogger(s -> {});
            seq.setLogger(s -> {});
            combined.bind(it.provideData(), it.provideLabel());
            combined.initParams(new Xavier(), null, null, false, false, false);
            seq.bind(it.provideData(), it.provideLabel());
            seq.initParams(null, combined.getParams().argParams(), null, false, false, false);
            assertEquals(List.of("softmax_output"), seq.outputNames());
            DataBatch b = it.next();
            combined.forwardBackward(b);
            seq.forwardBackward(b);
            assertArrayEquals(combined.getOutputs().get(0).toFloatArray(), seq.getOutputs().get(0).toFloatArray(), 1e-6f);
            Module m1 = (Module) seq.modules().get(0);
            assertArrayEquals(combined.executor().gradDict().get("fc1_weight").toFloatArray(), m1.executor().gradDict().get("fc1_weight").toFloatArray(), 1e-6f,
                    "the first module's gradient comes from the second module's input gradient");
            // and it trains
            seq.initOptimizer("local", "sgd", Map.of("learning_rate", 0.5, "momentum", 0.9), false);
            NDArrayIter train = ModuleTest.data(300, 25, 1);
            for (int e = 0; e < 4; e++) {
                train.reset();
                for (DataBatch x : train) { seq.forwardBackward(x); seq.update(); }
            }
            assertTrue(seq.score(ModuleTest.data(100, 25, 2), "acc").get(0).getValue() > 0.9);
        }
    }

    @Test
    void feedForwardCreatesPredictsSavesAndLoads(@TempDir Path dir) {
        Random.seed(6);
        NDArrayIter train = ModuleTest.data(300, 25, 1), test = ModuleTest.data(100, 25, 2);
        FeedForward ff = FeedForward.create(SymbolNetworks.mlp(3, 16), train, Context.cpu(), 4, "sgd", new Xavier(), null, "acc", null, null,
                Map.of("learning_rate", 0.5, "momentum", 0.9));
        NDArray p = ff.predict(test, null);
        assertEquals(Shape.of(100, 3), p.shape());
        assertTrue(ff.score(test, "acc", null) > 0.9);
        String prefix = dir.resolve("ff").toString();
        ff.save(prefix, null);
        FeedForward back = FeedForward.load(prefix, 4, Context.cpu(), 4, Map.of());
        assertArrayEquals(p.toFloatArray(), back.predict(test, null).toFloatArray(), 1e-6f);
    }
}
