"""mx.viz, mx.mon, mx.AttrScope/group2ctx, shared executors, reshape, BucketingModule,
SequentialModule, FeedForward, Python-defined initializers and optimizers in a Module, and the
callbacks: values and messages as MXNet 1.9.1 gives them."""
import contextlib
import io
import logging
import math
import os
import shutil
import tempfile

import mxnet as mx
from mxnet import nd
from mxnet.test_utils import assert_almost_equal
from helpers import raises


def _mlp(hidden=8, classes=3):
    data = mx.sym.var('data')
    fc1 = mx.sym.FullyConnected(data, num_hidden=hidden, name='fc1')
    act = mx.sym.Activation(fc1, act_type='relu', name='relu1')
    fc2 = mx.sym.FullyConnected(act, num_hidden=classes, name='fc2')
    return mx.sym.SoftmaxOutput(fc2, name='softmax')


@contextlib.contextmanager
def _logged():
    """The lines logged through the root logger inside the block."""
    lines = []

    class H(logging.Handler):
        def emit(self, record):
            lines.append(record.getMessage())
    h = H()
    root = logging.getLogger()
    old = root.level
    root.addHandler(h)
    root.setLevel(logging.INFO)
    try:
        yield lines
    finally:
        root.removeHandler(h)
        root.setLevel(old)


def _rows(n, d=5):
    return nd.array([[math.sin(0.37 * i + 0.11 * j) for j in range(d)] for i in range(n)])


def _labels(n, d=5):
    return nd.array([int(sum(math.sin(0.37 * i + 0.11 * j) for j in range(3)) > 0) for i in range(n)])


# ---------------------------------------------------------------------- mx.viz


def test_print_summary_table():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        mx.viz.print_summary(_mlp(), shape={'data': (4, 5)})
    lines = out.getvalue().splitlines()
    assert lines[0] == '_' * 120 and lines[2] == '=' * 120
    assert lines[1].split() == ['Layer', '(type)', 'Output', 'Shape', 'Param', '#', 'Previous', 'Layer']
    assert lines[5].split() == ['fc1(FullyConnected)', '8', '48', 'data']     # (5 + 1) * 8
    assert lines[9].split() == ['fc2(FullyConnected)', '3', '27', 'relu1']    # (8 + 1) * 3
    assert 'Total params: 75' in lines
    # without shapes: no output shapes, and FullyConnected has no input width to count
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        mx.viz.print_summary(_mlp(), line_length=80, positions=[.5, .7, .8, 1.])
    lines = out.getvalue().splitlines()
    assert lines[0] == '_' * 80 and lines[5].split() == ['fc1(FullyConnected)', '8', 'data']


def test_print_summary_errors():
    raises(lambda: mx.viz.print_summary('net'), 'symbol must be Symbol', error=TypeError)
    two = mx.sym.dot(mx.sym.var('a'), mx.sym.var('b'))
    raises(lambda: mx.viz.print_summary(two, shape={'a': (2, 3)}), 'Input shape is incomplete')
    raises(lambda: mx.viz.print_summary(_mlp(), shape={'data': (4, 5), 'fc1_weight': (7, 7)}), 'fc1')


def test_plot_network_source_save_and_render():
    g = mx.viz.plot_network(_mlp(), title='mlp', shape={'data': (4, 5)}, dtype={'data': 'float32'},
                            node_attrs={'fixedsize': 'false'})
    src = g.source
    assert src.startswith('digraph "mlp" {') and str(g) == src
    assert '"fc1" [label="FullyConnected\\n8"' in src and 'fixedsize="false"' in src
    assert '"relu1" -> "fc1" [label="8(float32)"' in src
    assert 'fc1_weight' not in src          # hidden by default
    assert '"fc1" -> "fc1_weight"' in mx.viz.plot_network(_mlp(), hide_weights=False).source
    d = tempfile.mkdtemp()
    path = g.save(directory=d)
    assert path == os.path.join(d, 'mlp.gv')
    with open(path) as f:
        assert f.read() == src
    if shutil.which('dot') is None:
        raises(lambda: g.render(directory=d, format='svg'), "Graphviz 'dot' is not installed")
    else:
        out = g.render(directory=d, format='svg')
        assert out == path + '.svg' and os.path.getsize(out) > 0
    raises(lambda: mx.viz.plot_network(_mlp(), shape={'nosuch': (1, 2)}), 'nosuch')
    raises(lambda: mx.viz.plot_network(42), 'symbol must be a Symbol', error=TypeError)


