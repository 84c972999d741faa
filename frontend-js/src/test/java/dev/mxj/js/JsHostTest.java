package dev.mxj.js;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What `mxj run x.js` and `mxj js` do, through JsHost: arguments, exit codes, error output, imports, the prompt. */
class JsHostTest {
    @TempDir Path dir;

    record Run(int status, String out, String err) {}

    private Run run(String source, String... args) throws IOException {
        Path script = dir.resolve("main.js");
        Files.writeString(script, source);
        List<String> argv = new ArrayList<>(List.of(script.toString()));
        argv.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try (JsHost host = JsHost.create(JsSuiteTest.ENGINE, argv, InputStream.nullInputStream(), out, err)) {
            int status = host.runScript(script);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void argumentsFollowNodesProcessArgv() throws IOException {
        Run r = run("console.log(JSON.stringify(process.argv.slice(2))); console.log(process.argv[0]); console.log(process.argv[1]);",
                "--epochs", "2", "x y");
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals("[\"--epochs\",\"2\",\"x y\"]", lines[0]);
        assertEquals("mxj", lines[1]);
        assertEquals(dir.resolve("main.js").toAbsolutePath().toString(), lines[2]);
    }

    @Test
    void processExitGivesTheStatusAndStopsTheScript() throws IOException {
        Run r = run("console.log('before'); process.exit(3); console.log('after');");
        assertEquals(3, r.status());
        assertEquals("before\n", r.out());
        assertEquals(0, run("process.exit();").status());
        Run bad = run("process.exit('x');");
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("TypeError: process.exit"), bad.err());
    }

    @Test
    void anUncaughtMxnetErrorPrintsAJsStackTraceAndExitsWithOne() throws IOException {
        Run r = run("""
                import mx from 'mxnet';
                function train() {
                  return mx.nd.dot(mx.nd.ones([2, 3]), mx.nd.ones([2, 3]));
                }
                train();
                """);
        assertEquals(1, r.status());
        String err = r.err();
        assertTrue(err.startsWith("MXNetError: "), err);
        assertTrue(err.contains("dot"), err);
        assertTrue(err.contains("at train (" + dir.resolve("main.js")), err);
        assertFalse(err.contains("dev.mxj."), "no Java class in the trace:\n" + err);
        assertFalse(err.contains("java."), "no Java frame in the trace:\n" + err);
    }

    @Test
    void jsErrorsAndSyntaxErrorsPrintAsJs() throws IOException {
        Run r = run("null.x;");
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("TypeError: "), r.err());
        Run s = run("let = ;");
        assertEquals(1, s.status());
        assertTrue(s.err().contains("SyntaxError") || s.err().contains("main.js:1"), s.err());
    }

    @Test
    void relativeImportsReachTheDiskWhileMxnetComesFromTheJar() throws IOException {
        Files.writeString(dir.resolve("helper.js"), "import mx from 'mxnet'; export const twice = (a) => a.mul(2);");
        Run r = run("import { twice } from './helper.js'; import * as mx from 'mxnet'; console.log(twice(mx.nd.array([1, 2])).toArray().join(','));");
        assertEquals(0, r.status(), r.err());
        assertEquals("2,4\n", r.out());
    }

    @Test
    void aMissingModuleFileFailsWithItsName() throws IOException {
        Run r = run("import x from 'mxnet/nosuch.js';");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("nosuch.js"), r.err());
        Run sub = run("import { nd } from 'mxnet/ndarray.js'; import mx from 'mxnet'; console.log(nd === mx.nd);");
        assertEquals("true\n", sub.out(), sub.err());
    }

    @Test
    void guestCodeCannotReachJavaClasses() throws IOException {
        Run r = run("""
                import 'mxnet';
                let reached = false;
                try { reached = typeof Java !== 'undefined' && Java.type('java.lang.System') !== undefined; } catch (e) { reached = false; }
                console.log(reached, typeof globalThis.__mxj_bridge, typeof quit);
                """);
        assertEquals(0, r.status(), r.err());
        assertEquals("false undefined undefined\n", r.out());
    }

    @Test
    void performanceNowHasSubMillisecondResolution() throws IOException {
        Run r = run("""
                let fractional = 0;
                for (let i = 0; i < 50; i++) if (performance.now() % 1 !== 0) fractional++;
                console.log(fractional > 0);
                """);
        assertEquals("true\n", r.out(), r.err());
    }

    @Test
    void aMissingScriptIsStatusTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (JsHost host = JsHost.create(JsSuiteTest.ENGINE, List.of("nope.js"), InputStream.nullInputStream(), new ByteArrayOutputStream(), err)) {
            assertEquals(2, host.runScript(dir.resolve("nope.js")));
        }
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("nope.js"));
    }

    @Test
    void thePromptEvaluatesPrintsContinuesAfterErrorsAndExits() {
        String input = String.join("\n",
                "1 + 1",
                "const a = mx.nd.ones([3]);",
                "a.sum().asScalar()",
                "function f() {",
                "  return 'five';",
                "}",
                "f()",
                "mx.nd.dot(a, mx.nd.ones([2, 2]))",
                "a.mul(2).toArray()",
                "process.exit(4)",
                "'not reached'") + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int status;
        try (JsHost host = JsHost.create(JsSuiteTest.ENGINE, List.of(""), InputStream.nullInputStream(), out, err)) {
            status = host.interactive(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), ps);
        }
        String o = out.toString(StandardCharsets.UTF_8);
        assertEquals(4, status, o + err);
        assertTrue(o.contains("> 2\n"), o);
        assertTrue(o.contains("> 3\n"), o);
        assertTrue(o.contains("... ... \"five\"\n") || o.contains("\"five\""), o);
        assertTrue(o.contains("2,2,2"), o);
        assertFalse(o.contains("not reached"), o);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("MXNetError"), err.toString(StandardCharsets.UTF_8));
        try (JsHost host = JsHost.create(JsSuiteTest.ENGINE, List.of(""), InputStream.nullInputStream(), out, err)) {
            assertEquals(0, host.interactive(new ByteArrayInputStream(".exit\n".getBytes(StandardCharsets.UTF_8)), ps));
            assertEquals(0, host.interactive(InputStream.nullInputStream(), ps), "end of input leaves with 0");
        }
    }
}
