"""NDArray basics as MXNet 1.x tutorials use them: creation, arithmetic, indexing, reductions."""
import mxnet as mx
from mxnet import nd

a = nd.array([[1, 2, 3], [4, 5, 6]])
print(a)
print(a.shape, a.size, a.ndim, a.context)
print(nd.zeros((2, 3)))
print(nd.ones((2, 2), dtype='int32'))
print(nd.full((2, 2), 7.5))
print(nd.arange(0, 10, 3))
print(nd.arange(5, dtype='float64'))

# arithmetic, reflected and in-place forms, comparison
b = nd.array([[10, 20, 30], [40, 50, 60]])
print(a + b)
print(a - 1)
print(1 - a)
print(a * b)
print(2 / a)
print(a / 2)
print(a ** 2)
print(2 ** a)
print(-a)
print(abs(nd.array([-1.5, 2])))
print(a == 2)
print(a > 3)
print(a <= b / 10)
print(a != 5)
c = a.copy()
c += 1
c *= 2
c -= 3
c /= 2
print(c)

# broadcasting
print(a + nd.array([100, 200, 300]))
print(nd.broadcast_add(a, nd.array([[1], [2]])))
print(a.broadcast_to((2, 2, 3)).shape)

# indexing and slicing
x = nd.arange(12).reshape((3, 4))
print(x[1])
print(x[1, 2])
print(x[-1])
print(x[1:3])
print(x[:, 1])
print(x[:, 1:3])
print(x[::2])
print(x[1:, ::2])
print(x[nd.array([0, 2])])
x[0] = 100
x[1, 1] = -1
x[2, :] = nd.array([7, 8, 9, 10])
x[:, 3] = 0.5
print(x)
y = nd.zeros((2, 3))
y[:] = 4
print(y)
y[1:] = nd.array([[1, 2, 3]])
print(y)

# shape manipulation
z = nd.arange(24).reshape((2, 3, 4))
print(z.reshape((0, -1)).shape, z.reshape((-3, -1)).shape, z.reshape((0, -4, 1, -1, 0)).shape, z.reshape((-1,)).shape)
print(z.reshape(4, 6).shape)
print(nd.arange(6).reshape((2, 3)).T)
print(nd.transpose(z, axes=(2, 0, 1)).shape)
print(nd.expand_dims(a, axis=0).shape, a.expand_dims(axis=2).shape)
print(nd.flatten(z).shape)
print(nd.concat(a, b, dim=0))
print(nd.concat(a, b, dim=1).shape)
print(nd.stack(a, b, axis=1))
parts = nd.split(nd.arange(12).reshape((2, 6)), num_outputs=3, axis=1)
print(len(parts), parts[1])
print(nd.tile(nd.array([1, 2]), reps=(2, 2)))
print(nd.repeat(nd.array([1, 2]), repeats=2))
print(nd.flip(nd.arange(4), axis=0))
print(a.squeeze().shape, nd.ones((1, 3, 1)).squeeze().shape)

# reductions
print(a.sum(), a.sum(axis=0), a.sum(axis=1, keepdims=True))
print(a.mean(), a.max(axis=1), a.min(), a.prod(axis=0))
print(nd.argmax(a, axis=1), a.argmin(axis=0))
print(nd.norm(nd.array([3, 4])))
print(a.sum().asscalar(), nd.array([2.5]).asscalar())

# element-wise math
v = nd.array([0.25, 1, 4])
print(nd.sqrt(v), nd.exp(nd.array([0, 1])), nd.log(v), nd.square(v))
print(nd.clip(nd.array([-2, 0.5, 3]), -1, 1))
print(nd.relu(nd.array([-1, 2])), nd.sigmoid(nd.array([0])), nd.tanh(nd.array([0, 1])))
print(nd.round(nd.array([1.4, 2.6, -0.5])), nd.floor(nd.array([1.7, -1.2])), nd.ceil(nd.array([1.2])))
print(nd.maximum(a, 3), nd.minimum(a, nd.array([[2, 2, 2], [9, 9, 9]])))
print(nd.where(a > 3, a, nd.zeros_like(a)))

# linear algebra
m = nd.array([[1, 2], [3, 4]])
print(nd.dot(m, m))
print(nd.dot(m, m, transpose_b=True))
print(nd.batch_dot(nd.ones((2, 2, 3)), nd.ones((2, 3, 1))))

# conversion
print(a.astype('int32'))
d = nd.zeros((2, 3))
a.copyto(d)
print(d)
print(a.as_in_context(mx.cpu()).context)
print(nd.ones_like(a), nd.zeros_like(a).shape)
print(nd.one_hot(nd.array([1, 0, 2]), 3))
print(nd.topk(nd.array([[3, 1, 2], [0, 5, 4]]), k=2))
print(nd.sort(nd.array([3, 1, 2])), nd.argsort(nd.array([3, 1, 2])))
print(nd.pick(a, nd.array([0, 2]), axis=1))
print(nd.take(nd.array([10, 20, 30]), nd.array([2, 0])))
print(nd.slice_axis(x, axis=1, begin=1, end=3))
print(nd.slice(x, begin=(0, 1), end=(2, 3)))
