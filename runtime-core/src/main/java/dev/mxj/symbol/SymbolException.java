package dev.mxj.symbol;

import dev.mxj.MxjException;

/** A symbol could not be built, composed, loaded or inferred; the message names the node. */
public class SymbolException extends MxjException {
    public SymbolException(String message) { super(message); }

    public SymbolException(String message, Throwable cause) { super(message, cause); }
}
