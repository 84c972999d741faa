package dev.mxj.bench;

import dev.mxj.Context;
import dev.mxj.examples.SymbolNetworks;
import dev.mxj.executor.Executor;
import dev.mxj.op.Shape;
import dev.mxj.symbol.Symbol;

import java.util.Locale;
import java.util.Map;

/**
 * What the executor's memory planning buys (issue 6): bytes of the internal entries
 * (intermediates, hidden outputs, backward values) of MLP and LeNet graphs bound for training
 * (grad_req 'write') and for inference (grad_req 'null'), with planning (in-place + sharing) and
 * without (every entry its own buffer). Arguments, gradients and auxiliary states are the same
 * either way and are listed apart. Planning is static, so these figures are exact, not timed.
 *
 * <p>Run: {@code java -cp bench/target/classes:$(cat cli/target/classpath.txt) dev.mxj.bench.ExecutorFigures}
 */
public final class ExecutorFigures {
    private ExecutorFigures() {}

    public static void main(String[] args) {
        System.out.println("| graph | batch | internal bytes unplanned | planned | planned / unplanned | in place | reused | arguments+gradients+states |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        for (int batch : new int[] {32, 128}) {
            row("MLP 784-512-256-10 training", SymbolNetworks.mlp(10, 512, 256), "write", Shape.of(batch, 784), batch);
            row("MLP 784-512-256-10 inference", SymbolNetworks.mlp(10, 512, 256), "null", Shape.of(batch, 784), batch);
            row("LeNet training", SymbolNetworks.lenet(10), "write", Shape.of(batch, 1, 28, 28), batch);
            row("LeNet inference", SymbolNetworks.lenet(10), "null", Shape.of(batch, 1, 28, 28), batch);
        }
    }

    private static void row(String name, Symbol net, String req, Shape data, int batch) {
        try (Executor ex = net.simpleBind(Context.cpu(), req, Map.of("data", data))) {
            Executor.MemoryStats s = ex.memoryStats();
            System.out.printf(Locale.ROOT, "| %s | %d | %,d | %,d | %.1f%% | %d | %d | %,d |%n", name, batch, s.unplannedBytes(), s.plannedBytes(),
                    100.0 * s.plannedBytes() / s.unplannedBytes(), s.inplace(), s.reused(), s.externalBytes());
        }
    }
}