# ---------------------------------------------------------------------- attributes, names, group2ctx


def test_attr_scope_and_name_prefix():
    with mx.AttrScope(ctx_group='dev1', lr_mult='2'):
        a = mx.sym.var('a')
        with mx.AttrScope(ctx_group='dev2') as inner:
            b = mx.sym.exp(a, name='b')
            assert inner.get({'x': '1'}) == {'ctx_group': 'dev2', 'lr_mult': '2', 'x': '1'}
    c = mx.sym.exp(b, name='c')
    attrs = c.attr_dict()
    assert attrs['a']['__ctx_group__'] == 'dev1' and attrs['b']['__ctx_group__'] == 'dev2' and 'c' not in attrs
    raises(lambda: mx.AttrScope(ctx_group=1), 'Attributes need to be string', error=ValueError)
    with mx.name.Prefix('net_'):
        fc = mx.sym.FullyConnected(mx.sym.var('x'), num_hidden=2)
    assert fc.name.startswith('net_fullyconnected') and fc.list_arguments()[1].startswith('net_fullyconnected')
    with mx.name.NameManager():
        assert mx.sym.exp(mx.sym.var('x')).name == 'exp0'


def test_group2ctx_places_groups_on_their_contexts():
    with mx.AttrScope(ctx_group='dev1'):
        a = mx.sym.var('a')
        h = a * 2
    with mx.AttrScope(ctx_group='dev2'):
        out = mx.sym.exp(h, name='out')
    g2c = {'dev1': mx.cpu(0), 'dev2': mx.cpu(1)}
    ex = out.simple_bind(mx.cpu(0), group2ctx=g2c, a=(2,))
    assert ex.arg_dict['a'].context == mx.cpu(0)
    y = ex.forward(is_train=True, a=nd.array([0.5, 1]))[0]
    assert y.context == mx.cpu(1)
    assert_almost_equal(y, [math.e, math.e ** 2], rtol=1e-5)
    ex.backward(nd.ones((2,), ctx=mx.cpu(1)))
    assert_almost_equal(ex.grad_dict['a'], [2 * math.e, 2 * math.e ** 2], rtol=1e-5)
    ex2 = out.bind(mx.cpu(0), {'a': nd.array([0, 1])}, group2ctx=g2c)
    assert ex2.forward()[0].context == mx.cpu(1)
    raises(lambda: out.simple_bind(mx.cpu(), group2ctx={'dev1': 'cpu'}, a=(2,)), 'Contexts', error=TypeError)


# ---------------------------------------------------------------------- executors


