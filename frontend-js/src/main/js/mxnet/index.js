// The mxnet ES module: `import mx from 'mxnet'` or `import * as mx from 'mxnet'`.
import { H, MXNetError } from './base.js';
import { Context, cpu, gpu, currentContext, numGpus } from './context.js';
import { nd, NDArray } from './ndarray.js';
import * as autograd from './autograd.js';
import { optimizer, lrScheduler } from './optimizer.js';
import { init } from './initializer.js';
import { metric } from './metric.js';
import { io } from './io.js';
import { random } from './random.js';
import { sym, Symbol, Executor, AttrScope, name } from './symbol.js';
import { mod, model } from './module.js';
import { viz } from './viz.js';
import { mon } from './monitor.js';
import { callback } from './callback.js';

export const __version__ = '1.9.1';
export const version = __version__;
export const context = { Context, cpu, gpu, currentContext, numGpus };
export const ndarray = nd;
export const initializer = init;
export const lr_scheduler = lrScheduler;
export const symbol = sym;
export const module = mod;
export const visualization = viz;
export const monitor = mon;
const base = { MXNetError };
/**
 * mxj extras that MXNet has no name for, for benchmarks on shared machines: threadCpuTime() is the
 * CPU time of the script's thread in ms, processCpuTime() that of the whole process (all threads).
 */
export const util = { threadCpuTime: () => H.threadCpuNanos() / 1e6, processCpuTime: () => H.processCpuNanos() / 1e6 };

export { MXNetError, Context, cpu, gpu, currentContext, numGpus, nd, NDArray, autograd, optimizer, lrScheduler, init, metric, io, random, base, sym, Symbol, Executor, mod, model, viz, mon, callback, AttrScope, name };

export default {
  __version__, version, MXNetError, base, Context, cpu, gpu, currentContext, numGpus, context, nd, ndarray, NDArray,
  autograd, optimizer, lrScheduler, lr_scheduler, init, initializer, metric, io, random, util,
  sym, symbol, Symbol, Executor, mod, module, model, viz, visualization, mon, monitor, callback, AttrScope, name,
};
