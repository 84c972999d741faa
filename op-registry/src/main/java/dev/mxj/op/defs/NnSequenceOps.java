package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.graph.GradContext;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.mxj.op.defs.NnSupport.backward;
import static dev.mxj.op.defs.NnSupport.op;
import static dev.mxj.op.defs.NnSupport.params;
import static dev.mxj.op.defs.NnSupport.perInput;

/**
 * Variable-length sequence operators (MXNet 1.9 sequence_mask.cc, sequence_last.cc,
 * sequence_reverse.cc). Data is (max_len, batch, ...) for axis=0 or (batch, max_len, ...) for
 * axis=1; the optional sequence_length (batch,) holds lengths in any dtype (truncated to
 * integers) and receives no gradient.
 */
public final class NnSequenceOps {
    private NnSequenceOps() {}

    static void register(OpRegistry r) {
        sequenceOp(r, "SequenceMask", "_npx_sequence_mask", 1,
                "Sets the entries of each sequence past its length to `value`: with data (max_len, batch, ...) and axis=0, "
                        + "out[t, b, ...] = t < sequence_length[b] ? data[t, b, ...] : value. Without use_sequence_length the "
                        + "input passes through.",
                Param.floatParam("value").defaultValue(0.0).doc("The value to be used as a mask."));
        sequenceOp(r, "SequenceLast", null, 1,
                "Takes the last element of each sequence: out[b, ...] = data[sequence_length[b] - 1, b, ...] for axis=0 "
                        + "(the last step, max_len - 1, without use_sequence_length). The output drops `axis`.");
        sequenceOp(r, "SequenceReverse", null, 0,
                "Reverses each sequence along axis 0 within its length: out[t, b, ...] = data[len_b - 1 - t, b, ...] for "
                        + "t < len_b; entries past the length stay in place. Without use_sequence_length whole sequences are reversed.");
    }

    /** Whether the operator takes a sequence_length input. */
    public static boolean useLength(Attrs a) { return a.getBool("use_sequence_length"); }

    private static void sequenceOp(OpRegistry r, String name, String alias, int maxAxis, String doc, Param... extra) {
        List<Param> ps = new ArrayList<>();
        ps.add(Param.boolParam("use_sequence_length").defaultValue(false)
                .doc("Whether the extra input sequence_length gives the length of each sequence."));
        ps.addAll(List.of(extra));
        ps.add(Param.intParam("axis").defaultValue(0).doc(maxAxis == 0 ? "The sequence axis. Only 0 is supported."
                : "The sequence axis: 0 (data (max_len, batch, ...)) or 1 (data (batch, max_len, ...))."));
        boolean last = name.equals("SequenceLast");
        OpDef.Builder b = params(op(name), ps);
        if (alias != null) b.alias(alias);
        b.doc(doc)
                .inputs(a -> useLength(a) ? List.of("data", "sequence_length") : List.of("data"))
                .inferShape((a, in, out) -> sequenceShape(a, in, out, maxAxis, last))
                .inferType(NnSupport.floatExcept(1))
                .gradient(g -> {
                    boolean len = useLength(g.attrs());
                    var bw = last
                            ? (len ? g.op("_backward_" + name, g.attrs().givenAsStrings(), g.outGrad(0), g.input(0), g.input(1))
                                   : g.op("_backward_" + name, g.attrs().givenAsStrings(), g.outGrad(0), g.input(0)))
                            : (len ? g.op("_backward_" + name, g.attrs().givenAsStrings(), g.outGrad(0), g.input(1))
                                   : g.op("_backward_" + name, g.attrs().givenAsStrings(), g.outGrad(0)));
                    return len ? perInput(bw, null) : List.of(bw);
                });
        if (!last) b.inplace(0, 0);
        b.register(r);

        backward("_backward_" + name, name, ps)
                .inputs(a -> last ? (useLength(a) ? List.of("ograd", "data", "sequence_length") : List.of("ograd", "data"))
                        : (useLength(a) ? List.of("ograd", "sequence_length") : List.of("ograd")))
                .inferShape(NnSupport.outputsFromInputs(last ? 1 : 0))
                .inferType(NnSupport.floatExcept(last ? new int[] {1, 2} : new int[] {1}))
                .gradient(g -> sequenceBackwardGradient(g, name))
                .register(r);
    }

    /**
     * The sequence backward ops are linear in ograd (masking, reversal, scatter of the last step):
     * their gradient is the forward op on the head gradient, masking with 0 rather than value.
     */
    private static List<NodeEntry> sequenceBackwardGradient(GradContext g, String name) {
        int n = g.numInputs();
        boolean len = useLength(g.attrs());
        return SecondOrder.ofLinearBackward(c -> {
            Map<String, String> p = new HashMap<>(c.attrs().givenAsStrings());
            if (name.equals("SequenceMask")) p.put("value", "0");
            return len ? c.op(name, p, c.outGrad(0), c.input(n - 1)) : c.op(name, p, c.outGrad(0));
        }, len ? new int[] {n - 1} : new int[0]).apply(g);
    }

    private static boolean sequenceShape(Attrs a, Shape[] in, Shape[] out, int maxAxis, boolean last) {
        Shape d = NnSupport.known(in[0]);
        if (d == null) return false;
        int axis = a.getInt("axis");
        if (axis < 0 || axis > maxAxis) {
            throw ShapeRules.error(a, "axis " + axis + " is not supported: " + (maxAxis == 0 ? "only 0 is" : "only 0 and 1 are"));
        }
        NnSupport.requireRank(a, d, 2, "data");
        long batch = d.dim(1 - axis);
        if (useLength(a)) ShapeRules.assign(a, in, 1, Shape.of(batch), "input sequence_length");
        Shape o = d;
        if (last) {
            long[] dd = d.dims(), od = new long[dd.length - 1];
            for (int i = 0, j = 0; i < dd.length; i++) if (i != axis) od[j++] = dd[i];
            o = Shape.of(od);
        }
        ShapeRules.assign(a, out, 0, o, "output");
        return ShapeRules.allKnown(in);
    }
}
