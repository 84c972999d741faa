package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.OpCase;

import java.util.ArrayList;
import java.util.List;

/** The catalogue of test cases for built-in operators, one class per operator family. */
public final class BuiltinCases {
    private BuiltinCases() {}

    public static List<OpCase> all() {
        List<OpCase> all = new ArrayList<>();
        all.addAll(ElementwiseUnaryCases.cases());
        all.addAll(ElementwiseBinaryCases.cases());
        all.addAll(ReduceCases.cases());
        all.addAll(LinalgCases.cases());
        all.addAll(ShapeCases.cases());
        all.addAll(IndexingCases.cases());
        all.addAll(CreationCases.cases());
        all.addAll(SortCases.cases());
        all.addAll(RandomCases.cases());
        all.addAll(NeuralNetworkCases.cases());
        all.addAll(ConvolutionCases.cases());
        all.addAll(OptimizerCases.cases());
        all.addAll(FusedCases.cases());
        return all;
    }
}
