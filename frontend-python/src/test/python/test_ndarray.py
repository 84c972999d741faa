"""mx.nd: creation, arithmetic, indexing, views, printing, generated operators, save/load.
Expected values are what MXNet 1.9.1 gives for the same calls."""
import os
import tempfile

import mxnet as mx
from mxnet.test_utils import assert_almost_equal
from helpers import raises, dtype_name


def test_version_and_context():
    assert mx.__version__ == '1.9.1'
    assert mx.cpu() == mx.Context('cpu', 0) and str(mx.cpu(0)) == 'cpu(0)'
    assert mx.current_context() == mx.cpu()
    assert mx.context.num_gpus() == 0
    with mx.Context('cpu', 0) as c:
        assert mx.current_context() is c
    x = mx.nd.zeros((2,), ctx=mx.cpu())
    assert x.context == mx.cpu() and x.ctx == mx.cpu()


def test_array_properties_and_repr():
    x = mx.nd.array([[1, 2, 3], [4, 5, 6]])
    assert x.shape == (2, 3) and x.size == 6 and x.ndim == 2
    assert dtype_name(x) == 'float32'
    assert repr(x) == '\n[[1. 2. 3.]\n [4. 5. 6.]]\n<NDArray 2x3 @cpu(0)>'
    assert repr(mx.nd.array([1, 2], dtype='int32')) == '\n[1 2]\n<NDArray 2 @cpu(0)>'
    assert mx.nd.array(3.5).shape == (1,)  # no 0-d arrays in MXNet 1.x
    assert x.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert mx.nd.array([7]).asscalar() == 7.0
    assert x.T.shape == (3, 2) and x.T.tolist() == [[1, 4], [2, 5], [3, 6]]


def test_creation_functions():
    assert mx.nd.zeros((2, 3)).tolist() == [[0] * 3] * 2
    assert mx.nd.ones(3, dtype='int32').tolist() == [1, 1, 1]
    assert mx.nd.full((2,), 2.5).tolist() == [2.5, 2.5]
    assert mx.nd.empty((4, 1)).shape == (4, 1)
    assert mx.nd.arange(5).tolist() == [0, 1, 2, 3, 4]
    assert mx.nd.arange(1, 2, 0.25).tolist() == [1, 1.25, 1.5, 1.75]
    assert mx.nd.arange(0, 3, repeat=2).tolist() == [0, 0, 1, 1, 2, 2]
    a = mx.nd.array([[1, 2]])
    assert mx.nd.concat(a, a, dim=0).tolist() == [[1, 2], [1, 2]]
    assert mx.nd.concat(a, a, dim=1).tolist() == [[1, 2, 1, 2]]
    assert mx.nd.stack(a, a, axis=0).shape == (2, 1, 2)
    assert mx.nd.zeros_like(a).tolist() == [[0, 0]] and mx.nd.ones_like(a).tolist() == [[1, 1]]
    assert dtype_name(mx.nd.array([1, 2], dtype='int64')) == 'int64'
    assert dtype_name(mx.nd.array([1, 2])) == 'float32'


def test_arithmetic_and_reflected():
    x = mx.nd.array([1, 2, 4])
    y = mx.nd.array([2, 2, 2])
    assert (x + y).tolist() == [3, 4, 6]
    assert (x - y).tolist() == [-1, 0, 2]
    assert (x * y).tolist() == [2, 4, 8]
    assert (x / y).tolist() == [0.5, 1, 2]
    assert (x % y).tolist() == [1, 0, 0]
    assert (x ** y).tolist() == [1, 4, 16]
    assert (x + 1).tolist() == [2, 3, 5] and (1 + x).tolist() == [2, 3, 5]
    assert (10 - x).tolist() == [9, 8, 6] and (x - 1).tolist() == [0, 1, 3]
    assert (8 / x).tolist() == [8, 4, 2] and (2 ** x).tolist() == [2, 4, 16]
    assert (5 % x).tolist() == [0, 1, 1]
    assert (-x).tolist() == [-1, -2, -4] and abs(-x).tolist() == [1, 2, 4]
    m = mx.nd.array([[1], [2]])
    assert (m + mx.nd.array([10, 20])).tolist() == [[11, 21], [12, 22]]  # broadcasting


