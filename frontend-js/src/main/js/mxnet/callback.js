// mx.callback: the runtime's batch-end and epoch-end callbacks (dev.mxj.callback), for Module.fit or a loop of one's own.
import { H, host, MXNetError, describe } from './base.js';

const log = (line) => console.log(line);

/** A runtime callback; call(param) runs it from a JS loop ({epoch, nbatch, evalMetric}). */
class BatchEnd {
  constructor(handle) { this._h = handle; }

  call({ epoch = 0, nbatch = 0, evalMetric = null } = {}) {
    host(() => H.callBatchEnd(this._h, epoch, nbatch, evalMetric === null ? null : metricHandle(evalMetric)));
  }
}

class EpochEnd {
  constructor(handle) { this._h = handle; }
}

let metricHandle = () => { throw new MXNetError('metrics are not loaded'); };
/** Set by module.js: a JS metric's runtime handle (its own, or an adapter). */
export function setMetricHandle(fn) { metricHandle = fn; }

function positiveInt(v, what) {
  if (!Number.isInteger(v) || v < 1) throw new MXNetError(`${what} must be a positive integer, got ${describe(v)}`);
  return v;
}

/**
 * Speedometer(batchSize, frequent = 50, autoReset = true, {logger}): every `frequent` batches logs
 * 'Epoch[0] Batch [50-100]\tSpeed: 1234.56 samples/sec\taccuracy=0.912500' (console.log by default).
 */
export class Speedometer extends BatchEnd {
  constructor(batchSize, frequent = 50, autoReset = true, { logger = log } = {}) {
    super(host(() => H.speedometer(positiveInt(batchSize, 'Speedometer: batchSize'), positiveInt(frequent, 'Speedometer: frequent'), Boolean(autoReset), logger)));
  }
}

/** ProgressBar(total, length = 80, {logger}): '[=====-----] 50%' after each batch. */
export class ProgressBar extends BatchEnd {
  constructor(total, length = 80, { logger = log } = {}) {
    super(host(() => H.progressBar(positiveInt(total, 'ProgressBar: total'), positiveInt(length, 'ProgressBar: length'), logger)));
  }
}

/** LogValidationMetricsCallback({logger}): 'Epoch[0] Validation-accuracy=0.9' (an evalEndCallback). */
export class LogValidationMetricsCallback extends BatchEnd {
  constructor({ logger = log } = {}) { super(host(() => H.logValidationMetrics(logger))); }
}

/** logTrainMetric(period, autoReset = false, {logger}): 'Iter[0] Batch[10] Train-accuracy=0.5' every `period` batches. */
export function logTrainMetric(period, autoReset = false, { logger = log } = {}) {
  return new BatchEnd(host(() => H.logTrainMetric(positiveInt(period, 'logTrainMetric: period'), Boolean(autoReset), logger)));
}

/** doCheckpoint(prefix, period = 1, {logger}): an epochEndCallback saving prefix-symbol.json and prefix-%04d.params, logging 'Saved checkpoint to "..."'. */
export function doCheckpoint(prefix, period = 1, { logger = log } = {}) { return new EpochEnd(host(() => H.doCheckpoint(String(prefix), period, logger))); }

/** moduleCheckpoint(mod, prefix, period = 1, saveOptimizerStates = false): the module's own checkpoints. */
export function moduleCheckpoint(mod, prefix, period = 1, saveOptimizerStates = false) {
  return new EpochEnd(host(() => H.moduleCheckpoint(mod._h, String(prefix), period, Boolean(saveOptimizerStates))));
}

export const callback = {
  Speedometer, ProgressBar, LogValidationMetricsCallback, logTrainMetric, doCheckpoint, moduleCheckpoint,
  BatchEndCallback: BatchEnd, EpochEndCallback: EpochEnd,
};
