// mx.viz, mx.mon, mx.callback, AttrScope/group2ctx, shared executors, reshape, symbol composition, fluent
// methods and files, Module steps, fit over JS iterators/metrics/callbacks, BucketingModule, SequentialModule.
import mx from 'mxnet';
import { test, assert } from './harness.js';

const { nd, sym } = mx;

function mlp(hidden = 8, classes = 2) {
  const fc1 = sym.FullyConnected(sym.variable('data'), { numHidden: hidden, name: 'fc1' });
  const act = sym.Activation(fc1, { actType: 'relu', name: 'relu1' });
  const fc2 = sym.FullyConnected(act, { numHidden: classes, name: 'fc2' });
  return sym.SoftmaxOutput(fc2, { name: 'softmax' });
}

function rows(n, d = 5) {
  const r = [];
  for (let i = 0; i < n; i++) { const x = []; for (let j = 0; j < d; j++) x.push(Math.sin(0.37 * i + 0.11 * j)); r.push(x); }
  return r;
}

function labels(n, d = 5) { return rows(n, d).map((x) => (x[0] + x[1] + x[2] > 0 ? 1 : 0)); }

function tmpDir(name) { return `/tmp/mxj-js-mod-${Date.now()}-${Math.floor(Math.random() * 1e9)}-${name}`; }

/** What fn logs through a logger option: [lines, fn's result]. */
function logged(fn) {
  const lines = [];
  const r = fn((line) => lines.push(line));
  return [lines, r];
}

/** A JS DataIter subclass over rows, 4 per batch. */
class RowIter extends mx.io.DataIter {
  constructor(xs, ys) {
    super(4);
    this.xs = xs;
    this.ys = ys;
    this.i = 0;
  }

  get provideData() { return [new mx.io.DataDesc('data', [4, this.xs[0].length])]; }

  get provideLabel() { return [new mx.io.DataDesc('softmax_label', [4])]; }

  reset() { this.i = 0; }

  nextBatch() {
    if (this.i >= this.xs.length) return null;
    const b = new mx.io.DataBatch({ data: [nd.array(this.xs.slice(this.i, this.i + 4))], label: [nd.array(this.ys.slice(this.i, this.i + 4))] });
    this.i += 4;
    return b;
  }
}

/** Accuracy written in JS. */
class JsAccuracy extends mx.metric.EvalMetric {
  constructor() { super('jsacc'); }

  update(ls, ps) {
    const l = ls[0].toArray(), p = ps[0].toArray();
    let c = 0;
    l.forEach((v, i) => { if (p[i].indexOf(Math.max(...p[i])) === v) c++; });
    this.accumulate(c, l.length);
  }
}

// ---------------------------------------------------------------------- mx.viz

test('viz.printSummary prints MXNet\'s table; summary returns it', () => {
  const text = mx.viz.summary(mlp(8, 3), { shape: { data: [4, 5] } });
  const lines = text.split('\n');
  assert.equal(lines[0], '_'.repeat(120));
  assert.deepEqual(lines[5].split(/\s+/).filter((x) => x), ['fc1(FullyConnected)', '8', '48', 'data']);
  assert.deepEqual(lines[9].split(/\s+/).filter((x) => x), ['fc2(FullyConnected)', '3', '27', 'relu1']);
  assert.ok(lines.includes('Total params: 75'));
  const printed = [];
  const log = console.log;
  console.log = (s) => printed.push(s);
  try {
    mx.viz.printSummary(mlp(8, 3), { shape: { data: [4, 5] }, lineLength: 80, positions: [0.5, 0.7, 0.8, 1] });
  } finally {
    console.log = log;
  }
  assert.equal(printed.length, 1);
  assert.equal(printed[0].split('\n')[0], '_'.repeat(80));
  assert.throws(() => mx.viz.printSummary('net'), mx.MXNetError, /expected a Symbol/);
  assert.throws(() => mx.viz.summary(sym.dot(sym.variable('a'), sym.variable('b')), { shape: { a: [2, 3] } }), mx.MXNetError, /Input shape is incomplete/);
});

test('viz.plotNetwork: DOT source with shapes and dtypes, hidden weights, save, render', () => {
  const g = mx.viz.plotNetwork(mlp(), { title: 'mlp', shape: { data: [4, 5] }, dtype: { data: 'float32' }, nodeAttrs: { fixedsize: 'false' } });
  assert.ok(g.source.startsWith('digraph "mlp" {'));
  assert.ok(g.source.includes('"fc1" [label="FullyConnected\\n8"') && g.source.includes('fixedsize="false"'));
  assert.ok(g.source.includes('"relu1" -> "fc1" [label="8(float32)"'));
  assert.ok(!g.source.includes('fc1_weight'));
  assert.ok(mx.viz.plotNetwork(mlp(), { hideWeights: false }).source.includes('"fc1" -> "fc1_weight"'));
  assert.equal(String(g), g.source);
  const dir = '/tmp';
  const path = g.save({ directory: dir, filename: `mxj-js-${Date.now()}.gv` });
  assert.ok(path.startsWith('/tmp/mxj-js-') && path.endsWith('.gv'));
  let rendered = null, err = null;
  try { rendered = g.render({ directory: dir, filename: `mxj-js-${Date.now()}-r.gv`, format: 'svg' }); } catch (e) { err = e; }
  if (err !== null) {
    assert.ok(err instanceof mx.MXNetError && /Graphviz 'dot' is not installed/.test(err.message), String(err));
  } else {
    assert.ok(rendered.endsWith('.gv.svg'));
  }
  assert.throws(() => mx.viz.plotNetwork(mlp(), { shape: { nosuch: [1] } }), mx.MXNetError, /nosuch/);
});

