package dev.mxj.parity;

import dev.mxj.autograd.Autograd;
import dev.mxj.device.conformance.HostArray;
import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One forward call on both sides: mxj's {@link Imperative#invoke} and MXNet's
 * {@code MXImperativeInvoke} on the same inputs, compared on outputs (number, shape, dtype,
 * values within {@link CaseSource#tolerance}) and on the inputs afterwards (the states optimizer
 * updates and running statistics mutate).
 */
final class ForwardRun {
    private ForwardRun() {}

    /** {@code status}: match, both reject, differ or not comparable; {@code detail}: why, for the last two. */
    record Verdict(String status, String detail) {
        boolean matched() { return status.equals("match") || status.equals("both reject"); }
    }

    /**
     * Runs {@code op} with {@code ourParams} in mxj and {@code theirParams} (MXNet's strings) in MXNet.
     * When MXNet cannot infer an operator's outputs imperatively ({@code _copyto},
     * {@code multi_*_update}, {@code _backward_*}) the call is retried with outputs of mxj's shapes
     * and dtypes given (Python's {@code out=}), pre-filled with NaN so that an output MXNet leaves
     * unwritten shows as a difference every run instead of as whatever the allocator returned.
     */
    static Verdict run(MXNet mx, String op, List<HostArray> inputs, Map<String, ?> ourParams, Map<String, String> theirParams) {
        return run(mx, op, inputs, ourParams, theirParams, false);
    }

    /** As {@link #run(MXNet, String, List, Map, Map)}, in training mode on both sides when {@code train}. */
    static Verdict run(MXNet mx, String op, List<HostArray> inputs, Map<String, ?> ourParams, Map<String, String> theirParams, boolean train) {
        boolean before = mx.setTraining(train);
        try {
            return runIn(mx, op, inputs, ourParams, theirParams, train);
        } finally {
            mx.setTraining(before);
        }
    }

    private static Verdict runIn(MXNet mx, String op, List<HostArray> inputs, Map<String, ?> ourParams, Map<String, String> theirParams,
                                 boolean train) {
        List<HostArray> ours = null, theirs = null;
        String ourError = null, theirError = null;
        try (NDScope scope = NDScope.open(); Autograd.Scope mode = train ? Autograd.trainMode() : Autograd.predictMode()) {
            NDArray[] in = inputs.stream().map(Bridge::toMxj).toArray(NDArray[]::new);
            NDArray[] out = Imperative.invoke(op, in, ourParams, null);
            ours = new ArrayList<>();
            for (NDArray o : out) ours.add(Bridge.fromMxj(o));
            for (NDArray i : in) ours.add(Bridge.fromMxj(i));    // inputs afterwards: mutated states
        } catch (RuntimeException e) {
            ourError = e.toString();
        }
        List<MXNet.Array> ins = new ArrayList<>();
        try {
            for (HostArray h : inputs) ins.add(Bridge.toMx(mx, h));
            List<MXNet.Array> outs = mx.invoke(op, ins, theirParams);
            theirs = new ArrayList<>();
            for (MXNet.Array o : outs) {
                try (o) { theirs.add(Bridge.fromMx(o)); }
            }
            for (MXNet.Array i : ins) theirs.add(Bridge.fromMx(i));
        } catch (Bridge.Incomparable e) {
            return new Verdict("not comparable", e.getMessage() + (ourError != null ? "; mxj: " + ourError : ""));
        } catch (MXNet.MXNetError e) {
            theirError = CaseSource.firstLine(e.getMessage());
            if (ours != null) {
                List<MXNet.Array> given = new ArrayList<>();
                try {
                    for (int k = 0; k < ours.size() - inputs.size(); k++) {
                        HostArray o = ours.get(k);
                        if (!CaseSource.legacyShapeOk(o)) {
                            return new Verdict("not comparable", "mxj's output " + k + " has shape " + o.shape()
                                    + " (MXNet legacy shapes cannot hold it); MXNet: " + theirError);
                        }
                        MXNet.Array g = mx.create(o.shape().dims(), o.dtype().flag());
                        given.add(g);
                        if (o.dtype().isFloating()) {
                            double[] nan = new double[o.data().length];
                            Arrays.fill(nan, Double.NaN);
                            try (var filler = Bridge.toMx(mx, HostArray.of(o.shape(), o.dtype(), nan))) {
                                mx.invoke("_copyto", List.of(filler), Map.of(), List.of(g));
                            }
                        }
                    }
                    mx.invoke(op, ins, theirParams, given);
                    theirs = new ArrayList<>();
                    for (MXNet.Array o : given) theirs.add(Bridge.fromMx(o));
                    for (MXNet.Array i : ins) theirs.add(Bridge.fromMx(i));
                    theirError = null;
                } catch (MXNet.MXNetError e2) {
                    theirError += " (with out= given: " + CaseSource.firstLine(e2.getMessage()) + ")";
                } finally {
                    for (MXNet.Array g : given) g.close();
                }
            }
        } finally {
            for (MXNet.Array a : ins) a.close();
        }
        if (ourError != null && theirError != null) return new Verdict("both reject", null);
        if (ourError != null) return new Verdict("differ", "mxj fails (" + ourError + "), MXNet succeeds");
        if (theirError != null) return new Verdict("differ", "MXNet fails (" + theirError + "), mxj succeeds");
        String d = diff(ours, theirs, inputs.size());
        return d == null ? new Verdict("match", null) : new Verdict("differ", d);
    }

    /** The first difference of outputs and inputs-afterwards lists, or null. */
    static String diff(List<HostArray> ours, List<HostArray> theirs, int nInputs) {
        if (ours.size() != theirs.size()) return "mxj gives " + (ours.size() - nInputs) + " outputs, MXNet " + (theirs.size() - nInputs);
        for (int i = 0; i < ours.size(); i++) {
            String which = i < ours.size() - nInputs ? "output " + i : "input " + (i - (ours.size() - nInputs)) + " afterwards";
            String d = CaseSource.diff(which, ours.get(i), theirs.get(i));
            if (d != null) return d;
        }
        return null;
    }
}
