// mx.init / mx.initializer: the Java initializers behind JS classes (mx.init.Xavier({magnitude: 2})).
import { H, MXNetError, host, hostOptions, describe, registryNamespace } from './base.js';
import { NDArray } from './ndarray.js';

export class Initializer {
  constructor(name, opts = {}) {
    if (typeof name !== 'string') throw new MXNetError(`Initializer: expected a registered name, got ${describe(name)}`);
    this._h = host(() => H.initializer(name, hostOptions(opts)));
  }

  /**
   * Fill arr; the parameter's name picks the rule as in MXNet (names ending in 'bias' get zeros,
   * 'gamma' ones, 'weight' this initializer's distribution). Returns arr.
   */
  initialize(name, arr) {
    if (!(arr instanceof NDArray)) throw new MXNetError(`Initializer: expected an NDArray, got ${describe(arr)}`);
    host(() => H.initialize(this._h, String(name), arr._h));
    return arr;
  }

  /** MXNet's dumps(): '["xavier", {...}]'. */
  dumps() { return host(() => H.dumps(this._h)); }

  toString() { return this.dumps(); }
}

export function create(name, opts = {}) { return new Initializer(name, opts); }

export const init = registryNamespace(
  { Initializer, create, names: () => Array.from(H.initializerNames()) },
  () => Array.from(H.initializerNames()),
  (name, display) => {
    const C = class extends Initializer { constructor(opts = {}) { super(name, opts); } };
    Object.defineProperty(C, 'name', { value: display });
    return C;
  });