// ---------------------------------------------------------------------- symbols

test('inferType, compose, fluent methods, attributes, save/load files', () => {
  const x = sym.variable('x');
  const fc = sym.FullyConnected(x, { numHidden: 4, name: 'fc' });
  const t = fc.inferType({ x: 'float64' });
  assert.deepEqual(t, { argTypes: ['float64', 'float64', 'float64'], outTypes: ['float64'], auxTypes: [] });
  assert.equal(fc.inferType({}), null);
  assert.deepEqual(sym.Cast(x, { dtype: 'int32' }).inferType({ x: 'float32' }).outTypes, ['int32']);
  assert.deepEqual(sym.FullyConnected(x, { numHidden: 2, name: 'g' }).inferTypePartial({ g_weight: 'float16' }).argTypes, ['float16', 'float16', 'float16']);
  // composition: replace the free variable x by another graph
  const w = sym.variable('w');
  const composed = fc.compose({ x: w.mul(2), name: 'fc_of_w' });
  assert.deepEqual(composed.listArguments(), ['w', 'fc_weight', 'fc_bias']);
  assert.deepEqual(fc.listArguments(), ['x', 'fc_weight', 'fc_bias']);    // the original is unchanged
  assert.throws(() => fc.compose({ x: 3 }), mx.MXNetError, /must be a Symbol/);
  // fluent operator methods on symbols, as on arrays
  const y = x.reshape({ shape: [3, 2] }).sum({ axis: 1 }).exp();
  const out = y.bind(mx.cpu(), { x: nd.array([[0, 0, 1], [0, 1, 1]]) }).forward()[0];
  assert.close(out, [1, Math.E, Math.E ** 2], { rtol: 1e-5 });
  // attributes
  const v = sym.variable('v', { attr: { __mine__: 'yes' } });
  assert.equal(v.attr('__mine__'), 'yes');
  assert.equal(v.attr('nosuch'), null);
  assert.equal(fc.attrDict().fc.num_hidden, '4');
  assert.equal(fc.listAttr().num_hidden, '4');
  // files
  const f = `${tmpDir('sym')}-symbol.json`;
  fc.save(f);
  const back = sym.load(f);
  assert.deepEqual(back.listArguments(), fc.listArguments());
  assert.equal(back.toJSON(), fc.toJSON());
  assert.throws(() => sym.load('/nonexistent/x.json'), mx.MXNetError);
  assert.deepEqual(fc.copy().listOutputs(), ['fc_output']);
});

test('AttrScope and group2ctx: groups run on their contexts; name prefixes', () => {
  const [a, h] = new mx.AttrScope({ ctxGroup: 'dev1' }).run(() => { const av = sym.variable('a'); return [av, av.mul(2)]; });
  const out = new mx.AttrScope({ ctxGroup: 'dev2' }).run(() => sym.exp(h, { name: 'out' }));
  assert.equal(a.attr('__ctx_group__'), 'dev1');
  assert.equal(out.attrDict().out.__ctx_group__, 'dev2');
  assert.equal(sym.variable('later').attr('__ctx_group__'), null);     // the scope has ended
  const g2c = { dev1: mx.cpu(0), dev2: mx.cpu(1) };
  const ex = out.simpleBind(mx.cpu(0), { group2ctx: g2c, a: [2] });
  const [y] = ex.forward({ isTrain: true, a: nd.array([0.5, 1]) });
  assert.equal(String(y.context), 'cpu(1)');
  assert.equal(String(ex.argDict.a.context), 'cpu(0)');
  assert.close(y, [Math.E ** 1, Math.E ** 2], { rtol: 1e-5 });
  ex.backward(nd.ones([2], { ctx: mx.cpu(1) }));
  assert.close(ex.gradDict.a, [2 * Math.E, 2 * Math.E ** 2], { rtol: 1e-5 });
  const ex2 = out.bind(mx.cpu(0), { a: nd.array([0, 1]) }, { group2ctx: g2c });
  assert.equal(String(ex2.forward()[0].context), 'cpu(1)');
  assert.throws(() => out.simpleBind(mx.cpu(), { group2ctx: { dev1: 'cpu' }, a: [2] }), mx.MXNetError, /expected a Context/);
  assert.throws(() => new mx.AttrScope({ ctxGroup: 1 }), mx.MXNetError, /need to be strings/);
  const fc = new mx.name.Prefix('net_').run(() => sym.FullyConnected(sym.variable('x'), { numHidden: 2 }));
  assert.ok(fc.name.startsWith('net_fullyconnected'), fc.name);
  assert.equal(new mx.name.NameManager().run(() => sym.exp(sym.variable('x')).name), 'exp0');
});

