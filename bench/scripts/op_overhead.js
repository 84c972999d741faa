// Per-operation overhead from JavaScript: y = x + 1 on a 1-element array, 20,000 iterations per
// round after warm-up (at least 30 rounds and 20 seconds: the JIT compilers, which on two cores
// compete with the loop, are done by then; the same loop as the Python figure), median of the rounds:
// wall time; the CPU time of the script's thread (tiny operations run inline on it), which a loaded
// machine inflates far less; and, as a mean over the rounds, the CPU time of the whole process,
// which adds what the other threads spend on each operation (the garbage collector and the array
// cleaner freeing the temporaries, compilers still at work).
//
//   ./mxj run bench/scripts/op_overhead.js [--iterations 20000] [--warmup 30] [--warmup-seconds 20] [--rounds 20]
import mx from 'mxnet';

function option(name, dflt) {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
}

const iterations = option('--iterations', 20000), rounds = option('--rounds', 20);
const warmup = option('--warmup', 30), warmupSeconds = option('--warmup-seconds', 20);
const x = mx.nd.array([1]);

function round() {
  let y = null;
  const start = performance.now(), cpu = mx.util.threadCpuTime(), processCpu = mx.util.processCpuTime();
  for (let i = 0; i < iterations; i++) y = x.add(1);
  y.waitToRead();
  const perOp = (ms) => (ms * 1000) / iterations;
  return [perOp(performance.now() - start), perOp(mx.util.threadCpuTime() - cpu), perOp(mx.util.processCpuTime() - processCpu)];
}

const warmupStart = performance.now();
let warmupRounds = 0;
while (warmupRounds < warmup || performance.now() - warmupStart < warmupSeconds * 1000) {
  round();
  warmupRounds++;
}
const warmupTook = (performance.now() - warmupStart) / 1000;
const wall = [], cpu = [], proc = [];
for (let i = 0; i < rounds; i++) {
  const [w, c, p] = round();
  wall.push(w);
  cpu.push(c);
  proc.push(p);
}
const median = (a) => a.sort((p, q) => p - q)[Math.floor(a.length / 2)];
const w = median(wall), c = median(cpu);
const p = proc.reduce((s, v) => s + v, 0) / rounds;   // a mean: the rounds with a collection count too
console.log(`x.add(1), 1 element: ${w.toFixed(2)} us/op wall, ${c.toFixed(2)} us/op thread CPU (medians of ${rounds} rounds of ${iterations}; `
  + `wall min ${wall[0].toFixed(2)}, max ${wall[wall.length - 1].toFixed(2)}; ${warmupRounds} warm-up rounds in ${warmupTook.toFixed(0)} s); process CPU ${p.toFixed(2)} us/op (mean)`);
