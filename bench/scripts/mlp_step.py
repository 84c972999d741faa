"""MLP training step from Python: 784-512-256-10 ReLU perceptron, batch 128, autograd + plain SGD,
softmax cross-entropy, synchronised at the end of each step, on fixed random data. The same step
as the Java figure (`dev.mxj.bench.Figures --only training`) and bench/scripts/mlp_step.js: 400
warm-up steps, then samples/s from the median of 41 step times (one loop for both), and the process
CPU time per step (all threads: kernels, and compilation while it lasts), which a loaded machine
inflates less than wall time. Runs on mxj (`./mxj run bench/scripts/mlp_step.py`) and on Apache MXNet 1.9."""
import argparse
import time

import mxnet as mx
from mxnet import autograd, nd


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


def make_step(batch):
    """The training step on fixed random data (seed 1): a function running one synchronised step
    and returning its loss. bench/frontend-steps runs it beside the Java and JavaScript steps."""
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

    return step


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--batch-size', type=int, default=128)
    parser.add_argument('--warmup', type=int, default=400, help='steps before timing')
    parser.add_argument('--steps', type=int, default=41, help='timed steps')
    parser.add_argument('--threads', action='store_true', help='also print the CPU per kind of thread (script, compilers, GC, other)')
    args = parser.parse_args()
    batch = args.batch_size
    step = make_step(batch)

    # One loop for the warm-up and the timed steps, with the same branches taken throughout: a
    # second loop, or a branch first taken when timing starts, is new code that Truffle and C1/C2
    # compile (and a compiled loop they throw away) while the steps are being timed. CPU is sampled
    # every 100 steps for the same reason, and the timed window's CPU runs from the first sample
    # at or after the warm-up.
    total = args.warmup + args.steps
    times = [0.0] * total
    every = 100
    samples = {}
    for n in range(total):
        if n % every == 0:
            samples[n] = thread_cpu()
        t = time.perf_counter()
        loss = step()
        times[n] = time.perf_counter() - t
    end = thread_cpu()
    warm = sum(times[:args.warmup])
    timed = sorted(times[args.warmup:])
    median = timed[len(timed) // 2]
    first = -(-args.warmup // every) * every
    window = None if end is None or first >= total else {k: end[k] - samples[first].get(k, 0) for k in end}
    cpu = '' if window is None else '; process CPU %.2f ms/step' % (sum(window.values()) / (total - first) * 1e3)
    print('MLP 784-512-256-10 training step (SGD), batch %d: %.0f samples/s (median %.2f ms/step of %d, min %.2f, max %.2f%s; '
          '%d warm-up steps in %.1f s; loss %.3f)'
          % (batch, batch / median, median * 1e3, args.steps, timed[0] * 1e3, timed[-1] * 1e3, cpu, args.warmup, warm,
             loss.asscalar()))
    if args.threads and window is not None:
        # whatever still compiles then competes with the step for the cores
        print('CPU by thread from step %d on, per step: %s' % (first, breakdown(window, 1e3 / (total - first), ' ms')))
        print('CPU seconds by thread since start: %s' % breakdown(end, 1, ''))


if __name__ == '__main__':
    main()
