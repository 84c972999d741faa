package dev.mxj.cpu.kernels;

import dev.mxj.device.Device;
import dev.mxj.device.Kernel;
import dev.mxj.device.KernelTable;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Storage;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.op.defs.FusedOps;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CPU kernel of {@link FusedOps#NAME}: the program runs block by block ({@value #BLOCK}
 * elements), so every intermediate lives in a small register array that stays in cache and
 * memory is read once per input and written once. Blocks are split over threads like any
 * element-wise kernel. Each step is a loop over a whole block: the hottest float32 steps
 * (relu/sigmoid/tanh and their backward, arithmetic with tensors and scalars) are plain loops on
 * {@code float[]} registers written to give bit for bit what the operator's own kernel gives; any
 * other step calls that operator's kernel on the block, so its semantics are the kernel's by
 * construction. With OpReq.ADD the last step is the operator's kernel writing into the output with
 * ADD, exactly as the unfused node would.
 */
final class FusedKernels {
    private FusedKernels() {}

    /** Elements per block: a dozen float registers of this size fit in L1/L2 together. */
    static final int BLOCK = 2048;

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final OpReq[] WRITE = {OpReq.WRITE}, ADD = {OpReq.ADD};

    /** Steps with a float32 loop here; NONE runs the operator's kernel on the block. */
    enum Fast { NONE, RELU, SIGMOID, TANH, ADD, SUB, MUL, DIV, ADD_S, SUB_S, RSUB_S, MUL_S, DIV_S, RDIV_S, NEG, SQUARE, COPY, RELU_GRAD, SIGMOID_GRAD, TANH_GRAD }

    /** One compiled step: registers are mapped to slots, reused once their value is dead. */
    private record Op(Fast fast, Kernel kernel, Attrs attrs, int[] in, int out, float scalar) {}

    /** A program with slots assigned: {@code inputSlot[k]} receives input k, {@code outSlot} holds the result. */
    private record Compiled(int slots, int[] inputSlot, Op[] ops, int outSlot) {}

    static void register(KernelTable t) {
        Map<String, Compiled> cache = new ConcurrentHashMap<>();
        t.add(FusedOps.NAME, (ctx, a, in, req, out) -> {
            if (Elementwise.skip(req[0], out[0])) return;
            Compiled c = cache.get(a.getString("program"));
            if (c == null) {
                c = compile(FusedOps.program(a), t);
                if (cache.size() > 1024) cache.clear();
                cache.put(a.getString("program"), c);
            }
            run(c, ctx, in, req[0], out[0]);
        });
    }

    private static Compiled compile(FusedOps.Program p, KernelTable t) {
        int n = p.numInputs(), nreg = p.numRegisters();
        int[] lastUse = new int[nreg];
        Arrays.fill(lastUse, -1);
        for (int k = 0; k < p.steps().size(); k++) for (int r : p.steps().get(k).args()) lastUse[r] = k;
        int[] slot = new int[nreg];
        int slots = 0;
        for (int i = 0; i < n; i++) slot[i] = slots++;
        ArrayDeque<Integer> free = new ArrayDeque<>();
        Op[] ops = new Op[p.steps().size()];
        for (int k = 0; k < ops.length; k++) {
            FusedOps.Step s = p.steps().get(k);
            Attrs a = s.attrs();
            Kernel kernel = t.get(a.op().name());
            if (kernel == null) throw new IllegalStateException(FusedOps.NAME + ": no CPU kernel for step " + a.op().name());
            Fast f = fast(a);
            int[] in = new int[s.args().length];
            for (int i = 0; i < in.length; i++) in[i] = slot[s.args()[i]];
            ArrayDeque<Integer> dying = new ArrayDeque<>();
            for (int r : s.args()) if (lastUse[r] == k && !dying.contains(slot[r])) dying.add(slot[r]);
            // a float loop may overwrite a dead input in place; another operator's kernel gets a distinct output
            if (f != Fast.NONE) free.addAll(dying);
            int out = free.isEmpty() ? slots++ : free.pop();
            if (f == Fast.NONE) free.addAll(dying);
            slot[n + k] = out;
            float scalar = a.op().params().containsKey("scalar") ? (float) a.getDouble("scalar") : 0f;
            ops[k] = new Op(f, kernel, a, in, out, scalar);
        }
        int[] inputSlot = Arrays.copyOf(slot, n);
        return new Compiled(slots, inputSlot, ops, slot[nreg - 1]);
    }

