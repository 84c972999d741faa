import mx from 'mxnet';
import { test, assert } from './harness.js';

const { nd, optimizer, metric, io, init } = mx;
const here = import.meta.url.replace(/^file:\/\//, '').replace(/[^/]*$/, '');

test('SGD without and with momentum, through an Updater', () => {
  const w = nd.array([1, 2]), g = nd.array([0.5, 0.5]);
  const plain = new optimizer.Updater(optimizer.create('sgd', { learningRate: 0.1 }));
  plain.update(0, g, w);
  assert.close(w, [0.95, 1.95]);
  const w2 = nd.array([1, 2]);
  const upd = optimizer.getUpdater(new optimizer.SGD({ learningRate: 0.1, momentum: 0.9 }));
  upd(0, g, w2);
  upd(0, g, w2);
  assert.close(w2, [0.855, 1.855]);   // mom = 0.9 * -0.05 - 0.05
  assert.ok(upd.getStates().length > 0);
});

test('Adam: the first step moves each weight by about lr * sign(grad)', () => {
  const w = nd.array([1, 2]);
  const opt = new optimizer.Adam({ learningRate: 0.1 });
  assert.equal(opt.learningRate, 0.1);
  new optimizer.Updater(opt).update(3, nd.array([0.5, -2]), w);
  assert.close(w, [0.9, 2.1], { rtol: 1e-5 });
  opt.learningRate = 0.01;
  assert.equal(opt.learningRate, 0.01);
  assert.ok(optimizer.names().includes('adam'));
});

test('learning-rate schedulers as MXNet computes them', () => {
  const f = new mx.lrScheduler.FactorScheduler({ step: 2, factor: 0.5, baseLr: 1 });
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => f.lr(n)), [1, 1, 0.5, 0.5, 0.25]);
  const m = new mx.lrScheduler.MultiFactorScheduler({ step: [2, 4], factor: 0.1, baseLr: 1 });
  assert.close([1, 3, 5].map((n) => m.lr(n)), [1, 0.1, 0.01]);
  assert.close(new mx.lrScheduler.PolyScheduler({ maxUpdate: 10, baseLr: 1, pwr: 2 }).lr(5), 0.25);
  assert.close(new mx.lrScheduler.CosineScheduler({ maxUpdate: 10, baseLr: 1 }).lr(5), 0.5);
  const custom = new mx.lrScheduler.LRScheduler((n) => 1 / (n + 1), { baseLr: 1 });
  const opt = optimizer.create('sgd', { lrScheduler: custom });
  const w = nd.array([1]);
  new optimizer.Updater(opt).update(0, nd.array([1]), w);
  assert.close(w, [0.5]);   // the rate at numUpdate 1
});

test('initializers: Constant, Uniform bounds, Xavier scale, bias rule, dumps', () => {
  const a = nd.zeros([2, 3]);
  new init.Constant({ value: 3 }).initialize('fc_weight', a);
  assert.deepEqual(a.toArray(), [[3, 3, 3], [3, 3, 3]]);
  new init.Constant({ value: 3 }).initialize('fc_bias', a);
  assert.deepEqual(a.toArray(), [[0, 0, 0], [0, 0, 0]]);
  const u = init.create('uniform', { scale: 0.5 }).initialize('w_weight', nd.zeros([1000]));
  assert.ok(u.abs().max().asScalar() <= 0.5 && u.abs().max().asScalar() > 0.4);
  const x = new init.Xavier().initialize('x_weight', nd.zeros([40, 60]));
  const bound = Math.sqrt(3 / ((40 + 60) / 2));
  assert.ok(x.abs().max().asScalar() <= bound + 1e-6 && x.abs().max().asScalar() > 0.9 * bound);
  assert.ok(new init.Xavier({ magnitude: 2 }).dumps().startsWith('["xavier"'));
});

