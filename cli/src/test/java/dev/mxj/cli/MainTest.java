package dev.mxj.cli;

import dev.mxj.device.DevicePlugin;
import dev.mxj.device.DevicePlugins;
import dev.mxj.device.KernelTable;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MainTest {
    /** Exit code and both streams of one in-process run. */
    record Result(int code, String out, String err) {}

    static Result mxj(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code;
        try (var o = new PrintStream(out, true, StandardCharsets.UTF_8); var e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(args, o, e);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpPrintsUsageOnStdout() {
        for (String h : List.of("help", "--help", "-h")) {
            Result r = mxj(h);
            assertEquals(0, r.code(), h);
            assertTrue(r.out().startsWith("usage: mxj"), r.out());
            assertEquals("", r.err());
        }
    }

    @Test
    void noArgumentsIsAUsageError() {
        Result r = mxj();
        assertEquals(2, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().contains("usage: mxj"), r.err());
    }

    @Test
    void unknownCommandGivesUsageOnStderrAndExitCode2() {
        Result r = mxj("frobnicate");
        assertEquals(2, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().contains("unknown command 'frobnicate'"), r.err());
        assertTrue(r.err().contains("usage: mxj"), r.err());
    }

    @Test
    void extraArgumentsAreUsageErrors() {
        assertEquals(2, mxj("info", "extra").code());
        assertEquals(2, mxj("ops", "a", "b").code());
    }

    @Test
    void startupTrainingRunsPythonThenJavaScriptInOneProcess() {
        // the launcher's cache recording runs exactly these two files; each needs its own engine
        assertEquals(0, mxj("startup-training", "startup/train.py", "startup/train.js").code());
    }

    @Test
    void startupTrainingStopsAtTheFirstFailingScript(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        var failing = java.nio.file.Files.writeString(dir.resolve("fail.py"), "import sys\nsys.exit(3)\n");
        var marker = dir.resolve("ran");
        var next = java.nio.file.Files.writeString(dir.resolve("next.py"), "open(%s, 'w').close()\n".formatted(
                "'" + marker.toString().replace("\\", "/") + "'"));
        assertEquals(3, mxj("startup-training", failing.toString(), next.toString()).code());
        assertTrue(java.nio.file.Files.notExists(marker), "the script after the failing one must not run");
        assertEquals(2, mxj("startup-training").code());
    }

    @Test
    void versionComesFromTheBuild() {
        Result r = mxj("version");
        assertEquals(0, r.code());
        assertTrue(r.out().matches("mxj \\d+\\.\\d+\\.\\d+.*\\R"), r.out());
    }

    @Test
    void infoReportsJavaEngineOperatorsAndTheCpuPlugin() {
        Result r = mxj("info");
        assertEquals(0, r.code(), r.out() + r.err());
        String out = r.out();
        assertTrue(out.startsWith("mxj " + Main.version() + "\n"), out);
        assertTrue(out.contains("java       " + Runtime.version()), out);
        assertTrue(out.contains("engine     "), out);
        // tests run on the class path without JVMCI: the script hosts work, interpreted
        assertTrue(out.contains("scripts    JavaScript, Python 3.") && out.contains("Truffle runtime: Interpreted"), out);
        assertTrue(out.contains("operators  " + OpRegistry.global().size() + " registered"), out);
        assertTrue(out.contains("cpu      usable: "), out);
        // surefire's JVM has no -XX:AOTCache: info says so rather than claiming a cache
        assertTrue(out.contains("start-up   no AOT cache"), out);

        // the figures printed for the CPU plugin are the plugin's own
        DevicePlugin cpu = DevicePlugins.discover().stream().filter(p -> p.deviceType().equals("cpu"))
                .findFirst().orElseThrow().plugin();
        KernelTable kernels = new KernelTable();
        cpu.registerKernels(kernels);
        Matcher m = Pattern.compile("devices: (\\d+), kernels: (\\d+) \\((\\d+) of (\\d+) operators\\)").matcher(out);
        assertTrue(m.find(), out);
        assertEquals(cpu.deviceCount(), Integer.parseInt(m.group(1)));
        assertEquals(kernels.size(), Integer.parseInt(m.group(2)));
        assertEquals(OpRegistry.global().list().stream().filter(op -> kernels.has(op.name())).count(), Long.parseLong(m.group(3)));
        assertEquals(OpRegistry.global().size(), Integer.parseInt(m.group(4)));
    }

    @Test
    void infoFailsOnAnInvalidEngineType() {
        assumeTrue(System.getenv("MXJ_ENGINE_TYPE") == null && System.getenv("MXNET_ENGINE_TYPE") == null,
                "an engine type is set in the environment, which takes precedence over the property");
        System.setProperty("mxj.engine.type", "NoSuchEngine");
        try {
            Result r = mxj("info");
            assertEquals(1, r.code());
            assertTrue(r.out().contains("engine     invalid: unknown engine type 'NoSuchEngine'"), r.out());
        } finally {
            System.clearProperty("mxj.engine.type");
        }
    }

    /** A small registry, so the listing is checked whatever the built-in operators are. */
    private static OpRegistry sampleRegistry() {
        OpRegistry r = new OpRegistry();
        OpDef.builder("elemwise_add").register(r);
        OpDef.builder("broadcast_add").alias("broadcast_plus").register(r);
        OpDef.builder("Activation").register(r);
        OpDef.builder("_plus_scalar").alias("_PlusScalar").register(r);
        OpDef.builder("Reshape").alias("reshape", "_reshape").register(r);
        return r;
    }

    static Result ops(OpRegistry registry, String filter) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.ops(registry, filter, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void opsListsEveryGlobalOperatorOnceInRegistryOrder() {
        Result r = mxj("ops");
        assertEquals(0, r.code(), r.err());
        List<String> names = r.out().lines().map(l -> l.split(" ", 2)[0]).toList();
        assertEquals(OpRegistry.global().list().stream().map(OpDef::name).toList(), names);
    }

    @Test
    void opsPrintsNamesSortedWithTheirAliases() {
        Result r = ops(sampleRegistry(), "");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("Activation", "Reshape  (aliases: reshape, _reshape)", "_plus_scalar  (alias: _PlusScalar)",
                        "broadcast_add  (alias: broadcast_plus)", "elemwise_add"),
                r.out().lines().toList());
    }

    @Test
    void opsFiltersByNameOrAliasIgnoringCase() {
        // "PLUS" matches _plus_scalar by name and broadcast_add by its alias
        assertEquals(List.of("_plus_scalar  (alias: _PlusScalar)", "broadcast_add  (alias: broadcast_plus)"), ops(sampleRegistry(), "PLUS").out().lines().toList());
        assertEquals(List.of("broadcast_add  (alias: broadcast_plus)", "elemwise_add"), ops(sampleRegistry(), "_ADD").out().lines().toList());
    }

    @Test
    void opsWithAFilterMatchingNothingFails() {
        Result r = mxj("ops", "no-such-operator-anywhere");
        assertEquals(1, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().contains("no operator matches 'no-such-operator-anywhere'"), r.err());
    }

    @Test
    void quickstartPassesItsArgumentAndKeepsTheFileItWasGiven(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path file = dir.resolve("qs.params");
        PrintStream saved = System.out;
        Result r;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            r = mxj("quickstart", file.toString());
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, r.code(), r.err());
        assertTrue(java.nio.file.Files.size(file) > 0, "the example saved its arrays to the given file");
    }

    @Test
    void quickstartRunsTheExample() {
        PrintStream saved = System.out;
        var captured = new ByteArrayOutputStream();
        Result r;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8)); // the example prints to System.out
            r = mxj("quickstart");
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, r.code(), r.err());
        assertNotEquals("", captured.toString(StandardCharsets.UTF_8).strip(), "QuickStart printed nothing");
    }

    @Test
    void fashionMnistRejectsBadOptionsAsUsageErrors() {
        Result r = mxj("fashion-mnist", "--epochs", "zero");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("fashion-mnist"), r.err());
        r = mxj("fashion-mnist", "--learning-rate", "0.1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown option --learning-rate"), r.err());
    }

    @Test
    void fashionMnistNamesTheDebianPackageWhenTheDataIsMissing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path empty) {
        Result r = mxj("fashion-mnist", "--data", empty.toString(), "--epochs", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("dataset-fashion-mnist"), r.err());
    }
}
