"""Executor: a bound Symbol (dev.mxj.executor.Executor in `_h`), as MXNet's."""
from .base import _bridge, _err
from .ndarray.ndarray import NDArray, _new, array

__all__ = ['Executor']


def _call(fn, *args):
    try:
        return fn(*args)
    except BaseException as e:
        raise _err(e) from None


def _wrap(h):
    return None if h is None else _new(h)


def _dict(m):
    names, arrays = _call(_bridge.dict, m)
    return {str(n): _wrap(a) for n, a in zip(names, arrays)}


class Executor:
    """Made by Symbol.bind / Symbol.simple_bind."""

    def __init__(self, handle, symbol):
        self._h = handle
        self._symbol = symbol

    def forward(self, is_train=False, **kwargs):
        """Run the graph; keyword arrays are copied into the arguments of those names first. Returns outputs."""
        kw = None
        if kwargs:
            names, handles = [], []
            for k, v in kwargs.items():
                if not isinstance(v, NDArray):
                    v = array(v)
                names.append(k)
                handles.append(v._h)
            kw = [names, handles]
        return [_new(h) for h in _call(_bridge.execForward, self._h, bool(is_train), kw)]

    def backward(self, out_grads=None, is_train=True):
        """Gradients into grad_arrays (by grad_req); out_grads: head gradients (NDArray or list)."""
        if out_grads is not None:
            if isinstance(out_grads, NDArray):
                out_grads = [out_grads]
            elif isinstance(out_grads, dict):
                out_grads = [out_grads[n] for n in self._symbol.list_outputs()]
            out_grads = [None if g is None else g._h for g in out_grads]
        _call(_bridge.execBackward, self._h, out_grads)

    @property
    def outputs(self):
        return [_new(h) for h in _call(self._h.outputs)]

    @property
    def arg_arrays(self):
        return [_wrap(h) for h in _call(self._h.argArrays)]

    @property
    def grad_arrays(self):
        return [_wrap(h) for h in _call(self._h.gradArrays)]

    @property
    def aux_arrays(self):
        return [_wrap(h) for h in _call(self._h.auxArrays)]

    @property
    def arg_dict(self):
        return _dict(_call(self._h.argDict))

    @property
    def grad_dict(self):
        return _dict(_call(self._h.gradDict))

    @property
    def aux_dict(self):
        return _dict(_call(self._h.auxDict))

    @property
    def output_dict(self):
        return _dict(_call(self._h.outputDict))

    def copy_params_from(self, arg_params, aux_params=None, allow_extra_params=False):
        """Copy parameters into the bound arrays of the same names (MXNet's copy_params_from)."""
        arg_dict, aux_dict = self.arg_dict, self.aux_dict
        for name, src in (arg_params or {}).items():
            if name in arg_dict:
                src.copyto(arg_dict[name])
            elif not allow_extra_params:
                raise ValueError('Find name "%s" that is not in the arguments' % name)
        for name, src in (aux_params or {}).items():
            if name in aux_dict:
                src.copyto(aux_dict[name])
            elif not allow_extra_params:
                raise ValueError('Find name %s that is not in the auxiliary states' % name)

    def reshape(self, partial_shaping=False, allow_up_sizing=False, **kwargs):
        """A new Executor for new input shapes, sharing this one's parameter arrays (MXNet's rules)."""
        names = list(kwargs)
        h = _call(_bridge.execReshape, self._h, bool(partial_shaping), bool(allow_up_sizing), names,
                  [[int(x) for x in kwargs[n]] for n in names])
        return Executor(h, self._symbol)

    def set_monitor_callback(self, callback, monitor_all=False):
        """callback(name, NDArray) after each operator runs, with its outputs (and inputs with monitor_all)."""
        fn = None
        if callback is not None:
            def fn(name, h):
                callback(str(name), _new(h))
        _call(_bridge.execSetMonitor, self._h, fn, bool(monitor_all))

    def debug_str(self):
        return str(_call(self._h.debugStr))

    def __repr__(self):
        return '<Executor %s>' % self._symbol.name
