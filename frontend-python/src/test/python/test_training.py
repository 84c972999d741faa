"""mx.optimizer, mx.lr_scheduler, mx.init, mx.metric, mx.io: values as MXNet 1.9.1 computes them."""
import os
import tempfile

import mxnet as mx
from mxnet.test_utils import assert_almost_equal
from helpers import raises

FASHION = '/usr/share/datasets/fashion-mnist'


def test_sgd_momentum_through_updater():
    opt = mx.optimizer.SGD(learning_rate=0.1, momentum=0.9)
    assert isinstance(opt, mx.optimizer.Optimizer)
    upd = mx.optimizer.get_updater(opt)
    w = mx.nd.array([1.0])
    g = mx.nd.array([1.0])
    upd(0, g, w)
    assert_almost_equal(w, [0.9], rtol=1e-6)
    upd(0, g, w)
    assert_almost_equal(w, [0.71], rtol=1e-6)
    assert opt.learning_rate == 0.1 and opt.num_update == 2


def test_create_adam_and_state_round_trip():
    opt = mx.optimizer.create('adam', learning_rate=0.1)
    assert type(opt).__name__ == 'Adam'
    upd = mx.optimizer.Updater(opt)
    w = mx.nd.array([1.0, 2.0])
    upd(3, mx.nd.array([1.0, -1.0]), w)
    assert_almost_equal(w, [0.9, 2.1], rtol=1e-5)
    states = upd.get_states()
    upd2 = mx.optimizer.Updater(mx.optimizer.create('adam', learning_rate=0.1))
    upd2.set_states(states)
    w2 = w.copy()
    upd(3, mx.nd.array([1.0, -1.0]), w)
    upd2(3, mx.nd.array([1.0, -1.0]), w2)
    assert w.tolist() == w2.tolist()


def test_several_parameters_in_one_call_and_wd():
    opt = mx.optimizer.SGD(learning_rate=0.5, wd=0.1)
    upd = mx.optimizer.get_updater(opt)
    ws = [mx.nd.array([1.0]), mx.nd.array([2.0])]
    upd([0, 1], [mx.nd.array([0.0]), mx.nd.array([1.0])], ws)
    # w -= lr * (grad + wd * w)
    assert_almost_equal(ws[0], [0.95], rtol=1e-6)
    assert_almost_equal(ws[1], [1.4], rtol=1e-6)


def test_every_runtime_optimizer_is_a_class():
    for name in ('SGD', 'NAG', 'Adam', 'RMSProp', 'AdaGrad', 'AdaDelta', 'Ftrl', 'FTML', 'Signum', 'LAMB', 'Adamax', 'Nadam', 'SGLD'):
        cls = getattr(mx.optimizer, name)
        assert issubclass(cls, mx.optimizer.Optimizer), name
    raises(lambda: mx.optimizer.create('nosuch'), 'nosuch', error=ValueError)
    raises(lambda: mx.optimizer.SGD(learning_rate=0.1, bogus=1), 'bogus')


def test_python_defined_optimizer():
    @mx.optimizer.register
    class HalfStep(mx.optimizer.Optimizer):
        def update(self, index, weight, grad, state):
            weight[:] = weight - 0.5 * self._get_lr(index) * grad

    opt = mx.optimizer.create('halfstep', learning_rate=1.0)
    w = mx.nd.array([4.0])
    mx.optimizer.get_updater(opt)(0, mx.nd.array([2.0]), w)
    assert w.tolist() == [3.0]


