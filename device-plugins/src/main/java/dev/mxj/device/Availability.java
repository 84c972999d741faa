package dev.mxj.device;

/** Whether a plugin's devices can be used here, and if not, why (no driver, no library, no hardware). */
public record Availability(boolean usable, String reason) {
    public static Availability ok() { return new Availability(true, "available"); }

    public static Availability unavailable(String reason) { return new Availability(false, reason); }
}
