"""mx.sym, the Executor and mx.mod.Module as MXNet 1.x scripts use them: build an MLP, infer
shapes, train with Module.fit on deterministic data, score, predict, checkpoint and reload."""
import math
import os
import tempfile
import mxnet as mx
from mxnet import nd

data = mx.sym.Variable('data')
fc1 = mx.sym.FullyConnected(data, num_hidden=16, name='fc1')
act = mx.sym.Activation(fc1, act_type='relu', name='relu1')
fc2 = mx.sym.FullyConnected(act, num_hidden=3, name='fc2')
net = mx.sym.SoftmaxOutput(fc2, name='softmax')
print(net.list_arguments())
print(net.list_outputs())
arg_shapes, out_shapes, aux_shapes = net.infer_shape(data=(16, 8))
print(arg_shapes, out_shapes, aux_shapes)
print(net.get_internals().list_outputs())
net2 = mx.sym.load_json(net.tojson())
print(net2.list_arguments() == net.list_arguments())

# a small expression graph bound by hand
a = mx.sym.Variable('a')
b = mx.sym.Variable('b')
c = 2 * a + b * b
ex = c.bind(mx.cpu(), {'a': nd.array([1, 2]), 'b': nd.array([3, 4])}, args_grad={'a': nd.zeros((2,)), 'b': nd.zeros((2,))})
ex.forward(is_train=True)
print(ex.outputs[0])
ex.backward(nd.array([1, 1]))
print(ex.grad_dict['a'], ex.grad_dict['b'])

n, d = 96, 8
rows = [[math.sin(0.37 * i + 0.11 * j) for j in range(d)] for i in range(n)]
labels = [int((sum(r[:3]) - sum(r[3:6])) > 0) + int(r[7] > 0.5) for r in rows]
train = mx.io.NDArrayIter(nd.array(rows), nd.array(labels), batch_size=16, shuffle=False, label_name='softmax_label')
arg_params = {
    'fc1_weight': nd.array([[math.cos(0.5 * i + 0.3 * j) * 0.3 for j in range(d)] for i in range(16)]),
    'fc1_bias': nd.zeros((16,)),
    'fc2_weight': nd.array([[math.sin(0.7 * i - 0.2 * j) * 0.3 for j in range(16)] for i in range(3)]),
    'fc2_bias': nd.zeros((3,)),
}
mod = mx.mod.Module(net, context=mx.cpu())
mod.fit(train, num_epoch=5, arg_params=arg_params, optimizer='sgd',
        optimizer_params={'learning_rate': 0.5, 'momentum': 0.9}, eval_metric='acc')
for name, value in mod.score(train, ['acc', 'ce']):
    print(name, round(float(value), 4))
print(mod.predict(train).shape)
print(nd.argmax(mod.predict(train)[:8], axis=1))

prefix = os.path.join(tempfile.mkdtemp(), 'mlp')
mod.save_checkpoint(prefix, 5)
print(sorted(os.listdir(os.path.dirname(prefix))))
sym, args, auxs = mx.model.load_checkpoint(prefix, 5)
print(sym.list_arguments() == net.list_arguments(), sorted(args.keys()), auxs)
mod2 = mx.mod.Module.load(prefix, 5)
mod2.bind(data_shapes=train.provide_data, label_shapes=train.provide_label, for_training=False)
for name, value in mod2.score(train, 'acc'):
    print(name, round(float(value), 4))
