"""Bad calls raise mxnet.base.MXNetError and leave the arrays usable."""
import mxnet as mx
from mxnet import nd
from mxnet.base import MXNetError

a = nd.ones((2, 3))
b = nd.ones((4, 5))

def expect_error(label, fn):
    try:
        fn()
    except MXNetError:
        print(label, 'MXNetError')
    else:
        print(label, 'no error')

expect_error('elemwise shapes', lambda: nd.elemwise_add(a, b).wait_to_read())
expect_error('broadcast shapes', lambda: (a + b).wait_to_read())
expect_error('dot shapes', lambda: nd.dot(a, a).wait_to_read())
expect_error('reshape size', lambda: a.reshape((4, 4)))
expect_error('unknown parameter', lambda: nd.Activation(a, act_type='relu', bogus=1))
expect_error('bad enum', lambda: nd.Activation(a, act_type='nope'))
expect_error('missing parameter', lambda: nd.FullyConnected(a, nd.ones((2, 3)), no_bias=True))
expect_error('missing file', lambda: nd.load('/nonexistent/file.params'))
expect_error('conv kernel', lambda: nd.Convolution(nd.ones((1, 1, 2, 2)), nd.ones((1, 1, 3, 3)), kernel=(3, 3), num_filter=1, no_bias=True).wait_to_read())
print(issubclass(MXNetError, Exception), MXNetError is mx.base.MXNetError)
print(a.sum().asscalar(), b.shape)