def test_inplace_operators_write_into_the_array():
    x = mx.nd.array([1, 2])
    view = x[0:2]
    x += 1
    x *= 3
    x -= mx.nd.array([1, 1])
    x /= 2
    assert x.tolist() == [2.5, 4]
    assert view.tolist() == [2.5, 4]  # the same memory


def test_comparisons():
    x = mx.nd.array([1, 2, 3])
    assert (x == 2).tolist() == [0, 1, 0]
    assert (x != 2).tolist() == [1, 0, 1]
    assert (x > 1).tolist() == [0, 1, 1] and (x >= 2).tolist() == [0, 1, 1]
    assert (x < 2).tolist() == [1, 0, 0] and (x <= 2).tolist() == [1, 1, 0]
    assert (x == mx.nd.array([1, 0, 3])).tolist() == [1, 0, 1]
    assert (x == None) is False and (x != 'a') is True
    assert bool(mx.nd.array([1])) and not bool(mx.nd.array([0]))
    raises(lambda: bool(x), 'ambiguous', error=ValueError)


def test_getitem_basic():
    x = mx.nd.arange(12).reshape((3, 4))
    assert x[1].tolist() == [4, 5, 6, 7]
    assert x[-1].tolist() == [8, 9, 10, 11]
    assert x[1, 2].tolist() == [6]  # MXNet keeps one dimension
    assert mx.nd.array([5, 6])[1].shape == (1,)
    assert x[1:3].shape == (2, 4)
    assert x[:, 1].tolist() == [1, 5, 9]
    assert x[:, 1:3].tolist() == [[1, 2], [5, 6], [9, 10]]
    assert x[::2, ::-1].tolist() == [[3, 2, 1, 0], [11, 10, 9, 8]]
    assert x[..., 0].tolist() == [0, 4, 8]
    assert x[None, 0].shape == (1, 4)
    assert x[1:1].shape == (0, 4)
    raises(lambda: x[3], 'out of bounds', error=IndexError)
    raises(lambda: x[0, 0, 0], 'too many indices', error=IndexError)


def test_getitem_views_share_memory():
    x = mx.nd.zeros((3, 4))
    row = x[1]
    row[:] = 5
    block = x[2, 1:3]
    block[:] = 7
    assert x.tolist() == [[0, 0, 0, 0], [5, 5, 5, 5], [0, 7, 7, 0]]


def test_getitem_advanced():
    x = mx.nd.arange(12).reshape((3, 4))
    assert x[mx.nd.array([2, 0])].tolist() == [[8, 9, 10, 11], [0, 1, 2, 3]]
    assert x[[0, 2], [1, 3]].tolist() == [1, 11]
    assert x[[1]].tolist() == [[4, 5, 6, 7]]


def test_setitem():
    x = mx.nd.zeros((3, 3))
    x[0] = 1
    x[1, 2] = 4
    x[:, 0] = mx.nd.array([7, 8, 9])
    x[2, 1:] = [5, 6]
    assert x.tolist() == [[7, 1, 1], [8, 0, 4], [9, 5, 6]]
    x[:] = 2
    assert x.tolist() == [[2] * 3] * 3
    x[::2, ::2] = 0
    assert x.tolist() == [[0, 2, 0], [2, 2, 2], [0, 2, 0]]
    x[:] = mx.nd.array([1, 2, 3])  # broadcast along rows
    assert x.tolist() == [[1, 2, 3]] * 3


