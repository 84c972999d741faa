package dev.mxj.device;

/** How a kernel writes an output (MXNet's OpReqType). */
public enum OpReq {
    /** Output not needed: skip it. */
    NULL,
    /** Overwrite the output. */
    WRITE,
    /** Overwrite; the output shares memory with an input (read before you write each element). */
    INPLACE,
    /** Add to the output's existing values (gradient accumulation). */
    ADD
}
