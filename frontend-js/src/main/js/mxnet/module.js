// mx.mod (Module, BucketingModule, SequentialModule) and mx.model checkpoints over dev.mxj.module / dev.mxj.model.
// The loops (fit, score, predict) are the runtime's; JS iterators, metrics, initializers and callbacks take part
// through adapters that call back into JS.
import { H, host, MXNetError, hostOptions, fromHostArray, describe, isOptions } from './base.js';
import { NDArray, nd } from './ndarray.js';
import { toContext } from './context.js';
import { Symbol, namedHandles, dictOf } from './symbol.js';
import { EvalMetric, create as createMetric, wrapMetric } from './metric.js';
import { Initializer } from './initializer.js';
import { DataDesc, NDArrayIter } from './io.js';
import { setMetricHandle } from './callback.js';

/** [[name, shape, dtype], ...] for the bridge from DataDescs or [name, shape] pairs. */
function descList(descs, what = 'shapes') {
  if (descs === undefined || descs === null) return null;
  if (!Array.isArray(descs)) throw new MXNetError(`${what}: expected an array of DataDescs or [name, shape] pairs, got ${describe(descs)}`);
  return descs.map((d) => {
    if (Array.isArray(d)) return [String(d[0]), Array.from(d[1], Number), d[2] ?? 'float32'];
    if (d && typeof d.name === 'string' && d.shape) return [d.name, Array.from(d.shape, Number), d.dtype ?? 'float32'];
    throw new MXNetError(`${what}: expected a DataDesc or a [name, shape] pair, got ${describe(d)}`);
  });
}

function descsOf(rows) { return fromHostArray(rows, (r) => new DataDesc(String(r[0]), fromHostArray(r[1], Number), String(r[2] ?? 'float32'), String(r[3] ?? 'NCHW'))); }

function paramDicts(r) {
  return [dictOf(fromHostArray(r[0]), fromHostArray(r[1])), dictOf(fromHostArray(r[2]), fromHostArray(r[3]))];
}

function arrays(l, what) {
  if (l === undefined || l === null) return null;
  const a = l instanceof NDArray ? [l] : l;
  if (!Array.isArray(a)) throw new MXNetError(`${what}: expected an NDArray or an array of NDArrays, got ${describe(l)}`);
  return a.map((x, i) => {
    if (!(x instanceof NDArray)) throw new MXNetError(`${what}[${i}]: expected an NDArray, got ${describe(x)}`);
    return x._h;
  });
}

/** A bucket key as JS gave it: the runtime hands arrays back as lists. */
function jsKey(k) {
  if (k === null || k === undefined || typeof k !== 'object') return k;
  return Array.from(k, jsKey);
}

// ------------------------------------------------------------------ adapters

/** A JS-defined iterator (a DataIter subclass, or an object with next()/reset()/provideData) as a runtime iterator. */
function iterHandle(it, what) {
  if (it && it._h) return it._h;
  if (it === null || typeof it !== 'object' || (typeof it.nextBatch !== 'function' && typeof it.next !== 'function')) {
    throw new MXNetError(`${what}: expected a data iterator (mx.io's, a DataIter subclass or an object with next() and reset()), got ${describe(it)}`);
  }
  const provide = (v) => (typeof v === 'function' ? v.call(it) : v);
  const next = () => {
    let b;
    if (typeof it.nextBatch === 'function') b = it.nextBatch();
    else {
      b = it.next();
      if (b && typeof b === 'object' && 'done' in b) b = b.done ? null : b.value;
    }
    if (b === null || b === undefined) return null;
    if (!b.data) throw new MXNetError(`${what}: a batch needs data (an array of NDArrays), got ${describe(b)}`);
    const key = b.bucketKey ?? null;
    return host(() => H.dataBatch(arrays(b.data, 'batch.data'), arrays(b.label, 'batch.label'), b.pad ?? 0, key,
      descList(b.provideData, 'batch.provideData'), descList(b.provideLabel, 'batch.provideLabel')));
  };
  const reset = () => { if (typeof it.reset === 'function') it.reset(); };
  const data = () => descList(provide(it.provideData), `${what}.provideData`) ?? [];
  const label = () => descList(provide(it.provideLabel), `${what}.provideLabel`);
  return host(() => H.guestIter(Number.isInteger(it.batchSize) ? it.batchSize : 0, next, reset, data, label, it));
}

