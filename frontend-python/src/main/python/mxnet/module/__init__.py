"""mxnet.module (mx.mod): Module over the runtime's dev.mxj.module.Module."""
from .module import BaseModule, Module  # noqa: F401