test('shared executors, typeDict, reshape, monitor callbacks', () => {
  const net = mlp(8, 3);
  const big = net.simpleBind(mx.cpu(), { data: [8, 5] });
  const poolOnly = net.simpleBind(mx.cpu(), { sharedExec: big, sharedArgNames: ['fc1_weight'], data: [4, 5] });
  big.argDict.fc1_weight.set(0.25);
  assert.equal(poolOnly.argDict.fc1_weight.toArray()[0][0], 0);      // no sharedBuffer: MXNet shares no argument
  const buf = {};
  const first = net.simpleBind(mx.cpu(), { sharedArgNames: ['fc1_weight'], sharedBuffer: buf, data: [8, 5] });
  assert.deepEqual(Object.keys(buf).sort(), ['data', 'fc1_bias', 'fc2_bias', 'fc2_weight', 'grad of data', 'grad of fc1_bias',
    'grad of fc2_bias', 'grad of fc2_weight', 'grad of softmax_label', 'softmax_label']);
  const small = net.simpleBind(mx.cpu(), { sharedExec: first, sharedArgNames: ['fc1_weight'], sharedBuffer: buf, data: [4, 5] });
  first.argDict.fc1_weight.set(0.25);
  assert.equal(small.argDict.fc1_weight.toArray()[0][0], 0.25);      // the same array
  first.argDict.data.set(2);
  assert.deepEqual(small.argDict.data.shape, [4, 5]);
  assert.deepEqual(small.argDict.data.toArray()[3], [2, 2, 2, 2, 2]); // a view on the buffer's array
  net.simpleBind(mx.cpu(), { sharedExec: first, sharedArgNames: ['fc1_weight'], sharedBuffer: buf, data: [16, 5] });
  assert.deepEqual(buf.data.shape, [16, 5]);                          // larger: a new array takes the buffer's place
  assert.throws(() => mlp(6, 3).simpleBind(mx.cpu(), { sharedExec: first, sharedArgNames: ['fc1_weight'], sharedBuffer: {}, data: [8, 5] }),
    mx.MXNetError, /fc1_weight has shape \(6, 5\) here but \(8, 5\) in shared_exec/);
  assert.throws(() => net.simpleBind(mx.cpu(), { sharedBuffer: { data: 3 }, data: [2, 5] }), mx.MXNetError, /sharedBuffer.data: expected an NDArray/);
  assert.throws(() => net.simpleBind(mx.cpu(), { sharedArgNames: 'fc1_weight', data: [2, 5] }), mx.MXNetError, /sharedArgNames/);
  assert.throws(() => net.simpleBind(mx.cpu(), { sharedExec: 'big', data: [2, 5] }), mx.MXNetError, /expected an Executor/);
  const f64 = sym.FullyConnected(sym.variable('x'), { numHidden: 2, name: 'f' }).simpleBind(mx.cpu(), { typeDict: { x: 'float64' }, x: [1, 3] });
  assert.equal(f64.argDict.f_weight.dtype, 'float64');

  const r = big.reshape({ partialShaping: true, data: [2, 5] });
  assert.deepEqual(r.forward({ data: nd.ones([2, 5]) })[0].shape, [2, 3]);
  big.argDict.fc1_weight.set(3);
  assert.equal(r.argDict.fc1_weight.toArray()[0][0], 3);
  assert.throws(() => big.reshape({ data: [2, 5] }), mx.MXNetError, /partial_shaping=True/);
  assert.throws(() => big.reshape({ partialShaping: true, data: [16, 5] }), mx.MXNetError, /allow_up_sizing=True/);
  assert.deepEqual(big.reshape({ partialShaping: true, allowUpSizing: true, data: [16, 5] }).forward()[0].shape, [16, 3]);

  const seen = [];
  small.setMonitorCallback((name, arr) => seen.push([name, arr.shape]));
  small.forward();
  assert.ok(seen.some(([n, s]) => n === 'fc1_output' && s.join() === '4,8'), JSON.stringify(seen));
  small.setMonitorCallback(null);
  seen.length = 0;
  small.forward();
  assert.equal(seen.length, 0);
  assert.ok(small.debugStr().includes('FullyConnected'));
});

test('mx.mon.Monitor: every interval batches, pattern, sort, statFunc, tocPrint', () => {
  const ex = mlp(8, 3).simpleBind(mx.cpu(), { data: [2, 5] });
  const [lines, mon] = logged((logger) => new mx.mon.Monitor(2, { pattern: 'fc1_output|fc2_weight', sort: true, logger }));
  mon.install(ex);
  ex.argDict.fc2_weight.set(2);
  mon.tic();
  ex.forward();
  const rows1 = mon.toc();
  assert.deepEqual(rows1.map((r) => [r[0], r[1]]), [[1, 'fc1_output'], [1, 'fc2_weight']]);
  assert.equal(rows1[1][2], '2.0\t');
  mon.tic();
  ex.forward();
  assert.deepEqual(mon.toc(), []);
  mon.tic();
  ex.forward();
  mon.tocPrint();
  assert.equal(lines.length, 2);
  assert.ok(/^Batch: +3 fc1_output +/.test(lines[0]), lines[0]);
  const halves = new mx.mon.Monitor(1, { statFunc: (x) => x.sum().mul(0).add(0.5), pattern: 'fc2_w' });
  halves.install(ex);
  halves.tic();
  assert.deepEqual(halves.toc(), [[1, 'fc2_weight', '0.5\t']]);
  assert.throws(() => new mx.mon.Monitor(0), mx.MXNetError, /interval/);
  const bad = new mx.mon.Monitor(1, { statFunc: () => 3, pattern: 'fc2_w' });
  bad.install(ex);
  bad.tic();
  assert.throws(() => bad.toc(), mx.MXNetError, /must return an NDArray/);
});

