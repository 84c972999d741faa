package dev.mxj.metric;

import dev.mxj.ndarray.NDArray;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Every metric against values worked out by hand from MXNet 1.9's metric.py. */
class MetricTest {
    private static final double EPS = 1e-9;

    private static NDArray v(float... x) { return NDArray.array(x, Shape.of(x.length)); }

    private static NDArray m(float[][] x) { return NDArray.array(x); }

    /** Scores for 4 samples over 3 classes; argmax = 1, 0, 2, 2. */
    private static final float[][] SCORES = {{0.1f, 0.6f, 0.3f}, {0.5f, 0.2f, 0.3f}, {0.2f, 0.3f, 0.5f}, {0.3f, 0.3f, 0.4f}};

    @Test
    void accuracyArgmaxAndLocalVsGlobal() {
        EvalMetric acc = Metric.create("acc");
        acc.update(v(1, 0, 1, 2), m(SCORES));               // 3 of 4
        assertEquals("accuracy", acc.get().name());
        assertEquals(0.75, acc.get().value(), EPS);
        acc.resetLocal();
        assertTrue(Double.isNaN(acc.get().value()));
        acc.update(List.of(v(0, 1)), List.of(v(0, 0)));    // same shapes: compared directly, 1 of 2
        assertEquals(0.5, acc.get().value(), EPS);
        assertEquals(4.0 / 6, acc.getGlobal().value(), EPS);
        acc.reset();
        assertTrue(Double.isNaN(acc.getGlobal().value()));
        EvalMetric axis0 = Metric.create("accuracy", Map.of("axis", 0));
        axis0.update(v(3, 0, 1), m(SCORES));                 // argmax over rows per column: 1, 0, 2
        assertEquals(1.0 / 3, axis0.get().value(), EPS);
        assertThrows(IllegalArgumentException.class, () -> Metric.create("acc").update(List.of(v(1)), List.of()));
    }

    @Test
    void topK() {
        EvalMetric top2 = Metric.create("top_k_accuracy", Map.of("top_k", 2));
        assertEquals("top_k_accuracy_2", top2.name());
        // labels 2, 1, 0, 0: sample 0 top2 {1,2} yes; 1 top2 {0,2} no; 2 top2 {2,1} no; 3 top2 {2, tie 0/1} counted
        top2.update(v(2, 1, 0, 0), m(SCORES));
        assertEquals(0.5, top2.get().value(), EPS);
        assertThrows(IllegalArgumentException.class, () -> new TopKAccuracy(1));
    }

    @Test
    void f1MacroAndMicro() {
        float[][] p1 = {{0.3f, 0.7f}, {0.8f, 0.2f}, {0.4f, 0.6f}, {0.9f, 0.1f}};  // predicted 1, 0, 1, 0
        float[][] p2 = {{0.2f, 0.8f}, {0.3f, 0.7f}};                            // predicted 1, 1
        EvalMetric macro = Metric.create("f1");
        macro.update(v(1, 1, 0, 0), m(p1));   // tp 1, fp 1, fn 1 -> p = r = 0.5, f1 0.5
        macro.update(v(1, 0), m(p2));         // tp 1, fp 1 -> p 0.5, r 1, f1 2/3
        assertEquals((0.5 + 2.0 / 3) / 2, macro.get().value(), EPS);
        EvalMetric micro = Metric.create("f1", Map.of("average", "micro"));
        micro.update(v(1, 1, 0, 0), m(p1));
        micro.update(v(1, 0), m(p2));         // tp 2, fp 2, fn 1 -> p 0.5, r 2/3, f1 4/7
        assertEquals(4.0 / 7, micro.get().value(), EPS);
        assertEquals(6.0, micro.numInst(), EPS);
        assertThrows(IllegalArgumentException.class, () -> Metric.create("f1").update(v(0, 1, 2), m(SCORES).slice(0, 3)));
    }

