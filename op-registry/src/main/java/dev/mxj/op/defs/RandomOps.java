package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;
import dev.mxj.op.Resource;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeFn;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.TypeException;
import dev.mxj.op.TypeFn;
import dev.mxj.op.TypeRules;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Random sampling operators (MXNet 1.9 src/operator/random/sample_op.cc,
 * sample_multinomial_op.cc, shuffle_op.cc). They draw from the device generator
 * (Resource.RANDOM), so a seeded generator reproduces the same values. Not differentiable,
 * except sample_multinomial's log-probability output as in MXNet.
 */
public final class RandomOps {
    private RandomOps() {}

    private static final String FAMILY = "random";

    /** A distribution: its parameters (name, default, doc) and the check MXNet applies to them. */
    private record Dist(String name, String[] aliases, String doc, Param[] params, Check check, boolean integer, String[] sampleInputs) {}

    @FunctionalInterface
    private interface Check {
        /** Returns an error message, or null when the parameters are valid. */
        String validate(Attrs a);
    }

    private static final List<Dist> DISTS = List.of(
            new Dist("uniform", new String[] {"uniform", "random_uniform"},
                    "Draws samples uniformly from [low, high).",
                    new Param[] {Param.floatParam("low").defaultValue(0.0).doc("Lower bound of the distribution."),
                            Param.floatParam("high").defaultValue(1.0).doc("Upper bound of the distribution.")},
                    a -> a.getDouble("high") < a.getDouble("low") ? "low must be less than or equal to high" : null, false,
                    new String[] {"low", "high"}),
            new Dist("normal", new String[] {"normal", "random_normal"},
                    "Draws samples from a normal distribution with mean loc and standard deviation scale.",
                    new Param[] {Param.floatParam("loc").defaultValue(0.0).doc("Mean of the distribution."),
                            Param.floatParam("scale").defaultValue(1.0).doc("Standard deviation of the distribution.")},
                    a -> a.getDouble("scale") <= 0 ? "scale must be positive" : null, false,
                    new String[] {"mu", "sigma"}),
            new Dist("gamma", new String[] {"random_gamma"},
                    "Draws samples from a gamma distribution with shape alpha and scale beta (mean alpha * beta).",
                    new Param[] {Param.floatParam("alpha").defaultValue(1.0).doc("Alpha (shape) of the gamma distribution."),
                            Param.floatParam("beta").defaultValue(1.0).doc("Beta (scale) of the gamma distribution.")},
                    a -> a.getDouble("alpha") <= 0 || a.getDouble("beta") <= 0 ? "alpha and beta must be positive" : null, false,
                    new String[] {"alpha", "beta"}),
            new Dist("exponential", new String[] {"random_exponential"},
                    "Draws samples from an exponential distribution with rate lam (mean 1 / lam).",
                    new Param[] {Param.floatParam("lam").defaultValue(1.0).doc("Lambda (rate) of the exponential distribution.")},
                    a -> a.getDouble("lam") <= 0 ? "lam must be positive" : null, false,
                    new String[] {"lam"}),
            new Dist("poisson", new String[] {"random_poisson"},
                    "Draws samples from a Poisson distribution with rate lam; samples are integers stored in a float dtype.",
                    new Param[] {Param.floatParam("lam").defaultValue(1.0).doc("Lambda (rate) of the Poisson distribution.")},
                    a -> a.getDouble("lam") < 0 ? "lam must be non-negative" : null, false,
                    new String[] {"lam"}),
            new Dist("negative_binomial", new String[] {"random_negative_binomial"},
                    "Draws the number of failures before k successes with success probability p (mean k (1 - p) / p).",
                    new Param[] {Param.intParam("k").defaultValue(1).doc("Limit of unsuccessful experiments."),
                            Param.floatParam("p").defaultValue(1.0).doc("Success probability in each experiment.")},
                    a -> a.getInt("k") < 0 || a.getDouble("p") <= 0 || a.getDouble("p") > 1 ? "k must be non-negative and p in (0, 1]" : null, false,
                    new String[] {"k", "p"}),
            new Dist("generalized_negative_binomial", new String[] {"random_generalized_negative_binomial"},
                    "Draws from a negative binomial with mean mu and dispersion alpha (variance mu + alpha * mu^2).",
                    new Param[] {Param.floatParam("mu").defaultValue(1.0).doc("Mean of the distribution."),
                            Param.floatParam("alpha").defaultValue(1.0).doc("Alpha (dispersion) of the distribution.")},
                    a -> a.getDouble("mu") < 0 || a.getDouble("alpha") < 0 ? "mu and alpha must be non-negative" : null, false,
                    new String[] {"mu", "alpha"}),
            new Dist("randint", new String[] {"random_randint", "_npi_random_randint"},
                    "Draws integers uniformly from [low, high).",
                    new Param[] {Param.longParam("low").required().doc("Lower bound of the distribution."),
                            Param.longParam("high").required().doc("Upper bound of the distribution (exclusive).")},
                    a -> a.getLong("high") <= a.getLong("low") ? "low must be less than high" : null, true, null));

