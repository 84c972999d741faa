package dev.mxj.examples;

import dev.mxj.symbol.Symbol;

import java.util.Map;

/**
 * The symbolic networks of MXNet's examples and tutorials, for tests, benchmarks and the memory
 * planning report: the image-classification MLP ({@code example/image-classification/symbols/mlp.py})
 * and LeNet ({@code lenet.py}), each ending in {@code SoftmaxOutput} named {@code softmax}.
 */
public final class SymbolNetworks {
    private SymbolNetworks() {}

    /** data → FC(hidden[0]) → relu → ... → FC(classes) → SoftmaxOutput. */
    public static Symbol mlp(int classes, int... hidden) {
        Symbol x = Symbol.var("data");
        for (int i = 0; i < hidden.length; i++) {
            x = Symbol.create("FullyConnected", "fc" + (i + 1), Map.of("num_hidden", hidden[i]), x);
            x = Symbol.create("Activation", "relu" + (i + 1), Map.of("act_type", "relu"), x);
        }
        x = Symbol.create("FullyConnected", "fc" + (hidden.length + 1), Map.of("num_hidden", classes), x);
        return Symbol.create("SoftmaxOutput", "softmax", Map.of(), x);
    }

    /** MXNet's LeNet: two tanh convolutions with max pooling, FC(500) tanh, FC(classes), SoftmaxOutput. */
    public static Symbol lenet(int classes) {
        Symbol x = Symbol.var("data");
        x = Symbol.create("Convolution", "conv1", Map.of("kernel", "(5, 5)", "num_filter", 20), x);
        x = Symbol.create("Activation", "tanh1", Map.of("act_type", "tanh"), x);
        x = Symbol.create("Pooling", "pool1", Map.of("pool_type", "max", "kernel", "(2, 2)", "stride", "(2, 2)"), x);
        x = Symbol.create("Convolution", "conv2", Map.of("kernel", "(5, 5)", "num_filter", 50), x);
        x = Symbol.create("Activation", "tanh2", Map.of("act_type", "tanh"), x);
        x = Symbol.create("Pooling", "pool2", Map.of("pool_type", "max", "kernel", "(2, 2)", "stride", "(2, 2)"), x);
        x = Symbol.create("Flatten", "flatten", Map.of(), x);
        x = Symbol.create("FullyConnected", "fc1", Map.of("num_hidden", 500), x);
        x = Symbol.create("Activation", "tanh3", Map.of("act_type", "tanh"), x);
        x = Symbol.create("FullyConnected", "fc2", Map.of("num_hidden", classes), x);
        return Symbol.create("SoftmaxOutput", "softmax", Map.of(), x);
    }
}
