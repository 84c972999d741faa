"""mx.sym, the Executor, mx.mod.Module and mx.model: values as MXNet 1.9.1 gives them."""
import os
import tempfile

import mxnet as mx
from mxnet import nd
from mxnet.test_utils import assert_almost_equal
from helpers import raises


def test_operator_symbols_create_named_parameters():
    x = mx.sym.var('x')
    fc = mx.sym.FullyConnected(x, num_hidden=4, name='fc')
    assert fc.name == 'fc'
    assert fc.list_arguments() == ['x', 'fc_weight', 'fc_bias']
    assert mx.sym.FullyConnected(x, num_hidden=4, no_bias=True, name='f2').list_arguments() == ['x', 'f2_weight']
    assert fc.list_outputs() == ['fc_output']
    assert mx.symbol.Variable is mx.sym.var
    bn = mx.sym.BatchNorm(fc, name='bn')
    assert bn.list_auxiliary_states() == ['bn_moving_mean', 'bn_moving_var']


def test_infer_shape_and_unknown():
    x = mx.sym.var('x')
    fc = mx.sym.FullyConnected(x, num_hidden=4, name='fc')
    assert fc.infer_shape(x=(2, 3)) == ([(2, 3), (4, 3), (4,)], [(2, 4)], [])
    assert fc.infer_shape((2, 3)) == ([(2, 3), (4, 3), (4,)], [(2, 4)], [])
    assert fc.infer_shape() == (None, None, None)
    raises(lambda: fc.infer_shape(x=(2, 3), fc_weight=(5, 3)), 'fc')


def test_arithmetic_with_scalars_and_symbols():
    a = mx.sym.var('a')
    b = mx.sym.var('b')
    e = (a * 3 - 1) / 2 + (10 - b) + a * b + 2 ** a
    assert e.list_arguments() == ['a', 'b']
    ex = e.bind(mx.cpu(), {'a': nd.array([1, 3]), 'b': nd.array([2, 4])})
    out = ex.forward()
    assert_almost_equal(out[0], [1 + 8 + 2 + 2, 4 + 6 + 12 + 8])
    assert_almost_equal((-a).eval(a=nd.array([1, -2]))[0], [-1, 2])


def test_group_getitem_internals_and_compose():
    a = mx.sym.var('a')
    b = mx.sym.var('b')
    g = mx.sym.Group([a + b, a * b])
    assert len(g) == 2
    assert g[1].list_outputs() == [g.list_outputs()[1]]
    raises(lambda: g[2], error=IndexError)
    net = mx.sym.Activation(mx.sym.FullyConnected(a, num_hidden=2, name='fc1'), act_type='relu', name='r')
    inner = net.get_internals()['fc1_output']
    assert inner.list_outputs() == ['fc1_output']
    c = (a * 2)(a=mx.sym.var('w'))
    assert c.list_arguments() == ['w']


def test_json_and_file_round_trip():
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3, name='fc'), name='sm')
    js = net.tojson()
    assert '"nodes"' in js and '"fc"' in js
    assert mx.sym.load_json(js).list_arguments() == net.list_arguments()
    f = os.path.join(tempfile.mkdtemp(), 'net-symbol.json')
    net.save(f)
    assert mx.sym.load(f).list_outputs() == ['sm_output']
    raises(lambda: mx.sym.load_json('{"nodes": 3}'))


def test_simple_bind_forward_backward():
    x = mx.sym.var('x')
    fc = mx.sym.FullyConnected(x, num_hidden=1, no_bias=True, name='fc')
    ex = fc.simple_bind(mx.cpu(), x=(1, 2))
    assert sorted(ex.arg_dict) == ['fc_weight', 'x']
    assert ex.arg_dict['fc_weight'].shape == (1, 2)
    ex.arg_dict['fc_weight'][:] = nd.array([[1, 1]])
    out = ex.forward(is_train=True, x=nd.array([[1, 2]]))
    assert_almost_equal(out[0], [[3]])
    ex.backward(nd.array([[1]]))
    assert_almost_equal(ex.grad_dict['fc_weight'], [[1, 2]])
    assert_almost_equal(ex.grad_dict['x'], [[1, 1]])
    assert ex.aux_dict == {}


def test_bind_list_args_grad_req_and_errors():
    a = mx.sym.var('a')
    b = mx.sym.var('b')
    c = a * b
    ga = nd.zeros((2,))
    ex = c.bind(mx.cpu(), [nd.array([1, 2]), nd.array([3, 4])], args_grad={'a': ga}, grad_req={'a': 'add'})
    for _ in range(2):
        ex.forward(is_train=True)
        ex.backward(nd.ones((2,)))
    assert_almost_equal(ga, [6, 8])
    assert ex.grad_dict['b'] is None
    raises(lambda: c.bind(mx.cpu(), {'a': nd.array([1])}), 'key `b` is missing in `args`', error=ValueError)
    raises(lambda: c.bind(mx.cpu(), [nd.array([1])]), error=ValueError)


