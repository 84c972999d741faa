"""mxnet.ndarray (mx.nd): the NDArray, creation functions, and every registered operator as a
function (generated from the registry on first use; see register.py)."""
from .ndarray import *  # noqa: F401,F403
from .ndarray import NDArray, _FLUENT
from . import register as _register
from . import op, _internal, random, contrib, linalg, sparse  # noqa: F401
from .utils import *  # noqa: F401,F403

_lookup, _dir = _register.namespace([''], into=globals())
__getattr__ = _lookup


def __dir__():
    return sorted(set(globals()) | set(_dir()))
