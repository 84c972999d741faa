package dev.mxj.device;

import java.lang.foreign.MemorySegment;

/**
 * A block of device memory from a {@link Device}'s allocator. Host-accessible storage (CPU,
 * pinned or unified memory) exposes a {@link MemorySegment}; other devices expose an address.
 */
public interface Storage {
    Device device();

    /** Usable size in bytes (the allocator may have rounded the request up). */
    long bytes();

    /** The memory as a host segment, or null when not host-accessible. */
    MemorySegment hostSegment();

    /** Device address (for native kernels and device APIs). */
    long address();
}
