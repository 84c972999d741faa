package dev.mxj.executor;

import dev.mxj.MxjException;

/** Binding or running an executor failed; the message names the argument, node or operator concerned. */
public class ExecutorException extends MxjException {
    public ExecutorException(String message) { super(message); }

    public ExecutorException(String message, Throwable cause) { super(message, cause); }
}
