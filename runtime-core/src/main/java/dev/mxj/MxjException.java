package dev.mxj;

/** Base class of runtime errors raised by mxj itself (front ends map it to MXNetError). */
public class MxjException extends RuntimeException {
    public MxjException(String message) { super(message); }

    public MxjException(String message, Throwable cause) { super(message, cause); }
}