    @Test
    void mcc() {
        float[][] p = {{0.3f, 0.7f}, {0.8f, 0.2f}, {0.4f, 0.6f}, {0.9f, 0.1f}, {0.1f, 0.9f}};  // 1 0 1 0 1
        EvalMetric mcc = Metric.create("mcc");
        mcc.update(v(1, 1, 0, 0, 1), m(p));   // tp 2, fn 1, fp 1, tn 1
        assertEquals((2.0 * 1 - 1.0 * 1) / Math.sqrt(3.0 * 3 * 2 * 2), mcc.get().value(), EPS);
        EvalMetric perfect = Metric.create("mcc");
        perfect.update(v(1, 1), m(new float[][] {{0, 1}, {0, 1}}));   // tp 2 only: zero terms left out -> 0 / sqrt(2 * 2)
        assertEquals(0.0, perfect.get().value(), EPS);
    }

    @Test
    void pccIsMulticlassMcc() {
        EvalMetric pcc = Metric.create("pcc");
        pcc.update(v(1, 1, 0, 0, 1), m(new float[][] {{0.3f, 0.7f}, {0.8f, 0.2f}, {0.4f, 0.6f}, {0.9f, 0.1f}, {0.1f, 0.9f}}));
        assertEquals((2.0 * 1 - 1.0 * 1) / Math.sqrt(3.0 * 3 * 2 * 2), pcc.get().value(), EPS, "binary case equals MCC");
        // three classes, predictions as indices: confusion[pred][label] = diag(1, 1, 1) + [2][0]
        EvalMetric three = Metric.create("pcc");
        three.update(v(0, 1, 2, 0), v(0, 1, 2, 2));
        // n = 4; pred sums x = (1, 1, 2); label sums y = (2, 1, 1); cov_xy = 3*4 - (2 + 1 + 2) = 7
        // cov_xx = 1*3 + 1*3 + 2*2 = 10; cov_yy = 2*2 + 1*3 + 1*3 = 10
        assertEquals(0.7, three.get().value(), EPS);
        three.resetLocal();
        assertTrue(Double.isNaN(three.get().value()));
        assertEquals(0.7, three.getGlobal().value(), EPS);
    }

