package dev.mxj.op.graph;

/** One output of a node: the edges of the graph (NNVM's NodeEntry). */
public record NodeEntry(Node node, int index) {
    @Override public String toString() { return node.name() + (node.isVariable() ? "" : "[" + index + "]"); }
}
