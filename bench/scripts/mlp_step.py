"""MLP training step from Python: 784-512-256-10 ReLU perceptron, batch 128, autograd + plain SGD,
softmax cross-entropy, synchronised at the end of each step, on fixed random data. The same step
as the Java figure (`dev.mxj.bench.Figures --only training`) and bench/scripts/mlp_step.js: 400
warm-up steps, then samples/s from the median of 41 step times, and the process CPU time per step
(all threads: kernels, and compilation while it lasts), which a loaded machine inflates less than
wall time. Runs on mxj (`./mxj run bench/scripts/mlp_step.py`) and on Apache MXNet 1.9."""
import argparse
import time

import mxnet as mx
from mxnet import autograd, nd


def process_cpu():
    """CPU seconds of this process (all threads) on mxj under Linux; None elsewhere."""
    try:
        from mxnet.base import _bridge
        return sum(_bridge.cpuByThread().values())
    except (ImportError, AttributeError):
        return None


def thread_cpu():
    """CPU seconds per kind of thread (script, Truffle compiler, C1/C2, GC, other) on mxj under
    Linux; None elsewhere (real MXNet has no such call)."""
    try:
        from mxnet.base import _bridge
        return dict(_bridge.cpuByThread())
    except (ImportError, AttributeError):
        return None


def breakdown(m, scale, unit):
    return ', '.join('%s %.2f%s' % (k, m[k] * scale, unit) for k in sorted(m.keys(), key=lambda k: -m[k]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--batch-size', type=int, default=128)
    parser.add_argument('--warmup', type=int, default=400, help='steps before timing')
    parser.add_argument('--steps', type=int, default=41, help='timed steps')
    parser.add_argument('--threads', action='store_true', help='print CPU seconds per kind of thread at the end')
    args = parser.parse_args()
    batch = args.batch_size
    mx.random.seed(1)
    sizes = [784, 512, 256, 10]
    x = nd.random.uniform(0, 1, shape=(batch, 784))
    y = nd.random.randint(0, 10, shape=(batch,)).astype('float32')
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        params += [nd.random.uniform(-0.05, 0.05, shape=(n_out, n_in)), nd.random.uniform(-0.05, 0.05, shape=(n_out,))]
    for p in params:
        p.attach_grad()
    updater = mx.optimizer.get_updater(mx.optimizer.SGD(learning_rate=0.01, rescale_grad=1.0 / batch))

    def step():
        with autograd.record():
            h = x
            for i in range(0, len(params), 2):
                h = nd.FullyConnected(h, params[i], params[i + 1], num_hidden=sizes[i // 2 + 1])
                if i + 2 < len(params):
                    h = nd.Activation(h, act_type='relu')
            loss = nd.softmax_cross_entropy(h, y)
        loss.backward()
        for i, p in enumerate(params):
            updater(i, p.grad, p)
        nd.waitall()
        return loss

    start = time.perf_counter()
    for _ in range(args.warmup):
        step()
    warm = time.perf_counter() - start
    times = []
    threads0 = thread_cpu() if args.threads else None
    cpu0, wall0 = process_cpu(), time.perf_counter()
    for _ in range(args.steps):
        t = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - t)
    cpu1, wall1 = process_cpu(), time.perf_counter()
    times.sort()
    median = times[len(times) // 2]
    cpu = '' if cpu0 is None else '; process CPU %.2f ms/step' % ((cpu1 - cpu0) / args.steps * 1e3)
    print('MLP 784-512-256-10 training step (SGD), batch %d: %.0f samples/s (median %.2f ms/step of %d, min %.2f, max %.2f%s; '
          '%d warm-up steps in %.1f s; loss %.3f)'
          % (batch, batch / median, median * 1e3, args.steps, times[0] * 1e3, times[-1] * 1e3, cpu, args.warmup, warm,
             loss.asscalar()))
    if threads0 is not None:
        threads1 = thread_cpu()
        # the timed steps alone: whatever still compiles then competes with the step for the cores
        timed = {k: threads1[k] - threads0.get(k, 0) for k in threads1}
        print('CPU by thread during the timed steps, per step: %s' % breakdown(timed, 1e3 / args.steps, ' ms'))
        print('CPU seconds by thread since start: %s' % breakdown(threads1, 1, ''))


if __name__ == '__main__':
    main()