    public static void register(OpRegistry r) {
        for (Dist d : DISTS) {
            OpDef.Builder b = OpDef.builder("_random_" + d.name()).family(FAMILY).alias(d.aliases())
                    .doc(d.doc() + " The output has the given shape; dtype defaults to " + (d.integer() ? "int32." : "float32."))
                    .inputs(new String[0])
                    .resources(Resource.RANDOM);
            for (Param p : d.params()) b.param(copy(p));
            b.param(Param.intTupleParam("shape").defaultValue(new long[0]).doc("Shape of the output."))
                    .param(Param.stringParam("ctx").defaultValue("").doc("Context of the output (imperative calls; ignored here)."))
                    .param(d.integer() ? Param.enumParam("dtype", "int32", "int64").optional().doc("Output dtype; None means int32.")
                            : Param.enumParam("dtype", "float32", "float64", "float16").optional().doc("Output dtype; None means float32."))
                    .inferShape(checked(d, (a, in, out) -> {
                        Shape s = a.getShape("shape");
                        if (s.ndim() > 0) ShapeRules.assign(a, out, 0, s, "output");
                        return ShapeRules.known(out[0]);
                    }))
                    .inferType(sampleType(d.integer()))
                    .register(r);

            if (d.integer()) continue;  // MXNet has no _random_randint_like
            OpDef.Builder like = OpDef.builder("_random_" + d.name() + "_like").family(FAMILY)
                    .doc(d.doc() + " The output has the shape and dtype of the input, whose values are ignored.")
                    .resources(Resource.RANDOM)
                    .inferShape(checked(d, ShapeRules.SAME))
                    .inferType((a, in, out) -> {
                        if (in[0] != null && !in[0].isFloating()) {
                            throw new TypeException("Operator " + a.op().name() + ": data must have a float dtype, got " + in[0]);
                        }
                        return TypeRules.SAME.infer(a, in, out);
                    })
                    .zeroGradient();
            for (Param p : d.params()) like.param(copy(p));
            like.register(r);

            String[] ins = d.sampleInputs();
            OpDef.builder("_sample_" + d.name()).family(FAMILY).alias("sample_" + d.name())
                    .doc(d.doc() + " Concurrent sampling: the inputs " + String.join(" and ", ins) + " hold one parameter set per "
                            + "element, and `shape` samples are drawn from each, so the output has shape input.shape + shape. "
                            + "Parameters are not validated per element (as in MXNet).")
                    .inputs(ins)
                    .param(Param.intTupleParam("shape").defaultValue(new long[0]).min(1).doc("Samples drawn per parameter set."))
                    .param(Param.enumParam("dtype", "float32", "float64", "float16").optional().doc("Output dtype; None means float32."))
                    .resources(Resource.RANDOM)
                    .inferShape(RandomOps::multiSampleShape)
                    .inferType(RandomOps::multiSampleType)
                    .zeroGradient()
                    .register(r);
        }

        OpDef.builder("_sample_multinomial").alias("sample_multinomial").family(FAMILY)
                .doc("Draws `shape` samples from each categorical distribution in the last axis of data (which must sum to 1). "
                        + "The output has shape data.shape[:-1] + shape; with get_prob=True a second output holds the log "
                        + "probability of each sample, whose gradient is out_grad / p at the drawn category. "
                        + "Example: sample_multinomial([[0, 0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1, 0]]) might give [3, 0].")
                .param(Param.intTupleParam("shape").defaultValue(new long[0]).doc("Samples drawn per distribution."))
                .param(Param.boolParam("get_prob").defaultValue(false).doc("Also return the log probability of each sample."))
                .param(Param.enumParam("dtype", "uint8", "int32", "float16", "float32", "float64").defaultValue("int32").doc("DType of the samples."))
                .outputs(a -> a.getBool("get_prob") ? List.of("output", "log_prob") : List.of("output"))
                .resources(Resource.RANDOM)
                .inferShape(RandomOps::multinomialShape)
                .inferType((a, in, out) -> {
                    if (in[0] != null && !in[0].isFloating()) throw new TypeException("Operator _sample_multinomial: probabilities must have a float dtype, got " + in[0]);
                    TypeRules.assign(a, out, 0, DType.parse(a.getString("dtype")), "output");
                    if (out.length > 1 && in[0] != null) TypeRules.assign(a, out, 1, in[0], "output log_prob");
                    return in[0] != null;
                })
                .gradient(g -> {
                    List<NodeEntry> res = new ArrayList<>();
                    res.add(g.attrs().getBool("get_prob") ? g.op("_backward_sample_multinomial", g.outGrad(1), g.input(0), g.output(0)) : null);
                    return res;
                })
                .register(r);

        OpDef.builder("_backward_sample_multinomial").family(FAMILY)
                .doc("Gradient of sample_multinomial's log probabilities: out_grad / p added at each drawn category.")
                .inputs("out_grad", "data", "samples")
                .inferShape(ShapeFamilySupport.shapeOfInput(1))
                .inferType((a, in, out) -> {
                    if (in[1] == null) return false;
                    TypeRules.assign(a, out, 0, in[1], "output");
                    return true;
                })
                .backwardOf("_sample_multinomial")
                .register(r);

        OpDef.builder("_shuffle").alias("shuffle", "_npi_shuffle").family(FAMILY)
                .doc("Randomly permutes the input along its first axis; each sub-array (row) keeps its order.")
                .resources(Resource.RANDOM, Resource.TEMP_SPACE)
                .inferShape((a, in, out) -> {
                    if (ShapeRules.known(in[0]) && in[0].ndim() == 0) throw ShapeRules.error(a, "cannot shuffle a 0-dimensional array");
                    return ShapeRules.SAME.infer(a, in, out);
                })
                .inplace(0, 0)
                .register(r);
    }

