"""mxnet.symbol.random: the registry's _random_ operators as Symbol functions."""
from . import register as _register

__getattr__, __dir__ = _register.namespace(['_random_'])
