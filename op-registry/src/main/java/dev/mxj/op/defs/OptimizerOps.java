package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.TypeException;
import dev.mxj.op.TypeRules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Optimizer update operators (MXNet 1.9 src/operator/optimizer_op.cc, contrib/adamw.cc,
 * contrib/preloaded_multi_sgd.cc). Each computes one step of an optimizer element-wise and
 * returns the new weight; optimizer states (momentum, moments, master float32 weights) are
 * inputs the operator mutates, exactly the ones MXNet lists in FMutateInputs. The weight
 * itself is not mutated: like MXNet, callers update it by passing it as the output
 * ({@code sgd_update(w, g, out=w)}); kernels read each element before writing it, so the
 * output may alias the weight.
 *
 * <p>Common parameters: lr, wd (weight decay), rescale_grad (gradient scale) and
 * clip_gradient. As in MXNet's kernels, clipping is on when clip_gradient >= 0 (MXNet's
 * docs say "> 0"; its Python optimizers never pass 0). Not differentiable.
 *
 * <p>The fused RNN operator of the same owner is declared in {@link RnnOps} and registered
 * from here, so the shared family list needs no change.
 */
public final class OptimizerOps {
    private OptimizerOps() {}

    static final String FAMILY = "optimizer";

    /**
     * One single-weight update operator: its inputs, the indices it mutates, how many leading
     * inputs share the output's dtype (the rest are float32: master weights and states of the
     * multi-precision forms; -1 = all), and inputs holding a single value (LAMB's norms,
     * AdamW's rescale_grad) that do not take the weight's shape.
     */
    private record Spec(String name, String[] aliases, String doc, List<Param> params, String[] inputs, int[] mutate,
                        int sameType, int[] scalars, DType forcedType, DType outType) {
        Spec(String name, String doc, List<Param> params, String[] inputs, int... mutate) {
            this(name, new String[0], doc, params, inputs, mutate, -1, new int[0], null, null);
        }

        Spec aliases(String... a) { return new Spec(name, a, doc, params, inputs, mutate, sameType, scalars, forcedType, outType); }

        /** Multi-precision: the first {@code n} inputs share the output dtype, the rest are float32. */
        Spec mp(int n) { return new Spec(name, aliases, doc, params, inputs, mutate, n, scalars, forcedType, outType); }

        Spec scalars(int... s) { return new Spec(name, aliases, doc, params, inputs, mutate, sameType, s, forcedType, outType); }

        /** mp_lamb_update_phase1: weight and grad must be {@code in}, the output is {@code out}. */
        Spec types(DType in, DType out) { return new Spec(name, aliases, doc, params, inputs, mutate, sameType, scalars, in, out); }
    }

    // ------------------------------------------------------------------ parameters

    private static Param lr() { return Param.floatParam("lr").required().doc("Learning rate."); }

    private static Param wd() {
        return Param.floatParam("wd").defaultValue(0.0).doc("Weight decay: adds wd * weight to the gradient (an L2 penalty).");
    }

    private static Param rescaleGrad() { return Param.floatParam("rescale_grad").defaultValue(1.0).doc("Rescale gradient to grad = rescale_grad * grad."); }

    private static Param clip(String name) {
        return Param.floatParam(name).defaultValue(-1.0)
                .doc("Clip the (rescaled) gradient to [-" + name + ", " + name + "]; a negative value turns clipping off.");
    }

    private static Param clipGradient() { return clip("clip_gradient"); }

    private static Param lazyUpdate() {
        return Param.boolParam("lazy_update").defaultValue(true)
                .doc("Lazy update for row_sparse gradients; dense arrays (the only storage here) always update every element.");
    }

    private static Param momentum() { return Param.floatParam("momentum").defaultValue(0.0).doc("The decay rate of momentum estimates at each epoch."); }

    private static Param epsilon(double d) { return Param.floatParam("epsilon").defaultValue(d).doc("A small constant for numerical stability."); }

    private static Param beta1(double d) { return Param.floatParam("beta1").defaultValue(d).doc("The decay rate for the 1st moment estimates."); }

    private static Param beta2(double d) { return Param.floatParam("beta2").defaultValue(d).doc("The decay rate for the 2nd moment estimates."); }

    private static Param clipWeights() {
        return Param.floatParam("clip_weights").defaultValue(-1.0).doc("Clip the new weight to [-clip_weights, clip_weights]; negative turns it off.");
    }

