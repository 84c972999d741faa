package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;
import dev.mxj.op.ParameterException;
import dev.mxj.op.ShapeException;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.TypeException;
import dev.mxj.op.TypeRules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fused element-wise operator the executor's fusion pass puts in place of a chain of
 * element-wise nodes (MXNet's {@code _FusedOp}, which holds a subgraph; here the subgraph is a
 * small program in a string attribute, so the node stays an ordinary operator call that kernels,
 * memory planning and symbol JSON handle like any other).
 *
 * <p>A program is a list of steps separated by {@code ;}. Registers {@code r0 .. r(n-1)} hold the
 * n inputs; step k computes register {@code r(n+k)} by one fusible operator applied to earlier
 * registers, with that operator's parameters in MXNet's string form; the last register is the
 * output. Example with two inputs:
 * {@code _plus_scalar(r0){scalar=0.5};Activation(r2){act_type=relu};elemwise_mul(r3,r1)}.
 * Every step keeps the shape and dtype, so all inputs and the output share one shape and one
 * floating dtype. The operator declares no gradient: fusion runs after the gradient pass.
 */
public final class FusedOps {
    private FusedOps() {}

    public static final String NAME = "_fused_elemwise";

    /** Operators a program may use: element-wise, one output, shape and dtype kept. */
    private static final Set<String> FUSIBLE = fusible();

    private static Set<String> fusible() {
        List<String> names = new ArrayList<>(List.of("negative", "exp", "sign", "floor", "ceil", "round", "rint", "fix", "trunc", "_copy",
                "elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div", "_maximum", "_minimum", "_power", "_hypot",
                "_plus_scalar", "_minus_scalar", "_rminus_scalar", "_mul_scalar", "_div_scalar", "_rdiv_scalar", "_power_scalar",
                "_rpower_scalar", "_maximum_scalar", "_minimum_scalar", "_hypot_scalar",
                "_backward_rdiv_scalar", "_backward_power_scalar", "_backward_rpower_scalar", "_backward_maximum_scalar",
                "_backward_minimum_scalar", "_backward_hypot_scalar", "Activation", "_backward_Activation"));
        // unary math with a fused _backward_X(ograd, v) of the same form
        for (String u : List.of("abs", "reciprocal", "square", "sqrt", "rsqrt", "cbrt", "rcbrt", "expm1", "log", "log1p", "log2", "log10",
                "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "degrees",
                "radians", "sigmoid", "relu", "softsign", "erf", "erfinv", "gamma", "gammaln")) {
            names.add(u);
            names.add("_backward_" + u);
        }
        return Set.copyOf(names);
    }

    /** Whether a node with these attributes may become a step of a fused program. */
    public static boolean isFusible(Attrs a) {
        return FUSIBLE.contains(a.op().name()) && a.op().numOutputs(a) == 1;
    }

    /** One step: an operator call on registers. */
    public record Step(Attrs attrs, int[] args) {}

    /** A parsed program: {@code numInputs} input registers, then one register per step. */
    public record Program(int numInputs, List<Step> steps) {
        public int numRegisters() { return numInputs + steps.size(); }
    }

