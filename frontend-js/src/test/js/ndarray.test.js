import mx from 'mxnet';
import * as mxns from 'mxnet';
import { test, assert } from './harness.js';

const nd = mx.nd;

test('default and namespace imports expose the same module', () => {
  assert.equal(mxns.nd, mx.nd);
  assert.equal(mxns.MXNetError, mx.MXNetError);
  assert.equal(mx.__version__, '1.9.1');
});

test('array from nested lists: shape, dtype, context, values', () => {
  const a = nd.array([[1, 2], [3, 4]]);
  assert.deepEqual(a.shape, [2, 2]);
  assert.equal(a.dtype, 'float32');
  assert.equal(a.context.toString(), 'cpu(0)');
  assert.equal(a.size, 4);
  assert.equal(a.ndim, 2);
  assert.deepEqual(a.toArray(), [[1, 2], [3, 4]]);
  assert.ok(a.toFloat32Array() instanceof Float32Array);
  assert.deepEqual(Array.from(a.toFloat32Array()), [1, 2, 3, 4]);
});

test('typed arrays keep their dtype in and out', () => {
  const i = nd.array(new Int32Array([1, -2, 3]));
  assert.equal(i.dtype, 'int32');
  assert.ok(i.toTypedArray() instanceof Int32Array);
  assert.deepEqual(Array.from(i.toTypedArray()), [1, -2, 3]);
  const d = nd.array(new Float64Array([0.1, 0.2]), { shape: [2, 1] });
  assert.equal(d.dtype, 'float64');
  assert.deepEqual(d.shape, [2, 1]);
  assert.equal(d.toFloat64Array()[0], 0.1);
  const sub = new Float32Array([9, 1, 2, 3, 9]).subarray(1, 4);
  assert.deepEqual(nd.array(sub).toArray(), [1, 2, 3]);
  assert.deepEqual(nd.array([1.5, 2.5], { dtype: 'int32' }).toArray(), [1, 2]);
});

test('arithmetic with arrays and scalars as MXNet computes it', () => {
  const a = nd.array([[1, 2], [3, 4]]), b = nd.array([10, 20]);
  assert.deepEqual(a.add(b).toArray(), [[11, 22], [13, 24]]);   // broadcast_add
  assert.deepEqual(a.add(1).toArray(), [[2, 3], [4, 5]]);
  assert.deepEqual(a.sub(1).toArray(), [[0, 1], [2, 3]]);
  assert.deepEqual(a.rsub(1).toArray(), [[0, -1], [-2, -3]]);
  assert.deepEqual(a.mul(a).toArray(), [[1, 4], [9, 16]]);
  assert.close(a.div(4), [0.25, 0.5, 0.75, 1]);
  assert.close(a.rdiv(1), [1, 0.5, 1 / 3, 0.25]);
  assert.deepEqual(a.pow(2).toArray(), [[1, 4], [9, 16]]);
  assert.deepEqual(a.mod(3).toArray(), [[1, 2], [0, 1]]);
  assert.deepEqual(a.neg().toArray(), [[-1, -2], [-3, -4]]);
  assert.deepEqual(a.gt(2).toArray(), [[0, 0], [1, 1]]);
  assert.deepEqual(a.eq(nd.array([[1, 0], [3, 0]])).toArray(), [[1, 0], [1, 0]]);
  const c = nd.array([1, 2]);
  assert.equal(c.addi(5), c);
  assert.deepEqual(c.toArray(), [6, 7]);
  c.muli(nd.array([2, 3]));
  assert.deepEqual(c.toArray(), [12, 21]);
});

test('creation functions', () => {
  assert.deepEqual(nd.zeros([2, 3]).toArray(), [[0, 0, 0], [0, 0, 0]]);
  assert.deepEqual(nd.ones(2, { dtype: 'int32' }).toArray(), [1, 1]);
  assert.equal(nd.ones(2, { dtype: 'int32' }).dtype, 'int32');
  assert.deepEqual(nd.full([2], 7).toArray(), [7, 7]);
  assert.deepEqual(nd.arange(5).toArray(), [0, 1, 2, 3, 4]);
  assert.deepEqual(nd.arange(1, 7, 2).toArray(), [1, 3, 5]);
  assert.deepEqual(nd.arange(0, 3, { repeat: 2 }).toArray(), [0, 0, 1, 1, 2, 2]);
});