const METRIC_ADAPTERS = new WeakMap();

/** A metric argument for the runtime: names pass as they are; runtime metrics by handle; JS metrics through an adapter. */
function metricHandle(m) {
  if (typeof m === 'string') return m;
  if (Array.isArray(m) && m.every((x) => typeof x === 'string')) return m;
  const metric = createMetric(m);
  if (metric._h) return metric._h;
  let h = METRIC_ADAPTERS.get(metric);
  if (h === undefined) {
    const update = (labels, preds) => metric.update(fromHostArray(labels, (x) => new NDArray(x)), fromHostArray(preds, (x) => new NDArray(x)));
    const get = (global) => {
      const [n, v] = global ? metric.getGlobal() : metric.get();
      return Array.isArray(n) ? [n.map(String), v.map(Number)] : [[String(n)], [Number(v)]];
    };
    const reset = (localOnly) => (localOnly ? metric.resetLocal() : metric.reset());
    h = host(() => H.guestMetric(String(metric.name), metric.outputNames ?? null, metric.labelNames ?? null, metric, update, get, reset));
    METRIC_ADAPTERS.set(metric, h);
  }
  return h;
}
setMetricHandle(metricHandle);

/** The JS metric a runtime callback hands over: the JS object behind an adapter, or the runtime metric wrapped. */
function jsMetric(h) {
  if (h === null || h === undefined) return null;
  return host(() => H.guestOf(h)) ?? wrapMetric(h);
}

function initializerHandle(init) {
  if (init === undefined || init === null) return host(() => H.initializer('uniform', {}));
  const overridden = init instanceof Initializer && init.initialize !== Initializer.prototype.initialize;
  if (init._h && !overridden) return init._h;
  const fn = typeof init === 'function' ? init : typeof init.initialize === 'function' ? (n, a, attrs) => init.initialize(n, a, attrs) : null;
  if (fn === null) throw new MXNetError(`initializer: expected an mx.init initializer, a function (name, array, attrs) or an object with initialize(), got ${describe(init)}`);
  const desc = typeof init.dumps === 'function' && !overridden ? init.dumps() : `["${init.constructor?.name ?? 'custom'}", {}]`;
  return host(() => H.guestInitializer((name, attrs, a) => { fn(name, new NDArray(a), JSON.parse(attrs)); }, desc));
}

const OPTIMIZER_ADAPTERS = new WeakMap();

/**
 * An optimizer argument for the runtime: a registry name, the runtime's optimizer (mx.optimizer's,
 * by handle), or a JS-defined one, as Python's Module takes an Optimizer subclass: an object with
 * update(index, weight, grad, state) and optionally createState(index, weight) (null, an NDArray or
 * an array of NDArrays). The runtime's Updater keeps the states and calls update for each parameter;
 * learningRate, rescaleGrad, wd and clipGradient, when the object has them, are what the runtime sees.
 */
