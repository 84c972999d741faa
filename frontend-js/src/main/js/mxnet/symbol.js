// mx.sym: symbolic graphs over dev.mxj.symbol.Symbol, and their executors (dev.mxj.executor.Executor).
import { H, host, MXNetError, snake, paramString, isOptions, fromHostArray, describe } from './base.js';
import { NDArray, OPS } from './ndarray.js';
import { toContext } from './context.js';

/** [names, handles] for the bridge from {name: NDArray} (or null). */
export function namedHandles(obj, what) {
  if (obj === undefined || obj === null) return null;
  if (!isOptions(obj)) throw new MXNetError(`${what}: expected an object of named NDArrays, got ${describe(obj)}`);
  const names = [], hs = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    if (v !== null && !(v instanceof NDArray)) throw new MXNetError(`${what}.${k}: expected an NDArray, got ${describe(v)}`);
    names.push(k);
    hs.push(v === null ? null : v._h);
  }
  return [names, hs];
}

/** {name: NDArray} from the bridge's [names, arrays] (null arrays kept as null). */
export function dictOf(names, arrays) {
  const out = {};
  for (let i = 0; i < names.length; i++) out[names[i]] = arrays[i] === null || arrays[i] === undefined ? null : new NDArray(arrays[i]);
  return out;
}

function shapesOf(obj) {
  const names = [], shapes = [];
  for (const [k, v] of Object.entries(obj ?? {})) { names.push(k); shapes.push(Array.from(v, Number)); }
  return [names, shapes];
}

function shapeList(l) { return l === null || l === undefined ? null : fromHostArray(l, (s) => (s === null ? null : fromHostArray(s, Number))); }

/** A symbolic graph node (MXNet's Symbol): composed from variables and operator symbols, bound into an Executor. */
export class Symbol {
  constructor(handle) { this._h = handle; }

  get name() { return host(() => H.symName(this._h)) ?? null; }

  listArguments() { return fromHostArray(host(() => H.symList(this._h, 'arguments'))); }

  listOutputs() { return fromHostArray(host(() => H.symList(this._h, 'outputs'))); }

  listAuxiliaryStates() { return fromHostArray(host(() => H.symList(this._h, 'aux'))); }

  getInternals() { return new Symbol(host(() => H.symInternals(this._h))); }

  /** The i-th output, or the output named `name` (as `sym[...]` in MXNet): getInternals().get('fc1_output'). */
  get(index) { return new Symbol(host(() => H.symGet(this._h, typeof index === 'number' ? index : String(index)))); }

  /** MXNet's graph JSON. */
  toJSON() { return host(() => H.symToJson(this._h)); }

  tojson() { return this.toJSON(); }

  /** {argShapes, outShapes, auxShapes} from known input shapes ({data: [16, 8]}); null when undecided. */
  inferShape(shapes) { return infer(this, shapes, false); }

  inferShapePartial(shapes) { return infer(this, shapes, true); }

  /**
   * bind(ctx, args, {argsGrad, gradReq, auxStates}): an Executor over the given arrays
   * (objects of named NDArrays). gradReq 'write' (default), 'add', 'null' or per name.
   */
  bind(ctx, args, { argsGrad = null, gradReq = 'write', auxStates = null } = {}) {
    return new Executor(host(() => H.bind(this._h, toContext(ctx)._h, namedHandles(args, 'args'), namedHandles(argsGrad, 'argsGrad'),
      gradReq, namedHandles(auxStates, 'auxStates'))));
  }

  /** simpleBind(ctx, {gradReq, ...shapes}): allocates every array from the inferred shapes. */
  simpleBind(ctx, { gradReq = 'write', ...shapes } = {}) {
    const [names, dims] = shapesOf(shapes);
    return new Executor(host(() => H.simpleBind(this._h, toContext(ctx)._h, gradReq, names, dims)));
  }

  add(o) { return arith(this, 'add', o); }
  sub(o) { return arith(this, 'sub', o); }
  mul(o) { return arith(this, 'mul', o); }
  div(o) { return arith(this, 'div', o); }
  pow(o) { return arith(this, 'pow', o); }
  mod(o) { return arith(this, 'mod', o); }
  rsub(n) { return arith(this, 'rsub', n); }
  rdiv(n) { return arith(this, 'rdiv', n); }
  rpow(n) { return arith(this, 'rpow', n); }
  neg() { return arith(this, 'neg', 0); }

  toString() { const n = this.name; return n === null ? `<Symbol group [${this.listOutputs().join(', ')}]>` : `<Symbol ${n}>`; }
}

function arith(s, op, o) {
  if (o instanceof Symbol) return new Symbol(host(() => H.symArith(s._h, op, o._h)));
  if (typeof o !== 'number') throw new MXNetError(`Symbol.${op}: expected a Symbol or a number, got ${describe(o)}`);
  return new Symbol(host(() => H.symArith(s._h, op, o)));
}

function infer(sym, shapes, partial) {
  const [names, dims] = shapesOf(shapes);
  const r = host(() => H.symInferShape(sym._h, names, dims, partial));
  if (r === null || r === undefined) return null;
  return { argShapes: shapeList(r[0]), outShapes: shapeList(r[1]), auxShapes: shapeList(r[2]) };
}

