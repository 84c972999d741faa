package dev.mxj.js;

import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs {@code src/test/js/*.test.js}: each file in its own context on one shared engine, each
 * {@code test(name, fn)} it registers as a JUnit dynamic test. A failing JS assertion fails the
 * JUnit test with the JS stack trace.
 */
class JsSuiteTest {
    static final Path DIR = Path.of("src/test/js");
    static final Engine ENGINE = Engine.newBuilder("js").option("engine.WarnInterpreterOnly", "false").build();
    private static final List<JsHost> HOSTS = new ArrayList<>();

    @TestFactory
    Stream<DynamicNode> jsTests() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".test.js")).sorted().toList();
        }
        if (files.isEmpty()) fail("no *.test.js files in " + DIR.toAbsolutePath());
        return files.stream().map(JsSuiteTest::container);
    }

    private static DynamicNode container(Path file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsHost host = JsHost.create(ENGINE, List.of(file.toString()), InputStream.nullInputStream(), out, out);
        HOSTS.add(host);
        try {
            host.context().eval(org.graalvm.polyglot.Source.newBuilder("js", file.toFile()).mimeType("application/javascript+module").build());
        } catch (IOException | PolyglotException e) {
            return DynamicTest.dynamicTest(file.getFileName() + " (load)", () -> fail("cannot load " + file + ":\n" + text(e)));
        }
        Value tests = host.context().getBindings("js").getMember("__mxjTests");
        List<DynamicTest> list = new ArrayList<>();
        for (long i = 0; i < tests.getArraySize(); i++) {
            Value t = tests.getArrayElement(i);
            String name = t.getArrayElement(0).asString();
            Value fn = t.getArrayElement(1);
            list.add(DynamicTest.dynamicTest(name, () -> {
                try {
                    fn.execute();
                } catch (PolyglotException e) {
                    fail(name + ":\n" + text(e));
                }
            }));
        }
        return DynamicContainer.dynamicContainer(file.getFileName().toString(), list);
    }

    private static String text(Exception e) { return e instanceof PolyglotException p ? ErrorText.of(p) : e.toString(); }

    @AfterAll
    static void closeHosts() {
        for (JsHost h : HOSTS) h.close();
        HOSTS.clear();
    }
}