function optimizerHandle(opt, what) {
  if (typeof opt === 'string') return opt;
  if (opt && opt._h) return opt._h;
  if (opt === null || typeof opt !== 'object' || typeof opt.update !== 'function') {
    throw new MXNetError(`${what}: optimizer must be a name, an mx.optimizer optimizer or an object with update(index, weight, grad, state), got ${describe(opt)}`);
  }
  let h = OPTIMIZER_ADAPTERS.get(opt);
  if (h === undefined) {
    const asList = new Map();   // index -> whether createState gave an array, so update gets the state in the form it was made
    const createState = (index, weight) => {
      const st = typeof opt.createState === 'function' ? opt.createState(index, new NDArray(weight)) : null;
      const list = st === null || st === undefined ? [] : st instanceof NDArray ? [st] : Array.isArray(st) ? st : null;
      if (list === null || !list.every((x) => x instanceof NDArray)) {
        throw new MXNetError(`${what}: createState must return null, an NDArray or an array of NDArrays, got ${describe(st)}`);
      }
      asList.set(index, Array.isArray(st));
      return list.map((x) => x._h);
    };
    const update = (index, weight, grad, states) => {
      const st = fromHostArray(states, (x) => new NDArray(x));
      const list = asList.get(index) ?? st.length > 1;
      opt.update(index, new NDArray(weight), new NDArray(grad), list ? st : (st[0] ?? null));
    };
    const params = {};
    for (const [k, n] of [['learningRate', 'learning_rate'], ['rescaleGrad', 'rescale_grad'], ['wd', 'wd'], ['clipGradient', 'clip_gradient']]) {
      if (typeof opt[k] === 'number') params[n] = opt[k];
    }
    h = host(() => H.guestOptimizer(params, createState, update, opt, opt.constructor?.name ?? 'Optimizer'));
    OPTIMIZER_ADAPTERS.set(opt, h);
  }
  return h;
}

function batchEndHandles(cbs, what) {
  if (cbs === undefined || cbs === null) return undefined;
  return (Array.isArray(cbs) ? cbs : [cbs]).map((cb, i) => {
    if (cb && cb._h) return cb._h;
    if (typeof cb !== 'function') throw new MXNetError(`${what}[${i}]: expected a function ({epoch, nbatch, evalMetric}) or an mx.callback callback, got ${describe(cb)}`);
    return host(() => H.batchEndCallback((epoch, nbatch, m) => cb({ epoch, nbatch, evalMetric: jsMetric(m), locals: {} })));
  });
}

function epochEndHandles(cbs, what) {
  if (cbs === undefined || cbs === null) return undefined;
  return (Array.isArray(cbs) ? cbs : [cbs]).map((cb, i) => {
    if (cb && cb._h) return cb._h;
    if (typeof cb !== 'function') throw new MXNetError(`${what}[${i}]: expected a function (epoch, symbol, argParams, auxParams) or mx.callback.doCheckpoint(...), got ${describe(cb)}`);
    return host(() => H.epochEndCallback((epoch, sym, p) => {
      const [args, aux] = paramDicts(p);
      cb(epoch, new Symbol(sym), args, aux);
    }));
  });
}

function loggerOf(logger) {
  if (logger === undefined || logger === null) return null;
  if (typeof logger !== 'function') throw new MXNetError(`logger: expected a function of a log line, got ${describe(logger)}`);
  return logger;
}

// ------------------------------------------------------------------ modules

/** What every module offers (MXNet's BaseModule): the intermediate steps and the fit/score/predict loops. */
export class BaseModule {
  _state(i) { return host(() => H.moduleState(this._h))[i]; }

  get binded() { return this._state(0); }

  get forTraining() { return this._state(1); }

  get paramsInitialized() { return this._state(2); }

  get optimizerInitialized() { return this._state(3); }

  get dataNames() { return fromHostArray(host(() => H.moduleNames(this._h, 'data'))); }

  get outputNames() { return fromHostArray(host(() => H.moduleNames(this._h, 'output'))); }

  get labelNames() { return fromHostArray(host(() => H.moduleNames(this._h, 'label'))); }

  get dataShapes() { return descsOf(host(() => H.moduleShapes(this._h, 'data'))); }

  get labelShapes() { return descsOf(host(() => H.moduleShapes(this._h, 'label'))); }

  /** [[name, shape], ...]. */
  get outputShapes() { return fromHostArray(host(() => H.moduleShapes(this._h, 'output')), (r) => [String(r[0]), fromHostArray(r[1], Number)]); }

  get symbol() { return new Symbol(host(() => H.moduleSymbol(this._h))); }

