package dev.mxj.device.conformance;

import dev.mxj.device.Device;
import dev.mxj.device.DevicePlugin;
import dev.mxj.device.DevicePlugins;
import dev.mxj.device.PluginInfo;
import dev.mxj.device.conformance.cases.BuiltinCases;
import dev.mxj.op.OpRegistry;

import java.util.ArrayList;
import java.util.List;

/**
 * The plugin conformance kit: runs every catalogued case of every operator a device
 * implements, on that device and on the CPU reference, and compares the outputs. Random
 * operators are held to their statistical checks instead. See device-plugins/README.md.
 *
 * <p>Command line: {@code java -cp <mxj jars>:<your plugin.jar> dev.mxj.device.conformance.ConformanceKit <deviceType> [deviceId]}.
 * Exit code 0 when every case passes, 1 otherwise.
 */
public final class ConformanceKit {
    /** One case's outcome. */
    public record Outcome(OpCase c, boolean passed, String detail) {}

    /** The whole run: outcomes, plus operators the device has no kernel for (they fall back to the CPU). */
    public record Report(String device, List<Outcome> outcomes, List<String> missingKernels) {
        public long failures() { return outcomes.stream().filter(o -> !o.passed()).count(); }

        public String summary() {
            return device + ": " + (outcomes.size() - failures()) + " passed, " + failures() + " failed; "
                    + missingKernels.size() + " operators without a kernel (CPU fallback)";
        }
    }

    private ConformanceKit() {}

    public static Report run(Device candidate, Device reference, List<OpCase> cases) {
        OpRegistry reg = OpRegistry.global();
        OpRunner cand = new OpRunner(candidate, reg), ref = new OpRunner(reference, reg);
        List<Outcome> outcomes = new ArrayList<>();
        for (OpCase c : cases) {
            if (c.kind() != OpCase.Kind.FORWARD || !candidate.kernels().has(reg.get(c.op()).name())) continue;
            try {
                if (c.isDeviceDependent()) {
                    if (c.customCheck() != null) {
                        List<HostArray> outs = cand.run(c.op(), c.params(), c.inputs(), c.isTrain(), c.seed()).outputs();
                        c.customCheck().check(c.inputs(), outs);
                    }
                } else {
                    List<HostArray> want = ref.run(c.op(), c.params(), c.inputs(), c.isTrain(), c.seed()).outputs();
                    List<HostArray> got = cand.run(c.op(), c.params(), c.inputs(), c.isTrain(), c.seed()).outputs();
                    for (int k = 0; k < want.size(); k++) {
                        if (!got.get(k).shape().equals(want.get(k).shape()) || got.get(k).dtype() != want.get(k).dtype()) {
                            throw new AssertionError("output " + k + ": " + got.get(k).dtype() + got.get(k).shape() + " vs CPU " + want.get(k).dtype() + want.get(k).shape());
                        }
                        CaseVerifier.assertClose(c + ": output " + k + " vs CPU", got.get(k).data(), want.get(k).data(),
                                Math.max(c.rtol(), 1e-5), Math.max(c.atol(), 1e-6));
                    }
                }
                outcomes.add(new Outcome(c, true, "ok"));
            } catch (AssertionError | RuntimeException e) {
                outcomes.add(new Outcome(c, false, e.toString()));
            }
        }
        List<String> missing = new ArrayList<>();
        for (var op : reg.list()) if (!candidate.kernels().has(op.name())) missing.add(op.name());
        return new Report(candidate.toString(), outcomes, missing);
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: ConformanceKit <deviceType> [deviceId]");
            System.exit(2);
        }
        String type = args[0];
        int id = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        DevicePlugin cpu = null, target = null;
        for (PluginInfo p : DevicePlugins.discover()) {
            if (p.deviceType().equals("cpu") && p.usable()) cpu = p.plugin();
            if (p.deviceType().equals(type)) {
                if (!p.usable()) {
                    System.err.println("device type '" + type + "' is not usable: " + p.availability().reason());
                    System.exit(1);
                }
                target = p.plugin();
            }
        }
        if (target == null || cpu == null) {
            System.err.println(target == null ? "no plugin for device type '" + type + "' (is its jar on the class path or in MXJ_PLUGIN_PATH?)" : "the CPU plugin is not on the class path");
            System.exit(1);
        }
        Report r = run(target.open(id), cpu.open(0), BuiltinCases.all());
        for (Outcome o : r.outcomes()) if (!o.passed()) System.out.println("FAIL " + o.c() + "\n     " + o.detail());
        System.out.println(r.summary());
        System.exit(r.failures() == 0 ? 0 : 1);
    }
}
