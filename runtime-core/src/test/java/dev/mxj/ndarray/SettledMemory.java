package dev.mxj.ndarray;

import dev.mxj.device.Device;

/**
 * Reads a device's bytes in use once garbage left by earlier tests in this JVM has been
 * collected and its cleaners have run. Tests that compare two readings start from this, or a
 * cleaner freeing unrelated storage between the readings makes the difference look wrong.
 */
final class SettledMemory {
    private SettledMemory() {}

    static long inUse(Device device) {
        NDArray.waitAll();
        return device.memoryStats().bytesInUse();
    }

    /** Collect until three consecutive readings agree (at most about two seconds). */
    static long settledInUse(Device device) {
        long last = -1;
        int stable = 0;
        for (int i = 0; i < 200 && stable < 3; i++) {
            System.gc();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = inUse(device);
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
        return last;
    }
}
