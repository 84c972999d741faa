// mx.nd: the NDArray class, array creation, indexing, and every registered operator.
//
// Operator functions are generated at import from the runtime's catalogue (dev.mxj.interop.OpCatalog):
// `mx.nd.<MXNet name>` and its camelCase alias (`mx.nd.softmax_cross_entropy` / `mx.nd.softmaxCrossEntropy`),
// underscore names under `mx.nd._internal`, `_random_x` as `mx.nd.random.x`, `_linalg_x` as `mx.nd.linalg.x`,
// `_contrib_x` as `mx.nd.contrib.x`, `_image_x` as `mx.nd.image.x`. Calling convention, as MXNet's generated
// Python functions: NDArray inputs first (an array of NDArrays for variadic operators such as concat), then
// parameters positionally in declaration order, and/or a last options object with camelCase or snake_case keys
// (`{kernel: [3, 3], numFilter: 8}`), plus `out` (an NDArray or array of them to write into) and `name`
// (accepted and ignored, as in MXNet's imperative API). One OpInvoker (operator with parsed parameters) is
// cached per distinct parameter set, so repeated calls cost one host call.
import { H, MXNetError, toError, host, snake, paramString, isOptions, describe, fromHostArray } from './base.js';
import { Context, toContext } from './context.js';

const TYPED = {
  float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: BigInt64Array,
  int8: Int8Array, uint8: Uint8Array, bool: Uint8Array,
};

function dtypeOfTyped(t) {
  if (t instanceof Float32Array) return 'float32';
  if (t instanceof Float64Array) return 'float64';
  if (t instanceof Int32Array) return 'int32';
  if (t instanceof BigInt64Array) return 'int64';
  if (t instanceof Int8Array) return 'int8';
  if (t instanceof Uint8Array || t instanceof Uint8ClampedArray) return 'uint8';
  return null;
}

const MAX_CACHED = 256;

/** An invoker for op with the given (snake_case, string) parameters. */
function invoker(op, keys, vals) {
  try {
    return H.invoker(op, keys, vals);
  } catch (e) {
    throw toError(e);
  }
}

function wrap(h) { return new NDArray(h); }

function wrapAll(hs) {
  const n = hs.length;
  if (n === 1) return new NDArray(hs[0]);
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = new NDArray(hs[i]);
  return out;
}

function handleOf(a, what) {
  if (a instanceof NDArray) return a._h;
  throw new MXNetError(`${what}: expected an NDArray, got ${describe(a)}`);
}

/** A scalar operator (x op number) with one invoker per scalar value seen. */
class ScalarOp {
  constructor(name) { this.name = name; this.cache = new Map(); this.last = NaN; this.lastInv = null; }

  invoker(s) {
    if (s === this.last) return this.lastInv;
    let inv = this.cache.get(s);
    if (inv === undefined) {
      if (typeof s !== 'number' && typeof s !== 'boolean') throw new MXNetError(`${this.name}: expected a number or an NDArray, got ${describe(s)}`);
      inv = invoker(this.name, ['scalar'], [String(Number(s))]);
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(s, inv);
    }
    this.last = s;
    this.lastInv = inv;
    return inv;
  }

  call(a, s) {
    const inv = this.invoker(s);
    try {
      return new NDArray(H.call1(inv, a._h));
    } catch (e) {
      throw toError(e);
    }
  }

  into(a, s, out) {
    const inv = this.invoker(s);
    return host(() => { H.invokeInto(inv, [a._h], [out._h]); return out; });
  }
}

/** A parameterless unary or binary operator with its one invoker. */
class PlainOp {
  constructor(name) { this.name = name; this.inv = null; }

  get invoker() { return this.inv ?? (this.inv = invoker(this.name, [], [])); }

  call1(a) {
    const inv = this.invoker;
    try {
      return new NDArray(H.call1(inv, a._h));
    } catch (e) {
      throw toError(e);
    }
  }

  call2(a, b) {
    const inv = this.invoker;
    if (!(b instanceof NDArray)) throw new MXNetError(`${this.name}: expected a number or an NDArray, got ${describe(b)}`);
    try {
      return new NDArray(H.call2(inv, a._h, b._h));
    } catch (e) {
      throw toError(e);
    }
  }

  into(ins, out) {
    const inv = this.invoker;
    return host(() => { H.invokeInto(inv, ins.map((x) => x._h), [out._h]); return out; });
  }
}

