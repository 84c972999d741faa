"""mxnet.autograd: recording scopes, train/predict mode, backward and grad."""
from .base import _bridge, _err, MXNetError

__all__ = ['record', 'pause', 'train_mode', 'predict_mode', 'is_recording', 'is_training', 'set_recording',
           'set_training', 'mark_variables', 'backward', 'grad', 'get_symbol', 'Function']


def set_recording(is_recording):
    """Turn recording on or off; returns the previous state."""
    return bool(_bridge.setRecording(bool(is_recording)))


def set_training(train_mode):
    """Turn training mode on or off; returns the previous state."""
    return bool(_bridge.setTraining(bool(train_mode)))


def is_recording():
    return bool(_bridge.isRecording())


def is_training():
    return bool(_bridge.isTraining())


class _RecordingStateScope:
    """Sets recording and/or training mode on entry and restores both on exit."""

    def __init__(self, is_record, train_mode):
        self._enter_is_record = is_record
        self._enter_train_mode = train_mode
        self._prev_is_record = None
        self._prev_train_mode = None

    def __enter__(self):
        if self._enter_is_record is not None:
            self._prev_is_record = set_recording(self._enter_is_record)
        if self._enter_train_mode is not None:
            self._prev_train_mode = set_training(self._enter_train_mode)
        return self

    def __exit__(self, ptype, value, trace):
        if self._enter_is_record is not None and self._prev_is_record != self._enter_is_record:
            set_recording(self._prev_is_record)
        if self._enter_train_mode is not None and self._prev_train_mode != self._enter_train_mode:
            set_training(self._prev_train_mode)


def record(train_mode=True):
    """Scope in which operations are recorded for backward (training mode by default)."""
    return _RecordingStateScope(True, train_mode)


def pause(train_mode=False):
    """Scope in which operations are not recorded."""
    return _RecordingStateScope(False, train_mode)


def train_mode():
    return _RecordingStateScope(None, True)


def predict_mode():
    return _RecordingStateScope(None, False)


def _handles(arrays, what):
    from .ndarray import NDArray
    if isinstance(arrays, NDArray):
        arrays = [arrays]
    out = []
    for a in arrays:
        if a is not None and not isinstance(a, NDArray):
            raise TypeError('%s must be NDArrays, got %s' % (what, type(a).__name__))
        out.append(None if a is None else a._h)
    return out


def mark_variables(variables, gradients, grad_reqs='write'):
    """Mark arrays as variables whose gradients go into `gradients`."""
    from .ndarray import NDArray
    if isinstance(variables, NDArray):
        variables, gradients = [variables], [gradients]
    if isinstance(grad_reqs, str):
        grad_reqs = [grad_reqs] * len(variables)
    try:
        _bridge.markVariables(_handles(variables, 'variables'), _handles(gradients, 'gradients'), list(grad_reqs))
    except BaseException as e:
        raise _err(e) from None


def backward(heads, head_grads=None, retain_graph=False, train_mode=True):
    """Gradients of `heads` into the marked variables' grad buffers."""
    hg = None if head_grads is None else _handles(head_grads, 'head_grads')
    try:
        _bridge.backward(_handles(heads, 'heads'), hg, retain_graph, train_mode)
    except BaseException as e:
        raise _err(e) from None


def grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False, train_mode=True):
    """Gradients of `heads` with respect to `variables`, returned as new arrays."""
    from .ndarray.ndarray import NDArray, _new
    single = isinstance(variables, NDArray)
    if retain_graph is None:
        retain_graph = create_graph
    hg = None if head_grads is None else _handles(head_grads, 'head_grads')
    try:
        res = _bridge.grad(_handles(heads, 'heads'), _handles(variables, 'variables'), hg, retain_graph, create_graph, train_mode)
    except BaseException as e:
        raise _err(e) from None
    out = [_new(h) for h in res]
    return out[0] if single else out


def get_symbol(x):
    raise MXNetError('autograd.get_symbol is not supported by mxj yet')


class Function:
    """Custom differentiable functions (autograd.Function) are not supported by mxj yet."""

    def __init__(self):
        raise MXNetError('autograd.Function (custom Python gradients) is not supported by mxj yet')
