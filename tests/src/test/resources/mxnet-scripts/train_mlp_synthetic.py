"""A two-layer MLP trained with autograd, mx.optimizer, mx.metric and mx.io.NDArrayIter on
deterministic synthetic data (no random numbers, so any MXNet prints the same)."""
import math
import mxnet as mx
from mxnet import nd, autograd

n, d, h, k = 96, 8, 16, 3
rows = [[math.sin(0.37 * i + 0.11 * j) for j in range(d)] for i in range(n)]
labels = [int((sum(r[:3]) - sum(r[3:6])) > 0) + int(r[7] > 0.5) for r in rows]
data = nd.array(rows)
label = nd.array(labels)

w1 = nd.array([[math.cos(0.5 * i + 0.3 * j) * 0.3 for j in range(d)] for i in range(h)])
b1 = nd.zeros((h,))
w2 = nd.array([[math.sin(0.7 * i - 0.2 * j) * 0.3 for j in range(h)] for i in range(k)])
b2 = nd.zeros((k,))
params = [w1, b1, w2, b2]
for p in params:
    p.attach_grad()

def net(x):
    hidden = nd.relu(nd.FullyConnected(x, w1, b1, num_hidden=h))
    return nd.FullyConnected(hidden, w2, b2, num_hidden=k)

batch = 16
opt = mx.optimizer.create('sgd', learning_rate=0.5, momentum=0.9, rescale_grad=1.0 / batch)
updater = mx.optimizer.get_updater(opt)
train = mx.io.NDArrayIter(data, label, batch_size=batch, shuffle=False)
metric = mx.metric.Accuracy()
for epoch in range(6):
    train.reset()
    metric.reset()
    total = 0.0
    for b in train:
        x, y = b.data[0], b.label[0]
        with autograd.record():
            out = net(x)
            loss = nd.softmax_cross_entropy(out, y)
        loss.backward()
        for i, p in enumerate(params):
            updater(i, p.grad, p)
        metric.update([y], [out])
        total += loss.asscalar()
    print('epoch %d loss %.4f %s %.4f' % (epoch, total / n, metric.get()[0], metric.get()[1]))
print(nd.argmax(net(data[:8]), axis=1))