// ---------------------------------------------------------------------- Module

test('Module steps: bind, initParams, forward, backward, update, outputs, metrics, input grads', () => {
  const m = new mx.mod.Module(mlp());
  assert.ok(!m.binded);
  m.bind({ dataShapes: [['data', [4, 5]]], labelShapes: [['softmax_label', [4]]], inputsNeedGrad: true });
  assert.ok(m.binded && m.forTraining && !m.paramsInitialized);
  assert.deepEqual(m.dataNames, ['data']);
  assert.deepEqual(m.labelNames, ['softmax_label']);
  assert.deepEqual(m.outputNames, ['softmax_output']);
  assert.deepEqual(m.dataShapes.map((d) => [d.name, d.shape]), [['data', [4, 5]]]);
  assert.deepEqual(m.outputShapes, [['softmax_output', [4, 2]]]);
  // a JS initializer: every weight 0.1, biases 0
  const names = [];
  m.initParams({ initializer: (name, arr) => { names.push(name); arr.set(name.endsWith('weight') ? 0.1 : 0); } });
  assert.deepEqual(names.sort(), ['fc1_bias', 'fc1_weight', 'fc2_bias', 'fc2_weight']);
  const [args] = m.getParams();
  assert.close(args.fc1_weight.sum(), 0.1 * 40, { rtol: 1e-5 });
  m.initOptimizer({ optimizer: 'sgd', optimizerParams: { learningRate: 1 } });
  assert.ok(m.optimizerInitialized);
  const batch = new mx.io.DataBatch({ data: [nd.array(rows(4))], label: [nd.array(labels(4))] });
  m.forward(batch, { isTrain: true });
  const [out] = m.getOutputs();
  assert.close(out, [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5]], { rtol: 1e-5 });   // equal weights, equal scores
  m.backward();
  assert.deepEqual(m.getInputGrads()[0].shape, [4, 5]);
  // the same step by hand: fc2_bias -= lr * sum(p - onehot) / batch
  const l = labels(4);
  const expected = [0, 1].map((k) => -l.reduce((s, y) => s + (0.5 - (y === k ? 1 : 0)), 0) / 4);
  m.update();
  assert.close(m.getParams()[0].fc2_bias, expected, { atol: 1e-6 });
  const acc = new JsAccuracy();
  m.forward(batch, { isTrain: false });
  m.updateMetric(acc, batch.label);
  assert.equal(acc.numInst, 4);
  const rt = mx.metric.create('acc');
  m.updateMetric(rt, batch.label);
  assert.close(rt.get()[1], acc.get()[1]);
  assert.throws(() => m.updateMetric('acc', batch.label), mx.MXNetError, /expected an EvalMetric/);
  assert.throws(() => m.forward({}), mx.MXNetError, /expected a DataBatch/);
  assert.throws(() => new mx.mod.Module(mlp(), { context: [mx.cpu(0), mx.cpu(1)] }), mx.MXNetError, /one context/);
});

test('Module.fit over a JS DataIter with a JS metric, JS and runtime callbacks, monitor and evaluation', () => {
  const xs = rows(16), ys = labels(16);
  const m = new mx.mod.Module(mlp(), { logger: () => {} });
  const seen = [];
  const prefix = tmpDir('ckpt');
  const [speed] = logged((logger) => {
    const [bars] = logged((barLog) => m.fit(new RowIter(xs, ys), {
      numEpoch: 2, evalMetric: new JsAccuracy(), optimizerParams: { learningRate: 0.5 }, initializer: new mx.init.Xavier(),
      evalData: new RowIter(xs, ys),
      batchEndCallback: [new mx.callback.Speedometer(4, 2, true, { logger }), new mx.callback.ProgressBar(4, 8, { logger: barLog }),
        (p) => seen.push(['batch', p.epoch, p.nbatch, p.evalMetric instanceof JsAccuracy])],
      epochEndCallback: [mx.callback.doCheckpoint(prefix, 1, { logger: (line) => seen.push(['saved', line]) }), (epoch, s, a) => seen.push(['epoch', epoch, s.listOutputs()[0], Object.keys(a).length])],
      evalEndCallback: (p) => seen.push(['eval', p.epoch, p.evalMetric.name]),
      monitor: new mx.mon.Monitor(4, { pattern: 'fc2_output', logger: (line) => seen.push(['mon', line.split(/\s+/)[1]]) }),
    }));
    assert.deepEqual(bars, ['[--------] 0%\r', '[==------] 25%\r', '[====----] 50%\r', '[======--] 75%\r'].concat(
      ['[--------] 0%\r', '[==------] 25%\r', '[====----] 50%\r', '[======--] 75%\r']));
    return null;
  });
  assert.equal(speed.length, 2);
  assert.ok(/^Epoch\[0\] Batch \[0-2\]\tSpeed: [0-9.]+ samples\/sec\tjsacc=[0-9.]+$/.test(speed[0]), speed[0]);
  assert.deepEqual(seen.filter((s) => s[0] === 'batch').map((s) => s.slice(1)),
    [[0, 0, true], [0, 1, true], [0, 2, true], [0, 3, true], [1, 0, true], [1, 1, true], [1, 2, true], [1, 3, true]]);
  assert.deepEqual(seen.filter((s) => s[0] === 'epoch'), [['epoch', 0, 'softmax_output', 4], ['epoch', 1, 'softmax_output', 4]]);
  assert.deepEqual(seen.filter((s) => s[0] === 'eval'), [['eval', 0, 'jsacc'], ['eval', 1, 'jsacc']]);
  assert.deepEqual(seen.filter((s) => s[0] === 'mon').map((s) => s[1]), ['1', '5']);
  assert.deepEqual(seen.filter((s) => s[0] === 'saved').map((s) => s[1]), [`Saved checkpoint to "${prefix}-0001.params"`, `Saved checkpoint to "${prefix}-0002.params"`]);
  const [s, args] = mx.model.loadCheckpoint(prefix, 2);
  assert.close(args.fc1_weight, m.getParams()[0].fc1_weight);
  assert.deepEqual(s.listArguments(), mlp().listArguments());
  // score and predict over a plain object following the JS iterator protocol
  let i = 0;
  const plain = {
    batchSize: 4,
    provideData: [['data', [4, 5]]],
    provideLabel: [['softmax_label', [4]]],
    reset() { i = 0; },
    next() {
      if (i >= 16) return { done: true };
      const b = { data: [nd.array(xs.slice(i, i + 4))], label: [nd.array(ys.slice(i, i + 4))] };
      i += 4;
      return { value: b, done: false };
    },
  };
  const [[n1, a1]] = m.score(plain, new JsAccuracy());
  const [[n2, a2]] = m.score(new RowIter(xs, ys), 'acc');
  assert.equal(n1, 'jsacc');
  assert.equal(n2, 'accuracy');
  assert.close(a1, a2);
  const custom = m.score(plain, (label, pred) => label.shape[0]);
  assert.close(custom[0][1], 4);
  assert.deepEqual(m.predict(plain).shape, [16, 2]);
  const per = m.predict(plain, { mergeBatches: false });
  assert.equal(per.length, 4);
  assert.deepEqual(per[0][0].shape, [4, 2]);
  assert.deepEqual(m.predict(plain, { numBatch: 2 }).shape, [8, 2]);
});

