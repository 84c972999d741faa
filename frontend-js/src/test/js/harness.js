// A small test API for the *.test.js files; dev.mxj.js.JsSuiteTest runs each registered test as a JUnit test.
const registry = globalThis.__mxjTests ?? (globalThis.__mxjTests = []);

/** Register a test. */
export function test(name, fn) { registry.push([name, fn]); }

function fail(msg) { throw new Error(msg); }

function fmt(v) {
  if (ArrayBuffer.isView(v)) return `[${Array.from(v).join(', ')}]`;
  try { return JSON.stringify(v); } catch (_) { return String(v); }
}

function flat(v) {
  if (typeof v === 'number') return [v];
  if (ArrayBuffer.isView(v)) return Array.from(v, Number);
  if (Array.isArray(v)) return v.flat(Infinity);
  if (v && typeof v.toArray === 'function') return flat(v.toArray());
  fail(`not numbers: ${fmt(v)}`);
}

export const assert = {
  ok(v, msg = 'expected a truthy value') { if (!v) fail(msg); },
  equal(a, b, msg) { if (a !== b) fail(`${msg ? msg + ': ' : ''}expected ${fmt(b)}, got ${fmt(a)}`); },
  deepEqual(a, b, msg) { if (fmt(a) !== fmt(b)) fail(`${msg ? msg + ': ' : ''}expected ${fmt(b)}, got ${fmt(a)}`); },
  /** Element-wise |a - b| <= atol + rtol * |b| over flattened numbers, NDArrays or typed arrays. */
  close(a, b, { rtol = 1e-5, atol = 1e-6 } = {}, msg) {
    const x = flat(a), y = flat(b);
    if (x.length !== y.length) fail(`${msg ? msg + ': ' : ''}${x.length} values, expected ${y.length}`);
    for (let i = 0; i < x.length; i++) {
      if (!(Math.abs(x[i] - y[i]) <= atol + rtol * Math.abs(y[i]))) fail(`${msg ? msg + ': ' : ''}at ${i}: ${x[i]} != ${y[i]} (got ${fmt(x)}, expected ${fmt(y)})`);
    }
  },
  /** fn throws an instance of cls whose message matches re; returns the error. */
  throws(fn, cls, re) {
    let err = null;
    try { fn(); } catch (e) { err = e; }
    if (err === null) fail(`expected ${cls.name} to be thrown`);
    if (!(err instanceof cls)) fail(`expected ${cls.name}, got ${err && err.constructor ? err.constructor.name : typeof err}: ${err}`);
    if (re && !re.test(err.message)) fail(`message ${fmt(err.message)} does not match ${re}`);
    return err;
  },
};