  /** bind({dataShapes, labelShapes, forTraining, inputsNeedGrad, forceRebind, sharedModule, gradReq}); shapes as DataDescs or [name, shape] pairs. */
  bind({ dataShapes, labelShapes = null, forTraining = true, inputsNeedGrad = false, forceRebind = false, sharedModule = null, gradReq = 'write' } = {}) {
    if (sharedModule !== null && !(sharedModule instanceof BaseModule)) throw new MXNetError(`bind: sharedModule must be a module, got ${describe(sharedModule)}`);
    host(() => H.moduleBind(this._h, descList(dataShapes, 'dataShapes'), descList(labelShapes, 'labelShapes'), forTraining, inputsNeedGrad, forceRebind,
      sharedModule === null ? null : sharedModule._h, gradReq));
  }

  /** initParams({initializer, argParams, auxParams, allowMissing, forceInit, allowExtra}); initializer an mx.init one or a JS function (name, array, attrs). */
  initParams({ initializer, argParams = null, auxParams = null, allowMissing = false, forceInit = false, allowExtra = false } = {}) {
    const init = initializerHandle(initializer);
    host(() => H.moduleInitParams(this._h, init, namedHandles(argParams, 'argParams'), namedHandles(auxParams, 'auxParams'), allowMissing, forceInit, allowExtra));
  }

  setParams(argParams, auxParams = null, { allowMissing = false, forceInit = true, allowExtra = false } = {}) {
    host(() => H.moduleSetParams(this._h, namedHandles(argParams, 'argParams'), namedHandles(auxParams, 'auxParams'), allowMissing, forceInit, allowExtra));
  }

  /** [argParams, auxParams] as objects of named NDArrays. */
  getParams() { return paramDicts(host(() => H.moduleGetParams(this._h))); }

  /** initOptimizer({kvstore, optimizer, optimizerParams, forceInit}): optimizer a name, an mx.optimizer one or a JS-defined one. */
  initOptimizer({ kvstore = 'local', optimizer = 'sgd', optimizerParams = { learningRate: 0.01 }, forceInit = false } = {}) {
    const opt = optimizerHandle(optimizer, 'initOptimizer');
    host(() => H.moduleInitOptimizer(this._h, kvstore, opt, hostOptions(optimizerParams), forceInit));
  }

  /** forward(batch, {isTrain}): batch a DataBatch (or {data, label, bucketKey, provideData, provideLabel}); isTrain defaults to how the module was bound. */
  forward(batch, { isTrain = null } = {}) {
    if (!batch || !batch.data) throw new MXNetError(`forward: expected a DataBatch, got ${describe(batch)}`);
    host(() => H.moduleForward(this._h, arrays(batch.data, 'batch.data'), arrays(batch.label, 'batch.label'), isTrain, batch.bucketKey ?? null,
      descList(batch.provideData, 'batch.provideData'), descList(batch.provideLabel, 'batch.provideLabel')));
  }

  backward(outGrads = null) { host(() => H.moduleBackward(this._h, arrays(outGrads, 'outGrads'))); }

  forwardBackward(batch) {
    this.forward(batch, { isTrain: true });
    this.backward();
  }

  update() { host(() => H.moduleUpdate(this._h)); }

  getOutputs() { return fromHostArray(host(() => H.moduleOutputs(this._h)), (h) => new NDArray(h)); }

  getInputGrads() { return fromHostArray(host(() => H.moduleInputGrads(this._h)), (h) => new NDArray(h)); }

  /** Update `metric` (a name, an mx.metric metric or a JS EvalMetric) with the outputs of the last forward and these labels. */
  updateMetric(metric, labels) {
    if (!(metric instanceof EvalMetric)) throw new MXNetError(`updateMetric: expected an EvalMetric, got ${describe(metric)}`);
    host(() => H.moduleUpdateMetric(this._h, metricHandle(metric), arrays(labels, 'labels') ?? []));
  }

  /** Let an mx.mon.Monitor watch the module's executors. */
  installMonitor(mon) { host(() => H.moduleInstallMonitor(this._h, mon._h)); }

  saveParams(file) { host(() => H.moduleSaveParams(this._h, String(file))); }

  loadParams(file) { host(() => H.moduleLoadParams(this._h, String(file))); }

