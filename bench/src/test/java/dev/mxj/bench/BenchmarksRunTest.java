package dev.mxj.bench;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.Collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the benchmarks runnable: every benchmark of this module runs once, briefly and
 * in-process, through JMH's generated harness. Measures nothing worth reading.
 */
class BenchmarksRunTest {
    @Test
    void everyBenchmarkRunsOnce() throws RunnerException {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(CpuAllocationBenchmark.class.getName())
                .include(OperatorBenchmark.class.getName())
                .param("n", "64")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(20))
                .verbosity(VerboseMode.SILENT)
                .build()).run();
        assertEquals(3 * 3 + 4, results.size(), "3 allocation benchmarks x 3 sizes, 4 operator benchmarks at n=64");
        for (RunResult r : results) {
            double score = r.getPrimaryResult().getScore();
            assertTrue(score > 0 && Double.isFinite(score), r.getParams().getBenchmark() + " " + r.getParams().getParam(r.getParams().getParam("bytes") != null ? "bytes" : "n") + ": " + score);
        }
    }
}
