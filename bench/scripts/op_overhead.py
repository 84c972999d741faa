"""Per-operation overhead from Python: `x + 1` on a one-element array, 20,000 iterations per round
after warm-up (at least 30 rounds and 20 seconds: the JIT compilers, which on two cores compete with
the loop, are done by then), in microseconds per operation (median of the rounds): wall time; the CPU time
of the script's thread (tiny operations run inline on it), which a loaded machine inflates far less;
and, as a mean over the rounds, the CPU time of the whole process, which adds what the other threads
spend on each operation (the garbage collector and the array cleaner freeing the temporaries,
compilers still at work).
Runs on mxj (`./mxj run bench/scripts/op_overhead.py`) and on Apache MXNet 1.9 for comparison."""
import argparse
import time

import mxnet as mx


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--iterations', type=int, default=20000)
    parser.add_argument('--warmup-rounds', type=int, default=30)
    parser.add_argument('--warmup-seconds', type=float, default=20)
    parser.add_argument('--rounds', type=int, default=20)
    args = parser.parse_args()
    x = mx.nd.ones((1,))

    def run(n):
        y = x
        start, cpu, process = time.perf_counter(), time.thread_time(), time.process_time()
        for _ in range(n):
            y = x + 1
        y.wait_to_read()
        return ((time.perf_counter() - start) / n * 1e6, (time.thread_time() - cpu) / n * 1e6,
                (time.process_time() - process) / n * 1e6)

    warmup_start, warmup_rounds = time.perf_counter(), 0
    while warmup_rounds < args.warmup_rounds or time.perf_counter() - warmup_start < args.warmup_seconds:
        run(args.iterations)
        warmup_rounds += 1
    warmup_seconds = time.perf_counter() - warmup_start
    rounds = [run(args.iterations) for _ in range(args.rounds)]
    wall = sorted(r[0] for r in rounds)
    cpu = sorted(r[1] for r in rounds)
    process = sum(r[2] for r in rounds) / len(rounds)   # a mean: the rounds with a collection count too
    print('x + 1 on a 1-element array: %.2f us/op wall, %.2f us/op thread CPU (medians of %d rounds of %d; '
          'wall best %.2f, worst %.2f; %d warm-up rounds in %.0f s); process CPU %.2f us/op (mean)'
          % (wall[len(wall) // 2], cpu[len(cpu) // 2], args.rounds, args.iterations, wall[0], wall[-1],
             warmup_rounds, warmup_seconds, process))


if __name__ == '__main__':
    main()
