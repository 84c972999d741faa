import mx from 'mxnet';
import { test, assert } from './harness.js';

const { nd, autograd } = mx;

test('record + backward: d(x*x + 2x)/dx = 2x + 2', () => {
  const x = nd.array([1, 2, 3]).attachGrad();
  const y = autograd.record(() => x.mul(x).add(x.mul(2)));
  y.backward();
  assert.deepEqual(x.grad.toArray(), [4, 6, 8]);
});

test('record returns the function result and restores the recording state', () => {
  assert.equal(autograd.isRecording(), false);
  const r = autograd.record(() => { assert.equal(autograd.isRecording(), true); assert.equal(autograd.isTraining(), true); return 42; });
  assert.equal(r, 42);
  assert.equal(autograd.isRecording(), false);
  autograd.record({ trainMode: false }, () => assert.equal(autograd.isTraining(), false));
  autograd.record(() => autograd.pause(() => assert.equal(autograd.isRecording(), false)));
  autograd.predictMode(() => assert.equal(autograd.isTraining(), false));
  autograd.trainMode(() => assert.equal(autograd.isTraining(), true));
});

test('backward with an output gradient, and gradReq add accumulates', () => {
  const x = nd.array([1, 2]).attachGrad({ gradReq: 'add' });
  for (let i = 0; i < 2; i++) {
    const y = autograd.record(() => x.mul(3));
    y.backward({ outGrad: nd.array([1, 10]) });
  }
  assert.deepEqual(x.grad.toArray(), [6, 60]);
});

test('autograd.backward on several heads', () => {
  const x = nd.array([1, 2]).attachGrad();
  const [a, b] = autograd.record(() => [x.mul(2), x.mul(x)]);
  autograd.backward([a, b]);
  assert.deepEqual(x.grad.toArray(), [4, 6]);   // 2 + 2x
});

test('autograd.grad returns new arrays; createGraph gives second derivatives', () => {
  const x = nd.array([0, 1, 2]).attachGrad();
  const z = autograd.record(() => x.mul(x).sum());
  const g = autograd.grad(z, x);
  assert.deepEqual(g.toArray(), [0, 2, 4]);
  assert.equal(x.grad.toArray().join(), '0,0,0', 'grad() leaves the gradient buffer alone');
  const dx = autograd.record(() => autograd.grad(x.exp(), [x], { createGraph: true })[0]);   // d exp = exp
  assert.close(dx, [1, Math.E, Math.exp(2)]);
  dx.backward();
  assert.close(x.grad, [1, Math.E, Math.exp(2)]);                                          // d2 exp = exp
});

test('FullyConnected gradients (weight: outGrad^T x, bias: column sums)', () => {
  const x = nd.array([[1, 2], [3, 4]]);
  const w = nd.array([[1, 0], [0, 1], [1, 1]]).attachGrad();
  const b = nd.zeros([3]).attachGrad();
  const y = autograd.record(() => nd.FullyConnected(x, w, b, { numHidden: 3 }).sum());
  y.backward();
  assert.deepEqual(w.grad.toArray(), [[4, 6], [4, 6], [4, 6]]);
  assert.deepEqual(b.grad.toArray(), [2, 2, 2]);
});

test('detach cuts the graph; Dropout is identity in prediction mode', () => {
  const x = nd.array([1, 2]).attachGrad();
  const y = autograd.record(() => x.mul(x).detach().mul(x));
  y.backward();
  assert.deepEqual(x.grad.toArray(), [1, 4]);   // x*x treated as a constant
  const d = autograd.record({ trainMode: false }, () => nd.Dropout(nd.ones([4]), { p: 0.5 }));
  assert.deepEqual(d.toArray(), [1, 1, 1, 1]);
});

test('softmax cross-entropy gradient is softmax(x) - onehot(label)', () => {
  const x = nd.array([[0, 0]]).attachGrad();
  const loss = autograd.record(() => nd.softmax_cross_entropy(x, nd.array([1])));
  assert.close(loss, [Math.log(2)]);
  loss.backward();
  assert.close(x.grad, [0.5, -0.5]);
});

test('second order through powers and quotients: createGraph gives 6x and 6/x^3', () => {
  const x = nd.array([0.5, -1, 2]).attachGrad();
  const dy = autograd.record(() => autograd.grad(x.pow(3).sum(), [x], { createGraph: true })[0]);   // 3 x^2
  assert.close(dy, [0.75, 3, 12]);
  dy.backward();
  assert.close(x.grad, [3, -6, 12]);
  const dq = autograd.record(() => autograd.grad(x.rdiv(3), [x], { createGraph: true })[0]);        // -3 / x^2
  dq.backward();
  assert.close(x.grad, [48, -6, 0.75]);
});

test('gradient penalty through a dense layer and tanh matches central differences', () => {
  const x = nd.array([[0.3, -0.2]], { dtype: 'float64' });
  const w = nd.array([[0.5, -1], [1.5, 0.25], [-0.75, 0.8]], { dtype: 'float64' });
  const b0 = [0.1, -0.3, 0.2];
  const penalty = (bias, createGraph) => {
    const xs = x.copy().attachGrad();
    return autograd.record(() => {
      const y = nd.tanh(nd.FullyConnected(xs, w, bias, { numHidden: 3 })).sum();
      const gx = autograd.grad(y, [xs], { createGraph })[0];
      return gx.mul(gx).sum();
    });
  };
  const b = nd.array(b0, { dtype: 'float64' }).attachGrad();
  penalty(b, true).backward();
  const got = b.grad.toArray(), eps = 1e-5;
  for (let i = 0; i < 3; i++) {
    const hi = b0.slice(), lo = b0.slice();
    hi[i] += eps;
    lo[i] -= eps;
    const want = (penalty(nd.array(hi, { dtype: 'float64' }), false).asScalar()
        - penalty(nd.array(lo, { dtype: 'float64' }), false).asScalar()) / (2 * eps);
    assert.ok(Math.abs(got[i] - want) < 1e-6, `bias ${i}: ${got[i]} vs ${want}`);
  }
});
