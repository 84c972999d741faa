"""mxnet.ndarray.linalg: the registry's _linalg_ operators (linalg.gemm2 is _linalg_gemm2)."""
from . import register as _register

__getattr__, __dir__ = _register.namespace(['_linalg_'], into=globals())
