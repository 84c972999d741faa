package dev.mxj.interop;

import dev.mxj.model.Model;
import dev.mxj.module.BaseModule;
import dev.mxj.ndarray.NDArray;
import dev.mxj.symbol.Symbol;

import java.util.Map;

/**
 * Parameters and checkpoints in the flat form the front ends unpack into their own dictionaries:
 * {@code {arg names, arg arrays, aux names, aux arrays}}, order kept.
 */
public final class Checkpoints {
    private Checkpoints() {}

    /** {arg names, arg arrays, aux names, aux arrays}. */
    public static Object[] params(Map<String, NDArray> args, Map<String, NDArray> aux) {
        return new Object[] {args.keySet().toArray(String[]::new), args.values().toArray(NDArray[]::new),
                aux.keySet().toArray(String[]::new), aux.values().toArray(NDArray[]::new)};
    }

    /** A module's {@code get_params()} flattened as {@link #params(Map, Map)}. */
    public static Object[] params(BaseModule m) {
        BaseModule.Params p = m.getParams();
        return params(p.argParams(), p.auxParams());
    }

    /** {@code mx.model.save_checkpoint} without its log line (MXNet logs at INFO, unseen by default). */
    public static void save(String prefix, int epoch, Symbol s, Map<String, NDArray> args, Map<String, NDArray> aux) {
        s.save(Model.symbolFile(prefix));
        Model.saveParams(Model.paramsFile(prefix, epoch), args, aux);
    }

    /** {symbol, arg names, arg arrays, aux names, aux arrays}. */
    public static Object[] load(String prefix, int epoch) {
        Model.Checkpoint c = Model.loadCheckpoint(prefix, epoch);
        Object[] p = params(c.argParams(), c.auxParams());
        return new Object[] {c.symbol(), p[0], p[1], p[2], p[3]};
    }
}
