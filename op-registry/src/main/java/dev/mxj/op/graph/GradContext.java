package dev.mxj.op.graph;

import dev.mxj.op.Attrs;

import java.util.Map;

/**
 * What an operator's gradient function sees and can build (NNVM's FGradient inputs): the
 * forward node, its input and output entries, the gradients flowing into its outputs, and a
 * builder for new operator nodes. Gradients are expressed as operator nodes so that any device
 * with the forward kernels of those nodes gets training for free.
 */
public interface GradContext {
    Node node();

    default Attrs attrs() { return node().attrs(); }

    default NodeEntry input(int i) { return node().inputs().get(i); }

    default NodeEntry output(int i) { return node().output(i); }

    default int numInputs() { return node().inputs().size(); }

    /** Gradient of the loss with respect to output {@code i}. */
    NodeEntry outGrad(int i);

    /** Add a node calling {@code opName} with {@code params} (any accepted value form); returns its output 0. */
    default NodeEntry op(String opName, Map<String, ?> params, NodeEntry... inputs) { return node(opName, params, inputs).output(0); }

    /** Add a node (multi-output ops). */
    Node node(String opName, Map<String, ?> params, NodeEntry... inputs);

    default NodeEntry op(String opName, NodeEntry... inputs) { return op(opName, Map.of(), inputs); }

    default NodeEntry zerosLike(NodeEntry x) { return op("zeros_like", x); }
}