    @Test
    void perplexityWithIgnoredLabels() {
        EvalMetric ppl = new Perplexity(-1);
        // picks 0.6, 0.5, (ignored), 0.4
        ppl.update(v(1, 0, -1, 2), m(SCORES));
        assertEquals(Math.exp(-(Math.log(0.6) + Math.log(0.5) + Math.log(0.4)) / 3), ppl.get().value(), 1e-6);
        EvalMetric all = Metric.create("perplexity", Map.of("ignore_label", "None"));
        all.update(v(1, 0, 2, 2), m(SCORES));           // picks 0.6, 0.5, 0.5, 0.4
        assertEquals(Math.exp(-(Math.log(0.6) + 2 * Math.log(0.5) + Math.log(0.4)) / 4), all.get().value(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> Metric.create("perplexity"));
    }

    @Test
    void regressionErrorsAveragePerBatch() {
        EvalMetric mae = Metric.create("mae"), mse = Metric.create("mse"), rmse = Metric.create("rmse");
        for (EvalMetric e : List.of(mae, mse, rmse)) {
            e.update(v(1, 2, 3), v(2, 2, 5));       // errors 1, 0, 2
            e.update(v(0, 0), v(3, -1));             // errors 3, 1
        }
        assertEquals((1.0 + 2.0) / 2, mae.get().value(), EPS);                         // batch means 1 and 2
        assertEquals((5.0 / 3 + 5.0) / 2, mse.get().value(), EPS);                     // 5/3 and 10/2
        assertEquals((Math.sqrt(5.0 / 3) + Math.sqrt(5.0)) / 2, rmse.get().value(), EPS);
        assertEquals(2, mae.numInst(), EPS);
        EvalMetric b = Metric.create("mae");
        b.update(v(1, 2), m(new float[][] {{1, 3}, {4, 2}}));  // label column broadcast: |0|,|2|,|2|,|0| -> 1
        assertEquals(1.0, b.get().value(), EPS);
    }

    @Test
    void crossEntropyAndNll() {
        EvalMetric ce = Metric.create("ce"), nll = Metric.create("nll_loss");
        ce.update(v(1, 0, 2, 2), m(SCORES));
        nll.update(v(1, 0, 2, 2), m(SCORES));
        double expect = -(Math.log(0.6 + 1e-12) + Math.log(0.5 + 1e-12) + Math.log(0.5 + 1e-12) + Math.log(0.4 + 1e-12)) / 4;
        assertEquals(expect, ce.get().value(), 1e-6);
        assertEquals("cross-entropy", ce.name());
        assertEquals(expect, nll.get().value(), 1e-6);
        assertEquals("nll-loss", nll.name());
    }

    @Test
    void pearsonMacroAndMicro() {
        EvalMetric macro = Metric.create("pearsonr");
        macro.update(v(1, 2, 3), v(2, 4, 7));        // r = 5 / sqrt(2 * 12.6667)
        macro.update(v(1, 2, 3), v(3, 2, 1));        // r = -1
        double r1 = 5 / Math.sqrt(2 * (38.0 / 3));
        assertEquals((r1 - 1) / 2, macro.get().value(), 1e-6);
        EvalMetric micro = Metric.create("pearsonr", Map.of("average", "micro"));
        micro.update(v(1, 2, 3), v(2, 4, 6));
        micro.update(v(4, 5), v(8, 10));
        assertEquals(1.0, micro.get().value(), 1e-9, "a perfect linear relation streamed in two batches");
        assertEquals(micro.get().value(), micro.getGlobal().value(), 1e-15);
    }

    @Test
    void lossCompositeCustomAndConfig() {
        EvalMetric loss = Metric.create("loss");
        loss.update(List.of(), List.of(v(1, 2, 3), v(4)));
        assertEquals(2.5, loss.get().value(), EPS);

        EvalMetric comp = Metric.create(List.of("acc", "ce", Metric.create("top_k_acc", Map.of("top_k", 3))));
        comp.update(v(1, 0, 1, 2), m(SCORES));
        var r = comp.get();
        assertEquals(List.of("accuracy", "cross-entropy", "top_k_accuracy_3"), r.names());
        assertEquals(0.75, r.values().get(0), EPS);
        assertEquals(1.0, r.values().get(2), EPS);
        assertEquals(3, comp.getGlobalNameValue().size());
        assertEquals("accuracy", ((CompositeEvalMetric) comp).getMetric(0).name());

        CustomMetric sumAbs = new CustomMetric((l, p) -> {
            double s = 0;
            for (int i = 0; i < l.size(); i++) s += Math.abs(l.get(i) - p.get(i));
            return new CustomMetric.Stat(s, l.size());
        }, "abs", false);
        sumAbs.update(v(1, 2), v(2, 4));
        assertEquals(1.5, sumAbs.get().value(), EPS);
        CustomMetric np = Metric.np((l, p) -> l.get(0) + p.get(0));
        np.update(List.of(v(1), v(2)), List.of(v(10), v(20)));
        assertEquals((11.0 + 22.0) / 2, np.get().value(), EPS);
        assertEquals("custom", np.name());

        Map<String, Object> cfg = Metric.create("acc", Map.of("axis", 0, "name", "a0")).getConfig();
        assertEquals("Accuracy", cfg.get("metric"));
        assertEquals("a0", cfg.get("name"));
        assertEquals(0, cfg.get("axis"));
        assertThrows(IllegalArgumentException.class, () -> Metric.create("nosuch"));
        assertThrows(IllegalArgumentException.class, () -> Metric.create("acc", Map.of("axes", 1)));
    }

    @Test
    void updateDictPicksByName() {
        EvalMetric acc = Metric.create("acc", Map.of("output_names", List.of("out"), "label_names", List.of("lab")));
        acc.updateDict(Map.of("lab", v(1, 0), "other", v(5, 5)), Map.of("out", v(1, 1), "x", v(0, 0)));
        assertEquals(0.5, acc.get().value(), EPS);
    }
}