/** mx.sym.variable(name, {shape, dtype, lrMult, wdMult, init, attr}). */
export function variable(name, opts = {}) {
  const attrs = {};
  for (const [k, v] of Object.entries(opts ?? {})) {
    if (v === undefined || v === null) continue;
    if (k === 'attr') { Object.assign(attrs, v); continue; }
    const key = snake(k);
    attrs[key] = key === 'init' && typeof v === 'object' && typeof v.dumps === 'function' ? v.dumps() : Array.isArray(v) ? v.slice() : v;
  }
  return new Symbol(host(() => H.symVar(String(name), attrs)));
}

export function group(symbols) { return new Symbol(host(() => H.symGroup(symbols.map((s) => s._h)))); }

export function fromJSON(json) { return new Symbol(host(() => H.symFromJson(String(json)))); }

function isSymbolList(v) { return Array.isArray(v) && v.length > 0 && v.every((x) => x instanceof Symbol); }

/** An operator symbol function for one catalogue entry: inputs positional or named in the options, parameters camelCase. */
function makeSymbolOperator(opName, inputNames, numArgsParam, paramNames) {
  const fn = { [opName](...args) {
    let opts = null;
    if (args.length && isOptions(args[args.length - 1])) opts = args.pop();
    const ins = [], keys = [], vals = [], kwNames = [], kwSyms = [];
    let p = 0, name = null;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a instanceof Symbol) {
        if (p > 0) throw new MXNetError(`${opName}: Symbol argument ${i} after parameters (inputs come first)`);
        ins.push(a._h);
      } else if (isSymbolList(a) && p === 0) {
        for (const x of a) ins.push(x._h);
      } else if (a !== undefined) {
        if (p >= paramNames.length) throw new MXNetError(`${opName}: too many positional arguments (${args.length}); parameters are ${paramNames.join(', ') || 'none'}`);
        if (a !== null) { keys.push(paramNames[p]); vals.push(paramString(a, paramNames[p])); }
        p++;
      }
    }
    for (const k in opts ?? {}) {
      const v = opts[k];
      if (v === undefined) continue;
      if (k === 'name') { name = v === null ? null : String(v); continue; }
      const key = snake(k);
      if (v instanceof Symbol) { kwNames.push(key); kwSyms.push(v._h); continue; }
      if (keys.includes(key)) throw new MXNetError(`${opName}: parameter '${key}' given twice`);
      keys.push(key);
      vals.push(paramString(v, key));
    }
    if (numArgsParam !== null && !keys.includes(numArgsParam)) { keys.push(numArgsParam); vals.push(String(ins.length + kwSyms.length)); }
    return new Symbol(host(() => H.symCreate(opName, name, keys, vals, ins, kwNames, kwSyms)));
  } }[opName];
  fn.inputNames = inputNames;
  Object.defineProperty(fn, 'doc', { get: () => host(() => H.opDoc(opName)) });
  return fn;
}

const FUNCTIONS = new Map();

function symbolOperator(name) {
  let fn = FUNCTIONS.get(name);
  if (fn === undefined) {
    const [, inputNames, numArgsParam, paramNames] = JSON.parse(host(() => H.opInfo(name)));
    fn = makeSymbolOperator(name, inputNames, numArgsParam, paramNames);
    FUNCTIONS.set(name, fn);
  }
  return fn;
}

/** An executor: a bound graph with its arrays. forward({isTrain, ...inputs}) returns the outputs. */
export class Executor {
  constructor(handle) { this._h = handle; }

  forward({ isTrain = false, ...inputs } = {}) {
    const kw = Object.keys(inputs).length ? namedHandles(inputs, 'forward') : null;
    return fromHostArray(host(() => H.execForward(this._h, Boolean(isTrain), kw)), (h) => new NDArray(h));
  }

  /** backward(outGrads): an NDArray, a list of them, or nothing (for a loss output). */
  backward(outGrads = null) {
    const g = outGrads === null || outGrads === undefined ? null : (outGrads instanceof NDArray ? [outGrads] : outGrads).map((x) => x._h);
    host(() => H.execBackward(this._h, g));
  }

  get outputs() { return fromHostArray(host(() => H.execOutputs(this._h)), (h) => new NDArray(h)); }

  get argDict() { return execDict(this, 'arg'); }

  get gradDict() { return execDict(this, 'grad'); }

  get auxDict() { return execDict(this, 'aux'); }
}

function execDict(e, which) {
  const [names, arrays] = host(() => H.execDict(e._h, which));
  return dictOf(fromHostArray(names), fromHostArray(arrays));
}

function lazy(members, lookup) {
  return new Proxy(members, {
    get(target, prop, receiver) {
      if (typeof prop !== 'string' || prop in target) return Reflect.get(target, prop, receiver);
      const v = lookup(prop);
      if (v !== undefined) target[prop] = v;
      return v;
    },
    has(target, prop) { return prop in target || (typeof prop === 'string' && lookup(prop) !== undefined); },
  });
}

const byName = (prefix) => (prop) => {
  const name = OPS.get(prefix + prop) ?? OPS.get(prefix + snake(prop));
  return name === undefined ? undefined : symbolOperator(name);
};

/** mx.sym: variable/Variable/var, group, fromJSON, and every registered operator as a symbol function, made on first access. */
export const sym = lazy({
  Symbol, Executor, variable, Variable: variable, var: variable, group, Group: group, fromJSON, load_json: fromJSON,
  _internal: lazy({}, (p) => (p.startsWith('_') ? byName('')(p) : undefined)),
  random: lazy({}, byName('_random_')),
  contrib: lazy({}, byName('_contrib_')),
}, byName(''));