// arithmetic as MXNet's NDArray operators use them: broadcast_* between arrays, *_scalar with numbers
const ARITH = {};
for (const [method, broadcast, scalar, rscalar] of [
  ['add', 'broadcast_add', '_plus_scalar', null],
  ['sub', 'broadcast_sub', '_minus_scalar', '_rminus_scalar'],
  ['mul', 'broadcast_mul', '_mul_scalar', null],
  ['div', 'broadcast_div', '_div_scalar', '_rdiv_scalar'],
  ['mod', 'broadcast_mod', '_mod_scalar', '_rmod_scalar'],
  ['pow', 'broadcast_power', '_power_scalar', '_rpower_scalar'],
  ['maximum', 'broadcast_maximum', '_maximum_scalar', null],
  ['minimum', 'broadcast_minimum', '_minimum_scalar', null],
  ['eq', 'broadcast_equal', '_equal_scalar', null],
  ['ne', 'broadcast_not_equal', '_not_equal_scalar', null],
  ['gt', 'broadcast_greater', '_greater_scalar', null],
  ['ge', 'broadcast_greater_equal', '_greater_equal_scalar', null],
  ['lt', 'broadcast_lesser', '_lesser_scalar', null],
  ['le', 'broadcast_lesser_equal', '_lesser_equal_scalar', null],
]) {
  ARITH[method] = { array: new PlainOp(broadcast), scalar: new ScalarOp(scalar), rscalar: rscalar && new ScalarOp(rscalar) };
}
const NEGATIVE = new PlainOp('negative');
const COPY = new PlainOp('_copyto');
const GATHER_ND = new PlainOp('gather_nd');

/** An n-dimensional array on a device. Operations are asynchronous; reading values waits for them. */
export class NDArray {
  /** Arrays come from mx.nd.array / zeros / operators; the constructor takes a runtime handle. */
  constructor(handle) {
    this._h = handle;
    this._shape = undefined;
  }

  /** The shape as an array of numbers. */
  get shape() {
    if (this._shape === undefined) this._shape = Object.freeze(fromHostArray(host(() => H.shape(this._h)), Number));
    return this._shape;
  }

  get dtype() { return host(() => H.dtype(this._h)); }

  get context() { return Context._of(host(() => H.context(this._h))); }

  get ctx() { return this.context; }

  get size() { return this.shape.reduce((a, b) => a * b, 1); }

  get ndim() { return this.shape.length; }

  /** The transpose (axes reversed). */
  get T() { return nd.transpose(this); }

  /** The gradient buffer attached by attachGrad(), or null. */
  get grad() {
    const g = host(() => H.grad(this._h));
    return g === null || g === undefined ? null : wrap(g);
  }

  // arithmetic (add, sub, mul, div, mod, pow, maximum, minimum, eq, ne, gt, ge, lt, le, their r- and
  // in-place forms) is defined below from the ARITH table

  neg() { return NEGATIVE.call1(this); }

  // ---------------------------------------------------------------- reading

  /** The values as a typed array of the array's dtype (Float32Array, Int32Array, BigInt64Array, ...). */
  toTypedArray() {
    const C = TYPED[this.dtype];
    if (C === undefined) return this.astype('float32').toTypedArray();
    const buf = host(() => H.toBuffer(this._h));
    return new C(new ArrayBuffer(buf));
  }

  toFloat32Array() { return this.dtype === 'float32' ? this.toTypedArray() : this.astype('float32').toTypedArray(); }

  toFloat64Array() { return this.dtype === 'float64' ? this.toTypedArray() : this.astype('float64').toTypedArray(); }

  toInt32Array() { return this.dtype === 'int32' ? this.toTypedArray() : this.astype('int32').toTypedArray(); }

  /** Nested JS arrays of numbers (MXNet's tolist()). */
  toArray() {
    const flat = this.toTypedArray();
    const big = flat instanceof BigInt64Array;
    const shape = this.shape;
    if (shape.length === 0) return big ? Number(flat[0]) : flat[0];
    let pos = 0;
    const build = (d) => {
      const n = shape[d];
      const out = new Array(n);
      if (d === shape.length - 1) {
        for (let i = 0; i < n; i++) out[i] = big ? Number(flat[pos++]) : flat[pos++];
      } else {
        for (let i = 0; i < n; i++) out[i] = build(d + 1);
      }
      return out;
    };
    return build(0);
  }

  tolist() { return this.toArray(); }

  /** The value of a one-element array. */
  asScalar() { return host(() => H.asScalar(this._h)); }

  asscalar() { return this.asScalar(); }

  waitToRead() { host(() => H.waitToRead(this._h)); return this; }

  toString() { return host(() => H.str(this._h)); }

  [Symbol.toPrimitive](hint) { return hint === 'number' ? this.asScalar() : this.toString(); }

  /** Free the array's memory now (otherwise the garbage collector does it); the array is unusable after. */
  dispose() { host(() => H.dispose(this._h)); }

  get isDisposed() { return host(() => H.isDisposed(this._h)); }

  // ---------------------------------------------------------------- copies, types, shapes

  copy() { return wrap(host(() => H.copy(this._h))); }

  /** Copy into another NDArray (returned) or onto a Context (a new array). */
  copyTo(target) {
    if (target instanceof NDArray) { host(() => H.copyTo(this._h, target._h)); return target; }
    return wrap(host(() => H.copyToContext(this._h, toContext(target)._h)));
  }

  copyto(target) { return this.copyTo(target); }

  asInContext(ctx) {
    const c = toContext(ctx);
    return this.context.equals(c) ? this : this.copyTo(c);
  }

  as_in_context(ctx) { return this.asInContext(ctx); }

