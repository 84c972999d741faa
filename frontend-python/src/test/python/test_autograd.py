"""mx.autograd: scopes, modes, backward, grad, mark_variables (MXNet 1.9.1's values)."""
import mxnet as mx
from mxnet import autograd
from mxnet.test_utils import assert_almost_equal
from helpers import raises


def test_scopes_and_modes():
    assert not autograd.is_recording() and not autograd.is_training()
    with autograd.record():
        assert autograd.is_recording() and autograd.is_training()
        with autograd.pause():
            assert not autograd.is_recording() and not autograd.is_training()
        with autograd.predict_mode():
            assert autograd.is_recording() and not autograd.is_training()
    with autograd.record(train_mode=False):
        assert not autograd.is_training()
    with autograd.train_mode():
        assert autograd.is_training() and not autograd.is_recording()
    assert not autograd.is_recording() and not autograd.is_training()
    assert autograd.set_recording(True) is False and autograd.set_recording(False) is True


def test_backward_of_a_small_graph():
    x = mx.nd.array([[1, 2], [3, 4]])
    x.attach_grad()
    with autograd.record():
        y = mx.nd.relu(mx.nd.dot(x, x.T)).sum()
    y.backward()
    # d/dx sum(x x^T) = (J x) + (J x) with J all ones: each row gets 2 * column sums
    assert x.grad.tolist() == [[8, 12], [8, 12]]
    assert y.tolist() == [52]


def test_head_gradient_retain_graph_and_add():
    x = mx.nd.array([1, 2, 3])
    x.attach_grad(grad_req='add')
    with autograd.record():
        y = x * x
    y.backward(mx.nd.array([1, 1, 1]), retain_graph=True)
    y.backward(mx.nd.array([0.5, 0.5, 0.5]))
    assert x.grad.tolist() == [3, 6, 9]


def test_grad_function_and_higher_order():
    x = mx.nd.array([1, 2, 3])
    x.attach_grad()
    with autograd.record():
        y = x * x * x
    g = autograd.grad(y, x)
    assert g.tolist() == [3, 12, 27]
    assert x.grad.tolist() == [0, 0, 0]  # grad() leaves the variables' buffers alone
    x2 = mx.nd.array([0.0, 1.0])
    x2.attach_grad()
    with autograd.record():
        z = mx.nd.exp(x2)
        gs = autograd.grad([z], [x2], create_graph=True)
    assert isinstance(gs, list)
    assert_almost_equal(gs[0], [1.0, 2.7182817], rtol=1e-6)
    gs[0].backward()  # second order: d/dx exp(x) = exp(x)
    assert_almost_equal(x2.grad, [1.0, 2.7182817], rtol=1e-6)


def test_second_order_through_powers_quotients_and_reductions():
    x = mx.nd.array([0.5, -1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        dy = autograd.grad((x ** 3).sum(), [x], create_graph=True)[0]   # 3 x^2
    assert_almost_equal(dy, [0.75, 3.0, 12.0], rtol=1e-6)
    dy.backward()                                                      # 6 x
    assert_almost_equal(x.grad, [3.0, -6.0, 12.0], rtol=1e-6)
    with autograd.record():
        dq = autograd.grad(3.0 / x, [x], create_graph=True)[0]         # -3 / x^2
    dq.backward()                                                      # 6 / x^3
    assert_almost_equal(x.grad, [48.0, -6.0, 0.75], rtol=1e-6)


def test_gradient_penalty_through_a_dense_layer():
    """d/db of ||d sum(tanh(x W^T + b)) / dx||^2, against central differences of the penalty."""
    x = mx.nd.array([[0.3, -0.2]], dtype='float64')
    w = mx.nd.array([[0.5, -1.0], [1.5, 0.25], [-0.75, 0.8]], dtype='float64')
    b = mx.nd.array([0.1, -0.3, 0.2], dtype='float64')

    def penalty(bias, create_graph):
        xs = x.copy()
        xs.attach_grad()
        with autograd.record():
            y = mx.nd.tanh(mx.nd.FullyConnected(xs, w, bias, num_hidden=3)).sum()
            gx = autograd.grad(y, [xs], create_graph=create_graph)[0]
            p = (gx * gx).sum()
        return p

    b.attach_grad()
    p = penalty(b, True)
    p.backward()
    got = b.grad.tolist()
    eps = 1e-5
    for i in range(3):
        hi, lo = b.copy(), b.copy()
        hi[i] = b[i].asscalar() + eps
        lo[i] = b[i].asscalar() - eps
        want = (penalty(hi, False).asscalar() - penalty(lo, False).asscalar()) / (2 * eps)
        assert abs(got[i] - want) < 1e-6, (i, got[i], want)


def test_mark_variables_and_module_backward():
    x = mx.nd.array([1, 2])
    gx = mx.nd.zeros(2)
    autograd.mark_variables([x], [gx])
    with autograd.record():
        y = (x * 3).sum()
    autograd.backward([y])
    assert gx.tolist() == [3, 3]


def test_detach_and_training_dependent_ops():
    x = mx.nd.array([1, 2])
    x.attach_grad()
    with autograd.record():
        y = (x.detach() * x).sum()
    y.backward()
    assert x.grad.tolist() == [1, 2]
    d = mx.nd.ones((100,))
    with autograd.record(train_mode=False):
        assert mx.nd.Dropout(d, p=0.5).tolist() == [1] * 100
    mx.random.seed(0)
    with autograd.record():
        kept = mx.nd.Dropout(d, p=0.5).tolist()
    assert set(kept) <= {0.0, 2.0} and 0 < kept.count(2.0) < 100


def test_backward_without_recording_fails_cleanly():
    x = mx.nd.array([1, 2])
    x.attach_grad()
    y = x * 2
    raises(lambda: y.backward(), 'record')
    raises(lambda: x.attach_grad(grad_req='sometimes'), 'grad_req')
