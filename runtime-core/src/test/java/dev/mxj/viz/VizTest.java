package dev.mxj.viz;

import dev.mxj.MxjException;
import dev.mxj.examples.SymbolNetworks;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.symbol.Symbol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** mx.viz against MXNet 1.9's print_summary table and plot_network graph for the same symbols. */
class VizTest {
    @Test
    void summaryOfAnMlpAsMxnetPrintsIt() {
        String s = Viz.printSummary(SymbolNetworks.mlp(10, 128, 64), Map.of("data", Shape.of(1, 784)));
        List<String> lines = Arrays.asList(s.split("\n"));
        for (String l : lines) if (!l.startsWith("Total")) assertEquals(120, l.length(), "table lines are padded to line_length: '" + l + "'");
        List<String> t = lines.stream().map(String::stripTrailing).toList();
        assertEquals(List.of(
                "_".repeat(120),
                "Layer (type)                                        Output Shape            Param #     Previous Layer",
                "=".repeat(120),
                "data(null)                                          784                     0",
                "_".repeat(120),
                "fc1(FullyConnected)                                 128                     100480      data",
                "_".repeat(120),
                "relu1(Activation)                                   128                     0           fc1",
                "_".repeat(120),
                "fc2(FullyConnected)                                 64                      8256        relu1",
                "_".repeat(120),
                "relu2(Activation)                                   64                      0           fc2",
                "_".repeat(120),
                "fc3(FullyConnected)                                 10                      650         relu2",
                "_".repeat(120),
                "softmax(SoftmaxOutput)                              10                      0           fc3",
                "=".repeat(120),
                "Total params: 109386",
                "_".repeat(120)), t.subList(0, t.size()));
    }

    @Test
    void summaryCountsConvolutionAndBatchNormParameters() {
        Symbol x = Symbol.create("Convolution", "conv", Map.of("kernel", "(3, 3)", "num_filter", 8), Symbol.var("data"));
        x = Symbol.create("BatchNorm", "bn", Map.of(), x);
        Symbol y = Symbol.create("Concat", "cat", Map.of(), x, Symbol.create("Convolution", "conv2", Map.of("kernel", "(1, 1)", "num_filter", 4, "no_bias", true), x));
        String s = Viz.printSummary(y, Map.of("data", Shape.of(2, 3, 10, 10)));
        assertTrue(s.contains("conv(Convolution)                                   8x8x8                   224         data"), s); // 3*8*9 + 8
        assertTrue(s.contains("bn(BatchNorm)                                       8x8x8                   16          conv"), s);
        assertTrue(s.contains("conv2(Convolution)                                  4x8x8                   32          bn"), s);  // 8*4*1, no bias
        assertTrue(s.contains("cat(Concat)                                         12x8x8                  0           bn"), s);
        assertTrue(s.contains("\n" + " ".repeat(88) + "conv2"), "second previous layer on its own row:\n" + s);
        assertTrue(s.contains("Total params: 272"), s);
        assertThrows(MxjException.class, () -> Viz.printSummary(y, Map.of()), "Input shape is incomplete");
    }

    @Test
    void plotNetworkWritesMxnetsGraph(@TempDir Path dir) throws Exception {
        Viz.Dot d = Viz.plotNetwork(SymbolNetworks.lenet(10), "lenet", Map.of("data", Shape.of(1, 1, 28, 28)), Map.of("data", DType.FLOAT32), Map.of(), true);
        String g = d.source();
        assertTrue(g.startsWith("digraph \"lenet\" {\n"), g);
        assertTrue(g.contains("\t\"data\" [label=\"data\" shape=\"oval\" fixedsize=\"true\" width=\"1.3\" height=\"0.8034\" style=\"filled\" fillcolor=\"#8dd3c7\"]"), g);
        assertTrue(g.contains("\"conv1\" [label=\"Convolution\\n5x5/1, 20\""), g);
        assertTrue(g.contains("\"pool1\" [label=\"Pooling\\nmax, 2x2/2x2\""), g);
        assertTrue(g.contains("\"tanh1\" [label=\"Activation\\ntanh\""), g);
        assertTrue(g.contains("\"fc1\" [label=\"FullyConnected\\n500\""), g);
        assertFalse(g.contains("conv1_weight"), "weights hidden");
        assertTrue(g.contains("\"conv1\" -> \"data\" [label=\"1x28x28(float32)\" arrowtail=open dir=back]"), g);
        assertTrue(g.contains("\"pool1\" -> \"tanh1\" [label=\"20x24x24(float32)\""), g);
        assertTrue(g.contains("\"softmax\" -> \"softmax_label\""), "labels are inputs, not weights: " + g);
        Viz.Dot shown = Viz.plotNetwork(SymbolNetworks.mlp(10, 8), "mlp", null, null, Map.of("shape", "ellipse"), false);
        assertTrue(shown.source().contains("\"fc1\" -> \"fc1_weight\" [label=\"\""), "weights as edges to undeclared nodes: " + shown.source());
        assertTrue(shown.source().contains("shape=\"ellipse\""), shown.source());
        Path f = d.save(dir.resolve("lenet.gv"));
        assertEquals(g, Files.readString(f));
        boolean hasDot = Files.isExecutable(Path.of("/usr/bin/dot"));
        if (hasDot) {
            assertTrue(Files.size(d.render(dir.resolve("lenet.svg"), "svg")) > 0);
        } else {
            MxjException e = assertThrows(MxjException.class, () -> d.render(dir.resolve("lenet.svg"), "svg"));
            assertTrue(e.getMessage().contains("Graphviz 'dot' is not installed"), e.getMessage());
        }
    }
}