  asType(dtype) { return wrap(host(() => H.asType(this._h, String(dtype)))); }

  astype(dtype) { return this.asType(dtype); }

  /**
   * A view with another shape: reshape([2, 3]) or reshape(2, 3); 0 copies a dimension and -1 infers
   * one (MXNet's codes -2, -3, -4 and {reverse: true} go through the Reshape operator and copy).
   */
  reshape(...args) {
    let opts = null;
    if (args.length && isOptions(args[args.length - 1])) opts = args.pop();
    const dims = args.length === 1 && (Array.isArray(args[0]) || ArrayBuffer.isView(args[0])) ? Array.from(args[0]) : args;
    for (const d of dims) {
      if (!Number.isInteger(d)) throw new MXNetError(`reshape: dimensions must be integers, got ${describe(d)}`);
    }
    if ((opts && opts.reverse) || dims.some((d) => d < -1)) return nd.Reshape(this, { shape: dims, reverse: !!(opts && opts.reverse) });
    const r = wrap(host(() => H.reshape(this._h, dims)));
    return r;
  }

  /** Rows begin..end of the first axis, sharing memory (MXNet's x[begin:end]). */
  slice(begin, end) {
    const n = this.shape[0];
    const b = normIndex(begin ?? 0, n, true), e = normIndex(end ?? n, n, true);
    return wrap(host(() => H.slice(this._h, b, Math.max(b, e))));
  }

  /** Row i of the first axis without that axis, sharing memory (MXNet's x[i]). */
  at(i) {
    const n = this.shape[0];
    return wrap(host(() => H.at(this._h, checkIndex(i, n, 0))));
  }

  /**
   * Indexing, as MXNet's x[...]: one index per leading axis, each an integer (drops the axis;
   * negative counts from the end), a slice string 'begin:end:step' (':' for the whole axis), null
   * for ':', or an index array: an NDArray (float indices are truncated, as MXNet casts them to
   * int32), a typed array or (nested) JS arrays of integers.
   * x.get(1), x.get('1:3'), x.get(':', 0), x.get(null, '::2'), x.get([0, 2]), x.get(':', idx), x.get([0, 1], [2, 0]).
   * Integer or unit-step slices of the first axis alone return views that share memory; other forms
   * return copies. With index arrays (MXNet's advanced indexing, gather_nd), integers count as
   * one-element arrays, the arrays broadcast together into one block of axes that stays in place
   * when the array and integer indices are adjacent and comes first otherwise (numpy's rules).
   */
  get(...index) {
    if (index.length === 1 && Number.isInteger(index[0])) return this.at(index[0]);
    const shape = this.shape;
    const sel = parseIndex(index, shape);
    if (sel.some((s) => s.arr)) {
      const { indices } = advancedIndex(sel, shape, this.context);
      return GATHER_ND.call2(this, indices);
    }
    if (sel.length === 1 && sel[0].step === 1 && !sel[0].drop) return wrap(host(() => H.slice(this._h, sel[0].begin, sel[0].end)));
    const r = nd.slice(this, sliceParams(sel));
    const out = outShape(sel, shape);
    return out.length === r.shape.length && out.every((d, i) => d === r.shape[i]) ? r : r.reshape(out.length ? out : [1]);
  }

  /**
   * Assignment, as MXNet's x[...] = value: x.set(value) fills or copies the whole array,
   * x.set(...index, value) writes the selected part (every index form of get(), index arrays
   * included: x.set([0, 2], 5), x.set(':', idx, rows)); value is a number, an NDArray (cast to
   * this array's dtype) or JS/typed array data, broadcast to the selection's shape as get() would
   * return it. Index arrays write with _scatter_set_nd; when an element is named twice the last
   * write wins here (MXNet leaves the result unspecified). A bad index or a value that does not
   * broadcast throws MXNetError before anything is written. Returns this array.
   */
  set(...args) {
    if (args.length === 0) throw new MXNetError('set: missing the value to assign');
    const value = args.pop();
    if (args.length === 0) return assignWhole(this, value);
    const shape = this.shape;
    if (args.length === 1 && Number.isInteger(args[0])) {
      assignWhole(this.at(args[0]), value);
      return this;
    }
    const sel = parseIndex(args, shape);
    if (sel.some((s) => s.arr)) {
      const { indices, outShape: target } = advancedIndex(sel, shape, this.context);
      const v = valueFor(this, value, target);
      const inv = invoker('_scatter_set_nd', ['shape'], [paramString(shape)]);
      host(() => H.invokeInto(inv, [this._h, v._h, indices._h], [this._h]));
      return this;
    }
    const p = sliceParams(sel);
    if (typeof value === 'number' || typeof value === 'boolean') {
      const inv = invoker('_slice_assign_scalar', ['begin', 'end', 'step', 'scalar'],
        [paramString(p.begin), paramString(p.end), paramString(p.step), String(Number(value))]);
      host(() => H.invokeInto(inv, [this._h], [this._h]));
      return this;
    }
    // the value broadcasts to the selection without its integer axes (as get() returns it), then
    // takes _slice_assign's shape, with 1 at those axes
    const kept = sel.map((s) => (s.drop ? 1 : sliceLength(s))).concat(shape.slice(sel.length));
    const target = outShape(sel, shape);
    const v = valueFor(this, value, target.length ? target : [1]).reshape(kept);
    const inv = invoker('_slice_assign', ['begin', 'end', 'step'], [paramString(p.begin), paramString(p.end), paramString(p.step)]);
    host(() => H.invokeInto(inv, [this._h, v._h], [this._h]));
    return this;
  }

