package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;
import dev.mxj.op.Resource;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.TypeException;
import dev.mxj.op.TypeRules;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The fused recurrent layer (MXNet 1.9 src/operator/rnn.cc, rnn-inl.h, rnn_impl.h): vanilla
 * RNN with relu or tanh, LSTM and GRU, stacked and optionally bidirectional, on time-major
 * data (T, N, C). All weights and biases travel in one flat vector packed as MXNet and cuDNN
 * pack them (see {@link Geometry}); shape inference derives its length from the data.
 *
 * <p>The gradient is one {@code _backward_RNN} node (backpropagation through time). MXNet's
 * stateful operator keeps the forward pass's activations for it; here nodes are stateless,
 * so the backward operator takes the forward inputs and recomputes the activations. Dropout
 * between layers (training only) is the one random part: its scaled mask is a hidden output
 * of RNN that the backward operator reads, so both passes see the same mask.
 *
 * <p>Beyond MXNet's CPU operator, which rejects them: use_sequence_length (cuDNN's semantics:
 * steps at or beyond an element's length leave its state unchanged and output zeros; the
 * reverse direction starts at the element's last valid step) and LSTM cell-state clipping.
 * projection_size is rejected.
 */
public final class RnnOps {
    private RnnOps() {}

    /**
     * Sizes of one RNN call and the layout of its parameter vector: first the weights of every
     * layer and direction (layer-major, forward direction first), each the input-to-hidden
     * matrix (G*H, in) followed by the hidden-to-hidden matrix (G*H, H); then the biases in the
     * same order, each b_x (G*H) followed by b_h (G*H). Gates are stacked in cuDNN's order:
     * LSTM input, forget, cell (g), output; GRU reset, update, new.
     */
    public record Geometry(String mode, int gates, int layers, int dirs, long steps, long batch, long inputSize, long hidden) {
        public static Geometry of(Attrs a, Shape data) {
            String mode = a.getString("mode");
            int g = switch (mode) {
                case "lstm" -> 4;
                case "gru" -> 3;
                default -> 1;
            };
            return new Geometry(mode, g, a.getInt("num_layers"), a.getBool("bidirectional") ? 2 : 1, data.dim(0), data.dim(1), data.dim(2), a.getInt("state_size"));
        }

        /** Width of layer {@code l}'s input. */
        public long layerInput(int l) { return l == 0 ? inputSize : dirs * hidden; }

        /** Rows of every weight matrix and length of every bias: gates * hidden. */
        public long gateRows() { return gates * hidden; }

        private long weightsOf(int l) { return gateRows() * (layerInput(l) + hidden); }

        public long weightCount() {
            long s = 0;
            for (int l = 0; l < layers; l++) s += dirs * weightsOf(l);
            return s;
        }

        /** MXNet's GetRnnParamSize (without projection). */
        public long paramSize() { return weightCount() + (long) layers * dirs * 2 * gateRows(); }

        public long wxOffset(int l, int d) {
            long s = 0;
            for (int k = 0; k < l; k++) s += dirs * weightsOf(k);
            return s + d * weightsOf(l);
        }

        public long whOffset(int l, int d) { return wxOffset(l, d) + gateRows() * layerInput(l); }

        public long bxOffset(int l, int d) { return weightCount() + ((long) l * dirs + d) * 2 * gateRows(); }

        public long bhOffset(int l, int d) { return bxOffset(l, d) + gateRows(); }

        public boolean lstm() { return mode.equals("lstm"); }

        public boolean gru() { return mode.equals("gru"); }

        public Shape stateShape() { return Shape.of((long) layers * dirs, batch, hidden); }

        public Shape outputShape() { return Shape.of(steps, batch, dirs * hidden); }

        /** The hidden dropout mask output: the scale applied to each layer's output but the last. */
        public Shape maskShape() { return Shape.of(layers - 1L, steps, batch, dirs * hidden); }
    }

