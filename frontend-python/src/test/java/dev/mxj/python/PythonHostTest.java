package dev.mxj.python;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** What {@code mxj run} and {@code mxj python} do, through PythonHost (the CLI only calls these). */
class PythonHostTest {
    @TempDir Path dir;

    private record Run(int code, String out, String err) {}

    private Run run(String source, String... args) throws IOException {
        Path script = dir.resolve("script.py");
        Files.writeString(script, source);
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        List<String> argv = new java.util.ArrayList<>(List.of(script.toString()));
        argv.addAll(List.of(args));
        try (PythonHost host = PythonHost.create(PythonSuiteTest.sharedEngine(), argv, null, out, err)) {
            int code = host.runScript(script);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void argvNameAndSiblingImports() throws IOException {
        Files.writeString(dir.resolve("sibling.py"), "VALUE = 41\n");
        Run r = run("import sys, sibling\nprint(sys.argv[1:], __name__, sibling.VALUE + 1)\n", "--epochs", "2");
        assertEquals(0, r.code(), r.err());
        assertEquals("['--epochs', '2'] __main__ 42\n", r.out());
    }

    @Test
    void exitCodes() throws IOException {
        assertEquals(3, run("import sys\nsys.exit(3)\n").code());
        assertEquals(0, run("import sys\nsys.exit()\n").code());
        Run msg = run("import sys\nsys.exit('bad input')\n");
        assertEquals(1, msg.code());
        assertTrue(msg.err().contains("bad input"), msg.err());
    }

    @Test
    void processTimeIsCpuTimeAsInCPython() throws IOException {
        // GraalPy's own time.process_time() is wall time minus sleeps; the host makes it the
        // process's CPU time: it reads the same clock as getrusage (sandwiched between two reads),
        // and a busy loop adds at least the CPU its own thread spent
        Run r = run("""
                import resource, time
                def rusage():
                    u = resource.getrusage(resource.RUSAGE_SELF)
                    return u.ru_utime + u.ru_stime
                before, p, after = rusage(), time.process_time(), rusage()
                p1, t1, s = time.process_time_ns(), time.thread_time(), 0
                for i in range(300000):
                    s += i
                busy_cpu, busy_thread = (time.process_time_ns() - p1) / 1e9, time.thread_time() - t1
                print(before - 0.02 <= p <= after + 0.02, busy_thread > 0, busy_cpu >= busy_thread - 0.02)
                """);
        assertEquals(0, r.code(), r.err());
        assertEquals("True True True\n", r.out());
    }

    @Test
    void uncaughtErrorsPrintAPythonTraceback() throws IOException {
        Run r = run("import mxnet as mx\n\ndef f():\n    return mx.nd.ones((2, 2)) + mx.nd.ones((3,))\n\nf()\n");
        assertEquals(1, r.code());
        String err = r.err();
        assertTrue(err.startsWith("Traceback (most recent call last):\n  File \"" + dir.resolve("script.py")), err);
        assertTrue(err.contains("line 6, in <module>") && err.contains("line 4, in f"), err);
        assertTrue(err.contains("mxnet.base.MXNetError: Operator broadcast_add"), err);
        assertFalse(err.contains("at dev.mxj") || err.contains("java.lang"), "no Java stack trace: " + err);
        assertFalse(err.contains("runpy"), "the runner's frames are hidden: " + err);
    }

    @Test
    void theBundledPackageIsImportedFromPrecompiledBytecode() throws IOException {
        // the build writes an unchecked-hash .pyc beside every module (src/build/Precompile.java);
        // a module imported from it has no source compile at start-up, and a traceback through it
        // still names the module's path in the jar
        Run r = run("""
                import importlib.util, os, mxnet
                src = os.path.dirname(mxnet.__file__)
                missing = []
                for root, dirs, files in os.walk(src):
                    for f in files:
                        if f.endswith('.py') and not os.path.exists(importlib.util.cache_from_source(os.path.join(root, f))):
                            missing.append(f)
                with open(importlib.util.cache_from_source(mxnet.__file__), 'rb') as pyc:
                    flags = int.from_bytes(pyc.read(8)[4:8], 'little')
                print(len(missing), missing[:3], flags, mxnet.__file__)
                """);
        assertEquals(0, r.code(), r.err());
        // flags 1: hash-based, not checked against the source (PEP 552)
        assertEquals("0 [] 1 /graalpy_vfs/src/mxnet/__init__.py", r.out().strip());
    }

    @Test
    void interruptStopsARunningScript() throws Exception {
        Path script = dir.resolve("loop.py");
        Files.writeString(script, "import mxnet as mx\nx = mx.nd.ones(1)\nprint('started', flush=True)\nwhile True:\n    x = x + 1\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try (PythonHost host = PythonHost.create(PythonSuiteTest.sharedEngine(), List.of(script.toString()), null, out, err)) {
            Thread stopper = new Thread(() -> {
                long until = System.nanoTime() + 60_000_000_000L;
                while (!out.toString(StandardCharsets.UTF_8).contains("started") && System.nanoTime() < until) {
                    try { Thread.sleep(20); } catch (InterruptedException e) { return; }
                }
                host.interrupt();
            });
            stopper.start();
            int code = host.runScript(script);
            stopper.join();
            assertEquals(130, code);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("KeyboardInterrupt"), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void interactivePromptEvaluatesAndEchoes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        var in = new ByteArrayInputStream("x = mx.nd.array([1, 2])\n(x * 21).sum().asscalar()\nundefined_name\nexit(4)\n".getBytes(StandardCharsets.UTF_8));
        try (PythonHost host = PythonHost.create(PythonSuiteTest.sharedEngine(), List.of(""), in, out, err)) {
            int code = host.interactive();
            String o = out.toString(StandardCharsets.UTF_8), e = err.toString(StandardCharsets.UTF_8);
            assertEquals(4, code, o + e);
            assertTrue(o.contains("63.0"), o);
            assertTrue(e.contains("NameError: name 'undefined_name' is not defined"), e);
            assertTrue(e.contains("mxnet 1.9.1 API"), "banner: " + e);
        }
    }
}
