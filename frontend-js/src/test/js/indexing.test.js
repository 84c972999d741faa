// Index arrays in get() and set() (MXNet's advanced indexing: gather_nd / _scatter_set_nd).
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

test('set with index arrays: scalars, JS, typed and NDArray values broadcast', () => {
  let a = nd.zeros([3, 4]);
  assert.equal(a.set([0, 2], 5), a, 'set returns the array');
  assert.deepEqual(a.toArray(), [[5, 5, 5, 5], [0, 0, 0, 0], [5, 5, 5, 5]]);
  a = nd.zeros([3, 4]);
  a.set(':', [-1, 0], 7);
  assert.deepEqual(a.toArray(), [[7, 0, 0, 7], [7, 0, 0, 7], [7, 0, 0, 7]]);
  a = nd.zeros([3, 4]);
  a.set([2, 0], [1, 2, 3, 4]);
  assert.deepEqual(a.toArray(), [[1, 2, 3, 4], [0, 0, 0, 0], [1, 2, 3, 4]]);
  a = nd.zeros([3, 4]);
  a.set(new Int32Array([1, 2]), nd.array([[1, 2, 3, 4], [5, 6, 7, 8]]));
  assert.deepEqual(a.toArray(), [[0, 0, 0, 0], [1, 2, 3, 4], [5, 6, 7, 8]]);
  a = nd.zeros([3, 4]);
  a.set(':', [1, 3], nd.array([[1], [2], [3]]));
  assert.deepEqual(a.toArray(), [[0, 1, 0, 1], [0, 2, 0, 2], [0, 3, 0, 3]]);
  a = nd.zeros([3, 4]);
  a.set([0, 2], [1, 3], [8, 9]);
  assert.deepEqual(a.toArray(), [[0, 8, 0, 0], [0, 0, 0, 0], [0, 0, 0, 9]]);
  a = nd.zeros([3, 4]);
  a.set(1, [0, -1], new Float32Array([5, 6]));
  assert.deepEqual(a.toArray(), [[0, 0, 0, 0], [5, 0, 0, 6], [0, 0, 0, 0]]);
  a = nd.zeros([3, 4]);
  a.set(nd.array([2, 0]), '1:3', nd.array([[[1, 2]]]));   // leading 1s beyond the selection's rank are dropped
  assert.deepEqual(a.toArray(), [[0, 1, 2, 0], [0, 0, 0, 0], [0, 1, 2, 0]]);
  // MXNet 1.9's own example (NDArray.__setitem__ docstring): x[[0], [1, 2]] = 5
  const x = nd.zeros([2, 3]);
  x.set([0], [1, 2], 5);
  assert.deepEqual(x.toArray(), [[0, 5, 5], [0, 0, 0]]);
  a = nd.zeros([2, 2]);
  a.set([1], -1, Infinity);
  a.set([0], [NaN, 1]);
  assert.deepEqual(a.toArray().flat().map(String), ['NaN', '1', '0', 'Infinity']);
  const c = nd.array([1, 2, 3]);
  c.set([], 9);
  assert.deepEqual(c.toArray(), [1, 2, 3], 'an empty index array writes nothing');
  c.set([[2], [0]], [[7], [8]]);
  assert.deepEqual(c.toArray(), [8, 2, 7]);
});

test('set with index arrays on three axes, adjacent and not', () => {
  const b = nd.zeros([2, 3, 4]);
  b.set([1, 0], ':', [3, 0], nd.array([[1, 2, 3], [4, 5, 6]]));   // the selection has shape (2, 3)
  assert.deepEqual(b.get(1, ':', 3).toArray(), [1, 2, 3]);
  assert.deepEqual(b.get(0, ':', 0).toArray(), [4, 5, 6]);
  assert.equal(b.sum().asScalar(), 21);
  const d = nd.zeros([2, 3, 4]);
  d.set(':', [0, 2], [1, 3], [[1, 2], [3, 4]]);                   // selection (2, 2): d[i, j_p, k_p]
  assert.deepEqual(d.get(0).toArray(), [[0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 2]]);
  assert.deepEqual(d.get(1).toArray(), [[0, 3, 0, 0], [0, 0, 0, 0], [0, 0, 0, 4]]);
});