    /** Whether RNN has the hidden dropout-mask output: p > 0 and more than one layer. */
    public static boolean hasMask(Attrs a) { return a.getDouble("p") > 0 && a.getInt("num_layers") > 1; }

    public static boolean isLstm(Attrs a) { return a.getString("mode").equals("lstm"); }

    /** Index of the sequence_length input, or -1. */
    public static int seqLenIndex(Attrs a) { return a.getBool("use_sequence_length") ? (isLstm(a) ? 4 : 3) : -1; }

    private static List<Param> params() {
        return List.of(
                Param.intParam("state_size").required().min(1).doc("Size of the state of each layer (H)."),
                Param.intParam("num_layers").required().min(1).doc("Number of stacked layers."),
                Param.boolParam("bidirectional").defaultValue(false).doc("Whether to use bidirectional recurrent layers."),
                Param.enumParam("mode", "rnn_relu", "rnn_tanh", "lstm", "gru").required().doc("The type of RNN to compute."),
                Param.floatParam("p").defaultValue(0.0).min(0).max(1)
                        .doc("Dropout rate on the outputs of each layer except the last, in training; must be below 1."),
                Param.boolParam("state_outputs").defaultValue(false).doc("Whether to have the final states as outputs."),
                Param.intParam("projection_size").optional().doc("LSTM projection size; not supported here (MXNet supports it with cuDNN)."),
                Param.floatParam("lstm_state_clip_min").optional().doc("Minimum clip value of LSTM cell states; use with lstm_state_clip_max."),
                Param.floatParam("lstm_state_clip_max").optional().doc("Maximum clip value of LSTM cell states; use with lstm_state_clip_min."),
                Param.boolParam("lstm_state_clip_nan").defaultValue(false)
                        .doc("Clip NaN cell states to the minimum instead of propagating them (with a clipping range)."),
                Param.boolParam("use_sequence_length").defaultValue(false)
                        .doc("Take an extra input sequence_length (N,) with each batch element's valid length."));
    }

    private static List<String> inputNames(Attrs a) {
        List<String> l = new ArrayList<>(List.of("data", "parameters", "state"));
        if (isLstm(a)) l.add("state_cell");
        if (a.getBool("use_sequence_length")) l.add("sequence_length");
        return l;
    }

    private static List<String> outputNames(Attrs a) {
        List<String> l = new ArrayList<>(List.of("output"));
        if (a.getBool("state_outputs")) {
            l.add("state_output");
            if (isLstm(a)) l.add("statecell_output");
        }
        if (hasMask(a)) l.add("dropout_mask");
        return l;
    }

    private static int visibleOutputs(Attrs a) { return a.getBool("state_outputs") ? (isLstm(a) ? 3 : 2) : 1; }

