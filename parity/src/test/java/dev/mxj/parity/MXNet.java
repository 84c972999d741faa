package dev.mxj.parity;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A small binding of Apache MXNet 1.9.1's C API ({@code include/mxnet/c_api.h}) through
 * {@code java.lang.foreign}, enough to run operators imperatively, save and load {@code .params}
 * files and list the operator catalogue. The library comes from DJL's
 * {@code ai.djl.mxnet:mxnet-native-mkl:1.9.1:linux-x86_64} jar on the test class path: its
 * {@code native/lib/} files are extracted to one directory (libmxnet.so has RPATH {@code $ORIGIN})
 * and loaded in dependency order. {@link #get()} throws {@link Unavailable} with the reason when
 * that is impossible (another OS or architecture, jar missing); tests turn it into a skip.
 *
 * <p>Every call checks the return code and throws {@link MXNetError} with {@code MXGetLastError}'s
 * text. All calls are serialised on this object: MXNet's last-error slot is per thread, and the
 * tests drive MXNet from one thread anyway.
 */
final class MXNet {
    /** MXNet's {@code cpu} device type. */
    static final int CPU = 1;

    static final class Unavailable extends Exception {
        Unavailable(String why, Throwable cause) { super(why, cause); }
    }

    static final class MXNetError extends RuntimeException {
        MXNetError(String msg) { super(msg); }
    }

    private static MXNet instance;
    private static Unavailable failure;

    /** The loaded library, or {@link Unavailable} saying why not (remembered: the load is tried once). */
    static synchronized MXNet get() throws Unavailable {
        if (instance != null) return instance;
        if (failure != null) throw failure;
        try {
            instance = new MXNet(load());
            return instance;
        } catch (Unavailable u) {
            failure = u;
            throw u;
        } catch (Throwable t) {
            failure = new Unavailable("MXNet 1.9.1 could not be loaded: " + t, t);
            throw failure;
        }
    }

    private static SymbolLookup load() throws IOException, Unavailable {
        String os = System.getProperty("os.name"), arch = System.getProperty("os.arch");
        if (!os.toLowerCase().startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new Unavailable("the MXNet 1.9.1 native library is only available for linux-x86_64 (this is " + os + "/" + arch + ")", null);
        }
        ClassLoader cl = MXNet.class.getClassLoader();
        Properties props = new Properties();
        try (InputStream in = cl.getResourceAsStream("native/lib/mxnet.properties")) {
            if (in == null) throw new Unavailable("native/lib/mxnet.properties not on the class path (ai.djl.mxnet:mxnet-native-mkl:1.9.1:linux-x86_64 missing)", null);
            props.load(in);
        }
        String version = props.getProperty("version", "");
        if (!version.startsWith("1.9.1")) throw new Unavailable("expected MXNet 1.9.1, the jar has " + version, null);
        Path dir = Path.of(System.getProperty("mxj.parity.nativeDir", "target/mxnet-native/" + version)).toAbsolutePath();
        Files.createDirectories(dir);
        for (String lib : props.getProperty("libraries", "").split(",")) {
            lib = lib.trim();
            if (lib.isEmpty()) continue;
            Path target = dir.resolve(lib);
            try (InputStream in = cl.getResourceAsStream("native/lib/" + lib)) {
                if (in == null) throw new Unavailable("native/lib/" + lib + " missing from the MXNet jar", null);
                if (Files.exists(target) && Files.size(target) > 0) continue;    // extracted by an earlier run
                Path tmp = Files.createTempFile(dir, lib, ".part");
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        // Dependency order: libgfortran needs libquadmath; libopenblas needs libgfortran; libmxnet needs
        // libopenblas, libgfortran and libgomp (readelf -d). Already-loaded sonames satisfy later NEEDED entries.
        SymbolLookup mx = null;
        for (String lib : List.of("libquadmath.so.0", "libgfortran.so.3", "libgomp.so.1", "libopenblas.so.0", "libmxnet.so")) {
            try {
                mx = SymbolLookup.libraryLookup(dir.resolve(lib), Arena.global());
            } catch (IllegalArgumentException e) {
                throw new Unavailable("cannot load " + dir.resolve(lib) + ": " + e.getMessage(), e);
            }
        }
        return mx;
    }

    private final Linker linker = Linker.nativeLinker();
    private final SymbolLookup lib;
    private final MethodHandle getLastError, getVersion, randomSeed, waitAll,
            createEx, copyFromCpu, copyToCpu, getShapeEx, getDType, free,
            getOpHandle, listAllOpNames, imperativeInvoke, save, loadFn,
            listCreators, getCreatorName, getCreatorInfo,
            setRecording, setTraining, markVariables, backwardEx,
            symVariable, symAtomic, symCompose, symToJson, symFromJson, symFree,
            symListArguments, symListOutputs, symListAux, symInferShape, symInferShapePartial, symInferType;

    private MXNet(SymbolLookup lib) {
        this.lib = lib;
        getLastError = fn("MXGetLastError", FunctionDescriptor.of(ADDRESS));
        getVersion = fn("MXGetVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        randomSeed = fn("MXRandomSeed", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        waitAll = fn("MXNDArrayWaitAll", FunctionDescriptor.of(JAVA_INT));
        // (const uint32_t *shape, uint32_t ndim, int dev_type, int dev_id, int delay_alloc, int dtype, NDArrayHandle *out)
        createEx = fn("MXNDArrayCreateEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        // (NDArrayHandle, const void *data, size_t size) -- size in elements
        copyFromCpu = fn("MXNDArraySyncCopyFromCPU", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        copyToCpu = fn("MXNDArraySyncCopyToCPU", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        // (NDArrayHandle, int *out_dim, const int **out_pdata)
        getShapeEx = fn("MXNDArrayGetShapeEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        getDType = fn("MXNDArrayGetDType", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        free = fn("MXNDArrayFree", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        getOpHandle = fn("NNGetOpHandle", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        listAllOpNames = fn("NNListAllOpNames", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        // (creator, int num_inputs, NDArrayHandle *inputs, int *num_outputs, NDArrayHandle **outputs,
        //  int num_params, const char **keys, const char **vals)
        imperativeInvoke = fn("MXImperativeInvoke", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        // (const char *fname, uint32_t num_args, NDArrayHandle *args, const char **keys)
        save = fn("MXNDArraySave", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        // (const char *fname, uint32_t *out_size, NDArrayHandle **out_arr, uint32_t *out_name_size, const char ***out_names)
        loadFn = fn("MXNDArrayLoad", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        listCreators = fn("MXSymbolListAtomicSymbolCreators", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        getCreatorName = fn("MXSymbolGetAtomicSymbolName", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        // (creator, const char **name, const char **description, uint32_t *num_args, const char ***arg_names,
        //  const char ***arg_type_infos, const char ***arg_descriptions, const char **key_var_num_args, const char **return_type)
        getCreatorInfo = fn("MXSymbolGetAtomicSymbolInfo", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        // (int is_recording / is_training, int *prev)
        setRecording = fn("MXAutogradSetIsRecording", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        setTraining = fn("MXAutogradSetIsTraining", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        // (uint32_t num_var, NDArrayHandle *vars, uint32_t *reqs, NDArrayHandle *grads)
        markVariables = fn("MXAutogradMarkVariables", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        // (uint32_t num_output, NDArrayHandle *outputs, NDArrayHandle *ograds, uint32_t num_variables, NDArrayHandle *vars,
        //  int retain_graph, int create_graph, int is_train, NDArrayHandle **grads, int **grad_stypes)
        backwardEx = fn("MXAutogradBackwardEx", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        symVariable = fn("MXSymbolCreateVariable", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        // (creator, uint32_t num_param, const char **keys, const char **vals, SymbolHandle *out)
        symAtomic = fn("MXSymbolCreateAtomicSymbol", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        // (SymbolHandle sym, const char *name, uint32_t num_args, const char **keys, SymbolHandle *args)
        symCompose = fn("MXSymbolCompose", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        symToJson = fn("MXSymbolSaveToJSON", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        symFromJson = fn("MXSymbolCreateFromJSON", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        symFree = fn("MXSymbolFree", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // (SymbolHandle, uint32_t *out_size, const char ***out_str_array)
        symListArguments = fn("MXSymbolListArguments", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        symListOutputs = fn("MXSymbolListOutputs", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        symListAux = fn("MXSymbolListAuxiliaryStates", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        // (sym, uint32_t num_args, const char **keys, const uint32_t *arg_ind_ptr, const int *arg_shape_data,
        //  uint32_t *in_size, const int **in_ndim, const int ***in_data, uint32_t *out_size, const int **out_ndim,
        //  const int ***out_data, uint32_t *aux_size, const int **aux_ndim, const int ***aux_data, int *complete)
        FunctionDescriptor infer = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        symInferShape = fn("MXSymbolInferShapeEx", infer);
        symInferShapePartial = fn("MXSymbolInferShapePartialEx", infer);
        // (sym, uint32_t num_args, const char **keys, const int *arg_type_data, uint32_t *in_size, const int **in_types,
        //  uint32_t *out_size, const int **out_types, uint32_t *aux_size, const int **aux_types, int *complete)
        symInferType = fn("MXSymbolInferType", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        // MXNet completes the registration of its legacy (OperatorProperty) operators -- SwapAxis, Pad,
        // SliceChannel, SequenceMask, ... -- on the first MXSymbolListAtomicSymbolCreators; until then
        // NNGetOpHandle finds them without their attributes ("not implemented for CPU", wrong input counts).
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(JAVA_INT), arr = a.allocate(ADDRESS);
            check("MXSymbolListAtomicSymbolCreators", (int) listCreators.invokeExact(n, arr));
        } catch (Throwable t) { throw rethrow(t); }
    }

    private MethodHandle fn(String name, FunctionDescriptor d) {
        MemorySegment sym = lib.find(name).orElseThrow(() -> new IllegalStateException("libmxnet.so has no symbol " + name));
        return linker.downcallHandle(sym, d);
    }

    private static final MemoryLayout PTR = ADDRESS;
    private static final ValueLayout.OfInt INT = JAVA_INT;

    private void check(String call, Object rc) {
        if ((int) rc != 0) {
            String msg;
            try {
                MemorySegment p = (MemorySegment) getLastError.invokeExact();
                msg = p.reinterpret(Long.MAX_VALUE).getString(0);
            } catch (Throwable t) {
                msg = "(MXGetLastError failed: " + t + ")";
            }
            throw new MXNetError(call + ": " + msg);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new RuntimeException(t);
    }

    static String str(MemorySegment p) {
        return p.equals(MemorySegment.NULL) ? null : p.reinterpret(Long.MAX_VALUE).getString(0);
    }

    private static String[] strings(MemorySegment arr, int n) {
        String[] r = new String[n];
        if (n == 0) return r;
        MemorySegment a = arr.reinterpret(PTR.byteSize() * n);
        for (int i = 0; i < n; i++) r[i] = str(a.getAtIndex(ADDRESS, i));
        return r;
    }

    synchronized int version() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(INT);
            check("MXGetVersion", (int) getVersion.invokeExact(out));
            return out.get(INT, 0);
        } catch (Throwable t) { throw rethrow(t); }
    }

    synchronized void seed(int s) {
        try { check("MXRandomSeed", (int) randomSeed.invokeExact(s)); } catch (Throwable t) { throw rethrow(t); }
    }

    synchronized void waitAll() {
        try { check("MXNDArrayWaitAll", (int) waitAll.invokeExact()); } catch (Throwable t) { throw rethrow(t); }
    }

    /** An NDArray handle; {@link #close()} frees it. */
    final class Array implements AutoCloseable {
        final MemorySegment handle;
        private boolean closed;

        Array(MemorySegment handle) { this.handle = handle; }

        long[] shape() {
            synchronized (MXNet.this) {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment ndim = a.allocate(INT), data = a.allocate(PTR);
                    check("MXNDArrayGetShapeEx", (int) getShapeEx.invokeExact(handle, ndim, data));
                    int n = ndim.get(INT, 0);
                    if (n < 0) throw new MXNetError("MXNDArrayGetShapeEx: unknown shape");
                    long[] s = new long[n];
                    MemorySegment d = data.get(ADDRESS, 0).reinterpret(4L * n);
                    for (int i = 0; i < n; i++) s[i] = d.getAtIndex(INT, i);
                    return s;
                } catch (Throwable t) { throw rethrow(t); }
            }
        }

        /** MXNet's type flag (0 float32, 1 float64, 2 float16, 3 uint8, 4 int32, 5 int8, 6 int64, 7 bool). */
        int dtypeFlag() {
            synchronized (MXNet.this) {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment out = a.allocate(INT);
                    check("MXNDArrayGetDType", (int) getDType.invokeExact(handle, out));
                    return out.get(INT, 0);
                } catch (Throwable t) { throw rethrow(t); }
            }
        }

        /** Copies {@code elements} elements from {@code src} (in this array's dtype) into the array. */
        void copyFrom(MemorySegment src, long elements) {
            synchronized (MXNet.this) {
                try { check("MXNDArraySyncCopyFromCPU", (int) copyFromCpu.invokeExact(handle, src, elements)); } catch (Throwable t) { throw rethrow(t); }
            }
        }

        /** Copies the array's {@code elements} elements into {@code dst} (in its dtype). */
        void copyTo(MemorySegment dst, long elements) {
            synchronized (MXNet.this) {
                try { check("MXNDArraySyncCopyToCPU", (int) copyToCpu.invokeExact(handle, dst, elements)); } catch (Throwable t) { throw rethrow(t); }
            }
        }

        @Override public void close() {
            synchronized (MXNet.this) {
                if (closed) return;
                closed = true;
                try { check("MXNDArrayFree", (int) free.invokeExact(handle)); } catch (Throwable t) { throw rethrow(t); }
            }
        }
    }

    /** A new CPU array (MXNet's legacy shape semantics: a 0 in the shape means "unknown", so callers avoid it). */
    synchronized Array create(long[] shape, int dtypeFlag) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dims = a.allocate(INT, Math.max(1, shape.length));
            for (int i = 0; i < shape.length; i++) dims.setAtIndex(INT, i, Math.toIntExact(shape[i]));
            MemorySegment out = a.allocate(PTR);
            check("MXNDArrayCreateEx", (int) createEx.invokeExact(dims, shape.length, CPU, 0, 0, dtypeFlag, out));
            return new Array(out.get(ADDRESS, 0));
        } catch (Throwable t) { throw rethrow(t); }
    }

    /** Every operator name NNVM knows, aliases included ({@code NNListAllOpNames}). */
    synchronized List<String> allOpNames() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(INT), arr = a.allocate(PTR);
            check("NNListAllOpNames", (int) listAllOpNames.invokeExact(n, arr));
            return List.of(strings(arr.get(ADDRESS, 0), n.get(INT, 0)));
        } catch (Throwable t) { throw rethrow(t); }
    }

    /** One operator as {@code MXSymbolGetAtomicSymbolInfo} describes it. */
    record OpInfo(String name, String description, List<String> argNames, List<String> argTypes, String keyVarNumArgs) {}

    /** The operator catalogue: one entry per registered operator (aliases are not listed separately). */
    synchronized List<OpInfo> operators() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(INT), arr = a.allocate(PTR);
            check("MXSymbolListAtomicSymbolCreators", (int) listCreators.invokeExact(n, arr));
            int count = n.get(INT, 0);
            MemorySegment creators = arr.get(ADDRESS, 0).reinterpret(PTR.byteSize() * count);
            List<OpInfo> ops = new ArrayList<>();
            MemorySegment nameOut = a.allocate(PTR), desc = a.allocate(PTR), nargs = a.allocate(INT), argNames = a.allocate(PTR),
                    argTypes = a.allocate(PTR), argDescs = a.allocate(PTR), kv = a.allocate(PTR), ret = a.allocate(PTR);
            for (int i = 0; i < count; i++) {
                MemorySegment c = creators.getAtIndex(ADDRESS, i);
                check("MXSymbolGetAtomicSymbolName", (int) getCreatorName.invokeExact(c, nameOut));
                String name = str(nameOut.get(ADDRESS, 0));
                check("MXSymbolGetAtomicSymbolInfo", (int) getCreatorInfo.invokeExact(c, nameOut, desc, nargs, argNames, argTypes, argDescs, kv, ret));
                int k = nargs.get(INT, 0);
                String kvs = str(kv.get(ADDRESS, 0));
                ops.add(new OpInfo(name, str(desc.get(ADDRESS, 0)), List.of(nonNull(strings(argNames.get(ADDRESS, 0), k))),
                        List.of(nonNull(strings(argTypes.get(ADDRESS, 0), k))), kvs == null || kvs.isEmpty() ? null : kvs));
            }
            return ops;
        } catch (Throwable t) { throw rethrow(t); }
    }

    /** A C array of C strings, allocated in {@code a}. */
    private static MemorySegment cStrings(Arena a, java.util.Collection<String> strings) {
        MemorySegment m = a.allocate(PTR, Math.max(1, strings.size()));
        int i = 0;
        for (String s : strings) m.setAtIndex(ADDRESS, i++, a.allocateFrom(s));
        return m;
    }

    private static String[] nonNull(String[] s) {
        for (int i = 0; i < s.length; i++) if (s[i] == null) s[i] = "";
        return s;
    }

    private final Map<String, MemorySegment> opHandles = new LinkedHashMap<>();

    /** The operator handle ({@code NNGetOpHandle}) of a name or alias; aliases give their operator's handle. */
    synchronized MemorySegment opHandle(String op) {
        MemorySegment h = opHandles.get(op);
        if (h != null) return h;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(PTR);
            check("NNGetOpHandle(" + op + ")", (int) getOpHandle.invokeExact(a.allocateFrom(op), out));
            h = out.get(ADDRESS, 0);
            if (h.equals(MemorySegment.NULL)) throw new MXNetError("NNGetOpHandle: no operator " + op);
            opHandles.put(op, h);
            return h;
        } catch (Throwable t) { throw rethrow(t); }
    }

    /** Runs operator {@code op} (any registered name or alias) on {@code inputs} with MXNet's string parameters. */
    synchronized List<Array> invoke(String op, List<Array> inputs, Map<String, String> params) {
        return invoke(op, inputs, params, null);
    }

    /**
     * As {@link #invoke(String, List, Map)}, writing into the given outputs when {@code outputs} is not
     * null (Python's {@code out=}); then the returned list is {@code outputs} itself.
     */
    synchronized List<Array> invoke(String op, List<Array> inputs, Map<String, String> params, List<Array> outputs) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = opHandle(op);
            MemorySegment ins = a.allocate(PTR, Math.max(1, inputs.size()));
            for (int i = 0; i < inputs.size(); i++) ins.setAtIndex(ADDRESS, i, inputs.get(i).handle);
            MemorySegment nOut = a.allocate(INT), outs = a.allocate(PTR);
            nOut.set(INT, 0, 0);
            outs.set(ADDRESS, 0, MemorySegment.NULL);
            if (outputs != null) {
                MemorySegment given = a.allocate(PTR, Math.max(1, outputs.size()));
                for (int k = 0; k < outputs.size(); k++) given.setAtIndex(ADDRESS, k, outputs.get(k).handle);
                nOut.set(INT, 0, outputs.size());
                outs.set(ADDRESS, 0, given);
            }
            MemorySegment keys = cStrings(a, params.keySet()), vals = cStrings(a, params.values());
            check(op, (int) imperativeInvoke.invokeExact(h, inputs.size(), ins, nOut, outs, params.size(), keys, vals));
            if (outputs != null) return outputs;
            int n = nOut.get(INT, 0);
            MemorySegment o = outs.get(ADDRESS, 0).reinterpret(PTR.byteSize() * n);
            List<Array> r = new ArrayList<>(n);
            for (int k = 0; k < n; k++) r.add(new Array(o.getAtIndex(ADDRESS, k)));
            return r;
        } catch (Throwable t) { throw rethrow(t); }
    }

    /** {@code MXNDArraySave}: names may be null (an unnamed list). */
    synchronized void save(Path file, List<Array> arrays, List<String> names) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment hs = a.allocate(PTR, Math.max(1, arrays.size()));
            for (int i = 0; i < arrays.size(); i++) hs.setAtIndex(ADDRESS, i, arrays.get(i).handle);
            MemorySegment keys = names == null ? MemorySegment.NULL : cStrings(a, names);
            check("MXNDArraySave(" + file + ")", (int) save.invokeExact(a.allocateFrom(file.toString()), arrays.size(), hs, keys));
        } catch (Throwable t) { throw rethrow(t); }
    }

    record Loaded(List<Array> arrays, List<String> names) {}

    /** {@code MXNDArrayLoad}. */
    synchronized Loaded load(Path file) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(INT), arr = a.allocate(PTR), nn = a.allocate(INT), names = a.allocate(PTR);
            check("MXNDArrayLoad(" + file + ")", (int) loadFn.invokeExact(a.allocateFrom(file.toString()), n, arr, nn, names));
            int count = n.get(INT, 0);
            MemorySegment hs = arr.get(ADDRESS, 0).reinterpret(PTR.byteSize() * count);
            List<Array> arrays = new ArrayList<>();
            for (int i = 0; i < count; i++) arrays.add(new Array(hs.getAtIndex(ADDRESS, i)));
            return new Loaded(arrays, List.of(strings(names.get(ADDRESS, 0), nn.get(INT, 0))));
        } catch (Throwable t) { throw rethrow(t); }
    }

    // ---- autograd -------------------------------------------------------------------------------

    /** Input gradients from MXNet's autograd, and the visible outputs of the recorded call. */
    record Gradients(List<Array> outputs, List<Array> grads) {}

    /**
     * Records {@code op} on {@code inputs} with MXNet's autograd ({@code MXAutogradMarkVariables} on
     * the inputs flagged in {@code variable}, write requests into zero buffers), then runs
     * {@code MXAutogradBackwardEx} from every visible output with {@code headGrads} (one per
     * visible output, made by {@code heads} from the outputs) and returns the gradient buffers
     * (null for inputs that are not variables). Recording and training mode are restored even when
     * MXNet fails.
     */
    synchronized Gradients recordAndBackward(String op, List<Array> inputs, Map<String, String> params, boolean[] variable,
                                             boolean train, java.util.function.Function<List<Array>, List<Array>> heads) {
        List<Array> grads = new ArrayList<>();
        List<Array> vars = new ArrayList<>();
        try (Arena a = Arena.ofConfined()) {
            for (int i = 0; i < inputs.size(); i++) {
                if (!variable[i]) { grads.add(null); continue; }
                Array in = inputs.get(i);
                Array g = zerosLike(in);
                grads.add(g);
                vars.add(in);
            }
            List<Array> gs = grads.stream().filter(java.util.Objects::nonNull).toList();
            MemorySegment vh = handles(a, vars), gh = handles(a, gs), reqs = a.allocate(INT, Math.max(1, vars.size()));
            for (int i = 0; i < vars.size(); i++) reqs.setAtIndex(INT, i, 1);   // kWriteTo
            check("MXAutogradMarkVariables", (int) markVariables.invokeExact(vars.size(), vh, reqs, gh));
            MemorySegment prev = a.allocate(INT);
            List<Array> outs;
            check("MXAutogradSetIsTraining", (int) setTraining.invokeExact(train ? 1 : 0, prev));
            try {
                check("MXAutogradSetIsRecording", (int) setRecording.invokeExact(1, prev));
                try {
                    outs = invoke(op, inputs, params);
                } finally {
                    check("MXAutogradSetIsRecording", (int) setRecording.invokeExact(0, prev));
                }
                List<Array> hg = heads.apply(outs);
                try {
                    check("MXAutogradBackwardEx(" + op + ")", (int) backwardEx.invokeExact(outs.size(), handles(a, outs), handles(a, hg),
                            0, MemorySegment.NULL, 0, 0, train ? 1 : 0, MemorySegment.NULL, MemorySegment.NULL));
                } finally {
                    for (Array h : hg) h.close();
                }
            } finally {
                check("MXAutogradSetIsTraining", (int) setTraining.invokeExact(0, prev));
            }
            return new Gradients(outs, grads);
        } catch (Throwable t) {
            for (Array g : grads) if (g != null) g.close();
            throw rethrow(t);
        }
    }

    /** {@code MXAutogradSetIsTraining}: training-mode behaviour of later calls (Dropout, rrelu); returns the previous mode. */
    synchronized boolean setTraining(boolean train) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment prev = a.allocate(INT);
            check("MXAutogradSetIsTraining", (int) setTraining.invokeExact(train ? 1 : 0, prev));
            return prev.get(INT, 0) != 0;
        } catch (Throwable t) { throw rethrow(t); }
    }

    private Array zerosLike(Array like) {
        Array g = create(like.shape(), like.dtypeFlag());
        invoke("_zeros", List.of(), Map.of("shape", shapeString(like.shape()), "dtype", DTYPE_NAMES[like.dtypeFlag()]), List.of(g));
        return g;
    }

    private static final String[] DTYPE_NAMES = {"float32", "float64", "float16", "uint8", "int32", "int8", "int64", "bool"};

    static String shapeString(long[] s) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < s.length; i++) b.append(i > 0 ? ", " : "").append(s[i]);
        return b.append(s.length == 1 ? ",)" : ")").toString();
    }

    private static MemorySegment handles(Arena a, List<Array> arrays) {
        MemorySegment m = a.allocate(PTR, Math.max(1, arrays.size()));
        for (int i = 0; i < arrays.size(); i++) m.setAtIndex(ADDRESS, i, arrays.get(i).handle);
        return m;
    }

    // ---- symbols --------------------------------------------------------------------------------

    /** A symbol handle; {@link #close()} frees it. */
    final class Sym implements AutoCloseable {
        final MemorySegment handle;
        private boolean closed;

        Sym(MemorySegment handle) { this.handle = handle; }

        List<String> arguments() { return list("MXSymbolListArguments", symListArguments); }
        List<String> outputs() { return list("MXSymbolListOutputs", symListOutputs); }
        List<String> auxiliaryStates() { return list("MXSymbolListAuxiliaryStates", symListAux); }

        private List<String> list(String call, MethodHandle fn) {
            synchronized (MXNet.this) {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment n = a.allocate(INT), arr = a.allocate(PTR);
                    check(call, (int) fn.invokeExact(handle, n, arr));
                    return List.of(nonNull(strings(arr.get(ADDRESS, 0), n.get(INT, 0))));
                } catch (Throwable t) { throw rethrow(t); }
            }
        }

        String toJson() {
            synchronized (MXNet.this) {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment out = a.allocate(PTR);
                    check("MXSymbolSaveToJSON", (int) symToJson.invokeExact(handle, out));
                    return str(out.get(ADDRESS, 0));
                } catch (Throwable t) { throw rethrow(t); }
            }
        }

        /**
         * {@code MXSymbolInferShapeEx} (or the partial variant) with shapes given by input name;
         * unknown shapes come back as null, unknown dimensions as -1.
         */
        InferredShapes inferShape(Map<String, long[]> known, boolean partial) {
            synchronized (MXNet.this) {
                try (Arena a = Arena.ofConfined()) {
                    int n = known.size();
                    MemorySegment keys = cStrings(a, known.keySet()), ind = a.allocate(INT, n + 1);
                    int total = known.values().stream().mapToInt(s -> s.length).sum();
                    MemorySegment data = a.allocate(INT, Math.max(1, total));
                    int i = 0, pos = 0;
                    ind.setAtIndex(INT, 0, 0);
                    for (var e : known.entrySet()) {
                        for (long d : e.getValue()) data.setAtIndex(INT, pos++, Math.toIntExact(d));
                        ind.setAtIndex(INT, ++i, pos);
                    }
                    MemorySegment[] o = new MemorySegment[10];
                    for (int k = 0; k < 9; k++) o[k] = a.allocate(PTR);
                    o[9] = a.allocate(INT);
                    MethodHandle fn = partial ? symInferShapePartial : symInferShape;
                    check(partial ? "MXSymbolInferShapePartialEx" : "MXSymbolInferShapeEx", (int) fn.invokeExact(handle, n, keys, ind, data,
                            o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9]));
                    return new InferredShapes(shapes(o[0], o[1], o[2]), shapes(o[3], o[4], o[5]), shapes(o[6], o[7], o[8]),
                            o[9].get(INT, 0) != 0);
                } catch (Throwable t) { throw rethrow(t); }
            }
        }

        /** {@code MXSymbolInferType} with dtype flags given by input name; the output type flags (-1 unknown). */
        int[] inferType(Map<String, Integer> known) {
            synchronized (MXNet.this) {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment keys = cStrings(a, known.keySet()), types = a.allocate(INT, Math.max(1, known.size()));
                    int i = 0;
                    for (int t : known.values()) types.setAtIndex(INT, i++, t);
                    MemorySegment[] o = new MemorySegment[7];
                    for (int k = 0; k < 6; k++) o[k] = a.allocate(PTR);
                    o[6] = a.allocate(INT);
                    check("MXSymbolInferType", (int) symInferType.invokeExact(handle, known.size(), keys, types,
                            o[0], o[1], o[2], o[3], o[4], o[5], o[6]));
                    int n = o[2].get(INT, 0);
                    int[] r = new int[n];
                    if (n > 0) {
                        MemorySegment d = o[3].get(ADDRESS, 0).reinterpret(4L * n);
                        for (int k = 0; k < n; k++) r[k] = d.getAtIndex(INT, k);
                    }
                    return r;
                } catch (Throwable t) { throw rethrow(t); }
            }
        }

        @Override public void close() {
            synchronized (MXNet.this) {
                if (closed) return;
                closed = true;
                try { check("MXSymbolFree", (int) symFree.invokeExact(handle)); } catch (Throwable t) { throw rethrow(t); }
            }
        }
    }

    /** Shapes MXNet inferred: arguments, outputs, auxiliary states (null = unknown), and whether all are known. */
    record InferredShapes(List<long[]> arguments, List<long[]> outputs, List<long[]> auxiliaryStates, boolean complete) {}

    private static List<long[]> shapes(MemorySegment size, MemorySegment ndim, MemorySegment data) {
        // size is a uint32_t written into a pointer-sized slot
        int n = size.get(INT, 0);
        List<long[]> r = new ArrayList<>(n);
        if (n == 0) return r;
        MemorySegment nd = ndim.get(ADDRESS, 0).reinterpret(4L * n), d = data.get(ADDRESS, 0).reinterpret(PTR.byteSize() * n);
        for (int i = 0; i < n; i++) {
            int k = nd.getAtIndex(INT, i);
            if (k < 0) { r.add(null); continue; }
            long[] s = new long[k];
            MemorySegment p = d.getAtIndex(ADDRESS, i).reinterpret(4L * Math.max(1, k));
            for (int j = 0; j < k; j++) s[j] = p.getAtIndex(INT, j);
            r.add(s);
        }
        return r;
    }

    synchronized Sym variable(String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(PTR);
            check("MXSymbolCreateVariable(" + name + ")", (int) symVariable.invokeExact(a.allocateFrom(name), out));
            return new Sym(out.get(ADDRESS, 0));
        } catch (Throwable t) { throw rethrow(t); }
    }

    /**
     * An operator node: {@code MXSymbolCreateAtomicSymbol} with MXNet's string parameters, then
     * {@code MXSymbolCompose} named {@code name} with the inputs, by position when {@code inputNames}
     * is null and by keyword otherwise. Inputs left out become variables named {@code name_input}.
     */
    synchronized Sym atomic(String op, String name, Map<String, String> params, List<String> inputNames, List<Sym> inputs) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment keys = cStrings(a, params.keySet()), vals = cStrings(a, params.values());
            MemorySegment out = a.allocate(PTR);
            check("MXSymbolCreateAtomicSymbol(" + op + ")", (int) symAtomic.invokeExact(opHandle(op), params.size(), keys, vals, out));
            Sym s = new Sym(out.get(ADDRESS, 0));
            MemorySegment args = a.allocate(PTR, Math.max(1, inputs.size()));
            for (int k = 0; k < inputs.size(); k++) args.setAtIndex(ADDRESS, k, inputs.get(k).handle);
            MemorySegment argKeys = inputNames == null ? MemorySegment.NULL : cStrings(a, inputNames);
            try {
                check("MXSymbolCompose(" + op + ")", (int) symCompose.invokeExact(s.handle, a.allocateFrom(name), inputs.size(), argKeys, args));
            } catch (RuntimeException e) {
                s.close();
                throw e;
            }
            return s;
        } catch (Throwable t) { throw rethrow(t); }
    }

    synchronized Sym fromJson(String json) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(PTR);
            check("MXSymbolCreateFromJSON", (int) symFromJson.invokeExact(a.allocateFrom(json), out));
            return new Sym(out.get(ADDRESS, 0));
        } catch (Throwable t) { throw rethrow(t); }
    }
}
