package dev.mxj.parity;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.device.conformance.cases.ConvolutionCases;
import dev.mxj.device.conformance.cases.CreationCases;
import dev.mxj.device.conformance.cases.ElementwiseBinaryCases;
import dev.mxj.device.conformance.cases.ElementwiseUnaryCases;
import dev.mxj.device.conformance.cases.IndexingCases;
import dev.mxj.device.conformance.cases.LinalgCases;
import dev.mxj.device.conformance.cases.NeuralNetworkCases;
import dev.mxj.device.conformance.cases.OptimizerCases;
import dev.mxj.device.conformance.cases.RandomCases;
import dev.mxj.device.conformance.cases.ReduceCases;
import dev.mxj.device.conformance.cases.ShapeCases;
import dev.mxj.device.conformance.cases.SortCases;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The conformance catalogue as the parity suites see it: its cases numbered per operator (the
 * numbers the reports and allow-lists use), MXNet's string form of their parameters, which arrays
 * MXNet's legacy shapes can hold, and the comparison of results under the parity tolerances.
 */
final class CaseSource {
    private CaseSource() {}

    /** A catalogue case with its number among its operator's cases of the same kind, and its display name. */
    record Numbered(OpCase c, int number, String name) {
        String op() { return c.op(); }
    }

    /** Every case of the families the parity suites drive, in catalogue order. */
    static List<OpCase> all() {
        List<OpCase> all = new ArrayList<>();
        all.addAll(ElementwiseUnaryCases.cases());
        all.addAll(ElementwiseBinaryCases.cases());
        all.addAll(ReduceCases.cases());
        all.addAll(ShapeCases.cases());
        all.addAll(IndexingCases.cases());
        all.addAll(SortCases.cases());
        all.addAll(LinalgCases.cases());
        all.addAll(CreationCases.cases());
        all.addAll(NeuralNetworkCases.cases());
        all.addAll(ConvolutionCases.cases());
        all.addAll(OptimizerCases.cases());
        return all;
    }

    /** The FORWARD cases whose values do not depend on a random generator, numbered from 1 per operator. */
    static List<Numbered> forward() {
        return numbered(all(), OpCase.Kind.FORWARD);
    }

    /**
     * The FORWARD cases whose outputs depend on a random generator (the random family, and the
     * training-mode or always-on masks of Dropout, rrelu and RNN), numbered from 1 per operator.
     */
    static List<Numbered> random() {
        List<OpCase> cases = new ArrayList<>(RandomCases.cases());
        cases.addAll(all());
        List<Numbered> r = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (OpCase c : cases) {
            if (c.kind() != OpCase.Kind.FORWARD || !c.isDeviceDependent()) continue;
            int k = seen.merge(c.op(), 1, Integer::sum);
            r.add(new Numbered(c, k, c.op() + " #" + k + " " + c.params()));
        }
        return r;
    }

    /** The ERROR cases (must be rejected), numbered from 1 per operator. */
    static List<Numbered> errors() {
        return numbered(all(), OpCase.Kind.ERROR);
    }

    static List<Numbered> numbered(List<OpCase> cases, OpCase.Kind kind) {
        List<Numbered> r = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (OpCase c : cases) {
            if (c.kind() != kind || c.isDeviceDependent()) continue;
            int k = seen.merge(c.op(), 1, Integer::sum);
            r.add(new Numbered(c, k, c.op() + " #" + k + " " + c.params()));
        }
        return r;
    }

    /** Whether MXNet's legacy shape semantics can hold the array (no rank 0, no zero-length dimension). */
    static boolean legacyShapeOk(HostArray h) {
        if (h.shape().ndim() == 0) return false;
        for (long d : h.shape().dims()) if (d == 0) return false;
        return true;
    }

    static boolean legacyShapesOk(List<HostArray> hs) {
        return hs.stream().allMatch(CaseSource::legacyShapeOk);
    }

    /**
     * The parameters as MXNet's strings (what Python would pass), with the operator's
     * variadic-count parameter filled in from the number of inputs; fails as mxj's parser does.
     */
    static Map<String, String> mxnetParams(String opName, Map<String, ?> params, int numInputs) {
        OpDef op = OpRegistry.global().get(opName);
        Map<String, Object> p = new LinkedHashMap<>(params);
        if (op.keyVarNumArgs() != null) p.putIfAbsent(op.keyVarNumArgs(), numInputs);
        return op.parseAttrs(p).givenAsStrings();
    }

    /** Relative and absolute tolerance of a dtype: float16 1e-2/1e-3, other floats 1e-4/1e-5, integers exact. */
    static double[] tolerance(DType t) {
        if (t == DType.FLOAT16) return new double[] {1e-2, 1e-3};
        if (t.isFloating()) return new double[] {1e-4, 1e-5};
        return new double[] {0, 0};
    }

    /** The first difference between two arrays (shape, dtype, an element beyond tolerance), or null. */
    static String diff(String which, HostArray a, HostArray b, double rtol, double atol) {
        if (!a.shape().equals(b.shape())) return which + ": shape " + a.shape() + " vs MXNet " + b.shape();
        if (a.dtype() != b.dtype()) return which + ": dtype " + a.dtype() + " vs MXNet " + b.dtype();
        for (int j = 0; j < a.data().length; j++) {
            double x = a.data()[j], y = b.data()[j];
            if (Double.isNaN(x) && Double.isNaN(y)) continue;
            if (x == y) continue;
            if (Double.isNaN(x) || Double.isNaN(y) || Double.isInfinite(x) || Double.isInfinite(y)
                    || Math.abs(x - y) > atol + rtol * Math.abs(y)) {
                return which + " element " + j + ": mxj " + x + " vs MXNet " + y;
            }
        }
        return null;
    }