def test_lr_schedulers():
    s = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=1.0)
    assert [s(n) for n in (1, 2, 3, 5)] == [1.0, 1.0, 0.5, 0.25]
    m = mx.lr_scheduler.MultiFactorScheduler(step=[2, 4], factor=0.1, base_lr=1.0)
    assert_almost_equal([m(1), m(3), m(5)], [1.0, 0.1, 0.01], rtol=1e-9)
    p = mx.lr_scheduler.PolyScheduler(10, base_lr=1.0, pwr=1)
    assert_almost_equal(p(5), 0.5, rtol=1e-9)
    c = mx.lr_scheduler.CosineScheduler(10, base_lr=1.0, final_lr=0)
    assert_almost_equal(c(5), 0.5, rtol=1e-9)
    opt = mx.optimizer.SGD(learning_rate=1.0, lr_scheduler=mx.lr_scheduler.FactorScheduler(step=1, factor=0.5))
    upd = mx.optimizer.get_updater(opt)
    w = mx.nd.array([0.0])
    for _ in range(3):
        upd(0, mx.nd.array([1.0]), w)
    assert_almost_equal(w, [-(1.0 + 0.5 + 0.25)], rtol=1e-6)


def test_initializers():
    w = mx.nd.zeros((20, 30))
    mx.init.Constant(0.5)('fc_weight', w)
    assert set(v for r in w.tolist() for v in r) == {0.5}
    mx.random.seed(1)
    mx.init.Uniform(0.1)('fc_weight', w)
    vals = [v for r in w.tolist() for v in r]
    assert all(-0.1 <= v <= 0.1 for v in vals) and len(set(vals)) > 100
    mx.init.Xavier(magnitude=3)('fc_weight', w)
    bound = (3 / ((20 + 30) / 2.0)) ** 0.5
    assert all(-bound <= v <= bound for r in w.tolist() for v in r)
    b = mx.nd.ones(5)
    mx.init.Xavier()('fc_bias', b)
    assert b.tolist() == [0] * 5
    g = mx.nd.zeros(3)
    mx.init.Normal(0.01)('bn_gamma', g)
    assert g.tolist() == [1, 1, 1]
    assert isinstance(mx.init.create('xavier'), mx.init.Xavier)
    assert mx.initializer.Zero is mx.init.Zero

    class Twos(mx.init.Initializer):
        def _init_weight(self, name, arr):
            arr[:] = 2

    Twos()('x_weight', g)
    assert g.tolist() == [2, 2, 2]


def test_builtin_metrics():
    preds = [mx.nd.array([[0.3, 0.7], [0.6, 0.4], [0.2, 0.8]])]
    labels = [mx.nd.array([1, 0, 0])]
    acc = mx.metric.Accuracy()
    acc.update(labels, preds)
    name, value = acc.get()
    assert name == 'accuracy'
    assert_almost_equal(value, 2 / 3.0, rtol=1e-9)
    acc.reset()
    assert acc.get()[1] != acc.get()[1]  # nan after reset
    ce = mx.metric.create('ce')
    ce.update(labels, preds)
    assert_almost_equal(ce.get()[1], -(__import__('math').log(0.7) + __import__('math').log(0.6) + __import__('math').log(0.2)) / 3, rtol=1e-5)
    mse = mx.metric.MSE()
    mse.update([mx.nd.array([1, 2])], [mx.nd.array([1, 4])])
    assert mse.get() == ('mse', 2.0)
    comp = mx.metric.create(['acc', 'mse'])
    assert isinstance(comp, mx.metric.CompositeEvalMetric)
    topk = mx.metric.TopKAccuracy(top_k=2)
    assert topk.name.startswith('top_k_accuracy')
    raises(lambda: acc.update([mx.nd.array([1, 0])], preds), 'Shape')
    raises(lambda: mx.metric.create('nosuch'), 'nosuch', error=ValueError)


def test_custom_metrics_without_numpy():
    def exact(label, pred):
        return float((label == pred.argmax(axis=1)).sum().asscalar()), label.shape[0]

    m = mx.metric.create(exact)
    m.update([mx.nd.array([1, 0])], [mx.nd.array([[0, 1], [0, 1]])])
    assert m.get() == ('exact', 0.5)
    m2 = mx.metric.np(lambda l, p: 3.0, name='three')
    m2.update([mx.nd.ones(1)], [mx.nd.ones(1)])
    assert m2.get() == ('three', 3.0)

    class Count(mx.metric.EvalMetric):
        def __init__(self):
            super().__init__('count')

        def update(self, labels, preds):
            self.sum_metric += len(labels)
            self.num_inst += 1

    c = Count()
    c.update([1, 2], [1, 2])
    assert c.get() == ('count', 2.0) and c.get_name_value() == [('count', 2.0)]


