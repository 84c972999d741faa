package dev.mxj.autograd;

import java.util.Locale;

/** How backward stores a variable's gradient (MXNet's grad_req). */
public enum GradReq {
    /** Overwrite the gradient buffer. */
    WRITE,
    /** Add to the gradient buffer (accumulate over several backward calls). */
    ADD,
    /** No gradient: the variable is skipped. */
    NULL;

    /** From MXNet's strings "write", "add", "null" (also "inplace", which MXNet treats as write). */
    public static GradReq parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "write", "inplace" -> WRITE;
            case "add" -> ADD;
            case "null" -> NULL;
            default -> throw new IllegalArgumentException("grad_req must be one of 'write', 'add', 'null', got '" + s + "'");
        };
    }

    /** MXNet's string form. */
    public String mxnetName() { return name().toLowerCase(Locale.ROOT); }
}