test('metrics: accuracy, cross-entropy, composite, custom, subclass', () => {
  const labels = nd.array([0, 1, 1]);
  const preds = nd.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]]);
  const acc = metric.create('acc');
  acc.update([labels], [preds]);
  assert.equal(acc.get()[0], 'accuracy');
  assert.close(acc.get()[1], 2 / 3);
  const ce = new metric.CrossEntropy();
  ce.update(labels, preds);
  assert.close(ce.get()[1], -(Math.log(0.9) + Math.log(0.8) + Math.log(0.4)) / 3, { rtol: 1e-5 });
  const comp = metric.create(['acc', 'ce']);
  comp.update([labels], [preds]);
  const [names, values] = comp.get();
  assert.deepEqual(names, ['accuracy', 'cross-entropy']);
  assert.close(values, [2 / 3, 0.41493], { rtol: 1e-4 });
  const mae = metric.create((l, p) => Math.abs(l.toArray()[0] - p.toArray()[0]), { name: 'first_err' });
  mae.update([nd.array([1, 0])], [nd.array([3, 0])]);
  mae.update([nd.array([1, 0])], [nd.array([2, 0])]);
  assert.deepEqual(mae.get(), ['first_err', 1.5]);
  class Count extends metric.EvalMetric {
    constructor() { super('count'); }
    update(l, p) { this.accumulate(p.length, 1); }
  }
  const c = new Count();
  c.update([labels], [preds, preds]);
  c.resetLocal();
  c.update([labels], [preds]);
  assert.deepEqual(c.get(), ['count', 1]);
  assert.deepEqual(c.getGlobal(), ['count', 1.5]);
  acc.reset();
  assert.ok(Number.isNaN(acc.get()[1]));
});

test('NDArrayIter: batches, padding, for...of, reset, descriptions', () => {
  const data = nd.arange(10).reshape([5, 2]), label = nd.arange(5);
  const it = new io.NDArrayIter(data, label, { batchSize: 2 });
  assert.deepEqual(it.provideData.map((d) => [d.name, d.shape]), [['data', [2, 2]]]);
  assert.deepEqual(it.provideLabel.map((d) => d.name), ['softmax_label']);
  const seen = [];
  for (const b of it) seen.push([b.data[0].toArray(), b.label[0].toArray(), b.pad]);
  assert.equal(seen.length, 3);
  assert.deepEqual(seen[2], [[[8, 9], [0, 1]], [4, 0], 1]);   // the last batch wraps around, pad 1
  assert.equal(it.next().done, true);
  it.reset();
  assert.ok(it.iterNext());
  assert.deepEqual(it.getLabel()[0].toArray(), [0, 1]);
  const discard = new io.NDArrayIter({ data, label, batchSize: 2, lastBatchHandle: 'discard' });
  assert.equal([...discard].length, 2);
  const fromJs = new io.NDArrayIter([[1, 2], [3, 4]], null, { batchSize: 1 });
  assert.equal([...fromJs].length, 2);
});

test('CSVIter reads a data and a label file', () => {
  const it = new io.CSVIter({ dataCsv: here + 'data/small.csv', dataShape: [3], labelCsv: here + 'data/small_labels.csv', batchSize: 2 });
  const batches = [...it];
  assert.equal(batches.length, 3);
  assert.deepEqual(batches[0].data[0].toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(batches[1].label[0].toArray(), [2, 3]);
});

test('a DataIter subclass works with for...of and the MXNet getters', () => {
  class Counter extends io.DataIter {
    constructor(n) { super(1); this.n = n; this.i = 0; }
    nextBatch() { return this.i < this.n ? new io.DataBatch({ data: [nd.array([this.i++])] }) : null; }
    reset() { this.i = 0; }
  }
  const it = new Counter(3);
  assert.deepEqual([...it].map((b) => b.data[0].asScalar()), [0, 1, 2]);
  it.reset();
  assert.ok(it.iterNext());
  assert.equal(it.getData()[0].asScalar(), 0);
});

test('random.seed makes sampling reproducible', () => {
  mx.random.seed(7);
  const a = mx.nd.random.uniform({ low: 0, high: 1, shape: [5] }).toArray();
  mx.random.seed(7);
  const b = mx.random.uniform({ low: 0, high: 1, shape: [5] }).toArray();
  assert.deepEqual(a, b);
  assert.ok(a.every((v) => v >= 0 && v < 1));
  const n = mx.nd.random.normal({ loc: 0, scale: 1, shape: [2000] });
  assert.ok(Math.abs(n.mean().asScalar()) < 0.1);
});

test('save and load keep names, shapes, dtypes and values', () => {
  const file = here + '../../../target/js-save-test.params';
  nd.save(file, { w: nd.array([[1, 2]]), i: nd.array(new Int32Array([5])) });
  const back = nd.load(file);
  assert.deepEqual(Object.keys(back).sort(), ['i', 'w']);
  assert.deepEqual(back.w.toArray(), [[1, 2]]);
  assert.equal(back.i.dtype, 'int32');
  nd.save(file, [nd.ones([2])]);
  assert.deepEqual(nd.load(file)[0].toArray(), [1, 1]);
});
