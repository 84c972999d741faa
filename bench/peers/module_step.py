"""Module training step (MLP 784-512-256-10 and LeNet-5, batch 128, SGD) as an MXNet 1.x script.

The same file runs on real MXNet 1.9.1 (`tools/real-mxnet.sh MXNET_CLONE bench/peers/module_step.py`)
and on mxj (`./mxj run bench/peers/module_step.py`), so the two Module steps can be compared in one
sitting. Prints samples/s per network: the median of timed rounds after warm-up steps.
"""
import argparse
import time

import mxnet as mx


def mlp():
    x = mx.sym.var('data')
    x = mx.sym.Activation(mx.sym.FullyConnected(x, num_hidden=512, name='fc1'), act_type='relu')
    x = mx.sym.Activation(mx.sym.FullyConnected(x, num_hidden=256, name='fc2'), act_type='relu')
    return mx.sym.SoftmaxOutput(mx.sym.FullyConnected(x, num_hidden=10, name='fc3'), name='softmax'), (128, 784)


def lenet():
    x = mx.sym.var('data')
    x = mx.sym.Convolution(x, kernel=(5, 5), num_filter=20, name='conv1')
    x = mx.sym.Pooling(mx.sym.Activation(x, act_type='relu'), pool_type='max', kernel=(2, 2), stride=(2, 2))
    x = mx.sym.Convolution(x, kernel=(5, 5), num_filter=50, name='conv2')
    x = mx.sym.Pooling(mx.sym.Activation(x, act_type='relu'), pool_type='max', kernel=(2, 2), stride=(2, 2))
    x = mx.sym.Activation(mx.sym.FullyConnected(mx.sym.flatten(x), num_hidden=500, name='fc1'), act_type='relu')
    return mx.sym.SoftmaxOutput(mx.sym.FullyConnected(x, num_hidden=10, name='fc2'), name='softmax'), (128, 1, 28, 28)


def measure(name, net, warmup, steps, rounds):
    sym, shape = net()
    mod = mx.mod.Module(sym, data_names=['data'], label_names=['softmax_label'], context=mx.cpu())
    mod.bind(data_shapes=[('data', shape)], label_shapes=[('softmax_label', (shape[0],))])
    mod.init_params(mx.init.Xavier())
    mod.init_optimizer(optimizer='sgd', optimizer_params={'learning_rate': 0.01})
    batch = mx.io.DataBatch(data=[mx.nd.random.uniform(shape=shape)],
                            label=[mx.nd.array([i % 10 for i in range(shape[0])])])

    def step():
        mod.forward(batch, is_train=True)
        mod.backward()
        mod.update()

    for _ in range(warmup):
        step()
    mx.nd.waitall()
    rates = []
    for _ in range(rounds):
        t = time.time()
        for _ in range(steps):
            step()
        mod.get_outputs()[0].wait_to_read()
        mx.nd.waitall()
        rates.append(steps * shape[0] / (time.time() - t))
    rates.sort()
    print('%s Module step, batch %d: %.0f samples/s (median of %d rounds of %d steps)'
          % (name, shape[0], rates[len(rates) // 2], rounds, steps))


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--warmup', type=int, default=200)
    p.add_argument('--steps', type=int, default=20)
    p.add_argument('--rounds', type=int, default=9)
    a = p.parse_args()
    measure('MLP 784-512-256-10', mlp, a.warmup, a.steps, a.rounds)
    measure('LeNet-5', lenet, max(20, a.warmup // 4), max(5, a.steps // 4), a.rounds)
