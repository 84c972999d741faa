package dev.mxj.executor;

import dev.mxj.Context;
import dev.mxj.autograd.GradReq;
import dev.mxj.device.OpReq;
import dev.mxj.graph.GradientPass;
import dev.mxj.graph.Graph;
import dev.mxj.graph.GraphException;
import dev.mxj.graph.GraphInference;
import dev.mxj.graph.NodeBuilder;
import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.op.DType;
import dev.mxj.op.OperatorException;
import dev.mxj.op.Shape;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;
import dev.mxj.symbol.Symbol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A symbol bound to arrays ({@code mx.executor.Executor}, MXNet 1.9 semantics), created by
 * {@link #bind} / {@link #simpleBind} (or {@link Symbol}'s shortcuts). Binding runs the graph
 * passes once, in MXNet's order:
 * <ol>
 * <li>gradient: the backward nodes of every argument whose grad_req is not 'null', with one head
 * gradient per output;</li>
 * <li>shape and type inference over the whole forward+backward graph;</li>
 * <li>memory planning ({@link MemoryPlanner}: in-place, sharing by simulated reference counts,
 * never between nodes that may run in parallel);</li>
 * <li>dead-node elimination: only nodes the outputs and requested gradients depend on are kept,
 * and outputs nobody reads are requested with {@link OpReq#NULL} so kernels skip them;</li>
 * <li>one pre-built engine operation per node ({@link Imperative#prebuild}).</li>
 * </ol>
 * {@link #forward} and {@link #backward} then push those operations: no inference, parsing or
 * allocation per step. Like MXNet's, outputs are the executor's own arrays, overwritten by the next
 * forward, and an executor is not meant for concurrent use from several threads.
 */
public final class Executor implements AutoCloseable {
    /**
     * Binding switches; {@link #DEFAULT} plans memory, in place unless MXNET_EXEC_ENABLE_INPLACE is
     * 0/false, and fuses element-wise chains unless MXNET_USE_FUSION is 0/false (MXNet's switch of
     * the same pass). {@code group2ctx} maps {@code ctx_group} names to contexts (model parallelism).
     */
    public record Options(boolean planMemory, boolean inplace, boolean fusion, Map<String, Context> group2ctx) {
        public static final Options DEFAULT = new Options(true, envFlag("MXNET_EXEC_ENABLE_INPLACE", true), envFlag("MXNET_USE_FUSION", true), Map.of());
        /** Every entry in its own buffer, nothing fused: the reference against which planning and fusion are checked. */
        public static final Options UNPLANNED = new Options(false, false, false, Map.of());

        /** Fusion as {@link #DEFAULT}. */
        public Options(boolean planMemory, boolean inplace) { this(planMemory, inplace, DEFAULT.fusion, Map.of()); }

        public Options { group2ctx = group2ctx == null ? Map.of() : Map.copyOf(group2ctx); }

        /** These options with {@code group2ctx} (simple_bind's and bind's argument of that name). */
        public Options withGroup2ctx(Map<String, Context> g2c) { return new Options(planMemory, inplace, fusion, g2c); }

        /** These options with element-wise fusion on or off. */
        public Options withFusion(boolean on) { return new Options(planMemory, inplace, on, group2ctx); }
    }

    /**
     * What memory planning and fusion bought: bytes of internal entries (intermediates, hidden
     * outputs, backward values) as planned and as they would be unplanned and unfused, and the
     * fused nodes, the nodes they absorbed and the bytes of the values that no longer exist.
     */
    public record MemoryStats(long plannedBytes, long unplannedBytes, long externalBytes, int buffers, int inplace, int reused,
                              int fusedNodes, int absorbedNodes, long fusedAwayBytes) {
        @Override public String toString() {
            return String.format("internal %,d bytes planned (%d buffers; %d in place, %d reused) vs %,d unplanned (%.1f%%); "
                    + "%d fused nodes absorbing %d nodes (%,d bytes never stored); arguments, gradients and states %,d bytes", plannedBytes, buffers,
                    inplace, reused, unplannedBytes, unplannedBytes == 0 ? 100.0 : 100.0 * plannedBytes / unplannedBytes, fusedNodes, absorbedNodes,
                    fusedAwayBytes, externalBytes);
        }
    }

    /** A monitor callback: the output's name ({@code fc1_output}) and its array (MXNet's {@code set_monitor_callback}). */
    @FunctionalInterface
    public interface MonitorCallback {
        void call(String name, NDArray array);
    }

    private final Symbol symbol;
    private final Context ctx;
    private final List<String> argNames, auxNames, outputNames;
    private final NDArray[] argArrays, gradArrays, auxArrays, outputs, headGrads;
    private final GradReq[] gradReqs;
    /** The bound graph: planned memory and pre-built operations, forward (phase 0) then backward (phase 1). */
    final GraphPlan bound;
    private final List<NDArray> owned;
    final SharedPool pool; // package-private: tests check what bucketing shares
    private final MemoryStats stats;
    private final Options options;
    /** The bound graph, its execution order and memory plan (package-private: the planner's tests inspect them). */
    final Graph graph;
    final int[] order;
    final MemoryPlanner.Plan plan;
    private MonitorCallback monitor;
    private boolean monitorAll;
    private boolean closed;

    // ------------------------------------------------------------------ binding

    /**
     * {@code symbol.bind(ctx, args, args_grad, grad_req, aux_states)}: arrays given by argument
     * name; arrays are used, not copied. An argument without a gradient array gets grad_req 'null'.
     *
     * @param argsGrad gradient arrays by name, or null for no gradients
     * @param gradReq  a {@link GradReq}, MXNet's string, a list (argument order) or a map by name (unlisted: 'null')
     * @param auxStates auxiliary states by name (required when the symbol has any)
     */
    public static Executor bind(Symbol symbol, Context ctx, Map<String, NDArray> args, Map<String, NDArray> argsGrad, Object gradReq,
                                Map<String, NDArray> auxStates) {
        return bind(symbol, ctx, args, argsGrad, gradReq, auxStates, null, Options.DEFAULT);
    }

    /** As {@link #bind(Symbol, Context, Map, Map, Object, Map)}, sharing {@code sharedExec}'s memory pool when not null. */
    public static Executor bind(Symbol symbol, Context ctx, Map<String, NDArray> args, Map<String, NDArray> argsGrad, Object gradReq,
                                Map<String, NDArray> auxStates, Executor sharedExec, Options options) {
        List<String> argNames = symbol.listArguments(), auxNames = symbol.listAuxiliaryStates();
        checkUnique(argNames, auxNames);
        NDArray[] a = arrays(argNames, args, "args", false);
        NDArray[] g = argsGrad == null ? new NDArray[argNames.size()] : arrays(argNames, argsGrad, "args_grad", true);
        NDArray[] x = arrays(auxNames, auxStates == null ? Map.of() : auxStates, "aux_states", false);
        GradReq[] reqs = gradReqs(argNames, gradReq);
        for (int i = 0; i < reqs.length; i++) if (g[i] == null) reqs[i] = GradReq.NULL;
        return new Executor(symbol, ctx, a, g, reqs, x, sharedExec, options, new ArrayList<>());
    }

    /** {@code symbol.bind(ctx, args)} with arrays in {@code list_arguments()} order, no gradients. */
    public static Executor bind(Symbol symbol, Context ctx, List<NDArray> args) {
        List<String> names = symbol.listArguments();
        if (args.size() != names.size()) throw new ExecutorException("Length of args does not match the number of arguments: " + args.size() + " vs " + names);
        Map<String, NDArray> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) m.put(names.get(i), args.get(i));
        return bind(symbol, ctx, m, null, GradReq.NULL, null);
    }

    /**
     * {@code symbol.simple_bind(ctx, grad_req, type_dict, shared_exec=..., **shapes)} without
     * {@code shared_arg_names}/{@code shared_buffer}: every array is new; {@code sharedExec} only
     * lends its memory pool for the internal buffers (MXNet's behaviour when no shared buffer is given).
     */
    public static Executor simpleBind(Symbol symbol, Context ctx, Object gradReq, Map<String, DType> typeDict, Executor sharedExec,
                                      Map<String, Shape> shapes) {
        return simpleBind(symbol, ctx, gradReq, typeDict, null, sharedExec, null, shapes, Options.DEFAULT);
    }

    public static Executor simpleBind(Symbol symbol, Context ctx, Object gradReq, Map<String, DType> typeDict, Executor sharedExec,
                                      Map<String, Shape> shapes, Options options) {
        return simpleBind(symbol, ctx, gradReq, typeDict, null, sharedExec, null, shapes, options);
    }

    /**
     * {@code symbol.simple_bind(ctx, grad_req, type_dict, group2ctx, shared_arg_names, shared_exec,
     * shared_buffer, **shapes)}: the executor allocates every argument, gradient and auxiliary
     * array (zeros) from the given shapes and what inference derives from them.
     * <p>Types: those of {@code typeDict} and of variables declaring {@code __dtype__}, then what
     * type inference derives from them (a FullyConnected weight after a float64 input is float64);
     * only arguments still undecided default to float32.
     * <p>Sharing, as MXNet's {@code GraphExecutor::InitArguments}, only when {@code sharedBuffer} is
     * given (Module always gives one): arguments named in {@code sharedArgNames} (the parameters)
     * take {@code sharedExec}'s arrays and gradients, which must have the same shape and dtype, and
     * so must its auxiliary states, which are shared too; every other argument and gradient
     * ({@code "grad of " + name}) is a view on the buffer's array of that name when it is large
     * enough, else a new array that replaces (or adds) the buffer's entry. Names in
     * {@code sharedArgNames} that are not arguments are ignored. The memory pool of
     * {@code sharedExec} is shared in every case. Arrays this call puts in the buffer are handles of
     * their own: the buffer's owner closes them (or the garbage collector does).
     */
    public static Executor simpleBind(Symbol symbol, Context ctx, Object gradReq, Map<String, DType> typeDict, java.util.Collection<String> sharedArgNames,
                                      Executor sharedExec, Map<String, NDArray> sharedBuffer, Map<String, Shape> shapes, Options options) {
        List<String> argNames = symbol.listArguments(), auxNames = symbol.listAuxiliaryStates();
        checkUnique(argNames, auxNames);
        shapes = inputsOnly(shapes, argNames, auxNames);
        typeDict = inputsOnly(typeDict, argNames, auxNames);
        Symbol.Inferred<Shape> s;
        try {
            s = symbol.inferShapePartial(shapes);
        } catch (RuntimeException e) {
            throw new ExecutorException("simple_bind error. Arguments:\n" + describe(shapes) + "\n" + e.getMessage(), e);
        }
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < argNames.size(); i++) if (!s.arguments().get(i).isKnown()) missing.add(argNames.get(i) + " " + s.arguments().get(i));
        for (int i = 0; i < auxNames.size(); i++) if (!s.auxiliaryStates().get(i).isKnown()) missing.add(auxNames.get(i) + " " + s.auxiliaryStates().get(i));
        if (!missing.isEmpty()) {
            throw new ExecutorException("simple_bind error. Arguments:\n" + describe(shapes) + "\ncannot infer the shapes of " + missing
                    + "; give them as keyword arguments");
        }
        Symbol.Inferred<DType> t = inferTypes(symbol, typeDict);
        GradReq[] reqs = gradReqs(argNames, gradReq);
        List<NDArray> owned = new ArrayList<>();
        NDArray[] a = new NDArray[argNames.size()], g = new NDArray[argNames.size()], x = new NDArray[auxNames.size()];
        Set<String> sharedNames = sharedBuffer == null || sharedArgNames == null ? Set.of() : new HashSet<>(sharedArgNames);
        Executor shared = sharedBuffer == null ? null : sharedExec;
        Map<String, Context> where = Placement.variables(symbol, ctx, options.group2ctx());
        try {
            for (int i = 0; i < a.length; i++) {
                String n = argNames.get(i);
                Shape sh = s.arguments().get(i);
                DType dt = t.arguments().get(i);
                Context c = where.get(n);
                if (sharedNames.contains(n) && shared != null) {
                    a[i] = fromShared(shared.argDict(), n, "argument", sh, dt);
                    NDArray sg = reqs[i] == GradReq.NULL ? null : shared.gradDict().get(n);
                    if (sg != null) requireSame(sg, n, "gradient", sh, dt);
                    if (reqs[i] != GradReq.NULL) g[i] = sg != null ? sg : fresh(sh, dt, c, owned);
                } else if (sharedNames.contains(n) || sharedBuffer == null) {
                    a[i] = fresh(sh, dt, c, owned);
                    if (reqs[i] != GradReq.NULL) g[i] = fresh(sh, dt, c, owned);
                } else {
                    a[i] = reshapeOrCreate(sharedBuffer, n, sh, dt, c, owned);
                    if (reqs[i] != GradReq.NULL) g[i] = reshapeOrCreate(sharedBuffer, "grad of " + n, sh, dt, c, owned);
                }
            }
            for (int i = 0; i < x.length; i++) {
                String n = auxNames.get(i);
                Shape sh = s.auxiliaryStates().get(i);
                DType dt = t.auxiliaryStates().get(i);
                x[i] = shared != null ? fromShared(shared.auxDict(), n, "auxiliary state", sh, dt) : fresh(sh, dt, where.get(n), owned);
            }
            return new Executor(symbol, ctx, a, g, reqs, x, sharedExec, options, owned);
        } catch (RuntimeException e) {
            for (NDArray o : owned) o.close();
            throw e;
        }
    }

    /**
     * What was given for the symbol's inputs: MXNet's simple_bind ignores shapes and types named
     * for anything else (a script may pass one dict to several networks).
     */
    private static <V> Map<String, V> inputsOnly(Map<String, V> given, List<String> argNames, List<String> auxNames) {
        if (given == null) return Map.of();
        Map<String, V> r = new java.util.LinkedHashMap<>();
        for (var e : given.entrySet()) {
            if (argNames.contains(e.getKey()) || auxNames.contains(e.getKey())) r.put(e.getKey(), e.getValue());
        }
        return r;
    }

    /**
     * Types from those given (and {@code __dtype__} attributes) by inference; arguments still
     * unknown then default to float32 and inference runs again, so that what they determine
     * (auxiliary states, outputs) follows; anything still unknown is float32.
     */
    private static Symbol.Inferred<DType> inferTypes(Symbol symbol, Map<String, DType> given) {
        try {
            Symbol.Inferred<DType> t = symbol.inferTypePartial(given);
            List<String> argNames = symbol.listArguments();
            Map<String, DType> types = new HashMap<>(given);
            boolean defaulted = false;
            for (int i = 0; i < argNames.size(); i++) {
                if (t.arguments().get(i) == null) {
                    types.put(argNames.get(i), DType.FLOAT32);
                    defaulted = true;
                }
            }
            if (defaulted) t = symbol.inferTypePartial(types);
            return new Symbol.Inferred<>(orFloat32(t.arguments()), orFloat32(t.outputs()), orFloat32(t.auxiliaryStates()));
        } catch (dev.mxj.symbol.SymbolException e) {
            throw new ExecutorException("simple_bind error (type inference): " + e.getMessage(), e);
        }
    }

    private static List<DType> orFloat32(List<DType> l) {
        List<DType> r = new ArrayList<>(l.size());
        for (DType d : l) r.add(d == null ? DType.FLOAT32 : d);
        return r;
    }

    private static NDArray fresh(Shape sh, DType dt, Context ctx, List<NDArray> owned) {
        NDArray a = NDScope.detach(NDArray.zeros(sh, dt, ctx));
        owned.add(a);
        return a;
    }

    /** A parameter or auxiliary state of the shared executor, which must have the inferred shape and dtype. */
    private static NDArray fromShared(Map<String, NDArray> dict, String name, String what, Shape sh, DType dt) {
        NDArray a = dict.get(name);
        if (a == null) {
            throw new ExecutorException("simple_bind: shared " + what + " " + name + " is not in shared_exec (it has " + dict.keySet() + ")");
        }
        requireSame(a, name, what, sh, dt);
        return a;
    }

    private static void requireSame(NDArray a, String name, String what, Shape sh, DType dt) {
        if (!a.shape().equals(sh)) {
            throw new ExecutorException("simple_bind: shared " + what + " " + name + " has shape " + sh + " here but " + a.shape()
                    + " in shared_exec; shared parameters must have the same shape");
        }
        if (a.dtype() != dt) {
            throw new ExecutorException("simple_bind: shared " + what + " " + name + " has dtype " + dt + " here but " + a.dtype()
                    + " in shared_exec; shared parameters must have the same dtype");
        }
    }

    /**
     * MXNet's {@code ReshapeOrCreate}: a view on {@code buffer[name]} when it holds enough
     * elements (its dtype must match), else a new zero array that takes the buffer's entry.
     */
    private static NDArray reshapeOrCreate(Map<String, NDArray> buffer, String name, Shape sh, DType dt, Context ctx, List<NDArray> owned) {
        NDArray b = buffer.get(name);
        if (b != null && b.size() >= sh.size() && b.context().equals(ctx)) {
            if (b.dtype() != dt) {
                throw new ExecutorException("simple_bind: shared_buffer's " + name + " has dtype " + b.dtype() + " but the executor needs " + dt);
            }
            NDArray v = NDScope.detach(b.viewAs(sh, dt));
            owned.add(v);
            return v;
        }
        NDArray a = fresh(sh, dt, ctx, owned);
        buffer.put(name, NDScope.detach(a.viewAs(sh, dt)));
        return a;
    }

    private static String describe(Map<String, Shape> shapes) {
        StringBuilder sb = new StringBuilder();
        for (var e : shapes.entrySet()) sb.append(sb.isEmpty() ? "" : "\n").append(e.getKey()).append(": ").append(e.getValue());
        return sb.toString();
    }

    private static void checkUnique(List<String> argNames, List<String> auxNames) {
        Set<String> seen = new HashSet<>();
        for (String n : argNames) {
            if (!seen.add(n)) throw new ExecutorException("Find duplicated argument name \"" + n + "\", please make the weight name non-duplicated"
                    + " (using name arguments), arguments are " + argNames);
        }
        for (String n : auxNames) if (!seen.add(n)) throw new ExecutorException("Find duplicated auxiliary state or argument name \"" + n + "\"");
    }

    private static NDArray[] arrays(List<String> names, Map<String, NDArray> given, String what, boolean allowMissing) {
        NDArray[] r = new NDArray[names.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = given.get(names.get(i));
            if (r[i] == null && !allowMissing) throw new ExecutorException("key `" + names.get(i) + "` is missing in `" + what + "`");
        }
        for (String k : given.keySet()) {
            if (!names.contains(k)) throw new ExecutorException("`" + what + "` has no entry named `" + k + "`; the names are " + names);
        }
        return r;
    }

    /** grad_req as MXNet accepts it: one request for all, a list in argument order, or a map (unlisted arguments: null). */
    static GradReq[] gradReqs(List<String> names, Object spec) {
        GradReq[] r = new GradReq[names.size()];
        if (spec == null) spec = GradReq.WRITE;
        if (spec instanceof GradReq || spec instanceof String) {
            java.util.Arrays.fill(r, req(spec));
        } else if (spec instanceof List<?> l) {
            if (l.size() != names.size()) throw new ExecutorException("grad_req list has " + l.size() + " entries for " + names.size() + " arguments " + names);
            for (int i = 0; i < r.length; i++) r[i] = req(l.get(i));
        } else if (spec instanceof Map<?, ?> m) {
            for (Object k : m.keySet()) {
                if (!names.contains(String.valueOf(k))) throw new ExecutorException("grad_req names `" + k + "`, which is not an argument; the arguments are " + names);
            }
            for (int i = 0; i < r.length; i++) r[i] = m.containsKey(names.get(i)) ? req(m.get(names.get(i))) : GradReq.NULL;
        } else {
            throw new ExecutorException("grad_req must be a string, a list or a dict, got " + spec.getClass().getSimpleName());
        }
        return r;
    }

    private static GradReq req(Object o) {
        if (o instanceof GradReq g) return g;
        try {
            return GradReq.parse(String.valueOf(o));
        } catch (IllegalArgumentException e) {
            throw new ExecutorException(e.getMessage());
        }
    }

    // ------------------------------------------------------------------ construction: the graph passes

    private Executor(Symbol symbol, Context ctx, NDArray[] args, NDArray[] grads, GradReq[] reqs, NDArray[] aux, Executor sharedExec,
                     Options options, List<NDArray> owned) {
        this.symbol = symbol;
        this.ctx = ctx;
        this.options = options;
        this.argNames = symbol.listArguments();
        this.auxNames = symbol.listAuxiliaryStates();
        this.outputNames = symbol.listOutputs();
        this.argArrays = args;
        this.gradArrays = grads;
        this.auxArrays = aux;
        this.gradReqs = reqs;
        this.owned = owned;
        if (options.group2ctx().isEmpty()) checkContexts(ctx);
        this.pool = sharedExec != null ? sharedExec.pool : new SharedPool();
        boolean ok = false;
        GraphPlan built = null;
        try {
            List<Node> argNodes = symbol.argumentNodes(), auxNodes = symbol.auxiliaryNodes();
            List<NodeEntry> fwdOuts = symbol.outputs();
            Map<Node, NDArray[]> given = new java.util.IdentityHashMap<>();
            for (int i = 0; i < argNodes.size(); i++) given.put(argNodes.get(i), new NDArray[] {args[i]});
            for (int i = 0; i < auxNodes.size(); i++) given.put(auxNodes.get(i), new NDArray[] {aux[i]});

            // 1. gradient
            List<NodeEntry> xs = new ArrayList<>();
            List<Integer> xArg = new ArrayList<>();
            for (int i = 0; i < argNodes.size(); i++) {
                if (reqs[i] == GradReq.NULL) continue;
                xs.add(argNodes.get(i).output(0));
                xArg.add(i);
            }
            Node[] headVars = new Node[fwdOuts.size()];
            List<NodeEntry> gradEntries = List.of();
            if (!xs.isEmpty()) {
                List<NodeEntry> yGrads = new ArrayList<>();
                for (int i = 0; i < headVars.length; i++) {
                    headVars[i] = Node.variable("_head_grad_" + i);
                    yGrads.add(headVars[i].output(0));
                }
                NodeBuilder nb = new NodeBuilder();
                try {
                    gradEntries = GraphPlan.exclusive(fwdOuts, GradientPass.gradients(fwdOuts, yGrads, xs, nb), xs, n -> false, nb);
                } catch (GraphException e) {
                    throw new ExecutorException(e.getMessage(), e);
                }
            }
            List<NodeEntry> all = new ArrayList<>(fwdOuts);
            all.addAll(gradEntries);
            Graph g = Graph.of(all);

            // head gradients (ones, as MXNet's default for outputs that are not a loss) where the forward outputs are placed
            Context[] nodeCtx = Placement.nodes(g, given, ctx, options.group2ctx());
            Map<NodeEntry, Shape> knownShapes = new HashMap<>();
            Map<NodeEntry, DType> knownTypes = new HashMap<>();
            for (var e : given.entrySet()) {
                knownShapes.put(e.getKey().output(0), e.getValue()[0].shape());
                knownTypes.put(e.getKey().output(0), e.getValue()[0].dtype());
            }
            GraphInference.Result<Shape> fs = GraphInference.shapes(Graph.of(fwdOuts), knownShapes);
            GraphInference.Result<DType> ft = GraphInference.types(Graph.of(fwdOuts), knownTypes);
            this.headGrads = new NDArray[fwdOuts.size()];
            for (int i = 0; i < headVars.length; i++) {
                if (headVars[i] == null || !g.contains(headVars[i])) continue;
                Shape hs = fs.get(fwdOuts.get(i));
                DType ht = ft.get(fwdOuts.get(i));
                if (hs == null || !hs.isKnown() || ht == null) throw new ExecutorException("cannot infer the shape of output " + outputNames.get(i));
                Context oc = nodeCtx[g.nodeId(fwdOuts.get(i).node())];
                headGrads[i] = NDScope.detach(NDArray.ones(hs, ht, oc));
                owned.add(headGrads[i]);
                given.put(headVars[i], new NDArray[] {headGrads[i]});
            }
            Map<NodeEntry, GraphPlan.Bound> bound = new HashMap<>();
            for (int k = 0; k < gradEntries.size(); k++) {
                int arg = xArg.get(k);
                bound.put(gradEntries.get(k), new GraphPlan.Bound(grads[arg], reqs[arg] == GradReq.ADD ? OpReq.ADD : OpReq.WRITE,
                        "the gradient array of argument " + argNames.get(arg)));
            }

            // 2-5. inference, placement, fusion, memory planning, pre-built operations; forward nodes are phase 0
            built = GraphPlan.build(g, given, bound, fwdOuts, ctx, options, pool);
            this.bound = built;
            this.graph = g;
            this.order = built.order;
            this.plan = built.plan;
            long ext = 0;
            for (NDArray a : args) ext += a.size() * a.dtype().byteSize();
            for (NDArray a : aux) ext += a.size() * a.dtype().byteSize();
            for (NDArray a : grads) if (a != null) ext += a.size() * a.dtype().byteSize();
            GraphPlan.Stats st = built.stats();
            this.stats = new MemoryStats(st.plannedBytes(), st.unplannedBytes(), ext, st.buffers(), st.inplace(), st.reused(), st.fusedNodes(),
                    st.absorbedNodes(), st.fusedAwayBytes());
            this.outputs = new NDArray[fwdOuts.size()];
            for (int i = 0; i < outputs.length; i++) outputs[i] = built.value(fwdOuts.get(i));
            ok = true;
        } catch (GraphException e) {
            throw new ExecutorException(e.getMessage(), e);
        } finally {
            if (!ok) {
                if (built != null) built.close();
                for (NDArray o : owned) o.close();
            }
        }
    }

    private void checkContexts(Context ctx) {
        for (int i = 0; i < argArrays.length; i++) checkContext(argArrays[i], "argument " + argNames.get(i), ctx);
        for (int i = 0; i < gradArrays.length; i++) if (gradArrays[i] != null) checkContext(gradArrays[i], "gradient of " + argNames.get(i), ctx);
        for (int i = 0; i < auxArrays.length; i++) checkContext(auxArrays[i], "auxiliary state " + auxNames.get(i), ctx);
    }

    private static void checkContext(NDArray a, String what, Context ctx) {
        if (!a.context().equals(ctx)) throw new ExecutorException("bind: " + what + " is on " + a.context() + " but the executor's context is " + ctx);
    }

    // ------------------------------------------------------------------ running

    /**
     * {@code forward(is_train, **kwargs)}: copy the given arrays into the arguments of those names,
     * then push the forward operations (asynchronous, as any operator call).
     */
    public List<NDArray> forward(boolean isTrain, Map<String, NDArray> kwargs) {
        checkOpen();
        if (kwargs != null) {
            for (var e : kwargs.entrySet()) {
                int i = argNames.indexOf(e.getKey());
                if (i < 0) throw new ExecutorException("Unknown argument " + e.getKey() + "; the arguments are " + argNames);
                NDArray v = e.getValue();
                if (!v.shape().equals(argArrays[i].shape())) {
                    throw new ExecutorException("Shape not match! Argument " + e.getKey() + ", need: " + argArrays[i].shape() + ", received: " + v.shape());
                }
                v.copyTo(argArrays[i]);
            }
        }
        bound.run(0, isTrain, monitor, monitorAll);
        return outputs();
    }

    public List<NDArray> forward(boolean isTrain) { return forward(isTrain, null); }

    /**
     * {@code backward(out_grads)}: push the backward operations. {@code outGrads} (one per output,
     * or null) are copied into the head gradients; they are only needed for outputs that are not a
     * loss, and default to ones.
     */
    public void backward(List<NDArray> outGrads) {
        checkOpen();
        if (outGrads != null) {
            if (outGrads.size() != outputs.length) {
                throw new ExecutorException("backward: " + outGrads.size() + " out_grads given for " + outputs.length + " outputs " + outputNames);
            }
            for (int i = 0; i < outputs.length; i++) {
                NDArray og = outGrads.get(i);
                if (og == null || headGrads[i] == null) continue;
                if (!og.shape().equals(headGrads[i].shape())) {
                    throw new ExecutorException("backward: out_grads[" + i + "] has shape " + og.shape() + " but output " + outputNames.get(i)
                            + " has " + headGrads[i].shape());
                }
                og.copyTo(headGrads[i]);
            }
        }
        bound.run(1, true, monitor, monitorAll);
    }

    public void backward() { backward(null); }

    /**
     * {@code set_monitor_callback(callback, monitor_all)}: called after each operation is pushed with
     * its outputs (and inputs when monitorAll), under the names MXNet's executor gives them.
     */
    public void setMonitorCallback(MonitorCallback callback, boolean monitorAll) {
        if (callback == null) {
            this.monitor = null;
        } else {
            Map<String, String> names = mxnetMonitorNames();
            this.monitor = (name, arr) -> callback.call(names.getOrDefault(name, name), arr);
        }
        this.monitorAll = monitorAll;
    }

    /**
     * The plan reports values as {@code node name + "_" + output (or input) name}; forward nodes
     * already carry MXNet's names, the nodes the gradient pass made do not. MXNet names a gradient
     * node after its forward node ({@code fc1_backward}; an aggregation of several gradients
     * {@code sum_grad}), and since its backward operators declare no output or input names, their
     * values are {@code output} / {@code output0..n} and {@code input0..n}: {@code fc1_backward_output1}
     * is fc1's weight gradient, as MXNet 1.9's monitor prints it.
     */
    private Map<String, String> mxnetMonitorNames() {
        Map<String, String> m = new HashMap<>();
        for (Node n : graph.nodes()) {
            Node fwd = n.isVariable() ? null : GradientPass.forwardNodeOf(n);
            if (fwd == null) continue;
            String node = n.name().startsWith(fwd.name() + "_sum_") ? "sum_grad" : fwd.name() + "_backward";
            List<String> ins = n.op().inputNames(n.attrs()), outs = n.op().outputNames(n.attrs());
            for (int k = 0; k < ins.size(); k++) m.put(n.name() + "_" + ins.get(k), node + "_input" + k);
            for (int j = 0; j < outs.size(); j++) m.put(n.name() + "_" + outs.get(j), node + "_output" + (outs.size() == 1 ? "" : Integer.toString(j)));
        }
        return m;
    }

    // ------------------------------------------------------------------ arrays

    public List<NDArray> outputs() { return List.of(outputs); }

    public List<NDArray> argArrays() { return List.of(argArrays); }

    /** Gradient arrays in argument order; null where grad_req is 'null' (as MXNet's None). */
    public List<NDArray> gradArrays() { return Collections.unmodifiableList(java.util.Arrays.asList(gradArrays)); }

    public List<NDArray> auxArrays() { return List.of(auxArrays); }

    public Map<String, NDArray> argDict() { return dict(argNames, argArrays); }

    /** Gradients by argument name; null values where grad_req is 'null'. */
    public Map<String, NDArray> gradDict() { return dict(argNames, gradArrays); }

    public Map<String, NDArray> auxDict() { return dict(auxNames, auxArrays); }

    public Map<String, NDArray> outputDict() { return dict(outputNames, outputs); }

    public Map<String, GradReq> gradReqs() {
        Map<String, GradReq> m = new LinkedHashMap<>();
        for (int i = 0; i < argNames.size(); i++) m.put(argNames.get(i), gradReqs[i]);
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, NDArray> dict(List<String> names, NDArray[] arrays) {
        Map<String, NDArray> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) m.put(names.get(i), arrays[i]);
        return Collections.unmodifiableMap(m);
    }

    public Symbol symbol() { return symbol; }

    public Context context() { return ctx; }

    /** Bytes held by the memory pool this executor shares with the executors bound against it (bucketing). */
    public long sharedPoolBytes() { return pool.bytes(); }

    /** Bytes with and without memory planning, for this executor's graph. */
    public MemoryStats memoryStats() { return stats; }

    /**
     * {@code copy_params_from(arg_params, aux_params, allow_extra_params)}: copy (converting dtype)
     * into the arguments and auxiliary states of those names.
     */
    public void copyParamsFrom(Map<String, NDArray> argParams, Map<String, NDArray> auxParams, boolean allowExtraParams) {
        checkOpen();
        copyInto(argParams, argNames, argArrays, "arguments", allowExtraParams);
        if (auxParams != null) copyInto(auxParams, auxNames, auxArrays, "auxiliary states", allowExtraParams);
    }

    private static void copyInto(Map<String, NDArray> src, List<String> names, NDArray[] dst, String what, boolean allowExtra) {
        for (var e : src.entrySet()) {
            int i = names.indexOf(e.getKey());
            if (i < 0) {
                if (allowExtra) continue;
                throw new ExecutorException("Find name \"" + e.getKey() + "\" that is not in the " + what);
            }
            if (!e.getValue().shape().equals(dst[i].shape())) {
                throw new ExecutorException("copy_params_from: " + e.getKey() + " has shape " + e.getValue().shape() + ", the executor's is " + dst[i].shape());
            }
            e.getValue().copyTo(dst[i]);
        }
    }

    /**
     * {@code reshape(partial_shaping, allow_up_sizing, **kwargs)}: a new executor for new input
     * shapes that shares this one's parameters and memory pool. Arrays whose shape is unchanged
     * are shared; a smaller one becomes a view on this executor's array; a larger one needs
     * {@code allowUpSizing}. Without {@code partialShaping}, an argument not named in
     * {@code newShapes} must keep its shape. Close the new executor before this one's arrays go.
     */
    public Executor reshape(boolean partialShaping, boolean allowUpSizing, Map<String, Shape> newShapes) {
        checkOpen();
        Symbol.Inferred<Shape> s = symbol.inferShape(newShapes);
        if (s == null) throw new ExecutorException("reshape: cannot infer every shape from " + newShapes);
        List<NDArray> own = new ArrayList<>();
        try {
            NDArray[] a = new NDArray[argArrays.length], g = new NDArray[argArrays.length], x = new NDArray[auxArrays.length];
            for (int i = 0; i < a.length; i++) {
                String n = argNames.get(i);
                a[i] = resized(argArrays[i], s.arguments().get(i), "arg:" + n, newShapes.containsKey(n), partialShaping, allowUpSizing, own);
                if (gradArrays[i] != null) g[i] = resized(gradArrays[i], s.arguments().get(i), "grad of " + n, true, true, allowUpSizing, own);
            }
            for (int i = 0; i < x.length; i++) {
                x[i] = resized(auxArrays[i], s.auxiliaryStates().get(i), "aux:" + auxNames.get(i), false, partialShaping, allowUpSizing, own);
            }
            return new Executor(symbol, ctx, a, g, gradReqs.clone(), x, this, options, own);
        } catch (RuntimeException e) {
            for (NDArray o : own) o.close();
            throw e;
        }
    }

    private NDArray resized(NDArray old, Shape s, String name, boolean named, boolean partial, boolean upSizing, List<NDArray> own) {
        if (old.shape().equals(s)) return old;
        if (!named && !partial) {
            throw new ExecutorException("Shape of unspecified array " + name + " changed. This can cause the new executor to not share parameters "
                    + "with the old one. Please check for error in network. If this is intended, set partial_shaping=True to suppress this warning.");
        }
        NDArray r;
        if (s.size() > old.size()) {
            if (!upSizing) {
                throw new ExecutorException("New shape of " + name + " larger than original. First making a big executor and then down sizing it "
                        + "is more efficient than the reverse. If you really want to up size, set allow_up_sizing=True to enable allocation of new arrays.");
            }
            r = NDScope.detach(NDArray.zeros(s, old.dtype(), old.context()));
        } else {
            r = NDScope.detach(old.viewAs(s, old.dtype()));
        }
        own.add(r);
        return r;
    }

    private void checkOpen() {
        if (closed) throw new ExecutorException("the executor has been closed");
    }

    /** Wait for pushed work, then release the operations, the arrays this executor allocated and its share of the pool. */
    @Override public void close() {
        if (closed) return;
        closed = true;
        NDArray.waitAll();
        bound.close();
        for (NDArray o : owned) o.close();
    }

    /** MXNet's debug_str in brief: the nodes in execution order and the memory plan's figures. */
    public String debugStr() {
        StringBuilder sb = new StringBuilder("Symbol outputs: " + outputNames + "\n");
        for (String n : bound.describe(0)) sb.append("forward  ").append(n).append('\n');
        for (String n : bound.describe(1)) sb.append("backward ").append(n).append('\n');
        return sb.append(stats).append('\n').toString();
    }

    static boolean envFlag(String name, boolean dflt) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) return dflt;
        return !(v.equals("0") || v.equalsIgnoreCase("false"));
    }
}