  // ---------------------------------------------------------------- autograd

  /** Allocate a gradient buffer and mark this array as a variable ({gradReq: 'write' | 'add' | 'null'}). */
  attachGrad({ gradReq = 'write' } = {}) { host(() => H.attachGrad(this._h, gradReq)); return this; }

  /** Back-propagate from this array ({outGrad, retainGraph = false, trainMode = true}). */
  backward({ outGrad = null, retainGraph = false, trainMode = true } = {}) {
    host(() => H.backward([this._h], outGrad === null ? null : [handleOf(outGrad, 'backward outGrad')], retainGraph, trainMode));
  }

  /** The same data, cut from the recorded graph. */
  detach() { return wrap(host(() => H.detach(this._h))); }
}

// x.add(y) / x.add(2): broadcast_add between arrays, _plus_scalar with a number (MXNet's __add__);
// x.rsub(2) = 2 - x (__rsub__); x.addi(y) writes into x (__iadd__). Each method closes over its own
// operators, so the hot path is one cache lookup and one host call.
for (const [method, ops] of Object.entries(ARITH)) {
  const { array: arrayOp, scalar: scalarOp, rscalar } = ops;
  NDArray.prototype[method] = { [method](o) { return typeof o === 'number' ? scalarOp.call(this, o) : arrayOp.call2(this, o); } }[method];
  if (rscalar) {
    NDArray.prototype['r' + method] = { ['r' + method](s) {
      if (typeof s !== 'number') throw new MXNetError(`r${method}: expected a number, got ${describe(s)}`);
      return rscalar.call(this, s);
    } }['r' + method];
  }
  if (['add', 'sub', 'mul', 'div'].includes(method)) {
    NDArray.prototype[method + 'i'] = { [method + 'i'](o) {
      return typeof o === 'number' ? scalarOp.into(this, o, this) : arrayOp.into([this, o], this);
    } }[method + 'i'];
  }
}

function assignWhole(dst, value) {
  if (typeof value === 'number' || typeof value === 'boolean') {
    host(() => H.fill(dst._h, Number(value)));
    return dst;
  }
  const v = valueFor(dst, value, dst.shape);
  host(() => H.assign(dst._h, v._h));
  return dst;
}

/** A shape as Python prints it: (2, 3), (3,), (). */
function shapeText(s) { return `(${s.join(', ')}${s.length === 1 ? ',' : ''})`; }

function sameShape(a, b) { return a.length === b.length && a.every((d, i) => d === b[i]); }

/**
 * What set() writes into dst: value (a number, an NDArray or array data) as an NDArray of dst's
 * dtype and context with the target shape, as MXNet's _prepare_value_nd: leading axes of length 1
 * beyond the target's rank are dropped, then numpy broadcasting. A value sharing memory with dst
 * is copied first, so overlapping reads see the old values.
 */
function valueFor(dst, value, target) {
  let v;
  if (value instanceof NDArray) {
    v = value.asInContext(dst.context);
    if (v.dtype !== dst.dtype) v = v.astype(dst.dtype);
    else if (host(() => H.sharesMemory(v._h, dst._h))) v = v.copy();
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    return full(target, Number(value), { dtype: dst.dtype, ctx: dst.context });
  } else if (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    v = array(value, { dtype: dst.dtype, ctx: dst.context });
  } else {
    throw new MXNetError(`set: the value must be a number, an NDArray or array data, got ${describe(value)}`);
  }
  const vs = v.shape;
  if (sameShape(vs, target)) return v;
  let lead = 0;
  while (vs.length - lead > target.length && vs[lead] === 1) lead++;
  const s = vs.slice(lead);
  const ok = s.length <= target.length && s.every((d, i) => {
    const t = target[target.length - s.length + i];
    return d === t || d === 1;
  });
  if (!ok) throw new MXNetError(`set: cannot broadcast a value of shape ${shapeText(vs)} to the indexed shape ${shapeText(target)}`);
  const padded = new Array(target.length - s.length).fill(1).concat(s);
  const r = sameShape(padded, vs) ? v : v.reshape(padded);
  return sameShape(padded, target) ? r : nd.broadcast_to(r, { shape: target });
}

function checkIndex(i, n, axis) {
  if (!Number.isInteger(i)) throw new MXNetError(`index must be an integer, got ${describe(i)}`);
  const k = i < 0 ? i + n : i;
  if (k < 0 || k >= n) throw new MXNetError(`index ${i} is out of bounds for axis ${axis} with size ${n}`);
  return k;
}

