"""mxnet.ndarray.op: every registered operator (public names), generated from the registry."""
from . import register as _register

__getattr__, __dir__ = _register.namespace([''], into=globals())
