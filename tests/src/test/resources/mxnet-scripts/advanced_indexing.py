"""NDArray indexing with index arrays mixed with slices and integers (MXNet 1.9's advanced
indexing): reading with x[...] and writing with x[...] = value."""
import mxnet as mx
from mxnet import nd

x = nd.arange(24).reshape((2, 3, 4))
print(x[1:2, [0, 2]])                   # slice before an array: the slice keeps its axis
print(x[:, [0, 2], 1])                  # array and int adjacent: the block stays in place
print(x[[1, 0], :, [3, 0]])             # arrays apart: the block goes first
print(x[:, :, [1, 2]])                  # pick channels
print(x[::-1, nd.array([2, 0]), 1:3])   # reversed slice, NDArray index, ranged slice
print(x[:, [[0], [2]], [1, 3]])         # index arrays broadcast together
print(x[[0, 1, 1]])                     # array on the leading axis only
print(x[:, None, [1]])                  # a new axis next to an array index
print(x[[1], None])

y = x.copy()
y[:, :, [1, 2]] = 0
print(y)
y = x.copy()
y[1:2, [0, 2]] = nd.array([7, 8, 9, 10])
print(y)
y = x.copy()
y[[1, 0], :, [3, 0]] = nd.array([[1, 2, 3], [4, 5, 6]])
print(y)
y = x.copy()
y[:, [0, 2], 1] = nd.array([[-1], [-2]])
print(y)