class _ListIter(mx.io.DataIter):
    """A Python DataIter: two batches of two rows."""

    def __init__(self, rows, labels):
        super().__init__(2)
        self.rows, self.labels, self.i = rows, labels, 0
        self.provide_data = [mx.io.DataDesc('data', (2, 2))]
        self.provide_label = [mx.io.DataDesc('softmax_label', (2,))]

    def reset(self):
        self.i = 0

    def next(self):
        if self.i >= len(self.rows):
            raise StopIteration
        b = mx.io.DataBatch([nd.array(self.rows[self.i:self.i + 2])], [nd.array(self.labels[self.i:self.i + 2])], pad=0)
        self.i += 2
        return b


def _net():
    fc = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2, name='fc')
    return mx.sym.SoftmaxOutput(fc, name='softmax')


def test_module_steps_with_python_dataiter():
    it = _ListIter([[1, 0], [0, 1], [2, 0], [0, 3]], [0, 1, 0, 1])
    mod = mx.mod.Module(_net(), context=mx.cpu())
    mod.bind(data_shapes=it.provide_data, label_shapes=it.provide_label)
    mod.init_params(arg_params={'fc_weight': nd.array([[1, 0], [0, 1]]), 'fc_bias': nd.zeros((2,))})
    assert mod.output_shapes == [('softmax_output', (2, 2))]
    assert mod.score(it, 'acc') == [('accuracy', 1.0)]
    p = mod.predict(it)
    assert p.shape == (4, 2)
    assert_almost_equal(p[0], [0.7310586, 0.2689414], rtol=1e-5)
    mod.init_optimizer(optimizer='sgd', optimizer_params={'learning_rate': 1.0})
    it.reset()
    batch = next(iter(it))
    mod.forward(batch, is_train=True)
    mod.backward()
    mod.update()
    args, auxs = mod.get_params()
    # softmax grad: (p - onehot) / batch_size (rescale_grad = 1/2), summed over the batch
    assert_almost_equal(args['fc_bias'], [-(0.7310586 - 1 + 0.2689414) / 2, -(0.2689414 + 0.7310586 - 1) / 2], atol=1e-6)
    assert_almost_equal(args['fc_weight'], [[1 - (0.7310586 - 1) / 2, -0.2689414 / 2], [-0.2689414 / 2, 1 - (0.7310586 - 1) / 2]], rtol=1e-5)
    assert auxs == {}


def test_module_checkpoint_and_model_functions():
    it = _ListIter([[1, 0], [0, 1], [2, 0], [0, 3]], [0, 1, 0, 1])
    mod = mx.mod.Module(_net())
    mod.fit(it, num_epoch=2, initializer=mx.init.Xavier(), optimizer_params={'learning_rate': 0.1}, eval_metric=mx.metric.Accuracy())
    prefix = os.path.join(tempfile.mkdtemp(), 'm')
    mod.save_checkpoint(prefix, 2)
    sym, args, auxs = mx.model.load_checkpoint(prefix, 2)
    assert sym.list_outputs() == ['softmax_output'] and sorted(args) == ['fc_bias', 'fc_weight'] and auxs == {}
    assert args['fc_weight'].tolist() == mod.get_params()[0]['fc_weight'].tolist()
    mx.model.save_checkpoint(prefix, 3, sym, args, auxs)
    assert sorted(os.listdir(os.path.dirname(prefix))) == ['m-0002.params', 'm-0003.params', 'm-symbol.json']
    mod2 = mx.mod.Module.load(prefix, 3)
    mod2.bind(data_shapes=it.provide_data, label_shapes=it.provide_label, for_training=False)
    assert mod2.score(it, 'acc') == mod.score(it, 'acc')
    raises(lambda: mx.mod.Module.load(prefix, 9))


def test_module_errors():
    mod = mx.mod.Module(_net())
    raises(lambda: mod.init_params(), 'bind', error=AssertionError)   # MXNet asserts these
    raises(lambda: mod.score(_ListIter([], []), 'acc'), 'bind', error=AssertionError)
    mod.bind(data_shapes=[('data', (2, 2))], label_shapes=[('softmax_label', (2,))])
    # a Python-defined initializer runs; the base class has no rule for weights (MXNet's message)
    raises(lambda: mod.init_params(initializer=mx.init.Initializer()), 'Must override it', error=NotImplementedError)
    raises(lambda: mod.forward(mx.io.DataBatch([nd.ones((2, 2))], [nd.ones((2,))])), 'init_params')