  /**
   * fit(trainData, {evalData, numEpoch, optimizer, optimizerParams, evalMetric, validationMetric,
   * initializer, argParams, auxParams, allowMissing, forceInit, forceRebind, beginEpoch, kvstore,
   * batchEndCallback, epochEndCallback, evalEndCallback, evalBatchEndCallback, monitor}) as MXNet's.
   * Iterators, metrics, initializers and callbacks may be the runtime's or written in JS.
   */
  fit(trainData, { evalData = null, optimizerParams = null, argParams = null, auxParams = null, evalMetric, validationMetric, initializer,
    optimizer, batchEndCallback, epochEndCallback, evalEndCallback, evalBatchEndCallback, monitor, ...opts } = {}) {
    if (opts.numEpoch === undefined) throw new MXNetError('please specify number of epochs');
    const o = hostOptions(opts);
    o.eval_metric = metricHandle(evalMetric ?? 'acc');
    if (validationMetric !== undefined) o.validation_metric = metricHandle(validationMetric);
    if (initializer !== undefined) o.initializer = initializerHandle(initializer);
    if (optimizer !== undefined) o.optimizer = optimizerHandle(optimizer, 'fit');
    if (monitor !== undefined && monitor !== null) o.monitor = monitor._h;
    o.batch_end_callback = batchEndHandles(batchEndCallback, 'batchEndCallback');
    o.epoch_end_callback = epochEndHandles(epochEndCallback, 'epochEndCallback');
    o.eval_end_callback = batchEndHandles(evalEndCallback, 'evalEndCallback');
    o.eval_batch_end_callback = batchEndHandles(evalBatchEndCallback, 'evalBatchEndCallback');
    for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
    host(() => H.moduleFit(this._h, iterHandle(trainData, 'fit'), evalData === null ? null : iterHandle(evalData, 'evalData'), o,
      optimizerParams === null ? null : hostOptions(optimizerParams), namedHandles(argParams, 'argParams'), namedHandles(auxParams, 'auxParams')));
  }

  /** score(evalIter, metric = 'acc'): [[name, value], ...] as MXNet's list of pairs; a JS metric is updated in place. */
  score(evalData, evalMetric = 'acc') {
    const [names, values] = host(() => H.moduleScore(this._h, iterHandle(evalData, 'score'), metricHandle(evalMetric)));
    return fromHostArray(names).map((n, i) => [n, values[i]]);
  }

  /**
   * predict(iter, {numBatch, mergeBatches = true}): the outputs over the epoch, one NDArray (one
   * output) or a list; with mergeBatches false, each batch's list of outputs.
   */
  predict(evalData, { numBatch = null, mergeBatches = true } = {}) {
    const it = iterHandle(evalData, 'predict');
    if (!mergeBatches || numBatch !== null) {
      const per = fromHostArray(host(() => H.modulePredictPerBatch(this._h, it, numBatch ?? -1)), (b) => fromHostArray(b, (h) => new NDArray(h)));
      if (!mergeBatches) return per;
      if (per.length === 0) return [];
      const merged = per[0].map((_, i) => (per.length === 1 ? per[0][i] : nd.concat(...per.map((b) => b[i]), { dim: 0 })));
      return merged.length === 1 ? merged[0] : merged;
    }
    const outs = fromHostArray(host(() => H.modulePredict(this._h, it)), (h) => new NDArray(h));
    return outs.length === 1 ? outs[0] : outs;
  }
}

/** MXNet's Module: a symbol with its data/label names, trained with fit() and evaluated with score()/predict(). */
export class Module extends BaseModule {
  constructor(symbol, { context, dataNames = ['data'], labelNames = ['softmax_label'], fixedParamNames = [], logger = null } = {}) {
    super();
    if (symbol === null) return; // Module.load
    if (!(symbol instanceof Symbol)) throw new MXNetError(`Module: expected a Symbol, got ${describe(symbol)}`);
    if (Array.isArray(context)) {
      if (context.length !== 1) throw new MXNetError(`Module: mxj binds a module to one context (data parallelism over several is not implemented); got ${context.length} contexts`);
      context = context[0];
    }
    this._h = host(() => H.module(symbol._h, dataNames ?? [], labelNames ?? [], toContext(context)._h, fixedParamNames ?? [], loggerOf(logger)));
  }

