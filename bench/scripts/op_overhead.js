// Per-operation overhead from JavaScript: y = x + 1 on a 1-element array, 20,000 iterations per
// round after warm-up rounds (the same loop as the Python and Java figures), median of the rounds:
// wall time, and the CPU time of the script's thread (tiny operations run inline on it), which a
// loaded machine inflates far less.
//
//   ./mxj run bench/scripts/op_overhead.js [--iterations 20000] [--warmup 30] [--rounds 10]
import mx from 'mxnet';

function option(name, dflt) {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
}

const iterations = option('--iterations', 20000), warmup = option('--warmup', 30), rounds = option('--rounds', 10);
const x = mx.nd.array([1]);

function round() {
  let y = null;
  const start = performance.now(), cpu = mx.util.threadCpuTime();
  for (let i = 0; i < iterations; i++) y = x.add(1);
  y.waitToRead();
  return [((performance.now() - start) * 1000) / iterations, ((mx.util.threadCpuTime() - cpu) * 1000) / iterations];
}

for (let i = 0; i < warmup; i++) round();
const wall = [], cpu = [];
for (let i = 0; i < rounds; i++) {
  const [w, c] = round();
  wall.push(w);
  cpu.push(c);
}
const median = (a) => a.sort((p, q) => p - q)[Math.floor(a.length / 2)];
const w = median(wall), c = median(cpu);
console.log(`x.add(1), 1 element: ${w.toFixed(2)} us/op wall, ${c.toFixed(2)} us/op thread CPU (medians of ${rounds} rounds of ${iterations}; `
  + `wall min ${wall[0].toFixed(2)}, max ${wall[wall.length - 1].toFixed(2)}; ${warmup} warm-up rounds)`);
