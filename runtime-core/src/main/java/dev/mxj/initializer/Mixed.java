package dev.mxj.initializer;

import dev.mxj.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Chooses an initializer per parameter by the first regular expression that matches the start of
 * its name (Python's {@code re.match}), e.g. patterns {@code [".*bias", ".*"]}.
 */
public final class Mixed extends Initializer {
    private final List<Pattern> patterns = new ArrayList<>();
    private final List<Initializer> inits;

    public Mixed(List<String> patterns, List<Initializer> initializers) {
        if (patterns.size() != initializers.size()) throw new IllegalArgumentException("Mixed needs one initializer per pattern");
        for (String p : patterns) this.patterns.add(Pattern.compile(p));
        this.inits = List.copyOf(initializers);
    }

    private Initializer pick(String name) {
        for (int i = 0; i < patterns.size(); i++) if (patterns.get(i).matcher(name).lookingAt()) return inits.get(i);
        throw new IllegalArgumentException("Parameter name " + name + " did not match any pattern. Consider add a \".*\" pattern at the end with default Initializer.");
    }

    @Override
    public void call(String name, NDArray arr) { pick(name).call(name, arr); }

    @Override
    public void call(InitDesc desc, NDArray arr) { pick(desc.name()).call(desc, arr); }

    @Override
    protected void initWeight(String name, NDArray arr) { pick(name).initWeight(name, arr); }

    @Override
    public String dumps() { throw new UnsupportedOperationException("Mixed has no JSON form (as in MXNet, it is not a registered initializer)"); }
}
