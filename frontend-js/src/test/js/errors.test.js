import mx from 'mxnet';
import { test, assert } from './harness.js';

const { nd, MXNetError } = mx;

test('a bad shape arrives as MXNetError naming the operator, arrays intact', () => {
  const a = nd.array([[1, 2, 3], [4, 5, 6]]), b = nd.ones([2, 3]);
  const e = assert.throws(() => nd.dot(a, b).toArray(), MXNetError, /dot/);
  assert.ok(e instanceof Error);
  assert.equal(e.name, 'MXNetError');
  assert.ok(e.stack.includes('errors.test.js'), 'the stack names the script');
  assert.ok(e.stack.startsWith('MXNetError: ') && !e.stack.includes('at toError'), e.stack);
  assert.deepEqual(a.toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(b.toArray(), [[1, 1, 1], [1, 1, 1]]);
  assert.throws(() => a.add(nd.ones([4])), MXNetError, /broadcast|shape/i);
  assert.deepEqual(a.add(1).toArray(), [[2, 3, 4], [5, 6, 7]], 'still usable after the error');
});

test('unknown and invalid operator parameters name the parameter', () => {
  const x = nd.ones([1, 1, 4, 4]), w = nd.ones([2, 1, 3, 3]);
  assert.throws(() => nd.Convolution(x, w, { kernel: [3, 3], numFilter: 2, noBias: true, fooBar: 1 }), MXNetError, /foo_bar/);
  assert.throws(() => nd.Convolution(x, w, { kernel: [3, 3], noBias: true }), MXNetError, /num_filter/);
  assert.throws(() => nd.Activation(x, { actType: 'nosuch' }), MXNetError, /act_type/);
  assert.throws(() => nd.sum(x, { axis: 'abc' }), MXNetError, /axis/);
  assert.throws(() => nd.relu(x, { out: 3 }), MXNetError);
  assert.throws(() => nd.relu(3), MXNetError);
  assert.deepEqual(x.shape, [1, 1, 4, 4]);
});

test('bad building-block arguments', () => {
  assert.throws(() => mx.optimizer.create('nosuch'), MXNetError, /nosuch/);
  assert.throws(() => mx.optimizer.create('sgd', { learningRat: 0.1 }), MXNetError, /learning_rat/);
  assert.throws(() => mx.metric.create('nosuch'), MXNetError, /nosuch/);
  assert.throws(() => mx.init.create('nosuch'), MXNetError, /nosuch/);
  assert.throws(() => new mx.io.NDArrayIter(nd.ones([4, 2]), nd.ones([4]), { batchSize: 2, shufle: true }), MXNetError, /shufle/);
  assert.throws(() => new mx.lrScheduler.FactorScheduler({ factor: 0.5 }), MXNetError, /step/);
  assert.equal(mx.optimizer.NoSuchOptimizer, undefined);
});

test('missing files', () => {
  assert.throws(() => nd.load('/nonexistent/dir/x.params'), MXNetError, /nonexistent\/dir\/x\.params/);
  assert.throws(() => new mx.io.MNISTIter({ image: '/nonexistent/images-idx3-ubyte', label: '/nonexistent/labels-idx1-ubyte' }), MXNetError, /nonexistent/);
  assert.throws(() => new mx.io.CSVIter({ dataCsv: '/nonexistent/data.csv', dataShape: [3] }), MXNetError, /nonexistent/);
});

test('bad data and indices', () => {
  assert.throws(() => nd.array('abc'), MXNetError, /array/);
  assert.throws(() => nd.array([[1, 2], [3]]), MXNetError, /ragged/);
  assert.throws(() => nd.array([1, 'x']), MXNetError, /numbers/);
  const a = nd.arange(6).reshape([2, 3]);
  assert.throws(() => a.at(2), MXNetError, /index 2 is out of bounds for axis 0 with size 2/);
  assert.throws(() => a.get(0, 0, 0), MXNetError, /too many indices/);
  assert.throws(() => a.get('1:x'), MXNetError, /slice/);
  assert.throws(() => a.reshape([4, 4]), MXNetError, /reshape/);
  assert.throws(() => nd.array([5]).asScalar() && nd.ones([2]).asScalar(), MXNetError);
  assert.deepEqual(a.toArray(), [[0, 1, 2], [3, 4, 5]]);
});

test('an error inside record() leaves recording off', () => {
  const x = nd.ones([2]).attachGrad();
  assert.throws(() => mx.autograd.record(() => nd.dot(x, nd.ones([3, 3]))), MXNetError);
  assert.equal(mx.autograd.isRecording(), false);
  assert.throws(() => mx.autograd.record(() => Promise.resolve(1)), MXNetError, /promise/);
  assert.throws(() => mx.autograd.record(42), MXNetError, /function/);
});

test('JS errors thrown in callbacks come back unchanged through Java', () => {
  const sched = new mx.lrScheduler.LRScheduler(() => { throw new RangeError('from the schedule'); });
  const opt = mx.optimizer.create('sgd', { lrScheduler: sched });
  assert.throws(() => new mx.optimizer.Updater(opt).update(0, nd.ones([1]), nd.ones([1])), RangeError, /from the schedule/);
  const m = mx.metric.create(() => { throw new TypeError('bad metric'); });
  assert.throws(() => m.update([nd.ones([1])], [nd.ones([1])]), TypeError, /bad metric/);
});

test('a disposed array fails cleanly', () => {
  const a = nd.ones([2]);
  a.dispose();
  assert.ok(a.isDisposed);
  assert.throws(() => a.add(1), MXNetError);
  assert.throws(() => a.toArray(), MXNetError);
});