    private static Fast fast(Attrs a) {
        return switch (a.op().name()) {
            case "relu" -> Fast.RELU;
            case "sigmoid" -> Fast.SIGMOID;
            case "tanh" -> Fast.TANH;
            case "Activation" -> switch (a.getString("act_type")) {
                case "relu" -> Fast.RELU;
                case "sigmoid" -> Fast.SIGMOID;
                case "tanh" -> Fast.TANH;
                default -> Fast.NONE;
            };
            case "_backward_Activation" -> switch (a.getString("act_type")) {
                case "relu" -> Fast.RELU_GRAD;
                case "sigmoid" -> Fast.SIGMOID_GRAD;
                case "tanh" -> Fast.TANH_GRAD;
                default -> Fast.NONE;
            };
            case "_backward_relu" -> Fast.RELU_GRAD;
            case "elemwise_add" -> Fast.ADD;
            case "elemwise_sub" -> Fast.SUB;
            case "elemwise_mul" -> Fast.MUL;
            case "elemwise_div" -> Fast.DIV;
            case "_plus_scalar" -> Fast.ADD_S;
            case "_minus_scalar" -> Fast.SUB_S;
            case "_rminus_scalar" -> Fast.RSUB_S;
            case "_mul_scalar" -> Fast.MUL_S;
            case "_div_scalar" -> Fast.DIV_S;
            case "_rdiv_scalar" -> Fast.RDIV_S;
            case "negative" -> Fast.NEG;
            case "square" -> Fast.SQUARE;
            case "_copy" -> Fast.COPY;
            default -> Fast.NONE;
        };
    }

    /** Host memory of one register, seen as a storage so that operators' kernels can run on it. */
    private record HeapStorage(Device device, MemorySegment hostSegment) implements Storage {
        @Override public long bytes() { return hostSegment.byteSize(); }

        @Override public long address() { return 0; }
    }

    private static void run(Compiled c, OpContext ctx, Tensor[] in, OpReq req, Tensor out) {
        DType t = out.dtype();
        boolean f32 = t == DType.FLOAT32;
        int bs = t.byteSize();
        MemorySegment[] is = new MemorySegment[in.length];
        for (int k = 0; k < in.length; k++) is[k] = in[k].segment();
        MemorySegment os = out.segment();
        CpuParallel.forRange(out.size(), Elementwise.GRAIN, (from, to) -> {
            // float32 registers are float[] for the loops below; other dtypes only go through kernels, on 8-aligned memory
            float[][] fr = f32 ? new float[c.slots][BLOCK] : null;
            MemorySegment[] rs = new MemorySegment[c.slots];
            for (int s = 0; s < c.slots; s++) rs[s] = f32 ? MemorySegment.ofArray(fr[s]) : MemorySegment.ofArray(new long[(BLOCK * bs + 7) / 8]);
            Tensor[] full = new Tensor[c.slots];
            for (int s = 0; s < c.slots; s++) full[s] = new Tensor(new HeapStorage(ctx.device(), rs[s]), 0, Shape.of(BLOCK), t);
            int lastOp = c.ops.length - 1;
            for (long i = from; i < to; i += BLOCK) {
                int n = (int) Math.min(BLOCK, to - i);
                for (int k = 0; k < is.length; k++) MemorySegment.copy(is[k], i * bs, rs[c.inputSlot[k]], 0, (long) n * bs);
                for (int j = 0; j <= lastOp; j++) {
                    Op op = c.ops[j];
                    if (j == lastOp && req == OpReq.ADD) {
                        Tensor dst = new Tensor(out.storage(), out.byteOffset() + i * bs, Shape.of(n), t);
                        op.kernel.compute(ctx, op.attrs, regs(op.in, full, n), ADD, new Tensor[] {dst});
                    } else if (f32 && op.fast != Fast.NONE) {
                        loop(op, fr, n);
                    } else {
                        op.kernel.compute(ctx, op.attrs, regs(op.in, full, n), WRITE, new Tensor[] {reg(full[op.out], n)});
                    }
                }
                if (req != OpReq.ADD) MemorySegment.copy(rs[c.outSlot], 0, os, i * bs, (long) n * bs);
            }
        });
    }

