package dev.mxj.tests;

import dev.mxj.device.Device;
import dev.mxj.device.DevicePlugin;
import dev.mxj.device.DevicePlugins;
import dev.mxj.device.KernelTable;
import dev.mxj.device.MemoryStats;
import dev.mxj.device.PluginInfo;
import dev.mxj.device.Storage;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.tests.fixtures.ThirdPartyPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Device plugins as the runtime sees them: discovered, probed, opened and used, across modules. */
class PluginDiscoveryTest {
    private static final ClassLoader LOADER = PluginDiscoveryTest.class.getClassLoader();

    private static Map<String, PluginInfo> discover(String pluginPath) {
        return DevicePlugins.discover(LOADER, pluginPath).stream()
                .collect(Collectors.toMap(PluginInfo::deviceType, Function.identity()));
    }

    private static DevicePlugin cpuPlugin() {
        PluginInfo cpu = discover(null).get("cpu");
        assertNotNull(cpu, "plugin-cpu is on the class path, so ServiceLoader must find it");
        return cpu.plugin();
    }

    @Test
    void theCpuPluginIsFoundOnTheClassPathAndUsable() {
        PluginInfo cpu = discover(null).get("cpu");
        assertNotNull(cpu);
        assertTrue(cpu.usable(), cpu.availability().reason());
        assertEquals("class path", cpu.source());
        assertEquals(1, cpu.plugin().deviceCount());
        // the no-argument entry point the runtime and `mxj info` use finds it too
        assertTrue(DevicePlugins.discover().stream().anyMatch(p -> p.deviceType().equals("cpu") && p.usable()));
    }

    @Test
    void theCpuDeviceAllocatesCopiesAndRecyclesMemory() {
        Device cpu = cpuPlugin().open(0);
        assertEquals("cpu", cpu.type());
        assertEquals(0, cpu.id());
        assertTrue(cpu.isHostAccessible());

        float[] values = {1.5f, -2f, 3.25f, 0f, 1e-7f, Float.MAX_VALUE, -0f};
        long bytes = values.length * Float.BYTES;
        Storage s = cpu.allocate(bytes);
        assertTrue(s.bytes() >= bytes, "storage of " + s.bytes() + " bytes for a request of " + bytes);
        assertEquals(0, s.address() % 64, "host memory is 64-byte aligned");
        assertSame(cpu, s.device());

        float[] back = new float[values.length];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocateFrom(ValueLayout.JAVA_FLOAT, values);
            MemorySegment out = arena.allocate(bytes);
            cpu.copyFromHost(in, s, 0, bytes);
            cpu.copyToHost(s, 0, out, bytes);
            MemorySegment.copy(out, ValueLayout.JAVA_FLOAT, 0, back, 0, values.length);
        }
        assertArrayEquals(values, back);

        // a released block of the same size is reused by the next allocation: a pool hit, no native call
        cpu.release(s);
        MemoryStats before = cpu.memoryStats();
        Storage again = cpu.allocate(bytes);
        MemoryStats after = cpu.memoryStats();
        assertEquals(before.poolHits() + 1, after.poolHits());
        assertEquals(before.nativeAllocations(), after.nativeAllocations());
        cpu.release(again);
        cpu.trimPool();
        assertEquals(0, cpu.memoryStats().bytesPooled());
    }

    @Test
    void theGlobalOperatorRegistryLoads() {
        OpRegistry r = OpRegistry.global();
        assertSame(r, OpRegistry.global(), "one registry per process");
        List<OpDef> ops = r.list();
        assertEquals(r.size(), ops.size());
        for (OpDef op : ops) {
            assertSame(op, r.get(op.name()));
            for (String alias : op.aliases()) assertSame(op, r.get(alias), alias + " is an alias of " + op.name());
        }
        for (String name : r.allNames()) assertTrue(r.contains(name), name);
    }

    @Test
    void everyCpuKernelBelongsToARegisteredOperator() {
        KernelTable t = new KernelTable();
        cpuPlugin().registerKernels(t);
        OpRegistry r = OpRegistry.global();
        List<String> unknown = t.names().stream().filter(n -> !r.contains(n)).toList();
        assertEquals(List.of(), unknown, "CPU kernels for operators the registry does not define");
        List<String> aliases = t.names().stream().filter(n -> !r.get(n).name().equals(n)).toList();
        assertEquals(List.of(), aliases, "kernels are keyed by canonical operator names, not aliases");
    }

    /** Writes a plugin jar as a third party ships it: a services file naming its provider. */
    private static Path pluginJar(Path dir, String name, String provider) throws IOException {
        Path jar = dir.resolve(name);
        try (OutputStream f = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(f)) {
            j.putNextEntry(new JarEntry("META-INF/services/" + DevicePlugin.class.getName()));
            j.write((provider + "\n").getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
        }
        return jar;
    }

    @Test
    void aPluginJarOnThePluginPathIsFoundBesideTheCpuPlugin(@TempDir Path dir) throws IOException {
        pluginJar(dir, "thirdparty.jar", ThirdPartyPlugin.class.getName());
        assertFalse(discover(null).containsKey("thirdparty"), "not on the class path by itself");

        for (String path : List.of(dir.toString(), dir.resolve("thirdparty.jar").toString())) { // a directory or a jar
            Map<String, PluginInfo> found = discover(path);
            PluginInfo tp = found.get("thirdparty");
            assertNotNull(tp, "plugin in " + path);
            assertEquals("MXJ_PLUGIN_PATH", tp.source());
            assertFalse(tp.usable());
            assertEquals("no thirdparty accelerator in this machine", tp.availability().reason());
            assertTrue(found.get("cpu").usable());
        }
    }

    @Test
    void aBrokenPluginJarIsReportedNotFatal(@TempDir Path dir) throws IOException {
        pluginJar(dir, "broken.jar", "com.example.NoSuchPlugin");
        List<PluginInfo> found = DevicePlugins.discover(LOADER, dir.toString());
        assertTrue(found.stream().anyMatch(p -> p.deviceType().equals("cpu") && p.usable()));
        PluginInfo broken = found.stream().filter(p -> p.plugin() == null).findFirst().orElseThrow();
        assertFalse(broken.usable());
        assertTrue(broken.availability().reason().contains("com.example.NoSuchPlugin"), broken.availability().reason());
    }
}