function normIndex(i, n, clamp) {
  if (!Number.isInteger(i)) throw new MXNetError(`slice bounds must be integers, got ${describe(i)}`);
  let k = i < 0 ? i + n : i;
  if (clamp) k = Math.min(Math.max(k, 0), n);
  return k;
}

/**
 * Per indexed axis {begin, end, step, drop} with begin/end resolved for the step's direction, or
 * {arr: {shape, data}} for an index array (data flat, negative indices resolved, bounds checked).
 */
function parseIndex(index, shape) {
  if (index.length > shape.length) {
    throw new MXNetError(`too many indices for array: array is ${shape.length}-dimensional, but ${index.length} were indexed`);
  }
  return index.map((ix, axis) => {
    const n = shape[axis];
    if (Number.isInteger(ix)) {
      const k = checkIndex(ix, n, axis);
      return { begin: k, end: k + 1, step: 1, drop: true };
    }
    if (ix instanceof NDArray || Array.isArray(ix) || (ArrayBuffer.isView(ix) && !(ix instanceof DataView))) {
      return { arr: indexArray(ix, n, axis) };
    }
    let parts;
    if (ix === null || ix === undefined) parts = [];
    else if (typeof ix === 'string') {
      parts = ix.split(':').map((p) => p.trim());
      if (parts.length < 2 || parts.length > 3 || parts.some((p) => p !== '' && !/^-?\d+$/.test(p))) {
        throw new MXNetError(`index '${ix}': expected an integer or a slice such as '1:3', ':' or '::2'`);
      }
      parts = parts.map((p) => (p === '' ? undefined : Number(p)));
    } else throw new MXNetError(`index ${describe(ix)} is not supported (use integers, slice strings like '1:3', null, or index arrays: NDArrays, typed arrays, arrays of integers)`);
    const step = parts[2] ?? 1;
    if (step === 0) throw new MXNetError('slice step cannot be zero');
    let begin, end;
    if (step > 0) {
      begin = parts[0] === undefined ? 0 : normIndex(parts[0], n, true);
      end = parts[1] === undefined ? n : normIndex(parts[1], n, true);
      if (end < begin) end = begin;
    } else {
      begin = parts[0] === undefined ? n - 1 : Math.min(normIndex(parts[0], n, false), n - 1);
      end = parts[1] === undefined ? -1 : Math.max(normIndex(parts[1], n, false), -1);
      if (end > begin) end = begin;
    }
    return { begin, end, step, drop: false };
  });
}

/**
 * An index array along an axis of size n: {shape, data} with data flat and every index in [0, n).
 * NDArrays are read (float ones truncated to int32, as MXNet casts index arrays); JS arrays may nest.
 */
function indexArray(ix, n, axis) {
  let shape, vals;
  if (ix instanceof NDArray) {
    const dt = ix.dtype;
    if (dt === 'bool') throw new MXNetError('boolean index arrays are not supported (as in MXNet 1.9\'s NDArray); use integer indices');
    shape = ix.shape;
    vals = dt === 'int32' || dt === 'int64' || dt === 'int8' || dt === 'uint8' ? ix.toTypedArray() : ix.toInt32Array();
  } else if (Array.isArray(ix)) {
    if (ix.flat(Infinity).some((x) => typeof x === 'boolean')) throw new MXNetError('boolean index arrays are not supported (as in MXNet 1.9\'s NDArray); use integer indices');
    ({ flat: vals, shape } = flatten(ix, 'index array'));
  } else {
    shape = [ix.length];
    vals = ix;
  }
  const data = n > 0x7fffffff ? new Float64Array(vals.length) : new Int32Array(vals.length);
  for (let i = 0; i < vals.length; i++) {
    const v = Number(vals[i]);
    if (!Number.isInteger(v)) throw new MXNetError(`index arrays must hold integers, got ${vals[i]}`);
    if (v < -n || v >= n) throw new MXNetError(`index ${v} is out of bounds for axis ${axis} with size ${n}`);
    data[i] = v < 0 ? v + n : v;
  }
  return { shape, data };
}

/** numpy's broadcast of index array shapes. */
function broadcastIndexShapes(shapes) {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = rank - s.length + i, d = s[i];
      if (d === 1) continue;
      if (out[j] !== 1 && out[j] !== d) {
        throw new MXNetError(`shape mismatch: indexing arrays could not be broadcast together with shapes ${shapes.map(shapeText).join(' ')}`);
      }
      out[j] = d;
    }
  }
  return out;
}

function sliceLength(s) { return Math.max(0, Math.ceil((s.end - s.begin) / s.step)); }

/**
 * MXNet's advanced indexing (NDArray._get_index_nd): the (M, ...) int index array for gather_nd /
 * _scatter_set_nd and the shape of the selection. Integers count as one-element arrays; the index
 * arrays broadcast to one block of axes, which stays where the arrays are when they are adjacent
 * and goes first otherwise; slices become ranges; trailing whole-axis slices stay implicit.
 */
