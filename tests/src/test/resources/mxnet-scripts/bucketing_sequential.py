"""mx.mod.BucketingModule and mx.mod.SequentialModule as MXNet 1.x scripts use them: a network
generated per bucket (sequence length) sharing its parameters across buckets, trained with
Module.fit from a bucketing DataIter with Speedometer logging; print_summary of the default
bucket's network; then a SequentialModule chaining two modules, trained and scored. Log lines go
to standard output; the time-dependent figures (samples/sec, time cost) are masked."""
import logging
import math
import re
import sys

import mxnet as mx
from mxnet import nd


class MaskTiming(logging.Filter):
    """Speedometer's samples/sec and fit's time cost depend on the machine: print them as '<t>'."""

    def filter(self, record):
        msg = record.getMessage()
        msg = re.sub(r'Speed: [0-9.]+ samples/sec', 'Speed: <t> samples/sec', msg)
        msg = re.sub(r'Time cost=[0-9.]+', 'Time cost=<t>', msg)
        record.msg, record.args = msg, None
        return True


handler = logging.StreamHandler(sys.stdout)
handler.setFormatter(logging.Formatter('%(levelname)s %(message)s'))
handler.addFilter(MaskTiming())
logging.getLogger().addHandler(handler)
logging.getLogger().setLevel(logging.INFO)

FEAT, HIDDEN, CLASSES, BATCH = 4, 8, 3, 8


def sym_gen(seq_len):
    """The network for one bucket: mean over the sequence, then an MLP; parameters do not depend on seq_len."""
    data = mx.sym.Variable('data')
    label = mx.sym.Variable('softmax_label')
    pooled = mx.sym.mean(data, axis=1, name='pool')
    fc1 = mx.sym.FullyConnected(pooled, num_hidden=HIDDEN, name='fc1')
    act = mx.sym.Activation(fc1, act_type='tanh', name='tanh1')
    fc2 = mx.sym.FullyConnected(act, num_hidden=CLASSES, name='fc2')
    net = mx.sym.SoftmaxOutput(fc2, label=label, name='softmax')
    return net, ('data',), ('softmax_label',)


def sample(i, seq_len):
    rows = [[math.sin(0.3 * i + 0.7 * t + 0.5 * f) for f in range(FEAT)] for t in range(seq_len)]
    s = sum(r[0] - r[2] for r in rows) / seq_len
    return rows, (0 if s < -0.2 else (1 if s < 0.2 else 2))


class BucketIter(mx.io.DataIter):
    """Batches of one sequence length each, alternating between the buckets."""

    def __init__(self, buckets, batches_per_bucket):
        super().__init__(BATCH)
        self.buckets = buckets
        self.default_bucket_key = max(buckets)
        self.batches = []
        n = 0
        for b in range(batches_per_bucket):
            for seq_len in buckets:
                xs, ys = [], []
                for _ in range(BATCH):
                    x, y = sample(n, seq_len)
                    xs.append(x)
                    ys.append(y)
                    n += 1
                self.batches.append((seq_len, nd.array(xs), nd.array(ys)))
        self.cur = 0

    @property
    def provide_data(self):
        return [mx.io.DataDesc('data', (BATCH, self.default_bucket_key, FEAT))]

    @property
    def provide_label(self):
        return [mx.io.DataDesc('softmax_label', (BATCH,))]

    def reset(self):
        self.cur = 0

    def next(self):
        if self.cur == len(self.batches):
            raise StopIteration
        seq_len, x, y = self.batches[self.cur]
        self.cur += 1
        return mx.io.DataBatch([x], [y], pad=0, bucket_key=seq_len,
                               provide_data=[mx.io.DataDesc('data', x.shape)],
                               provide_label=[mx.io.DataDesc('softmax_label', y.shape)])


def weights(shape, a, b):
    rows, cols = shape
    return nd.array([[math.cos(a * i + b * j) * 0.4 for j in range(cols)] for i in range(rows)])


arg_params = {'fc1_weight': weights((HIDDEN, FEAT), 0.9, 0.4), 'fc1_bias': nd.zeros((HIDDEN,)),
              'fc2_weight': weights((CLASSES, HIDDEN), 0.6, -0.3), 'fc2_bias': nd.zeros((CLASSES,))}

train = BucketIter([3, 6], 4)
net, _, _ = sym_gen(train.default_bucket_key)
mx.viz.print_summary(net, shape={'data': (BATCH, train.default_bucket_key, FEAT)})

mod = mx.mod.BucketingModule(sym_gen, default_bucket_key=train.default_bucket_key, context=mx.cpu())
mod.fit(train, num_epoch=3, arg_params=arg_params, optimizer='sgd',
        optimizer_params={'learning_rate': 0.5, 'momentum': 0.5},
        batch_end_callback=mx.callback.Speedometer(BATCH, 2), eval_metric='acc')
print(mod.binded, mod.params_initialized, mod.optimizer_initialized)
for name, value in mod.score(train, ['acc', 'ce']):
    print('bucketing', name, round(float(value), 4))
args, auxs = mod.get_params()
print(sorted(args), [args[k].shape for k in sorted(args)], auxs)

# SequentialModule: a feature module, then a classifier module that takes the labels
n = 48
xs = [[math.sin(0.21 * i + 0.5 * f) for f in range(6)] for i in range(n)]
ys = [int(x[0] + x[2] > 0) for x in xs]
it = mx.io.NDArrayIter(nd.array(xs), nd.array(ys), batch_size=BATCH, label_name='softmax_label')
feat = mx.sym.Activation(mx.sym.FullyConnected(mx.sym.Variable('data'), num_hidden=5, name='feat_fc'),
                         act_type='relu', name='feat_relu')
clf = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Variable('feat'), num_hidden=2, name='clf_fc'),
                           name='softmax')
seq = mx.mod.SequentialModule()
seq.add(mx.mod.Module(feat, data_names=('data',), label_names=None))
seq.add(mx.mod.Module(clf, data_names=('feat',), label_names=('softmax_label',)), take_labels=True, auto_wiring=True)
seq_params = {'feat_fc_weight': weights((5, 6), 0.7, 0.2), 'feat_fc_bias': nd.zeros((5,)),
              'clf_fc_weight': weights((2, 5), -0.5, 0.8), 'clf_fc_bias': nd.zeros((2,))}
seq.fit(it, num_epoch=4, arg_params=seq_params, optimizer='sgd', optimizer_params={'learning_rate': 0.3},
        batch_end_callback=mx.callback.Speedometer(BATCH, 3, auto_reset=False), eval_metric='acc')
print(seq.output_shapes)
for name, value in seq.score(it, 'acc'):
    print('sequential', name, round(float(value), 4))
print(seq.predict(it).shape)
logging.getLogger().removeHandler(handler)   # leave logging as it was found
logging.getLogger().setLevel(logging.WARNING)