    /** A fresh copy of a template parameter (Param is mutable and owned by one operator). */
    private static Param copy(Param p) {
        Param c = switch (p.type()) {
            case INT -> Param.intParam(p.name());
            case LONG -> Param.longParam(p.name());
            case FLOAT -> Param.floatParam(p.name());
            default -> throw new IllegalStateException("unexpected parameter type " + p.type());
        };
        if (p.isRequired()) c.required();
        if (p.defaultValue() != null) c.defaultValue(p.defaultValue());
        return c.doc(p.doc());
    }

    /** Validate the distribution parameters before inferring shapes, so bad values fail before any kernel runs. */
    private static ShapeFn checked(Dist d, ShapeFn f) {
        return (a, in, out) -> {
            String err = d.check().validate(a);
            if (err != null) throw ShapeRules.error(a, err + " (got " + a + ")");
            return f.infer(a, in, out);
        };
    }

    /** MXNet's SampleOpType: the dtype parameter, else an already known output type, else the default. */
    private static TypeFn sampleType(boolean integer) {
        return (a, in, out) -> {
            DType want = a.has("dtype") ? DType.parse(a.getString("dtype")) : null;
            DType t = want != null ? want : out[0] != null ? out[0] : integer ? DType.INT32 : DType.FLOAT32;
            boolean ok = integer ? t == DType.INT32 || t == DType.INT64 : t.isFloating();
            if (!ok) throw new TypeException("Operator " + a.op().name() + ": output dtype must be " + (integer ? "int32 or int64" : "float16, float32 or float64") + ", got " + t);
            TypeRules.assign(a, out, 0, t, "output");
            return true;
        };
    }

    /** Parameter arrays share one float dtype; the output dtype is chosen as for the scalar samplers. */
    private static boolean multiSampleType(Attrs a, DType[] in, DType[] out) {
        DType t = null;
        for (DType x : in) {
            if (x == null) continue;
            if (t != null && x != t) throw new TypeException("Operator " + a.op().name() + ": parameter arrays must share one dtype, got " + Arrays.toString(in));
            t = x;
        }
        if (t == null) return false;
        if (!t.isFloating()) throw new TypeException("Operator " + a.op().name() + ": parameters must have a float dtype, got " + t);
        for (int i = 0; i < in.length; i++) TypeRules.assign(a, in, i, t, "input " + i);
        return sampleType(false).infer(a, in, out);
    }

    /** Inputs share one shape P; the output is P + shape. */
    private static boolean multiSampleShape(Attrs a, Shape[] in, Shape[] out) {
        Shape p = null;
        for (Shape s : in) {
            if (s == null) continue;
            Shape m = Shape.merge(p, s);
            if (m == null) throw ShapeRules.error(a, "all parameter arrays must have the same shape, got " + Arrays.toString(in));
            p = m;
        }
        if (!ShapeRules.known(p)) return false;
        for (int i = 0; i < in.length; i++) ShapeRules.assign(a, in, i, p, "input " + i);
        long[] s = a.getLongs("shape"), od = Arrays.copyOf(p.dims(), p.ndim() + s.length);
        System.arraycopy(s, 0, od, p.ndim(), s.length);
        ShapeRules.assign(a, out, 0, Shape.of(od), "output");
        return true;
    }

    private static boolean multinomialShape(Attrs a, Shape[] in, Shape[] out) {
        if (!ShapeRules.known(in[0])) return false;
        Shape d = in[0];
        if (d.ndim() == 0) throw ShapeRules.error(a, "data must have at least 1 dimension (the categories), got a scalar");
        if (d.dim(-1) == 0) throw ShapeRules.error(a, "data " + d + " has no categories");
        long[] s = a.getLongs("shape");
        Shape o;
        if (d.ndim() == 1) {
            o = s.length > 0 ? Shape.of(s) : Shape.of(1L);
        } else {
            long[] head = Arrays.copyOf(d.dims(), d.ndim() - 1), od = Arrays.copyOf(head, head.length + s.length);
            System.arraycopy(s, 0, od, head.length, s.length);
            o = Shape.of(od);
        }
        for (int i = 0; i < out.length; i++) ShapeRules.assign(a, out, i, o, "output " + i);
        return true;
    }
}