function advancedIndex(sel, shape, ctx) {
  const adv = [];
  sel.forEach((s, ax) => { if (s.arr || s.drop) adv.push(ax); });
  const block = broadcastIndexShapes(adv.map((ax) => (sel[ax].arr ? sel[ax].arr.shape : [1])));
  const adjacent = adv.every((ax, i) => i === 0 || ax === adv[i - 1] + 1);
  let m = sel.length;
  while (m > adv[adv.length - 1] + 1 && sel[m - 1].step === 1 && sel[m - 1].begin === 0 && sel[m - 1].end === shape[m - 1]) m--;
  // the selection's leading axes (layout): the block, and one axis per slice kept in the index;
  // rows: how each indexed axis's index follows from a position in the layout
  const layout = [];
  const blockAt = adjacent ? adv[0] : 0;
  const rows = [];
  for (let ax = 0; ax < m; ax++) {
    const s = sel[ax];
    if (ax === blockAt) layout.push(...block);
    if (s.arr || s.drop) {
      const a = s.arr ?? { shape: [1], data: [s.begin] };
      const strides = new Array(block.length).fill(0);
      for (let i = a.shape.length - 1, st = 1; i >= 0; st *= a.shape[i], i--) {
        if (a.shape[i] !== 1) strides[block.length - a.shape.length + i] = st;
      }
      rows.push({ data: a.data, strides });
    } else {
      rows.push({ begin: s.begin, step: s.step, dim: layout.length });
      layout.push(sliceLength(s));
    }
  }
  const n = layout.reduce((p, d) => p * d, 1);
  const big = shape.some((d) => d > 0x7fffffff);
  const idx = big ? new BigInt64Array(m * n) : new Int32Array(m * n);
  const ctr = new Array(layout.length).fill(0);
  const bd = block.length;
  for (let p = 0; p < n; p++) {
    for (let j = 0; j < m; j++) {
      const r = rows[j];
      let v;
      if (r.data === undefined) v = r.begin + r.step * ctr[r.dim];
      else {
        let o = 0;
        for (let d = 0; d < bd; d++) o += r.strides[d] * ctr[blockAt + d];
        v = r.data[o];
      }
      idx[j * n + p] = big ? BigInt(v) : v;
    }
    for (let d = layout.length - 1; d >= 0; d--) {
      if (++ctr[d] < layout[d]) break;
      ctr[d] = 0;
    }
  }
  const indices = fromTyped(idx, big ? 'int64' : 'int32', [m, ...layout], ctx);
  return { indices, outShape: layout.concat(shape.slice(m)) };
}

function sliceParams(sel) {
  return {
    begin: sel.map((s) => s.begin),
    end: sel.map((s) => (s.end < 0 ? null : s.end)),
    step: sel.map((s) => s.step),
  };
}

function outShape(sel, shape) {
  const out = [];
  sel.forEach((s) => { if (!s.drop) out.push(sliceLength(s)); });
  return out.concat(shape.slice(sel.length));
}

// ------------------------------------------------------------------ creation

function flatten(data, what = 'array') {
  const shape = [];
  let probe = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const flat = new Float64Array(size);
  let pos = 0;
  const walk = (x, d) => {
    if (d === shape.length) {
      if (typeof x === 'number' || typeof x === 'boolean') { flat[pos++] = Number(x); return; }
      if (typeof x === 'bigint') { flat[pos++] = Number(x); return; }
      throw new MXNetError(`${what}: expected numbers, got ${describe(x)}`);
    }
    if (!Array.isArray(x) || x.length !== shape[d]) {
      throw new MXNetError(`${what}: the nested arrays are ragged (axis ${d} should have length ${shape[d]})`);
    }
    for (const e of x) walk(e, d + 1);
  };
  walk(data, 0);
  return { flat, shape };
}

function fromTyped(t, dtype, shape, ctx) {
  return wrap(host(() => H.fromBuffer(t.buffer, t.byteOffset, t.byteLength, dtype, shape, ctx._h)));
}

/**
 * An NDArray from nested JS arrays (float32 unless {dtype}), a typed array (its own dtype:
 * Float32Array -> float32, Int32Array -> int32, Float64Array -> float64, ...; {shape} to
 * reshape the flat data), a number, or another NDArray (copied). Options: dtype, ctx, shape.
 */
export function array(data, { dtype, ctx, shape } = {}) {
  const c = toContext(ctx);
  if (data instanceof NDArray) {
    let r = data.copyTo(c);
    if (dtype && r.dtype !== dtype) r = r.astype(dtype);
    return shape ? r.reshape(shape) : r;
  }
  let a;
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    let src = data, dt = dtypeOfTyped(data);
    if (dt === null) { src = Float64Array.from(data, Number); dt = 'float64'; }
    a = fromTyped(src, dt, shape ? Array.from(shape) : [src.length], c);
  } else if (Array.isArray(data) || typeof data === 'number' || typeof data === 'boolean') {
    const { flat, shape: s } = flatten(Array.isArray(data) ? data : [data]);
    const target = dtype ?? 'float32';
    const src = target === 'float32' ? Float32Array.from(flat) : flat;
    a = fromTyped(src, target === 'float32' ? 'float32' : 'float64', shape ? Array.from(shape) : s, c);
  } else {
    throw new MXNetError(`array: expected nested arrays, a typed array, a number or an NDArray, got ${describe(data)}`);
  }
  if (dtype && a.dtype !== dtype) a = a.astype(dtype);
  return a;
}

