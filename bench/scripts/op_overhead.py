"""Per-operation overhead from Python: `x + 1` on a one-element array, 20,000 iterations after
warm-up, in microseconds per operation (median of several rounds). Runs on mxj (`./mxj run
bench/scripts/op_overhead.py`) and on Apache MXNet 1.9 for comparison."""
import argparse
import time

import mxnet as mx


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--iterations', type=int, default=20000)
    parser.add_argument('--warmup-rounds', type=int, default=10)
    parser.add_argument('--rounds', type=int, default=5)
    args = parser.parse_args()
    x = mx.nd.ones((1,))

    def run(n):
        y = x
        start = time.perf_counter()
        for _ in range(n):
            y = x + 1
        y.wait_to_read()
        return (time.perf_counter() - start) / n * 1e6

    for i in range(args.warmup_rounds):
        run(args.iterations)
    rounds = sorted(run(args.iterations) for _ in range(args.rounds))
    print('x + 1 on a 1-element array: %.2f us/op (median of %d rounds of %d; best %.2f, worst %.2f)'
          % (rounds[len(rounds) // 2], args.rounds, args.iterations, rounds[0], rounds[-1]))


if __name__ == '__main__':
    main()
