"""mx.autograd as the MXNet 1.x autograd tutorial uses it."""
import mxnet as mx
from mxnet import nd, autograd

x = nd.array([[1, 2], [3, 4]])
x.attach_grad()
with autograd.record():
    y = 2 * x * x
y.backward()
print(x.grad)

# head gradient and a function of several ops
x = nd.array([0.5, -1.0, 2.0])
x.attach_grad()
with autograd.record():
    z = nd.exp(x) * nd.sin(x) + x ** 3
z.backward(nd.array([1, 2, 3]))
print(x.grad)

# grad_req='add' accumulates over backward calls
w = nd.array([1.0, 2.0])
w.attach_grad(grad_req='add')
for _ in range(3):
    with autograd.record():
        l = (w * w).sum()
    l.backward()
print(w.grad)

# training/predict mode flags
print(autograd.is_recording(), autograd.is_training())
with autograd.record():
    print(autograd.is_recording(), autograd.is_training())
    with autograd.pause():
        print(autograd.is_recording(), autograd.is_training())
with autograd.record(train_mode=False):
    print(autograd.is_training())
with autograd.train_mode():
    print(autograd.is_training())
with autograd.predict_mode():
    print(autograd.is_training())

# control flow: the graph follows the Python execution
def f(a):
    b = a * 2
    while b.norm().asscalar() < 100:
        b = b * 2
    if b.sum().asscalar() > 0:
        c = b
    else:
        c = 100 * b
    return c

a = nd.array([0.3, -0.7])
a.attach_grad()
with autograd.record():
    c = f(a)
c.backward()
print(a.grad, (c / a))

# autograd.grad without touching .grad; detach and stop_gradient
x = nd.array([1.0, 2.0, 3.0])
x.attach_grad()
with autograd.record():
    y = x * x
    g = autograd.grad(y, [x], head_grads=nd.ones((3,)), create_graph=False, retain_graph=True)[0]
print(g)
with autograd.record():
    y = x * x
    u = y.detach()
    z = u * x
z.backward()
print(x.grad)
with autograd.record():
    y = nd.stop_gradient(x * 3) * x
y.backward()
print(x.grad)

# second derivative through create_graph
x = nd.array([0.1, 0.5, 1.0])
x.attach_grad()
with autograd.record():
    y = nd.sin(x)
    dy = autograd.grad(y, [x], create_graph=True, retain_graph=True)[0]
dy.backward()
print(x.grad)

# neural-network operators under autograd
data = nd.arange(6).reshape((2, 3)) / 10
weight = nd.array([[0.1, -0.2, 0.3], [0.0, 0.5, -0.5]])
bias = nd.array([0.01, -0.02])
label = nd.array([1, 0])
for p in (weight, bias):
    p.attach_grad()
with autograd.record():
    out = nd.FullyConnected(data, weight, bias, num_hidden=2)
    loss = nd.softmax_cross_entropy(out, label)
loss.backward()
print(out)
print(loss)
print(weight.grad)
print(bias.grad)

# mark_variables with explicit gradient buffers
v = nd.array([1.0, 2.0])
gv = nd.zeros((2,))
autograd.mark_variables([v], [gv])
with autograd.record():
    s = (v * 3).sum()
s.backward()
print(gv)