    private static List<Param> sgdParams() { return List.of(lr(), wd(), rescaleGrad(), clipGradient(), lazyUpdate()); }

    private static List<Param> sgdMomParams() { return List.of(lr(), momentum(), wd(), rescaleGrad(), clipGradient(), lazyUpdate()); }

    private static List<Param> nagParams() { return List.of(lr(), momentum(), wd(), rescaleGrad(), clipGradient()); }

    private static List<Param> lambPhase1Params() {
        return List.of(beta1(0.9), beta2(0.999), epsilon(1e-6), Param.intParam("t").required().doc("Index update count (for bias correction)."),
                Param.boolParam("bias_correction").defaultValue(true).doc("Whether to use bias correction."),
                Param.floatParam("wd").required().doc("Weight decay: adds wd * weight to the update direction."),
                rescaleGrad(), clipGradient());
    }

    private static List<Param> lambPhase2Params() {
        return List.of(lr(),
                Param.floatParam("lower_bound").defaultValue(-1.0).doc("Lower limit of the weight norm r1; negative: no limit."),
                Param.floatParam("upper_bound").defaultValue(-1.0).doc("Upper limit of the weight norm r1; negative: no limit."));
    }

    private static List<Param> adamwParams() {
        return List.of(lr(), beta1(0.9), beta2(0.999), epsilon(1e-8), wd(),
                Param.floatParam("eta").required().doc("Learning rate schedule multiplier."), clipGradient());
    }

    private static String[] in(String... names) { return names; }

