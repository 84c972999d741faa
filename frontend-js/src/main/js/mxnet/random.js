// mx.random: seeding, and the sampling operators (mx.random.uniform({low, high, shape}) = mx.nd.random.uniform).
import { H, host, MXNetError } from './base.js';
import { Context } from './context.js';
import { nd } from './ndarray.js';

/** Seed the generators of every device, or of one context's device (MXNet's mx.random.seed(seed, ctx='all')). */
function seed(s, ctx = 'all') {
  if (!Number.isInteger(s)) throw new MXNetError(`random.seed: expected an integer seed, got ${s}`);
  if (ctx === 'all') host(() => H.seed(s));
  else if (ctx instanceof Context) host(() => H.seed(s, ctx._h));
  else throw new MXNetError("random.seed: ctx must be a Context or 'all'");
}

/** mx.random: seed, and the sampling operators of mx.nd.random (uniform, normal, randint, ...) through its prototype. */
export const random = Object.assign(Object.create(nd.random), { seed });
