"""Train a 784-512-256-10 perceptron on Fashion-MNIST, MXNet 1.x style: mx.io.MNISTIter for the
data, mx.nd operators with mx.autograd for the model, mx.optimizer for the updates, mx.metric for
the accuracy. Runs unchanged on mxj (`./mxj run examples/python/fashion_mnist_mlp.py`) and on
Apache MXNet 1.9 (`python3 fashion_mnist_mlp.py`).

The idx files come from --data (default: /usr/share/datasets/fashion-mnist, Debian's
dataset-fashion-mnist package); gzipped files are unpacked once into a cache directory because
MXNet's MNISTIter reads plain idx files."""
import argparse
import gzip
import os
import shutil
import tempfile
import time

import mxnet as mx
from mxnet import autograd, nd

FILES = ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte')


def idx_files(data_dir):
    """Paths of the four idx files, unpacking .gz copies into a cache directory when needed."""
    cache = os.path.join(tempfile.gettempdir(), 'fashion-mnist-idx')
    paths = []
    for name in FILES:
        plain = os.path.join(data_dir, name)
        packed = plain + '.gz'
        cached = os.path.join(cache, name)
        if os.path.exists(plain):
            paths.append(plain)
        elif os.path.exists(cached):
            paths.append(cached)
        elif os.path.exists(packed):
            os.makedirs(cache, exist_ok=True)
            try:
                with gzip.open(packed, 'rb') as src, open(cached, 'wb') as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            except BaseException:
                if os.path.exists(cached):
                    os.remove(cached)  # never leave a truncated file behind
                raise
            paths.append(cached)
        else:
            raise SystemExit('fashion_mnist_mlp: %s(.gz) not found in %s (use --data DIR)' % (name, data_dir))
    return paths


def build_params(sizes, ctx):
    """Weights (out, in) and biases of each dense layer, Xavier-initialised, with gradients attached."""
    init = mx.init.Xavier(magnitude=2.0)
    params = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        w = nd.zeros((n_out, n_in), ctx=ctx)
        b = nd.zeros((n_out,), ctx=ctx)
        init('fc%d_weight' % i, w)
        init('fc%d_bias' % i, b)
        params += [w, b]
    for p in params:
        p.attach_grad()
    return params


def forward(x, params):
    n_layers = len(params) // 2
    for i in range(n_layers):
        w, b = params[2 * i], params[2 * i + 1]
        x = nd.FullyConnected(x, w, b, num_hidden=w.shape[0])
        if i < n_layers - 1:
            x = nd.relu(x)
    return x


def evaluate(data_iter, params):
    metric = mx.metric.Accuracy()
    data_iter.reset()
    for batch in data_iter:
        out = forward(batch.data[0], params)
        n = out.shape[0] - batch.pad
        metric.update([batch.label[0][:n]], [out[:n]])
    return metric.get()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data', default='/usr/share/datasets/fashion-mnist')
    parser.add_argument('--epochs', type=int, default=10)
    parser.add_argument('--batch-size', type=int, default=128)
    parser.add_argument('--lr', type=float, default=0.001)
    parser.add_argument('--seed', type=int, default=42)
    parser.add_argument('--max-batches', type=int, default=0, help='stop each epoch after this many batches (0: all)')
    args = parser.parse_args()

    mx.random.seed(args.seed)
    ctx = mx.cpu()
    train_img, train_lbl, test_img, test_lbl = idx_files(args.data)
    train = mx.io.MNISTIter(image=train_img, label=train_lbl, batch_size=args.batch_size, flat=True,
                            shuffle=True, seed=args.seed)
    test = mx.io.MNISTIter(image=test_img, label=test_lbl, batch_size=args.batch_size, flat=True, shuffle=False)

    params = build_params([784, 512, 256, 10], ctx)
    optimizer = mx.optimizer.create('adam', learning_rate=args.lr, rescale_grad=1.0 / args.batch_size)
    updater = mx.optimizer.get_updater(optimizer)
    metric = mx.metric.Accuracy()

    for epoch in range(1, args.epochs + 1):
        train.reset()
        metric.reset()
        total_loss, samples, start = 0.0, 0, time.time()
        for i, batch in enumerate(train):
            if args.max_batches and i == args.max_batches:
                break
            data, label = batch.data[0], batch.label[0]
            with autograd.record():
                out = forward(data, params)
                loss = -nd.pick(nd.log_softmax(out), label)
            loss.backward()
            updater(list(range(len(params))), [p.grad for p in params], params)
            metric.update([label], [out])
            total_loss += loss.sum().asscalar()
            samples += data.shape[0]
        elapsed = time.time() - start
        test_acc = evaluate(test, params)
        print('epoch %d: loss %.4f, train accuracy %.4f, test accuracy %.4f, %.0f samples/s'
              % (epoch, total_loss / samples, metric.get()[1], test_acc, samples / elapsed), flush=True)


if __name__ == '__main__':
    main()
