package dev.mxj.cpu.kernels;

import dev.mxj.device.OpContext;
import dev.mxj.device.Tensor;
import dev.mxj.op.DType;
import dev.mxj.op.defs.PoolParams;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * Float32 convolution and pooling on oneDNN (the JavaCPP preset's C API, on the tensors' own memory).
 * oneDNN's fast kernels want blocked layouts, so each problem is planned once — primitives
 * created with "any" formats, plus reorders between the plain NC[D]HW arrays mxj holds and the
 * layouts oneDNN chose — and the plan is cached by geometry. Blocked copies, the scratchpad
 * (user-managed, so concurrent calls never share one) and accumulation buffers come from the
 * kernel's temp space. OpReq.ADD is a sum post-op on the reorder back to the plain layout.
 * Pooling runs on the plain layout directly ({@link #usePooling} says when it matches MXNet).
 *
 * <p>Loaded lazily on the first convolution; when the native library cannot load, one warning
 * is logged and the Java path serves every call. {@code MXJ_CPU_DNNL} (or the system property
 * {@code mxj.cpu.dnnl}, read when the variable is unset) chooses: {@code auto} (default: oneDNN for float32 problems of at least
 * {@link #MIN_MACS} multiply-adds, where it beats im2col + OpenBLAS), {@code off}, or
 * {@code force} (every float32 problem; used by tests). oneDNN runs single-threaded and large
 * problems are split over the batch into chunks run on the plugin's threads ({@link NativeThreads},
 * {@link CpuParallel}); with {@code MXJ_CPU_NATIVE_THREADS=auto} oneDNN threads itself with
 * OpenMP and OMP_NUM_THREADS sets its thread count.
 */
final class Dnnl {
    private Dnnl() {}

    private static final System.Logger LOG = System.getLogger(Dnnl.class.getName());
    /** Smaller problems run faster on the Java path (planning and reorders dominate). */
    static final double MIN_MACS = 1e6;
    /** Plans kept; beyond this a plan serves one call and is destroyed (settable for tests). */
    static volatile int maxPlans = 256;
    /** Pooling inputs smaller than this stay on the Java path (call overhead dominates). */
    static final long MIN_POOL_ELEMENTS = 1 << 14;

    private static volatile String MODE = mode();

    /** Run {@code body} with another mode ("auto", "off", "force"); for tests. */
    static void withMode(String mode, Runnable body) {
        String old = MODE;
        MODE = mode;
        try {
            body.run();
        } finally {
            MODE = old;
        }
    }

    private static String mode() {
        String v = System.getenv("MXJ_CPU_DNNL");
        if (v == null) v = System.getProperty("mxj.cpu.dnnl");
        v = v == null ? "auto" : v.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "0", "off", "false", "no" -> "off";
            case "force", "always" -> "force";
            default -> "auto";
        };
    }

    /** The engine, created on first use; null when oneDNN is unavailable. */
    private static final class Lib {
        static final dnnl_engine ENGINE = load();

        private static dnnl_engine load() {
            try {
                Loader.load(org.bytedeco.dnnl.global.dnnl.class);
                dnnl_engine e = new dnnl_engine();
                check(dnnl_engine_create(e, dnnl_cpu, 0), "dnnl_engine_create");
                return e;
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.WARNING, "oneDNN could not be loaded (" + t + "); convolutions use the Java im2col + GEMM path");
                return null;
            }
        }
    }

    /** A stream per thread; a thread's first one also makes its OpenMP regions single-threaded ({@link NativeThreads}). */
    private static final ThreadLocal<dnnl_stream> STREAM = ThreadLocal.withInitial(() -> {
        NativeThreads.singleThreadedOpenMp();
        dnnl_stream s = new dnnl_stream();
        check(dnnl_stream_create(s, Lib.ENGINE, dnnl_stream_default_flags), "dnnl_stream_create");
        return s;
    });

    private static final ConcurrentHashMap<String, Plan> PLANS = new ConcurrentHashMap<>();
    /** Problems run on oneDNN, and problems it declined (for tests and diagnostics). */
    static int cachedPlans() { return PLANS.size(); }

    static final LongAdder EXECUTED = new LongAdder(), DECLINED = new LongAdder();

    static boolean available() { return !MODE.equals("off") && Lib.ENGINE != null; }

    /** Whether the native library loaded (whatever the mode). */
    static boolean loaded() { return Lib.ENGINE != null; }

    /** Whether oneDNN should run this problem. */
    static boolean useFor(ConvGeom g, DType t) {
        if (t != DType.FLOAT32 || MODE.equals("off")) return false;
        if (MODE.equals("auto") && g.macs() < MIN_MACS) return false;
        return available();
    }

    private static void check(int status, String what) {
        if (status != dnnl_success) throw new IllegalStateException("oneDNN " + what + " failed with status " + status);
    }

    // ------------------------------------------------------------------ public entry points

    /** y (+)= conv(x, w) + bias. Returns false (having written nothing) when oneDNN cannot run it. */
    static boolean forward(ConvGeom g, Tensor x, Tensor w, Tensor bias, Tensor y, boolean add, OpContext ctx) {
        int chunks = batchChunks(g);
        Plan[] plans = new Plan[chunks];
        long step = (g.n() + chunks - 1) / chunks;
        for (int c = 0; c < chunks; c++) {
            ConvGeom gc = subBatch(g, Math.min(step, g.n() - c * step));
            plans[c] = plan(gc, "F" + (bias != null ? "b" : "") + (add ? "+" : ""), () -> Plan.forward(gc, bias != null, add));
            if (plans[c] == null) return false;
        }
        long xImg = g.inC() * g.inSpatial() * 4, yImg = g.outC() * g.outSpatial() * 4;
        long[][] temps = temps(plans, ctx);
        long[] base = addresses(x, w, bias, y, null, null, null, null);
        CpuParallel.forChunks(g.n(), chunks, (i0, i1) -> {
            int c = (int) (i0 / step);
            long[] at = base.clone();
            at[X] += i0 * xImg;
            at[Y] += i0 * yImg;
            plans[c].runOnce(at, temps[c]);
        });
        return true;
    }

    /**
     * The convolution's gradients: dx (+)= data gradient (when dx is given, from dy and w),
     * dw (+)= weight gradient (when dw is given, from x and dy), db = bias gradient (when given,
     * written, never accumulated; requires dw). Returns false, having written nothing, when oneDNN
     * cannot run it. Split over the batch like {@link #forward}: the first chunk writes dw and db,
     * the others write partial sums into temp space, added to them at the end (in chunk order,
     * so the result does not depend on timing).
     */
    static boolean backward(ConvGeom g, Tensor dy, Tensor x, Tensor w, Tensor dx, boolean dxAdd, Tensor dw, boolean dwAdd, Tensor db, OpContext ctx) {
        if (dx == null && dw == null) return true;
        int chunks = batchChunks(g);
        Plan[] plans = new Plan[chunks];
        long step = (g.n() + chunks - 1) / chunks;
        for (int c = 0; c < chunks; c++) {
            ConvGeom gc = subBatch(g, Math.min(step, g.n() - c * step));
            boolean wAdd = c == 0 && dwAdd;
            String key = "B" + (dx != null ? (dxAdd ? "D+" : "D") : "") + (dw != null ? (wAdd ? "W+" : "W") : "") + (db != null ? "b" : "");
            plans[c] = plan(gc, key, () -> Plan.backward(gc, dx != null, dxAdd, dw != null, wAdd, db != null));
            if (plans[c] == null) return false;
        }
        long xImg = g.inC() * g.inSpatial() * 4, yImg = g.outC() * g.outSpatial() * 4;
        long[][] temps = temps(plans, ctx);
        long wBytes = dw == null ? 0 : dw.byteSize(), bBytes = db == null ? 0 : db.byteSize();
        MemorySegment[] dwPart = new MemorySegment[chunks], dbPart = new MemorySegment[chunks];
        for (int c = 1; c < chunks; c++) {
            if (dw != null) dwPart[c] = ctx.tempSpace(wBytes).hostSegment();
            if (db != null) dbPart[c] = ctx.tempSpace(bBytes).hostSegment();
        }
        long[] base = addresses(x, w, null, null, dy, dx, dw, db);
        CpuParallel.forChunks(g.n(), chunks, (i0, i1) -> {
            int c = (int) (i0 / step);
            long[] at = base.clone();
            if (at[X] != 0) at[X] += i0 * xImg;
            at[DY] += i0 * yImg;
            if (at[DX] != 0) at[DX] += i0 * xImg;
            if (c > 0) {
                at[DW] = dwPart[c] == null ? 0 : dwPart[c].address();
                at[DB] = dbPart[c] == null ? 0 : dbPart[c].address();
            }
            plans[c].runOnce(at, temps[c]);
        });
        for (int c = 1; c < chunks; c++) {
            if (dw != null) addInto(dw.segment(), dwPart[c], wBytes / 4);
            if (db != null) addInto(db.segment(), dbPart[c], bBytes / 4);
        }
        return true;
    }

    /** Batch chunks for a problem: the plugin's threads when it splits native calls and the problem is large enough, else 1. */
    private static int batchChunks(ConvGeom g) {
        int chunks = NativeThreads.chunks();
        if (chunks <= 1 || g.macs() < Gemm.SPLIT_MACS) return 1;
        return (int) Math.min(chunks, g.n());
    }

    private static ConvGeom subBatch(ConvGeom g, long n) {
        return n == g.n() ? g : new ConvGeom(g.nd(), n, g.inC(), g.outC(), g.groups(), g.in(), g.out(), g.k(), g.s(), g.d(), g.p());
    }

    /** Temp buffer addresses for each plan, taken from the kernel's temp space on the calling thread (it is not thread-safe). */
    private static long[][] temps(Plan[] plans, OpContext ctx) {
        long[][] r = new long[plans.length][];
        for (int c = 0; c < plans.length; c++) {
            r[c] = new long[plans[c].temps.size()];
            for (int i = 0; i < r[c].length; i++) r[c][i] = ctx.tempSpace(plans[c].temps.get(i)).hostSegment().address();
        }
        return r;
    }

    /** Addresses of the user tensors by role (0 where absent). */
    private static long[] addresses(Tensor x, Tensor w, Tensor b, Tensor y, Tensor dy, Tensor dx, Tensor dw, Tensor db) {
        Tensor[] users = {x, w, b, y, dy, dx, dw, db};
        long[] a = new long[users.length];
        for (int i = 0; i < users.length; i++) if (users[i] != null) a[i] = users[i].segment().address();
        return a;
    }

    /** dst[i] += src[i] for n floats, staged through heap chunks. */
    private static void addInto(MemorySegment dst, MemorySegment src, long n) {
        F32Loops.vv(F32Loops.Bin.ADD, dst, 0, src, 0, dst, 0, Math.toIntExact(n));
    }

    private interface PlanMaker { Plan make(); }

    private static final Plan FAILED = new Plan();

    private static Plan plan(ConvGeom g, String kind, PlanMaker maker) {
        String key = kind + (plainLayout(g) ? "|plain|" : "|") + g.n() + "," + g.inC() + "," + g.outC() + "," + g.groups() + "," + g.nd() + ","
                + Arrays.toString(g.in()) + Arrays.toString(g.out()) + Arrays.toString(g.k())
                + Arrays.toString(g.s()) + Arrays.toString(g.d()) + Arrays.toString(g.p());
        return cached(key, maker);
    }

    private static Plan cached(String key, PlanMaker maker) {
        Plan p = PLANS.get(key);
        if (p == null) {
            try {
                p = maker.make();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "oneDNN declined " + key + ": " + e.getMessage());
                p = FAILED;
            }
            if (PLANS.size() < maxPlans) {
                Plan prev = PLANS.putIfAbsent(key, p);
                if (prev != null) {
                    p.destroy();
                    p = prev;
                }
            } else if (p != FAILED) {
                // the cache is full (hundreds of distinct shapes): this plan serves one call and is then destroyed
                p.transientUse = true;
            }
        }
        if (p == FAILED) {
            DECLINED.increment();
            return null;
        }
        EXECUTED.increment();
        return p;
    }

    // ------------------------------------------------------------------ memory descriptors

    private static long[] spatial(ConvGeom g, long[] v3) {
        long[] r = new long[g.nd()];
        System.arraycopy(v3, 3 - g.nd(), r, 0, g.nd());
        return r;
    }

    private static long[] dims(long a, long b, long[] sp) {
        long[] r = new long[2 + sp.length];
        r[0] = a;
        r[1] = b;
        System.arraycopy(sp, 0, r, 2, sp.length);
        return r;
    }

    private static dnnl_memory_desc md(long[] dims, int tag) {
        dnnl_memory_desc m = new dnnl_memory_desc();
        check(dnnl_memory_desc_create_with_tag(m, dims.length, dims, dnnl_f32, tag), "dnnl_memory_desc_create_with_tag");
        return m;
    }

    /** Activation layouts of convolutions: "auto" ({@link #plainLayout}), "blocked" or "plain" (system property mxj.cpu.dnnl.layout; for tests). */
    static volatile String layout = System.getProperty("mxj.cpu.dnnl.layout", "auto");

    /**
     * Whether a convolution runs on the plain NC[D]HW layout mxj holds (no reorders; oneDNN then
     * picks its im2col + GEMM kernels) rather than on a layout oneDNN chooses, which is blocked
     * by 16 channels and needs a reorder of every activation in and out. Plain wins when the
     * channel counts are not multiples of the block, so the blocked copies would be padded —
     * LeNet's second convolution, 20 to 50 channels: 4.0 vs 6.6 ms forward, 11.1 vs 13.2 ms
     * backward, single-threaded — and loses for 64 to 64 channels (58 vs 53 ms forward) and for
     * first layers with a few input channels (20 from 1: 2.2 vs 1.8 ms), whose blocked kernels
     * read the plain input directly.
     */
    static boolean plainLayout(ConvGeom g) {
        return switch (layout) {
            case "plain" -> true;
            case "blocked" -> false;
            default -> g.inCg() >= 8 && (g.inC() % 16 != 0 || g.outC() % 16 != 0);
        };
    }

    /** The activation format of a convolution's primitive descriptors: the plain tag, or "any" (oneDNN's choice, then reorders). */
    private static int dataFormat(ConvGeom g) { return plainLayout(g) ? dataTag(g.nd()) : dnnl_format_tag_any; }

    private static int dataTag(int nd) { return nd == 1 ? dnnl_ncw : nd == 2 ? dnnl_nchw : dnnl_ncdhw; }

    private static dnnl_memory_desc weightsMd(ConvGeom g, int tag) {
        long[] k = spatial(g, g.k());
        if (g.groups() == 1) return md(dims(g.outC(), g.inC(), k), tag == dnnl_format_tag_any ? tag : g.nd() == 1 ? dnnl_oiw : g.nd() == 2 ? dnnl_oihw : dnnl_oidhw);
        long[] d = new long[3 + g.nd()];
        d[0] = g.groups();
        d[1] = g.outCg();
        d[2] = g.inCg();
        System.arraycopy(k, 0, d, 3, g.nd());
        return md(d, tag == dnnl_format_tag_any ? tag : g.nd() == 1 ? dnnl_goiw : g.nd() == 2 ? dnnl_goihw : dnnl_goidhw);
    }

    /** Padding, strides and dilations in oneDNN's terms (dilation 0 = dense; right padding from the sizes). */
    private record Geo(long[] strides, long[] dilates, long[] padL, long[] padR) {
        static Geo of(ConvGeom g) {
            int nd = g.nd();
            long[] st = spatial(g, g.s()), dl = spatial(g, g.d()), pl = spatial(g, g.p()), pr = new long[nd];
            for (int i = 0; i < nd; i++) {
                dl[i] -= 1;
                pr[i] = Math.max(0, g.padRight(3 - nd + i));
            }
            return new Geo(st, dl, pl, pr);
        }
    }

    // ------------------------------------------------------------------ plans

    /** A reorder between a user (plain) and an internal layout, or null when the layouts agree. */
    private static dnnl_primitive reorder(dnnl_memory_desc from, dnnl_memory_desc to, boolean sum, List<Runnable> cleanup) {
        if (!sum && dnnl_memory_desc_equal(from, to) == 1) return null;
        dnnl_primitive_attr attr = null;
        dnnl_post_ops ops = null;
        if (sum) {
            attr = new dnnl_primitive_attr();
            check(dnnl_primitive_attr_create(attr), "dnnl_primitive_attr_create");
            ops = new dnnl_post_ops();
            check(dnnl_post_ops_create(ops), "dnnl_post_ops_create");
            check(dnnl_post_ops_append_sum(ops, 1f, 0, dnnl_data_type_undef), "dnnl_post_ops_append_sum");
            check(dnnl_primitive_attr_set_post_ops(attr, ops), "dnnl_primitive_attr_set_post_ops");
        }
        try {
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            check(dnnl_reorder_primitive_desc_create(pd, from, Lib.ENGINE, to, Lib.ENGINE, attr), "dnnl_reorder_primitive_desc_create");
            dnnl_primitive prim = new dnnl_primitive();
            check(dnnl_primitive_create(prim, pd), "dnnl_primitive_create(reorder)");
            dnnl_primitive_desc_destroy(pd);
            cleanup.add(() -> dnnl_primitive_destroy(prim));
            return prim;
        } finally {
            if (ops != null) dnnl_post_ops_destroy(ops);
            if (attr != null) dnnl_primitive_attr_destroy(attr);
        }
    }

    private static dnnl_primitive_attr userScratchpad() {
        dnnl_primitive_attr attr = new dnnl_primitive_attr();
        check(dnnl_primitive_attr_create(attr), "dnnl_primitive_attr_create");
        check(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user), "dnnl_primitive_attr_set_scratchpad_mode");
        return attr;
    }

    /** One step: a primitive and its arguments, by role. */
    private record Step(dnnl_primitive prim, int[] args, Buf[] bufs) {}

    /** A buffer role: a user tensor (by index) or a temp buffer of a given size. */
    private record Buf(int user, long tempBytes, dnnl_memory_desc md, int tempId) {}

    private static final int X = 0, W = 1, B = 2, Y = 3, DY = 4, DX = 5, DW = 6, DB = 7;

    // ------------------------------------------------------------------ pooling

    /**
     * Whether oneDNN can pool this problem exactly as MXNet does: float32, channel-first, max or
     * avg, and no window reaching past the padded input (MXNet clips such windows — the 'full' and
     * 'same' conventions — where oneDNN would count the extra padding). Accumulation (OpReq.ADD)
     * stays on the Java path.
     */
    static boolean usePooling(PoolParams pp, DType t, long inputSize, boolean add) {
        if (t != DType.FLOAT32 || add || pp.channelLast || MODE.equals("off")) return false;
        if (MODE.equals("auto") && inputSize < MIN_POOL_ELEMENTS) return false;
        if (pp.type != PoolParams.Type.MAX && pp.type != PoolParams.Type.AVG) return false;
        for (int i = 0; i < pp.nd; i++) {
            long padR = (pp.out[i] - 1) * pp.stride[i] + pp.kernel[i] - pp.in[i] - pp.pad[i];
            if (padR > pp.pad[i]) return false;
        }
        return available();
    }

    private static String poolKey(String kind, PoolParams pp, long n, long c) {
        return kind + "|" + pp.type + pp.countIncludePad + "|" + n + "," + c + Arrays.toString(pp.in) + Arrays.toString(pp.out)
                + Arrays.toString(pp.kernel) + Arrays.toString(pp.stride) + Arrays.toString(pp.pad);
    }

    /** y = pool(x). Returns false, having written nothing, when oneDNN cannot run it. */
    static boolean poolForward(PoolParams pp, Tensor x, Tensor y, OpContext ctx) {
        return pool(pp, false, x, y, null, null, ctx);
    }

    /** dx = pooling gradient (max: the forward is recomputed for oneDNN's argmax workspace). */
    static boolean poolBackward(PoolParams pp, Tensor dy, Tensor x, Tensor dx, OpContext ctx) {
        return pool(pp, true, x, null, dy, dx, ctx);
    }

    /** Pooling split over the batch like the convolutions ({@link #forward}); images are independent, so no partial sums. */
    private static boolean pool(PoolParams pp, boolean backward, Tensor x, Tensor y, Tensor dy, Tensor dx, OpContext ctx) {
        long n = x.shape().dim(0), c = x.shape().dim(1);
        int chunks = NativeThreads.chunks() > 1 && x.size() >= 2 * MIN_POOL_ELEMENTS ? (int) Math.min(NativeThreads.chunks(), n) : 1;
        long step = (n + chunks - 1) / chunks;
        Plan[] plans = new Plan[chunks];
        for (int k = 0; k < chunks; k++) {
            long nb = Math.min(step, n - k * step);
            plans[k] = cached(poolKey(backward ? "PB" : "PF", pp, nb, c), () -> Plan.pooling(pp, nb, c, backward));
            if (plans[k] == null) return false;
        }
        long xImg = x.size() / Math.max(1, n) * 4, yImg = (backward ? dy : y).size() / Math.max(1, n) * 4;
        long[][] temps = temps(plans, ctx);
        long[] base = addresses(x, null, null, y, dy, dx, null, null);
        CpuParallel.forChunks(n, chunks, (i0, i1) -> {
            long[] at = base.clone();
            at[X] += i0 * xImg;
            if (backward) {
                at[DY] += i0 * yImg;
                at[DX] += i0 * xImg;
            } else {
                at[Y] += i0 * yImg;
            }
            plans[(int) (i0 / step)].runOnce(at, temps[(int) (i0 / step)]);
        });
        return true;
    }

    /** A cached sequence of oneDNN steps over user tensors and temp buffers. */
    private static final class Plan {
        final List<Step> steps = new ArrayList<>();
        final List<Long> temps = new ArrayList<>();
        final List<Runnable> cleanup = new ArrayList<>();
        /** Not cached: destroyed after its one run. */
        boolean transientUse;

        Buf user(int which, dnnl_memory_desc md) { return new Buf(which, 0, md, -1); }

        Buf temp(dnnl_memory_desc md) {
            temps.add(Math.max(64, dnnl_memory_desc_get_size(md)));
            return new Buf(-1, 0, md, temps.size() - 1);
        }

        /** A buffer in layout {@code internal} for user tensor {@code which} (copied in when the layouts differ). */
        Buf input(int which, dnnl_memory_desc userMd, dnnl_memory_desc internal) {
            dnnl_primitive r = reorder(userMd, internal, false, cleanup);
            Buf u = user(which, userMd);
            if (r == null) return u;
            Buf t = temp(internal);
            steps.add(new Step(r, new int[] {DNNL_ARG_FROM, DNNL_ARG_TO}, new Buf[] {u, t}));
            return t;
        }

        /** Where a primitive writes user output {@code which}: the tensor itself, or a temp buffer reordered (and summed) into it afterwards. */
        Buf output(int which, dnnl_memory_desc userMd, dnnl_memory_desc internal, boolean add, List<Step> after) {
            if (!add && dnnl_memory_desc_equal(userMd, internal) == 1) return user(which, userMd);
            Buf t = temp(internal);
            after.add(new Step(reorder(internal, userMd, add, cleanup), new int[] {DNNL_ARG_FROM, DNNL_ARG_TO}, new Buf[] {t, user(which, userMd)}));
            return t;
        }

        static dnnl_primitive_desc forwardPd(ConvGeom g, boolean bias, dnnl_primitive_attr attr) {
            Geo geo = Geo.of(g);
            long[] inS = spatial(g, g.in()), outS = spatial(g, g.out());
            dnnl_memory_desc src = md(dims(g.n(), g.inC(), inS), dataFormat(g)), wei = weightsMd(g, dnnl_format_tag_any);
            dnnl_memory_desc dst = md(dims(g.n(), g.outC(), outS), dataFormat(g));
            dnnl_memory_desc b = bias ? md(new long[] {g.outC()}, dnnl_x) : null;
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            try {
                check(dnnl_convolution_forward_primitive_desc_create(pd, Lib.ENGINE, dnnl_forward_training, dnnl_convolution_direct, src, wei,
                        b, dst, geo.strides(), geo.dilates(), geo.padL(), geo.padR(), attr), "dnnl_convolution_forward_primitive_desc_create");
            } finally {
                dnnl_memory_desc_destroy(src);
                dnnl_memory_desc_destroy(wei);
                dnnl_memory_desc_destroy(dst);
                if (b != null) dnnl_memory_desc_destroy(b);
            }
            return pd;
        }

        Step primitive(dnnl_primitive_desc pd, int[] args, Buf[] bufs) {
            dnnl_primitive prim = new dnnl_primitive();
            check(dnnl_primitive_create(prim, pd), "dnnl_primitive_create");
            cleanup.add(() -> dnnl_primitive_destroy(prim));
            dnnl_memory_desc sp = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
            int[] a = Arrays.copyOf(args, args.length + 1);
            Buf[] b = Arrays.copyOf(bufs, bufs.length + 1);
            a[args.length] = DNNL_ARG_SCRATCHPAD;
            b[bufs.length] = temp(sp);
            return new Step(prim, a, b);
        }

        static Plan forward(ConvGeom g, boolean bias, boolean add) {
            Plan p = new Plan();
            dnnl_primitive_attr attr = userScratchpad();
            try {
                dnnl_primitive_desc pd = p.keepPd(forwardPd(g, bias, attr));
                int tag = dataTag(g.nd());
                dnnl_memory_desc xu = p.keep(md(dims(g.n(), g.inC(), spatial(g, g.in())), tag));
                dnnl_memory_desc yu = p.keep(md(dims(g.n(), g.outC(), spatial(g, g.out())), tag));
                dnnl_memory_desc wu = p.keep(weightsMd(g, 0));
                Buf xs = p.input(X, xu, dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0));
                Buf ws = p.input(W, wu, dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0));
                List<Step> after = new ArrayList<>();
                Buf ys = p.output(Y, yu, dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0), add, after);
                if (bias) {
                    dnnl_memory_desc bu = p.keep(md(new long[] {g.outC()}, dnnl_x));
                    p.steps.add(p.primitive(pd, new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST},
                            new Buf[] {xs, ws, p.user(B, bu), ys}));
                } else {
                    p.steps.add(p.primitive(pd, new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST}, new Buf[] {xs, ws, ys}));
                }
                p.steps.addAll(after);
                return p;
            } catch (RuntimeException e) {
                p.destroy();
                throw e;
            } finally {
                dnnl_primitive_attr_destroy(attr);
            }
        }

        static Plan backward(ConvGeom g, boolean needDx, boolean dxAdd, boolean needDw, boolean dwAdd, boolean needDb) {
            Plan p = new Plan();
            dnnl_primitive_attr attr = userScratchpad();
            try {
                dnnl_primitive_desc hint = p.keepPd(forwardPd(g, needDb, null));
                Geo geo = Geo.of(g);
                int tag = dataTag(g.nd());
                long[] inS = spatial(g, g.in()), outS = spatial(g, g.out());
                dnnl_memory_desc xu = p.keep(md(dims(g.n(), g.inC(), inS), tag));
                dnnl_memory_desc yu = p.keep(md(dims(g.n(), g.outC(), outS), tag));
                dnnl_memory_desc wu = p.keep(weightsMd(g, 0));
                dnnl_memory_desc xa = p.keep(md(dims(g.n(), g.inC(), inS), dataFormat(g)));
                dnnl_memory_desc ya = p.keep(md(dims(g.n(), g.outC(), outS), dataFormat(g)));
                dnnl_memory_desc wa = p.keep(weightsMd(g, dnnl_format_tag_any));
                Buf dyData = null;
                dnnl_memory_desc dyDataMd = null;
                List<Step> after = new ArrayList<>();
                if (needDx) {
                    dnnl_primitive_desc pd = new dnnl_primitive_desc();
                    check(dnnl_convolution_backward_data_primitive_desc_create(pd, Lib.ENGINE, dnnl_convolution_direct, xa, wa, ya,
                            geo.strides(), geo.dilates(), geo.padL(), geo.padR(), hint, attr), "dnnl_convolution_backward_data_primitive_desc_create");
                    p.keepPd(pd);
                    dyDataMd = dnnl_primitive_desc_query_md(pd, dnnl_query_diff_dst_md, 0);
                    dyData = p.input(DY, yu, dyDataMd);
                    Buf ws = p.input(W, wu, dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0));
                    Buf dxs = p.output(DX, xu, dnnl_primitive_desc_query_md(pd, dnnl_query_diff_src_md, 0), dxAdd, after);
                    p.steps.add(p.primitive(pd, new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC}, new Buf[] {dyData, ws, dxs}));
                }
                if (needDw) {
                    dnnl_memory_desc ba = needDb ? p.keep(md(new long[] {g.outC()}, dnnl_x)) : null;
                    dnnl_primitive_desc pd = new dnnl_primitive_desc();
                    check(dnnl_convolution_backward_weights_primitive_desc_create(pd, Lib.ENGINE, dnnl_convolution_direct, xa, wa, ba, ya,
                            geo.strides(), geo.dilates(), geo.padL(), geo.padR(), hint, attr), "dnnl_convolution_backward_weights_primitive_desc_create");
                    p.keepPd(pd);
                    dnnl_memory_desc dyMd = dnnl_primitive_desc_query_md(pd, dnnl_query_diff_dst_md, 0);
                    Buf dys = dyData != null && dnnl_memory_desc_equal(dyMd, dyDataMd) == 1 ? dyData : p.input(DY, yu, dyMd);
                    Buf xs = p.input(X, xu, dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0));
                    Buf dws = p.output(DW, wu, dnnl_primitive_desc_query_md(pd, dnnl_query_diff_weights_md, 0), dwAdd, after);
                    if (needDb) {
                        p.steps.add(p.primitive(pd, new int[] {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS, DNNL_ARG_DIFF_BIAS},
                                new Buf[] {xs, dys, dws, p.user(DB, ba)}));
                    } else {
                        p.steps.add(p.primitive(pd, new int[] {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS}, new Buf[] {xs, dys, dws}));
                    }
                }
                p.steps.addAll(after);
                return p;
            } catch (RuntimeException e) {
                p.destroy();
                throw e;
            } finally {
                dnnl_primitive_attr_destroy(attr);
            }
        }

        /**
         * Pooling on the plain layout (oneDNN pools NC[D]HW directly, no reorders). The backward
         * plan of max pooling first reruns the forward pass in training mode for its workspace.
         */
        static Plan pooling(PoolParams pp, long n, long c, boolean backward) {
            Plan p = new Plan();
            dnnl_primitive_attr attr = userScratchpad();
            try {
                int nd = pp.nd, tag = dataTag(nd);
                long[] pr = new long[nd], dil = new long[nd];
                for (int i = 0; i < nd; i++) pr[i] = Math.max(0, (pp.out[i] - 1) * pp.stride[i] + pp.kernel[i] - pp.in[i] - pp.pad[i]);
                int alg = pp.type == PoolParams.Type.MAX ? dnnl_pooling_max
                        : pp.countIncludePad ? dnnl_pooling_avg_include_padding : dnnl_pooling_avg_exclude_padding;
                dnnl_memory_desc xu = p.keep(md(dims(n, c, pp.in), tag)), yu = p.keep(md(dims(n, c, pp.out), tag));
                boolean max = alg == dnnl_pooling_max;
                dnnl_primitive_desc fwd = new dnnl_primitive_desc();
                check(dnnl_pooling_forward_primitive_desc_create(fwd, Lib.ENGINE, backward || max ? dnnl_forward_training : dnnl_forward_inference, alg,
                        xu, yu, pp.stride, pp.kernel, dil, pp.pad, pr, attr), "dnnl_pooling_forward_primitive_desc_create");
                p.keepPd(fwd);
                if (!backward) {
                    if (max) {
                        Buf ws = p.temp(dnnl_primitive_desc_query_md(fwd, dnnl_query_workspace_md, 0));
                        p.steps.add(p.primitive(fwd, new int[] {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_WORKSPACE}, new Buf[] {p.user(X, xu), p.user(Y, yu), ws}));
                    } else {
                        p.steps.add(p.primitive(fwd, new int[] {DNNL_ARG_SRC, DNNL_ARG_DST}, new Buf[] {p.user(X, xu), p.user(Y, yu)}));
                    }
                    return p;
                }
                dnnl_primitive_desc bwd = new dnnl_primitive_desc();
                check(dnnl_pooling_backward_primitive_desc_create(bwd, Lib.ENGINE, alg, xu, yu, pp.stride, pp.kernel, dil, pp.pad, pr, fwd, attr),
                        "dnnl_pooling_backward_primitive_desc_create");
                p.keepPd(bwd);
                if (max) {
                    Buf ws = p.temp(dnnl_primitive_desc_query_md(fwd, dnnl_query_workspace_md, 0));
                    Buf y = p.temp(yu);
                    p.steps.add(p.primitive(fwd, new int[] {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_WORKSPACE}, new Buf[] {p.user(X, xu), y, ws}));
                    p.steps.add(p.primitive(bwd, new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_WORKSPACE, DNNL_ARG_DIFF_SRC}, new Buf[] {p.user(DY, yu), ws, p.user(DX, xu)}));
                } else {
                    p.steps.add(p.primitive(bwd, new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC}, new Buf[] {p.user(DY, yu), p.user(DX, xu)}));
                }
                return p;
            } catch (RuntimeException e) {
                p.destroy();
                throw e;
            } finally {
                dnnl_primitive_attr_destroy(attr);
            }
        }

        /** Primitive descriptors own the layouts queried from them: they live as long as the plan. */
        dnnl_primitive_desc keepPd(dnnl_primitive_desc pd) {
            cleanup.add(() -> dnnl_primitive_desc_destroy(pd));
            return pd;
        }

        /** Memory descriptors the plan refers to until it is destroyed. */
        dnnl_memory_desc keep(dnnl_memory_desc m) {
            cleanup.add(() -> dnnl_memory_desc_destroy(m));
            return m;
        }

        void destroy() {
            for (Runnable r : cleanup) r.run();
            cleanup.clear();
        }

        /** {@link #run}, then destroy the plan if it is not cached. */
        void runOnce(long[] userAddr, long[] tempAddr) {
            try {
                run(userAddr, tempAddr);
            } finally {
                if (transientUse) destroy();
            }
        }

        /** Execute every step on the user buffers at {@code userAddr} (by role, 0 where unused) and the temp buffers at {@code tempAddr}. */
        void run(long[] userAddr, long[] tempAddr) {
            dnnl_stream stream = STREAM.get();
            List<dnnl_memory> mems = new ArrayList<>();
            try (dnnl_exec_arg_t args = new dnnl_exec_arg_t(8)) {
                for (Step s : steps) {
                    for (int i = 0; i < s.args().length; i++) {
                        Buf buf = s.bufs()[i];
                        long addr = buf.user() >= 0 ? userAddr[buf.user()] : tempAddr[buf.tempId()];
                        dnnl_memory m = new dnnl_memory();
                        check(dnnl_memory_create(m, buf.md(), Lib.ENGINE, new Raw(addr)), "dnnl_memory_create");
                        mems.add(m);
                        args.position(i).arg(s.args()[i]).memory(m);
                    }
                    args.position(0);
                    check(dnnl_primitive_execute(s.prim(), stream, s.args().length, args), "dnnl_primitive_execute");
                }
                check(dnnl_stream_wait(stream), "dnnl_stream_wait");
            } finally {
                for (dnnl_memory m : mems) dnnl_memory_destroy(m);
            }
        }
    }

    /** A JavaCPP pointer to memory owned elsewhere: no deallocator. */
    private static final class Raw extends Pointer {
        Raw(long address) { this.address = address; }
    }
}
