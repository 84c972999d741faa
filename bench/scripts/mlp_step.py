"""MLP training step from Python: 784-512-256-10 ReLU perceptron, batch 128, autograd + SGD
(momentum 0.9), synthetic data; prints samples/s after warm-up (median of rounds). Runs on mxj
(`./mxj run bench/scripts/mlp_step.py`) and on Apache MXNet 1.9 for comparison."""
import argparse
import time

import mxnet as mx
from mxnet import autograd, nd


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--batch-size', type=int, default=128)
    parser.add_argument('--warmup', type=int, default=200, help='steps before timing')
    parser.add_argument('--steps', type=int, default=50, help='steps per timed round')
    parser.add_argument('--rounds', type=int, default=5)
    args = parser.parse_args()
    mx.random.seed(0)
    sizes = [784, 512, 256, 10]
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        params += [nd.random.normal(0, 0.05, shape=(n_out, n_in)), nd.zeros((n_out,))]
    for p in params:
        p.attach_grad()
    updater = mx.optimizer.get_updater(mx.optimizer.SGD(learning_rate=0.05, momentum=0.9, rescale_grad=1.0 / args.batch_size))
    x = nd.random.uniform(shape=(args.batch_size, 784))
    y = nd.array([i % 10 for i in range(args.batch_size)])
    indices = list(range(len(params)))

    def step():
        with autograd.record():
            h = x
            for i in range(0, len(params), 2):
                h = nd.FullyConnected(h, params[i], params[i + 1], num_hidden=params[i].shape[0])
                if i + 2 < len(params):
                    h = nd.relu(h)
            loss = nd.softmax_cross_entropy(h, y)
        loss.backward()
        updater(indices, [p.grad for p in params], params)

    for _ in range(args.warmup):
        step()
    nd.waitall()
    rates = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for _ in range(args.steps):
            step()
        nd.waitall()
        rates.append(args.steps * args.batch_size / (time.perf_counter() - start))
    rates.sort()
    print('MLP 784-512-256-10 step, batch %d, autograd + SGD: %.0f samples/s (%.2f ms/step; median of %d rounds of %d steps, best %.0f)'
          % (args.batch_size, rates[len(rates) // 2], args.batch_size / rates[len(rates) // 2] * 1e3, args.rounds, args.steps, rates[-1]))


if __name__ == '__main__':
    main()