  /** reshape(dataShapes, labelShapes): new input shapes, parameters kept. */
  reshape(dataShapes, labelShapes = null) { host(() => H.moduleReshape(this._h, descList(dataShapes, 'dataShapes'), descList(labelShapes, 'labelShapes'))); }

  borrowOptimizer(shared) { host(() => H.moduleBorrowOptimizer(this._h, shared._h)); }

  saveCheckpoint(prefix, epoch, saveOptimizerStates = false) {
    host(() => H.moduleSaveCheckpoint(this._h, String(prefix), epoch, saveOptimizerStates));
  }

  /** Module.load(prefix, epoch, {loadOptimizerStates, dataNames, labelNames, context, logger}): a module with the checkpoint's symbol and parameters. */
  static load(prefix, epoch, { loadOptimizerStates = false, dataNames = ['data'], labelNames = ['softmax_label'], context, logger = null } = {}) {
    const m = new Module(null);
    m._h = host(() => H.moduleLoad(String(prefix), epoch, loadOptimizerStates, dataNames, labelNames, toContext(context)._h, loggerOf(logger)));
    return m;
  }
}

/**
 * MXNet's BucketingModule: new BucketingModule(symGen, {defaultBucketKey, context, fixedParamNames, logger});
 * symGen(key) returns [symbol, dataNames, labelNames] (or {symbol, dataNames, labelNames}). Each
 * bucket's module is made on first use and shares the default bucket's parameters and memory; a
 * batch selects its bucket with bucketKey (and gives its shapes with provideData/provideLabel).
 */
export class BucketingModule extends BaseModule {
  constructor(symGen, { defaultBucketKey, context, fixedParamNames = [], logger = null } = {}) {
    super();
    if (typeof symGen !== 'function') throw new MXNetError(`BucketingModule: symGen must be a function of the bucket key, got ${describe(symGen)}`);
    if (defaultBucketKey === undefined || defaultBucketKey === null) throw new MXNetError('BucketingModule: defaultBucketKey must be given');
    const gen = (key) => {
      const r = symGen(jsKey(key));
      const [s, d, l] = Array.isArray(r) ? r : isOptions(r) ? [r.symbol, r.dataNames, r.labelNames] : [];
      if (!(s instanceof Symbol)) throw new MXNetError(`BucketingModule: symGen must return [symbol, dataNames, labelNames], got ${describe(r)}`);
      return [s._h, Array.from(d ?? ['data'], String), Array.from(l ?? [], String)];
    };
    this.defaultBucketKey = defaultBucketKey;
    this._h = host(() => H.bucketingModule(gen, defaultBucketKey, toContext(context)._h, fixedParamNames ?? [], loggerOf(logger)));
  }

  /** The current bucket's key (null before bind). */
  get bucketKey() { return jsKey(host(() => H.bucketKey(this._h)) ?? null); }

  /** The keys of the buckets bound so far. */
  get bucketKeys() { return fromHostArray(host(() => H.bucketKeys(this._h)), jsKey); }

  /** switchBucket(key, dataShapes, labelShapes): make the bucket current, binding it on first use. */
  switchBucket(key, dataShapes, labelShapes = null) {
    host(() => H.switchBucket(this._h, key, descList(dataShapes, 'dataShapes'), descList(labelShapes, 'labelShapes')));
  }
}

/** MXNet's SequentialModule: add(module, {takeLabels, autoWiring}) chains modules; each one's outputs feed the next. */
export class SequentialModule extends BaseModule {
  constructor({ logger = null } = {}) {
    super();
    this._h = host(() => H.sequentialModule(loggerOf(logger)));
    this.modules = [];
  }