    /** The program text for {@code steps} (args are register numbers); fails for parameters the syntax cannot carry. */
    public static String format(List<Step> steps) {
        StringBuilder sb = new StringBuilder();
        for (Step s : steps) {
            if (!sb.isEmpty()) sb.append(';');
            sb.append(s.attrs().op().name()).append('(');
            for (int i = 0; i < s.args().length; i++) sb.append(i == 0 ? "" : ",").append('r').append(s.args()[i]);
            sb.append(')');
            Map<String, String> given = s.attrs().givenAsStrings();
            if (given.isEmpty()) continue;
            sb.append('{');
            boolean first = true;
            for (var e : given.entrySet()) {
                if (e.getValue().chars().anyMatch(c -> ",;{}=()".indexOf(c) >= 0)) {
                    throw new IllegalArgumentException("parameter " + e.getKey() + "=" + e.getValue() + " of " + s.attrs().op().name()
                            + " cannot be written into a fused program");
                }
                sb.append(first ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
                first = false;
            }
            sb.append('}');
        }
        return sb.toString();
    }

    private static final Map<String, Program> PARSED = new ConcurrentHashMap<>();

    /** The program of a {@value #NAME} node, parsed once per distinct text and validated. */
    public static Program program(Attrs a) {
        String text = a.getString("program");
        int n = a.getInt("num_args");
        Program p = PARSED.get(text);
        if (p == null) {
            p = parse(text, n, OpRegistry.global());
            if (PARSED.size() > 4096) PARSED.clear();
            PARSED.put(text, p);
        }
        if (p.numInputs() != n) throw bad(text, "it reads " + p.numInputs() + " inputs but num_args is " + n);
        return p;
    }

    /** Parse and check {@code text}: known fusible operators, right argument counts, registers defined before use, every input read. */
    static Program parse(String text, int numInputs, OpRegistry registry) {
        if (text.isBlank()) throw bad(text, "it has no steps");
        List<Step> steps = new ArrayList<>();
        boolean[] read = new boolean[numInputs];
        for (String part : text.split(";", -1)) {
            String s = part.strip();
            int open = s.indexOf('('), close = s.indexOf(')');
            if (open <= 0 || close < open) throw bad(text, "step '" + s + "' is not op(r0, ...)");
            OpDef op = registry.find(s.substring(0, open).strip());
            if (op == null) throw bad(text, "step '" + s + "' names an unknown operator");
            Map<String, String> params = new LinkedHashMap<>();
            String rest = s.substring(close + 1).strip();
            if (!rest.isEmpty()) {
                if (!rest.startsWith("{") || !rest.endsWith("}")) throw bad(text, "step '" + s + "' has parameters not in {k=v,...}");
                for (String kv : rest.substring(1, rest.length() - 1).split(",")) {
                    int eq = kv.indexOf('=');
                    if (eq <= 0) throw bad(text, "step '" + s + "' has a parameter without '='");
                    params.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
                }
            }
            Attrs attrs;
            try {
                attrs = op.parseAttrs(params);
            } catch (ParameterException e) {
                throw bad(text, e.getMessage());
            }
            if (!isFusible(attrs)) throw bad(text, "operator " + op.name() + " cannot be fused");
            String argText = s.substring(open + 1, close).strip();
            String[] argParts = argText.isEmpty() ? new String[0] : argText.split(",");
            int[] args = new int[argParts.length];
            int defined = numInputs + steps.size();
            for (int i = 0; i < args.length; i++) {
                String r = argParts[i].strip();
                int reg;
                try {
                    reg = r.startsWith("r") ? Integer.parseInt(r.substring(1)) : -1;
                } catch (NumberFormatException e) {
                    reg = -1;
                }
                if (reg < 0 || reg >= defined) throw bad(text, "step '" + s + "' reads " + r + ", which is not defined before it");
                if (reg < numInputs) read[reg] = true;
                args[i] = reg;
            }
            if (args.length != op.numInputs(attrs)) {
                throw bad(text, "step '" + s + "' gives " + args.length + " arguments to " + op.name() + ", which takes " + op.numInputs(attrs));
            }
            steps.add(new Step(attrs, args));
        }
        for (int i = 0; i < numInputs; i++) if (!read[i]) throw bad(text, "input r" + i + " is never read");
        return new Program(numInputs, List.copyOf(steps));
    }

    /** A ShapeException, as the program is checked by shape inference, the first call that sees the parameters. */
    private static ShapeException bad(String text, String why) {
        return new ShapeException("Operator " + NAME + ": invalid program '" + text + "': " + why);
    }

    public static void register(OpRegistry r) {
        OpDef.builder(NAME).family("elemwise")
                .doc("A chain of element-wise operators evaluated in one pass over memory, created by the executor's fusion pass. "
                        + "program lists the steps (op(r0,...){param=value,...} separated by ';'); registers r0.. are the inputs, "
                        + "each step defines the next register and the last one is the output. Inputs and output share one shape "
                        + "and one floating dtype. Not differentiable: fusion runs after the gradient pass.")
                .param(Param.intParam("num_args").required().min(1).doc("Number of inputs."))
                .param(Param.stringParam("program").required().doc("The steps, as described above."))
                .variadicInputs("num_args")
                .inferShape((attrs, in, out) -> {
                    program(attrs); // a bad program fails here, before anything runs
                    return ShapeRules.SAME.infer(attrs, in, out);
                })
                .inferType((attrs, in, out) -> {
                    boolean done = TypeRules.SAME.infer(attrs, in, out);
                    for (DType t : in) {
                        if (t != null && !t.isFloating()) {
                            throw new TypeException("Operator " + NAME + ": inputs must have a floating dtype, got " + Arrays.toString(in));
                        }
                    }
                    return done;
                })
                // element-wise block by block: the output may take any input's memory
                .inplace(a -> {
                    List<OpDef.InplacePair> l = new ArrayList<>();
                    for (int i = 0; i < a.getInt("num_args"); i++) l.add(new OpDef.InplacePair(i, 0));
                    return l;
                })
                .register(r);
    }
}