test('fit errors reach JS as MXNetError or as the JS error, and leave nothing half-done', () => {
  const xs = rows(8), ys = labels(8);
  const logs = [];
  const m = new mx.mod.Module(mlp(), { logger: (line) => logs.push(line) });
  assert.throws(() => m.fit(new RowIter(xs, ys), { numEpoch: 1, batchEndCallback: 'log' }), mx.MXNetError, /batchEndCallback\[0\]/);
  assert.throws(() => m.fit(new RowIter(xs, ys), { numEpoch: 1, noSuchOption: 1 }), mx.MXNetError, /no_such_option/);
  const boom = new Error('boom from a callback');
  const err = assert.throws(() => m.fit(new RowIter(xs, ys), { numEpoch: 1, batchEndCallback: () => { throw boom; } }), Error, /boom/);
  assert.ok(err === boom, 'the JS error itself');
  class Broken extends mx.metric.EvalMetric { constructor() { super('broken'); } update() { throw new mx.MXNetError('metric failed'); } }
  assert.throws(() => m.fit(new RowIter(xs, ys), { numEpoch: 1, evalMetric: new Broken() }), mx.MXNetError, /metric failed/);
  // the module is bound and initialized from the first attempt and still trains
  m.fit(new RowIter(xs, ys), { numEpoch: 1, forceInit: true });
  assert.ok(m.paramsInitialized && m.optimizerInitialized);
  assert.ok(logs.includes('WARNING: Already bound, ignoring bind()'), JSON.stringify(logs));
  assert.ok(logs.some((l) => /^Epoch\[0\] Train-accuracy=[0-9.]+$/.test(l)), JSON.stringify(logs));
  class BadBatch extends RowIter { nextBatch() { return { label: [] }; } }
  assert.throws(() => new mx.mod.Module(mlp()).fit(new BadBatch(xs, ys), { numEpoch: 1 }), mx.MXNetError, /needs data/);
});

test('callbacks called from a JS loop: Speedometer without autoReset, logTrainMetric, LogValidationMetricsCallback', () => {
  const metric = mx.metric.create('acc');
  metric.update([nd.array([0, 1])], [nd.array([[0.9, 0.1], [0.8, 0.2]])]);
  const [lines] = logged((logger) => {
    const s = new mx.callback.Speedometer(4, 2, false, { logger });
    for (let n = 0; n < 5; n++) s.call({ epoch: 0, nbatch: n, evalMetric: metric });
    mx.callback.logTrainMetric(2, false, { logger }).call({ epoch: 1, nbatch: 2, evalMetric: new JsAccuracy() });
    mx.callback.logTrainMetric(2, false, { logger }).call({ epoch: 1, nbatch: 2, evalMetric: metric });
    new mx.callback.LogValidationMetricsCallback({ logger }).call({ epoch: 3, evalMetric: metric });
    new mx.callback.Speedometer(4, 2, true, { logger }).call({ epoch: 0, nbatch: 0 });
  });
  assert.deepEqual(lines.filter((l) => l.includes('Speed')).map((l) => l.split('\tSpeed')[0]), ['Epoch[0] Batch [0-2]', 'Epoch[0] Batch [0-4]']);
  assert.ok(lines[0].endsWith('samples/sec\taccuracy=0.500000'), lines[0]);
  assert.ok(lines.includes('Iter[1] Batch[2] Train-jsacc=NaN') || lines.includes('Iter[1] Batch[2] Train-jsacc=nan'), JSON.stringify(lines));
  assert.ok(lines.includes('Iter[1] Batch[2] Train-accuracy=0.500000'));
  assert.ok(lines.includes('Epoch[3] Validation-accuracy=0.500000'));
  assert.throws(() => new mx.callback.Speedometer(0), mx.MXNetError, /batchSize/);
  assert.throws(() => new mx.callback.ProgressBar(4, -1), mx.MXNetError, /length/);
});

