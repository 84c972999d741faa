package dev.mxj.optimizer;

import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.ndarray.NDSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * MXNet's {@code get_updater}: holds the optimizer state of each parameter index, creating it on
 * first use, and applies the optimizer ({@code call(index, grad, weight)}, MXNet's argument order).
 *
 * <p>{@link #getStates()} / {@link #setStates(byte[])} replace MXNet's pickle with an mxj format:
 * a small header (magic {@code MXJOPTST}, version, the optimizer's update counts, its scalar
 * state and its scheduler's, per index the number of state slots and which are None) followed by the arrays in MXNet's {@code .params}
 * format, named {@code index:slot}. The update counts are always saved, as MXNet's
 * {@code dump_optimizer=True} would, so Adam's bias correction continues where it stopped; the
 * optimizer's hyper-parameters are not, so load into an optimizer configured the same way.
 */
public final class Updater {
    private static final byte[] MAGIC = "MXJOPTST".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    private final Optimizer optimizer;
    private final Map<Integer, NDArray[]> states = new TreeMap<>();
    /** States loaded by setStates move to the weight's context on next use (MXNet's states_synced). */
    private final Map<Integer, Boolean> synced = new HashMap<>();

    public Updater(Optimizer optimizer) { this.optimizer = optimizer; }

    public Optimizer optimizer() { return optimizer; }

    /** Updates {@code weight} in place with {@code grad}, creating the index's state on first use. */
    public void call(int index, NDArray grad, NDArray weight) {
        optimizer.updateMultiPrecision(index, weight, grad, stateFor(index, weight));
    }

    /** The index's state, created on first use or moved to the weight's context after setStates. */
    private NDArray[] stateFor(int index, NDArray weight) {
        NDArray[] s = states.get(index);
        if (s == null) {
            s = detach(optimizer.createStateMultiPrecision(index, weight));
            states.put(index, s);
            synced.put(index, true);
        } else if (!synced.getOrDefault(index, true)) {
            for (int i = 0; i < s.length; i++) if (s[i] != null) s[i] = NDScope.detach(s[i].asInContext(weight.context()));
            synced.put(index, true);
        }
        return s;
    }

    /** States outlive any NDScope the training loop opens: they belong to the updater. */
    private static NDArray[] detach(NDArray[] s) {
        for (NDArray a : s) if (a != null) NDScope.detach(a);
        return s;
    }

    /**
     * Several parameters at once (MXNet's list form). With an optimizer that aggregates
     * ({@link Optimizer#aggregateNum()} above 0) weights of one dtype go in chunks of that size
     * to one multi-weight update; otherwise one by one, in order.
     */
    public void call(int[] indices, NDArray[] grads, NDArray[] weights) {
        NDArray[][] s = new NDArray[indices.length][];
        for (int i = 0; i < indices.length; i++) s[i] = stateFor(indices[i], weights[i]);
        int agg = optimizer.aggregateNum();
        if (agg <= 0) {
            for (int i = 0; i < indices.length; i++) optimizer.updateMultiPrecision(indices[i], weights[i], grads[i], s[i]);
            return;
        }
        Map<dev.mxj.op.DType, List<Integer>> byType = new java.util.LinkedHashMap<>();
        for (int i = 0; i < indices.length; i++) byType.computeIfAbsent(weights[i].dtype(), t -> new ArrayList<>()).add(i);
        for (List<Integer> group : byType.values()) {
            for (int from = 0; from < group.size(); from += agg) {
                List<Integer> chunk = group.subList(from, Math.min(group.size(), from + agg));
                int n = chunk.size();
                int[] idx = new int[n];
                NDArray[] w = new NDArray[n], g = new NDArray[n];
                NDArray[][] st = new NDArray[n][];
                for (int k = 0; k < n; k++) {
                    int i = chunk.get(k);
                    idx[k] = indices[i];
                    w[k] = weights[i];
                    g[k] = grads[i];
                    st[k] = s[i];
                }
                optimizer.updateMultiPrecision(idx, w, g, st);
            }
        }
    }

    /** The live states by index (slots may be null). */
    public Map<Integer, NDArray[]> states() { return states; }

    /** Serialises every state and the optimizer's update counts. */
    public byte[] getStates() {
        List<NDArray> arrays = new ArrayList<>();
        List<String> names = new ArrayList<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(optimizer.numUpdate());
            Map<Integer, Integer> counts = optimizer.indexUpdateCounts();
            out.writeInt(counts.size());
            for (var e : counts.entrySet()) {
                out.writeInt(e.getKey());
                out.writeInt(e.getValue());
            }
            writeDoubles(out, optimizer.extraState());
            writeDoubles(out, optimizer.lrScheduler() == null ? new double[0] : optimizer.lrScheduler().saveState());
            out.writeInt(states.size());
            for (var e : states.entrySet()) {
                out.writeInt(e.getKey());
                NDArray[] s = e.getValue();
                out.writeInt(s.length);
                for (int i = 0; i < s.length; i++) {
                    out.writeBoolean(s[i] != null);
                    if (s[i] != null) {
                        arrays.add(s[i]);
                        names.add(e.getKey() + ":" + i);
                    }
                }
            }
            byte[] params = NDSerializer.toBytes(arrays, names);
            out.writeInt(params.length);
            out.write(params);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Replaces every state and the update counts with those of {@link #getStates()} output. */
    public void setStates(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) throw new IllegalArgumentException("not an mxj optimizer state (bad magic)");
            int version = in.readInt();
            if (version != VERSION) throw new IllegalArgumentException("unsupported optimizer state version " + version);
            int numUpdate = in.readInt();
            int nCounts = checkCount(in.readInt(), data.length);
            Map<Integer, Integer> counts = new TreeMap<>();
            for (int i = 0; i < nCounts; i++) counts.put(in.readInt(), in.readInt());
            double[] extra = readDoubles(in, data.length);
            double[] schedule = readDoubles(in, data.length);
            int nStates = checkCount(in.readInt(), data.length);
            int[] idx = new int[nStates];
            boolean[][] present = new boolean[nStates][];
            for (int k = 0; k < nStates; k++) {
                idx[k] = in.readInt();
                present[k] = new boolean[checkCount(in.readInt(), data.length)];
                for (int i = 0; i < present[k].length; i++) present[k][i] = in.readBoolean();
            }
            byte[] params = new byte[checkCount(in.readInt(), data.length)];
            in.readFully(params);
            Map<String, NDArray> loaded = NDSerializer.fromBytes(params, "optimizer state").asMap();
            Map<Integer, NDArray[]> fresh = new TreeMap<>();
            for (int k = 0; k < nStates; k++) {
                NDArray[] s = new NDArray[present[k].length];
                for (int i = 0; i < s.length; i++) {
                    if (!present[k][i]) continue;
                    s[i] = loaded.get(idx[k] + ":" + i);
                    if (s[i] == null) throw new IllegalArgumentException("optimizer state lacks array " + idx[k] + ":" + i);
                }
                fresh.put(idx[k], detach(s));
            }
            states.clear();
            states.putAll(fresh);
            synced.clear();
            for (int k : fresh.keySet()) synced.put(k, false);
            optimizer.restoreCounts(numUpdate, counts);
            optimizer.restoreExtraState(extra);
            if (schedule.length > 0 && optimizer.lrScheduler() != null) optimizer.lrScheduler().restoreState(schedule);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt optimizer state: " + e.getMessage(), e);
        }
    }

    private static void writeDoubles(DataOutputStream out, double[] v) throws IOException {
        out.writeInt(v.length);
        for (double d : v) out.writeDouble(d);
    }

    private static double[] readDoubles(DataInputStream in, int limit) throws IOException {
        double[] v = new double[checkCount(in.readInt(), limit)];
        for (int i = 0; i < v.length; i++) v[i] = in.readDouble();
        return v;
    }

    private static int checkCount(int n, int limit) throws IOException {
        if (n < 0 || n > limit) throw new IOException("bad count " + n);
        return n;
    }
}
