"""Start-up training run (Python half): what a short MXNet script touches, so that the launcher's
AOT cache holds those classes loaded and linked. Run by `mxj startup-training`, never by users."""
import mxnet as mx
from mxnet import autograd, nd

x = nd.array([[1, 2], [3, 4]])
w = nd.ones((3, 2))
b = nd.zeros((3,))
for p in (w, b):
    p.attach_grad()
updater = mx.optimizer.get_updater(mx.optimizer.create('sgd', learning_rate=0.1))
metric = mx.metric.create('acc')
it = mx.io.NDArrayIter(x, nd.array([0, 1]), batch_size=2)
for batch in it:
    with autograd.record():
        out = nd.FullyConnected(batch.data[0], w, b, num_hidden=3)
        loss = nd.softmax_cross_entropy(nd.relu(out), batch.label[0])
    loss.backward()
    for i, p in enumerate((w, b)):
        updater(i, p.grad, p)
    metric.update([batch.label[0]], [out])
(x[0, 1] + 1).asscalar()
nd.waitall()
