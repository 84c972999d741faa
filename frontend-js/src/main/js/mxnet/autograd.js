// mx.autograd: recording scopes as functions, backward, grad.
import { H, MXNetError, host, describe } from './base.js';
import { NDArray } from './ndarray.js';

function scoped(kind, train, fn) {
  if (typeof fn !== 'function') throw new MXNetError(`autograd.${kind}: expected a function to run, got ${describe(fn)}`);
  const scope = host(() => H.scope(kind, train));
  try {
    const r = fn();
    if (r && typeof r.then === 'function') {
      throw new MXNetError(`autograd.${kind}: the function returned a promise; scopes cover synchronous code only (await outside the scope)`);
    }
    return r;
  } finally {
    host(() => H.closeScope(scope));
  }
}

/** (opts?, fn) or (fn, opts?): the options object may come first or last. */
function split(a, b, dflt) {
  if (typeof a === 'function') return [a, b === undefined ? dflt : b];
  return [b, a === undefined ? dflt : a];
}

/** Record operations run by fn for backward (MXNet's `with autograd.record():`); returns fn's result. {trainMode = true}. */
export function record(a, b) {
  const [fn, o] = split(a, b, {});
  return scoped('record', o.trainMode ?? true, fn);
}

/** Run fn without recording ({trainMode = false}). */
export function pause(a, b) {
  const [fn, o] = split(a, b, {});
  return scoped('pause', o.trainMode ?? false, fn);
}

/** Run fn in training mode (Dropout, BatchNorm behave as in training). */
export function trainMode(fn) { return scoped('train', true, fn); }

/** Run fn in prediction mode. */
export function predictMode(fn) { return scoped('predict', false, fn); }

export function isRecording() { return host(() => H.isRecording()); }

export function isTraining() { return host(() => H.isTraining()); }

/** Returns the previous state. */
export function setRecording(b) { return host(() => H.setRecording(!!b)); }

export function setTraining(b) { return host(() => H.setTraining(!!b)); }

function handles(v, what) {
  const list = v instanceof NDArray ? [v] : v;
  if (!Array.isArray(list)) throw new MXNetError(`${what}: expected an NDArray or an array of NDArrays, got ${describe(v)}`);
  return list.map((x, i) => {
    if (!(x instanceof NDArray)) throw new MXNetError(`${what}[${i}]: expected an NDArray, got ${describe(x)}`);
    return x._h;
  });
}

/** Mark variables with their gradient buffers; gradReqs a string or one per variable ('write', 'add', 'null'). */
export function markVariables(variables, gradients, gradReqs = 'write') {
  const v = handles(variables, 'markVariables variables');
  const g = handles(gradients, 'markVariables gradients');
  const r = Array.isArray(gradReqs) ? gradReqs.map(String) : v.map(() => String(gradReqs));
  host(() => H.markVariables(v, g, r));
}

/** Gradients of heads into the variables' grad buffers. {headGrads, retainGraph = false, trainMode = true}. */
export function backward(heads, { headGrads = null, retainGraph = false, trainMode = true } = {}) {
  const h = handles(heads, 'backward heads');
  const g = headGrads === null ? null : headGrads instanceof NDArray ? [headGrads._h] : headGrads.map((x) => (x === null ? null : x._h));
  host(() => H.backward(h, g, retainGraph, trainMode));
}

/**
 * Gradients of heads with respect to variables, returned as new arrays (grad buffers untouched).
 * {headGrads, retainGraph (default: createGraph), createGraph = false, trainMode = true}.
 */
export function grad(heads, variables, { headGrads = null, retainGraph, createGraph = false, trainMode = true } = {}) {
  const single = variables instanceof NDArray;
  const h = handles(heads, 'grad heads');
  const v = handles(variables, 'grad variables');
  const g = headGrads === null ? null : handles(headGrads, 'grad headGrads');
  const out = host(() => H.gradOf(h, v, g, retainGraph ?? createGraph, createGraph, trainMode));
  const list = [];
  for (let i = 0; i < out.length; i++) list.push(new NDArray(out[i]));
  return single ? list[0] : list;
}
