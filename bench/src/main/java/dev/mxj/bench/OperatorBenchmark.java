package dev.mxj.bench;

import dev.mxj.Context;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.Nd;
import dev.mxj.op.Shape;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The foundation's operator figures under JMH: one-element dispatch, sgemm, the triad
 * {@code c = a*b + a} and a sum, each synchronised so the kernel time is inside the measurement.
 * {@link Figures} prints the same figures as a table with numpy beside them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class OperatorBenchmark {
    /** Matrix side for sgemm; vector length for triad and sum is n*n*4 (16M floats at n=2048). */
    @Param({"256", "1024", "2048"})
    public int n;

    private NDArray one, a, b, v, w;

    @Setup(Level.Trial)
    public void setUp() {
        one = NDArray.array(new float[] {1}, Shape.of(1), Context.cpu());
        a = Nd.randomUniform(-1.0, 1.0, new long[] {n, n}, Context.cpu(), null);
        b = Nd.randomUniform(-1.0, 1.0, new long[] {n, n}, Context.cpu(), null);
        v = Nd.randomUniform(-1.0, 1.0, new long[] {4L * n * n}, Context.cpu(), null);
        w = Nd.randomUniform(-1.0, 1.0, new long[] {4L * n * n}, Context.cpu(), null);
        NDArray.waitAll();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (NDArray x : new NDArray[] {one, a, b, v, w}) x.close();
    }

    /** {@code y = x + 1} on one element, pushed and released without waiting (per op). */
    @Benchmark
    @OperationsPerInvocation(1000)
    public void dispatchAsync() {
        for (int i = 0; i < 1000; i++) one.add(1).close();
        NDArray.waitAll();
    }

    @Benchmark
    public void sgemm() {
        try (NDArray c = Nd.dot(a, b)) {
            c.waitToRead();
        }
    }

    @Benchmark
    public void triad() {
        try (NDArray ab = v.mul(w); NDArray c = ab.add(v)) {
            c.waitToRead();
        }
    }

    @Benchmark
    public void sum() {
        try (NDArray s = Nd.sum(v)) {
            s.waitToRead();
        }
    }
}
