package dev.mxj.device;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** A device type's kernels keyed by operator name (canonical names; aliases are resolved by the caller). */
public final class KernelTable {
    private final Map<String, Kernel> kernels = new ConcurrentHashMap<>();

    public KernelTable add(String opName, Kernel k) {
        if (kernels.putIfAbsent(opName, k) != null) throw new IllegalStateException("kernel for '" + opName + "' added twice");
        return this;
    }

    /** The kernel, or null when the device has none for this operator. */
    public Kernel get(String opName) { return kernels.get(opName); }

    public boolean has(String opName) { return kernels.containsKey(opName); }

    /** Operator names with kernels, sorted. */
    public java.util.Set<String> names() { return Collections.unmodifiableSet(new TreeMap<>(kernels).keySet()); }

    public int size() { return kernels.size(); }
}
