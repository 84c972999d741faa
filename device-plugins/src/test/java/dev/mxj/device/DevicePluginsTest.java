package dev.mxj.device;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Plugins in jars under MXJ_PLUGIN_PATH are found; broken ones (constructor throws, probe throws,
 * missing hardware) are reported unavailable with a reason and never break discovery.
 */
class DevicePluginsTest {
    @TempDir Path tmp;

    private static String plugin(String cls, String type, String ctor, String probe) {
        return """
            package thirdparty;
            import dev.mxj.device.*;
            public class %1$s implements DevicePlugin {
                public %1$s() { %3$s }
                public String deviceType() { return "%2$s"; }
                public Availability probe() { %4$s }
                public int deviceCount() { return 0; }
                public Device open(int id) { throw new IllegalStateException("no device"); }
                public void registerKernels(KernelTable t) {}
            }
            """.formatted(cls, type, ctor, probe);
    }

    /** Compile the sources against this module's classes and pack them into a plugin jar. */
    private Path jar(String name, Map<String, String> sources) throws IOException {
        Path src = Files.createDirectories(tmp.resolve(name + "-src/thirdparty"));
        Path out = Files.createDirectories(tmp.resolve(name + "-classes"));
        for (var e : sources.entrySet()) Files.writeString(src.resolve(e.getKey() + ".java"), e.getValue());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new java.util.ArrayList<>(List.of("-d", out.toString(), "-cp", System.getProperty("java.class.path")));
        try (Stream<Path> s = Files.list(src)) { s.forEach(p -> args.add(p.toString())); }
        assertEquals(0, javac.run(null, null, null, args.toArray(String[]::new)), "plugin sources compile");
        Path jar = tmp.resolve(name + ".jar");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(out)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                j.putNextEntry(new JarEntry(out.relativize(p).toString().replace(File.separatorChar, '/')));
                Files.copy(p, j);
            }
            j.putNextEntry(new JarEntry("META-INF/services/dev.mxj.device.DevicePlugin"));
            OutputStream o = j;
            o.write(sources.keySet().stream().map(c -> "thirdparty." + c).collect(Collectors.joining("\n")).getBytes());
        }
        return jar;
    }

    @Test void discoversPluginJarsAndReportsBrokenOnesWithoutFailing() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        Path good = jar("good", Map.of("GoodAccel", plugin("GoodAccel", "goodaccel", "", "return Availability.ok();")));
        Path broken = jar("broken", Map.of(
                "CtorThrows", plugin("CtorThrows", "ctorthrows", "if (true) throw new RuntimeException(\"boom in ctor\");", "return Availability.ok();"),
                "ProbeThrows", plugin("ProbeThrows", "probethrows", "", "throw new UnsatisfiedLinkError(\"libfoo.so not found\");"),
                "NoHardware", plugin("NoHardware", "nohw", "", "return Availability.unavailable(\"no NoHW device found\");")));
        Files.move(good, dir.resolve("good.jar"));

        List<PluginInfo> found = DevicePlugins.discover(getClass().getClassLoader(), dir + File.pathSeparator + broken + File.pathSeparator + tmp.resolve("missing.jar"));
        Map<String, PluginInfo> byType = found.stream().collect(Collectors.toMap(PluginInfo::deviceType, p -> p, (a, b) -> a));

        assertTrue(byType.get("goodaccel").usable());
        assertEquals("MXJ_PLUGIN_PATH", byType.get("goodaccel").source());

        PluginInfo probe = byType.get("probethrows");
        assertFalse(probe.usable());
        assertTrue(probe.availability().reason().contains("libfoo.so"), probe.availability().reason());

        PluginInfo nohw = byType.get("nohw");
        assertFalse(nohw.usable());
        assertEquals("no NoHW device found", nohw.availability().reason());

        PluginInfo ctor = byType.get("thirdparty.CtorThrows");
        assertNotNull(ctor, "a provider whose constructor throws is listed as unavailable: " + byType.keySet());
        assertFalse(ctor.usable());
        assertTrue(ctor.availability().reason().contains("boom in ctor"), ctor.availability().reason());
    }

    @Test void emptyOrMissingPluginPathIsHarmless() {
        assertDoesNotThrow(() -> DevicePlugins.discover(getClass().getClassLoader(), ""));
        assertDoesNotThrow(() -> DevicePlugins.discover(getClass().getClassLoader(), tmp.resolve("nope").toString()));
    }
}
