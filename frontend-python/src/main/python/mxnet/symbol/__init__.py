"""mxnet.symbol (mx.sym): Symbol, Variable/var, Group, load/load_json, and every registered
operator as a Symbol function (generated from the registry on first use; see register.py)."""
from .symbol import *  # noqa: F401,F403
from .symbol import Symbol, var, Variable, Group, load, load_json, zeros, ones, full, arange  # noqa: F401
from . import op, _internal, contrib, linalg, random  # noqa: F401
from . import register as _register

_lookup, _dir = _register.namespace([''])
__getattr__ = _lookup


def __dir__():
    return sorted(set(globals()) | set(_dir()))
