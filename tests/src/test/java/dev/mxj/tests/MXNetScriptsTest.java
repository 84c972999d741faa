package dev.mxj.tests;

import dev.mxj.python.PythonHost;
import org.graalvm.polyglot.Engine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs each MXNet 1.x script of {@code src/test/resources/mxnet-scripts} unchanged on the Python
 * front end and compares what it prints with what real MXNet 1.9.1 printed (the {@code .out}
 * beside it; see that folder's README). One host runs them all, one after the other.
 */
class MXNetScriptsTest {
    private static final Path DIR = Path.of("src/test/resources/mxnet-scripts");

    /** Scripts whose APIs the Python front end does not have yet, with what is missing. */
    private static final Map<String, String> PENDING = Map.of();

    private static final ByteArrayOutputStream OUT = new ByteArrayOutputStream(), ERR = new ByteArrayOutputStream();
    private static Engine engine;
    private static PythonHost host;

    private static synchronized PythonHost host() {
        if (host == null) {
            engine = Engine.newBuilder().option("engine.WarnInterpreterOnly", "false").build();
            host = PythonHost.create(engine, List.of("script.py"), null, OUT, ERR);
        }
        return host;
    }

    @AfterAll
    static synchronized void close() {
        if (host != null) host.close();
        if (engine != null) engine.close();
        host = null;
    }

    @TestFactory
    Stream<DynamicTest> scriptsPrintWhatRealMXNetPrints() throws IOException {
        List<Path> scripts;
        try (Stream<Path> s = Files.list(DIR)) {
            scripts = s.filter(p -> p.toString().endsWith(".py")).sorted().toList();
        }
        assertFalse(scripts.isEmpty(), "no scripts in " + DIR.toAbsolutePath());
        return scripts.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
    }

    private static void check(Path script) throws IOException {
        String name = script.getFileName().toString();
        assumeTrue(!PENDING.containsKey(name), () -> name + " pending: " + PENDING.get(name));
        Path expectedFile = Path.of(script.toString().replaceFirst("\\.py$", ".out"));
        assertTrue(Files.exists(expectedFile), "no recorded output " + expectedFile);
        PythonHost h = host();
        synchronized (MXNetScriptsTest.class) {
            OUT.reset();
            ERR.reset();
            int code = h.runScript(script.toAbsolutePath());
            String out = OUT.toString(StandardCharsets.UTF_8), err = ERR.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, name + " failed:\n" + err + "\noutput so far:\n" + tail(out));
            String diff = OutputComparison.difference(Files.readString(expectedFile), out, 1e-4, 1e-5);
            assertNull(diff, () -> name + " prints something else than MXNet 1.9.1: " + diff);
        }
    }

    private static String tail(String s) {
        String[] lines = s.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 15), lines.length));
    }
}
