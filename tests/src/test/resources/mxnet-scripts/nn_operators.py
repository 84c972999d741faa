"""Neural-network operators of mx.nd on fixed inputs (forward values, shapes, modes)."""
import mxnet as mx
from mxnet import nd

x = nd.arange(32).reshape((1, 2, 4, 4)) / 10
w = nd.arange(36).reshape((2, 2, 3, 3)) / 100 - 0.1
b = nd.array([0.5, -0.5])
print(nd.Convolution(x, w, b, kernel=(3, 3), num_filter=2))
print(nd.Convolution(x, w, b, kernel=(3, 3), num_filter=2, pad=(1, 1), stride=(2, 2)))
print(nd.Convolution(x, w, kernel=(3, 3), num_filter=2, no_bias=True, dilate=(1, 1)).shape)
print(nd.Deconvolution(x, nd.ones((2, 1, 2, 2)), kernel=(2, 2), num_filter=1, stride=(2, 2), no_bias=True).shape)
print(nd.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type='max'))
print(nd.Pooling(x, kernel=(3, 3), stride=(2, 2), pool_type='avg', pooling_convention='full'))
print(nd.Pooling(x, kernel=(1, 1), global_pool=True, pool_type='avg'))
print(nd.Pooling(x, kernel=(2, 2), pool_type='sum', stride=(1, 1)).shape)

d = nd.array([[-2.0, -0.5, 0.0, 0.5, 2.0]])
for act in ('relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'):
    print(act, nd.Activation(d, act_type=act))
print(nd.LeakyReLU(d, act_type='leaky', slope=0.1))
print(nd.LeakyReLU(d, act_type='elu', slope=1.0))
print(nd.LeakyReLU(d, act_type='selu'))
print(nd.LeakyReLU(d, act_type='gelu'))

s = nd.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
print(nd.softmax(s))
print(nd.softmax(s, axis=0))
print(nd.softmax(s, temperature=2.0))
print(nd.log_softmax(s))
print(nd.softmin(s))
print(nd.SoftmaxActivation(s))
print(nd.SoftmaxOutput(s, nd.array([2, 0])))
print(nd.softmax_cross_entropy(s, nd.array([2, 0])))

fcx = nd.arange(12).reshape((2, 2, 3)) / 10
fcw = nd.arange(24).reshape((4, 6)) / 100
print(nd.FullyConnected(fcx, fcw, nd.zeros((4,)), num_hidden=4))
print(nd.FullyConnected(fcx, nd.ones((4, 3)), num_hidden=4, no_bias=True, flatten=False).shape)

bx = nd.array([[[[1.0, 2.0], [3.0, 4.0]], [[-1.0, 0.0], [1.0, 2.0]]]])
gamma, beta = nd.array([1.0, 2.0]), nd.array([0.0, 0.5])
mean, var = nd.array([2.5, 0.5]), nd.array([1.25, 1.25])
print(nd.BatchNorm(bx, gamma, beta, mean, var, use_global_stats=True))
# a fresh gamma: MXNet 1.9.1's oneDNN BatchNorm writes ones into gamma when fix_gamma=True (above)
print(nd.BatchNorm(bx, nd.array([1.0, 2.0]), beta, mean, var, fix_gamma=False, use_global_stats=True, eps=1e-3))
print(nd.LayerNorm(bx, nd.ones((2,)), nd.zeros((2,)), axis=-1))
print(nd.InstanceNorm(bx, nd.ones((2,)), nd.zeros((2,))))
print(nd.L2Normalization(nd.array([[3.0, 4.0], [1.0, 0.0]])))
print(nd.Dropout(d, p=0.5))
print(nd.Embedding(nd.array([0, 2]), nd.arange(9).reshape((3, 3)), input_dim=3, output_dim=3))
print(nd.UpSampling(nd.array([[[[1.0, 2.0], [3.0, 4.0]]]]), scale=2, sample_type='nearest'))
seq = nd.arange(12).reshape((3, 2, 2))
print(nd.SequenceMask(seq, nd.array([1, 3]), use_sequence_length=True, value=-1))
print(nd.SequenceLast(seq, nd.array([1, 3]), use_sequence_length=True))
print(nd.SequenceReverse(seq, nd.array([2, 3]), use_sequence_length=True))
print(nd.smooth_l1(nd.array([-2.0, -0.5, 0.5, 2.0]), scalar=1.0))
print(nd.LinearRegressionOutput(nd.array([1.0, 2.0]), nd.array([0.0, 0.0])))
print(nd.LogisticRegressionOutput(nd.array([0.0, 1.0]), nd.array([0.0, 1.0])))
print(nd.MakeLoss(nd.array([1.0, 2.0])), nd.BlockGrad(nd.array([3.0])))
print(nd.ROIPooling(nd.arange(16).reshape((1, 1, 4, 4)), nd.array([[0, 0, 0, 3, 3]]), pooled_size=(2, 2), spatial_scale=1.0))
print(nd.GridGenerator(nd.array([[1, 0, 0, 0, 1, 0]]), transform_type='affine', target_shape=(2, 2)))