def test_simple_bind_shared_exec_type_dict_and_unsupported():
    net = _mlp()
    big = net.simple_bind(mx.cpu(), data=(8, 5))
    pool_only = net.simple_bind(mx.cpu(), data=(4, 5), shared_exec=big, shared_arg_names=['fc1_weight'])
    big.arg_dict['fc1_weight'][:] = 0.25
    assert pool_only.arg_dict['fc1_weight'].tolist()[0][0] == 0.0    # without shared_buffer MXNet shares no argument
    buf = {}
    big = net.simple_bind(mx.cpu(), data=(8, 5), shared_arg_names=['fc1_weight', 'fc1_bias'], shared_buffer=buf)
    assert sorted(buf) == ['data', 'fc2_bias', 'fc2_weight', 'grad of data', 'grad of fc2_bias', 'grad of fc2_weight',
                           'grad of softmax_label', 'softmax_label']
    assert buf['data'].shape == (8, 5)
    small = net.simple_bind(mx.cpu(), data=(4, 5), shared_exec=big, shared_arg_names=['fc1_weight', 'nosuch'], shared_buffer=buf)
    big.arg_dict['fc1_weight'][:] = 0.25
    assert small.arg_dict['fc1_weight'].tolist()[0][0] == 0.25        # the same array
    big.arg_dict['data'][:] = 2.0
    assert small.arg_dict['data'].shape == (4, 5) and small.arg_dict['data'].tolist()[3] == [2.0] * 5   # a view on the buffer's
    larger = net.simple_bind(mx.cpu(), data=(16, 5), shared_exec=big, shared_arg_names=['fc1_weight'], shared_buffer=buf)
    assert buf['data'].shape == (16, 5) and larger.arg_dict['data'].shape == (16, 5)
    wide = _mlp(hidden=6)
    raises(lambda: wide.simple_bind(mx.cpu(), data=(8, 5), shared_exec=big, shared_arg_names=['fc1_weight'], shared_buffer={}),
           'fc1_weight has shape (6, 5) here but (8, 5) in shared_exec')
    raises(lambda: net.simple_bind(mx.cpu(), shared_buffer=[], data=(2, 5)), 'shared_buffer', error=ValueError)
    raises(lambda: net.simple_bind(mx.cpu(), shared_arg_names='fc1_weight', data=(2, 5)), 'shared_arg_names', error=ValueError)
    raises(lambda: net.simple_bind(mx.cpu(), shared_buffer={'data': 3}, data=(2, 5)), 'shared_buffer', error=TypeError)
    f64 = mx.sym.FullyConnected(mx.sym.var('x'), num_hidden=2, name='f').simple_bind(mx.cpu(), type_dict={'x': 'float64'}, x=(1, 3))
    assert str(f64.arg_dict['f_weight'].dtype).endswith('float64')
    raises(lambda: net.simple_bind(mx.cpu(), stype_dict={'data': 'csr'}, data=(2, 5)), 'csr')
    raises(lambda: net.simple_bind(mx.cpu(), shared_exec='big', data=(2, 5)), 'Executor', error=TypeError)


def test_executor_reshape_shares_parameters():
    net = _mlp()
    ex = net.simple_bind(mx.cpu(), data=(8, 5))
    ex.arg_dict['fc1_weight'][:] = 1.0
    small = ex.reshape(partial_shaping=True, data=(4, 5))
    assert small.arg_dict['data'].shape == (4, 5) and small.arg_dict['fc1_weight'].tolist()[0][0] == 1.0
    ex.arg_dict['fc1_weight'][:] = 3.0
    assert small.arg_dict['fc1_weight'].tolist()[0][0] == 3.0
    assert small.forward(data=nd.ones((4, 5)))[0].shape == (4, 3)
    raises(lambda: ex.reshape(data=(4, 5)), 'softmax_label', 'partial_shaping=True')
    raises(lambda: ex.reshape(partial_shaping=True, data=(16, 5)), 'allow_up_sizing=True')
    up = ex.reshape(partial_shaping=True, allow_up_sizing=True, data=(16, 5))
    assert up.forward()[0].shape == (16, 3)
    assert ex.forward()[0].shape == (8, 3)       # the original is unchanged


def test_set_monitor_callback_and_monitor():
    net = _mlp()
    ex = net.simple_bind(mx.cpu(), data=(2, 5))
    seen = []
    ex.set_monitor_callback(lambda name, arr: seen.append((name, arr.shape)))
    ex.forward()
    assert ('fc1_output', (2, 8)) in seen and ('softmax_output', (2, 3)) in seen
    seen.clear()
    ex.set_monitor_callback(None)
    ex.forward()
    assert seen == []

    mon = mx.mon.Monitor(2, pattern='fc1_output|fc2_weight', sort=True)
    mon.install(ex)
    ex.arg_dict['fc2_weight'][:] = 2.0
    mon.tic()
    ex.forward()
    rows = mon.toc()
    assert [r[1] for r in rows] == ['fc1_output', 'fc2_weight'] and rows[0][0] == 1
    assert rows[1][2] == '2.0\t'                               # norm / sqrt(size) of an all-2 array
    mon.tic()
    ex.forward()
    assert mon.toc() == []                                     # only every 2nd batch
    halves = mx.mon.Monitor(1, stat_func=lambda x: x.sum() * 0 + 0.5, pattern='fc2_w')
    halves.install(ex)
    halves.tic()
    assert halves.toc() == [(1, 'fc2_weight', '0.5\t')]
    raises(lambda: mx.mon.Monitor(0), 'interval')


