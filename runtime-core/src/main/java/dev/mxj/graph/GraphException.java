package dev.mxj.graph;

import dev.mxj.op.OperatorException;

/** A graph pass failed; the message names the node and operator concerned. */
public class GraphException extends OperatorException {
    public GraphException(String message) { super(message); }

    public GraphException(String message, Throwable cause) { super(message, cause); }
}
