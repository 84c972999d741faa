// Trains a 784-512-256-10 ReLU perceptron on Fashion-MNIST with the imperative MXNet style:
// autograd records the forward pass, backward() fills the gradients, an SGD updater applies them,
// an accuracy metric follows training and test. Prints one line per epoch.
//
//   ./mxj run examples/js/fashion_mnist_mlp.js [--epochs 10] [--batch-size 128] [--lr 0.1] [--seed 42] [--data DIR]
//
// The idx files (optionally .gz) come from --data, $MXJ_DATA_DIR, or Debian's dataset-fashion-mnist
// package (/usr/share/datasets/fashion-mnist).
import mx from 'mxnet';

const USAGE = 'usage: fashion_mnist_mlp.js [--epochs N] [--batch-size N] [--lr RATE] [--seed N] [--data DIR]';

function parseArgs(argv) {
  const o = { epochs: 10, batchSize: 128, lr: 0.1, seed: 42, data: null };
  const names = { '--epochs': 'epochs', '--batch-size': 'batchSize', '--lr': 'lr', '--seed': 'seed', '--data': 'data' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (key === undefined || i + 1 >= argv.length) {
      console.error(`${key === undefined ? 'unknown option ' + argv[i] : 'option ' + argv[i] + ' needs a value'}\n${USAGE}`);
      process.exit(2);
    }
    o[key] = key === 'data' ? argv[i + 1] : Number(argv[i + 1]);
  }
  if (!(Number.isInteger(o.epochs) && o.epochs >= 1 && Number.isInteger(o.batchSize) && o.batchSize >= 1 && o.lr > 0)) {
    console.error(`--epochs and --batch-size must be integers >= 1 and --lr > 0\n${USAGE}`);
    process.exit(2);
  }
  return o;
}

/** An MNISTIter over `prefix`-images/labels in dir, compressed or not. */
function mnist(dir, prefix, opts) {
  const attempt = (ext) => new mx.io.MNISTIter({
    image: `${dir}/${prefix}-images-idx3-ubyte${ext}`, label: `${dir}/${prefix}-labels-idx1-ubyte${ext}`, flat: true, ...opts,
  });
  try {
    return attempt('.gz');
  } catch (e) {
    if (!(e instanceof mx.MXNetError) || !/No such file/.test(e.message)) throw e;
    return attempt('');
  }
}

const LAYERS = [784, 512, 256, 10];

function forward(x, params) {
  let h = x;
  for (let l = 0; l + 1 < LAYERS.length; l++) {
    h = mx.nd.FullyConnected(h, params[2 * l], params[2 * l + 1], { numHidden: LAYERS[l + 1] });
    if (l + 2 < LAYERS.length) h = h.relu();
  }
  return h;
}

function evaluate(iter, params) {
  const acc = new mx.metric.Accuracy();
  iter.reset();
  for (const batch of iter) acc.update(batch.label, [forward(batch.data[0], params)]);
  return acc.get()[1];
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const dir = o.data ?? process.env.MXJ_DATA_DIR ?? '/usr/share/datasets/fashion-mnist';
  mx.random.seed(o.seed);
  const train = mnist(dir, 'train', { batchSize: o.batchSize, shuffle: true, seed: o.seed });
  const test = mnist(dir, 't10k', { batchSize: o.batchSize, shuffle: false });

  const init = new mx.init.Xavier();
  const params = [];
  for (let l = 0; l + 1 < LAYERS.length; l++) {
    params.push(init.initialize(`fc${l}_weight`, mx.nd.zeros([LAYERS[l + 1], LAYERS[l]])).attachGrad());
    params.push(init.initialize(`fc${l}_bias`, mx.nd.zeros([LAYERS[l + 1]])).attachGrad());
  }
  const updater = mx.optimizer.getUpdater(mx.optimizer.create('sgd', {
    learningRate: o.lr, momentum: 0.9, rescaleGrad: 1 / o.batchSize,
  }));
  const trainAcc = new mx.metric.Accuracy();

  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    train.reset();
    trainAcc.reset();
    let lossSum = 0, samples = 0;
    const t0 = Date.now();
    for (const batch of train) {
      const x = batch.data[0], y = batch.label[0];
      let out;
      const loss = mx.autograd.record(() => {
        out = forward(x, params);
        return mx.nd.softmax_cross_entropy(out, y);   // summed over the batch
      });
      loss.backward();
      params.forEach((p, i) => updater(i, p.grad, p));
      trainAcc.update([y], [out]);
      lossSum += loss.asScalar();
      samples += x.shape[0];
    }
    const seconds = (Date.now() - t0) / 1000;
    const testAcc = evaluate(test, params);
    console.log(`epoch ${epoch}: loss ${(lossSum / samples).toFixed(4)}, train accuracy ${trainAcc.get()[1].toFixed(4)}, `
      + `test accuracy ${testAcc.toFixed(4)}, ${Math.round(samples / seconds)} samples/s (${seconds.toFixed(1)} s)`);
  }
}

main();
