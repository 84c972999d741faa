package dev.mxj.op;

/**
 * Adds operator definitions to the registry. Built-in families implement it; third parties
 * may ship one in a jar (ServiceLoader, META-INF/services/dev.mxj.op.OpProvider) to define
 * custom operators whose kernels their plugin supplies.
 */
public interface OpProvider {
    void register(OpRegistry registry);
}