// ---------------------------------------------------------------------- BucketingModule, SequentialModule

function symGen(seqLen) {
  const pooled = sym.mean(sym.variable('data'), { axis: 1, name: 'pool' });
  const fc = sym.FullyConnected(pooled, { numHidden: 2, name: 'fc' });
  return [sym.SoftmaxOutput(fc, { name: 'softmax' }), ['data'], ['softmax_label']];
}

function bucketBatch(seqLen, seed) {
  const x = [];
  for (let b = 0; b < 4; b++) {
    const t = [];
    for (let s = 0; s < seqLen; s++) t.push([0, 1, 2].map((f) => Math.sin(seed + 0.3 * b + 0.7 * s + f)));
    x.push(t);
  }
  const y = [0, 1, 2, 3].map((b) => (seed + b) % 2);
  return new mx.io.DataBatch({ data: [nd.array(x)], label: [nd.array(y)], provideData: [['data', [4, seqLen, 3]]], provideLabel: [['softmax_label', [4]]] });
}

test('BucketingModule: buckets share parameters; same weights as one Module per bucket', () => {
  const batches = [[5, 0], [2, 1], [5, 2], [3, 3]].map(([l, s]) => Object.assign(bucketBatch(l, s), { bucketKey: l }));
  const it = {
    batchSize: 4, i: 0, provideData: [['data', [4, 5, 3]]], provideLabel: [['softmax_label', [4]]],
    reset() { this.i = 0; },
    nextBatch() { return this.i < batches.length ? batches[this.i++] : null; },
  };
  const params = { fc_weight: nd.array([[0.1, -0.2, 0.3], [0.2, 0.1, -0.1]]), fc_bias: nd.zeros([2]) };
  const m = new mx.mod.BucketingModule(symGen, { defaultBucketKey: 5 });
  assert.deepEqual(m.dataNames, ['data']);
  m.fit(it, { numEpoch: 2, argParams: params, optimizerParams: { learningRate: 0.5 } });
  assert.deepEqual(m.bucketKeys, [5, 2, 3]);
  let w = { fc_weight: params.fc_weight.copy(), fc_bias: params.fc_bias.copy() };
  for (let e = 0; e < 2; e++) {
    for (const b of batches) {
      const one = new mx.mod.Module(symGen(b.bucketKey)[0]);
      one.bind({ dataShapes: b.provideData, labelShapes: b.provideLabel });
      one.initParams({ argParams: w });
      one.initOptimizer({ optimizerParams: { learningRate: 0.5, rescaleGrad: 0.25 } });
      one.forwardBackward(b);
      one.update();
      const [p] = one.getParams();
      w = { fc_weight: p.fc_weight.copy(), fc_bias: p.fc_bias.copy() };
    }
  }
  assert.close(m.getParams()[0].fc_weight, w.fc_weight, { rtol: 1e-5, atol: 1e-6 });
  m.switchBucket(2, [['data', [4, 2, 3]]], [['softmax_label', [4]]]);
  assert.equal(m.bucketKey, 2);
  assert.deepEqual(m.dataShapes[0].shape, [4, 2, 3]);
  const [[name]] = m.score(it, 'acc');
  assert.equal(name, 'accuracy');
  // array keys come back as arrays
  const g = new mx.mod.BucketingModule((key) => {
    assert.ok(Array.isArray(key), String(key));
    return { symbol: sym.FullyConnected(sym.variable('data'), { numHidden: key[0], name: 'fc' }), dataNames: ['data'], labelNames: [] };
  }, { defaultBucketKey: [2, 0] });
  g.bind({ dataShapes: [['data', [1, 3]]], forTraining: false });
  g.initParams();
  g.forward({ data: [nd.ones([1, 3])], bucketKey: [2, 1], provideData: [['data', [1, 3]]] });
  assert.deepEqual(g.bucketKeys, [[2, 0], [2, 1]]);
  assert.deepEqual(g.getOutputs()[0].shape, [1, 2]);
});

test('BucketingModule errors', () => {
  assert.throws(() => new mx.mod.BucketingModule('gen', { defaultBucketKey: 1 }), mx.MXNetError, /symGen must be a function/);
  assert.throws(() => new mx.mod.BucketingModule(symGen), mx.MXNetError, /defaultBucketKey/);
  const bad = new mx.mod.BucketingModule(() => 42, { defaultBucketKey: 1 });
  assert.throws(() => bad.bind({ dataShapes: [['data', [1, 3]]] }), mx.MXNetError, /symGen must return/);
  assert.ok(!bad.binded);
  const m = new mx.mod.BucketingModule(symGen, { defaultBucketKey: 5 });
  assert.throws(() => m.switchBucket(2, [['data', [4, 2, 3]]]), mx.MXNetError, /bind/);
});