def test_module_monitor_and_contexts():
    it = mx.io.NDArrayIter(_rows(8), _labels(8), batch_size=4)
    mod = mx.mod.Module(_mlp(classes=2))
    with _logged() as lines:
        mod.fit(it, num_epoch=1, monitor=mx.mon.Monitor(1, pattern='fc2_output'))
    assert [l.split()[:3] for l in lines if l.startswith('Batch:')] == [['Batch:', '1', 'fc2_output'], ['Batch:', '2', 'fc2_output']]
    raises(lambda: mx.mod.Module(_mlp(), context=[mx.cpu(0), mx.cpu(1)]), 'one context', '2 contexts')
    raises(lambda: mx.mod.Module(_mlp(), group2ctxs={'dev1': mx.cpu()}), 'group2ctxs')
    assert mx.mod.Module(_mlp(), context=[mx.cpu(0)]).data_names == ['data']


# ---------------------------------------------------------------------- Python-defined initializers and optimizers


class _Halves(mx.init.Initializer):
    def _init_weight(self, name, arr):
        arr[:] = 0.5


class _PlainSGD(mx.optimizer.Optimizer):
    """SGD written in Python: w -= lr * rescale_grad * g."""

    def update(self, index, weight, grad, state):
        self._update_count(index)
        weight[:] = weight - self._get_lr(index) * self.rescale_grad * grad


def test_python_initializer_and_optimizer_in_module():
    it = mx.io.NDArrayIter(_rows(8), _labels(8), batch_size=4)
    ref = mx.mod.Module(_mlp(classes=2))
    ref.bind(it.provide_data, it.provide_label)
    ref.init_params(initializer=_Halves())
    args, _ = ref.get_params()
    assert set(sum(args['fc1_weight'].tolist(), [])) == {0.5}
    assert set(args['fc1_bias'].tolist()) == {0.0}
    ref.init_optimizer(optimizer='sgd', optimizer_params={'learning_rate': 0.2})

    mine = mx.mod.Module(_mlp(classes=2))
    mine.bind(it.provide_data, it.provide_label)
    mine.init_params(initializer=_Halves())
    with_warning = _PlainSGD(learning_rate=0.2, rescale_grad=0.25)
    mine.init_optimizer(optimizer=with_warning)
    assert mine.optimizer_initialized and with_warning.idx2name == {0: 'fc1_weight', 1: 'fc1_bias', 2: 'fc2_weight', 3: 'fc2_bias'}
    for batch in it:
        for m in (ref, mine):
            m.forward_backward(batch)
            m.update()
    for name, w in ref.get_params()[0].items():
        assert_almost_equal(mine.get_params()[0][name], w, rtol=1e-5, atol=1e-7)
    assert with_warning.num_update == 2
    raises(lambda: mine.save_checkpoint(os.path.join(tempfile.mkdtemp(), 'p'), 1, save_optimizer_states=True),
           'Python-defined optimizer')
    # fit takes them too, and an initializer that fails keeps its own error
    it.reset()
    fitted = mx.mod.Module(_mlp(classes=2))
    fitted.fit(it, num_epoch=1, initializer=_Halves(), optimizer=_PlainSGD(learning_rate=0.1, rescale_grad=0.25))
    assert fitted.get_params()[0]['fc1_weight'].tolist() != [[0.5] * 5] * 8
    bad = mx.mod.Module(_mlp(classes=2))
    bad.bind(it.provide_data, it.provide_label)
    raises(lambda: bad.init_params(initializer=mx.init.Initializer()), 'Must override it', error=NotImplementedError)
    bad.init_params(initializer=_Halves())                     # nothing half-done: it can still be initialized
    raises(lambda: bad.init_optimizer(optimizer=object()), 'mx.optimizer.Optimizer')


