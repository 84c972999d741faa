// mx.optimizer and mx.lrScheduler: the Java optimizers and schedulers behind JS classes.
import { H, MXNetError, host, hostOptions, describe, registryNamespace } from './base.js';
import { NDArray } from './ndarray.js';

/** An optimizer: mx.optimizer.create('sgd', {learningRate: 0.1, momentum: 0.9}) or new mx.optimizer.SGD({...}). */
export class Optimizer {
  /**
   * new Optimizer(name, opts) wraps a registered optimizer. A subclass that calls super(opts)
   * without a name is a JS-defined optimizer, as a Python script subclasses
   * mx.optimizer.Optimizer: it defines update(index, weight, grad, state) (and optionally
   * createState(index, weight)), and its settings (learningRate, wd, rescaleGrad, clipGradient)
   * stay on the JS object, where a Module's runtime updater reads them.
   */
  constructor(name, opts = {}) {
    if (typeof name !== 'string' && new.target !== Optimizer) {
      if (typeof this.update !== 'function') {
        throw new MXNetError(`${new.target.name}: an Optimizer subclass without a registered name must define update(index, weight, grad, state)`);
      }
      const o = name === undefined || name === null ? {} : name;
      if (typeof o !== 'object') throw new MXNetError(`${new.target.name}: expected options {learningRate, wd, rescaleGrad, clipGradient}, got ${describe(o)}`);
      this._h = null;
      this._lr = o.learningRate ?? 0.01;
      this.wd = o.wd ?? 0;
      this.rescaleGrad = o.rescaleGrad ?? 1;
      if (o.clipGradient !== undefined && o.clipGradient !== null) this.clipGradient = o.clipGradient;
      return;
    }
    if (typeof name !== 'string') throw new MXNetError(`Optimizer: expected a registered name, got ${describe(name)}`);
    this._h = host(() => H.optimizer(name, hostOptions(opts)));
  }

  get learningRate() { return this._h ? host(() => H.learningRate(this._h)) : this._lr; }

  set learningRate(lr) {
    if (this._h) host(() => H.setLearningRate(this._h, Number(lr)));
    else this._lr = Number(lr);
  }

  /** MXNet's set_learning_rate. */
  setLearningRate(lr) { this.learningRate = lr; }

  get numUpdate() {
    if (!this._h) throw new MXNetError(`${this.constructor.name}: numUpdate is kept by the runtime's optimizers only`);
    return host(() => H.numUpdate(this._h));
  }

  toString() { return this._h ? host(() => H.describe(this._h)) : `${this.constructor.name}(learningRate=${this._lr})`; }
}

/** Applies an optimizer to (index, grad, weight), keeping per-index state (momentum, ...). */
export class Updater {
  constructor(optimizer) {
    if (!(optimizer instanceof Optimizer)) throw new MXNetError(`Updater: expected an Optimizer, got ${describe(optimizer)}`);
    if (!optimizer._h) throw new MXNetError(`Updater: ${optimizer.constructor.name} is JS-defined; call its update(index, weight, grad, state) directly, or give it to a Module`);
    this.optimizer = optimizer;
    this._h = host(() => H.updater(optimizer._h));
  }

  /** update(index, grad, weight), or arrays of each for one aggregated call. */
  update(index, grad, weight) {
    if (Array.isArray(index)) {
      if (!Array.isArray(grad) || !Array.isArray(weight) || grad.length !== index.length || weight.length !== index.length) {
        throw new MXNetError('Updater: index, grad and weight lists must have the same length');
      }
      return host(() => H.updateAll(this._h, index, grad.map(h), weight.map(h)));
    }
    if (!Number.isInteger(index)) throw new MXNetError(`Updater: index must be an integer, got ${describe(index)}`);
    host(() => H.update(this._h, index, h(grad), h(weight)));
  }

  /** The states (momentum, ...) as bytes in MXNet's format, for setStates. */
  getStates() { return new Uint8Array(new ArrayBuffer(host(() => H.updaterStates(this._h)))); }

  setStates(bytes) {
    const b = bytes instanceof ArrayBuffer ? bytes : ArrayBuffer.isView(bytes) ? bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) : null;
    if (b === null) throw new MXNetError(`Updater.setStates: expected bytes (Uint8Array or ArrayBuffer), got ${describe(bytes)}`);
    host(() => H.setUpdaterStates(this._h, b));
  }
}

function h(a) {
  if (a instanceof NDArray) return a._h;
  throw new MXNetError(`Updater: expected an NDArray, got ${describe(a)}`);
}

export function create(name, opts = {}) { return new Optimizer(name, opts); }

/**
 * MXNet's get_updater: a function (index, grad, weight) => void, carrying the Updater's
 * getStates/setStates and its optimizer.
 */
export function getUpdater(optimizer) {
  const u = new Updater(optimizer);
  const fn = (index, grad, weight) => u.update(index, grad, weight);
  fn.updater = u;
  fn.optimizer = optimizer;
  fn.getStates = () => u.getStates();
  fn.setStates = (b) => u.setStates(b);
  return fn;
}

export const optimizer = registryNamespace(
  { Optimizer, Updater, create, getUpdater, names: () => Array.from(H.optimizerNames()) },
  () => Array.from(H.optimizerNames()),
  (name, display) => {
    const C = class extends Optimizer { constructor(opts = {}) { super(name, opts); } };
    Object.defineProperty(C, 'name', { value: display });
    return C;
  });

/**
 * A learning-rate schedule: MXNet's FactorScheduler, MultiFactorScheduler, PolyScheduler and
 * CosineScheduler with their options ({step, factor, stopFactorLr, baseLr, warmupSteps, ...}), or
 * any function numUpdate => rate (new LRScheduler(fn, {baseLr})). Pass it as {lrScheduler} to an optimizer.
 */
export class LRScheduler {
  constructor(fn, { baseLr = 0.01 } = {}) {
    if (typeof fn !== 'function') throw new MXNetError(`LRScheduler: expected a function numUpdate => rate, got ${describe(fn)}`);
    this._h = host(() => H.jsLrScheduler(fn, baseLr));
  }

  /** The rate after numUpdate updates (MXNet's __call__). */
  lr(numUpdate) { return host(() => H.schedule(this._h, numUpdate)); }

  get baseLr() { return host(() => H.baseLr(this._h)); }

  set baseLr(v) { host(() => H.setBaseLr(this._h, Number(v))); }
}

function scheduler(kind) {
  const C = class extends LRScheduler {
    constructor(opts = {}) {
      super(() => 0);
      this._h = host(() => H.lrScheduler(kind, hostOptions(opts)));
    }
  };
  Object.defineProperty(C, 'name', { value: kind });
  return C;
}

export const FactorScheduler = scheduler('FactorScheduler');
export const MultiFactorScheduler = scheduler('MultiFactorScheduler');
export const PolyScheduler = scheduler('PolyScheduler');
export const CosineScheduler = scheduler('CosineScheduler');

export const lrScheduler = { LRScheduler, FactorScheduler, MultiFactorScheduler, PolyScheduler, CosineScheduler };
