package dev.mxj.op.codegen;

import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.TypeRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The generated wrappers must compile for any registry the operator families can produce:
 * variadic inputs, multiple outputs, parameters named like Java keywords or like inputs,
 * operators whose Java names collide. Compiles the output against small stubs of the runtime.
 */
class WrapperGeneratorTest {
    @TempDir Path dir;

    private static OpRegistry trickyRegistry() {
        OpRegistry r = new OpRegistry(); // synthetic operators only: the real families may define the same names
        OpDef.builder("Concat").variadicInputs("num_args").param(Param.intParam("num_args").required())
                .param(Param.intParam("dim").defaultValue(1)).register(r);
        OpDef.builder("add_n").alias("ElementWiseSum").variadicInputs("num_args").param(Param.intParam("num_args").required()).register(r);
        OpDef.builder("split").param(Param.intParam("num_outputs").required()).param(Param.intParam("axis").defaultValue(1))
                .outputs(a -> { List<String> l = new ArrayList<>(); for (int i = 0; i < a.getInt("num_outputs"); i++) l.add("o" + i); return l; })
                .register(r);
        OpDef.builder("FullyConnected").param(Param.intParam("num_hidden").required()).param(Param.boolParam("no_bias").defaultValue(false))
                .inputs(a -> a.getBool("no_bias") ? List.of("data", "weight") : List.of("data", "weight", "bias")).register(r);
        OpDef.builder("_weird").inputs("data", "class").param(Param.stringParam("default").defaultValue("x"))
                .param(Param.enumParam("out", "a", "b").defaultValue("a")).param(Param.floatParam("data").optional())
                .param(Param.dtypeParam("dtype").optional()).param(Param.floatTupleParam("scales").defaultValue(new double[] {1}))
                .doc("Has */ and <b> and @param in its doc {@code x}").register(r);
        OpDef.builder("weird").inputs("x").register(r); // collides with _weird's Java name
        OpDef.builder("_backward_weird").backwardOf("_weird").register(r);
        OpDef.builder("topk").outputs("values", "indices").numVisibleOutputs(a -> 2).register(r);
        OpDef.builder("toString").register(r);
        OpDef.builder("zeros_like").register(r);
        OpDef.builder("_sample_thing").inputs("k", "p").param(Param.floatParam("params").optional())
                .param(Param.intTupleParam("shape").defaultValue(new long[0])).register(r); // names of generated locals
        OpDef.builder("_random_uniform").inputs().param(Param.intTupleParam("shape").defaultValue(new long[0]))
                .param(Param.stringParam("ctx").defaultValue("")).inferShape(ShapeRules.SAME).inferType(TypeRules.FROM_DTYPE_PARAM).register(r);
        return r;
    }

    @Test
    void wrappersOfTheGlobalRegistryCompile() throws Exception {
        compile(new WrapperGenerator(OpRegistry.global(), "dev.mxj.ndarray", "NDArray", Set.of("zerosLike()", "copy()")).generate());
    }

    @Test
    void generatedSourcesCompile() throws Exception {
        Map<String, String> files = new WrapperGenerator(trickyRegistry(), "dev.mxj.ndarray", "NDArray",
                Set.of("zerosLike()", "copy()")).generate();
        compile(files);
        String nd = files.get("Nd");
        assertTrue(nd.contains("public static NDArray concat(NDArray... data)"), "varargs for variadic inputs");
        assertTrue(nd.contains("public static NDArray[] split(NDArray data, int numOutputs)"), "output count depends on a parameter");
        assertTrue(nd.contains("public static NDArray[] topk(NDArray data)"));
        assertTrue(nd.contains("public static NDArray fullyConnected(NDArray data, NDArray weight, NDArray bias, int numHidden)"));
        assertTrue(nd.contains("public static NDArray weird(NDArray x)") && nd.contains("internalWeird("), "collisions keep the public name");
        assertFalse(nd.contains("backwardWeird"));
        assertTrue(nd.contains("randomUniform(long[] shape, Context ctx"), "ctx parameters take a Context");
        assertTrue(files.get("NDArrayOps").contains("public NDArray zerosLike(NDArray out)"));
        assertFalse(files.get("NDArrayOps").contains("public NDArray zerosLike() {"), "hand-written methods are not generated");
        assertEquals(DType.FLOAT32, DType.parse("float32"));
    }

    private void compile(Map<String, String> files) throws Exception {
        Path src = dir.resolve("src");
        Path pkg = Files.createDirectories(src.resolve("dev/mxj/ndarray"));
        for (var e : files.entrySet()) Files.writeString(pkg.resolve(e.getKey() + ".java"), e.getValue());
        Files.writeString(pkg.resolve("NDArray.java"), """
                package dev.mxj.ndarray;
                public final class NDArray extends NDArrayOps {
                    @Override NDArray self() { return this; }
                    public NDArray zerosLike() { return this; }
                    public NDArray copy() { return this; }
                }
                """);
        Files.writeString(pkg.resolve("Imperative.java"), """
                package dev.mxj.ndarray;
                public final class Imperative {
                    public static NDArray[] invoke(String op, NDArray[] in, java.util.Map<String, ?> p, NDArray[] out) { return out; }
                    public static NDArray invoke1(String op, NDArray[] in, java.util.Map<String, ?> p, NDArray out) { return out; }
                }
                """);
        Files.writeString(Files.createDirectories(src.resolve("dev/mxj")).resolve("Context.java"),
                "package dev.mxj;\npublic final class Context {}\n");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", Files.createDirectories(dir.resolve("out")).toString(),
                "-cp", System.getProperty("java.class.path"), "-Xlint:all", "-Werror", "-proc:none"));
        try (var s = Files.walk(src)) {
            s.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, null, err, args.toArray(String[]::new));
        assertEquals(0, rc, () -> err + "\n" + files.get("Nd"));
    }
}
