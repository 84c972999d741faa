"""PyTorch's side of mxj's training-step figures, printed as 'name value' lines.

Run by dev.mxj.bench.Figures with MXJ_BENCH_TORCH_PYTHON pointing at a Python that imports torch
(e.g. a venv with the machine image's CPU wheel installed with --no-deps). Same shapes, batch
sizes, optimizer and thread count as the Java side; medians of timed steps after warm-up.
"""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
torch.manual_seed(0)


def median_seconds(fn, warm, reps):
    for _ in range(warm):
        fn()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    ts.sort()
    return ts[len(ts) // 2]


def step_figure(model, x, y, warm=50, reps=101):
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    return x.shape[0] / median_seconds(step, warm, reps)


mlp = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
x = torch.rand(128, 784)
y = torch.randint(0, 10, (128,))
print("mlp_step_samples_per_s", step_figure(mlp, x, y))

lenet = nn.Sequential(nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Flatten(), nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10))
x = torch.rand(128, 1, 28, 28)
print("lenet_step_samples_per_s", step_figure(lenet, x, y))

data = torch.rand(32, 64, 56, 56)
weight = torch.rand(64, 64, 3, 3) - 0.5
with torch.no_grad():
    print("conv_forward_ms", 1000 * median_seconds(lambda: F.conv2d(data, weight, padding=1), 3, 11))
d = data.clone().requires_grad_()
w = weight.clone().requires_grad_()


def fwd_bwd():
    out = F.conv2d(d, w, padding=1)
    out.backward(torch.ones_like(out))


print("conv_forward_backward_ms", 1000 * median_seconds(fwd_bwd, 3, 11))
