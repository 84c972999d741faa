package dev.mxj;

import dev.mxj.device.Device;
import dev.mxj.device.DevicePlugin;
import dev.mxj.device.DevicePlugins;
import dev.mxj.device.MemoryStats;
import dev.mxj.device.PluginInfo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The device manager: discovers plugins once ({@link DevicePlugins#discover()}), opens devices
 * lazily on first use, maps a {@link Context} to its opened {@link DeviceHandle}, and lists what
 * exists for {@code mxj info}. A device type that no plugin provides, or whose plugin is
 * unusable here, fails with {@code device type 'gpu' is not available: <reason>}.
 */
public final class Devices {
    private static volatile List<PluginInfo> plugins;
    private static volatile Context defaultContext;
    private static final Map<Context, DeviceHandle> OPEN = new ConcurrentHashMap<>();
    /** Opened plugin devices by (type, physical id); cpu(i) for every i shares cpu(0)'s device. */
    private static final Map<String, Device> PHYSICAL = new ConcurrentHashMap<>();

    private Devices() {}

    /** Every discovered plugin, usable or not, in discovery order. */
    public static List<PluginInfo> plugins() {
        List<PluginInfo> p = plugins;
        if (p == null) {
            synchronized (Devices.class) {
                p = plugins;
                if (p == null) plugins = p = Collections.unmodifiableList(new ArrayList<>(DevicePlugins.discover()));
            }
        }
        return p;
    }

    /** The plugin info for a device type, or null when no plugin claims it. */
    public static PluginInfo plugin(String deviceType) {
        for (PluginInfo p : plugins()) if (p.deviceType().equals(deviceType)) return p;
        return null;
    }

    /**
     * The default context: {@code MXJ_DEFAULT_CONTEXT} when set, else device 0 of the usable
     * plugin with the highest priority (ties and the all-CPU case give {@code cpu(0)}).
     */
    public static Context defaultContext() {
        Context c = defaultContext;
        if (c == null) {
            synchronized (Devices.class) {
                c = defaultContext;
                if (c == null) defaultContext = c = chooseDefault();
            }
        }
        return c;
    }

    private static Context chooseDefault() {
        String env = System.getenv("MXJ_DEFAULT_CONTEXT");
        if (env == null || env.isBlank()) env = System.getProperty("mxj.default.context");
        if (env != null && !env.isBlank()) return Context.parse(env);
        PluginInfo best = null;
        for (PluginInfo p : plugins()) {
            if (!p.usable() || p.deviceType().equals("cpu")) continue;
            int count;
            int prio;
            try {
                count = p.plugin().deviceCount();
                prio = p.plugin().priority();
            } catch (RuntimeException e) {
                continue;
            }
            if (count > 0 && prio > 0 && (best == null || prio > best.plugin().priority())) best = p;
        }
        return best == null ? Context.cpu() : Context.of(best.deviceType(), 0);
    }

    /** The opened device of a context, opening it on first use. */
    public static Device device(Context ctx) { return handle(ctx).device(); }

    /** The runtime's handle for a context (device, kernels, random generator). */
    public static DeviceHandle handle(Context ctx) {
        DeviceHandle h = OPEN.get(ctx);
        if (h != null) return h;
        synchronized (OPEN) {
            h = OPEN.get(ctx);
            if (h == null) {
                h = new DeviceHandle(ctx, openPhysical(ctx));
                OPEN.put(ctx, h);
            }
            return h;
        }
    }

    private static Device openPhysical(Context ctx) {
        PluginInfo info = plugin(ctx.deviceType());
        if (info == null) {
            List<String> types = new ArrayList<>();
            for (PluginInfo p : plugins()) if (p.usable()) types.add(p.deviceType());
            throw new DeviceUnavailableException("device type '" + ctx.deviceType() + "' is not available: no plugin provides it"
                    + " (usable device types: " + (types.isEmpty() ? "none" : String.join(", ", types)) + ")");
        }
        if (!info.usable()) {
            throw new DeviceUnavailableException("device type '" + ctx.deviceType() + "' is not available: " + info.availability().reason());
        }
        DevicePlugin plugin = info.plugin();
        int physicalId = ctx.isCpu() ? 0 : ctx.deviceId();
        int count = plugin.deviceCount();
        if (physicalId >= count) {
            throw new DeviceUnavailableException("device " + ctx + " does not exist: " + count + " " + ctx.deviceType() + " device"
                    + (count == 1 ? "" : "s") + " found");
        }
        String key = ctx.deviceType() + ":" + physicalId;
        Device d = PHYSICAL.get(key);
        if (d == null) {
            try {
                d = plugin.open(physicalId);
            } catch (RuntimeException e) {
                throw new DeviceUnavailableException("device " + ctx + " could not be opened: " + e.getMessage(), e);
            }
            PHYSICAL.put(key, d);
        }
        return d;
    }

    /** Handles opened so far (for memory accounting and listings). */
    public static List<DeviceHandle> opened() { return List.copyOf(OPEN.values()); }

    /** One row of {@link #list()}: a plugin's type, whether it is usable (or why not), its device count. */
    public record DeviceInfo(String deviceType, String displayName, boolean usable, String reason, int count, String source,
                             int priority, List<MemoryStats> openedMemory) {}

    /** What {@code mxj info} prints: every discovered device type. */
    public static List<DeviceInfo> list() {
        List<DeviceInfo> rows = new ArrayList<>();
        for (PluginInfo p : plugins()) {
            DevicePlugin pl = p.plugin();
            int count = 0;
            String name = p.deviceType();
            int prio = 0;
            if (pl != null) {
                try {
                    count = p.usable() ? pl.deviceCount() : 0;
                    name = pl.displayName();
                    prio = pl.priority();
                } catch (RuntimeException e) {
                    name = p.deviceType() + " (error: " + e.getMessage() + ")";
                }
            }
            List<MemoryStats> mem = new ArrayList<>();
            for (var e : PHYSICAL.entrySet()) if (e.getKey().startsWith(p.deviceType() + ":")) mem.add(e.getValue().memoryStats());
            rows.add(new DeviceInfo(p.deviceType(), name, p.usable(), p.availability().reason(), count, p.source(), prio, mem));
        }
        return rows;
    }
}