def test_setitem_with_array_indices():
    # values as MXNet 1.9.1 prints them for the same assignments (through _scatter_set_nd, out=x)
    x = mx.nd.arange(12).reshape((3, 4))
    x[mx.nd.array([0, 2])] = -1
    assert x.tolist() == [[-1] * 4, [4, 5, 6, 7], [-1] * 4]
    x[mx.nd.array([1, 2]), mx.nd.array([0, 3])] = mx.nd.array([100, 200])
    assert x.tolist() == [[-1] * 4, [100, 5, 6, 7], [-1, -1, -1, 200]]
    x[[0, 1]] = mx.nd.array([7, 8, 9, 10])  # one row broadcast to both
    assert x.tolist() == [[7, 8, 9, 10], [7, 8, 9, 10], [-1, -1, -1, 200]]
    y = mx.nd.zeros((2, 2, 2))
    y[mx.nd.array([1]), mx.nd.array([0])] = 5
    assert y.tolist() == [[[0, 0], [0, 0]], [[5, 5], [0, 0]]]
    before = x.tolist()

    def out_of_bounds():
        x[mx.nd.array([5])] = 1
        x.wait_to_read()
    raises(out_of_bounds, 'out of bounds')
    assert x.tolist() == before, 'the array is intact after the failed assignment'


def test_array_indices_mixed_with_slices():
    # MXNet 1.9.1's results (mxnet-scripts/advanced_indexing.py has more, against its printed output)
    x = mx.nd.arange(24).reshape((2, 3, 4))
    assert x[:, :, [1, 2]].shape == (2, 3, 2)
    assert x[:, [0, 2], 1].tolist() == [[1, 9], [13, 21]]
    assert x[[1, 0], :, [3, 0]].tolist() == [[15, 19, 23], [0, 4, 8]]
    y = x.copy()
    y[:, [0, 2], 1] = mx.nd.array([[-1], [-2]])
    assert y[:, :, 1].tolist() == [[-1, 5, -1], [-2, 17, -2]]
    raises(lambda: x[:, [0, 5]].wait_to_read(), 'out of bounds')
    assert x[None, [0, 1]].shape == (1, 2, 3, 4)

    def assign_through_new_axis():
        x[None, [0, 1]] = 1
    raises(assign_through_new_axis, 'None')
    raises(lambda: x[:, [0, 1], [[0, 1, 2]]], 'broadcast', error=IndexError)


def test_reshape_forms_and_codes():
    x = mx.nd.arange(24).reshape((2, 3, 4))
    assert x.reshape(6, 4).shape == (6, 4)
    assert x.reshape((4, -1)).shape == (4, 6)
    assert x.reshape(shape=(0, -1)).shape == (2, 12)
    assert x.reshape((-2,)).shape == (2, 3, 4)
    assert x.reshape((-3, 4)).shape == (6, 4)
    assert x.reshape((-4, 1, 2, -2)).shape == (1, 2, 3, 4)
    assert x.reshape((-1, 0), reverse=True).shape == (6, 4)
    raises(lambda: x.reshape(5, 5), 'reshape')


def test_conversions_and_copies():
    x = mx.nd.array([1.7, -2.2])
    assert x.astype('int32').tolist() == [1, -2]
    c = x.copy()
    c[:] = 0
    assert x.tolist() == [1.7000000476837158, -2.200000047683716]
    y = mx.nd.zeros(2)
    assert x.copyto(y) is y and y.tolist() == x.tolist()
    assert x.as_in_context(mx.cpu()) is x
    assert x.copyto(mx.cpu()).tolist() == x.tolist()
    x.wait_to_read()
    mx.nd.waitall()
    raises(lambda: x.asnumpy(), 'tolist()')


def test_fluent_methods_and_reductions():
    x = mx.nd.array([[1, 5], [3, 2]])
    assert x.sum().tolist() == [11] and x.sum(axis=0).tolist() == [4, 7]
    assert x.mean(axis=1).tolist() == [3, 2.5]
    assert x.max().tolist() == [5] and x.min(axis=1).tolist() == [1, 2]
    assert x.argmax(axis=1).tolist() == [1, 0]
    assert_almost_equal(x.exp().log(), x, rtol=1e-6)
    assert x.transpose().tolist() == [[1, 3], [5, 2]]
    assert x.flatten().shape == (2, 2) and x.expand_dims(axis=0).shape == (1, 2, 2)
    assert x.clip(2, 4).tolist() == [[2, 4], [3, 2]]
    assert x.square().tolist() == [[1, 25], [9, 4]]
    assert_almost_equal(x.softmax(axis=1), [[0.01798621, 0.98201379], [0.73105858, 0.26894142]], rtol=1e-5)
    assert x.one_hot(6).shape == (2, 2, 6)
    assert x.topk(k=1).tolist() == [[1], [0]]
    assert len(list(x)) == 2 and len(x) == 2


