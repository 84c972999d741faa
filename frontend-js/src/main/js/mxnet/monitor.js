// mx.mon.Monitor: statistics of executor outputs and arguments every `interval` batches (dev.mxj.executor.Monitor).
import { H, host, MXNetError, describe, fromHostArray } from './base.js';
import { NDArray } from './ndarray.js';

/**
 * new Monitor(interval, {statFunc, pattern, sort, monitorAll, logger}): install it on executors
 * (or a module: installMonitor, fit's monitor option); tic() before a batch, toc() after it gives
 * [[batch, name, value], ...] for the names matching `pattern`; tocPrint() logs them (console.log by default).
 */
export class Monitor {
  constructor(interval, { statFunc = null, pattern = '.*', sort = false, monitorAll = false, logger = (line) => console.log(line) } = {}) {
    if (statFunc !== null && typeof statFunc !== 'function') throw new MXNetError(`Monitor: statFunc must be a function of an NDArray, got ${describe(statFunc)}`);
    const f = statFunc === null ? null : (a) => {
      const r = statFunc(new NDArray(a));
      if (!(r instanceof NDArray)) throw new MXNetError(`Monitor: statFunc must return an NDArray, got ${describe(r)}`);
      return r._h;
    };
    this.interval = interval;
    this._h = host(() => H.monitor(interval, f, String(pattern), Boolean(sort), Boolean(monitorAll), logger));
  }

  /** Watch an executor's outputs. */
  install(exe) { host(() => H.monitorInstall(this._h, exe._h)); }

  tic() { host(() => H.monitorTic(this._h)); }

  toc() { return fromHostArray(host(() => H.monitorToc(this._h)), (r) => [Number(r[0]), String(r[1]), String(r[2])]); }

  tocPrint() { host(() => H.monitorTocPrint(this._h)); }
}

export const mon = { Monitor };