# ---------------------------------------------------------------------- BucketingModule


def _sym_gen(seq_len):
    data = mx.sym.var('data')
    pooled = mx.sym.mean(data, axis=1, name='pool')
    fc = mx.sym.FullyConnected(pooled, num_hidden=2, name='fc')
    return mx.sym.SoftmaxOutput(fc, name='softmax'), ('data',), ('softmax_label',)


def _bucket_batch(seq_len, seed):
    x = nd.array([[[math.sin(seed + 0.3 * b + 0.7 * t + f) for f in range(3)] for t in range(seq_len)] for b in range(4)])
    y = nd.array([(seed + b) % 2 for b in range(4)])
    return mx.io.DataBatch([x], [y], bucket_key=seq_len, provide_data=[mx.io.DataDesc('data', x.shape)],
                           provide_label=[mx.io.DataDesc('softmax_label', y.shape)])


class _BucketIter(mx.io.DataIter):
    def __init__(self):
        super().__init__(4)
        self.batches = [_bucket_batch(5, 0), _bucket_batch(2, 1), _bucket_batch(5, 2), _bucket_batch(3, 3)]
        self.default_bucket_key = 5
        self.provide_data = [mx.io.DataDesc('data', (4, 5, 3))]
        self.provide_label = [mx.io.DataDesc('softmax_label', (4,))]
        self.i = 0

    def reset(self):
        self.i = 0

    def next(self):
        if self.i == len(self.batches):
            raise StopIteration
        self.i += 1
        return self.batches[self.i - 1]


def test_bucketing_module_shares_parameters_across_buckets():
    it = _BucketIter()
    mod = mx.mod.BucketingModule(_sym_gen, default_bucket_key=5, context=mx.cpu())
    assert mod.data_names == ['data'] and mod.output_names == ['softmax_output'] and not mod.binded
    params = {'fc_weight': nd.array([[0.1, -0.2, 0.3], [0.2, 0.1, -0.1]]), 'fc_bias': nd.zeros((2,))}
    mod.fit(it, num_epoch=2, arg_params=params, optimizer_params={'learning_rate': 0.5})
    assert mod._buckets == [5, 2, 3] and mod.default_bucket_key == 5
    assert sorted(mod.get_params()[0]) == ['fc_bias', 'fc_weight']
    # the same training by hand with one Module per bucket and copied parameters gives the same weights
    weights = {k: v.copy() for k, v in params.items()}
    for _ in range(2):
        for b in it.batches:
            m = mx.mod.Module(_sym_gen(b.bucket_key)[0])
            m.bind([('data', b.data[0].shape)], [('softmax_label', (4,))])
            m.init_params(arg_params=weights)
            m.init_optimizer(optimizer_params={'learning_rate': 0.5, 'rescale_grad': 0.25})
            m.forward_backward(b)
            m.update()
            weights = {k: v.copy() for k, v in m.get_params()[0].items()}
    assert_almost_equal(mod.get_params()[0]['fc_weight'], weights['fc_weight'], rtol=1e-5, atol=1e-6)
    acc = mod.score(it, 'acc')[0]
    assert acc[0] == 'accuracy' and 0 <= acc[1] <= 1
    mod.switch_bucket(2, [('data', (4, 2, 3))], [('softmax_label', (4,))])
    assert mod._curr_bucket_key == 2 and mod.data_shapes[0].shape == (4, 2, 3)
    outs = mod.predict(it, merge_batches=False)
    assert [o[0].shape for o in outs] == [(4, 2)] * 4


def test_bucketing_module_fails_when_a_bucket_has_other_parameter_shapes():
    def gen(seq_len):
        fc = mx.sym.FullyConnected(mx.sym.flatten(mx.sym.var('data')), num_hidden=2, name='fc')
        return mx.sym.SoftmaxOutput(fc, name='softmax'), ('data',), ('softmax_label',)
    mod = mx.mod.BucketingModule(gen, default_bucket_key=5)
    mod.bind([('data', (4, 5, 3))], [('softmax_label', (4,))])
    mod.init_params()
    mod.forward(_bucket_batch(5, 0))
    raises(lambda: mod.forward(_bucket_batch(2, 1)), 'bucket 2', 'fc_weight', '(2, 6)', '(2, 15)')
    assert mod._buckets == [5] and mod._curr_bucket_key == 5


