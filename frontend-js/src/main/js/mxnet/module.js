// mx.mod.Module and mx.model checkpoints over dev.mxj.module.Module / dev.mxj.model.Model.
import { H, host, MXNetError, hostOptions, fromHostArray, describe } from './base.js';
import { NDArray } from './ndarray.js';
import { toContext } from './context.js';
import { Symbol, namedHandles, dictOf } from './symbol.js';

function iterHandle(it, what) {
  if (it && it._h) return it._h;
  throw new MXNetError(`${what}: expected one of the runtime's iterators (mx.io.NDArrayIter, CSVIter, MNISTIter), got ${describe(it)}`);
}

function metricArg(m) {
  if (m === undefined || m === null) return 'acc';
  if (typeof m === 'string' || Array.isArray(m)) return m;
  if (m._h) return m._h;
  throw new MXNetError('Module: evalMetric must be a name, a list of names or one of the runtime metrics (mx.metric.create(...))');
}

function descList(descs) {
  if (descs === undefined || descs === null) return null;
  return descs.map((d) => (Array.isArray(d) ? [String(d[0]), Array.from(d[1], Number), d[2] ?? 'float32'] : [d.name, Array.from(d.shape, Number), d.dtype ?? 'float32']));
}

function paramDicts(r) {
  return [dictOf(fromHostArray(r[0]), fromHostArray(r[1])), dictOf(fromHostArray(r[2]), fromHostArray(r[3]))];
}

/** MXNet's Module: a symbol with its data/label names, trained with fit() and evaluated with score()/predict(). */
export class Module {
  constructor(symbol, { context, dataNames = ['data'], labelNames = ['softmax_label'], fixedParamNames = [] } = {}) {
    if (symbol === null) return; // Module.load
    if (!(symbol instanceof Symbol)) throw new MXNetError(`Module: expected a Symbol, got ${describe(symbol)}`);
    this._h = host(() => H.module(symbol._h, dataNames ?? [], labelNames ?? [], toContext(context)._h, fixedParamNames ?? []));
  }

  get symbol() { return new Symbol(host(() => H.moduleSymbol(this._h))); }

  /** bind({dataShapes, labelShapes, forTraining, inputsNeedGrad, forceRebind, gradReq}); shapes as DataDescs or [name, shape] pairs. */
  bind({ dataShapes, labelShapes = null, forTraining = true, inputsNeedGrad = false, forceRebind = false, gradReq = 'write' } = {}) {
    host(() => H.moduleBind(this._h, descList(dataShapes), descList(labelShapes), forTraining, inputsNeedGrad, forceRebind, gradReq));
  }

  initParams({ initializer, argParams = null, auxParams = null, allowMissing = false, forceInit = false, allowExtra = false } = {}) {
    const init = initializer ? initializer._h : host(() => H.initializer('uniform', {}));
    host(() => H.moduleInitParams(this._h, init, namedHandles(argParams, 'argParams'), namedHandles(auxParams, 'auxParams'), allowMissing, forceInit, allowExtra));
  }

  /**
   * fit(trainIter, {evalData, numEpoch, optimizer, optimizerParams, evalMetric, initializer, argParams, auxParams,
   * allowMissing, forceInit, forceRebind, beginEpoch, kvstore}) as MXNet's.
   */
  fit(trainData, { evalData = null, optimizerParams = null, argParams = null, auxParams = null, evalMetric, ...opts } = {}) {
    if (opts.numEpoch === undefined) throw new MXNetError('please specify number of epochs');
    const o = hostOptions(opts);
    o.eval_metric = metricArg(evalMetric);
    host(() => H.moduleFit(this._h, iterHandle(trainData, 'fit'), evalData === null ? null : iterHandle(evalData, 'evalData'), o,
      optimizerParams === null ? null : hostOptions(optimizerParams), namedHandles(argParams, 'argParams'), namedHandles(auxParams, 'auxParams')));
  }

  /** score(evalIter, metric = 'acc'): [[name, value], ...] as MXNet's list of pairs. */
  score(evalData, evalMetric = 'acc') {
    const [names, values] = host(() => H.moduleScore(this._h, iterHandle(evalData, 'score'), metricArg(evalMetric)));
    return fromHostArray(names).map((n, i) => [n, values[i]]);
  }

  /** predict(iter): the outputs over the whole epoch, one NDArray (one output) or a list. */
  predict(evalData) {
    const outs = fromHostArray(host(() => H.modulePredict(this._h, iterHandle(evalData, 'predict'))), (h) => new NDArray(h));
    return outs.length === 1 ? outs[0] : outs;
  }

  /** [argParams, auxParams] as objects of named NDArrays. */
  getParams() { return paramDicts(host(() => H.moduleGetParams(this._h))); }

  saveCheckpoint(prefix, epoch, saveOptimizerStates = false) {
    host(() => H.moduleSaveCheckpoint(this._h, String(prefix), epoch, saveOptimizerStates));
  }

  /** Module.load(prefix, epoch, {loadOptimizerStates, dataNames, labelNames, context}): a module with the checkpoint's symbol and parameters. */
  static load(prefix, epoch, { loadOptimizerStates = false, dataNames = ['data'], labelNames = ['softmax_label'], context } = {}) {
    const m = new Module(null);
    m._h = host(() => H.moduleLoad(String(prefix), epoch, loadOptimizerStates, dataNames, labelNames, toContext(context)._h));
    return m;
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

export const mod = { Module };
export const model = { saveCheckpoint, loadCheckpoint };
