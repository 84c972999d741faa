package dev.mxj.model;

import dev.mxj.Context;
import dev.mxj.MxjException;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDSerializer;
import dev.mxj.symbol.Symbol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * {@code mx.model}'s checkpoint functions, byte-compatible with MXNet 1.9: a checkpoint is
 * {@code prefix-symbol.json} (the symbol's JSON) and {@code prefix-%04d.params} (an NDArray dict
 * file whose keys are {@code arg:<name>} then {@code aux:<name>}). Both files are written to a
 * temporary file and renamed, so a crash mid-write never leaves a truncated checkpoint where a
 * good one was.
 */
public final class Model {
    private static final Logger LOG = Logger.getLogger(Model.class.getName());

    private Model() {}

    /** A loaded checkpoint: the symbol and the parameters without their prefixes. */
    public record Checkpoint(Symbol symbol, Map<String, NDArray> argParams, Map<String, NDArray> auxParams) {}

    /** {@code '%s-%04d.params' % (prefix, epoch)}. */
    public static Path paramsFile(String prefix, int epoch) { return Path.of(String.format(Locale.ROOT, "%s-%04d.params", prefix, epoch)); }

    public static Path symbolFile(String prefix) { return Path.of(prefix + "-symbol.json"); }

    /** {@code mx.model.save_checkpoint(prefix, epoch, symbol, arg_params, aux_params)}. */
    public static void saveCheckpoint(String prefix, int epoch, Symbol symbol, Map<String, NDArray> argParams, Map<String, NDArray> auxParams) {
        saveCheckpoint(prefix, epoch, symbol, argParams, auxParams, LOG::info);
    }

    /** As {@link #saveCheckpoint(String, int, Symbol, Map, Map)}, logging {@code Saved checkpoint to "..."} to {@code log} (a front end's logger). */
    public static void saveCheckpoint(String prefix, int epoch, Symbol symbol, Map<String, NDArray> argParams, Map<String, NDArray> auxParams,
                                      java.util.function.Consumer<String> log) {
        if (symbol != null) symbol.save(symbolFile(prefix));
        Path p = paramsFile(prefix, epoch);
        saveParams(p, argParams, auxParams);
        log.accept("Saved checkpoint to \"" + p + "\"");
    }

    /** An NDArray dict file with {@code arg:}/{@code aux:} keys (Module's {@code save_params}), arrays copied to the CPU. */
    public static void saveParams(Path file, Map<String, NDArray> argParams, Map<String, NDArray> auxParams) {
        Map<String, NDArray> d = new LinkedHashMap<>();
        for (var e : argParams.entrySet()) d.put("arg:" + e.getKey(), e.getValue().asInContext(Context.cpu()));
        if (auxParams != null) for (var e : auxParams.entrySet()) d.put("aux:" + e.getKey(), e.getValue().asInContext(Context.cpu()));
        try {
            NDSerializer.save(file, d);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write parameter file " + file, e);
        }
    }

    /** {@code mx.model.load_checkpoint(prefix, epoch)}. */
    public static Checkpoint loadCheckpoint(String prefix, int epoch) {
        Symbol sym = Symbol.load(symbolFile(prefix));
        Map<String, NDArray>[] p = loadParams(paramsFile(prefix, epoch));
        return new Checkpoint(sym, p[0], p[1]);
    }

    /** The {@code arg:} and {@code aux:} parts of a parameter file (MXNet's {@code load_params}); other keys fail. */
    @SuppressWarnings("unchecked")
    public static Map<String, NDArray>[] loadParams(Path file) {
        if (!Files.exists(file)) throw new MxjException("Parameter file " + file + " does not exist");
        NDSerializer.Loaded l;
        try {
            l = NDSerializer.load(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read parameter file " + file + ": " + e.getMessage(), e);
        }
        if (!l.hasNames() && !l.arrays().isEmpty()) throw new MxjException("Parameter file " + file + " holds a list of arrays, not a dict of arg:/aux: names");
        Map<String, NDArray> arg = new LinkedHashMap<>(), aux = new LinkedHashMap<>();
        for (int i = 0; i < l.names().size(); i++) {
            String k = l.names().get(i);
            int c = k.indexOf(':');
            String tp = c < 0 ? "" : k.substring(0, c);
            switch (tp) {
                case "arg" -> arg.put(k.substring(c + 1), l.arrays().get(i));
                case "aux" -> aux.put(k.substring(c + 1), l.arrays().get(i));
                default -> throw new MxjException("Parameter file " + file + ": key '" + k + "' is neither arg:<name> nor aux:<name>");
            }
        }
        return new Map[] {arg, aux};
    }
}