def test_bucketing_module_tuple_keys_and_errors():
    def gen(key):
        assert isinstance(key, tuple), key
        return mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=key[0], name='fc'), ['data'], None
    mod = mx.mod.BucketingModule(gen, default_bucket_key=(2, 0))
    mod.bind([('data', (1, 3))], for_training=False)
    mod.init_params()
    mod.forward(mx.io.DataBatch([nd.ones((1, 3))], bucket_key=(2, 1), provide_data=[('data', (1, 3))]))
    assert mod._buckets == [(2, 0), (2, 1)] and mod.get_outputs()[0].shape == (1, 2)
    bad = mx.mod.BucketingModule(lambda k: 42, default_bucket_key=1)
    raises(lambda: bad.bind([('data', (1, 3))]), 'sym_gen must return', error=TypeError)
    assert not bad.binded
    raises(lambda: mx.mod.BucketingModule(_sym_gen), error=AssertionError)
    raises(lambda: mod.init_optimizer(optimizer=_PlainSGD()), 'mx.mod.Module only')
    unbound = mx.mod.BucketingModule(_sym_gen, default_bucket_key=5)
    raises(lambda: unbound.switch_bucket(2, [('data', (4, 2, 3))]), 'bind', error=AssertionError)
    raises(lambda: unbound.data_shapes, 'bind')


# ---------------------------------------------------------------------- SequentialModule


def test_sequential_module_chains_modules():
    it = mx.io.NDArrayIter(_rows(16, 6), _labels(16, 6), batch_size=4)
    feat = mx.sym.Activation(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=5, name='feat_fc'), act_type='relu')
    clf = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.var('feat'), num_hidden=2, name='clf_fc'), name='softmax')
    seq = mx.mod.SequentialModule()
    assert seq.add(mx.mod.Module(feat, label_names=None)) is seq
    seq.add(mx.mod.Module(clf, data_names=('feat',)), take_labels=True, auto_wiring=True)
    seq.fit(it, num_epoch=3, initializer=mx.init.Xavier(), optimizer_params={'learning_rate': 0.3})
    assert seq.output_shapes == [('softmax_output', (4, 2))]
    assert sorted(seq.get_params()[0]) == ['clf_fc_bias', 'clf_fc_weight', 'feat_fc_bias', 'feat_fc_weight']
    assert seq.data_names == ['data'] and seq.symbol.list_outputs() == ['softmax_output']
    # forward through the chain equals the two modules' symbols composed by hand
    args = seq.get_params()[0]
    composed = clf(feat=feat)
    ex = composed.bind(mx.cpu(), dict(args, data=_rows(4, 6), softmax_label=nd.zeros((4,))))
    it.reset()
    seq.forward(next(iter(it)), is_train=False)
    assert_almost_equal(seq.get_outputs()[0], ex.forward()[0], rtol=1e-5)


def test_sequential_module_errors():
    net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3, name='fc')
    seq = mx.mod.SequentialModule()
    raises(lambda: seq.add('module'), 'takes a module', error=TypeError)
    raises(lambda: seq.add(mx.mod.Module(net, label_names=None), take_label=True), 'Unknown meta', error=ValueError)
    raises(lambda: seq.bind([('data', (2, 4))]), 'no modules')
    seq.add(mx.mod.Module(net, label_names=None))
    seq.add(mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2, name='fc'), label_names=None), auto_wiring=True)
    seq.bind([('data', (2, 4))], for_training=False)
    raises(lambda: seq.init_params(), 'Duplicated parameter names', 'fc_weight')


# ---------------------------------------------------------------------- FeedForward