test('set with repeated indices: the last write wins in mxj (MXNet leaves it unspecified)', () => {
  const c = nd.zeros([4]);
  c.set([1, 1, 3], [7, 8, 9]);
  assert.deepEqual(c.toArray(), [0, 8, 0, 9]);
  const a = nd.zeros([2, 2]);
  a.set([0, -2, 1], nd.array([[1, 1], [2, 2], [3, 3]]));   // -2 and 0 name the same row
  assert.deepEqual(a.toArray(), [[2, 2], [3, 3]]);
});

test('set casts the value to the array dtype and reads overlapping values first', () => {
  const i = nd.zeros([3], { dtype: 'int32' });
  i.set([0, 2], nd.array([1.5, 2.5]));
  assert.equal(i.dtype, 'int32');
  assert.deepEqual(i.toArray(), [1, 0, 2]);
  const s = nd.array([1, 2, 3]);
  s.set([1, 0], s.slice(0, 2));                 // swap: both values are read before either write
  assert.deepEqual(s.toArray(), [2, 1, 3]);
  const r = nd.array([1, 2, 3]);
  r.set([2, 1, 0], r);
  assert.deepEqual(r.toArray(), [3, 2, 1]);
  const t = nd.array([[1, 2], [3, 4]]);
  t.set('::-1', t);                             // the basic path too
  assert.deepEqual(t.toArray(), [[3, 4], [1, 2]]);
});

test('index array errors are MXNetError and leave the array unchanged', () => {
  const a = a34();
  const check = (fn, re) => {
    assert.throws(fn, MXNetError, re);
    assert.deepEqual(a.toArray(), A);
  };
  check(() => a.get([0, 3]), /index 3 is out of bounds for axis 0 with size 3/);
  check(() => a.get([-4]), /index -4 is out of bounds for axis 0 with size 3/);
  check(() => a.set(':', [4], 1), /index 4 is out of bounds for axis 1 with size 4/);
  check(() => a.set([0, -5], 1), /index -5 is out of bounds for axis 0 with size 3/);
  check(() => a.set(nd.array([1, 5], { dtype: 'int32' }), 0), /index 5 is out of bounds for axis 0 with size 3/);
  check(() => a.set(1, new Int32Array([0, 9]), 0), /index 9 is out of bounds for axis 1 with size 4/);
  check(() => a.set([0.5], 1), /index arrays must hold integers, got 0.5/);
  check(() => a.get(nd.array([1, 5], { dtype: 'int32' })), /index 5 is out of bounds for axis 0 with size 3/);
  check(() => a.get(':', new Int32Array([9])), /index 9 is out of bounds for axis 1 with size 4/);
  check(() => a.get([0.5]), /index arrays must hold integers, got 0.5/);
  check(() => a.get([[0], [1, 2]]), /ragged/);
  check(() => a.get([true, false]), /boolean index arrays are not supported/);
  check(() => a.get([0, 1], [0, 1, 2]), /shape mismatch: indexing arrays could not be broadcast together with shapes \(2,\) \(3,\)/);
  check(() => a.set([0, 1], [1, 2, 3]), /cannot broadcast a value of shape \(3,\) to the indexed shape \(2, 4\)/);
  check(() => a.set([0, 1], nd.ones([3, 4])), /cannot broadcast a value of shape \(3, 4\) to the indexed shape \(2, 4\)/);
  check(() => a.set(':', [0, 1], nd.ones([2, 3])), /cannot broadcast a value of shape \(2, 3\) to the indexed shape \(3, 2\)/);
  check(() => a.set([0], 'abc'), /value must be a number, an NDArray or array data/);
  check(() => a.set([0], 1, 2, [3], 0), /too many indices/);
  check(() => a.set('0:2', [1, 2, 3]), /cannot broadcast a value of shape \(3,\) to the indexed shape \(2, 4\)/);
  check(() => a.set([1, 2, 3]), /cannot broadcast a value of shape \(3,\) to the indexed shape \(3, 4\)/);
  check(() => a.get({}), /not supported/);
  assert.deepEqual(a.get([2]).toArray(), [A[2]], 'still usable after the errors');
});
