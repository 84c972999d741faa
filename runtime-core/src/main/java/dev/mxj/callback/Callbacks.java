package dev.mxj.callback;

import dev.mxj.model.Model;
import dev.mxj.module.Module;

import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * MXNet's {@code mx.callback} functions and classes with their log lines, written through
 * {@link #LOG} (java.util.logging, INFO) unless a sink is given: tests and front ends pass
 * their own (the Python shell routes them to Python's {@code logging}).
 */
public final class Callbacks {
    /** The logger callbacks write to by default ({@code dev.mxj.callback}). */
    public static final Logger LOG = Logger.getLogger("dev.mxj.callback");
    static final Consumer<String> DEFAULT_SINK = LOG::info;

    private Callbacks() {}

    /** Python's {@code '%f' % v}: six decimals, whatever the default locale; {@code nan}, {@code inf}, {@code -inf} as Python prints them. */
    public static String f(double v) { return fixed(v, 6); }

    /**
     * Python's {@code '%.<decimals>f' % v}, which every MXNet log line uses: Java's {@code %f} would
     * print {@code NaN} and {@code Infinity} where Python prints {@code nan} and {@code inf}.
     */
    public static String fixed(double v, int decimals) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /**
     * {@code mx.callback.do_checkpoint(prefix, period)}: after every {@code period} epochs, save
     * {@code prefix-symbol.json} and {@code prefix-%04d.params} (epoch numbered from 1).
     */
    public static EpochEndCallback doCheckpoint(String prefix, int period) {
        int p = Math.max(1, period);
        return (epoch, sym, arg, aux) -> {
            if ((epoch + 1) % p == 0) Model.saveCheckpoint(prefix, epoch + 1, sym, arg, aux);
        };
    }

    /** {@link #doCheckpoint(String, int)} with its log line ({@code Saved checkpoint to "..."}) going to {@code sink}. */
    public static EpochEndCallback doCheckpoint(String prefix, int period, Consumer<String> sink) {
        int p = Math.max(1, period);
        return (epoch, sym, arg, aux) -> {
            if ((epoch + 1) % p == 0) Model.saveCheckpoint(prefix, epoch + 1, sym, arg, aux, sink);
        };
    }

    /** {@code mx.callback.module_checkpoint(mod, prefix, period, save_optimizer_states)}. */
    public static EpochEndCallback moduleCheckpoint(Module mod, String prefix, int period, boolean saveOptimizerStates) {
        int p = Math.max(1, period);
        return (epoch, sym, arg, aux) -> {
            if ((epoch + 1) % p == 0) mod.saveCheckpoint(prefix, epoch + 1, saveOptimizerStates);
        };
    }

    /** {@code mx.callback.log_train_metric(period, auto_reset)}: {@code Iter[e] Batch[n] Train-acc=0.5}. */
    public static BatchEndCallback logTrainMetric(int period, boolean autoReset) { return logTrainMetric(period, autoReset, DEFAULT_SINK); }

    public static BatchEndCallback logTrainMetric(int period, boolean autoReset, Consumer<String> sink) {
        return param -> {
            if (param.nbatch() % period != 0 || param.evalMetric() == null) return;
            for (Map.Entry<String, Double> nv : param.evalMetric().getNameValue()) {
                sink.accept("Iter[" + param.epoch() + "] Batch[" + param.nbatch() + "] Train-" + nv.getKey() + "=" + f(nv.getValue()));
            }
            if (autoReset) param.evalMetric().resetLocal();
        };
    }

    /** {@code mx.callback.LogValidationMetricsCallback}: {@code Epoch[e] Validation-acc=0.9} (as a score_end_callback). */
    public static BatchEndCallback logValidationMetrics() { return logValidationMetrics(DEFAULT_SINK); }

    public static BatchEndCallback logValidationMetrics(Consumer<String> sink) {
        return param -> {
            if (param.evalMetric() == null) return;
            for (Map.Entry<String, Double> nv : param.evalMetric().getNameValue()) {
                sink.accept("Epoch[" + param.epoch() + "] Validation-" + nv.getKey() + "=" + f(nv.getValue()));
            }
        };
    }
}