def test_feedforward_create_predict_score_save_load():
    x, y = _rows(24), _labels(24)
    model = mx.model.FeedForward.create(_mlp(classes=2), x, y, num_epoch=3, numpy_batch_size=8,
                                        initializer=mx.init.Xavier(), learning_rate=0.3)
    assert sorted(model.arg_params) == ['fc1_bias', 'fc1_weight', 'fc2_bias', 'fc2_weight']
    p = model.predict(x)
    assert tuple(p.shape) == (24, 2)
    acc = model.score(mx.io.NDArrayIter(x, y, batch_size=8))
    assert 0 <= acc <= 1
    prefix = os.path.join(tempfile.mkdtemp(), 'ff')
    model.save(prefix)
    loaded = mx.model.FeedForward.load(prefix, 3)
    assert loaded.begin_epoch == 3
    assert_almost_equal(nd.array(loaded.predict(x)) if not hasattr(p, 'context') else loaded.predict(x), p, rtol=1e-5)
    out, data, label = model.predict(mx.io.NDArrayIter(x, y, batch_size=5), return_data=True)
    assert tuple(data.shape) == (24, 5) and tuple(label.shape) == (24,)
    # continue training from the loaded epoch with eval data as (X, y)
    loaded.num_epoch = 4
    with _logged() as lines:
        loaded.fit(x, y, eval_data=(x, y))
    assert any(l.startswith('Epoch[3] Validation-accuracy=') for l in lines)
    assert not any(l.startswith('Epoch[2]') for l in lines)


def test_feedforward_errors():
    model = mx.model.FeedForward(_mlp(), num_epoch=1)
    raises(lambda: model.predict(_rows(4)), 'no parameters')
    raises(lambda: model.fit(_rows(4)), 'y must be specified', error=ValueError)
    raises(lambda: model.fit([[1, 2]], nd.zeros((1,))), 'X must be DataIter', error=TypeError)
    raises(lambda: model.fit(_rows(4), nd.zeros((3,))), 'not equal', error=ValueError)
    raises(lambda: mx.model.FeedForward(_mlp(), ctx=[mx.cpu(0), mx.cpu(1)]), 'one context')
    raises(lambda: mx.model.FeedForward.load(os.path.join(tempfile.mkdtemp(), 'none'), 1))


# ---------------------------------------------------------------------- callbacks


class _Param:
    def __init__(self, epoch, nbatch, metric):
        self.epoch, self.nbatch, self.eval_metric, self.locals = epoch, nbatch, metric, None


def test_callbacks_log_lines():
    metric = mx.metric.Accuracy()
    metric.update([nd.array([0, 1])], [nd.array([[0.9, 0.1], [0.8, 0.2]])])
    with _logged() as lines:
        s = mx.callback.Speedometer(4, frequent=2, auto_reset=False)
        for n in range(5):
            s(_Param(0, n, metric))
        mx.callback.ProgressBar(4, length=8)(_Param(0, 1, None))
        mx.callback.log_train_metric(2)(_Param(1, 2, metric))
        mx.callback.LogValidationMetricsCallback()(_Param(3, 0, metric))
        mx.callback.Speedometer(4, frequent=2)(_Param(0, 0, None))
    speed = [l for l in lines if 'Speed' in l]
    assert [l.split('\tSpeed')[0] for l in speed] == ['Epoch[0] Batch [0-2]', 'Epoch[0] Batch [0-4]']
    assert all(l.endswith('samples/sec\taccuracy=0.500000') for l in speed)
    assert '[==------] 25%\r' in lines
    assert 'Iter[1] Batch[2] Train-accuracy=0.500000' in lines
    assert 'Epoch[3] Validation-accuracy=0.500000' in lines


def test_checkpoint_callbacks():
    it = mx.io.NDArrayIter(_rows(8), _labels(8), batch_size=4)
    d = tempfile.mkdtemp()
    mod = mx.mod.Module(_mlp(classes=2))
    mod.fit(it, num_epoch=2, epoch_end_callback=[mx.callback.do_checkpoint(os.path.join(d, 'a'), period=2),
                                                 mx.callback.module_checkpoint(mod, os.path.join(d, 'b'), 1, True)])
    assert sorted(os.listdir(d)) == ['a-0002.params', 'a-symbol.json', 'b-0001.params', 'b-0001.states', 'b-0002.params',
                                     'b-0002.states', 'b-symbol.json']
