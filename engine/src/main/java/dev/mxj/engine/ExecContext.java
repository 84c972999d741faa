package dev.mxj.engine;

/**
 * Where an operation runs, as far as the engine cares: a device type and id. The engine
 * keeps one worker pool per distinct context; it knows nothing else about devices.
 *
 * @param deviceType "cpu", "gpu" or a plugin's device type name
 * @param deviceId   index of the device within its type
 */
public record ExecContext(String deviceType, int deviceId) {
    public static final ExecContext CPU = new ExecContext("cpu", 0);

    public ExecContext {
        if (deviceType == null || deviceType.isEmpty()) throw new IllegalArgumentException("deviceType is empty");
        if (deviceId < 0) throw new IllegalArgumentException("deviceId < 0: " + deviceId);
    }

    public boolean isCpu() { return deviceType.equals("cpu"); }

    @Override public String toString() { return deviceType + "(" + deviceId + ")"; }
}
