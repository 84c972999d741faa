package dev.mxj.interop;

import dev.mxj.Context;
import dev.mxj.io.DataBatch;
import dev.mxj.io.DataDesc;
import dev.mxj.metric.EvalMetric;
import dev.mxj.module.BaseModule;
import dev.mxj.module.Module;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The adapters through which guest-language iterators, metrics and initializers take part in the runtime's loops, and the bind/viz glue. */
class GuestAdaptersTest {
    private static Symbol mlp() {
        Symbol fc = Symbol.create("FullyConnected", "fc", Map.of("num_hidden", 2), Symbol.var("data"));
        return Symbol.create("SoftmaxOutput", "softmax", Map.of(), fc);
    }

    /** Two batches of two rows, counting the guest calls. */
    private static class Rows implements GuestIter.Source {
        int pos, resets;

        @Override public DataBatch next() {
            if (pos == 2) return null;
            pos++;
            return new DataBatch(List.of(NDArray.array(new float[] {1, 0, 0, 1}, Shape.of(2, 2), Context.cpu())),
                    List.of(NDArray.array(new float[] {0, 1})), 0);
        }

        @Override public void reset() { pos = 0; resets++; }

        @Override public List<DataDesc> provideData() { return List.of(new DataDesc("data", Shape.of(2, 2))); }

        @Override public List<DataDesc> provideLabel() { return List.of(new DataDesc("softmax_label", Shape.of(2))); }
    }

    @Test
    void guestIteratorMetricAndInitializerDriveModuleFit() {
        Rows rows = new Rows();
        GuestIter it = GuestIter.of(0, rows, "the guest");
        assertEquals(2, it.batchSize(), "taken from provideData");
        assertEquals("softmax_label", it.provideLabel().get(0).name());
        assertEquals(List.of(), GuestIter.of(2, new Rows() {
            @Override public List<DataDesc> provideLabel() { return null; }
        }, null).provideLabel(), "no labels: an empty list, as the runtime's iterators");
        assertEquals("the guest", it.guest());
        List<String> calls = new ArrayList<>();
        double[] sums = new double[2];
        GuestMetric metric = new GuestMetric("count", null, null, "js metric", new GuestMetric.Host() {
            @Override public void update(List<NDArray> labels, List<NDArray> preds) { sums[0] += preds.get(0).shape().dim(0); sums[1]++; }

            @Override public EvalMetric.Result get(boolean global) { return EvalMetric.Result.of("count", sums[0] / sums[1]); }

            @Override public void reset(boolean localOnly) { calls.add(localOnly ? "resetLocal" : "reset"); }
        });
        List<String> filled = new ArrayList<>();
        GuestInitializer init = new GuestInitializer((name, attrs, arr) -> { filled.add(name); arr.set(0.5); }, "[\"halves\", {}]");
        try (Module m = new Module(mlp(), List.of("data"), List.of("softmax_label"), Context.cpu(), List.of())) {
            m.setLogger(s -> {});
            m.fit(it, new BaseModule.FitArgs().numEpoch(2).evalMetric(metric).initializer(init));
            assertEquals(List.of("fc_bias", "fc_weight"), filled);
            assertEquals(2.0, metric.get().value());
            assertEquals(List.of("reset", "reset"), calls, "one reset per epoch");
            assertEquals(2, rows.resets, "the iterator is rewound after each epoch");
            assertEquals("js metric", metric.guest());
            assertEquals("[\"halves\", {}]", init.dumps());
        }
        assertThrows(IllegalArgumentException.class, () -> GuestIter.of(0, new Rows() {
            @Override public List<DataDesc> provideData() { return List.of(); }
        }, null));
    }

    @Test
    void simpleBindCompletesTypeDictAndPlacesGroups() {
        Symbol fc = Symbol.create("FullyConnected", "f", Map.of("num_hidden", 2), Symbol.var("x"));
        var ex = Executors.simpleBind(fc, Context.cpu(), "write", new String[] {"x"}, new long[][] {{1, 3}}, new String[] {"x"},
                new String[] {"float64"}, null, null, null, null, null);
        assertEquals(DType.FLOAT64, ex.argDict().get("f_weight").dtype(), "inferred from x, not defaulted to float32");
        ex.close();
        Map<String, dev.mxj.ndarray.NDArray> buffer = new java.util.LinkedHashMap<>();
        var first = Executors.simpleBind(fc, Context.cpu(), "write", new String[] {"x"}, new long[][] {{4, 3}}, null, null, null, null,
                new String[] {"f_weight", "f_bias"}, null, buffer);
        var second = Executors.simpleBind(fc, Context.cpu(), "write", new String[] {"x"}, new long[][] {{2, 3}}, null, null, null, null,
                new String[] {"f_weight", "f_bias"}, first, buffer);
        assertEquals(java.util.Set.of("x", "grad of x"), buffer.keySet(), "the buffer gets the non-parameter arrays");
        assertSame(first.argDict().get("f_weight"), second.argDict().get("f_weight"));
        assertTrue(second.argDict().get("x").sharesMemoryWith(buffer.get("x")));
        second.close();
        first.close();
        for (var a : buffer.values()) a.close();
        Symbol out;
        try (var s = dev.mxj.symbol.AttrScope.of(Map.of("ctx_group", "dev2"))) {
            out = Symbol.create("exp", "out", Map.of(), Symbol.var("a"));
        }
        var placed = Executors.simpleBind(out, Context.cpu(0), "null", new String[] {"a"}, new long[][] {{2}}, null, null,
                new String[] {"dev2"}, new Context[] {Context.cpu(1)}, null, null, null);
        assertEquals(Context.cpu(1), placed.forward(false).get(0).context());
        placed.close();
    }

    @Test
    void visualizationTakesParallelArrays() {
        String table = Visualization.summary(mlp(), new String[] {"data"}, new long[][] {{4, 3}}, 80, new double[] {.5, .7, .8, 1});
        assertTrue(table.contains("fc(FullyConnected)") && table.contains("Total params: 8"), table);
        String dot = Visualization.plot(mlp(), "g", null, null, new String[] {"data"}, new String[] {"float32"}, Map.of(), true).source();
        assertTrue(dot.startsWith("digraph \"g\"") && dot.contains("(float32)"), dot);
        assertThrows(IllegalArgumentException.class, () -> Symbols.shapes(new String[] {"a"}, new long[0][]));
    }
}
