// Start-up training run (JavaScript half): see train.py.
import mx from 'mxnet';

const x = mx.nd.array([[1, 2], [3, 4]]);
const params = [mx.nd.ones([3, 2]).attachGrad(), mx.nd.zeros([3]).attachGrad()];
const updater = mx.optimizer.getUpdater(mx.optimizer.create('sgd', { learningRate: 0.1 }));
const loss = mx.autograd.record(() => {
  const out = mx.nd.FullyConnected(x, params[0], params[1], { numHidden: 3 });
  return mx.nd.softmax_cross_entropy(mx.nd.Activation(out, { actType: 'relu' }), mx.nd.array([0, 1]));
});
loss.backward();
params.forEach((p, i) => updater(i, p.grad, p));
x.add(1).toFloat32Array();
mx.nd.waitall();
