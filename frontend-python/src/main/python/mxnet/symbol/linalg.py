"""mxnet.symbol.linalg: the registry's _linalg_ operators as Symbol functions."""
from . import register as _register

__getattr__, __dir__ = _register.namespace(['_linalg_'])
