// The bridge to the Java runtime, errors, and MXNet's parameter spellings.
// Everything else in the module goes through `H` (one host object, see dev.mxj.js.Bridge).

const bridge = globalThis.__mxj_bridge;
if (!bridge) throw new Error("the mxnet module runs inside mxj: `mxj run script.js` or `mxj js`");
try { delete globalThis.__mxj_bridge; } catch (_) { /* left in place when not deletable */ }

/** The host bridge. */
export const H = bridge;

/** Every error raised by the runtime (bad shapes, unknown parameters, missing files, ...). */
export class MXNetError extends Error {
  constructor(message) {
    super(message);
    this.name = 'MXNetError';
  }
}

/**
 * What a caught value becomes in JS: JS errors stay as they are; a Java exception becomes an
 * MXNetError with its message, or the JS error it carried back from a callback.
 * Costs a host call, but only when something was thrown.
 */
export function toError(e) {
  if (e instanceof MXNetError || e === null || typeof e !== 'object') return e;
  // GraalJS gives host exceptions Error's prototype, so ask the host what it is
  let info;
  try {
    info = H.errorInfo(e);
  } catch (_) {
    return e;
  }
  if (info === null || info === undefined) return e;
  if (typeof info !== 'string') return info;
  const err = new MXNetError(info);
  // the trace starts at the failing call, not in this conversion
  const stack = err.stack;
  if (typeof stack === 'string') Object.defineProperty(err, 'stack', { value: stack.replace(/\n\s*at toError \([^\n]*/, ''), writable: true, configurable: true });
  return err;
}

/** Run a host call, turning a Java exception into an MXNetError. */
export function host(fn) {
  try {
    return fn();
  } catch (e) {
    throw toError(e);
  }
}

/** camelCase option names to MXNet's snake_case (`numFilter` -> `num_filter`); snake_case passes through. */
export function snake(key) {
  return /[A-Z]/.test(key) ? key.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase()) : key;
}

/** A JS value in MXNet's string form for operator parameters: [3, 3] -> "(3, 3)", true -> "True", null -> "None". */
export function paramString(v, key) {
  switch (typeof v) {
    case 'number': return String(v);
    case 'boolean': return v ? 'True' : 'False';
    case 'string': return v;
    case 'bigint': return v.toString();
    default:
      if (v === null) return 'None';
      if (Array.isArray(v) || ArrayBuffer.isView(v)) {
        const items = Array.from(v, (x) => paramString(x, key));
        return '(' + items.join(', ') + (items.length === 1 ? ',)' : ')');
      }
      if (v && typeof v.toParamString === 'function') return v.toParamString();
      throw new MXNetError(`parameter '${key}': cannot pass ${describe(v)} as an operator parameter`);
  }
}

/** Options for the Java building blocks: keys to snake_case, wrapper objects to their handles, undefined dropped. */
export function hostOptions(opts) {
  const out = {};
  if (opts === undefined || opts === null) return out;
  if (typeof opts !== 'object') throw new MXNetError(`expected an options object, got ${describe(opts)}`);
  for (const [k, v] of Object.entries(opts)) {
    if (v === undefined) continue;
    out[snake(k)] = v !== null && typeof v === 'object' && '_h' in v ? v._h : v;
  }
  return out;
}

export function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return v.constructor && v.constructor.name ? `a ${v.constructor.name}` : 'an object';
  return `${typeof v} ${String(v)}`;
}

/** A plain options object (not an array, typed array, NDArray or other class instance). */
export function isOptions(v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

/** A JS array from a host array (Java arrays are read element by element). */
export function fromHostArray(a, map) {
  const n = a.length;
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = map ? map(a[i]) : a[i];
  return out;
}

/**
 * A namespace object whose unknown properties are looked up case-insensitively among the names
 * a Java registry knows (MXNet's class names: mx.optimizer.SGD, mx.init.Xavier, mx.metric.Accuracy);
 * makeClass(registryName) builds the JS class once per name.
 */
export function registryNamespace(members, names, makeClass) {
  const classes = new Map();
  let known = null;
  return new Proxy(members, {
    get(target, prop, receiver) {
      if (typeof prop !== 'string' || prop in target) return Reflect.get(target, prop, receiver);
      if (known === null) known = new Set(names());
      const key = prop.toLowerCase();
      if (!known.has(key)) return undefined;
      if (!classes.has(key)) classes.set(key, makeClass(key, prop));
      return classes.get(key);
    },
    has(target, prop) {
      if (prop in target) return true;
      if (known === null) known = new Set(names());
      return typeof prop === 'string' && known.has(prop.toLowerCase());
    },
  });
}
