package dev.mxj.device;

/**
 * A discovered plugin with its probe result. {@code plugin} is null when the provider could not
 * even be instantiated (a broken jar); {@code source} says where it came from.
 */
public record PluginInfo(String deviceType, DevicePlugin plugin, Availability availability, String source) {
    public boolean usable() { return plugin != null && availability.usable(); }
}
