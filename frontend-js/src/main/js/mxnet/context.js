// Devices: mx.cpu(), mx.gpu(1), the current default context.
import { H, host, MXNetError } from './base.js';

/** A device: type ('cpu', 'gpu', or a plugin's) and id. Equal contexts compare equal with equals(). */
export class Context {
  constructor(deviceType = 'cpu', deviceId = 0) {
    if (deviceType instanceof Context) {
      deviceId = deviceType.deviceId;
      deviceType = deviceType.deviceType;
    }
    if (typeof deviceType !== 'string') throw new MXNetError(`Context: device type must be a string, got ${typeof deviceType}`);
    if (!Number.isInteger(deviceId) || deviceId < 0) throw new MXNetError(`Context: device id must be an integer >= 0, got ${deviceId}`);
    this.deviceType = deviceType;
    this.deviceId = deviceId;
    this._h = host(() => H.context(deviceType, deviceId));
  }

  static _of(handle) {
    const c = Object.create(Context.prototype);
    c.deviceType = H.contextType(handle);
    c.deviceId = H.contextId(handle);
    c._h = handle;
    return c;
  }

  equals(o) { return o instanceof Context && o.deviceType === this.deviceType && o.deviceId === this.deviceId; }

  toString() { return `${this.deviceType}(${this.deviceId})`; }

  toParamString() { return this.toString(); }

  /** Run fn with this context as the default (MXNet's `with mx.gpu(0):`); returns fn's result. */
  run(fn) {
    stack.push(this);
    try {
      return fn();
    } finally {
      stack.pop();
    }
  }
}

const stack = [];
let defaultCtx = null;

export function cpu(deviceId = 0) { return new Context('cpu', deviceId); }

export function gpu(deviceId = 0) { return new Context('gpu', deviceId); }

/** The context arrays are created on when none is given. */
export function currentContext() {
  if (stack.length) return stack[stack.length - 1];
  if (defaultCtx === null) defaultCtx = Context._of(host(() => H.defaultContext()));
  return defaultCtx;
}

export function numGpus() { return host(() => H.numDevices('gpu')); }

/** A Context from a Context, a string like 'cpu(0)' / 'gpu', or undefined (the current one). */
export function toContext(c) {
  if (c === undefined || c === null) return currentContext();
  if (c instanceof Context) return c;
  if (typeof c === 'string') {
    const m = /^\s*([A-Za-z_][\w]*)\s*(?:\(\s*(\d+)\s*\))?\s*$/.exec(c);
    if (!m) throw new MXNetError(`cannot read a context from '${c}' (expected e.g. 'cpu(0)' or 'gpu(1)')`);
    return new Context(m[1], m[2] === undefined ? 0 : Number(m[2]));
  }
  throw new MXNetError(`expected a Context, got ${typeof c}`);
}
