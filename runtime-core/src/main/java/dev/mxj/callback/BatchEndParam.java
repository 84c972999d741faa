package dev.mxj.callback;

import dev.mxj.metric.EvalMetric;

import java.util.Map;

/**
 * What a batch-end callback receives (MXNet's {@code BatchEndParam} named tuple): the epoch, the
 * batch number within it, the metric being accumulated (may be null) and the training loop's
 * locals that callbacks in MXNet sometimes read (here: {@code "module"}, {@code "data_batch"}).
 */
public record BatchEndParam(int epoch, int nbatch, EvalMetric evalMetric, Map<String, Object> locals) {}
