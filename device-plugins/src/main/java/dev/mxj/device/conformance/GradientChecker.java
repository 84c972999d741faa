package dev.mxj.device.conformance;

import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.TypeException;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Checks an operator's declared gradient against central differences. The loss is
 * {@code sum_k sum(out_k * head_k)} over visible outputs with random head gradients; inputs
 * run in float64 when the operator accepts it (tight tolerances), else in their own dtype.
 */
public final class GradientChecker {
    private final OpRunner runner;
    private final OpRegistry registry;

    public GradientChecker(OpRunner runner, OpRegistry registry) {
        this.runner = runner;
        this.registry = registry;
    }

    /** Throws AssertionError describing the first mismatch. */
    public void check(OpCase c) {
        List<HostArray> inputs = new ArrayList<>(c.inputs());
        Attrs attrs = runner.attrs(c.op(), c.params(), inputs.size());
        OpDef op = attrs.op();
        if (op.gradient() == null) throw new AssertionError(op.name() + " declares no gradient");

        boolean f64 = tryFloat64(attrs, inputs, c);
        if (f64) for (int i = 0; i < inputs.size(); i++) if (inputs.get(i).dtype().isFloating()) inputs.set(i, inputs.get(i).astype(DType.FLOAT64));
        double eps = f64 ? 1e-6 : 1e-3;
        double rtol = c.gradRtol() > 0 ? c.gradRtol() : f64 ? 1e-4 : 5e-2;
        double atol = c.gradAtol() > 0 ? c.gradAtol() : f64 ? 1e-6 : 5e-3;

        List<HostArray> outs = runner.run(attrs, inputs, c.isTrain(), c.seed()).outputs();
        int visible = op.numVisibleOutputs(attrs);
        SplittableRandom rng = new SplittableRandom(7);
        List<HostArray> heads = new ArrayList<>();
        for (int k = 0; k < outs.size(); k++) {
            HostArray o = outs.get(k);
            heads.add(k < visible ? HostArray.random(o.shape(), o.dtype(), -1, 1, rng) : HostArray.of(o.shape(), o.dtype(), new double[o.data().length]));
        }

        // analytic: the declared gradient graph, evaluated node by node
        List<Node> inVars = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) inVars.add(Node.variable("in" + i));
        List<NodeEntry> inEntries = inVars.stream().map(n -> n.output(0)).toList();
        Node fwd = Node.op(attrs, "fwd", inEntries);
        List<Node> headVars = new ArrayList<>();
        for (int k = 0; k < outs.size(); k++) headVars.add(Node.variable("head" + k));
        List<NodeEntry> grads = op.gradient().apply(GraphEvaluator.gradContext(fwd, headVars.stream().map(n -> n.output(0)).toList(), registry));
        if (grads.size() != inputs.size()) {
            throw new AssertionError(op.name() + ": gradient returned " + grads.size() + " entries for " + inputs.size() + " inputs");
        }
        Map<Node, HostArray> vars = new HashMap<>(GraphEvaluator.bind(inVars, inputs));
        vars.putAll(GraphEvaluator.bind(headVars, heads));
        GraphEvaluator ev = new GraphEvaluator(runner, c.isTrain(), c.seed());

        List<Integer> mutated = new ArrayList<>();
        for (int m : op.mutateInputs(attrs)) mutated.add(m);
        for (int i = 0; i < inputs.size(); i++) {
            HostArray x = inputs.get(i);
            if (!x.dtype().isFloating() || c.noGrad().contains(i) || mutated.contains(i) || grads.get(i) == null) continue;
            HostArray analytic = ev.evaluate(List.of(grads.get(i)), vars).get(0);
            if (!analytic.shape().equals(x.shape())) {
                throw new AssertionError(op.name() + ": gradient of input " + i + " has shape " + analytic.shape() + ", input has " + x.shape());
            }
            for (int j = 0; j < x.data().length; j++) {
                double numeric = (loss(attrs, inputs, i, j, eps, heads, visible, c) - loss(attrs, inputs, i, j, -eps, heads, visible, c)) / (2 * eps);
                double a = analytic.data()[j];
                if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric))) {
                    throw new AssertionError(String.format("%s: gradient of input %d (%s) element %d: analytic %.8g, numeric %.8g (rtol %.1g, atol %.1g, %s)",
                            op.name(), i, op.inputNames(attrs).get(i), j, a, numeric, rtol, atol, f64 ? "float64" : x.dtype()));
                }
            }
        }
    }

    private double loss(Attrs attrs, List<HostArray> inputs, int i, int j, double delta, List<HostArray> heads, int visible, OpCase c) {
        List<HostArray> in = new ArrayList<>(inputs);
        HostArray x = in.get(i);
        double[] d = x.data().clone();
        d[j] += delta;
        in.set(i, new HostArray(x.shape(), x.dtype(), d));
        List<HostArray> outs = runner.run(attrs, in, c.isTrain(), c.seed()).outputs();
        double s = 0;
        for (int k = 0; k < visible; k++) {
            double[] o = outs.get(k).data(), h = heads.get(k).data();
            for (int e = 0; e < o.length; e++) s += o[e] * h[e];
        }
        return s;
    }

    /** Whether the operator's type inference and kernel accept float64 for its float inputs. */
    private boolean tryFloat64(Attrs attrs, List<HostArray> inputs, OpCase c) {
        List<HostArray> in = new ArrayList<>();
        boolean any = false;
        for (HostArray h : inputs) {
            if (h.dtype().isFloating() && h.dtype() != DType.FLOAT64) { in.add(h.astype(DType.FLOAT64)); any = true; }
            else in.add(h);
        }
        if (!any) return inputs.stream().anyMatch(h -> h.dtype() == DType.FLOAT64);
        try {
            runner.run(attrs, in, c.isTrain(), c.seed());
            return true;
        } catch (TypeException | UnsupportedOperationException e) {
            return false;
        }
    }
}