function shapeParam(shape) {
  if (Number.isInteger(shape)) return [shape];
  if (Array.isArray(shape)) return shape;
  throw new MXNetError(`shape must be an integer or an array of integers, got ${describe(shape)}`);
}

export function zeros(shape, { dtype = 'float32', ctx } = {}) { return nd._zeros({ shape: shapeParam(shape), dtype, ctx: toContext(ctx) }); }

export function ones(shape, { dtype = 'float32', ctx } = {}) { return nd._ones({ shape: shapeParam(shape), dtype, ctx: toContext(ctx) }); }

export function full(shape, value, { dtype = 'float32', ctx } = {}) {
  return nd._full({ shape: shapeParam(shape), value, dtype, ctx: toContext(ctx) });
}

/** As MXNet, memory the caller overwrites; here it is zeroed. */
export function empty(shape, opts = {}) { return zeros(shape, opts); }

/** arange(stop), arange(start, stop), arange(start, stop, step), options {step, repeat, dtype, ctx}. */
export function arange(start, stop, step, opts) {
  if (isOptions(step)) { opts = step; step = undefined; }
  if (isOptions(stop)) { opts = stop; stop = undefined; }
  const { repeat = 1, dtype = 'float32', ctx } = opts ?? {};
  const st = step ?? (opts && opts.step) ?? 1;
  return nd._arange({ start, stop: stop === undefined ? null : stop, step: st, repeat, dtype, ctx: toContext(ctx) });
}

export function waitall() { host(() => H.waitAll()); }

/** Save arrays (a list, or an object of named arrays) in MXNet's .params/.nd format. */
export function save(file, data) {
  if (data instanceof NDArray) data = [data];
  if (Array.isArray(data)) return host(() => H.save(String(file), null, data.map((a, i) => handleOf(a, `save: item ${i}`))));
  if (data && typeof data === 'object') {
    const names = Object.keys(data);
    return host(() => H.save(String(file), names, names.map((n) => handleOf(data[n], `save: '${n}'`))));
  }
  throw new MXNetError(`save: expected an NDArray, a list or an object of NDArrays, got ${describe(data)}`);
}

/** Load a .params/.nd file: a list, or an object when the file names its arrays. */
export function load(file) {
  const [names, arrays] = host(() => H.load(String(file)));
  const list = fromHostArray(arrays, wrap);
  if (names.length === 0) return list;
  const out = {};
  for (let i = 0; i < names.length; i++) out[names[i]] = list[i];
  return out;
}

// ------------------------------------------------------------------ generated operators

function isNDArrayList(v) { return Array.isArray(v) && v.length > 0 && v.every((x) => x instanceof NDArray); }

/** An operator function for one catalogue entry. */
function makeOperator(name, inputNames, numArgsParam, paramNames) {
  const cache = new Map();
  let plain = null;
  const fn = { [name](...args) {
    let opts = null;
    if (args.length && isOptions(args[args.length - 1])) opts = args.pop();
    const ins = [];
    const keys = [], vals = [];
    let p = 0;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a instanceof NDArray) {
        if (p > 0) throw new MXNetError(`${name}: NDArray argument ${i} after parameters (inputs come first)`);
        ins.push(a._h);
      } else if (a === null || a === undefined) {
        if (p === 0) ins.push(null); // an optional input left out
        else p++;
      } else if (isNDArrayList(a) && p === 0) {
        for (const x of a) ins.push(x._h);
      } else {
        if (p >= paramNames.length) throw new MXNetError(`${name}: too many positional arguments (${args.length}); parameters are ${paramNames.join(', ') || 'none'}`);
        keys.push(paramNames[p]);
        vals.push(paramString(a, paramNames[p]));
        p++;
      }
    }
    let out = null;
    if (opts !== null) {
      for (const k in opts) {
        const v = opts[k];
        if (v === undefined || k === 'name') continue;
        if (k === 'out') { out = v; continue; }
        const key = snake(k);
        if (v instanceof NDArray) {
          const at = inputNames.indexOf(key);
          if (at < 0) throw new MXNetError(`${name}: '${k}' is not an input of ${name} (inputs: ${inputNames.join(', ') || 'positional only'})`);
          while (ins.length <= at) ins.push(null);
          if (ins[at] !== null) throw new MXNetError(`${name}: input '${key}' given twice`);
          ins[at] = v._h;
          continue;
        }
        if (keys.includes(key)) throw new MXNetError(`${name}: parameter '${key}' given twice`);
        keys.push(key);
        vals.push(paramString(v, key));
      }
    }
    if (numArgsParam !== null && !keys.includes(numArgsParam)) {
      keys.push(numArgsParam);
      vals.push(String(ins.length));
    }
    let inv;
    if (keys.length === 0) {
      inv = plain ?? (plain = invoker(name, keys, vals));
    } else {
      const key = keys.join('\u0001') + '\u0000' + vals.join('\u0001');
      inv = cache.get(key);
      if (inv === undefined) {
        inv = invoker(name, keys, vals);
        if (cache.size >= MAX_CACHED) cache.clear();
        cache.set(key, inv);
      }
    }
    try {
      if (out !== null) {
        const outs = out instanceof NDArray ? [out._h] : Array.from(out, (o, i) => handleOf(o, `${name}: out[${i}]`));
        H.invokeInto(inv, ins, outs);
        return out;
      }
      return wrapAll(H.invoke(inv, ins));
    } catch (e) {
      throw toError(e);
    }
  } }[name];
  fn.inputNames = inputNames;
  Object.defineProperty(fn, 'doc', { get: () => host(() => H.opDoc(name)) });
  return fn;
}