    private static final List<Spec> SPECS = List.of(
            new Spec("sgd_update", "Stochastic gradient descent: weight = weight - lr * (clip(rescale_grad * grad) + wd * weight).",
                    sgdParams(), in("weight", "grad")).aliases("_sparse_sgd_update"),
            new Spec("sgd_mom_update", "SGD with momentum: mom = momentum * mom - lr * (clip(rescale_grad * grad) + wd * weight); weight = weight + mom.",
                    sgdMomParams(), in("weight", "grad", "mom"), 2).aliases("_sparse_sgd_mom_update"),
            new Spec("mp_sgd_update", "Multi-precision SGD: the float32 master weight32 is updated as by sgd_update and the "
                    + "(float16) weight output is weight32 rounded.", sgdParams(), in("weight", "grad", "weight32"), 2).mp(2),
            new Spec("mp_sgd_mom_update", "Multi-precision SGD with momentum: float32 mom and weight32 are updated as by "
                    + "sgd_mom_update; the output is weight32 rounded to the weight's dtype.", sgdMomParams(), in("weight", "grad", "mom", "weight32"), 2, 3).mp(2),
            new Spec("nag_mom_update", "Nesterov accelerated gradient: g = clip(rescale_grad * grad) + wd * weight; "
                    + "mom' = momentum * mom; weight = weight - mom' + (momentum + 1) * (mom' - lr * g); mom = mom' - lr * g.",
                    nagParams(), in("weight", "grad", "mom"), 2),
            new Spec("mp_nag_mom_update", "Multi-precision NAG: float32 mom and weight32 are updated as by nag_mom_update; "
                    + "the output is weight32 rounded.", nagParams(), in("weight", "grad", "mom", "weight32"), 2, 3).mp(2),
            new Spec("ftml_update", "Follow the Moving Leader: g = clip(rescale_grad * grad + wd * weight, clip_grad); "
                    + "v = beta2 v + (1 - beta2) g^2; d_t = (1 - beta1^t) / lr * (sqrt(v / (1 - beta2^t)) + epsilon); "
                    + "z = beta1 z + (1 - beta1) g - (d_t - beta1 d) weight; d = d_t; weight = -z / d_t.",
                    List.of(lr(), beta1(0.6).min(0).max(1), beta2(0.999).min(0).max(1), epsilon(1e-8),
                            Param.intParam("t").required().doc("Number of update."), wd(), rescaleGrad(), clip("clip_grad")),
                    in("weight", "grad", "d", "v", "z"), 2, 3, 4),
            new Spec("adam_update", "Adam (bias correction is left to the caller's lr): g = clip(rescale_grad * grad + wd * weight); "
                    + "mean = beta1 mean + (1 - beta1) g; var = beta2 var + (1 - beta2) g^2; weight = weight - lr * mean / (sqrt(var) + epsilon).",
                    List.of(lr(), beta1(0.9), beta2(0.999), epsilon(1e-8), wd(), rescaleGrad(), clipGradient(), lazyUpdate()),
                    in("weight", "grad", "mean", "var"), 2, 3).aliases("_sparse_adam_update"),
            new Spec("rmsprop_update", "RMSProp (Tieleman & Hinton): g = clip(rescale_grad * grad + wd * weight); "
                    + "n = (1 - gamma1) g^2 + gamma1 n; weight = clip_weights(weight - lr * g / sqrt(n + epsilon)).",
                    List.of(lr(), Param.floatParam("gamma1").defaultValue(0.95).doc("The decay rate of momentum estimates."), epsilon(1e-8), wd(),
                            rescaleGrad(), clipGradient(), clipWeights()),
                    in("weight", "grad", "n"), 2),
            new Spec("rmspropalex_update", "Centered RMSProp (Graves): g = clip(rescale_grad * grad + wd * weight); "
                    + "n = (1 - gamma1) g^2 + gamma1 n; g_avg = (1 - gamma1) g + gamma1 g_avg; "
                    + "delta = gamma2 delta - lr * g / sqrt(n - g_avg^2 + epsilon); weight = clip_weights(weight + delta).",
                    List.of(lr(), Param.floatParam("gamma1").defaultValue(0.95).doc("Decay rate."), Param.floatParam("gamma2").defaultValue(0.9).doc("Decay rate."),
                            epsilon(1e-8), wd(), rescaleGrad(), clipGradient(), clipWeights()),
                    in("weight", "grad", "n", "g", "delta"), 2, 3, 4),
            new Spec("ftrl_update", "FTRL-Proximal: g = clip(rescale_grad * grad); z += g - (sqrt(n + g^2) - sqrt(n)) * weight / lr; "
                    + "n += g^2; weight = (sign(z) * lamda1 - z) / ((beta + sqrt(n)) / lr + wd) * (|z| > lamda1).",
                    List.of(lr(), Param.floatParam("lamda1").defaultValue(0.01).doc("The L1 regularization coefficient."),
                            Param.floatParam("beta").defaultValue(1.0).doc("Per-coordinate learning rate beta."), wd(), rescaleGrad(), clipGradient()),
                    in("weight", "grad", "z", "n"), 2, 3).aliases("_sparse_ftrl_update"),
            new Spec("_sparse_adagrad_update", "AdaGrad: g = clip(rescale_grad * grad); history += g^2; "
                    + "weight = weight - lr * g / sqrt(history + epsilon). wd must be 0. MXNet runs it on row_sparse gradients only; "
                    + "on dense arrays the result equals that of a row_sparse gradient whose absent rows are zero.",
                    List.of(lr(), epsilon(1e-7), Param.floatParam("wd").defaultValue(0.0).doc("Weight decay; must be 0."), rescaleGrad(), clipGradient()),
                    in("weight", "grad", "history"), 2),
            new Spec("signsgd_update", "SignSGD: weight = (1 - lr * wd) * weight - lr * sign(grad). "
                    + "rescale_grad and clip_gradient are accepted and, as in MXNet, ignored (the sign does not depend on them).",
                    List.of(lr(), wd(), rescaleGrad(), clipGradient()), in("weight", "grad")),
            new Spec("signum_update", "Signum: mom = momentum * mom - (1 - momentum) * (clip(rescale_grad * grad) + wd * weight); "
                    + "weight = (1 - lr * wd_lh) * weight + lr * sign(mom).",
                    List.of(lr(), momentum(), wd(), rescaleGrad(), clipGradient(),
                            Param.floatParam("wd_lh").defaultValue(0.0).doc("Decoupled weight decay (Loshchilov & Hutter) applied to the weight directly.")),
                    in("weight", "grad", "mom"), 2),
            new Spec("lamb_update_phase1", "LAMB phase 1, returns the update direction g: grad = clip(rescale_grad * grad); "
                    + "mean = beta1 mean + (1 - beta1) grad; var = beta2 var + (1 - beta2) grad^2; with bias_correction "
                    + "mean /= 1 - beta1^t and var /= 1 - beta2^t; g = mean / (sqrt(var) + epsilon) + wd * weight.",
                    lambPhase1Params(), in("weight", "grad", "mean", "var"), 2, 3),
            new Spec("lamb_update_phase2", "LAMB phase 2: r1 (weight norm) is limited to [lower_bound, upper_bound] where set; "
                    + "lr' = lr * r1 / r2 unless r1 or r2 is 0; weight = weight - lr' * g. r1 and r2 hold one value each.",
                    lambPhase2Params(), in("weight", "g", "r1", "r2")).scalars(2, 3),
            new Spec("mp_lamb_update_phase1", "Multi-precision LAMB phase 1: float16 weight and grad, float32 mean, var and "
                    + "weight32 (used for the weight decay term); returns the float32 direction g.",
                    lambPhase1Params(), in("weight", "grad", "mean", "var", "weight32"), 2, 3).mp(2).types(DType.FLOAT16, DType.FLOAT32),
            new Spec("mp_lamb_update_phase2", "Multi-precision LAMB phase 2: weight32 = weight32 - lr' * g with lr' as in "
                    + "lamb_update_phase2; the output is weight32 rounded to the weight's dtype.",
                    lambPhase2Params(), in("weight", "g", "r1", "r2", "weight32"), 4).mp(1).scalars(2, 3),
            new Spec("_adamw_update", "AdamW (decoupled weight decay): g = clip(rescale_grad * grad); mean = beta1 mean + (1 - beta1) g; "
                    + "var = beta2 var + (1 - beta2) g^2; weight = weight - eta * (lr * mean / (sqrt(var) + epsilon) + wd * weight). "
                    + "rescale_grad is a one-element float32 input; if it is NaN, infinite or 0 the step is skipped: "
                    + "states are unchanged and the output is the weight.",
                    adamwParams(), in("weight", "grad", "mean", "var", "rescale_grad"), 2, 3).mp(4).scalars(4),
            new Spec("_mp_adamw_update", "Multi-precision AdamW: float32 mean, var and weight32 are updated as by _adamw_update; "
                    + "the output is weight32 rounded to the weight's dtype.",
                    adamwParams(), in("weight", "grad", "mean", "var", "weight32", "rescale_grad"), 2, 3, 4).mp(2).scalars(5));

