package dev.mxj.engine;

/** An operation body that completes when it returns. An exception marks it failed. */
@FunctionalInterface
public interface SyncFn {
    void run(RunContext rctx) throws Exception;
}
