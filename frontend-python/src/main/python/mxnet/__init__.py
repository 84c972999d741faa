"""mxnet on mxj: MXNet 1.x's Python API over the mxj runtime (Java), running on GraalPy.

Submodules other than ndarray/context/base are imported on first use (PEP 562), which keeps the
start-up of a small script short; `import mxnet.io`, `from mxnet import io` and `mx.io` all work."""
__version__ = '1.9.1'

from .base import MXNetError  # noqa: F401
from . import base, context  # noqa: F401
from .context import Context, current_context, cpu, gpu, cpu_pinned, num_gpus  # noqa: F401
from . import ndarray  # noqa: F401
from . import ndarray as nd  # noqa: F401

_LAZY = {'autograd': 'autograd', 'random': 'random', 'optimizer': 'optimizer', 'lr_scheduler': 'lr_scheduler',
         'initializer': 'initializer', 'init': 'initializer', 'metric': 'metric', 'io': 'io', 'test_utils': 'test_utils',
         'symbol': 'symbol', 'sym': 'symbol', 'module': 'module', 'mod': 'module', 'model': 'model', 'executor': 'executor',
         'callback': 'callback', 'viz': 'visualization', 'visualization': 'visualization', 'mon': 'monitor',
         'monitor': 'monitor', 'attribute': 'attribute', 'name': 'name'}
# classes MXNet exports at the top level, with the submodule that defines them
_LAZY_NAMES = {'AttrScope': 'attribute'}


def __getattr__(name):
    import importlib
    if name in _LAZY_NAMES:
        v = getattr(importlib.import_module('.' + _LAZY_NAMES[name], __name__), name)
        globals()[name] = v
        return v
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError("module 'mxnet' has no attribute '%s'" % name)
    m = importlib.import_module('.' + mod, __name__)
    globals()[name] = m
    return m


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | set(_LAZY_NAMES))
