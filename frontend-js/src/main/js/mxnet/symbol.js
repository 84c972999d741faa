// mx.sym: symbolic graphs over dev.mxj.symbol.Symbol, and their executors (dev.mxj.executor.Executor).
import { H, host, MXNetError, snake, paramString, isOptions, fromHostArray, describe } from './base.js';
import { NDArray, OPS, installFluent } from './ndarray.js';
import { Context, toContext } from './context.js';

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

function typesOf(obj, what) {
  if (obj === undefined || obj === null) return [null, null];
  if (!isOptions(obj)) throw new MXNetError(`${what}: expected an object of dtype names ({x: 'float64'}), got ${describe(obj)}`);
  return [Object.keys(obj), Object.values(obj).map(String)];
}

/** [group names, context handles] of a group2ctx object ({dev1: mx.cpu(0)}), or null. */
function group2ctxOf(g) {
  if (g === undefined || g === null) return null;
  if (!isOptions(g)) throw new MXNetError(`group2ctx: expected an object of contexts by group name, got ${describe(g)}`);
  const names = Object.keys(g);
  for (const n of names) if (!(g[n] instanceof Context)) throw new MXNetError(`group2ctx.${n}: expected a Context, got ${describe(g[n])}`);
  return [names, names.map((n) => g[n]._h)];
}

function execHandle(e, what) {
  if (e === undefined || e === null) return null;
  if (e instanceof Executor) return e._h;
  throw new MXNetError(`${what}: expected an Executor, got ${describe(e)}`);
}

