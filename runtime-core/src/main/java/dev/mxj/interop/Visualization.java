package dev.mxj.interop;

import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.symbol.Symbol;
import dev.mxj.viz.Viz;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code mx.viz} for the front ends: shapes and dtypes arrive as parallel name/value arrays (null for "not given"). */
public final class Visualization {
    private Visualization() {}

    /** The {@code print_summary} table as text; the front end prints it. */
    public static String summary(Symbol s, String[] names, long[][] shapes, int lineLength, double[] positions) {
        return Viz.printSummary(s, Symbols.shapes(names, shapes), lineLength, positions);
    }

    /** {@code plot_network}: the graph as DOT, with edge labels when shapes or dtypes are given. */
    public static Viz.Dot plot(Symbol s, String title, String[] shapeNames, long[][] shapes, String[] typeNames, String[] types,
                               Map<String, String> nodeAttrs, boolean hideWeights) {
        Map<String, DType> dt = null;
        if (typeNames != null) {
            dt = new LinkedHashMap<>();
            for (int i = 0; i < typeNames.length; i++) dt.put(typeNames[i], DType.parse(types[i]));
        }
        return Viz.plotNetwork(s, title, Symbols.shapes(shapeNames, shapes), dt, nodeAttrs == null ? Map.of() : nodeAttrs, hideWeights);
    }
}