test('SequentialModule: chained modules train; outputs equal the composed symbol', () => {
  const xs = rows(16, 6), ys = labels(16, 6);
  const feat = sym.Activation(sym.FullyConnected(sym.variable('data'), { numHidden: 5, name: 'feat_fc' }), { actType: 'relu' });
  const clf = sym.SoftmaxOutput(sym.FullyConnected(sym.variable('feat'), { numHidden: 2, name: 'clf_fc' }), { name: 'softmax' });
  const seq = new mx.mod.SequentialModule();
  assert.ok(seq.add(new mx.mod.Module(feat, { labelNames: [] })) === seq);
  seq.add(new mx.mod.Module(clf, { dataNames: ['feat'] }), { takeLabels: true, autoWiring: true });
  seq.fit(new RowIter(xs, ys), { numEpoch: 3, initializer: new mx.init.Xavier(), optimizerParams: { learningRate: 0.3 }, evalMetric: new JsAccuracy() });
  assert.deepEqual(seq.outputShapes, [['softmax_output', [4, 2]]]);
  const [args] = seq.getParams();
  assert.deepEqual(Object.keys(args).sort(), ['clf_fc_bias', 'clf_fc_weight', 'feat_fc_bias', 'feat_fc_weight']);
  const composed = clf.compose({ feat });
  const ex = composed.bind(mx.cpu(), { ...args, data: nd.array(xs.slice(0, 4)), softmax_label: nd.zeros([4]) });
  const it = new RowIter(xs, ys);
  seq.forward(it.nextBatch(), { isTrain: false });
  assert.close(seq.getOutputs()[0], ex.forward()[0], { rtol: 1e-5 });
  assert.throws(() => seq.add('m'), mx.MXNetError, /expected a module/);
  assert.throws(() => seq.add(new mx.mod.Module(feat), { takeLabel: true }), mx.MXNetError, /unknown option takeLabel/);
  const dup = new mx.mod.SequentialModule();
  const fc = () => sym.FullyConnected(sym.variable('data'), { numHidden: 3, name: 'fc' });
  dup.add(new mx.mod.Module(fc(), { labelNames: [] })).add(new mx.mod.Module(fc(), { labelNames: [] }), { autoWiring: true });
  dup.bind({ dataShapes: [['data', [2, 3]]], forTraining: false });
  assert.throws(() => dup.initParams(), mx.MXNetError, /Duplicated parameter names/);
});

/** Momentum SGD written in JS, as a Python script subclasses mx.optimizer.Optimizer: state created per weight, update in place. */
class JsMomentumSGD {
  constructor({ learningRate, momentum, rescaleGrad }) {
    Object.assign(this, { learningRate, momentum, rescaleGrad });
    this.created = [];
    this.calls = 0;
  }

  createState(index, weight) {
    this.created.push(index);
    return nd.zeros(weight.shape);
  }

  update(index, weight, grad, mom) {
    this.calls++;
    momentumStep(this, weight, grad, mom);
  }
}

/** MXNet's sgd_mom_update without wd: mom = momentum * mom - lr * rescale * grad; weight += mom. */
function momentumStep(opt, weight, grad, mom) {
  mom.muli(opt.momentum).subi(grad.mul(opt.learningRate * opt.rescaleGrad));
  weight.addi(mom);
}

/** Weights 0.05, biases 0: runs with different optimizers start alike. */
const fixedInit = (name, arr) => arr.set(name.endsWith('weight') ? 0.05 : 0);

/** The parameters after two epochs of Module.fit on 16 fixed rows with the given optimizer. */
function trainedWith(optimizer, optimizerParams) {
  const m = new mx.mod.Module(mlp(), { logger: () => {} });
  m.fit(new RowIter(rows(16), labels(16)), { numEpoch: 2, initializer: fixedInit, optimizer, optimizerParams, evalMetric: new JsAccuracy() });
  return m.getParams()[0];
}

test('JS-defined optimizers in a Module: the same weights as the runtime\'s sgd with momentum, in steps and in fit', () => {
  const js = new JsMomentumSGD({ learningRate: 0.5, momentum: 0.9, rescaleGrad: 0.25 });
  const mine = trainedWith(js, null);
  const ref = trainedWith('sgd', { learningRate: 0.5, momentum: 0.9 });
  for (const k of Object.keys(ref)) assert.close(mine[k], ref[k], { rtol: 1e-5, atol: 1e-6 });
  assert.deepEqual(js.created.slice().sort(), [0, 1, 2, 3]);           // one state per parameter, kept by the runtime's updater
  assert.equal(js.calls, 4 * 8);                                      // 4 parameters, 2 epochs of 4 batches
  // the steps by hand, stateless: a createState-less optimizer gets null
  const m = new mx.mod.Module(mlp());
  m.bind({ dataShapes: [['data', [4, 5]]], labelShapes: [['softmax_label', [4]]] });
  m.initParams({ initializer: fixedInit });
  const states = [];
  m.initOptimizer({ optimizer: { rescaleGrad: 0.25, update(i, w, g, s) { states.push(s); w.subi(g.mul(0.25)); } } });
  const before = m.getParams()[0].fc2_bias.toArray();
  m.forwardBackward(new mx.io.DataBatch({ data: [nd.array(rows(4))], label: [nd.array(labels(4))] }));
  m.update();
  assert.equal(states.length, 4);
  assert.ok(states.every((s) => s === null));
  assert.ok(m.getParams()[0].fc2_bias.toArray().some((v, i) => v !== before[i]), 'the JS update changed the weights');
  assert.throws(() => m.initOptimizer({ optimizer: { step() {} }, forceInit: true }), mx.MXNetError, /update\(index, weight, grad, state\)/);
  const bad = new mx.mod.Module(mlp());
  bad.bind({ dataShapes: [['data', [4, 5]]], labelShapes: [['softmax_label', [4]]] });
  bad.initParams();
  bad.initOptimizer({ optimizer: { createState: () => 3, update() {} } });
  bad.forwardBackward(new mx.io.DataBatch({ data: [nd.array(rows(4))], label: [nd.array(labels(4))] }));
  assert.throws(() => bad.update(), mx.MXNetError, /createState must return null, an NDArray or an array of NDArrays/);
});

