"""Per-operation overhead from Python: `x + 1` on a one-element array, 20,000 iterations per round
after warm-up rounds, in microseconds per operation (median of the rounds): wall time, and the CPU
time of the script's thread (tiny operations run inline on it), which a loaded machine inflates far
less. Runs on mxj (`./mxj run bench/scripts/op_overhead.py`) and on Apache MXNet 1.9 for comparison."""
import argparse
import time

import mxnet as mx


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--iterations', type=int, default=20000)
    parser.add_argument('--warmup-rounds', type=int, default=30)
    parser.add_argument('--rounds', type=int, default=10)
    args = parser.parse_args()
    x = mx.nd.ones((1,))

    def run(n):
        y = x
        start, cpu = time.perf_counter(), time.thread_time()
        for _ in range(n):
            y = x + 1
        y.wait_to_read()
        return (time.perf_counter() - start) / n * 1e6, (time.thread_time() - cpu) / n * 1e6

    for i in range(args.warmup_rounds):
        run(args.iterations)
    rounds = [run(args.iterations) for _ in range(args.rounds)]
    wall = sorted(r[0] for r in rounds)
    cpu = sorted(r[1] for r in rounds)
    print('x + 1 on a 1-element array: %.2f us/op wall, %.2f us/op thread CPU (medians of %d rounds of %d; '
          'wall best %.2f, worst %.2f; %d warm-up rounds)'
          % (wall[len(wall) // 2], cpu[len(cpu) // 2], args.rounds, args.iterations, wall[0], wall[-1], args.warmup_rounds))


if __name__ == '__main__':
    main()
