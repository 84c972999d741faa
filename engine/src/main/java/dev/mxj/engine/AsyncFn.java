package dev.mxj.engine;

/**
 * An operation body that may complete later: it must call {@code onComplete.done()} or
 * {@code onComplete.fail(e)} exactly once, from any thread. Throwing counts as failing.
 */
@FunctionalInterface
public interface AsyncFn {
    void run(RunContext rctx, Completion onComplete) throws Exception;

    /** Completion callback of an asynchronous operation. */
    interface Completion {
        void done();

        void fail(Throwable error);
    }
}
