"""mxnet.symbol.op: the registry's every operators as Symbol functions."""
from . import register as _register

__getattr__, __dir__ = _register.namespace([''])
