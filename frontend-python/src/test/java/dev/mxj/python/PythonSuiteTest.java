package dev.mxj.python;

import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the Python test suite, {@code src/test/python/test_*.py}: every module-level function named
 * {@code test_*} becomes one JUnit test, in definition order. All modules share one engine and one
 * context, so GraalPy starts once. A failing Python test reports its Python traceback.
 */
class PythonSuiteTest {
    static final Path DIR = Path.of("src/test/python");
    private static Engine engine;
    private static PythonHost host;

    /** One engine for every Python test class of this JVM (GraalPy's start-up work is shared). */
    static synchronized Engine sharedEngine() {
        if (engine == null) engine = Engine.newBuilder().option("engine.WarnInterpreterOnly", "false").build();
        return engine;
    }

    static synchronized PythonHost host() {
        if (host == null) {
            host = PythonHost.create(sharedEngine(), List.of("pytest"));
            host.context().getBindings("python").putMember("_suite_dir", DIR.toAbsolutePath().toString());
            host.eval("""
                    import sys, runpy, traceback
                    sys.path.insert(0, _suite_dir)
                    def _suite_load(path, name):
                        g = runpy.run_path(path, run_name=name)
                        return [(k, v) for k, v in g.items() if k.startswith('test_') and callable(v)]
                    def _suite_call(fn):
                        try:
                            fn()
                            return None
                        except BaseException as e:
                            return ''.join(traceback.format_exception(type(e), e, e.__traceback__))
                    """);
        }
        return host;
    }

    @AfterAll
    static synchronized void closeHost() {
        if (host != null) host.close();
        host = null;
    }

    @TestFactory
    Stream<DynamicNode> pythonTests() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.getFileName().toString().matches("test_.*\\.py")).sorted().toList();
        }
        if (files.isEmpty()) fail("no test_*.py files in " + DIR.toAbsolutePath());
        List<DynamicNode> nodes = new ArrayList<>();
        for (Path f : files) nodes.add(module(f));
        return nodes.stream();
    }

    private static DynamicNode module(Path file) {
        String name = file.getFileName().toString().replaceFirst("\\.py$", "");
        Value tests;
        try {
            tests = host().eval("_suite_load").execute(file.toAbsolutePath().toString(), name);
        } catch (PolyglotException e) {
            return DynamicTest.dynamicTest(name + " (import)", () -> fail("importing " + file + " failed:\n" + e.getMessage()));
        }
        List<DynamicNode> cases = new ArrayList<>();
        for (long i = 0; i < tests.getArraySize(); i++) {
            Value pair = tests.getArrayElement(i);
            String test = pair.getArrayElement(0).asString();
            Value fn = pair.getArrayElement(1);
            cases.add(DynamicTest.dynamicTest(test, file.toUri(), () -> {
                Value err = host().eval("_suite_call").execute(fn);
                if (!err.isNull()) fail(name + "." + test + " failed:\n" + err.asString());
            }));
        }
        return DynamicContainer.dynamicContainer(name, file.toUri(), cases.stream());
    }
}
