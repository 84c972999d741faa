package dev.mxj.ndarray;

import dev.mxj.Context;
import dev.mxj.DeviceHandle;
import dev.mxj.autograd.Tape;
import dev.mxj.Devices;
import dev.mxj.device.Device;
import dev.mxj.device.Kernel;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Storage;
import dev.mxj.device.Tensor;
import dev.mxj.engine.AsyncFn;
import dev.mxj.engine.Engine;
import dev.mxj.engine.ExecContext;
import dev.mxj.engine.FnProperty;
import dev.mxj.engine.Operation;
import dev.mxj.engine.RunContext;
import dev.mxj.engine.Var;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.OperatorException;
import dev.mxj.op.Resource;
import dev.mxj.op.Shape;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * Imperative operator invocation (MXNet's {@code Imperative::Invoke}): look the operator up,
 * parse its parameters, infer output shapes and types synchronously (so a bad call fails here,
 * naming the operator, before anything is pushed and without touching any array), allocate the
 * outputs, pick the kernel of the context's device and push it to the engine. Kernel failures
 * are stored by the engine and rethrown at the next synchronising call on an output.
 *
 * <p>Hot path: operators and parsed parameters are cached (parameters when the map is small and
 * holds only immutable values), so a call such as {@code x + 1} costs a few map look-ups, the
 * shape/type functions and one engine push.
 *
 * <p>Kernel choice: the device's kernel for the operator; if it has none, the CPU kernel, run
 * directly on host-accessible storage or on CPU copies of the inputs otherwise, with a warning
 * logged once per (device, operator).
 */
public final class Imperative {
    private static final Logger LOG = Logger.getLogger(Imperative.class.getName());
    private static final int ATTR_CACHE_LIMIT = 256;
    private static final int ATTR_CACHE_MAX_PARAMS = 8;
    private static final NDArray[] NO_ARRAYS = new NDArray[0];
    private static final Var[] NO_VARS = new Var[0];

    private static final ConcurrentHashMap<String, OpEntry> OPS = new ConcurrentHashMap<>();
    private static final ThreadLocal<Flags> FLAGS = ThreadLocal.withInitial(Flags::new);

    private Imperative() {}

    /** Per-thread modes, one ThreadLocal look-up per invoke (MXNet keeps both thread-local too). */
    private static final class Flags {
        boolean training;
        boolean recording;
    }

    /** Whether operators invoked on this thread run in training mode (Dropout, BatchNorm). */
    public static boolean isTraining() { return FLAGS.get().training; }

    /** Set training mode for this thread; returns the previous value (autograd's train/predict scopes use it). */
    public static boolean setTraining(boolean train) {
        Flags f = FLAGS.get();
        boolean old = f.training;
        f.training = train;
        return old;
    }

    /** Whether invocations on this thread are recorded for autograd ({@link dev.mxj.autograd.Autograd#record()}). */
    public static boolean isRecording() { return FLAGS.get().recording; }

    /** Turn recording on or off for this thread; returns the previous value. Use the scopes of {@link dev.mxj.autograd.Autograd}. */
    public static boolean setRecording(boolean record) {
        Flags f = FLAGS.get();
        boolean old = f.recording;
        f.recording = record;
        return old;
    }

    /**
     * Invoke an operator.
     *
     * @param op     operator name or alias
     * @param inputs input arrays; null entries are dropped (an optional input left out, as MXNet's None)
     * @param params parameters as typed values or MXNet strings; may be null
     * @param out    arrays to write the visible outputs into, or null to allocate them
     * @return the visible outputs ({@code out} itself when given)
     */
    public static NDArray[] invoke(String op, NDArray[] inputs, Map<String, ?> params, NDArray[] out) {
        return invoke(op, inputs, params, out, false);
    }

    /** Invoke and return the first output (single-output operators). */
    public static NDArray invoke1(String op, NDArray[] inputs, Map<String, ?> params, NDArray out) {
        return invoke(op, inputs, params, out == null ? null : new NDArray[] {out}, false)[0];
    }

    /**
     * Invoke with {@code addTo}: the kernel adds its result to {@code out} (MXNet's kAddTo, used for
     * gradient accumulation) instead of overwriting it.
     */
    public static NDArray[] invoke(String op, NDArray[] inputs, Map<String, ?> params, NDArray[] out, boolean addTo) {
        OpEntry e = entry(op);
        NDArray[] in = dropNulls(inputs);
        Map<String, ?> ps = params == null ? Map.of() : params;
        String key = e.def.keyVarNumArgs();
        if (key != null && !ps.containsKey(key)) {
            Map<String, Object> m = new HashMap<>(ps);
            m.put(key, in.length);
            ps = m;
        }
        Prepared p = e.prepare(ps);
        if (in.length != p.numInputs) {
            throw new OperatorException("Operator " + e.def.name() + ": expected " + p.numInputs + " input" + (p.numInputs == 1 ? "" : "s")
                    + " " + e.def.inputNames(p.attrs) + ", got " + in.length);
        }
        if (addTo && out == null) throw new OperatorException("Operator " + e.def.name() + ": addTo needs the output arrays (out=)");
        Flags flags = FLAGS.get();
        if (flags.recording && out != null) Tape.checkWritable(e.def.name(), out);
        if (e.copyTo && out != null && out.length == 1 && out[0] != null && in.length == 1) {
            in[0].copyTo(out[0]); // records itself
            return out;
        }
        NDArray[] outs = run(e, p, in, out, addTo, flags.training, null);
        if (flags.recording) Tape.record(p.attrs, in, outs);
        if (out != null) {
            closeHidden(outs, out.length); // only the hidden outputs allocated here
            return out;
        }
        if (p.numVisible == outs.length) return outs;
        closeHidden(outs, p.numVisible);
        return Arrays.copyOf(outs, p.numVisible);
    }

    /**
     * Invoke a graph node's operator with already parsed attributes; returns every output, hidden
     * ones included (the graph runner and the executor need them). Recorded like {@link #invoke}.
     */
    public static NDArray[] invoke(Attrs attrs, NDArray[] inputs) {
        return invoke(attrs, inputs, null);
    }

    /**
     * As {@link #invoke(Attrs, NDArray[])}, but outputs with {@code unneeded[i]} set are requested
     * with {@link OpReq#NULL}: the kernel may skip computing them (MXNet's kNullOp), so their
     * arrays are allocated but hold unspecified values. For callers that know nobody reads them
     * (the graph runner, for gradients towards inputs that lead to no variable). Ignored while
     * recording, where every output must be a real value.
     *
     * @param unneeded one flag per output (hidden ones included), or null: all needed
     */
    public static NDArray[] invoke(Attrs attrs, NDArray[] inputs, boolean[] unneeded) {
        OpDef def = attrs.op();
        OpEntry e = entry(def.name());
        Prepared p = e.prepareParsed(attrs);
        if (inputs.length != p.numInputs) {
            throw new OperatorException("Operator " + def.name() + ": expected " + p.numInputs + " inputs " + def.inputNames(attrs) + ", got " + inputs.length);
        }
        Flags flags = FLAGS.get();
        NDArray[] outs = run(e, p, inputs, null, false, flags.training, flags.recording ? null : unneeded);
        if (flags.recording) Tape.record(attrs, inputs, outs);
        return outs;
    }

    /** Shape/type inference, output allocation and the push; returns all outputs. */
    private static NDArray[] run(OpEntry e, Prepared p, NDArray[] in, NDArray[] out, boolean addTo, boolean train, boolean[] unneeded) {
        Context ctx = contextOf(e, p, in, out);
        Shape[] oshapes;
        DType[] otypes;
        if (p.numInputs == 0) {
            if (p.fixedShapes == null) {
                // shape left to inference (shape=()): take it from out= like MXNet, else report why it is unknown
                if (out == null || out.length != 1 || out[0] == null) throw p.shapeError;
                oshapes = new Shape[] {out[0].shape()};
            } else {
                oshapes = p.fixedShapes;
            }
            otypes = p.fixedTypes;
        } else {
            Shape[] ishapes = new Shape[in.length];
            DType[] itypes = new DType[in.length];
            for (int i = 0; i < in.length; i++) {
                ishapes[i] = in[i].shape();
                itypes[i] = in[i].dtype();
            }
            oshapes = e.def.inferOutputShapes(p.attrs, ishapes);
            otypes = e.def.inferOutputTypes(p.attrs, itypes);
        }

        DeviceHandle h = in.length > 0 ? in[0].chunk().dev : Devices.handle(ctx);
        NDArray[] outs = prepareOutputs(e, p, h, oshapes, otypes, out);
        Kernel k = h.kernels().get(e.def.name());
        if (k == null) {
            fallback(e, p, h, in, outs, addTo, train);
        } else {
            push(e, p, h, k, in, outs, addTo, train, unneeded);
        }
        return outs;
    }

    private static void closeHidden(NDArray[] outs, int visible) {
        for (int i = visible; i < outs.length; i++) outs[i].close();
    }

    private static NDArray[] dropNulls(NDArray[] inputs) {
        if (inputs == null || inputs.length == 0) return NO_ARRAYS;
        int n = 0;
        for (NDArray a : inputs) if (a != null) n++;
        if (n == inputs.length) return inputs;
        NDArray[] r = new NDArray[n];
        int j = 0;
        for (NDArray a : inputs) if (a != null) r[j++] = a;
        return r;
    }

    private static Context contextOf(OpEntry e, Prepared p, NDArray[] in, NDArray[] out) {
        if (in.length > 0) {
            Context c = in[0].context();
            for (int i = 1; i < in.length; i++) {
                Context ci = in[i].context();
                if (!ci.equals(c)) {
                    throw new OperatorException("Operator " + e.def.name() + ": all inputs must be on the same context, but input "
                            + e.def.inputNames(p.attrs).get(0) + " is on " + c + " and input " + e.def.inputNames(p.attrs).get(i) + " is on " + ci);
                }
            }
            return c;
        }
        if (p.ctxParam != null) return p.ctxParam;
        if (out != null && out.length > 0 && out[0] != null) return out[0].context();
        return Context.defaultContext();
    }

    private static NDArray[] prepareOutputs(OpEntry e, Prepared p, DeviceHandle h, Shape[] shapes, DType[] types, NDArray[] out) {
        NDArray[] outs = new NDArray[shapes.length];
        if (out != null) {
            if (out.length != p.numVisible && out.length != shapes.length) {
                throw new OperatorException("Operator " + e.def.name() + ": " + out.length + " output arrays given (out=), but it has "
                        + p.numVisible + " output" + (p.numVisible == 1 ? "" : "s"));
            }
            for (int i = 0; i < out.length; i++) {
                NDArray o = out[i];
                if (o == null) throw new OperatorException("Operator " + e.def.name() + ": output array " + i + " (out=) is null");
                if (!o.shape().equals(shapes[i])) {
                    throw new OperatorException("Operator " + e.def.name() + ": output " + i + " (out=) has shape " + o.shape()
                            + " but the operator produces " + shapes[i]);
                }
                if (o.dtype() != types[i]) {
                    throw new OperatorException("Operator " + e.def.name() + ": output " + i + " (out=) has dtype " + o.dtype()
                            + " but the operator produces " + types[i]);
                }
                if (!o.context().equals(h.context())) {
                    throw new OperatorException("Operator " + e.def.name() + ": output " + i + " (out=) is on " + o.context()
                            + " but the operator runs on " + h.context());
                }
                o.chunk(); // fails on a closed array
                outs[i] = o;
            }
        }
        for (int i = 0; i < outs.length; i++) if (outs[i] == null) outs[i] = NDArray.allocate(h, shapes[i], types[i]);
        return outs;
    }

    /** Push {@code k} on {@code h}'s context: reads the inputs, mutates outputs, mutated inputs and the generator if used. */
    private static void push(OpEntry e, Prepared p, DeviceHandle h, Kernel k, NDArray[] in, NDArray[] outs, boolean addTo, boolean train) {
        push(e, p, h, k, in, outs, addTo, train, null);
    }

    private static void push(OpEntry e, Prepared p, DeviceHandle h, Kernel k, NDArray[] in, NDArray[] outs, boolean addTo, boolean train,
                             boolean[] unneeded) {
        Tensor[] tin = new Tensor[in.length];
        Var[] reads = in.length == 0 ? NO_VARS : new Var[in.length];
        for (int i = 0; i < in.length; i++) {
            tin[i] = in[i].tensor();
            reads[i] = in[i].chunk().var;
        }
        int nm = outs.length + p.mutate.length + (p.random ? 1 : 0);
        Var[] mutates = new Var[nm];
        Tensor[] tout = new Tensor[outs.length];
        OpReq[] req = new OpReq[outs.length];
        for (int i = 0; i < outs.length; i++) {
            NDArray o = outs[i];
            tout[i] = o.tensor();
            mutates[i] = o.chunk().var;
            req[i] = addTo ? OpReq.ADD : aliasesInput(o, in) ? OpReq.INPLACE : OpReq.WRITE;
            if (unneeded != null && i < unneeded.length && unneeded[i] && !addTo && p.mutate.length == 0) req[i] = OpReq.NULL;
        }
        int j = outs.length;
        for (int m : p.mutate) mutates[j++] = in[m].chunk().var;
        if (p.random) mutates[j] = h.rngVar();
        Attrs attrs = p.attrs;
        Engine.get().push(rc -> {
            KernelContext kc = new KernelContext(h, train, rc);
            try {
                k.compute(kc, attrs, tin, req, tout);
            } finally {
                kc.releaseTemp();
            }
        }, h.execContext(), reads, mutates, FnProperty.NORMAL, Engine.DEFAULT_PRIORITY, e.def.name());
        // The pushed closure holds tensors, not arrays: keep the arrays (hence their chunks) reachable until
        // the push is done, or a Cleaner could schedule their storage's deletion before this operation.
        Reference.reachabilityFence(in);
        Reference.reachabilityFence(outs);
    }

    /**
     * A pre-built engine operation running {@code attrs}' operator on fixed arrays (MXNet's
     * executor ops): shapes, kernel, tensors and engine variables are resolved once, so each
     * {@link Prebuilt#push} costs one engine push and no allocation. The arrays must stay open
     * while the operation is in use. Not recorded by autograd.
     */
    public static Prebuilt prebuild(Attrs attrs, NDArray[] in, NDArray[] out) { return prebuild(attrs, in, out, null); }

    /**
     * As {@link #prebuild(Attrs, NDArray[], NDArray[])} with a request per output: null entries
     * (or a null array) mean write, or in-place when the output shares an input's memory;
     * {@link OpReq#ADD} accumulates (an executor's grad_req 'add'); {@link OpReq#NULL} lets the
     * kernel skip an output nobody reads (refused for operators that mutate inputs, whose
     * outputs always matter).
     */
    public static Prebuilt prebuild(Attrs attrs, NDArray[] in, NDArray[] out, OpReq[] req) {
        OpDef def = attrs.op();
        if (req != null && req.length != out.length) {
            throw new OperatorException("Operator " + def.name() + ": " + req.length + " requests for " + out.length + " outputs");
        }
        Prepared p = entry(def.name()).prepareParsed(attrs);
        if (in.length != p.numInputs || out.length != p.numOutputs) {
            throw new OperatorException("Operator " + def.name() + ": expected " + p.numInputs + " inputs and " + p.numOutputs
                    + " outputs, got " + in.length + " and " + out.length);
        }
        Shape[] ishapes = new Shape[in.length];
        DType[] itypes = new DType[in.length];
        for (int i = 0; i < in.length; i++) {
            ishapes[i] = in[i].shape();
            itypes[i] = in[i].dtype();
        }
        Shape[] oshapes = p.numInputs == 0 ? p.fixedShapes : def.inferOutputShapes(attrs, ishapes);
        DType[] otypes = p.numInputs == 0 ? p.fixedTypes : def.inferOutputTypes(attrs, itypes);
        DeviceHandle h = in.length > 0 ? in[0].chunk().dev : out[0].chunk().dev;
        for (int i = 0; i < out.length; i++) {
            if (oshapes != null && !out[i].shape().equals(oshapes[i]) || out[i].dtype() != otypes[i] || out[i].chunk().dev != h) {
                throw new OperatorException("Operator " + def.name() + ": output " + i + " is " + out[i].shape() + " " + out[i].dtype() + " on "
                        + out[i].context() + " but the operator produces " + (oshapes == null ? "?" : oshapes[i]) + " " + otypes[i] + " on " + h.context());
            }
        }
        Kernel k = h.kernels().get(def.name());
        if (k == null && h.isHostAccessible()) k = Devices.handle(Context.cpu()).kernels().get(def.name());
        if (k == null) throw new OperatorException("Operator " + def.name() + " has no kernel for " + h.context());
        return new Prebuilt(p, h, k, in, out, req);
    }

    /** See {@link #prebuild}. */
    public static final class Prebuilt implements AutoCloseable {
        private final NDArray[] in, out;
        private final DeviceHandle h;
        private final Prepared p;
        private final Kernel k;
        private final OpReq[] given;
        private final Tensor[] tin, tout;
        private final OpReq[] req;
        private final Var[] reads, mutates;
        /** Engine operations, built at the first push: a plan that runs this inside a bulk segment never needs them. */
        private Operation train, predict;

        private Prebuilt(Prepared p, DeviceHandle h, Kernel k, NDArray[] in, NDArray[] out, OpReq[] given) {
            this.in = in.clone();
            this.out = out.clone();
            this.h = h;
            this.p = p;
            this.k = k;
            this.given = given == null ? null : given.clone();
            tin = new Tensor[in.length];
            tout = new Tensor[out.length];
            reads = new Var[in.length];
            for (int i = 0; i < in.length; i++) {
                tin[i] = in[i].tensor();
                reads[i] = in[i].chunk().var;
            }
            mutates = new Var[out.length + p.mutate.length + (p.random ? 1 : 0)];
            req = new OpReq[out.length];
            for (int i = 0; i < out.length; i++) {
                tout[i] = out[i].tensor();
                mutates[i] = out[i].chunk().var;
                OpReq r = given == null ? null : given[i];
                if (r == OpReq.NULL && p.mutate.length > 0) r = null;
                req[i] = r == null || r == OpReq.WRITE || r == OpReq.INPLACE ? (aliasesInput(out[i], in) ? OpReq.INPLACE : OpReq.WRITE) : r;
            }
            int j = out.length;
            for (int m : p.mutate) mutates[j++] = in[m].chunk().var;
            if (p.random) mutates[j] = h.rngVar();
        }

        private Operation operation(boolean isTrain) {
            Operation o = isTrain ? train : predict;
            if (o != null) return o;
            String name = p.attrs.op().name();
            o = Engine.get().newOperator(body(h, k, p.attrs, tin, req, tout, isTrain), reads, mutates, FnProperty.NORMAL, name);
            if (isTrain) train = o;
            else predict = o;
            return o;
        }

        private static AsyncFn body(DeviceHandle h, Kernel k, Attrs attrs, Tensor[] tin, OpReq[] req, Tensor[] tout, boolean train) {
            return (rc, done) -> {
                KernelContext kc = new KernelContext(h, train, rc);
                try {
                    k.compute(kc, attrs, tin, req, tout);
                } finally {
                    kc.releaseTemp();
                }
                done.done();
            };
        }

        /**
         * Run the kernel now on this thread, inside an engine operation that already holds this
         * operation's {@link #reads} and {@link #mutates} (a graph plan's bulk segment, MXNet's
         * {@code OpExecutor::RunAll}). Throws what the kernel throws.
         */
        public void runIn(RunContext rc, boolean isTrain) throws Exception {
            KernelContext kc = new KernelContext(h, isTrain, rc);
            try {
                k.compute(kc, p.attrs, tin, req, tout);
            } finally {
                kc.releaseTemp();
            }
        }

        /** Engine variables the kernel reads (not to be modified). */
        public Var[] reads() { return reads; }

        /** Engine variables the kernel writes: outputs, mutated inputs, the generator (not to be modified). */
        public Var[] mutates() { return mutates; }

        /** Where it runs. */
        public ExecContext execContext() { return h.execContext(); }

        /** The operator's name. */
        public String name() { return p.attrs.op().name(); }

        /**
         * This operation on other arrays of the same shapes, dtypes and device (autograd's cached
         * backward, on a new step's values): no inference or kernel look-up. Returns this when
         * every array is the memory already bound; the caller closes the one it replaces.
         */
        public Prebuilt rebind(NDArray[] newIn, NDArray[] newOut) {
            if (newIn.length != in.length || newOut.length != out.length) throw new OperatorException("rebind: other numbers of arrays");
            boolean same = true;
            for (int i = 0; i < in.length; i++) same &= sameMemory(in[i], newIn[i]);
            for (int i = 0; i < out.length; i++) same &= sameMemory(out[i], newOut[i]);
            if (same) return this;
            for (int i = 0; i < in.length; i++) check(in[i], newIn[i]);
            for (int i = 0; i < out.length; i++) check(out[i], newOut[i]);
            return new Prebuilt(p, h, k, newIn, newOut, given);
        }

        private static boolean sameMemory(NDArray a, NDArray b) {
            return a == b || !a.isClosed() && !b.isClosed() && a.chunk().var == b.chunk().var && a.tensor().equals(b.tensor());
        }

        private void check(NDArray old, NDArray a) {
            if (!old.shape().equals(a.shape()) || old.dtype() != a.dtype() || a.chunk().dev != h) {
                throw new OperatorException("Operator " + p.attrs.op().name() + ": rebind to " + a.shape() + " " + a.dtype() + " on " + a.context()
                        + ", bound as " + old.shape() + " " + old.dtype() + " on " + h.context());
            }
        }

        /** Push one run, in training or prediction mode. */
        public void push(boolean isTrain) {
            Engine.get().push(operation(isTrain), h.execContext(), Engine.DEFAULT_PRIORITY);
            Reference.reachabilityFence(in);
            Reference.reachabilityFence(out);
        }

        /** Release the engine operations (after the last push has run). */
        @Override public void close() {
            if (train != null) Engine.get().deleteOperator(train);
            if (predict != null) Engine.get().deleteOperator(predict);
            train = predict = null;
        }
    }

    private static boolean aliasesInput(NDArray o, NDArray[] in) {
        Chunk c = o.chunk();
        for (NDArray a : in) if (a.chunk() == c) return true;
        return false;
    }

    /** The device has no kernel: use the CPU's, with copies unless the device's memory is host-accessible. */
    private static void fallback(OpEntry e, Prepared p, DeviceHandle h, NDArray[] in, NDArray[] outs, boolean addTo, boolean train) {
        String name = e.def.name();
        DeviceHandle cpu = Devices.handle(Context.cpu());
        Kernel k = cpu.kernels().get(name);
        if (k == null || h == cpu || h.context().isCpu()) {
            throw new OperatorException("Operator " + name + " has no kernel for " + h.context()
                    + (h.context().isCpu() ? "" : " and no CPU kernel to fall back to"));
        }
        if (h.firstTime("fallback:" + name)) {
            LOG.warning("Operator " + name + " has no kernel for device " + h.context() + "; falling back to the CPU kernel"
                    + (h.isHostAccessible() ? "" : " with copies") + " (warned once per device and operator)");
        }
        if (h.isHostAccessible()) {
            push(e, p, h, k, in, outs, addTo, train);
            return;
        }
        List<NDArray> temps = new ArrayList<>();
        try {
            NDArray[] cin = new NDArray[in.length];
            for (int i = 0; i < in.length; i++) temps.add(cin[i] = in[i].copyTo(Context.cpu()));
            NDArray[] cout = new NDArray[outs.length];
            for (int i = 0; i < outs.length; i++) {
                temps.add(cout[i] = addTo ? outs[i].copyTo(Context.cpu()) : NDArray.allocate(cpu, outs[i].shape(), outs[i].dtype()));
            }
            push(e, p, cpu, k, cin, cout, addTo, train);
            for (int i = 0; i < outs.length; i++) cout[i].copyTo(outs[i]);
            for (int m : p.mutate) cin[m].copyTo(in[m]);
        } finally {
            for (NDArray t : temps) t.close(); // storage is recycled after the pushed copies have run
        }
    }

    // ---------------------------------------------------------------- caches

    private static OpEntry entry(String name) {
        OpEntry e = OPS.get(name);
        if (e == null) {
            OpDef def = OpRegistry.global().get(name); // throws UnknownOperatorException
            e = OPS.computeIfAbsent(name, n -> new OpEntry(def));
        }
        return e;
    }

    /** An operator and its cache of prepared parameter sets. */
    private static final class OpEntry {
        final OpDef def;
        final boolean copyTo;
        final ConcurrentHashMap<Map<String, ?>, Prepared> cache = new ConcurrentHashMap<>();
        final ConcurrentHashMap<Attrs, Prepared> parsed = new ConcurrentHashMap<>();

        OpEntry(OpDef def) {
            this.def = def;
            this.copyTo = def.name().equals("_copyto");
        }

        Prepared prepare(Map<String, ?> params) {
            Prepared p = cache.get(params);
            if (p != null) return p;
            p = new Prepared(def, def.parseAttrs(params));
            if (cacheable(params)) {
                if (cache.size() >= ATTR_CACHE_LIMIT) cache.clear();
                cache.put(Map.copyOf(params), p);
            }
            return p;
        }

        /** Prepared form of attributes parsed elsewhere (graph nodes), cached by the attributes themselves. */
        Prepared prepareParsed(Attrs attrs) {
            Prepared p = parsed.get(attrs);
            if (p != null) return p;
            p = new Prepared(def, attrs);
            if (parsed.size() >= ATTR_CACHE_LIMIT) parsed.clear();
            parsed.put(attrs, p);
            return p;
        }
    }

    /** Small maps of immutable values only: a later change by the caller cannot alter a cached entry. */
    private static boolean cacheable(Map<String, ?> params) {
        if (params.size() > ATTR_CACHE_MAX_PARAMS) return false;
        for (var en : params.entrySet()) {
            Object v = en.getValue();
            if (en.getKey() == null || !(v instanceof Number || v instanceof String || v instanceof Boolean || v instanceof DType
                    || v instanceof Shape || v instanceof Context || v instanceof Character)) return false;
        }
        return true;
    }

    /** Everything about a (operator, parameters) pair that does not depend on the input arrays. */
    private static final class Prepared {
        final Attrs attrs;
        final int numInputs, numOutputs, numVisible;
        final int[] mutate;
        final boolean random;
        final Context ctxParam;
        /** Output shapes and types of input-less operators, which depend on the parameters only. */
        final Shape[] fixedShapes;
        final DType[] fixedTypes;
        /** Why {@link #fixedShapes} is null for an input-less operator (its shape parameter was left empty). */
        final RuntimeException shapeError;

        Prepared(OpDef def, Attrs attrs) {
            this.attrs = attrs;
            this.numInputs = def.numInputs(attrs);
            this.numOutputs = def.numOutputs(attrs);
            this.numVisible = def.numVisibleOutputs(attrs);
            this.mutate = def.mutateInputs(attrs);
            Set<Resource> res = def.resources(attrs);
            this.random = res.contains(Resource.RANDOM) || res.contains(Resource.PARALLEL_RANDOM);
            Context c = null;
            if (def.params().containsKey("ctx") && def.params().get("ctx").type() == dev.mxj.op.Param.Type.STRING) {
                Object v = attrs.get("ctx");
                if (v instanceof String s && !s.isBlank()) {
                    try {
                        c = Context.parse(s);
                    } catch (IllegalArgumentException ex) {
                        throw new OperatorException("Operator " + def.name() + ": invalid value '" + s + "' for parameter 'ctx': " + ex.getMessage());
                    }
                }
            }
            this.ctxParam = c;
            Shape[] fs = null;
            DType[] ft = null;
            RuntimeException err = null;
            if (numInputs == 0) {
                ft = def.inferOutputTypes(attrs, new DType[0]);
                try {
                    fs = def.inferOutputShapes(attrs, new Shape[0]);
                } catch (dev.mxj.op.ShapeException ex) {
                    err = ex;
                }
            }
            this.fixedShapes = fs;
            this.fixedTypes = ft;
            this.shapeError = err;
        }
    }

    /** The {@link OpContext} of one kernel run. */
    private static final class KernelContext implements OpContext {
        private final DeviceHandle h;
        private final boolean train;
        private final RunContext rc;
        private List<Storage> temps;

        KernelContext(DeviceHandle h, boolean train, RunContext rc) {
            this.h = h;
            this.train = train;
            this.rc = rc;
        }

        @Override public Device device() { return h.device(); }

        @Override public boolean isTrain() { return train; }

        @Override public RandomGenerator random() { return h.generator(); }

        @Override public Storage tempSpace(long bytes) {
            Storage s = h.device().allocate(bytes);
            if (temps == null) temps = new ArrayList<>(2);
            temps.add(s);
            return s;
        }

        @Override public Object stream() { return rc.stream(); }

        void releaseTemp() {
            if (temps == null) return;
            for (Storage s : temps) h.device().release(s);
            temps = null;
        }
    }
}