    public static void register(OpRegistry r) {
        OpDef.Builder fwd = OpDef.builder("RNN").family("nn").alias("_npx_rnn")
                .doc("Applies stacked, optionally bidirectional recurrent layers to time-major data (T, N, C).\n"
                        + "rnn_relu / rnn_tanh: h_t = act(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh).\n"
                        + "lstm: i, f, o = sigmoid(.), g = tanh(.) of W_i* x_t + b_i* + W_h* h_(t-1) + b_h*; "
                        + "c_t = f * c_(t-1) + i * g; h_t = o * tanh(c_t).\n"
                        + "gru: r, z = sigmoid(W_i* x_t + b_i* + W_h* h_(t-1) + b_h*); n = tanh(W_in x_t + b_in + r * (W_hn h_(t-1) + b_hn)); "
                        + "h_t = (1 - z) * n + z * h_(t-1).\n"
                        + "Inputs: data (T, N, C), parameters (one vector: all weights, then all biases, as cuDNN packs them), "
                        + "state (L*D, N, H), state_cell for LSTM, sequence_length (N,) with use_sequence_length. "
                        + "Outputs: (T, N, D*H), and with state_outputs the final state (and cell state).")
                .inputs(RnnOps::inputNames)
                .outputs(RnnOps::outputNames)
                .numVisibleOutputs(RnnOps::visibleOutputs)
                .inferShape(RnnOps::forwardShape)
                .inferType((a, in, out) -> rnnType(a, in, out, out.length))
                .resources(a -> hasMask(a) ? Set.of(Resource.RANDOM, Resource.TEMP_SPACE) : Set.of(Resource.TEMP_SPACE))
                .trainingDependent()
                .gradient(RnnOps::gradient);
        for (Param p : params()) fwd.param(p);
        fwd.register(r);

        OpDef.Builder bwd = OpDef.builder("_backward_RNN").family("nn")
                .doc("Gradient of RNN by backpropagation through time: from the forward inputs, the dropout mask (when RNN has one) "
                        + "and the output gradients, the gradients of data, parameters, state (and state_cell). "
                        + "The forward activations are recomputed.")
                .inputs(RnnOps::backwardInputNames)
                .outputs(a -> isLstm(a) ? List.of("data_grad", "parameters_grad", "state_grad", "state_cell_grad")
                        : List.of("data_grad", "parameters_grad", "state_grad"))
                .inferShape((a, in, out) -> {
                    int nf = inputNames(a).size();
                    Shape[] fin = java.util.Arrays.copyOf(in, nf);
                    Shape[] fout = new Shape[outputNames(a).size()];
                    boolean done = forwardShape(a, fin, fout);
                    System.arraycopy(fin, 0, in, 0, nf);
                    for (int i = 0; i < out.length; i++) ShapeRules.assign(a, out, i, in[i], "output " + i);
                    List<String> names = backwardInputNames(a);
                    int k = nf;
                    if (hasMask(a)) ShapeRules.assign(a, in, k++, fout[fout.length - 1], "input dropout_mask");
                    for (int j = 0; k < in.length; j++, k++) ShapeRules.assign(a, in, k, fout[j], "input " + names.get(k));
                    return done && ShapeRules.allKnown(in) && ShapeRules.allKnown(out);
                })
                .inferType((a, in, out) -> rnnType(a, in, out, out.length))
                .resources(Resource.TEMP_SPACE)
                .backwardOf("RNN");
        for (Param p : params()) bwd.param(p);
        bwd.register(r);
    }

    private static List<String> backwardInputNames(Attrs a) {
        List<String> l = inputNames(a);
        if (hasMask(a)) l.add("dropout_mask");
        l.add("output_grad");
        if (a.getBool("state_outputs")) {
            l.add("state_output_grad");
            if (isLstm(a)) l.add("statecell_output_grad");
        }
        return l;
    }

    private static List<NodeEntry> gradient(dev.mxj.op.graph.GradContext g) {
        Attrs a = g.attrs();
        List<NodeEntry> ins = new ArrayList<>();
        int nf = inputNames(a).size();
        for (int i = 0; i < nf; i++) ins.add(g.input(i));
        if (hasMask(a)) ins.add(g.output(outputNames(a).size() - 1));
        for (int i = 0; i < visibleOutputs(a); i++) ins.add(g.outGrad(i));
        Node n = g.node("_backward_RNN", a.givenAsStrings(), ins.toArray(NodeEntry[]::new));
        List<NodeEntry> grads = new ArrayList<>();
        for (int i = 0; i < (isLstm(a) ? 4 : 3); i++) grads.add(n.output(i));
        if (a.getBool("use_sequence_length")) grads.add(null);  // lengths are integers: no gradient
        return grads;
    }

