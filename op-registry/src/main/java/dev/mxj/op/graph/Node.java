package dev.mxj.op.graph;

import dev.mxj.op.Attrs;
import dev.mxj.op.OpDef;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A graph node: an operator call with parsed attributes and input entries, or a variable
 * (op == null). Shared by autograd, the gradient pass and Symbol/Executor. Inputs are fixed at
 * construction; {@link #extra()} holds free-form annotations (user attributes, pass results).
 */
public final class Node {
    private final OpDef op;
    private final Attrs attrs;
    private final String name;
    private final List<NodeEntry> inputs;
    private final Map<String, Object> extra = new ConcurrentHashMap<>();

    private Node(OpDef op, Attrs attrs, String name, List<NodeEntry> inputs) {
        this.op = op;
        this.attrs = attrs;
        this.name = name;
        this.inputs = List.copyOf(inputs);
    }

    public static Node variable(String name) { return new Node(null, null, name, List.of()); }

    public static Node op(Attrs attrs, String name, List<NodeEntry> inputs) {
        int expected = attrs.op().numInputs(attrs);
        if (inputs.size() != expected) {
            throw new IllegalArgumentException("Operator " + attrs.op().name() + " (node " + name + ") expects " + expected
                    + " inputs " + attrs.op().inputNames(attrs) + ", got " + inputs.size());
        }
        return new Node(attrs.op(), attrs, name, inputs);
    }

    public boolean isVariable() { return op == null; }

    public OpDef op() { return op; }

    public Attrs attrs() { return attrs; }

    public String name() { return name; }

    public List<NodeEntry> inputs() { return inputs; }

    public int numOutputs() { return op == null ? 1 : op.numOutputs(attrs); }

    public NodeEntry output(int i) {
        if (i < 0 || i >= numOutputs()) throw new IndexOutOfBoundsException("node " + name + " has " + numOutputs() + " outputs, asked for " + i);
        return new NodeEntry(this, i);
    }

    public Map<String, Object> extra() { return extra; }

    @Override public String toString() { return isVariable() ? "var " + name : name + " = " + attrs; }
}