test('reshape shares memory and accepts MXNet codes', () => {
  const a = nd.arange(6);
  const r = a.reshape([2, 3]);
  assert.deepEqual(r.shape, [2, 3]);
  assert.deepEqual(a.reshape(3, -1).shape, [3, 2]);
  assert.deepEqual(a.reshape([2, 3]).reshape([0, -1]).shape, [2, 3]);
  r.set(0, 0, 100);
  assert.equal(a.toArray()[0], 100);
  assert.deepEqual(nd.zeros([2, 3, 4]).reshape([-3, 4]).shape, [6, 4]);   // Reshape operator code -3
});

test('indexing: integers, slices, steps, negative indices', () => {
  const a = nd.arange(12).reshape([3, 4]);
  assert.deepEqual(a.at(1).toArray(), [4, 5, 6, 7]);
  assert.deepEqual(a.get(-1).toArray(), [8, 9, 10, 11]);
  assert.deepEqual(a.get('1:3').shape, [2, 4]);
  assert.deepEqual(a.slice(0, 1).toArray(), [[0, 1, 2, 3]]);
  assert.deepEqual(a.get(':', 1).toArray(), [1, 5, 9]);
  assert.deepEqual(a.get(null, '::2').toArray(), [[0, 2], [4, 6], [8, 10]]);
  assert.deepEqual(a.get('::-1', 0).toArray(), [8, 4, 0]);
  assert.deepEqual(a.get(1, 2).toArray(), [6]);   // MXNet 1.x: a 1-element array, not a 0-d one
});

test('assignment through set: whole, rows, slices, broadcast', () => {
  const a = nd.zeros([3, 4]);
  a.set(1, 5);
  assert.deepEqual(a.at(1).toArray(), [5, 5, 5, 5]);
  a.set(':', 0, 7);
  assert.deepEqual(a.get(':', 0).toArray(), [7, 7, 7]);
  a.set('0:2', '2:4', nd.array([1, 2]));
  assert.deepEqual(a.toArray(), [[7, 0, 1, 2], [7, 5, 1, 2], [7, 0, 0, 0]]);
  a.set(nd.ones([4]));
  assert.deepEqual(a.toArray(), [[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]]);
  a.set(0, [9, 8, 7, 6]);
  assert.deepEqual(a.at(0).toArray(), [9, 8, 7, 6]);
});

test('generated operators: MXNet names, camelCase aliases, positional and option parameters', () => {
  const x = nd.array([[1, -2], [3, -4]]);
  assert.deepEqual(nd.relu(x).toArray(), [[1, 0], [3, 0]]);
  assert.deepEqual(nd.Activation(x, { actType: 'relu' }).toArray(), [[1, 0], [3, 0]]);
  assert.deepEqual(nd.Activation(x, { act_type: 'relu' }).toArray(), [[1, 0], [3, 0]]);
  assert.deepEqual(nd.sum(x, { axis: 1 }).toArray(), [-1, -1]);
  assert.deepEqual(nd.sum(x, 0).toArray(), [4, -6]);                  // positional: axis
  assert.deepEqual(nd.sum(x, { axis: 1, keepdims: true }).shape, [2, 1]);
  assert.deepEqual(nd.clip(x, -1, 1).toArray(), [[1, -1], [1, -1]]);
  assert.deepEqual(nd.broadcast_add(x, nd.array([1, 1])).toArray(), nd.broadcastAdd(x, nd.array([1, 1])).toArray());
  assert.deepEqual(nd.concat(x, x, { dim: 0 }).shape, [4, 2]);          // num_args filled in
  assert.deepEqual(nd.concat([x, x, x], { dim: 1 }).shape, [2, 6]);
  assert.deepEqual(nd.stack(x, x, { axis: 0 }).shape, [2, 2, 2]);
  assert.deepEqual(nd.dot(x, x).toArray(), [[-5, 6], [-9, 10]]);
  assert.deepEqual(nd.transpose(x).toArray(), [[1, 3], [-2, -4]]);
  assert.deepEqual(x.T.toArray(), [[1, 3], [-2, -4]]);
  assert.close(nd.softmax(nd.array([[0, 0]])), [0.5, 0.5]);
  const split = nd.split(nd.arange(6).reshape([2, 3]), { numOutputs: 3, axis: 1 });
  assert.equal(split.length, 3);
  assert.deepEqual(split[2].toArray(), [[2], [5]]);
  assert.ok(nd.Convolution.doc.includes('num_filter'));
});

