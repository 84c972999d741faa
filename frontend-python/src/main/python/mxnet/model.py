"""mx.model: checkpoints (prefix-symbol.json and prefix-%04d.params) and BatchEndParam."""
from collections import namedtuple

from .base import _bridge, _err
from .ndarray.ndarray import _new

__all__ = ['save_checkpoint', 'load_checkpoint', 'load_params', 'BatchEndParam']

BatchEndParam = namedtuple('BatchEndParams', ['epoch', 'nbatch', 'eval_metric', 'locals'])


def _pairs(d):
    d = d or {}
    return [list(d), [v._h for v in d.values()]]


def save_checkpoint(prefix, epoch, symbol, arg_params, aux_params, remove_amp_cast=True):
    """Write prefix-symbol.json and prefix-%04d.params (arg:/aux: names), as MXNet."""
    try:
        _bridge.saveCheckpoint(str(prefix), int(epoch), symbol._h, _pairs(arg_params), _pairs(aux_params))
    except BaseException as e:
        raise _err(e) from None


def _load(prefix, epoch):
    try:
        return _bridge.loadCheckpoint(str(prefix), int(epoch))
    except BaseException as e:
        raise _err(e) from None


def load_checkpoint(prefix, epoch):
    """(symbol, arg_params, aux_params) of a checkpoint."""
    from .symbol.symbol import _sym
    r = _load(prefix, epoch)
    return (_sym(r[0]), {str(n): _new(a) for n, a in zip(r[1], r[2])}, {str(n): _new(a) for n, a in zip(r[3], r[4])})


def load_params(prefix, epoch):
    """(arg_params, aux_params) of a checkpoint."""
    _, arg, aux = load_checkpoint(prefix, epoch)
    return arg, aux
