package dev.mxj.js;

import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.Value;

/** An uncaught error as a JS user reads it: the error's own {@code stack}, never a Java stack trace. */
final class ErrorText {
    private ErrorText() {}

    static String of(PolyglotException e) {
        if (e.isGuestException()) {
            Value g = e.getGuestObject();
            try {
                if (g != null && g.hasMembers()) {
                    Value stack = g.getMember("stack");
                    if (stack != null && stack.isString() && !stack.asString().isEmpty()) return stack.asString();
                }
            } catch (RuntimeException unreadable) {
                // fall through to the frames
            }
            return withFrames(e.getMessage(), e);
        }
        // a Java exception that no bridge call turned into an MXNetError (e.g. thrown while loading)
        String msg = e.getMessage();
        return withFrames("MXNetError: " + (msg == null ? e.getClass().getSimpleName() : msg), e);
    }

    private static String withFrames(String head, PolyglotException e) {
        StringBuilder b = new StringBuilder(head == null ? "Error" : head);
        for (PolyglotException.StackFrame f : e.getPolyglotStackTrace()) {
            if (!f.isGuestFrame()) continue;
            SourceSection s = f.getSourceLocation();
            String where = s == null ? "<unknown>"
                    : (s.getSource().getPath() != null ? s.getSource().getPath() : s.getSource().getName()) + ":" + s.getStartLine() + ":" + s.getStartColumn();
            String fn = f.getRootName() == null || f.getRootName().isEmpty() ? null : f.getRootName();
            b.append("\n    at ").append(fn == null ? where : fn + " (" + where + ")");
        }
        return b.toString();
    }
}