// Operator names: MXNet's names first, then camelCase aliases that do not shadow a real name.
export const OPS = new Map();
{
  const lines = H.opIndex().split('\n');
  const aliases = [];
  for (const line of lines) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    const name = line.slice(0, tab), alias = line.slice(tab + 1);
    OPS.set(name, name);
    if (alias !== name) aliases.push(alias, name);
  }
  for (let i = 0; i < aliases.length; i += 2) if (!OPS.has(aliases[i])) OPS.set(aliases[i], aliases[i + 1]);
}

const FUNCTIONS = new Map();

/** The function of a registered operator (one per operator, shared by its name and alias), made on first use. */
function operator(name) {
  let fn = FUNCTIONS.get(name);
  if (fn === undefined) {
    const [, inputNames, numArgsParam, paramNames] = JSON.parse(host(() => H.opInfo(name)));
    fn = makeOperator(name, inputNames, numArgsParam, paramNames);
    FUNCTIONS.set(name, fn);
  }
  return fn;
}

/**
 * A prototype that makes members on first access: lookup(prop) gives the value to define on
 * `owner` (so later accesses are plain property reads) or undefined. Anything else reads from
 * Object.prototype as usual.
 */
function lazyPrototype(owner, lookup) {
  return new Proxy(Object.prototype, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && !(prop in target)) {
        const v = lookup(prop);
        if (v !== undefined) {
          Object.defineProperty(owner, prop, { value: v, writable: true, configurable: true, enumerable: false });
          return v;
        }
      }
      return Reflect.get(target, prop, receiver);
    },
    has(target, prop) {
      return prop in target || (typeof prop === 'string' && lookup(prop) !== undefined);
    },
  });
}

function namespace(members, lookup) {
  Object.setPrototypeOf(members, lazyPrototype(members, lookup));
  return members;
}

const byName = (prefix) => (prop) => {
  const name = OPS.get(prefix + prop) ?? OPS.get(prefix + snake(prop));
  return name === undefined ? undefined : operator(name);
};

/** Every registered operator name (MXNet's, without the camelCase aliases). */
function operatorNames() { return [...OPS.entries()].filter(([k, v]) => k === v).map(([k]) => k); }

/**
 * mx.nd: creation functions and every operator by MXNet name and camelCase alias
 * (mx.nd.softmax_cross_entropy === mx.nd.softmaxCrossEntropy); underscore names also under
 * _internal, and `_random_x` / `_linalg_x` / `_contrib_x` / `_image_x` / `_sparse_x` as
 * mx.nd.random.x, ... Operator functions are made on first access.
 */
export const nd = namespace({
  NDArray, array, zeros, ones, full, empty, arange, waitall, save, load, operatorNames,
  _internal: namespace({}, (p) => (p.startsWith('_') ? byName('')(p) : undefined)),
  random: namespace({}, byName('_random_')),
  linalg: namespace({}, byName('_linalg_')),
  contrib: namespace({}, byName('_contrib_')),
  image: namespace({}, byName('_image_')),
  sparse: namespace({}, byName('_sparse_')),
}, byName(''));

/**
 * Fluent methods on `proto`, as MXNet's x.sum(), x.relu(), x.softmax({axis: 1}): every lower-case
 * operator whose first input is the receiver (data/lhs/a), made on first access from
 * operatorFor(name) (NDArray's operator functions here, Symbol's in symbol.js).
 */
export function installFluent(proto, operatorFor) {
  const firstInputs = new Set(['data', 'lhs', 'a', 'A']);
  const notFluent = new Set();
  Object.setPrototypeOf(proto, lazyPrototype(proto, (prop) => {
    const c = prop.charCodeAt(0);
    if (!(c >= 97 && c <= 122) || notFluent.has(prop)) return undefined;
    const name = OPS.get(prop);
    if (name === undefined) return undefined;
    const fn = operatorFor(name);
    if (!firstInputs.has(fn.inputNames[0])) { notFluent.add(prop); return undefined; }
    return { [prop](...args) { return fn(this, ...args); } }[prop];
  }));
}

installFluent(NDArray.prototype, operator);
