package dev.mxj.initializer;

import java.util.Map;

/**
 * A parameter to initialise: its name, its symbol attributes (an {@code __init__} attribute,
 * e.g. {@code ["xavier", {"magnitude": 2}]}, overrides the initializer for this parameter) and
 * the global initializer in charge (MXNet's {@code mx.init.InitDesc}).
 */
public final class InitDesc {
    private final String name;
    private final Map<String, String> attrs;
    private Initializer globalInit;

    public InitDesc(String name) { this(name, Map.of(), null); }

    public InitDesc(String name, Map<String, String> attrs) { this(name, attrs, null); }

    public InitDesc(String name, Map<String, String> attrs, Initializer globalInit) {
        this.name = name;
        this.attrs = attrs == null ? Map.of() : Map.copyOf(attrs);
        this.globalInit = globalInit;
    }

    public String name() { return name; }

    public Map<String, String> attrs() { return attrs; }

    public Initializer globalInit() { return globalInit; }

    void setGlobalInit(Initializer init) { this.globalInit = init; }

    @Override
    public String toString() { return name; }
}