    public static void register(OpRegistry r) {
        for (Spec s : SPECS) single(r, s);
        multi(r);
        RnnOps.register(r);
    }

    private static OpDef.Builder op(String name) { return OpDef.builder(name).family(FAMILY); }

    private static void single(OpRegistry r, Spec s) {
        OpDef.Builder b = op(s.name()).alias(s.aliases()).doc(s.doc()).inputs(s.inputs()).outputs("output").mutateInputs(s.mutate());
        for (Param p : s.params()) b.param(p);
        boolean[] scalar = new boolean[s.inputs().length];
        for (int i : s.scalars()) scalar[i] = true;
        b.inferShape((a, in, out) -> {
            if (s.name().equals("_sparse_adagrad_update") && a.getDouble("wd") != 0) {
                throw ShapeRules.error(a, "wd=" + a.getDouble("wd") + " is not supported (as in MXNet, AdaGrad's update applies no weight decay); use wd=0");
            }
            return elementwiseShape(a, in, out, scalar, 0, in.length, 0);
        });
        b.inferType((a, in, out) -> {
            int same = s.sameType() < 0 ? in.length : s.sameType();
            float32Inputs(a, in, same, in.length);
            if (s.forcedType() != null) {
                for (int i = 0; i < same; i++) TypeRules.assign(a, in, i, s.forcedType(), "input " + a.op().inputNames(a).get(i));
                TypeRules.assign(a, out, 0, s.outType(), "output");
                return TypeRules.allKnown(in);
            }
            return sameFloatType(a, in, out, 0, same, 0, 1);
        });
        b.register(r);
    }

    /**
     * Shape inference for inputs [from, to) and outputs [outIdx]: all share one shape, except
     * inputs marked scalar, which must hold exactly one value.
     */
    static boolean elementwiseShape(Attrs a, Shape[] in, Shape[] out, boolean[] scalar, int from, int to, int outIdx) {
        List<String> names = a.op().inputNames(a);
        Shape acc = out[outIdx];
        for (int i = from; i < to; i++) {
            if (scalar[i]) continue;
            Shape m = Shape.merge(acc, in[i]);
            if (m == null) {
                throw ShapeRules.error(a, "input " + names.get(i) + " has shape " + in[i] + " but the weight and the other inputs have shape " + acc
                        + "; weight, gradient and states must have the same shape");
            }
            acc = m;
        }
        for (int i = from; i < to; i++) {
            if (scalar[i]) {
                if (ShapeRules.known(in[i]) && in[i].size() != 1) {
                    throw ShapeRules.error(a, "input " + names.get(i) + " must hold one value, got shape " + in[i]);
                }
            } else if (acc != null) {
                in[i] = acc;
            }
        }
        if (acc != null) out[outIdx] = acc;
        for (int i = from; i < to; i++) if (!ShapeRules.known(in[i])) return false;
        return ShapeRules.known(out[outIdx]);
    }

