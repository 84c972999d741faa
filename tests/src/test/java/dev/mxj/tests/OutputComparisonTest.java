package dev.mxj.tests;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class OutputComparisonTest {
    private static String diff(String e, String a) { return OutputComparison.difference(e, a, 1e-4, 1e-5); }

    @Test
    void numbersWithinToleranceAndRealignedColumnsAgree() {
        assertNull(diff("\n[[ 0.43854147 -0.87708294]\n [ 1.814126    0.21927074]]\n<NDArray 2x2 @cpu(0)>",
                "[[ 0.4385415 -0.877083 ]\n [ 1.814126  0.2192707]]\n<NDArray 2x2 @cpu(0)>"));
        assertNull(diff("epoch 0 loss 0.8647 accuracy 0.5729", "epoch 0 loss 0.86471 accuracy 0.57292"));
        assertNull(diff("[nan  1. inf]", "[nan 1. inf]"));
    }

    @Test
    void realDifferencesAreReportedWithTheLine() {
        String d = diff("a\n[1. 2.]", "a\n[1. 2.1]");
        assertNotNull(d);
        assertTrue(d.startsWith("line 2:") && d.contains("2.1"), d);
        assertNotNull(diff("<NDArray 2x2 @cpu(0)>", "<NDArray 2x3 @cpu(0)>"), "shapes are numbers too");
        assertNotNull(diff("accuracy 0.5", "acc 0.5"));
        assertNotNull(diff("x", "x\ny"), "extra output");
        assertNotNull(diff("nan", "0."));
        assertNotNull(diff("inf", "-inf"));
        assertNotNull(diff("[1, 2]", "[1, 2, 3]"));
    }

    @Test
    void digitsInsideNamesAreText() {
        assertEquals(java.util.List.of("fc1_weight"), OutputComparison.tokens("fc1_weight"));
        assertNotNull(diff("fc1_weight", "fc2_weight"));
    }
}
