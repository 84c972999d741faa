package dev.mxj.device;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.logging.Logger;

/**
 * Finds device plugins: {@link ServiceLoader} on the class path, plus every jar in the
 * directories or files listed in MXJ_PLUGIN_PATH (path-separator separated). A provider that
 * fails to load or probe is reported unavailable with the reason; it never breaks start-up.
 */
public final class DevicePlugins {
    private static final Logger LOG = Logger.getLogger(DevicePlugins.class.getName());

    private DevicePlugins() {}

    /** Discover using the context class loader and the MXJ_PLUGIN_PATH environment variable. */
    public static List<PluginInfo> discover() {
        String path = System.getenv("MXJ_PLUGIN_PATH");
        if (path == null) path = System.getProperty("mxj.plugin.path");
        return discover(DevicePlugins.class.getClassLoader(), path);
    }

    public static List<PluginInfo> discover(ClassLoader parent, String pluginPath) {
        Map<String, PluginInfo> found = new LinkedHashMap<>();
        load(ServiceLoader.load(DevicePlugin.class, parent), "class path", found);
        if (pluginPath != null && !pluginPath.isBlank()) {
            List<URL> jars = jarsIn(pluginPath);
            if (!jars.isEmpty()) {
                URLClassLoader cl = new URLClassLoader(jars.toArray(URL[]::new), parent);
                load(ServiceLoader.load(DevicePlugin.class, cl), "MXJ_PLUGIN_PATH", found);
            }
        }
        return new ArrayList<>(found.values());
    }

    private static void load(ServiceLoader<DevicePlugin> loader, String source, Map<String, PluginInfo> found) {
        Iterator<ServiceLoader.Provider<DevicePlugin>> it = loader.stream().iterator();
        while (true) {
            ServiceLoader.Provider<DevicePlugin> p;
            try {
                if (!it.hasNext()) break;
                p = it.next();
            } catch (ServiceConfigurationError e) {
                LOG.warning("skipping a device plugin that cannot be loaded (" + source + "): " + describe(e));
                String key = "broken:" + found.size();
                found.put(key, new PluginInfo("?", null, Availability.unavailable(describe(e)), source));
                continue;
            }
            DevicePlugin plugin;
            try {
                plugin = p.get();
            } catch (Throwable e) {
                found.put(p.type().getName(), new PluginInfo(p.type().getName(), null,
                        Availability.unavailable("provider constructor failed: " + describe(e)), source));
                continue;
            }
            String type = plugin.deviceType();
            if (found.containsKey(type) && found.get(type).plugin() != null) {
                if (!found.get(type).plugin().getClass().equals(plugin.getClass())) {
                    LOG.warning("two plugins claim device type '" + type + "': keeping " + found.get(type).plugin().getClass().getName()
                            + ", ignoring " + plugin.getClass().getName());
                }
                continue;
            }
            Availability a;
            try {
                a = plugin.probe();
                if (a == null) a = Availability.unavailable("probe returned nothing");
            } catch (Throwable e) {
                a = Availability.unavailable("probe failed: " + describe(e));
            }
            found.put(type, new PluginInfo(type, plugin, a, source));
        }
    }

    /** The error and its causes in one line: the root cause is usually what a user can act on. */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.toString());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) sb.append("; caused by ").append(c);
        return sb.toString();
    }

    private static List<URL> jarsIn(String path) {
        List<URL> urls = new ArrayList<>();
        for (String part : path.split(File.pathSeparator)) {
            if (part.isBlank()) continue;
            File f = new File(part.trim());
            File[] files = f.isDirectory() ? f.listFiles((d, n) -> n.endsWith(".jar")) : new File[] {f};
            if (files == null) continue;
            for (File j : files) {
                if (!j.isFile()) {
                    LOG.warning("MXJ_PLUGIN_PATH entry not found: " + j);
                    continue;
                }
                try {
                    urls.add(j.toURI().toURL());
                } catch (MalformedURLException e) {
                    LOG.warning("bad MXJ_PLUGIN_PATH entry " + j + ": " + e.getMessage());
                }
            }
        }
        return urls;
    }
}