    /** Inputs [from, to) not sharing the output's dtype are float32 (master weights, states, scalars). */
    static void float32Inputs(Attrs a, DType[] in, int from, int to) {
        List<String> names = a.op().inputNames(a);
        for (int i = from; i < to; i++) TypeRules.assign(a, in, i, DType.FLOAT32, "input " + names.get(i));
    }

    /**
     * Inputs [from, to) and outputs [outFrom, outTo) share one floating dtype (MXNet's
     * ElemwiseType with its real-type switch).
     */
    static boolean sameFloatType(Attrs a, DType[] in, DType[] out, int from, int to, int outFrom, int outTo) {
        List<String> names = a.op().inputNames(a);
        DType t = null;
        for (int i = from; i < to && t == null; i++) t = in[i];
        for (int i = outFrom; i < outTo && t == null; i++) t = out[i];
        if (t == null) return false;
        if (!t.isFloating()) {
            throw new TypeException("Operator " + a.op().name() + ": weight, gradient and states must have a floating-point dtype, got " + t);
        }
        for (int i = from; i < to; i++) {
            if (in[i] != null && in[i] != t) {
                throw new TypeException("Operator " + a.op().name() + ": input " + names.get(i) + " has dtype " + in[i] + " but the weight has " + t
                        + "; got " + Arrays.toString(in));
            }
            in[i] = t;
        }
        for (int i = outFrom; i < outTo; i++) TypeRules.assign(a, out, i, t, "output " + i);
        return TypeRules.allKnown(in);
    }

    // ------------------------------------------------------------------ multi-weight forms

    /** How trailing inputs after the groups are shaped: per-weight values (preloaded lrs, wds) or one value (rescale_grad). */
    private enum Trailing { PER_WEIGHT, ONE_VALUE }

    /**
     * A multi-weight form: {@code count} (num_weights or num_tensors) groups of inputs named
     * {@code perWeight[j] + "_" + i}, the last {@code fp32} of each group float32 (states and
     * master weights of the multi-precision forms), parameter tuples with one value per weight,
     * and trailing inputs after the groups ({@code trailingSameType}: they share the weights'
     * dtype, as MXNet's ElemwiseType<-1, -1> makes them, rather than being float32).
     */
    private record Multi(String name, String doc, String count, List<Param> params, String[] perWeight, int[] mutateInGroup, int fp32,
                         String[] tuples, String[] trailing, Trailing trailingKind, boolean trailingSameType) {}

    private static Param countParam(String name) { return Param.intParam(name).defaultValue(1).min(1).doc("Number of updated weights."); }

    private static List<Param> multiSgdParams(boolean preloaded, boolean momentum) {
        List<Param> l = new ArrayList<>();
        if (!preloaded) {
            l.add(Param.floatTupleParam("lrs").required().doc("Learning rates, one per weight."));
            l.add(Param.floatTupleParam("wds").required().doc("Weight decays, one per weight."));
        }
        if (momentum) l.add(momentum());
        l.add(rescaleGrad());
        l.add(clipGradient());
        l.add(countParam("num_weights"));
        return l;
    }

    private static Multi sgdForm(String name, String doc, String[] perWeight, int[] mutate, int fp32, boolean preloaded, boolean momentum) {
        return new Multi(name, doc, "num_weights", multiSgdParams(preloaded, momentum), perWeight, mutate, fp32,
                preloaded ? new String[0] : new String[] {"lrs", "wds"}, preloaded ? new String[] {"lrs", "wds"} : new String[0], Trailing.PER_WEIGHT, false);
    }

    private static List<Param> multiAdamwParams() {
        return List.of(Param.floatTupleParam("lrs").required().doc("Learning rates, one per weight."), beta1(0.9), beta2(0.999), epsilon(1e-8),
                Param.floatTupleParam("wds").required().doc("Weight decays, one per weight."),
                Param.floatTupleParam("etas").required().doc("Learning rate schedule multipliers, one per weight."), clipGradient(), countParam("num_weights"));
    }