    /** As {@link #diff(String, HostArray, HostArray, double, double)} with the dtype's tolerance. */
    static String diff(String which, HostArray a, HostArray b) {
        double[] t = tolerance(a.dtype());
        return diff(which, a, b, t[0], t[1]);
    }

    /**
     * Calls that kill the process inside MXNet 1.9.1 (a segmentation fault or a division by zero,
     * not an error code), so they cannot be run and allow-listed: why, or null. {@code recording}:
     * the call is recorded by MXNet's autograd and back-propagated; {@code train}: in training mode.
     */
    static String crashesMXNet(String op, Map<String, String> params, boolean recording, boolean train) {
        if (train && op.equals("LeakyReLU") && "rrelu".equals(params.get("act_type"))) {
            return "MXNet 1.9.1 crashes running LeakyReLU act_type=rrelu in training mode (segmentation fault in "
                    + "Resource::get_space_typed: the imperative call does not get the temp space its kernel uses)";
        }
        if (recording && op.equals("SequenceLast") && "1".equals(params.get("axis"))) {
            return "MXNet 1.9.1 crashes in SequenceLastOp::Backward with axis=1 (segmentation fault)";
        }
        if (op.equals("transpose") && params.containsKey("axes") && repeats(params.get("axes"))) {
            return "MXNet 1.9.1 does not check that transpose's axes are a permutation; with a repeated axis its result, and whether "
                    + "the call fails, changed from run to run (it indexes outside the input)";
        }
        if (op.matches("Convolution|Deconvolution|_npx_convolution|_npx_deconvolution") && "0".equals(params.get("num_group"))) {
            return "MXNet 1.9.1 crashes on num_group=0 (an integer division by the group count before any check)";
        }
        if (op.equals("GroupNorm") && "0".equals(params.get("num_groups"))) {
            return "MXNet 1.9.1 crashes on GroupNorm num_groups=0 (it divides by the group count before checking it)";
        }
        return null;
    }

    /**
     * Why a case of one of MXNet's {@code _backward_*} operators cannot be compared, or null:
     * MXNet builds those inside its gradient graphs, where they get the forward's arrays through
     * the graph, so called on their own many declare other inputs than mxj's explicit ones or
     * infer no shapes; and MXNet declares no gradient for most of them, where mxj's second-order
     * cases differentiate them. Judged from MXNet's error when MXNet fails and mxj does not.
     */
    static String graphInternal(String op, String mxnetError) {
        if (!op.startsWith("_backward_") || mxnetError == null) return null;
        if (mxnetError.contains("is non-differentiable")) {
            return "MXNet 1.9.1 declares no gradient for " + op + " (no second derivative); mxj's is checked numerically";
        }
        for (String sign : new String[] {"infered_num_inputs", "expects", "Shape is unknown", "Not enough argument", "arg_vec.size()", "ndim_is_known"}) {
            if (mxnetError.contains(sign)) {
                return "MXNet 1.9.1's " + op + " is internal to its gradient graphs and cannot be called on its own with mxj's explicit inputs ("
                        + firstLine(mxnetError) + ")";
            }
        }
        return null;
    }

    /**
     * The backward operators whose second-order cases call them with the inputs MXNet's own
     * operator takes (the unary functions' {@code (ograd, x)} and the product's
     * {@code (ograd, lhs, rhs)}), so MXNet can run the same call.
     */
    private static final Set<String> MXNET_SHAPED_BACKWARD = mxnetShapedBackward();

    private static Set<String> mxnetShapedBackward() {
        Set<String> ops = new java.util.TreeSet<>(Set.of("_backward_mul", "_backward_broadcast_mul"));
        for (OpCase c : ElementwiseUnaryCases.cases()) {
            if ("second order".equals(c.label()) && !c.op().equals("_backward_cast")) ops.add(c.op());
        }
        return ops;
    }

    /**
     * Why a second-order case cannot be compared with MXNet, or null. mxj's second-order cases
     * check its own backward operators numerically, calling them with mxj's explicit inputs;
     * MXNet's backward operators are internal to its gradient graphs (they get the forward's
     * arrays through the graph), so called on their own most take other inputs, infer no shapes
     * and declare no gradient. Only those shaped like MXNet's are compared.
     */
    static String internalBackward(OpCase c) {
        if (c.label() == null || !c.label().startsWith("second order") || MXNET_SHAPED_BACKWARD.contains(c.op())) return null;
        return "a second-order case of mxj's " + c.op() + " with mxj's explicit inputs (MXNet's backward operators are internal "
                + "to its gradient graphs)";
    }

    /** Whether a tuple string such as "(0, 0)" names an entry twice. */
    private static boolean repeats(String tuple) {
        String[] parts = tuple.replaceAll("[()\\[\\]\\s]", "").split(",");
        return java.util.Arrays.stream(parts).filter(x -> !x.isEmpty()).distinct().count()
                < java.util.Arrays.stream(parts).filter(x -> !x.isEmpty()).count();
    }

    /**
     * With {@code -Dmxj.parity.trace} (e.g. {@code -Dmxj.test.argLine=-Dmxj.parity.trace=1}), names each
     * call on stderr before it reaches MXNet: what to look for when MXNet kills the JVM instead of
     * returning an error.
     */
    static void trace(String what) {
        if (TRACE) System.err.println("[parity] " + what);
    }

    private static final boolean TRACE = System.getProperty("mxj.parity.trace") != null;

    static String firstLine(String s) {
        if (s == null) return "";
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}