/** The same momentum SGD as a subclass of mx.optimizer.Optimizer (no registered name: JS-defined). */
class SubclassedMomentumSGD extends mx.optimizer.Optimizer {
  constructor({ momentum, ...rest }) {
    super(rest);
    this.momentum = momentum;
  }

  createState(index, weight) { return nd.zeros(weight.shape); }

  update(index, weight, grad, mom) { momentumStep(this, weight, grad, mom); }
}

test('subclassing mx.optimizer.Optimizer: a JS-defined optimizer trains a Module as the runtime\'s sgd', () => {
  const opt = new SubclassedMomentumSGD({ learningRate: 0.5, momentum: 0.9, rescaleGrad: 0.25 });
  assert.ok(opt instanceof mx.optimizer.Optimizer);
  assert.equal(opt.learningRate, 0.5);
  opt.learningRate = 0.5; // settable as the runtime's optimizers
  const mine = trainedWith(opt, null);
  const ref = trainedWith('sgd', { learningRate: 0.5, momentum: 0.9 });
  for (const k of Object.keys(ref)) assert.close(mine[k], ref[k], { rtol: 1e-5, atol: 1e-6 });
  assert.throws(() => opt.numUpdate, mx.MXNetError, /runtime's optimizers only/);
  assert.throws(() => new mx.optimizer.Updater(opt), mx.MXNetError, /is JS-defined/);
  class NoUpdate extends mx.optimizer.Optimizer {}
  assert.throws(() => new NoUpdate({ learningRate: 0.1 }), mx.MXNetError, /must define update\(index, weight, grad, state\)/);
  class Registered extends mx.optimizer.Optimizer { constructor() { super('sgd', { learningRate: 0.25 }); } }
  assert.equal(new Registered().learningRate, 0.25);              // a subclass may still wrap a registered optimizer
});

test('mx.model.FeedForward: create, fit on arrays, predict, score, save and load', () => {
  const xs = nd.array(rows(32)), ys = nd.array(labels(32));
  const model = mx.model.FeedForward.create(mlp(), xs, ys, { numEpoch: 8, numpyBatchSize: 8, learningRate: 0.5, initializer: new mx.init.Xavier() });
  assert.deepEqual(Object.keys(model.argParams).sort(), ['fc1_bias', 'fc1_weight', 'fc2_bias', 'fc2_weight']);
  const prob = model.predict(xs);
  assert.deepEqual(prob.shape, [32, 2]);
  const acc = model.score(new RowIter(rows(32), labels(32)));
  assert.ok(acc > 0.8, `accuracy ${acc}`);
  // predict equals a Module bound to the same parameters
  const m = new mx.mod.Module(mlp());
  m.bind({ dataShapes: [['data', [32, 5]]], forTraining: false });
  m.setParams(model.argParams, model.auxParams);
  m.forward(new mx.io.DataBatch({ data: [xs] }), { isTrain: false });
  assert.close(prob, m.getOutputs()[0], { rtol: 1e-5 });
  const dir = tmpDir('ff');
  model.save(`${dir}-m`);
  const back = mx.model.FeedForward.load(`${dir}-m`, 8);
  assert.close(back.predict(xs), prob, { rtol: 1e-6 });
  assert.deepEqual(back.symbol.listArguments(), mlp().listArguments());
  // continue training from the loaded epoch with a JS-defined optimizer
  const more = mx.model.FeedForward.load(`${dir}-m`, 8, { numEpoch: 9, numpyBatchSize: 8 });
  const sgd = new JsMomentumSGD({ learningRate: 0.1, momentum: 0, rescaleGrad: 1 / 8 });
  assert.throws(() => new mx.model.FeedForward(mlp(), { numEpoch: 1, epochSize: 10 }), mx.MXNetError, /epochSize/);
  assert.throws(() => new mx.model.FeedForward(mlp()).fit(xs, ys), mx.MXNetError, /num_epoch/);
  assert.throws(() => model.fit(xs), mx.MXNetError, /y must be given/);
  assert.throws(() => new mx.model.FeedForward(mlp()).predict(xs), mx.MXNetError, /no parameters/);
  const trained = new mx.model.FeedForward(mlp(), { numEpoch: 1, numpyBatchSize: 8, optimizer: sgd, argParams: more.argParams });
  trained.fit(xs, ys);
  assert.equal(sgd.calls, 4 * 4);
});