    private static List<Param> multiLambParams() {
        return List.of(Param.floatTupleParam("learning_rates").required().doc("Learning rates, one per tensor."), beta1(0.9), beta2(0.999), epsilon(1e-6),
                Param.floatTupleParam("wds").required().doc("Weight decays, one per tensor."), rescaleGrad(),
                Param.floatParam("lower_bound").defaultValue(-1.0).doc("Lower limit of each weight norm; negative: no limit."),
                Param.floatParam("upper_bound").defaultValue(-1.0).doc("Upper limit of each weight norm; negative: no limit."),
                clipGradient(), Param.boolParam("bias_correction").defaultValue(true).doc("Whether to use bias correction."),
                Param.intTupleParam("step_count").required().doc("Step count of each tensor (t of its bias correction)."),
                Param.intParam("num_tensors").defaultValue(1).min(1).doc("Number of tensors."));
    }

    private static final String ADAMW_SKIP = " rescale_grad is the last input (one float32 value); if it is NaN, infinite or 0 the step is "
            + "skipped: states are unchanged and each output is its weight.";

    private static final List<Multi> MULTI = List.of(
            sgdForm("multi_sgd_update", "sgd_update of num_weights weights at once, with per-weight lrs and wds.",
                    in("weight", "grad"), new int[0], 0, false, false),
            sgdForm("multi_sgd_mom_update", "sgd_mom_update of num_weights weights at once, with per-weight lrs and wds.",
                    in("weight", "grad", "mom"), new int[] {2}, 0, false, true),
            sgdForm("multi_mp_sgd_update", "mp_sgd_update of num_weights weights at once, with per-weight lrs and wds.",
                    in("weight", "grad", "weight32"), new int[] {2}, 1, false, false),
            sgdForm("multi_mp_sgd_mom_update", "mp_sgd_mom_update of num_weights weights at once, with per-weight lrs and wds.",
                    in("weight", "grad", "mom", "weight32"), new int[] {2, 3}, 2, false, true),
            sgdForm("preloaded_multi_sgd_update", "multi_sgd_update with the learning rates and weight decays given as the "
                    + "last two inputs (arrays of num_weights values) instead of parameters.", in("weight", "grad"), new int[0], 0, true, false),
            sgdForm("preloaded_multi_sgd_mom_update", "multi_sgd_mom_update with the learning rates and weight decays given as the last two inputs.",
                    in("weight", "grad", "mom"), new int[] {2}, 0, true, true),
            sgdForm("preloaded_multi_mp_sgd_update", "multi_mp_sgd_update with the learning rates and weight decays given as the last two inputs.",
                    in("weight", "grad", "weight32"), new int[] {2}, 1, true, false),
            sgdForm("preloaded_multi_mp_sgd_mom_update", "multi_mp_sgd_mom_update with the learning rates and weight decays given as the last two inputs.",
                    in("weight", "grad", "mom", "weight32"), new int[] {2, 3}, 2, true, true),
            new Multi("_multi_adamw_update", "_adamw_update of num_weights weights at once, with per-weight lrs, wds and etas." + ADAMW_SKIP,
                    "num_weights", multiAdamwParams(), in("weight", "grad", "mean", "var"), new int[] {2, 3}, 0,
                    new String[] {"lrs", "wds", "etas"}, new String[] {"rescale_grad"}, Trailing.ONE_VALUE, true),
            new Multi("_multi_mp_adamw_update", "_mp_adamw_update of num_weights weights at once, with per-weight lrs, wds and etas." + ADAMW_SKIP,
                    "num_weights", multiAdamwParams(), in("weight", "grad", "mean", "var", "weight32"), new int[] {2, 3, 4}, 3,
                    new String[] {"lrs", "wds", "etas"}, new String[] {"rescale_grad"}, Trailing.ONE_VALUE, false),
            new Multi("_multi_lamb_update", "Both LAMB phases for num_tensors weights at once: per tensor, g as by lamb_update_phase1 "
                    + "(t = its step_count), then weight -= learning_rate * r1 / r2 * g with r1 = ||weight|| (limited to "
                    + "[lower_bound, upper_bound] where set) and r2 = ||g||, or without the ratio when either norm is 0.",
                    "num_tensors", multiLambParams(), in("weight", "grad", "mean", "var"), new int[] {2, 3}, 0,
                    new String[] {"learning_rates", "wds", "step_count"}, new String[0], Trailing.ONE_VALUE, true),
            new Multi("_multi_mp_lamb_update", "_multi_lamb_update with float32 mean, var and master weights weight32, which are updated; "
                    + "the outputs are the master weights rounded to the weights' dtype.",
                    "num_tensors", multiLambParams(), in("weight", "grad", "mean", "var", "weight32"), new int[] {2, 3, 4}, 3,
                    new String[] {"learning_rates", "wds", "step_count"}, new String[0], Trailing.ONE_VALUE, false));