def test_fit_callbacks_do_checkpoint_and_batch_end():
    it = _ListIter([[1, 0], [0, 1], [2, 0], [0, 3]], [0, 1, 0, 1])
    prefix = os.path.join(tempfile.mkdtemp(), 'cb')
    seen = []
    mod = mx.mod.Module(_net())
    mod.fit(it, num_epoch=2, epoch_end_callback=mx.callback.do_checkpoint(prefix),
            batch_end_callback=[lambda p: seen.append((p.epoch, p.nbatch)), mx.callback.Speedometer(2, 1)])
    assert seen == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert sorted(os.listdir(os.path.dirname(prefix))) == ['cb-0001.params', 'cb-0002.params', 'cb-symbol.json']


def test_infer_type():
    x = mx.sym.var('x')
    fc = mx.sym.FullyConnected(x, num_hidden=4, name='fc')
    arg, out, aux = fc.infer_type(x='float64')
    name = lambda t: getattr(t, '__name__', t)  # noqa: E731 (numpy type or dtype name)
    assert [name(t) for t in arg] == ['float64'] * 3 and [name(t) for t in out] == ['float64'] and aux == []
    assert [name(t) for t in mx.sym.Cast(x, dtype='int32').infer_type(x='float32')[1]] == ['int32']
    # MXNet's partial inference knows Cast's output from its dtype alone
    arg, out, _ = (mx.sym.Cast(x, dtype='float16') + mx.sym.var('y')).infer_type_partial()
    assert arg[0] is None and name(arg[1]) == 'float16', arg
    assert [name(t) for t in out] == ['float16']


def test_simple_bind_ignores_names_that_are_not_inputs():
    # as MXNet 1.9: shapes and types named for anything but the symbol's inputs are ignored
    fc = mx.sym.FullyConnected(mx.sym.var('x'), num_hidden=4, name='fc')
    e = fc.simple_bind(mx.cpu(), x=(2, 3), nope=(4, 4), type_dict={'x': 'float64', 'nope': 'float16'})
    assert [a.shape for a in e.arg_arrays] == [(2, 3), (4, 3), (4,)]
    assert all(str(getattr(a.dtype, '__name__', a.dtype)) == 'float64' for a in e.arg_arrays)


def test_fluent_methods():
    x = mx.sym.var('x')
    y = x.reshape((3, 2)).sum(axis=1).astype('int32')
    out = y.eval(x=nd.array([[1, 2, 3], [4, 5, 6]]))[0]
    assert out.tolist() == [3, 7, 11]


def test_creation_symbols_and_namespaces():
    x = mx.sym.var('x')
    assert (x + mx.sym.ones((2,)) * 2).eval(x=nd.array([1, 2]))[0].tolist() == [3, 4]
    assert mx.sym.full((2,), 7).eval()[0].tolist() == [7, 7]
    assert mx.sym.arange(0, 3).eval()[0].tolist() == [0, 1, 2]
    assert mx.sym.zeros((2, 3)).infer_shape() == ([], [(2, 3)], [])
    u = mx.sym.random.uniform(low=0, high=1, shape=(3, 2))
    assert u.infer_shape()[1] == [(3, 2)]
    raises(lambda: mx.sym.no_such_operator, error=AttributeError)


def test_variable_and_node_attributes():
    x = mx.sym.var('x', lr_mult=2.0, wd_mult=0, shape=(2, 3))
    assert x.list_attr() == {'__lr_mult__': '2.0', '__wd_mult__': '0', '__shape__': '(2, 3)'}
    fc = mx.sym.FullyConnected(x, num_hidden=3, name='fc', attr={'__mood__': 'ok'})
    assert fc.attr('__mood__') == 'ok' and fc.attr('nothing') is None
    assert fc.infer_shape()[1] == [(2, 3)]
    assert repr(fc) == '<Symbol fc>'


def test_executor_and_module_reshape():
    x = mx.sym.var('x')
    fc = mx.sym.FullyConnected(x, num_hidden=1, no_bias=True, name='fc')
    ex = fc.simple_bind(mx.cpu(), x=(1, 2))
    ex.arg_dict['fc_weight'][:] = nd.array([[1, 2]])
    ex2 = ex.reshape(allow_up_sizing=True, x=(3, 2))
    assert ex2.arg_dict['x'].shape == (3, 2) and ex2.arg_dict['fc_weight'].tolist() == [[1, 2]]
    assert ex2.forward(x=nd.ones((3, 2)))[0].tolist() == [[3], [3], [3]]
    mod = mx.mod.Module(_net())
    mod.bind(data_shapes=[('data', (2, 2))], label_shapes=[('softmax_label', (2,))])
    mod.init_params()
    mod.reshape(data_shapes=[('data', (4, 2))], label_shapes=[('softmax_label', (4,))])
    assert mod.data_shapes[0].shape == (4, 2) and mod.output_shapes == [('softmax_output', (4, 2))]
