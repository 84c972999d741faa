// mx.metric: EvalMetric (subclassable in JS), the Java metrics, custom and composite metrics.
import { H, MXNetError, host, hostOptions, describe, registryNamespace, fromHostArray } from './base.js';
import { NDArray } from './ndarray.js';

function list(v, what) {
  const l = v instanceof NDArray ? [v] : v;
  if (!Array.isArray(l)) throw new MXNetError(`${what}: expected an NDArray or an array of NDArrays, got ${describe(v)}`);
  l.forEach((x, i) => { if (!(x instanceof NDArray)) throw new MXNetError(`${what}[${i}]: expected an NDArray, got ${describe(x)}`); });
  return l;
}

/**
 * A metric. Subclasses implement update(labels, preds) and add to the sums with
 * accumulate(sum, count) (or set sumMetric/numInst and the global ones themselves, as in MXNet).
 */
export class EvalMetric {
  constructor(name, { outputNames = null, labelNames = null } = {}) {
    this.name = name;
    this.outputNames = outputNames;
    this.labelNames = labelNames;
    this.reset();
  }

  update(labels, preds) { throw new MXNetError(`${this.constructor.name}.update(labels, preds) is not implemented`); }

  /** Add sum over count instances to the local and global sums. */
  accumulate(sum, count) {
    this.sumMetric += sum;
    this.numInst += count;
    this.globalSumMetric += sum;
    this.globalNumInst += count;
  }

  reset() {
    this.sumMetric = 0;
    this.numInst = 0;
    this.globalSumMetric = 0;
    this.globalNumInst = 0;
  }

  resetLocal() {
    this.sumMetric = 0;
    this.numInst = 0;
  }

  /** [name, value] (NaN before any update), as MXNet's get(). */
  get() { return [this.name, this.numInst === 0 ? NaN : this.sumMetric / this.numInst]; }

  getGlobal() { return [this.name, this.globalNumInst === 0 ? NaN : this.globalSumMetric / this.globalNumInst]; }

  /** [[name, value], ...]. */
  getNameValue() { return pairs(this.get()); }

  getGlobalNameValue() { return pairs(this.getGlobal()); }

  toString() { return `EvalMetric: {${this.getNameValue().map(([n, v]) => `'${n}': ${v}`).join(', ')}}`; }
}

function pairs([n, v]) { return Array.isArray(n) ? n.map((x, i) => [x, v[i]]) : [[n, v]]; }

/** A metric implemented by the Java runtime (accuracy, cross-entropy, F1, ...). */
class RuntimeMetric extends EvalMetric {
  constructor(name, opts = {}) {
    super(name);
    this._h = host(() => H.metric(name, hostOptions(opts)));
    this.name = host(() => H.metricName(this._h));
  }

  update(labels, preds) {
    const l = list(labels, 'labels').map((x) => x._h), p = list(preds, 'preds').map((x) => x._h);
    host(() => H.metricUpdate(this._h, l, p));
  }

  reset() { if (this._h) host(() => H.metricReset(this._h, false)); }

  resetLocal() { host(() => H.metricReset(this._h, true)); }

  get() { return result(host(() => H.metricGet(this._h, false))); }

  getGlobal() { return result(host(() => H.metricGet(this._h, true))); }
}

/** A JS metric over a runtime metric handle (what a runtime callback hands back). */
export function wrapMetric(h) {
  const m = Object.create(RuntimeMetric.prototype);
  m._h = h;
  m.name = host(() => H.metricName(h));
  m.outputNames = null;
  m.labelNames = null;
  return m;
}

function result([names, values]) {
  const n = fromHostArray(names), v = fromHostArray(values);
  return n.length === 1 ? [n[0], v[0]] : [n, v];
}

/**
 * A metric from feval(label, pred) => number (one value per batch) or [sum, count];
 * label and pred are NDArrays (call toArray()/toFloat32Array() to read them).
 */
export class CustomMetric extends EvalMetric {
  constructor(feval, { name = 'custom', allowExtraOutputs = false } = {}) {
    super(name);
    if (typeof feval !== 'function') throw new MXNetError(`CustomMetric: expected a function (label, pred) => number, got ${describe(feval)}`);
    this.feval = feval;
    this.allowExtraOutputs = allowExtraOutputs;
  }

  update(labels, preds) {
    const l = list(labels, 'labels'), p = list(preds, 'preds');
    if (!this.allowExtraOutputs && l.length !== p.length) {
      throw new MXNetError(`Shape of labels ${l.length} does not match shape of predictions ${p.length}`);
    }
    for (let i = 0; i < Math.min(l.length, p.length); i++) {
      const r = this.feval(l[i], p[i]);
      if (Array.isArray(r)) this.accumulate(Number(r[0]), Number(r[1]));
      else this.accumulate(Number(r), 1);
    }
  }
}

/** MXNet's mx.metric.np(feval, name). */
export function np(feval, { name, allowExtraOutputs = false } = {}) {
  return new CustomMetric(feval, { name: name ?? (feval.name || 'custom'), allowExtraOutputs });
}

/** Several metrics updated together; get() gives [names[], values[]]. */
export class CompositeEvalMetric extends EvalMetric {
  constructor(metrics = [], { name = 'composite' } = {}) {
    super(name);
    this.metrics = metrics.map((m) => create(m));
  }

  add(metric) { this.metrics.push(create(metric)); }

  getMetric(i) { return this.metrics[i]; }

  update(labels, preds) { for (const m of this.metrics) m.update(labels, preds); }

  reset() { for (const m of this.metrics ?? []) m.reset(); }

  resetLocal() { for (const m of this.metrics) m.resetLocal(); }

  get() { return joined(this.metrics.map((m) => m.get())); }

  getGlobal() { return joined(this.metrics.map((m) => m.getGlobal())); }
}

function joined(results) {
  const names = [], values = [];
  for (const [n, v] of results) {
    if (Array.isArray(n)) { names.push(...n); values.push(...v); } else { names.push(n); values.push(v); }
  }
  return [names, values];
}

/** A metric from a name ('acc', 'ce', 'f1', ...), a function (custom), a list (composite) or a metric. */
export function create(metric, opts = {}) {
  if (metric instanceof EvalMetric) return metric;
  if (typeof metric === 'function') return new CustomMetric(metric, opts);
  if (Array.isArray(metric)) return new CompositeEvalMetric(metric);
  if (typeof metric === 'string') return new RuntimeMetric(metric, opts);
  throw new MXNetError(`metric.create: expected a name, a function, a list or an EvalMetric, got ${describe(metric)}`);
}

export const metric = registryNamespace(
  { EvalMetric, CustomMetric, CompositeEvalMetric, create, np, names: () => Array.from(H.metricNames()) },
  () => Array.from(H.metricNames()),
  (name, display) => {
    const C = class extends RuntimeMetric { constructor(opts = {}) { super(name, opts); } };
    Object.defineProperty(C, 'name', { value: display });
    return C;
  });