    private static void multi(OpRegistry r) {
        for (Multi m : MULTI) {
            int stride = m.perWeight().length, nTrail = m.trailing().length;
            StringBuilder names = new StringBuilder();
            for (String p : m.perWeight()) names.append(p).append("_0, ");
            OpDef.Builder b = op(m.name()).doc(m.doc() + " Inputs: " + names + "..., then the same for weight 1 and so on ("
                    + m.count() + " groups)" + (nTrail > 0 ? ", then " + String.join(", ", m.trailing()) : "") + ".");
            for (Param p : m.params()) b.param(p);
            b.inputs(a -> {
                List<String> l = new ArrayList<>();
                for (int i = 0; i < a.getInt(m.count()); i++) for (String p : m.perWeight()) l.add(p + "_" + i);
                l.addAll(List.of(m.trailing()));
                return l;
            });
            b.outputs(a -> {
                List<String> l = new ArrayList<>();
                for (int i = 0; i < a.getInt(m.count()); i++) l.add("output_" + i);
                return l;
            });
            b.mutateInputs(a -> {
                int n = a.getInt(m.count());
                int[] idx = new int[n * m.mutateInGroup().length];
                for (int i = 0, k = 0; i < n; i++) for (int j : m.mutateInGroup()) idx[k++] = i * stride + j;
                return idx;
            });
            b.inferShape((a, in, out) -> {
                int n = a.getInt(m.count());
                for (String t : m.tuples()) checkTuple(a, t, n, m.count());
                boolean[] none = new boolean[in.length];
                boolean done = true;
                for (int i = 0; i < n; i++) done &= elementwiseShape(a, in, out, none, i * stride, (i + 1) * stride, i);
                for (int k = 0; k < nTrail; k++) {
                    Shape s = in[n * stride + k];
                    long want = m.trailingKind() == Trailing.PER_WEIGHT ? n : 1;
                    if (ShapeRules.known(s) && s.size() != want) {
                        throw ShapeRules.error(a, "input " + m.trailing()[k] + " has " + s.size() + " values, expected " + want
                                + (want == 1 ? "" : " for " + m.count() + "=" + n));
                    }
                    done &= ShapeRules.known(s);
                }
                return done;
            });
            b.inferType((a, in, out) -> {
                int n = a.getInt(m.count());
                boolean done = true;
                for (int i = 0; i < n; i++) {
                    int g = i * stride;
                    float32Inputs(a, in, g + stride - m.fp32(), g + stride);
                    done &= sameFloatType(a, in, out, g, g + stride - m.fp32(), i, i + 1);
                }
                for (int k = 0; k < nTrail; k++) {
                    int j = n * stride + k;
                    if (m.trailingSameType()) {
                        TypeRules.assign(a, in, j, out[0], "input " + m.trailing()[k]);
                    } else if (m.trailingKind() == Trailing.ONE_VALUE) {
                        TypeRules.assign(a, in, j, DType.FLOAT32, "input " + m.trailing()[k]);
                    } else if (in[j] != null && !in[j].isFloating()) {
                        throw new TypeException("Operator " + a.op().name() + ": " + m.trailing()[k] + " must be floating-point, got " + in[j]);
                    }
                }
                return done && TypeRules.allKnown(in);
            });
            b.register(r);
        }
    }

    private static void checkTuple(Attrs a, String name, int n, String count) {
        Object v = a.get(name);
        int len = v instanceof long[] l ? l.length : ((double[]) v).length;
        if (len != n) {
            String what = switch (name) {
                case "lrs", "learning_rates" -> "learning rates";
                case "wds" -> "weight decays";
                case "etas" -> "learning rate schedule multipliers";
                default -> "step counts";
            };
            throw new ShapeException("Operator " + a.op().name() + ": the number of " + what + " (" + name + ") is inconsistent with "
                    + count + ": expected " + n + ", got " + len);
        }
    }
}
