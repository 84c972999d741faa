"""Errors from the runtime reach Python as MXNetError with a useful message, and leave the
arrays involved intact."""
import mxnet as mx
from mxnet.base import MXNetError
from helpers import raises


def test_error_type_is_mxnet_error():
    assert issubclass(MXNetError, Exception)
    assert mx.MXNetError is MXNetError


def test_bad_shapes():
    a = mx.nd.array([[1, 2], [3, 4]])
    b = mx.nd.ones((3, 3))
    raises(lambda: a + b, 'broadcast_add', '(2, 2)', '(3, 3)')
    raises(lambda: mx.nd.dot(a, b), 'dot')
    raises(lambda: mx.nd.FullyConnected(a, mx.nd.ones((4, 3)), mx.nd.ones(4), num_hidden=4), 'FullyConnected')
    assert a.tolist() == [[1, 2], [3, 4]] and b.tolist() == [[1] * 3] * 3


def test_unknown_and_invalid_parameters():
    a = mx.nd.array([1, -1])
    raises(lambda: mx.nd.relu(a, alpha=2), "relu", "unknown parameter 'alpha'")
    raises(lambda: mx.nd.Activation(a, act_type='nope'), 'act_type', 'nope')
    raises(lambda: mx.nd.FullyConnected(a, a), "num_hidden")
    raises(lambda: mx.nd.sum(a, axis='x'), 'axis')
    assert a.tolist() == [1, -1]


def test_inplace_failure_leaves_the_array_intact():
    a = mx.nd.array([1, 2])
    raises(lambda: a.__iadd__(mx.nd.ones(3)), 'broadcast_add')
    assert a.tolist() == [1, 2]
    raises(lambda: a.__setitem__(slice(None), mx.nd.ones(5)), error=ValueError)
    assert a.tolist() == [1, 2]


def test_missing_and_corrupt_files():
    raises(lambda: mx.nd.load('/no/such/dir/x.params'), '/no/such/dir/x.params')
    import tempfile, os
    f = os.path.join(tempfile.mkdtemp(), 'bad.params')
    with open(f, 'wb') as fh:
        fh.write(b'not an ndarray file at all')
    raises(lambda: mx.nd.load(f), 'bad.params')
    raises(lambda: mx.nd.save('/no/such/dir/y.params', [mx.nd.ones(1)]), '/no/such/dir')


def test_bad_input_values():
    raises(lambda: mx.nd.array([[1, 2], [3]]), 'ragged')
    raises(lambda: mx.nd.array(['a']), 'str')
    raises(lambda: mx.nd.zeros((2,), dtype='complex'), 'complex')
    raises(lambda: mx.nd.array([1]).asnumpy(), 'tolist()')
    raises(lambda: mx.Context('tpu'), 'tpu')
    raises(lambda: mx.nd.array([1, 2]).reshape(3), 'reshape')


def test_no_host_exception_escapes():
    try:
        mx.nd.ones((2, 2)) + mx.nd.ones((3,))
    except Exception as e:  # a plain `except Exception` must see it (host exceptions are not Exceptions)
        assert type(e) is MXNetError
        assert 'java' not in str(e).lower()
