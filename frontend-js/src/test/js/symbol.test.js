import mx from 'mxnet';
import { test, assert } from './harness.js';

const { nd, sym } = mx;

function mlp() {
  const data = sym.variable('data');
  const fc1 = sym.FullyConnected(data, { numHidden: 16, name: 'fc1' });
  const act = sym.Activation(fc1, { actType: 'relu', name: 'relu1' });
  const fc2 = sym.FullyConnected(act, { numHidden: 2, name: 'fc2' });
  return sym.SoftmaxOutput(fc2, { name: 'softmax' });
}

function tmpPrefix(name) {
  return `/tmp/mxj-js-sym-${Date.now()}-${Math.floor(Math.random() * 1e9)}-${name}`;
}

test('an MLP symbol: arguments, outputs, inferred shapes, internals', () => {
  const net = mlp();
  assert.deepEqual(net.listArguments(), ['data', 'fc1_weight', 'fc1_bias', 'fc2_weight', 'fc2_bias', 'softmax_label']);
  assert.deepEqual(net.listOutputs(), ['softmax_output']);
  assert.deepEqual(net.listAuxiliaryStates(), []);
  assert.equal(net.name, 'softmax');
  const { argShapes, outShapes, auxShapes } = net.inferShape({ data: [16, 8] });
  assert.deepEqual(argShapes, [[16, 8], [16, 8], [16], [2, 16], [2], [16]]);
  assert.deepEqual(outShapes, [[16, 2]]);
  assert.deepEqual(auxShapes, []);
  const internals = net.getInternals();
  assert.ok(internals.listOutputs().includes('fc1_output'));
  assert.deepEqual(internals.get('fc1_output').listArguments(), ['data', 'fc1_weight', 'fc1_bias']);
  assert.ok(mx.sym.Variable === mx.sym.variable);
});

test('toJSON / fromJSON round trip in MXNet\'s graph JSON', () => {
  const net = mlp();
  const json = net.toJSON();
  const g = JSON.parse(json);
  assert.ok(Array.isArray(g.nodes) && Array.isArray(g.arg_nodes) && Array.isArray(g.heads));
  assert.ok(g.nodes.some((n) => n.op === 'FullyConnected' && n.name === 'fc1' && n.attrs.num_hidden === '16'));
  const back = mx.sym.fromJSON(json);
  assert.deepEqual(back.listArguments(), net.listArguments());
  assert.equal(back.toJSON(), json);
});

test('2*a + b*b: bind, forward, backward', () => {
  const a = sym.variable('a'), b = sym.variable('b');
  const c = a.mul(2).add(b.mul(b));
  assert.deepEqual(c.listArguments(), ['a', 'b']);
  const ex = c.bind(mx.cpu(), { a: nd.array([1, 2]), b: nd.array([3, 4]) },
                    { argsGrad: { a: nd.zeros([2]), b: nd.zeros([2]) } });
  const [out] = ex.forward({ isTrain: true });
  assert.close(out, [11, 20]);
  assert.close(ex.outputs[0], [11, 20]);
  ex.backward(nd.ones([2]));
  assert.close(ex.gradDict.a, [2, 2]);
  assert.close(ex.gradDict.b, [6, 8]);
  assert.close(ex.argDict.b, [3, 4]);
  // new inputs through forward's options
  assert.close(ex.forward({ a: nd.array([0, 1]), b: nd.array([1, 1]) })[0], [1, 3]);
});

test('scalar arithmetic and simpleBind', () => {
  const x = sym.variable('x');
  const y = x.sub(1).div(2).rsub(10).neg();
  const ex = y.simpleBind(mx.cpu(), { gradReq: 'null', x: [3] });
  ex.argDict.x.set(nd.array([1, 3, 5]));
  assert.close(ex.forward()[0], [-10, -9, -8]);
  assert.throws(() => x.add('nope'), mx.MXNetError, /Symbol or a number/);
  assert.throws(() => sym.FullyConnected(x, { name: 'f' }).inferShape({ x: [2, 3] }), mx.MXNetError);
});

// two well-separated classes: label 1 where the first feature is positive
function dataset() {
  const n = 64, xs = [], ys = [];
  for (let i = 0; i < n; i++) {
    const s = i % 2 === 0 ? 1 : -1;
    xs.push([s * (1 + (i % 7) / 7), ((i * 37) % 11) / 11 - 0.5, ((i * 13) % 5) / 5 - 0.4]);
    ys.push(s > 0 ? 1 : 0);
  }
  return new mx.io.NDArrayIter(nd.array(xs), nd.array(ys), { batchSize: 16 });
}

test('Module.fit reaches 100% training accuracy on a separable set; predict and checkpoints round-trip', () => {
  mx.random.seed(7);
  const it = dataset();
  const net = mlp();
  const m = new mx.mod.Module(net, { context: mx.cpu(), dataNames: ['data'], labelNames: ['softmax_label'] });
  m.fit(it, { numEpoch: 10, optimizer: 'sgd', optimizerParams: { learningRate: 0.5 }, evalMetric: 'acc',
              initializer: new mx.init.Xavier() });
  const [[name, acc]] = m.score(it, 'acc');
  assert.equal(name, 'accuracy');
  assert.ok(acc >= 0.99, `accuracy ${acc}`);
  const p = m.predict(it);
  assert.deepEqual(p.shape, [64, 2]);

  const prefix = tmpPrefix('fit');
  m.saveCheckpoint(prefix, 3);
  const [s, args, aux] = mx.model.loadCheckpoint(prefix, 3);
  assert.deepEqual(s.listOutputs(), ['softmax_output']);
  assert.deepEqual(Object.keys(args).sort(), ['fc1_bias', 'fc1_weight', 'fc2_bias', 'fc2_weight']);
  assert.deepEqual(aux, {});
  const [mine] = m.getParams();
  assert.close(args.fc1_weight, mine.fc1_weight);

  mx.model.saveCheckpoint(prefix, 4, s, args, aux);
  const m2 = mx.mod.Module.load(prefix, 4);
  m2.bind({ dataShapes: it.provideData, labelShapes: it.provideLabel, forTraining: false });
  assert.close(m2.score(it, 'acc')[0][1], acc);
  assert.close(m2.predict(it), p);
  assert.throws(() => mx.mod.Module.load(prefix, 9), mx.MXNetError);

  // fit starting from given parameters (argParams), one more epoch
  const m3 = new mx.mod.Module(net);
  m3.fit(it, { numEpoch: 1, argParams: args, optimizerParams: { learningRate: 0.01 }, evalMetric: mx.metric.create('acc') });
  assert.ok(m3.score(it, 'acc')[0][1] >= 0.99);
});

test('Module errors: no numEpoch, not an iterator, an iterator without provideData, an operator without its parameter', () => {
  const m = new mx.mod.Module(mlp());
  assert.throws(() => m.fit(dataset(), {}), mx.MXNetError, /number of epochs/);
  assert.throws(() => m.fit({ rows: [] }, { numEpoch: 1 }), mx.MXNetError, /expected a data iterator/);
  class Mine extends mx.io.DataIter { nextBatch() { return null; } }
  assert.throws(() => m.fit(new Mine(4), { numEpoch: 1 }), mx.MXNetError, /data_names/);
  assert.ok(!m.binded);
  assert.throws(() => new mx.mod.Module('net'), mx.MXNetError, /expected a Symbol/);
  assert.throws(() => sym.FullyConnected(sym.variable('x'), { noSuchOption: 1 }), mx.MXNetError);
});
