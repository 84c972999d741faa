package dev.mxj.interop;

import dev.mxj.op.Shape;
import dev.mxj.symbol.Symbol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Symbol construction and shape inference in the plain arrays the front ends pass and unpack. */
public final class Symbols {
    private Symbols() {}

    /** An operator symbol: parameters as MXNet's strings, positional inputs, and inputs named {@code kwNames[i]}. */
    public static Symbol create(String op, String name, String[] keys, String[] values, List<Symbol> args, String[] kwNames, List<Symbol> kwSyms) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) params.put(keys[i], values[i]);
        Map<String, Symbol> kw = new LinkedHashMap<>();
        for (int i = 0; i < kwNames.length; i++) kw.put(kwNames[i], kwSyms.get(i));
        return Symbol.create(op, name, params, args, kw);
    }

    /** A name → shape map from parallel arrays; null when {@code names} is null (no shapes given). */
    public static Map<String, Shape> shapes(String[] names, long[][] dims) {
        if (names == null) return null;
        if (dims == null || dims.length != names.length) throw new IllegalArgumentException("shapes: " + names.length + " names but "
                + (dims == null ? 0 : dims.length) + " shapes");
        Map<String, Shape> m = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) m.put(names[i], Shape.of(dims[i]));
        return m;
    }

    /** {arg shapes, out shapes, aux shapes} (each long[][], unknown shapes null), or null when undecided. */
    public static Object[] inferShape(Symbol s, Map<String, Shape> known, boolean partial) {
        Symbol.Inferred<Shape> r = partial ? s.inferShapePartial(known) : s.inferShape(known);
        if (r == null) return null;
        return new Object[] {dims(r.arguments()), dims(r.outputs()), dims(r.auxiliaryStates())};
    }

    private static long[][] dims(List<Shape> l) {
        if (l == null) return null;
        long[][] d = new long[l.size()][];
        for (int i = 0; i < d.length; i++) {
            Shape s = l.get(i);
            d[i] = s == null || !s.isRankKnown() ? null : s.dims();
        }
        return d;
    }
}