  add(module, { takeLabels = false, autoWiring = false, ...rest } = {}) {
    if (!(module instanceof BaseModule)) throw new MXNetError(`SequentialModule.add: expected a module, got ${describe(module)}`);
    const unknown = Object.keys(rest);
    if (unknown.length) throw new MXNetError(`SequentialModule.add: unknown option ${unknown[0]} (takeLabels, autoWiring)`);
    host(() => H.sequentialAdd(this._h, module._h, Boolean(takeLabels), Boolean(autoWiring)));
    this.modules.push(module);
    return this;
  }
}

/** mx.model.saveCheckpoint(prefix, epoch, symbol, argParams, auxParams): prefix-symbol.json and prefix-%04d.params. */
export function saveCheckpoint(prefix, epoch, symbol, argParams, auxParams = {}) {
  host(() => H.saveCheckpoint(String(prefix), epoch, symbol._h, namedHandles(argParams, 'argParams'), namedHandles(auxParams ?? {}, 'auxParams')));
}

/** mx.model.loadCheckpoint(prefix, epoch): [symbol, argParams, auxParams]. */
export function loadCheckpoint(prefix, epoch) {
  const r = host(() => H.loadCheckpoint(String(prefix), epoch));
  const [args, aux] = paramDicts([r[1], r[2], r[3], r[4]]);
  return [new Symbol(r[0]), args, aux];
}

/** X (and y) as an iterator, as MXNet's FeedForward._init_iter: an iterator as it is, arrays as an NDArrayIter. */
function feedIter(X, y, isTrain, batchSize, what) {
  if (!(X instanceof NDArray)) return iterHandle(X, what);
  if (y === null || y === undefined) {
    if (isTrain) throw new MXNetError(`${what}: y must be given when X is an NDArray`);
    y = nd.zeros([X.shape[0]]);
  }
  if (!(y instanceof NDArray)) throw new MXNetError(`${what}: y must be an NDArray when X is one, got ${describe(y)}`);
  if (X.shape[0] !== y.shape[0]) throw new MXNetError(`${what}: the numbers of data points and labels are not equal (${X.shape[0]} vs ${y.shape[0]})`);
  if (y.shape.length === 2 && y.shape[1] === 1) y = y.reshape([y.shape[0]]);
  if (y.shape.length !== 1) throw new MXNetError(`${what}: labels must be 1-d (or 2-d with a second dimension of 1), got shape [${y.shape}]`);
  const opts = { batchSize: Math.min(X.shape[0], batchSize) };
  if (isTrain) Object.assign(opts, { shuffle: true, lastBatchHandle: 'roll_over' });
  return new NDArrayIter(X, y, opts)._h;
}

/**
 * MXNet's mx.model.FeedForward (the 0.x model API, on the runtime's dev.mxj.model.FeedForward, itself
 * on Module): new FeedForward(symbol, {ctx, numEpoch, optimizer, initializer, numpyBatchSize,
 * argParams, auxParams, allowExtraParams, beginEpoch, ...optimizer arguments (learningRate, momentum, wd, ...)}).
 */
export class FeedForward {
  constructor(symbol, { ctx, numEpoch = null, epochSize = null, optimizer = 'sgd', initializer, numpyBatchSize = 128, argParams = null, auxParams = null,
    allowExtraParams = false, beginEpoch = 0, _handle = null, ...optimizerParams } = {}) {
    if (_handle !== null) { this._h = _handle; this.numpyBatchSize = numpyBatchSize; return; }
    if (!(symbol instanceof Symbol)) throw new MXNetError(`FeedForward: expected a Symbol, got ${describe(symbol)}`);
    if (Array.isArray(ctx)) {
      if (ctx.length !== 1) throw new MXNetError(`FeedForward: mxj trains on one context; got ${ctx.length} contexts`);
      ctx = ctx[0];
    }
    if (epochSize !== null) throw new MXNetError('FeedForward: epochSize is not supported by mxj; an epoch is one pass over the iterator');
    const init = initializer === undefined ? null : initializerHandle(initializer);
    this.numpyBatchSize = numpyBatchSize;
    this._h = host(() => H.feedForward(symbol._h, toContext(ctx)._h, numEpoch ?? 0, optimizerHandle(optimizer, 'FeedForward'), init,
      namedHandles(argParams, 'argParams'), namedHandles(auxParams, 'auxParams'), Boolean(allowExtraParams), beginEpoch, hostOptions(optimizerParams)));
  }

