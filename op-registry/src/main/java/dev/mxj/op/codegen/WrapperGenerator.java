package dev.mxj.op.codegen;

import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes the typed Java operator wrappers from an {@link OpRegistry} (DESIGN.md §7: wrappers
 * are generated, never written out one by one):
 *
 * <ul>
 *   <li>{@code Nd}: one static method family per operator, named in camelCase without MXNet's
 *       leading underscores ({@code _plus_scalar} → {@code plusScalar}, {@code FullyConnected} →
 *       {@code fullyConnected}); inputs first (varargs for variadic operators), then required
 *       parameters, then (in a longer overload) optional parameters as boxed values where null
 *       means "default", then (longest overload) {@code out}.</li>
 *   <li>{@code NDArrayOps}: the generated superclass of the array class, with an instance method
 *       for each operator whose first input is the array ({@code x.relu()}).</li>
 * </ul>
 *
 * Internal operators ({@code _backward_*}, numpy-internal {@code _np*_}) are left out. Every
 * call goes through {@code Imperative.invoke}, so a wrapper adds no behaviour of its own.
 * Run {@link #main} to write the sources to a directory for inspection.
 */
public final class WrapperGenerator {
    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case", "catch", "char",
            "class", "const", "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float", "for",
            "goto", "if", "implements", "import", "instanceof", "int", "interface", "long", "native", "new", "package", "private",
            "protected", "public", "return", "short", "static", "strictfp", "super", "switch", "synchronized", "this", "throw",
            "throws", "transient", "try", "void", "volatile", "while", "true", "false", "null", "var", "record", "yield", "sealed",
            "permits", "when", "module", "open", "exports", "requires", "with", "to", "uses", "provides", "transitive", "opens");
    /** Object's methods and NDArray plumbing that an operator must never shadow. */
    private static final Set<String> RESERVED = Set.of("equals", "hashCode", "toString", "getClass", "notify", "notifyAll", "wait",
            "clone", "finalize", "self", "close");
    private static final String ND = "NDArray";

    private final OpRegistry registry;
    private final String pkg;
    private final String arrayClass;
    private final Set<String> handWritten;

    /**
     * @param handWritten signatures declared by hand on the array class, as
     *                    {@code name(erasure1,erasure2,)} (plus "static" for static methods) and {@code name#name}
     */
    public WrapperGenerator(OpRegistry registry, String pkg, String arrayClass, Set<String> handWritten) {
        this.registry = registry;
        this.pkg = pkg;
        this.arrayClass = arrayClass;
        this.handWritten = handWritten;
    }

    /** Writes Nd.java and NDArrayOps.java for the global registry into {@code args[0]/dev/mxj/ndarray}. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/generated-wrappers").resolve("dev/mxj/ndarray");
        Files.createDirectories(dir);
        for (var e : new WrapperGenerator(OpRegistry.global(), "dev.mxj.ndarray", ND, Set.of()).generate().entrySet()) {
            Files.writeString(dir.resolve(e.getKey() + ".java"), e.getValue());
        }
        System.out.println("wrote wrappers for " + OpRegistry.global().size() + " operators to " + dir);
    }

    /** Class simple name → source. */
    public Map<String, String> generate() {
        List<OpInfo> ops = collect();
        Map<String, String> files = new LinkedHashMap<>();
        files.put("Nd", nd(ops));
        files.put("NDArrayOps", arrayOps(ops));
        return files;
    }

    // ---------------------------------------------------------------- model

    /** A generated parameter: Java name and types, MXNet name, docs. */
    private record Arg(String mx, String java, String type, String boxed, String erasure, boolean required, String doc, String convert) {}

    private record OpInfo(OpDef def, String javaName, List<String> inputs, List<String> mxInputs, boolean variadic, List<Arg> required,
                          List<Arg> optional, boolean multiOutput) {}

    private List<OpInfo> collect() {
        Map<String, OpDef> byJavaName = new TreeMap<>();
        for (OpDef d : registry.list()) {
            if (!isPublic(d)) continue;
            String jn = javaName(d.name());
            if (RESERVED.contains(jn) || KEYWORDS.contains(jn)) jn = jn + "Op";
            OpDef prev = byJavaName.get(jn);
            if (prev == null) {
                byJavaName.put(jn, d);
            } else {
                // two operators want one name: the one without a leading underscore keeps it
                OpDef loser = d.name().startsWith("_") ? d : prev;
                OpDef winner = loser == d ? prev : d;
                byJavaName.put(jn, winner);
                byJavaName.put("internal" + capitalize(jn), loser);
            }
        }
        List<OpInfo> out = new ArrayList<>();
        for (var e : byJavaName.entrySet()) out.add(info(e.getValue(), e.getKey()));
        return out;
    }

    private static boolean isPublic(OpDef d) {
        String n = d.name();
        if (d.backwardOf() != null || n.startsWith("_backward") || n.contains("_backward_")) return false;
        return !(n.startsWith("_np_") || n.startsWith("_npi_") || n.startsWith("_npx_") || n.startsWith("_internal_"));
    }

    private OpInfo info(OpDef d, String javaName) {
        Attrs sample = sampleAttrs(d, 1);
        boolean variadic = d.keyVarNumArgs() != null;
        List<String> inputs = new ArrayList<>();
        if (!variadic && sample != null) {
            for (String in : d.inputNames(sample)) inputs.add(in);
        }
        Set<String> used = new HashSet<>();
        used.add("out");    // the generated out parameter
        used.add("params"); // the generated local holding the parameter map
        List<String> javaInputs = new ArrayList<>();
        if (variadic) {
            javaInputs.add(unique("data", used));
        } else {
            for (String in : inputs) javaInputs.add(unique(identifier(in), used));
        }
        List<Arg> req = new ArrayList<>(), opt = new ArrayList<>();
        for (Param p : d.params().values()) {
            if (p.name().equals(d.keyVarNumArgs())) continue;
            String jn = unique(identifier(p.name()), used);
            (p.isRequired() ? req : opt).add(arg(p, jn));
        }
        boolean multi = true;
        Attrs other = sampleAttrs(d, 2);
        if (sample != null && other != null) {
            multi = d.numVisibleOutputs(sample) != 1 || d.numVisibleOutputs(other) != 1;
        }
        return new OpInfo(d, javaName, javaInputs, inputs, variadic, req, opt, multi);
    }

    /** Attributes with placeholder values for required parameters, to ask input and output counts. */
    private static Attrs sampleAttrs(OpDef d, int n) {
        Map<String, Object> raw = new HashMap<>();
        for (Param p : d.params().values()) {
            if (!p.isRequired()) continue;
            Object v = switch (p.type()) {
                case INT, LONG -> n;
                case FLOAT -> (double) n;
                case BOOL -> Boolean.FALSE;
                case STRING -> "";
                case ENUM -> p.choices().isEmpty() ? "" : p.choices().get(0);
                case INT_TUPLE -> new long[] {n};
                case FLOAT_TUPLE -> new double[] {n};
                case DTYPE -> DType.FLOAT32;
            };
            raw.put(p.name(), v);
        }
        try {
            return d.parseAttrs(raw);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Arg arg(Param p, String javaName) {
        String type, boxed, erasure, convert = null;
        switch (p.type()) {
            case INT -> { type = "int"; boxed = "Integer"; }
            case LONG -> { type = "long"; boxed = "Long"; }
            case FLOAT -> { type = "double"; boxed = "Double"; }
            case BOOL -> { type = "boolean"; boxed = "Boolean"; }
            case STRING, ENUM -> { type = "String"; boxed = "String"; }
            case INT_TUPLE -> { type = "long[]"; boxed = "long[]"; }
            case FLOAT_TUPLE -> { type = "double[]"; boxed = "double[]"; }
            case DTYPE -> { type = "DType"; boxed = "DType"; }
            default -> throw new IllegalStateException();
        }
        if (p.name().equals("ctx") && p.type() == Param.Type.STRING) {
            type = boxed = "Context";
            convert = javaName + ".toString()";
        }
        erasure = switch (p.isRequired() ? type : boxed) {
            case "String" -> "java.lang.String";
            case "Integer", "Long", "Double", "Boolean" -> "java.lang." + (p.isRequired() ? type : boxed);
            case "DType" -> "dev.mxj.op.DType";
            case "Context" -> "dev.mxj.Context";
            default -> p.isRequired() ? type : boxed;
        };
        return new Arg(p.name(), javaName, type, boxed, erasure, p.isRequired(), docOf(p), convert);
    }

    private static String docOf(Param p) {
        StringBuilder sb = new StringBuilder(p.doc() == null ? "" : p.doc().strip());
        if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '.') sb.append('.');
        sb.append(sb.length() > 0 ? " " : "").append("(").append(p.expectation());
        if (p.isRequired()) sb.append(", required");
        else sb.append(", default ").append(Param.format(p.defaultValue()));
        return sb.append(")").toString();
    }

    // ---------------------------------------------------------------- Sym

    /**
     * {@code Sym}: typed symbol constructors in package {@code symbolPkg}, one family per public
     * operator, each building its node through {@code Symbol.create} (as {@code mx.sym.<Op>}):
     * the node name first (null: from the name manager), then the inputs (null: a variable
     * {@code <name>_<input>} is created, e.g. {@code fc1_weight}), then required and optional
     * parameters (optional ones boxed, null for the default). A short form takes only the first
     * input and the required parameters: {@code Sym.fullyConnected("fc1", data, 128)}.
     */
    public Map<String, String> generateSymbols(String symbolPkg) {
        List<OpInfo> ops = collect();
        StringBuilder sb = header(symbolPkg);
        sb.append("/**\n * Typed symbol constructors for every public operator in the registry ({@code mx.sym.*}), generated at\n")
          .append(" * build time by {@code dev.mxj.op.codegen.WrapperGenerator}; do not edit. Each goes through\n")
          .append(" * {@link Symbol#create}; inputs left null become new variables, optional parameters left null keep their defaults.\n */\n")
          .append("public final class Sym {\n    private Sym() {}\n");
        for (OpInfo op : ops) {
            Set<String> sigs = new HashSet<>();
            List<Arg> all = new ArrayList<>(op.required);
            all.addAll(op.optional);
            int nin = op.inputs.size();
            emitSym(sb, op, nin, all, sigs);
            if (!op.optional.isEmpty()) emitSym(sb, op, nin, op.required, sigs);
            if (!op.variadic && nin > 1) emitSym(sb, op, 1, op.required, sigs);
        }
        sb.append("}\n");
        return Map.of("Sym", sb.toString());
    }

    private static void emitSym(StringBuilder sb, OpInfo op, int nInputs, List<Arg> args, Set<String> sigs) {
        boolean clash = op.inputs.contains("name");
        for (Arg a : args) clash |= a.java.equals("name");
        String nameParam = clash ? "nodeName" : "name";
        boolean varargs = op.variadic && args.isEmpty();
        List<String> params = new ArrayList<>(), erasures = new ArrayList<>();
        params.add("String " + nameParam);
        erasures.add("java.lang.String");
        for (int i = 0; i < nInputs; i++) {
            params.add((op.variadic ? (varargs ? "Symbol..." : "Symbol[]") : "Symbol") + " " + op.inputs.get(i));
            erasures.add(op.variadic ? "Symbol[]" : "Symbol");
        }
        for (Arg a : args) {
            params.add((a.required ? a.type : a.boxed) + " " + a.java);
            erasures.add(a.erasure);
        }
        if (!sigs.add(op.javaName + "(" + String.join(",", erasures) + ")")) return;
        sb.append("\n    /**\n     * Symbol of operator {@code ").append(escape(op.def.name())).append("}");
        if (!op.def.aliases().isEmpty()) sb.append(" (aliases: ").append(escapeHtml(String.join(", ", op.def.aliases()))).append(")");
        sb.append(".\n");
        String doc = op.def.doc() == null ? "" : op.def.doc().strip();
        if (!doc.isEmpty()) {
            sb.append("     *\n     * <pre>\n");
            for (String line : doc.split("\n")) sb.append("     * ").append(escapeHtml(line)).append('\n');
            sb.append("     * </pre>\n");
        }
        if (nInputs < op.inputs.size()) sb.append("     * Inputs after the first are created as variables.\n");
        sb.append("     * @param ").append(nameParam).append(" node name, or null for an automatic one\n");
        for (int i = 0; i < nInputs; i++) {
            sb.append("     * @param ").append(op.inputs.get(i)).append(op.variadic ? " input symbols\n" : " input symbol, or null to create a variable\n");
        }
        for (Arg a : args) {
            sb.append("     * @param ").append(a.java).append(' ').append(escapeHtml(a.doc.replace('\n', ' ')));
            if (!a.required) sb.append("; null for the default");
            sb.append('\n');
        }
        sb.append("     * @return the operator's symbol\n     */\n");
        sb.append("    public static Symbol ").append(op.javaName).append('(').append(String.join(", ", params)).append(") {\n");
        sb.append("        java.util.Map<String, Object> p$ = new java.util.LinkedHashMap<>();\n");
        putParams(sb, args, "p$");
        String name = escape(op.def.name());
        if (op.variadic) {
            sb.append("        return Symbol.create(\"").append(name).append("\", ").append(nameParam).append(", p$, java.util.Arrays.asList(")
              .append(op.inputs.get(0)).append("), java.util.Map.of());\n");
        } else {
            sb.append("        java.util.Map<String, Symbol> in$ = new java.util.LinkedHashMap<>();\n");
            for (int i = 0; i < nInputs; i++) {
                sb.append("        if (").append(op.inputs.get(i)).append(" != null) in$.put(\"").append(escape(op.mxInputs.get(i))).append("\", ")
                  .append(op.inputs.get(i)).append(");\n");
            }
            sb.append("        return Symbol.create(\"").append(name).append("\", ").append(nameParam).append(", p$, java.util.List.of(), in$);\n");
        }
        sb.append("    }\n");
    }

    // ---------------------------------------------------------------- Nd

    private String nd(List<OpInfo> ops) {
        StringBuilder sb = header();
        sb.append("/**\n * Typed wrappers of every public operator in the registry, generated at build time by\n")
          .append(" * {@code dev.mxj.op.codegen.WrapperGenerator}; do not edit. Each call goes through\n")
          .append(" * {@link Imperative#invoke}. Optional parameters are boxed: {@code null} means the operator's default.\n */\n")
          .append("public final class Nd {\n    private Nd() {}\n");
        for (OpInfo op : ops) {
            Set<String> sigs = new HashSet<>();
            List<Arg> all = new ArrayList<>(op.required);
            all.addAll(op.optional);
            String ret = op.multiOutput ? "NDArray[]" : "NDArray";
            String outType = op.multiOutput ? "NDArray[]" : "NDArray";
            // longest form, with out
            emitStatic(sb, op, all, true, ret, outType, sigs, null);
            // without out
            emitStatic(sb, op, all, false, ret, outType, sigs, all.size() + " params");
            // required parameters only
            if (!op.optional.isEmpty()) emitStatic(sb, op, op.required, false, ret, outType, sigs, "required");
        }
        sb.append("}\n");
        return sb.toString();
    }

    private void emitStatic(StringBuilder sb, OpInfo op, List<Arg> args, boolean withOut, String ret, String outType, Set<String> sigs, String kind) {
        List<String> params = new ArrayList<>();
        List<String> erasures = new ArrayList<>();
        boolean varargsLast = op.variadic && args.isEmpty() && !withOut;
        for (String in : op.inputs) {
            params.add((op.variadic ? (varargsLast ? "NDArray..." : "NDArray[]") : "NDArray") + " " + in);
            erasures.add(op.variadic ? "dev.mxj.ndarray.NDArray[]" : "dev.mxj.ndarray.NDArray");
        }
        for (Arg a : args) {
            params.add((a.required ? a.type : a.boxed) + " " + a.java);
            erasures.add(a.erasure);
        }
        if (withOut) {
            params.add(outType + " out");
            erasures.add(op.multiOutput ? "dev.mxj.ndarray.NDArray[]" : "dev.mxj.ndarray.NDArray");
        }
        String sig = op.javaName + "(" + String.join(",", erasures) + ")";
        if (!sigs.add(sig)) return;
        javadoc(sb, op, args, withOut);
        sb.append("    public static ").append(ret).append(' ').append(op.javaName).append('(').append(String.join(", ", params)).append(") {\n");
        if (withOut) {
            body(sb, op, args);
        } else {
            List<String> call = new ArrayList<>(op.inputs);
            List<Arg> all = new ArrayList<>(op.required);
            all.addAll(op.optional);
            for (Arg a : all) call.add(args.contains(a) ? a.java : "null");
            call.add("null");
            sb.append("        return ").append(op.javaName).append('(').append(castNulls(op, call, all)).append(");\n");
        }
        sb.append("    }\n");
    }

    /** Arguments of the delegating call; nulls are cast so overloads stay unambiguous. */
    private static String castNulls(OpInfo op, List<String> call, List<Arg> all) {
        List<String> r = new ArrayList<>();
        int ni = op.inputs.size();
        for (int i = 0; i < call.size(); i++) {
            String c = call.get(i);
            if (!c.equals("null")) { r.add(c); continue; }
            if (i < ni) r.add("(NDArray) null");
            else if (i < ni + all.size()) r.add("(" + all.get(i - ni).boxed + ") null");
            else r.add("(" + (op.multiOutput ? "NDArray[]" : "NDArray") + ") null");
        }
        return String.join(", ", r);
    }

    private static void body(StringBuilder sb, OpInfo op, List<Arg> args) {
        String inputs = op.variadic ? op.inputs.get(0) : op.inputs.isEmpty() ? "null" : "new NDArray[] {" + String.join(", ", op.inputs) + "}";
        String params;
        if (args.isEmpty()) {
            params = "null";
        } else {
            sb.append("        java.util.Map<String, Object> params = new java.util.HashMap<>();\n");
            putParams(sb, args, "params");
            params = "params";
        }
        String name = escape(op.def.name());
        if (op.multiOutput) {
            sb.append("        return Imperative.invoke(\"").append(name).append("\", ").append(inputs).append(", ").append(params).append(", out);\n");
        } else {
            sb.append("        return Imperative.invoke1(\"").append(name).append("\", ").append(inputs).append(", ").append(params).append(", out);\n");
        }
    }

    /** Statements putting each parameter into map {@code var}: primitives always, reference types when not null (the default). */
    private static void putParams(StringBuilder sb, List<Arg> args, String var) {
        for (Arg a : args) {
            String v = a.convert != null ? a.convert : a.java;
            if (a.required && !a.type.equals("String") && !a.type.equals("Context") && !a.type.equals("DType") && !a.type.endsWith("[]")) {
                sb.append("        ").append(var).append(".put(\"").append(a.mx).append("\", ").append(v).append(");\n");
            } else {
                sb.append("        if (").append(a.java).append(" != null) ").append(var).append(".put(\"").append(a.mx).append("\", ").append(v).append(");\n");
            }
        }
    }

    private static void javadoc(StringBuilder sb, OpInfo op, List<Arg> args, boolean withOut) {
        sb.append("\n    /**\n");
        String doc = op.def.doc() == null ? "" : op.def.doc().strip();
        sb.append("     * Operator {@code ").append(escape(op.def.name())).append("}");
        if (!op.def.aliases().isEmpty()) sb.append(" (aliases: ").append(escapeHtml(String.join(", ", op.def.aliases()))).append(")");
        sb.append(".\n");
        if (!doc.isEmpty()) {
            sb.append("     *\n     * <pre>\n");
            for (String line : doc.split("\n")) sb.append("     * ").append(escapeHtml(line)).append('\n');
            sb.append("     * </pre>\n");
        }
        for (String in : op.inputs) sb.append("     * @param ").append(in).append(op.variadic ? " input arrays" : " input array").append('\n');
        for (Arg a : args) {
            sb.append("     * @param ").append(a.java).append(' ').append(escapeHtml(a.doc.replace('\n', ' ')));
            if (!a.required) sb.append("; null for the default");
            sb.append('\n');
        }
        if (withOut) sb.append("     * @param out array").append(op.multiOutput ? "s" : "").append(" to write the result into, or null\n");
        sb.append("     * @return the output").append(op.multiOutput ? "s" : "").append("\n     */\n");
    }

    // ---------------------------------------------------------------- NDArrayOps

    private String arrayOps(List<OpInfo> ops) {
        StringBuilder sb = header();
        sb.append("/**\n * Operator methods of {@link ").append(arrayClass).append("} whose first input is the array itself, generated at build\n")
          .append(" * time from the operator registry; do not edit. See {@link Nd} for the static forms and parameter docs.\n */\n")
          .append("public abstract sealed class NDArrayOps permits ").append(arrayClass).append(" {\n")
          .append("    NDArrayOps() {}\n\n")
          .append("    /** The array these methods operate on. */\n    abstract ").append(arrayClass).append(" self();\n");
        for (OpInfo op : ops) {
            if (op.variadic || op.inputs.isEmpty()) continue;
            Set<String> sigs = new HashSet<>();
            List<Arg> all = new ArrayList<>(op.required);
            all.addAll(op.optional);
            emitInstance(sb, op, all, true, sigs);
            emitInstance(sb, op, all, false, sigs);
            if (!op.optional.isEmpty()) emitInstance(sb, op, op.required, false, sigs);
        }
        sb.append("}\n");
        return sb.toString();
    }

    private void emitInstance(StringBuilder sb, OpInfo op, List<Arg> args, boolean withOut, Set<String> sigs) {
        List<String> params = new ArrayList<>();
        List<String> erasures = new ArrayList<>();
        List<String> call = new ArrayList<>();
        call.add("self()");
        for (int i = 1; i < op.inputs.size(); i++) {
            params.add("NDArray " + op.inputs.get(i));
            erasures.add("dev.mxj.ndarray.NDArray");
            call.add(op.inputs.get(i));
        }
        for (Arg a : args) {
            params.add((a.required ? a.type : a.boxed) + " " + a.java);
            erasures.add(a.erasure);
            call.add(a.java);
        }
        String outType = op.multiOutput ? "NDArray[]" : "NDArray";
        if (withOut) {
            params.add(outType + " out");
            erasures.add(op.multiOutput ? "dev.mxj.ndarray.NDArray[]" : "dev.mxj.ndarray.NDArray");
            call.add("out");
        }
        String sig = op.javaName + "(" + String.join(",", erasures) + (erasures.isEmpty() ? "" : ",") + ")";
        if (handWritten.contains(sig) || handWritten.contains(sig + "static") || !sigs.add(sig)) return;
        String ret = op.multiOutput ? "NDArray[]" : "NDArray";
        sb.append("\n    /** Operator {@code ").append(escape(op.def.name())).append("} with this array as {@code ")
          .append(op.inputs.get(0)).append("}; see {@link Nd#").append(op.javaName).append("}. */\n");
        sb.append("    public ").append(ret).append(' ').append(op.javaName).append('(').append(String.join(", ", params)).append(") {\n");
        sb.append("        return Nd.").append(op.javaName).append('(').append(String.join(", ", call)).append(");\n    }\n");
    }

    // ---------------------------------------------------------------- helpers

    private StringBuilder header() { return header(pkg); }

    private static StringBuilder header(String pkg) {
        StringBuilder sb = new StringBuilder();
        sb.append("// Generated by dev.mxj.op.codegen.WrapperGenerator from the operator registry. Do not edit.\n");
        sb.append("package ").append(pkg).append(";\n\n");
        sb.append("import dev.mxj.Context;\nimport dev.mxj.op.DType;\n\n");
        return sb;
    }

    /** MXNet operator name → Java method name: {@code _plus_scalar} → plusScalar, {@code ROIPooling} → roiPooling. */
    public static String javaName(String mx) {
        String[] parts = mx.replaceAll("^_+", "").split("_+");
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            if (p.isEmpty()) continue;
            if (sb.isEmpty()) sb.append(lowerLead(p));
            else sb.append(capitalize(p));
        }
        String s = sb.isEmpty() ? "op" : sb.toString();
        if (!Character.isJavaIdentifierStart(s.charAt(0))) s = "op" + capitalize(s);
        return s;
    }

    /** Lower-case a leading capital run: "FullyConnected" → "fullyConnected", "LRN" → "lrn", "ROIPooling" → "roiPooling". */
    private static String lowerLead(String p) {
        int n = 0;
        while (n < p.length() && Character.isUpperCase(p.charAt(n))) n++;
        if (n == 0) return p;
        if (n == p.length()) return p.toLowerCase(Locale.ROOT);
        int cut = n == 1 ? 1 : n - 1;
        return p.substring(0, cut).toLowerCase(Locale.ROOT) + p.substring(cut);
    }

    private static String capitalize(String s) { return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1); }

    /** Parameter or input name → Java identifier (camelCase, keywords suffixed). */
    static String identifier(String mx) {
        String s = javaName(mx);
        if (KEYWORDS.contains(s)) s = s + "_";
        return s;
    }

    private static String unique(String name, Set<String> used) {
        String n = name;
        for (int i = 2; !used.add(n); i++) n = name + i;
        return n;
    }

    private static String escape(String s) { return s.replace("\\", "\\\\").replace("\"", "\\\""); }

    private static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("*/", "*&#47;").replace("@", "&#64;")
                .replace("{", "&#123;").replace("}", "&#125;");
    }
}
