"""mxnet.symbol.contrib: the registry's _contrib_ operators as Symbol functions."""
from . import register as _register

__getattr__, __dir__ = _register.namespace(['_contrib_'])
