"""mxnet.ndarray.contrib: the registry's _contrib_ operators."""
from . import register as _register

__getattr__, __dir__ = _register.namespace(['_contrib_'], into=globals())
