package dev.mxj.cpu;

import dev.mxj.device.Device;
import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpRunner;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Random operators are reproducible: the same generator seed gives the same values, another seed others. */
class RandomReproducibilityTest {
    private static final Device CPU = new CpuPlugin().open(0);
    private static final OpRunner RUNNER = new OpRunner(CPU);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "_random_uniform | shape=(40000,)",           // more than one sampling chunk
            "_random_normal | shape=(3, 5)",
            "_random_gamma | alpha=0.7; shape=(50,)",
            "_random_exponential | shape=(50,)",
            "_random_poisson | lam=20; shape=(50,)",
            "_random_negative_binomial | k=2; p=0.5; shape=(50,)",
            "_random_generalized_negative_binomial | shape=(50,)",
            "_random_randint | low=0; high=1000; shape=(50,); dtype=int64",
            "_random_normal_like | like=8",
            "_random_poisson_like | like=8",
            "_sample_multinomial | probs; shape=(20,); get_prob=True",
            "_shuffle | rows=30",
            "_sample_normal | params2; shape=(10,)",
    })
    void sameSeedSameValues(String op, String spec) {
        List<HostArray> a = run(op, spec, 7), b = run(op, spec, 7), c = run(op, spec, 8);
        assertEquals(a, b, op + " differs between two runs with seed 7");
        assertNotEquals(a, c, op + " gives the same values for seeds 7 and 8");
    }

    private static List<HostArray> run(String op, String spec, long seed) {
        Map<String, Object> params = new java.util.LinkedHashMap<>();
        List<HostArray> inputs = new ArrayList<>();
        for (String kv : spec.split(";")) {
            String[] p = kv.trim().split("=", 2);
            switch (p[0]) {
                case "like" -> inputs.add(HostArray.of(Shape.of(Long.parseLong(p[1])), DType.FLOAT32, new double[Integer.parseInt(p[1])]));
                case "rows" -> {
                    int n = Integer.parseInt(p[1]);
                    double[] v = new double[n];
                    for (int i = 0; i < n; i++) v[i] = i;
                    inputs.add(HostArray.of(Shape.of(n), DType.FLOAT32, v));
                }
                case "params2" -> {
                    inputs.add(HostArray.f32(Shape.of(3), 0, 1, 2));
                    inputs.add(HostArray.f32(Shape.of(3), 1, 2, 3));
                }
                case "probs" -> inputs.add(HostArray.f32(Shape.of(2, 3), 0.2, 0.3, 0.5, 0.6, 0.3, 0.1));
                default -> params.put(p[0], p[1]);
            }
        }
        return RUNNER.run(op, params, inputs, false, seed).outputs();
    }
}
