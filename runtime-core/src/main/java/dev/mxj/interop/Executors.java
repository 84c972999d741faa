package dev.mxj.interop;

import dev.mxj.Context;
import dev.mxj.executor.Executor;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.DType;
import dev.mxj.symbol.Symbol;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code bind}/{@code simple_bind} with everything MXNet's Python signature takes, in the parallel
 * arrays the front ends unpack their arguments into: {@code group2ctx} as group names and
 * contexts, {@code type_dict} as argument names and dtype names (null arrays: not given); type
 * completion and sharing are {@link Executor#simpleBind}'s.
 */
public final class Executors {
    private Executors() {}

    public static Executor bind(Symbol s, Context ctx, Map<String, NDArray> args, Map<String, NDArray> grads, Object gradReq,
                                Map<String, NDArray> aux, String[] groups, Context[] groupContexts, Executor shared) {
        return Executor.bind(s, ctx, args, grads, gradReq, aux, shared, options(groups, groupContexts));
    }

    /**
     * {@code simple_bind} with MXNet's sharing arguments: {@code sharedArgNames} (null: none) and
     * {@code sharedBuffer} (null: not given; otherwise updated in place with the arrays the
     * executor created, as MXNet hands back its updated shared buffer).
     */
    public static Executor simpleBind(Symbol s, Context ctx, Object gradReq, String[] names, long[][] shapes, String[] typeNames,
                                      String[] types, String[] groups, Context[] groupContexts, String[] sharedArgNames, Executor shared,
                                      Map<String, NDArray> sharedBuffer) {
        Map<String, DType> td = null;
        if (typeNames != null) {
            td = new LinkedHashMap<>();
            for (int i = 0; i < typeNames.length; i++) td.put(typeNames[i], DType.parse(types[i]));
        }
        return Executor.simpleBind(s, ctx, gradReq, td, sharedArgNames == null ? null : java.util.Arrays.asList(sharedArgNames), shared, sharedBuffer,
                Symbols.shapes(names, shapes), options(groups, groupContexts));
    }

    private static Executor.Options options(String[] groups, Context[] contexts) {
        if (groups == null) return Executor.Options.DEFAULT;
        Map<String, Context> m = new LinkedHashMap<>();
        for (int i = 0; i < groups.length; i++) m.put(groups[i], contexts[i]);
        return Executor.Options.DEFAULT.withGroup2ctx(m);
    }
}
