// Per-operation overhead from JavaScript: y = x + 1 on a 1-element array, 20,000 iterations per
// round after warm-up rounds (the same loop as the Python and Java figures), median of the rounds.
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
  const start = performance.now();
  for (let i = 0; i < iterations; i++) y = x.add(1);
  y.waitToRead();
  return ((performance.now() - start) * 1000) / iterations;
}

for (let i = 0; i < warmup; i++) round();
const us = [];
for (let i = 0; i < rounds; i++) us.push(round());
us.sort((a, b) => a - b);
const median = us[Math.floor(us.length / 2)];
console.log(`x.add(1), 1 element: ${median.toFixed(2)} us/op (median of ${rounds} rounds of ${iterations}; min ${us[0].toFixed(2)}, max ${us[us.length - 1].toFixed(2)}; ${warmup} warm-up rounds)`);
