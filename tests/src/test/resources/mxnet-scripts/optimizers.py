"""mx.optimizer and mx.lr_scheduler: the update rules step by step, as Module and Trainer drive them."""
import mxnet as mx
from mxnet import nd

def run(name, steps=3, **kwargs):
    opt = mx.optimizer.create(name, **kwargs)
    updater = mx.optimizer.get_updater(opt)
    w = nd.array([[0.5, -1.0], [2.0, 0.25]])
    for t in range(steps):
        g = nd.array([[0.1, -0.2], [0.3, 0.05]]) * (t + 1) + w * 0.01
        updater(0, g, w)
    print(name, kwargs)
    print(w)

run('sgd', learning_rate=0.1)
run('sgd', learning_rate=0.1, momentum=0.9, wd=0.01)
run('sgd', learning_rate=0.1, momentum=0.9, rescale_grad=0.5, clip_gradient=0.1)
run('nag', learning_rate=0.1, momentum=0.9)
run('adam', learning_rate=0.01)
run('adam', learning_rate=0.01, beta1=0.8, beta2=0.99, epsilon=1e-6, wd=0.1)
run('rmsprop', learning_rate=0.01)
run('rmsprop', learning_rate=0.01, centered=True)
run('adagrad', learning_rate=0.1)
run('adadelta', rho=0.9)
run('ftrl', learning_rate=0.1)
run('ftml', learning_rate=0.01)
run('signum', learning_rate=0.01, momentum=0.9)
run('adamax', learning_rate=0.01)
run('nadam', learning_rate=0.01)

opt = mx.optimizer.SGD(learning_rate=0.5, momentum=0.5)
print(type(opt).__name__, opt.learning_rate)
opt.set_learning_rate(0.25)
print(opt.learning_rate)

sched = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=1.0)
print([sched(n) for n in range(1, 8)])
sched = mx.lr_scheduler.MultiFactorScheduler(step=[2, 5], factor=0.1, base_lr=1.0)
print([round(sched(n), 6) for n in range(1, 8)])
sched = mx.lr_scheduler.PolyScheduler(max_update=10, base_lr=1.0, pwr=2)
print([round(sched(n), 6) for n in (0, 1, 5, 10, 12)])
sched = mx.lr_scheduler.CosineScheduler(max_update=10, base_lr=1.0, final_lr=0.1)
print([round(sched(n), 6) for n in (0, 1, 5, 10, 12)])

opt = mx.optimizer.create('sgd', learning_rate=1.0, lr_scheduler=mx.lr_scheduler.FactorScheduler(step=1, factor=0.5))
updater = mx.optimizer.get_updater(opt)
w = nd.array([1.0])
for _ in range(3):
    updater(0, nd.array([1.0]), w)
print(w)