function typeList(l) { return l === null || l === undefined ? null : fromHostArray(l, (t) => (t === null || t === undefined ? null : String(t))); }

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

  /** {argTypes, outTypes, auxTypes} (dtype names) from known input dtypes ({data: 'float64'}); null when undecided. */
  inferType(types) { return inferTypes(this, types, false); }

  inferTypePartial(types) { return inferTypes(this, types, true); }

  /**
   * MXNet's `sym(data=x, name='n')`: a copy with the named free variables replaced by symbols,
   * compose({data: x, name: 'n'}).
   */
  compose({ name = null, ...inputs } = {}) {
    const names = [], syms = [];
    for (const [k, v] of Object.entries(inputs)) {
      if (!(v instanceof Symbol)) throw new MXNetError(`compose: input ${k} must be a Symbol, got ${describe(v)}`);
      names.push(k);
      syms.push(v._h);
    }
    return new Symbol(host(() => H.symCompose(this._h, name === null ? null : String(name), names, syms)));
  }

  copy() { return new Symbol(host(() => H.symCopy(this._h))); }

  /** Save MXNet's graph JSON to a file (mx.sym.load reads it back, as does MXNet). */
  save(file) { host(() => H.symSave(this._h, String(file))); }

  /** One attribute of this symbol's node ('__ctx_group__', 'num_hidden', ...), or null. */
  attr(key) { return host(() => H.symAttr(this._h, String(key))) ?? null; }

  listAttr() { return JSON.parse(host(() => H.symAttrs(this._h, false))); }

  /** Attributes of every node by node name: {fc1: {num_hidden: '8'}, a: {__ctx_group__: 'dev1'}}. */
  attrDict() { return JSON.parse(host(() => H.symAttrs(this._h, true))); }

  /**
   * bind(ctx, args, {argsGrad, gradReq, auxStates, group2ctx, sharedExec}): an Executor over the
   * given arrays (objects of named NDArrays). gradReq 'write' (default), 'add', 'null' or per name;
   * group2ctx places the nodes of each ctx_group (mx.AttrScope) on a context.
   */
  bind(ctx, args, { argsGrad = null, gradReq = 'write', auxStates = null, group2ctx = null, sharedExec = null } = {}) {
    return new Executor(host(() => H.bind(this._h, toContext(ctx)._h, namedHandles(args, 'args'), namedHandles(argsGrad, 'argsGrad'),
      gradReq, namedHandles(auxStates, 'auxStates'), group2ctxOf(group2ctx), execHandle(sharedExec, 'sharedExec'))));
  }

  /**
   * simpleBind(ctx, {gradReq, typeDict, group2ctx, sharedArgNames, sharedExec, sharedBuffer, ...shapes}):
   * allocates every array from the inferred shapes (types from typeDict completed by inference).
   * As MXNet's: with sharedBuffer (an object name -> NDArray), the arguments in sharedArgNames take
   * sharedExec's arrays, the others lie in the buffer's arrays where large enough, and the buffer
   * gets the arrays created; without it only sharedExec's memory pool is shared.
   */
  simpleBind(ctx, { gradReq = 'write', typeDict = null, group2ctx = null, sharedArgNames = null, sharedExec = null, sharedBuffer = null, ...shapes } = {}) {
    const [names, dims] = shapesOf(shapes);
    const [tnames, types] = typesOf(typeDict, 'typeDict');
    if (sharedArgNames !== null && !Array.isArray(sharedArgNames)) throw new MXNetError(`simpleBind: sharedArgNames must be an array of names, got ${describe(sharedArgNames)}`);
    const buf = namedHandles(sharedBuffer, 'sharedBuffer');
    const r = host(() => H.simpleBind(this._h, toContext(ctx)._h, gradReq, names, dims, tnames, types, group2ctxOf(group2ctx),
      sharedArgNames === null ? null : sharedArgNames.map(String), execHandle(sharedExec, 'sharedExec'), buf));
    if (sharedBuffer !== null) Object.assign(sharedBuffer, dictOf(fromHostArray(r[1]), fromHostArray(r[2])));
    return new Executor(r[0]);
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

function inferTypes(sym, types, partial) {
  const [names, dtypes] = typesOf(types, 'inferType');
  const r = host(() => H.symInferType(sym._h, names, dtypes, partial));
  if (r === null || r === undefined) return null;
  return { argTypes: typeList(r[0]), outTypes: typeList(r[1]), auxTypes: typeList(r[2]) };
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

/** mx.sym.load(file): a symbol from MXNet's graph JSON file (written by Symbol.save or by MXNet). */
export function load(file) { return new Symbol(host(() => H.symLoad(String(file)))); }

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

  get symbol() { return new Symbol(host(() => H.execSymbol(this._h))); }

  /**
   * reshape({partialShaping, allowUpSizing, ...shapes}): an executor for new input shapes sharing
   * this one's parameters and memory (MXNet's rules for arguments whose shape changes).
   */
  reshape({ partialShaping = false, allowUpSizing = false, ...shapes } = {}) {
    const [names, dims] = shapesOf(shapes);
    return new Executor(host(() => H.execReshape(this._h, Boolean(partialShaping), Boolean(allowUpSizing), names, dims)));
  }

  /** fn(name, array) after each operator runs with its outputs (and inputs with monitorAll); null stops. */
  setMonitorCallback(fn, monitorAll = false) {
    if (fn !== null && typeof fn !== 'function') throw new MXNetError(`setMonitorCallback: expected a function (name, array), got ${describe(fn)}`);
    host(() => H.execSetMonitor(this._h, fn === null ? null : (name, a) => fn(name, new NDArray(a)), Boolean(monitorAll)));
  }

  debugStr() { return host(() => H.execDebugStr(this._h)); }
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

/** mx.sym: variable/Variable/var, group, fromJSON, load, and every registered operator as a symbol function, made on first access. */
export const sym = lazy({
  Symbol, Executor, variable, Variable: variable, var: variable, group, Group: group, fromJSON, load_json: fromJSON, loadJSON: fromJSON, load,
  _internal: lazy({}, (p) => (p.startsWith('_') ? byName('')(p) : undefined)),
  random: lazy({}, byName('_random_')),
  contrib: lazy({}, byName('_contrib_')),
}, byName(''));

// fluent methods, as MXNet's s.reshape(shape=...), s.sum(axis=1)
installFluent(Symbol.prototype, symbolOperator);

/** Attributes given to every symbol made inside run() (MXNet's `with mx.AttrScope(ctx_group='dev1'):`); values are strings. */
export class AttrScope {
  constructor(attrs = {}) {
    if (!isOptions(attrs)) throw new MXNetError(`AttrScope: expected an object of attributes, got ${describe(attrs)}`);
    this.attrs = {};
    for (const [k, v] of Object.entries(attrs)) {
      if (typeof v !== 'string') throw new MXNetError(`AttrScope: attributes need to be strings; ${k} is ${describe(v)}`);
      this.attrs[snake(k)] = v;
    }
  }

  /** Run fn with the attributes applied (nested scopes merge, inner values win); returns fn's result. */
  run(fn) { return inScope(() => H.attrScope(this.attrs), fn); }
}

function inScope(open, fn) {
  const scope = host(open);
  try {
    return fn();
  } finally {
    host(() => H.closeScope(scope));
  }
}

/** Automatic names (fullyconnected0, ...): new NameManager().run(fn) restarts the counters, new Prefix('net_').run(fn) prefixes names. */
export class NameManager {
  run(fn) { return inScope(() => H.nameScope(this.prefix ?? null), fn); }
}

export class Prefix extends NameManager {
  constructor(prefix) {
    super();
    this.prefix = String(prefix);
  }
}

export const name = { NameManager, Prefix };