    /** The first {@code n} elements of a register (the last block of a range is shorter). */
    private static Tensor reg(Tensor full, int n) { return n == BLOCK ? full : new Tensor(full.storage(), 0, Shape.of(n), full.dtype()); }

    private static Tensor[] regs(int[] slots, Tensor[] full, int n) {
        Tensor[] r = new Tensor[slots.length];
        for (int i = 0; i < r.length; i++) r[i] = reg(full[slots[i]], n);
        return r;
    }

    /**
     * The float32 steps, each the expression the operator's own float32 kernel evaluates (same
     * operations in the same order, so the same bits); reading element i before writing it makes
     * an output in an input's slot safe.
     */
    private static void loop(Op op, float[][] r, int n) {
        float[] o = r[op.out], a = r[op.in[0]], b = op.in.length > 1 ? r[op.in[1]] : null;
        float s = op.scalar;
        switch (op.fast) {
            case RELU -> { for (int i = 0; i < n; i++) o[i] = Math.max(a[i], 0f); }
            case SIGMOID -> { for (int i = 0; i < n; i++) o[i] = (float) (1 / (1 + Math.exp(-a[i]))); }
            case TANH -> { for (int i = 0; i < n; i++) o[i] = (float) Math.tanh(a[i]); }
            case ADD -> { for (int i = 0; i < n; i++) o[i] = a[i] + b[i]; }
            case SUB -> { for (int i = 0; i < n; i++) o[i] = a[i] - b[i]; }
            case MUL -> { for (int i = 0; i < n; i++) o[i] = a[i] * b[i]; }
            case DIV -> { for (int i = 0; i < n; i++) o[i] = a[i] / b[i]; }
            case ADD_S -> { for (int i = 0; i < n; i++) o[i] = a[i] + s; }
            case SUB_S -> { for (int i = 0; i < n; i++) o[i] = a[i] - s; }
            case RSUB_S -> { for (int i = 0; i < n; i++) o[i] = s - a[i]; }
            case MUL_S -> { for (int i = 0; i < n; i++) o[i] = a[i] * s; }
            case DIV_S -> { for (int i = 0; i < n; i++) o[i] = a[i] / s; }
            case RDIV_S -> { for (int i = 0; i < n; i++) o[i] = s / a[i]; }
            case NEG -> { for (int i = 0; i < n; i++) o[i] = -a[i]; }
            case SQUARE -> { for (int i = 0; i < n; i++) o[i] = a[i] * a[i]; }
            case COPY -> { if (o != a) System.arraycopy(a, 0, o, 0, n); }
            case RELU_GRAD -> { for (int i = 0; i < n; i++) o[i] = a[i] * reluStep(b[i]); }
            case SIGMOID_GRAD -> { for (int i = 0; i < n; i++) { float v = b[i]; o[i] = a[i] * v * (1f - v); } }
            case TANH_GRAD -> { for (int i = 0; i < n; i++) { float v = b[i]; o[i] = a[i] * (1f - v * v); } }
            case NONE -> throw new IllegalStateException("no float loop for " + op.attrs.op().name());
        }
    }

    /** relu's derivative from its output, branch-free: 1 above zero, 0 at or below, NaN for NaN (see NnActivationKernels). */
    private static float reluStep(float y) { return Math.max(Math.min(y * 0x1p75f * 0x1p75f, 1f), 0f); }
}
