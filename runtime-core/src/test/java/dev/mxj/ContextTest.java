package dev.mxj;

import dev.mxj.device.PluginInfo;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ContextTest {
    @Test
    void printsAndComparesLikeMxnet() {
        assertEquals("cpu(0)", Context.cpu().toString());
        assertEquals("gpu(1)", Context.gpu(1).toString());
        assertEquals(Context.cpu(), Context.of("CPU", 0));
        assertEquals(Context.gpu(2), Context.parse("gpu(2)"));
        assertEquals(Context.cpu(), Context.parse("cpu_pinned(0)"));
        assertEquals(Context.gpu(0), Context.parse("gpu"));
        assertNotEquals(Context.cpu(0), Context.cpu(1));
        assertEquals(Context.cpu(3).hashCode(), Context.of("cpu", 3).hashCode());
        assertThrows(IllegalArgumentException.class, () -> Context.parse("gpu(x)"));
        assertThrows(IllegalArgumentException.class, () -> Context.of("cpu", -1));
    }

    @Test
    void defaultIsCpuWhenOnlyLowPriorityPluginsExist() {
        assertEquals(Context.cpu(), Context.defaultContext());
    }

    @Test
    void unknownDeviceTypeIsAClearError() {
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class, () -> Devices.device(Context.gpu(0)));
        assertTrue(e.getMessage().startsWith("device type 'gpu' is not available: "), e.getMessage());
        DeviceUnavailableException e2 = assertThrows(DeviceUnavailableException.class, () -> Devices.device(Context.of("testaccel", 5)));
        assertTrue(e2.getMessage().contains("testaccel(5) does not exist"), e2.getMessage());
    }

    @Test
    void listsDiscoveredPlugins() {
        var rows = Devices.list();
        assertTrue(rows.stream().anyMatch(r -> r.deviceType().equals("cpu") && r.usable() && r.count() == 1));
        assertTrue(rows.stream().anyMatch(r -> r.deviceType().equals("testaccel")));
        PluginInfo p = Devices.plugin("cpu");
        assertNotNull(p);
        assertSame(Devices.device(Context.cpu()), Devices.device(Context.cpu(1)), "cpu(i) share the one CPU device");
    }
}
