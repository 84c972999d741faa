// Index arrays in get() (MXNet's advanced indexing: gather_nd).
// Expected values are worked out by hand from a[i][j] = 4 i + j and b[i][j][k] = 12 i + 4 j + k.
import mx from 'mxnet';
import { test, assert } from './harness.js';

const { nd, MXNetError } = mx;

const A = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]];

function a34() { return nd.arange(12).reshape([3, 4]); }

test('get with one index array on the first axis: JS, typed, NDArray, negative, repeated', () => {
  const a = a34();
  assert.deepEqual(a.get([0, 2]).toArray(), [A[0], A[2]]);
  assert.deepEqual(a.get([-1, 0]).toArray(), [A[2], A[0]]);
  assert.deepEqual(a.get(new Int32Array([2, 1])).toArray(), [A[2], A[1]]);
  assert.deepEqual(a.get(nd.array([1, 1], { dtype: 'int32' })).toArray(), [A[1], A[1]]);
  assert.deepEqual(a.get(nd.array([2, -3])).toArray(), [A[2], A[0]], 'float32 index arrays are cast as MXNet does');
  assert.deepEqual(a.get(nd.array([1], { dtype: 'int64' })).toArray(), [A[1]]);
  assert.deepEqual(a.get([[0, 1], [2, 0]]).shape, [2, 2, 4]);
  assert.deepEqual(a.get([[0, 1], [2, 0]]).toArray(), [[A[0], A[1]], [A[2], A[0]]]);
  assert.deepEqual(a.get(nd.array([[2], [0]], { dtype: 'int32' })).toArray(), [[A[2]], [A[0]]]);
  assert.deepEqual(a.get([]).shape, [0, 4]);
  const r = a.get([0]);
  r.set(0, 0, 100);
  assert.equal(a.toArray()[0][0], 0, 'an index array gives a copy');
});

test('get mixing index arrays, integers and slices (numpy placement of the block)', () => {
  const a = a34();
  assert.deepEqual(a.get(':', [3, 0]).toArray(), [[3, 0], [7, 4], [11, 8]]);
  assert.deepEqual(a.get([0, 2], [1, 3]).toArray(), [1, 11]);
  assert.deepEqual(a.get(1, [0, -1]).toArray(), [4, 7]);
  assert.deepEqual(a.get([0, 2], -1).toArray(), [3, 11]);
  assert.deepEqual(a.get([[0, 1], [2, 0]], 2).toArray(), [[2, 6], [10, 2]]);
  assert.deepEqual(a.get([[0], [2]], [1, 3]).toArray(), [[1, 3], [9, 11]], 'index arrays broadcast together');
  assert.deepEqual(a.get('1:', [0, 2]).toArray(), [[4, 6], [8, 10]]);
  assert.deepEqual(a.get('::-2', [1]).toArray(), [[9], [1]]);
  assert.deepEqual(a.get(null, new Int32Array([2])).toArray(), [[2], [6], [10]]);
  const b = nd.arange(24).reshape([2, 3, 4]);
  // not adjacent: the block (2,) comes first, then the sliced axis
  assert.deepEqual(b.get([1, 0], ':', [3, 0]).toArray(), [[15, 19, 23], [0, 4, 8]]);
  assert.deepEqual(b.get(0, ':', [1, 2]).toArray(), [[1, 5, 9], [2, 6, 10]]);
  // adjacent: the block stays at axis 1
  assert.deepEqual(b.get(':', [2, 0]).toArray(), [[[8, 9, 10, 11], [0, 1, 2, 3]], [[20, 21, 22, 23], [12, 13, 14, 15]]]);
  assert.deepEqual(b.get(':', [0, 2], [1, 3]).toArray(), [[1, 11], [13, 23]]);
  assert.deepEqual(b.get([1], 2, '1:3').toArray(), [[21, 22]]);
  const c = nd.array([10, 20, 30]);
  assert.deepEqual(c.get([2, 0, 2]).toArray(), [30, 10, 30]);
  assert.deepEqual(c.get([[1]]).toArray(), [[20]]);
  assert.deepEqual(c.get(nd.array([[0, 1], [2, 2]], { dtype: 'int32' })).toArray(), [[10, 20], [30, 30]]);
});

test('get with an index array is recorded by autograd (repeated indices add up)', () => {
  const x = nd.array([1, 2, 3]).attachGrad();
  const y = mx.autograd.record(() => x.get([0, 2, 2]).mul(nd.array([1, 10, 100])).sum());
  y.backward();
  assert.equal(y.asScalar(), 1 + 30 + 300);
  assert.deepEqual(x.grad.toArray(), [1, 0, 110]);
});

test('index array errors are MXNetError and leave the array unchanged', () => {
  const a = a34();
  const check = (fn, re) => {
    assert.throws(fn, MXNetError, re);
    assert.deepEqual(a.toArray(), A);
  };
  check(() => a.get([0, 3]), /index 3 is out of bounds for axis 0 with size 3/);
  check(() => a.get([-4]), /index -4 is out of bounds for axis 0 with size 3/);
  check(() => a.get(nd.array([1, 5], { dtype: 'int32' })), /index 5 is out of bounds for axis 0 with size 3/);
  check(() => a.get(':', new Int32Array([9])), /index 9 is out of bounds for axis 1 with size 4/);
  check(() => a.get([0.5]), /index arrays must hold integers, got 0.5/);
  check(() => a.get([[0], [1, 2]]), /ragged/);
  check(() => a.get([true, false]), /boolean index arrays are not supported/);
  check(() => a.get([0, 1], [0, 1, 2]), /shape mismatch: indexing arrays could not be broadcast together with shapes \(2,\) \(3,\)/);
  check(() => a.get({}), /not supported/);
  assert.deepEqual(a.get([2]).toArray(), [A[2]], 'still usable after the errors');
});
