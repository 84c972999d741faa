package dev.mxj;

import dev.mxj.engine.ExecContext;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an array lives: a device type ("cpu", "gpu" or a plugin's type) and an id, printed as
 * MXNet prints it: {@code cpu(0)}. Immutable; equal when type and id are equal.
 *
 * <p>The default context is {@code cpu(0)} unless a usable plugin declares a higher priority
 * than the CPU (see {@link Devices#defaultContext()}); {@code MXJ_DEFAULT_CONTEXT} (e.g.
 * {@code gpu(0)}) overrides the choice.
 */
public final class Context {
    /** MXNet's device type codes, stored in .params files. */
    public static final int DEV_TYPE_CPU = 1, DEV_TYPE_GPU = 2, DEV_TYPE_CPU_PINNED = 3, DEV_TYPE_CPU_SHARED = 5;

    private static final Context CPU0 = new Context("cpu", 0);
    private static final Pattern FORM = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(?:\\(\\s*(\\d+)\\s*\\))?\\s*");

    private final String deviceType;
    private final int deviceId;
    private final ExecContext exec;

    private Context(String deviceType, int deviceId) {
        this.deviceType = deviceType;
        this.deviceId = deviceId;
        this.exec = deviceType.equals("cpu") && deviceId == 0 ? ExecContext.CPU : new ExecContext(deviceType, deviceId);
    }

    public static Context cpu() { return CPU0; }

    public static Context cpu(int id) { return id == 0 ? CPU0 : of("cpu", id); }

    public static Context gpu() { return of("gpu", 0); }

    public static Context gpu(int id) { return of("gpu", id); }

    /** A context of any device type; the type is not checked here (see {@link Devices#device}). */
    public static Context of(String deviceType, int deviceId) {
        if (deviceType == null || deviceType.isBlank()) throw new IllegalArgumentException("device type is empty");
        if (deviceId < 0) throw new IllegalArgumentException("device id must be >= 0, got " + deviceId + " for " + deviceType);
        String t = deviceType.trim().toLowerCase(Locale.ROOT);
        if (t.equals("cpu") && deviceId == 0) return CPU0;
        return new Context(t, deviceId);
    }

    /**
     * Parse MXNet's printed form: {@code "cpu(0)"}, {@code "gpu(1)"}, {@code "gpu"} (id 0),
     * {@code "cpu_pinned(0)"} (mapped to the CPU, as host memory here is already pinnable).
     */
    public static Context parse(String s) {
        Matcher m = FORM.matcher(s);
        if (!m.matches()) throw new IllegalArgumentException("invalid context '" + s + "': expected a form like cpu(0) or gpu(1)");
        String type = m.group(1).toLowerCase(Locale.ROOT);
        int id = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        if (type.equals("cpu_pinned") || type.equals("cpu_shared")) type = "cpu";
        return of(type, id);
    }

    /** From MXNet's numeric device type (1 cpu, 2 gpu, 3 cpu_pinned, 5 cpu_shared). */
    public static Context fromDevType(int devType, int devId) {
        return switch (devType) {
            case DEV_TYPE_CPU, DEV_TYPE_CPU_PINNED, DEV_TYPE_CPU_SHARED -> cpu(Math.max(devId, 0));
            case DEV_TYPE_GPU -> gpu(Math.max(devId, 0));
            default -> throw new IllegalArgumentException("unknown MXNet device type code " + devType);
        };
    }

    /** The default context (see the class comment). */
    public static Context defaultContext() { return Devices.defaultContext(); }

    public String deviceType() { return deviceType; }

    public int deviceId() { return deviceId; }

    public boolean isCpu() { return deviceType.equals("cpu"); }

    /** MXNet's numeric type code; device types MXNet does not know are written as CPU (their data is saved from host memory). */
    public int devTypeCode() { return deviceType.equals("gpu") ? DEV_TYPE_GPU : DEV_TYPE_CPU; }

    /** The engine's view of this context. */
    public ExecContext execContext() { return exec; }

    @Override public boolean equals(Object o) {
        return o instanceof Context c && c.deviceId == deviceId && c.deviceType.equals(deviceType);
    }

    @Override public int hashCode() { return deviceType.hashCode() * 31 + deviceId; }

    @Override public String toString() { return deviceType + "(" + deviceId + ")"; }
}
