"""mxnet.ndarray.sparse: sparse storage is not implemented by mxj; only dense arrays exist."""
from ..base import MXNetError


def __getattr__(name):
    if name.startswith('__'):
        raise AttributeError(name)
    raise MXNetError('mx.nd.sparse.%s: sparse storage types are not supported by mxj (dense arrays only)' % name)
