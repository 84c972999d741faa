package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.OpCase;

import java.util.ArrayList;
import java.util.List;

/** Test cases of the Optimizer operator family; to be filled by its owner. */
public final class OptimizerCases {
    private OptimizerCases() {}

    public static List<OpCase> cases() {
        List<OpCase> c = new ArrayList<>();
        return c;
    }
}
