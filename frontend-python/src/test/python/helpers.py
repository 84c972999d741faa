"""Shared helpers of the Python test suite."""
import mxnet as mx


def raises(fn, *fragments, error=mx.base.MXNetError):
    """Call fn, expect `error` whose message contains every fragment; returns the message."""
    try:
        fn()
    except error as e:
        msg = str(e)
        for f in fragments:
            assert f in msg, 'expected %r in the message: %s' % (f, msg)
        return msg
    raise AssertionError('expected %s' % error.__name__)


def dtype_name(x):
    """'float32' whether .dtype is a numpy type (numpy importable) or MXNet's name (without numpy)."""
    return getattr(x.dtype, '__name__', x.dtype)