def test_ndarray_iter_pad_and_discard():
    data = mx.nd.arange(10).reshape((5, 2))
    label = mx.nd.arange(5)
    it = mx.io.NDArrayIter(data, label, batch_size=2)
    assert it.provide_data[0].name == 'data' and it.provide_data[0].shape == (2, 2)
    assert it.provide_label[0].name == 'softmax_label'
    batches = list(it)
    assert len(batches) == 3 and batches[2].pad == 1
    assert batches[2].data[0].tolist() == [[8, 9], [0, 1]]
    assert batches[0].label[0].tolist() == [0, 1]
    it.reset()
    assert len(list(it)) == 3
    d = mx.io.NDArrayIter(data, label, batch_size=2, last_batch_handle='discard')
    assert len(list(d)) == 2
    named = mx.io.NDArrayIter({'x': data}, {'y': label}, batch_size=5)
    assert named.provide_data[0].name == 'x' and named.next().label[0].tolist() == [0, 1, 2, 3, 4]
    lists = mx.io.NDArrayIter([[1, 2], [3, 4]], batch_size=1)
    assert lists.next().data[0].tolist() == [[1, 2]]
    raises(lambda: mx.io.NDArrayIter(data, label, batch_size=2, last_batch_handle='sometimes'), 'sometimes')


def test_csv_iter():
    d = tempfile.mkdtemp()
    f = os.path.join(d, 'data.csv')
    with open(f, 'w') as fh:
        fh.write('1,2,3\n4,5,6\n7,8,9\n')
    it = mx.io.CSVIter(data_csv=f, data_shape=(3,), batch_size=2)
    b = it.next()
    assert b.data[0].tolist() == [[1, 2, 3], [4, 5, 6]]
    raises(lambda: mx.io.CSVIter(data_csv=os.path.join(d, 'missing.csv'), data_shape=(3,)), 'missing.csv')


def test_python_data_iter_subclass():
    class Counter(mx.io.DataIter):
        def __init__(self):
            super().__init__(batch_size=1)
            self.i = 0

        def reset(self):
            self.i = 0

        def next(self):
            if self.i == 3:
                raise StopIteration
            self.i += 1
            return mx.io.DataBatch([mx.nd.array([self.i])], [mx.nd.array([0])])

    it = Counter()
    assert [b.data[0].asscalar() for b in it] == [1, 2, 3]
    desc = mx.io.DataDesc('data', (2, 3))
    assert desc.name == 'data' and desc.shape == (2, 3) and desc.dtype == 'float32'


def test_mnist_iter():
    if not os.path.isdir(FASHION):
        if os.environ.get('CI') == 'true':
            raise AssertionError('Fashion-MNIST missing at ' + FASHION)
        print('skipped: no Fashion-MNIST at ' + FASHION)
        return
    img = [os.path.join(FASHION, n) for n in os.listdir(FASHION) if n.startswith('t10k-images')][0]
    lbl = [os.path.join(FASHION, n) for n in os.listdir(FASHION) if n.startswith('t10k-labels')][0]
    it = mx.io.MNISTIter(image=img, label=lbl, batch_size=100, flat=True, shuffle=False)
    b = it.next()
    assert b.data[0].shape == (100, 784) and b.label[0].shape == (100,)
    assert 0 <= min(b.data[0][0].tolist()) and max(b.data[0][0].tolist()) <= 1
    raises(lambda: mx.io.MNISTIter(image='/nope/images', label=lbl), '/nope/images')
