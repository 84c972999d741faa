package dev.mxj.cli;

import dev.mxj.examples.FashionMnistMlp;
import dev.mxj.examples.QuickStart;

import dev.mxj.device.DevicePlugin;
import dev.mxj.device.DevicePlugins;
import dev.mxj.device.KernelTable;
import dev.mxj.device.PluginInfo;
import dev.mxj.engine.Engine;
import dev.mxj.engine.Engines;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The {@code mxj} command. {@link #run} does the work and returns the exit code, so tests call
 * it in-process; {@link #main} only adds {@code System.exit}.
 *
 * <p>Exit codes: 0 success, 1 failure (the command ran and something is wrong), 2 usage error.
 */
public final class Main {

    static final String USAGE = """
            usage: mxj <command> [args]

            commands:
              info              version, Java, engine, device plugins and operators found here
              ops [TEXT]        list operators (with aliases); TEXT filters by name, case-insensitive
              quickstart [FILE] run the Java QuickStart example (dev.mxj.examples.QuickStart)
              fashion-mnist [--data DIR] [--epochs N] [--batch-size N] [--lr X] [--seed N]
                                train an MLP on Fashion-MNIST from Java (dev.mxj.examples.FashionMnistMlp)
              run SCRIPT [ARGS] run a Python (.py, GraalPy) or JavaScript (.js/.mjs, GraalJS) script
                                with the mxnet package; the exit code is the script's
              python, js        an interactive Python or JavaScript prompt with mxnet importable
              version           print the mxj version
              help              this text

            Environment variables are listed in README.md.""";

    private Main() {}

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        // exit explicitly: engine worker threads must not keep the process alive
        System.exit(code);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "info" -> rest.length == 0 ? info(out) : usageError(err, "info takes no arguments");
                case "ops" -> rest.length <= 1 ? ops(OpRegistry.global(), rest.length == 0 ? "" : rest[0], out, err)
                                               : usageError(err, "ops takes at most one filter");
                case "quickstart" -> runQuickStart(rest);
                case "fashion-mnist" -> fashionMnist(rest, err);
                case "run" -> Scripts.run(rest);
                case "startup-training" -> rest.length > 0 ? Scripts.runEach(rest) : usageError(err, "startup-training needs scripts");
                case "python", "js" -> rest.length == 0 ? Scripts.interactive(args[0]) : usageError(err, args[0] + " takes no arguments (use mxj run SCRIPT)");
                case "version", "--version" -> {
                    out.println("mxj " + version());
                    yield 0;
                }
                case "help", "-h", "--help" -> {
                    out.println(USAGE);
                    yield 0;
                }
                default -> usageError(err, "unknown command '" + args[0] + "'");
            };
        } catch (RuntimeException | Error e) {
            err.println("mxj " + args[0] + ": failed:");
            e.printStackTrace(err);
            return 1;
        }
    }

    private static int usageError(PrintStream err, String message) {
        err.println("mxj: " + message);
        err.println(USAGE);
        return 2;
    }

    /** The project version, from the filtered {@code mxj.properties}. */
    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("mxj.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Returns 1 when this runtime could not work here: bad engine type, no registry, no usable device. */
    static int info(PrintStream out) {
        boolean ok = true;
        out.println("mxj " + version());
        out.println("java       " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.home") + ")");

        String engineType = Engines.configuredType();
        // a throw-away engine, not Engine.get(): validates the setting without fixing the process-wide engine
        try (Engine e = Engines.create(engineType)) {
            out.println("engine     " + engineType + (e.isSynchronous() ? " (runs operations synchronously)" : ""));
        } catch (IllegalArgumentException e) {
            out.println("engine     invalid: " + e.getMessage());
            ok = false;
        }

        // which Truffle runtime `mxj run` gets: "Interpreted" means the launcher could not enable the compiler
        try {
            out.println("scripts    " + Polyglot.languages() + "; Truffle runtime: " + Polyglot.runtimeName());
        } catch (RuntimeException | LinkageError e) {
            out.println("scripts    unavailable: " + e);
            ok = false;
        }

        out.println("start-up   " + startupCache());

        OpRegistry registry = null;
        try {
            registry = OpRegistry.global();
            out.println("operators  " + registry.size() + " registered (" + registry.allNames().size() + " names with aliases)");
        } catch (RuntimeException | LinkageError e) {
            out.println("operators  failed to load: " + e);
            ok = false;
        }

        List<PluginInfo> plugins = DevicePlugins.discover();
        long usable = plugins.stream().filter(PluginInfo::usable).count();
        String pluginPath = System.getenv("MXJ_PLUGIN_PATH");
        out.println("plugins    " + plugins.size() + " found, " + usable + " usable"
                + (pluginPath == null || pluginPath.isBlank() ? "" : " (MXJ_PLUGIN_PATH=" + pluginPath + ")"));
        for (PluginInfo p : plugins) {
            DevicePlugin plugin = p.plugin();
            String name = plugin == null ? p.deviceType() : plugin.displayName();
            out.printf(Locale.ROOT, "  %-8s %s: %s%n", p.deviceType(), p.usable() ? "usable" : "unavailable",
                    p.usable() ? name : p.availability().reason());
            out.println("           from " + p.source() + (plugin == null ? "" : ", " + plugin.getClass().getName()));
            if (p.usable()) out.println("           " + deviceSummary(plugin, registry));
        }
        if (usable == 0) {
            out.println("no usable device plugin: put mxj-plugin-cpu on the class path or a plugin jar in MXJ_PLUGIN_PATH");
            ok = false;
        }
        return ok ? 0 : 1;
    }

    /**
     * Whether this JVM maps the launcher's AOT cache: HotSpot reports class-data sharing in
     * {@code java.vm.info} only when the cache matched the class path and JVM options.
     */
    static String startupCache() {
        String cache;
        try {
            cache = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("AOTCache").getValue();
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            cache = "";
        }
        if (cache.isEmpty()) {
            if ("0".equals(System.getenv("MXJ_STARTUP_CACHE"))) return "no AOT cache (MXJ_STARTUP_CACHE=0)";
            if ("0".equals(System.getenv("MXJ_TRUFFLE_COMPILER"))) return "no AOT cache (none with MXJ_TRUFFLE_COMPILER=0)";
            return "no AOT cache (not started by ./mxj, or it could not make one: cli/target/jlink.log, startup-cache.log)";
        }
        boolean mapped = String.valueOf(System.getProperty("java.vm.info")).contains("sharing");
        return "AOT cache " + cache + (mapped ? " (in use)" : " (not used: it does not match this class path or these JVM options)");
    }

    /** Device count and kernel coverage of one usable plugin; never throws (a plugin may be broken). */
    private static String deviceSummary(DevicePlugin plugin, OpRegistry registry) {
        StringBuilder s = new StringBuilder();
        try {
            s.append("devices: ").append(plugin.deviceCount());
            KernelTable t = new KernelTable();
            plugin.registerKernels(t);
            s.append(", kernels: ").append(t.size());
            if (registry != null) {
                long covered = registry.list().stream().filter(op -> t.has(op.name())).count();
                List<String> unknown = t.names().stream().filter(n -> !registry.contains(n)).toList();
                s.append(" (").append(covered).append(" of ").append(registry.size()).append(" operators)");
                if (!unknown.isEmpty()) s.append("; kernels for unknown operators: ").append(String.join(", ", unknown));
            }
        } catch (RuntimeException | LinkageError e) {
            s.append(" - failed: ").append(e);
        }
        return s.toString();
    }

    /** One operator per line: its name, then its aliases. Exit 1 when a non-empty filter matches nothing. */
    static int ops(OpRegistry registry, String filter, PrintStream out, PrintStream err) {
        String f = filter.toLowerCase(Locale.ROOT);
        int n = 0;
        for (OpDef op : registry.list()) {
            boolean match = op.name().toLowerCase(Locale.ROOT).contains(f)
                    || op.aliases().stream().anyMatch(a -> a.toLowerCase(Locale.ROOT).contains(f));
            if (!match) continue;
            List<String> aliases = op.aliases();
            out.println(aliases.isEmpty() ? op.name()
                    : op.name() + "  (" + (aliases.size() == 1 ? "alias" : "aliases") + ": " + String.join(", ", aliases) + ")");
            n++;
        }
        if (n == 0 && !filter.isEmpty()) {
            err.println("mxj ops: no operator matches '" + filter + "'");
            return 1;
        }
        return 0;
    }

    /** Trains the Fashion-MNIST MLP; bad options are a usage error, a missing dataset a one-line message. */
    static int fashionMnist(String[] args, PrintStream err) {
        FashionMnistMlp.Options o;
        try {
            o = FashionMnistMlp.Options.parse(args);
        } catch (IllegalArgumentException e) {
            return usageError(err, "fashion-mnist: " + e.getMessage());
        }
        try {
            FashionMnistMlp.train(o);
        } catch (IllegalStateException e) {
            if (!String.valueOf(e.getMessage()).startsWith("Fashion-MNIST not found")) throw e;
            err.println("mxj fashion-mnist: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    /** Runs the Java quick start; a checked exception from it becomes an unchecked one for {@link #main}. */
    static int runQuickStart(String[] args) {
        try {
            QuickStart.main(args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 0;
    }
}