  get symbol() { return new Symbol(host(() => H.feedForwardSymbol(this._h))); }

  _params(i) {
    const r = host(() => H.feedForwardParams(this._h));
    return r === null || r === undefined ? null : paramDicts(r)[i];
  }

  /** The trained (or loaded) parameters by name; null before fit or load. */
  get argParams() { return this._params(0); }

  get auxParams() { return this._params(1); }

  /** fit(X, y, {evalData, evalMetric, epochEndCallback, batchEndCallback}): X an iterator, or an NDArray with labels y. */
  fit(X, y = null, { evalData = null, evalMetric = 'acc', epochEndCallback, batchEndCallback } = {}) {
    const train = feedIter(X, y, true, this.numpyBatchSize, 'FeedForward.fit');
    let ev = null;
    if (Array.isArray(evalData)) {
      if (evalData.length !== 2 || evalData[0] === null) throw new MXNetError('FeedForward.fit: evalData must be an iterator or an [X, y] pair');
      ev = feedIter(evalData[0], evalData[1], false, this.numpyBatchSize, 'FeedForward.fit evalData');
    } else if (evalData !== null) {
      ev = iterHandle(evalData, 'FeedForward.fit evalData');
    }
    const o = { eval_metric: metricHandle(evalMetric), epoch_end_callback: epochEndHandles(epochEndCallback, 'epochEndCallback'),
      batch_end_callback: batchEndHandles(batchEndCallback, 'batchEndCallback') };
    for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
    host(() => H.feedForwardFit(this._h, train, ev, o));
    return this;
  }

  /** predict(X, {numBatch}): the outputs over X (padding removed, batches concatenated); one NDArray for one output, else a list. */
  predict(X, { numBatch = null } = {}) {
    const outs = fromHostArray(host(() => H.feedForwardPredict(this._h, feedIter(X, null, false, this.numpyBatchSize, 'FeedForward.predict'), numBatch ?? -1)),
      (h) => new NDArray(h));
    return outs.length === 1 ? outs[0] : outs;
  }

  /** score(X, evalMetric = 'acc', {numBatch}): the metric's value over X (an iterator with labels). */
  score(X, evalMetric = 'acc', { numBatch = null } = {}) {
    return host(() => H.feedForwardScore(this._h, feedIter(X, null, false, this.numpyBatchSize, 'FeedForward.score'), metricHandle(evalMetric),
      numBatch ?? -1));
  }

  /** save(prefix, epoch = numEpoch): a checkpoint (prefix-symbol.json, prefix-%04d.params). */
  save(prefix, epoch = null) { host(() => H.feedForwardSave(this._h, String(prefix), epoch)); }

  /** FeedForward.load(prefix, epoch, {ctx, numEpoch, ...optimizer arguments}): ready to predict or to go on training from epoch. */
  static load(prefix, epoch, { ctx, numEpoch = null, numpyBatchSize = 128, ...optimizerParams } = {}) {
    return new FeedForward(null, { numpyBatchSize,
      _handle: host(() => H.feedForwardLoad(String(prefix), epoch, toContext(ctx)._h, numEpoch ?? 0, hostOptions(optimizerParams))) });
  }

  /** FeedForward.create(symbol, X, y, {numEpoch, ...constructor options, evalData, evalMetric, epochEndCallback, batchEndCallback}): made and fitted. */
  static create(symbol, X, y = null, { evalData = null, evalMetric = 'acc', epochEndCallback, batchEndCallback, ...opts } = {}) {
    return new FeedForward(symbol, opts).fit(X, y, { evalData, evalMetric, epochEndCallback, batchEndCallback });
  }
}

export const mod = { BaseModule, Module, BucketingModule, SequentialModule };
export const model = { saveCheckpoint, loadCheckpoint, FeedForward };
