"""mxnet.ndarray._internal: the registry's underscore operators (_plus_scalar, _zeros, ...)."""
from . import register as _register

__getattr__, __dir__ = _register.namespace([''], public_only=False, into=globals())
