// One training step of a 784-512-256-10 ReLU MLP from JavaScript (batch 128, autograd + plain SGD,
// softmax cross-entropy, synchronised at the end of each step) on fixed random data: samples/s from
// the median step time after warm-up. The same step, data and parameters as the Java figure
// (`dev.mxj.bench.Figures --only training`: 400 warm-up steps, median of 41).
//
//   ./mxj run bench/scripts/mlp_step.js [--warmup 400] [--steps 41] [--batch 128]
import mx from 'mxnet';

function option(name, dflt) {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
}

const LAYERS = [784, 512, 256, 10];

// The training step on fixed random data (seed 1): a function running one synchronised step and
// returning its loss. bench/frontend-steps runs it beside the Java and Python steps.
export function makeStep(batch) {
  mx.random.seed(1);
  const x = mx.nd.random.uniform({ low: 0, high: 1, shape: [batch, 784] });
  const y = mx.nd.random.randint({ low: 0, high: 10, shape: [batch] }).astype('float32');
  const params = [];
  for (let l = 0; l + 1 < LAYERS.length; l++) {
    params.push(mx.nd.random.uniform({ low: -0.05, high: 0.05, shape: [LAYERS[l + 1], LAYERS[l]] }).attachGrad());
    params.push(mx.nd.random.uniform({ low: -0.05, high: 0.05, shape: [LAYERS[l + 1]] }).attachGrad());
  }
  const updater = mx.optimizer.getUpdater(mx.optimizer.create('sgd', { learningRate: 0.01, rescaleGrad: 1 / batch }));
  return function step() {
    const loss = mx.autograd.record(() => {
      let h = x;
      for (let l = 0; l < 3; l++) {
        h = mx.nd.FullyConnected(h, params[2 * l], params[2 * l + 1], { numHidden: LAYERS[l + 1] });
        if (l < 2) h = mx.nd.Activation(h, { actType: 'relu' });
      }
      return mx.nd.softmax_cross_entropy(h, y);
    });
    loss.backward();
    for (let i = 0; i < params.length; i++) updater(i, params[i].grad, params[i]);
    mx.nd.waitall();
    return loss;
  };
}

function main() {
  const warmup = option('--warmup', 400), steps = option('--steps', 41), batch = option('--batch', 128);
  const step = makeStep(batch);
  // One loop for the warm-up and the timed steps, the same branches throughout: a second loop, or
  // a branch first taken when timing starts, is new code that Truffle compiles (and a compiled loop
  // it throws away) while the steps are being timed.
  const ms = new Array(warmup + steps).fill(0);
  let last = null;
  for (let i = 0; i < warmup + steps; i++) {
    const t = performance.now();
    last = step();
    ms[i] = performance.now() - t;
  }
  const warm = ms.slice(0, warmup).reduce((a, b) => a + b, 0) / 1000;
  ms.splice(0, warmup);
  ms.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)];
  console.log(`MLP 784-512-256-10 training step (SGD), batch ${batch}: ${Math.round((batch * 1000) / median)} samples/s `
    + `(median ${median.toFixed(2)} ms/step of ${steps}, min ${ms[0].toFixed(2)}, max ${ms[ms.length - 1].toFixed(2)}; `
    + `${warmup} warm-up steps in ${warm.toFixed(1)} s; loss ${last.asScalar().toFixed(3)})`);
}

// run as a script (not imported)
if (process.argv[1] && import.meta.url.endsWith(process.argv[1])) main();