    /** Checks MXNet applies when the operator is created, for options this runtime implements or rejects. */
    private static void validate(Attrs a) {
        if (a.has("projection_size")) {
            throw ShapeRules.error(a, "projection_size is not supported (MXNet implements LSTM projection with cuDNN only); leave it unset");
        }
        if (a.getDouble("p") >= 1) throw ShapeRules.error(a, "unsupported dropout value p=" + a.getDouble("p") + ", should be 0 <= p < 1");
        boolean lo = a.has("lstm_state_clip_min"), hi = a.has("lstm_state_clip_max");
        if (lo || hi) {
            if (!isLstm(a)) throw ShapeRules.error(a, "state clipping is only supported for LSTM, not mode " + a.getString("mode"));
            if (!(lo && hi)) throw ShapeRules.error(a, "lstm_state_clip_min and lstm_state_clip_max must be specified together");
            if (a.getDouble("lstm_state_clip_max") < a.getDouble("lstm_state_clip_min")) {
                throw ShapeRules.error(a, "lstm_state_clip_max must be greater or equal to lstm_state_clip_min");
            }
        }
    }

    /** MXNet's RNNShape: everything follows from data (T, N, C) and the attributes. */
    private static boolean forwardShape(Attrs a, Shape[] in, Shape[] out) {
        validate(a);
        if (!ShapeRules.known(in[0])) return false;
        if (in[0].ndim() != 3) {
            throw ShapeRules.error(a, "input data should be a rank-3 tensor of dim [sequence length, batch size, input size], got " + in[0]);
        }
        Geometry g = Geometry.of(a, in[0]);
        Shape param = Shape.of(g.paramSize());
        if (ShapeRules.known(in[1]) && !in[1].equals(param)) {
            throw ShapeRules.error(a, "the parameters vector has shape " + in[1] + " but mode=" + g.mode() + ", num_layers=" + g.layers()
                    + ", bidirectional=" + (g.dirs() == 2) + ", state_size=" + g.hidden() + " and input size " + g.inputSize() + " need " + param);
        }
        ShapeRules.assign(a, in, 1, param, "input parameters");
        checkState(a, in, 2, "state", g);
        if (g.lstm()) checkState(a, in, 3, "state_cell", g);
        int sl = seqLenIndex(a);
        if (sl >= 0) {
            if (ShapeRules.known(in[sl]) && !in[sl].equals(Shape.of(g.batch()))) {
                throw ShapeRules.error(a, "input sequence_length has shape " + in[sl] + ", expected (" + g.batch() + ",): one length per batch element");
            }
            ShapeRules.assign(a, in, sl, Shape.of(g.batch()), "input sequence_length");
        }
        ShapeRules.assign(a, out, 0, g.outputShape(), "output");
        int k = 1;
        if (a.getBool("state_outputs")) {
            ShapeRules.assign(a, out, k++, g.stateShape(), "state_output");
            if (g.lstm()) ShapeRules.assign(a, out, k++, g.stateShape(), "statecell_output");
        }
        if (hasMask(a)) ShapeRules.assign(a, out, k, g.maskShape(), "dropout_mask");
        return ShapeRules.allKnown(in) && ShapeRules.allKnown(out);
    }

    private static void checkState(Attrs a, Shape[] in, int i, String name, Geometry g) {
        if (ShapeRules.known(in[i]) && !in[i].equals(g.stateShape())) {
            throw ShapeRules.error(a, "input " + name + " has shape " + in[i] + ", expected " + g.stateShape() + " (num_layers * directions, batch, state_size)");
        }
        ShapeRules.assign(a, in, i, g.stateShape(), "input " + name);
    }

    /** Every input but sequence_length and every output share data's floating dtype. */
    private static boolean rnnType(Attrs a, DType[] in, DType[] out, int nOut) {
        DType t = in[0];
        if (t == null) return false;
        if (!t.isFloating()) throw new TypeException("Operator " + a.op().name() + ": data must have a floating-point dtype, got " + t);
        int sl = seqLenIndex(a);
        for (int i = 0; i < in.length; i++) {
            if (i == sl) {
                if (in[i] == DType.BOOL) throw new TypeException("Operator " + a.op().name() + ": sequence_length must be numeric, got bool");
                continue;
            }
            TypeRules.assign(a, in, i, t, "input " + i);
        }
        for (int i = 0; i < nOut; i++) TypeRules.assign(a, out, i, t, "output " + i);
        return TypeRules.allKnown(in);
    }
}
