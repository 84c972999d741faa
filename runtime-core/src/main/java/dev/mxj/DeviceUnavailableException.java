package dev.mxj;

/** A context names a device type or id that does not exist or cannot be used here. */
public class DeviceUnavailableException extends MxjException {
    public DeviceUnavailableException(String message) { super(message); }

    public DeviceUnavailableException(String message, Throwable cause) { super(message, cause); }
}
