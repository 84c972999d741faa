package dev.mxj.executor;

import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.Nd;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * {@code mx.mon.Monitor(interval, stat_func, pattern, sort, monitor_all)}: every
 * {@code interval} batches, records a statistic of each executor output whose name matches
 * {@code pattern} (anchored at the start, as Python's {@code re.match}), then of the matching
 * arguments and auxiliary states; {@link #toc()} returns them as (batch, name, value) rows and
 * {@link #tocPrint()} logs {@code Batch:     100 fc1_output                     0.1234\t}. The
 * default statistic is MXNet's {@code norm(x) / sqrt(x.size)}.
 */
public final class Monitor {
    /** One recorded statistic: the batch number, the array's name and the statistic's values as MXNet prints them. */
    public record Stat(int step, String name, String value) {}

    private final int interval;
    private final Function<NDArray, NDArray> statFunc;
    private final Pattern pattern;
    private final boolean sort, monitorAll;
    private final List<Executor> exes = new ArrayList<>();
    private final List<Object[]> queue = new ArrayList<>(); // {step, name, stat array}
    private boolean activated;
    private int step;
    private Consumer<String> logger = Logger.getLogger("dev.mxj.monitor")::info;

    public Monitor(int interval) { this(interval, null, ".*", false, false); }

    public Monitor(int interval, Function<NDArray, NDArray> statFunc, String pattern, boolean sort, boolean monitorAll) {
        if (interval < 1) throw new IllegalArgumentException("Monitor: interval must be at least 1, got " + interval);
        this.interval = interval;
        this.statFunc = statFunc != null ? statFunc : x -> Nd.norm(x).div(Math.sqrt(x.size()));
        this.pattern = Pattern.compile(pattern == null ? ".*" : pattern);
        this.sort = sort;
        this.monitorAll = monitorAll;
    }

    /** Where {@link #tocPrint()} writes (default: java.util.logging logger {@code dev.mxj.monitor}). */
    public Monitor setLogger(Consumer<String> sink) {
        this.logger = sink;
        return this;
    }

    /** {@code install(exe)}: watch this executor's outputs. */
    public void install(Executor exe) {
        exe.setMonitorCallback(this::collect, monitorAll);
        exes.add(exe);
    }

    private void collect(String name, NDArray array) {
        if (!activated || !pattern.matcher(name).lookingAt()) return;
        queue.add(new Object[] {step, name, statFunc.apply(array)});
    }

    /** Start a batch: collection is on for every {@code interval}-th batch. */
    public void tic() {
        if (step % interval == 0) {
            waitArrays();
            queue.clear();
            activated = true;
        }
        step++;
    }

    private void waitArrays() {
        for (Executor e : exes) {
            for (NDArray a : e.argArrays()) a.waitToRead();
            for (NDArray a : e.auxArrays()) a.waitToRead();
        }
    }

    /** End a batch: the statistics collected since {@link #tic()}, plus those of matching arguments and states; empty when inactive. */
    public List<Stat> toc() {
        if (!activated) return List.of();
        waitArrays();
        for (Executor e : exes) {
            for (var a : e.argDict().entrySet()) if (pattern.matcher(a.getKey()).lookingAt()) queue.add(new Object[] {step, a.getKey(), statFunc.apply(a.getValue())});
            for (var a : e.auxDict().entrySet()) if (pattern.matcher(a.getKey()).lookingAt()) queue.add(new Object[] {step, a.getKey(), statFunc.apply(a.getValue())});
        }
        activated = false;
        if (sort) queue.sort(Comparator.comparing(o -> (String) o[1]));
        List<Stat> res = new ArrayList<>();
        for (Object[] q : queue) {
            NDArray v = (NDArray) q[2];
            String s = v.size() == 1 ? Float.toString((float) v.asScalar()) + "\t" : v + "\t";
            res.add(new Stat((Integer) q[0], (String) q[1], s));
            v.close();
        }
        queue.clear();
        return res;
    }

    /** {@code toc_print()}: each row as {@code Batch: %7d %-30s %s}. */
    public void tocPrint() {
        for (Stat s : toc()) logger.accept(String.format(Locale.ROOT, "Batch: %7d %-30s %s", s.step(), s.name(), s.value()));
    }
}
