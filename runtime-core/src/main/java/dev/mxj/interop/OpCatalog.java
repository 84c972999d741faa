package dev.mxj.interop;

import dev.mxj.op.Attrs;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The registry as front ends need it to generate operator functions: every name (aliases
 * included), its input names, its parameters with MXNet's type descriptions and defaults, and
 * its documentation. Read once at import time.
 */
public final class OpCatalog {
    private OpCatalog() {}

    /** One parameter: {@code type} reads as MXNet's docs do, e.g. "Shape(tuple), required" or "float, optional, default=1". */
    public record ParamInfo(String name, String type, String defaultText, boolean required, List<String> choices, String doc) {}

    /**
     * One operator name. {@code inputs} are the input names under default parameters (empty when
     * they depend on a required parameter); {@code numArgsParam} names the parameter counting
     * variadic inputs (null otherwise).
     */
    public record OpInfo(String name, String canonicalName, List<String> inputs, String numArgsParam,
                         List<ParamInfo> params, String doc) {}

    /** Every operator name in the global registry, aliases as their own entries, sorted by name. */
    public static List<OpInfo> entries() {
        OpRegistry reg = OpRegistry.global();
        List<OpInfo> out = new ArrayList<>();
        for (String name : reg.allNames()) out.add(info(name, reg.get(name)));
        return out;
    }

    public static OpInfo info(String name) { return info(name, OpRegistry.global().get(name)); }

    private static OpInfo info(String name, OpDef def) {
        List<ParamInfo> params = new ArrayList<>();
        for (Param p : def.params().values()) {
            String dflt = p.defaultValue() == null ? (p.isOptional() ? "None" : null) : Param.format(p.defaultValue());
            String type = typeName(p) + (p.isRequired() ? ", required" : ", optional, default=" + (dflt == null ? "None" : "'" + dflt + "'"));
            params.add(new ParamInfo(p.name(), type, dflt, p.isRequired(), p.choices() == null ? List.of() : p.choices(),
                    p.doc() == null ? "" : p.doc()));
        }
        List<String> inputs = def.keyVarNumArgs() == null ? allInputs(def) : List.of();
        return new OpInfo(name, def.name(), inputs, def.keyVarNumArgs(), List.copyOf(params), def.doc() == null ? "" : def.doc());
    }

    /**
     * Every input the operator can take, in order, as MXNet's generated functions list them
     * ({@code SequenceMask(data, sequence_length, ...)} although sequence_length is read only with
     * use_sequence_length=True): the longest input list over the defaults and each boolean
     * parameter flipped. Empty when the inputs depend on a parameter's value (front ends then
     * take inputs positionally).
     */
    private static List<String> allInputs(OpDef def) {
        Map<String, Object> base = placeholders(def);
        List<String> best = inputsOrEmpty(def, base);
        for (Param p : def.params().values()) {
            if (p.type() != Param.Type.BOOL) continue;
            for (String v : List.of("True", "False")) {
                Map<String, Object> m = new java.util.HashMap<>(base);
                m.put(p.name(), v);
                List<String> l = inputsOrEmpty(def, m);
                if (l.size() > best.size() && l.subList(0, best.size()).equals(best)) best = l;
            }
        }
        return best;
    }

    private static List<String> inputsOrEmpty(OpDef def, Map<String, Object> params) {
        try {
            return def.inputNames(def.parseAttrs(params));
        } catch (RuntimeException dependsOnRealParameters) {
            return List.of();
        }
    }

    /**
     * Defaults, plus a stand-in for each required parameter, so that input names which depend
     * only on optional parameters (FullyConnected's bias and no_bias) can be read.
     */
    private static Map<String, Object> placeholders(OpDef def) {
        Map<String, Object> m = new java.util.HashMap<>();
        for (Param p : def.params().values()) {
            if (!p.isRequired()) continue;
            m.put(p.name(), switch (p.type()) {
                case INT, LONG, FLOAT -> "1";
                case BOOL -> "False";
                case STRING -> "";
                case ENUM -> p.choices().get(0);
                case INT_TUPLE, FLOAT_TUPLE -> "(1,)";
                case DTYPE -> "float32";
            });
        }
        return m;
    }

    private static String typeName(Param p) {
        return switch (p.type()) {
            case INT, LONG -> "int";
            case FLOAT -> "float";
            case BOOL -> "boolean";
            case STRING -> "string";
            case ENUM -> "{" + String.join(", ", p.choices().stream().map(c -> "'" + c + "'").toList()) + "}";
            case INT_TUPLE -> "Shape(tuple)";
            case FLOAT_TUPLE -> "tuple of <float>";
            case DTYPE -> "{" + "'bool', 'float16', 'float32', 'float64', 'int32', 'int64', 'int8', 'uint8'" + "}";
        };
    }
}
