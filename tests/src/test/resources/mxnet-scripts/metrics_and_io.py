"""mx.metric and mx.io as training loops use them."""
import os
import tempfile
import mxnet as mx
from mxnet import nd

pred = nd.array([[0.3, 0.7], [0.6, 0.4], [0.1, 0.9], [0.8, 0.2]])
label = nd.array([1, 1, 1, 0])
for name in ('acc', 'ce', 'nll_loss', 'mse', 'mae', 'rmse', 'f1', 'mcc'):
    m = mx.metric.create(name)
    m.update([label], [pred])
    n, v = m.get()
    print(n, round(float(v), 5))
acc = mx.metric.Accuracy()
acc.update([label], [pred])
acc.update([nd.array([0, 0])], [nd.array([[0.9, 0.1], [0.2, 0.8]])])
print(acc.get()[0], round(float(acc.get()[1]), 6), acc.num_inst, float(acc.sum_metric))
acc.reset()
n, v = acc.get()
print(n, v != v)  # nan after reset
top = mx.metric.TopKAccuracy(top_k=2)
top.update([nd.array([2, 0])], [nd.array([[0.1, 0.5, 0.4], [0.2, 0.3, 0.5]])])
print(top.get()[0], float(top.get()[1]))
comp = mx.metric.create(['acc', 'mse'])
comp.update([label], [pred])
names, values = comp.get()
print(names, [round(float(v), 6) for v in values])
print(mx.metric.create('perplexity', ignore_label=None).get()[0])
reg = mx.metric.MSE()
reg.update([nd.array([1.0, 2.0])], [nd.array([1.5, 1.0])])
print([(n, round(float(v), 6)) for n, v in reg.get_name_value()])

# NDArrayIter: batches, padding, discarding, roll-over
data = nd.arange(20).reshape((10, 2))
labels = nd.arange(10)
it = mx.io.NDArrayIter(data, labels, batch_size=4, shuffle=False)
print([(d.name, d.shape) for d in it.provide_data], [(d.name, d.shape) for d in it.provide_label])
for batch in it:
    print(batch.data[0].shape, batch.label[0], batch.pad)
it.reset()
print(next(it).data[0][0])
it = mx.io.NDArrayIter(data, labels, batch_size=4, last_batch_handle='discard')
print(sum(1 for _ in it))
it = mx.io.NDArrayIter({'x': data}, {'y': labels}, batch_size=3, last_batch_handle='roll_over')
print([b.data[0].shape[0] for b in it], it.provide_data[0].name, it.provide_label[0].name)
it.reset()
print([b.label[0].shape for b in it])

# CSVIter over a small file
d = tempfile.mkdtemp()
path = os.path.join(d, 'data.csv')
with open(path, 'w') as f:
    for i in range(5):
        f.write('%d,%d,%d\n' % (i, i * 2, i * 3))
lpath = os.path.join(d, 'label.csv')
with open(lpath, 'w') as f:
    for i in range(5):
        f.write('%d\n' % (i % 2))
it = mx.io.CSVIter(data_csv=path, data_shape=(3,), label_csv=lpath, label_shape=(1,), batch_size=2)
for b in it:
    print(b.data[0], b.label[0], b.pad)

desc = mx.io.DataDesc('data', (4, 3))
print(desc.name, desc.shape, desc.layout)
batch = mx.io.DataBatch(data=[nd.ones((2, 2))], label=[nd.zeros((2,))], pad=1)
print(batch.pad, batch.data[0].shape)
