package dev.mxj.device;

/**
 * A device type's provider, found by {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.mxj.device.DevicePlugin}) or in a jar under MXJ_PLUGIN_PATH.
 *
 * <p>Contract: the constructor never throws and loads no native code; {@link #probe()} loads
 * what it needs lazily and reports a missing library or device as unavailable instead of
 * throwing. A plugin depends on device-plugins and op-registry only, never on runtime-core.
 */
public interface DevicePlugin {
    /** "cpu", "gpu", or a third party's type name (lower case, no spaces). */
    String deviceType();

    /** Human-readable name for listings ("CPU (OpenBLAS 0.3.31)"). */
    default String displayName() { return deviceType(); }

    /** Probe once: libraries present, hardware found. Must not throw. */
    Availability probe();

    /** Number of devices of this type (0 when unavailable). */
    int deviceCount();

    /** Open device {@code id} (0-based). Called at most once per id; the runtime keeps it. */
    Device open(int id);

    /** Add kernels for operators the registry already defines. */
    void registerKernels(KernelTable table);

    /** Among usable plugins, the highest priority provides the default device. CPU is 0. */
    default int priority() { return 0; }
}