test('fluent methods in camelCase', () => {
  const x = nd.array([[1, 2], [3, 4]]);
  assert.equal(x.sum().asScalar(), 10);
  assert.deepEqual(x.sum({ axis: 0 }).toArray(), [4, 6]);
  assert.deepEqual(x.mean({ axis: 1 }).toArray(), [1.5, 3.5]);
  assert.deepEqual(x.argmax({ axis: 1 }).toArray(), [1, 1]);
  assert.deepEqual(x.expandDims({ axis: 0 }).shape, [1, 2, 2]);
  assert.close(x.logSoftmax().exp().sum({ axis: 1 }), [1, 1]);
  assert.close(x.sqrt(), [1, Math.SQRT2, Math.sqrt(3), 2]);
});

test('Convolution with camelCase options and out=', () => {
  const x = nd.ones([1, 1, 4, 4]), w = nd.ones([2, 1, 3, 3]), b = nd.array([0, 1]);
  const y = nd.Convolution(x, w, b, { kernel: [3, 3], numFilter: 2 });
  assert.deepEqual(y.shape, [1, 2, 2, 2]);
  assert.deepEqual(y.toArray(), [[[[9, 9], [9, 9]], [[10, 10], [10, 10]]]]);
  const padded = nd.Convolution({ data: x, weight: w, bias: b, kernel: [3, 3], numFilter: 2, pad: [1, 1] });
  assert.deepEqual(padded.shape, [1, 2, 4, 4]);
  assert.equal(padded.toArray()[0][0][0][0], 4);
  const out = nd.zeros([1, 2, 2, 2]);
  const r = nd.Convolution(x, w, b, { kernel: [3, 3], numFilter: 2, out, name: 'conv0' });
  assert.equal(r, out);
  assert.equal(out.sum().asScalar(), 76);
  const nb = nd.FullyConnected(nd.ones([2, 3]), nd.ones([4, 3]), { numHidden: 4, noBias: true });
  assert.deepEqual(nb.toArray(), [[3, 3, 3, 3], [3, 3, 3, 3]]);
});

test('copies, types, contexts, printing', () => {
  const a = nd.array([1.7, -2.2]);
  const c = a.copy();
  c.set(0);
  assert.deepEqual(a.toArray().map((v) => Math.round(v * 10) / 10), [1.7, -2.2]);
  assert.equal(a.astype('int32').dtype, 'int32');
  assert.deepEqual(a.astype('int32').toArray(), [1, -2]);
  const d = a.copyTo(mx.cpu());
  assert.ok(d.context.equals(mx.cpu(0)));
  assert.equal(a.asInContext(mx.cpu()), a);
  assert.ok(String(nd.array([[1, 2]])).includes('<NDArray 1x2 @cpu(0)>'));
  assert.equal(nd.array([3]).asScalar(), 3);
  assert.equal(mx.cpu(0).toString(), 'cpu(0)');
  assert.equal(mx.gpu(1).toString(), 'gpu(1)');
  assert.equal(mx.context.currentContext().toString(), 'cpu(0)');
});

test('operators are made on first use and shared between name and alias', () => {
  assert.equal(nd.softmax_cross_entropy, nd.softmaxCrossEntropy);
  assert.equal(nd.relu.name, 'relu');
  assert.ok('Convolution' in nd);
  assert.ok(!('noSuchOperator' in nd));
  assert.equal(nd.noSuchOperator, undefined);
  assert.equal(nd._internal._plus_scalar(nd.array([1]), { scalar: 2 }).asScalar(), 3);
  assert.equal(nd.random.uniformLike, nd.random.uniform_like);
  assert.ok(nd.operatorNames().includes('FullyConnected'));
  assert.ok(!nd.operatorNames().includes('fullyConnected'));
  const x = nd.array([1]);
  assert.equal(typeof x.relu, 'function');
  assert.equal(x.Convolution, undefined, 'upper-case operators are not methods');
  assert.equal(x.then, undefined, 'an NDArray is not a thenable');
  assert.ok(x.hasOwnProperty('_h'));
});

test('mx.util CPU clocks: the thread clock advances with work, the process clock at least as far', () => {
  const t0 = mx.util.threadCpuTime(), p0 = mx.util.processCpuTime();
  let s = 0;
  for (let i = 0; i < 2e6; i++) s += Math.sqrt(i);
  const dt = mx.util.threadCpuTime() - t0, dp = mx.util.processCpuTime() - p0;
  assert.ok(s > 0);
  assert.ok(dt > 0, `thread clock ${dt} ms`);
  // the process clock counts every thread; its resolution is a scheduler tick (10 ms)
  assert.ok(dp >= dt - 10, `process clock ${dp} ms, thread ${dt} ms`);
});