def test_generated_operators_follow_mxnet_calling_convention():
    x = mx.nd.array([[1, -2], [3, -4]])
    w = mx.nd.array([[1, 0], [0, 1], [1, 1]])
    b = mx.nd.array([0, 0, 10])
    assert mx.nd.FullyConnected(x, w, b, num_hidden=3).tolist() == [[1, -2, 9], [3, -4, 9]]
    assert mx.nd.FullyConnected(data=x, weight=w, num_hidden=3, no_bias=True).tolist() == [[1, -2, -1], [3, -4, -1]]
    assert mx.nd.Activation(x, act_type='relu').tolist() == [[1, 0], [3, 0]]
    assert mx.nd.sum(x, 1).tolist() == [-1, -1]  # parameters positionally after the inputs
    assert mx.nd.sum(x, axis=(0, 1), keepdims=True).shape == (1, 1)
    assert mx.nd.op.relu(x).tolist() == [[1, 0], [3, 0]]
    assert mx.nd._internal._plus_scalar(x, scalar=1).tolist() == [[2, -1], [4, -3]]
    out = mx.nd.zeros((2, 2))
    r = mx.nd.relu(x, out=out, name='ignored')
    assert r is out and out.tolist() == [[1, 0], [3, 0]]
    parts = mx.nd.split(x, num_outputs=2, axis=1)
    assert isinstance(parts, list) and parts[1].tolist() == [[-2], [-4]]
    assert mx.nd.Reshape(x, shape=(-1,)).shape == (4,)
    assert mx.nd.cast(x, dtype='int32').tolist() == [[1, -2], [3, -4]]
    assert 'relu' in dir(mx.nd) and 'FullyConnected' in dir(mx.nd.op)
    assert 'num_hidden' in mx.nd.FullyConnected.__doc__
    raises(lambda: mx.nd.no_such_operator, 'no_such_operator', error=AttributeError)


def test_random_sampling_and_seed():
    mx.random.seed(42)
    a = mx.nd.random.uniform(0, 1, shape=(3,))
    mx.random.seed(42)
    b = mx.nd.random.uniform(0, 1, shape=(3,))
    assert a.tolist() == b.tolist()
    assert all(0 <= v < 1 for v in a.tolist())
    n = mx.nd.random.normal(loc=5, scale=0.001, shape=(2, 2))
    assert n.shape == (2, 2) and all(abs(v - 5) < 0.1 for r in n.tolist() for v in r)
    per = mx.nd.random.uniform(mx.nd.array([0, 10]), mx.nd.array([1, 11]), shape=2)
    assert per.shape == (2, 2) and all(10 <= v < 11 for v in per[1].tolist())
    r = mx.nd.random.randint(0, 3, shape=(4,))
    assert dtype_name(r) == 'int32' and all(v in (0, 1, 2) for v in r.tolist())
    assert mx.nd.random.randn(2, 3).shape == (2, 3)


def test_save_and_load_params_files():
    d = tempfile.mkdtemp()
    f = os.path.join(d, 'x.params')
    a = mx.nd.array([[1, 2], [3, 4]])
    b = mx.nd.arange(3, dtype='int32')
    mx.nd.save(f, {'arg:a': a, 'aux:b': b})
    got = mx.nd.load(f)
    assert sorted(got) == ['arg:a', 'aux:b']
    assert got['arg:a'].tolist() == a.tolist() and got['aux:b'].tolist() == [0, 1, 2]
    mx.nd.save(f, [a, b])
    lst = mx.nd.load(f)
    assert isinstance(lst, list) and lst[1].tolist() == [0, 1, 2]
    mx.nd.save(f, a)
    assert mx.nd.load(f)[0].tolist() == a.tolist()
