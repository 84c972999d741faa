package dev.mxj.autograd;

import dev.mxj.MxjException;

/** Misuse of autograd: differentiating what was not recorded or was already freed, bad arguments. */
public class AutogradException extends MxjException {
    public AutogradException(String message) { super(message); }
}
