package dev.mxj.device;

/**
 * A device allocator's counters: bytes handed out and in use, bytes kept in the pool for reuse,
 * and the number of native allocations (pool misses).
 */
public record MemoryStats(long bytesInUse, long bytesPooled, long nativeAllocations, long poolHits) {}
