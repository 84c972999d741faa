"""BucketingModule: one Module per bucket key (e.g. a sequence length), made by sym_gen on first
use; every bucket shares the default bucket's parameters, gradients and memory. The runtime's
dev.mxj.module.BucketingModule, calling sym_gen back in Python."""
import logging

from ..base import _bridge, MXNetError
from ..symbol.symbol import Symbol
from .base_module import BaseModule, _call, _as_list, _java_descs, _log_sink
from .module import _one_context

__all__ = ['BucketingModule']


def _py_key(key):
    """A bucket key as Python gave it: the runtime hands tuples back as lists."""
    if key is None or isinstance(key, (int, float, str)):
        return key
    return tuple(_py_key(k) for k in key)


class BucketingModule(BaseModule):
    """BucketingModule(sym_gen, default_bucket_key, logger, context, fixed_param_names): sym_gen(key)
    returns (symbol, data_names, label_names). Bind with the default (largest) bucket's shapes."""

    def __init__(self, sym_gen, default_bucket_key=None, logger=logging, context=None, work_load_list=None,
                 fixed_param_names=None, state_names=None, group2ctxs=None, compression_params=None):
        super().__init__(logger)
        assert default_bucket_key is not None
        context = _one_context(context, 'BucketingModule')
        if state_names:
            raise MXNetError('BucketingModule(state_names=...) is not supported by mxj')
        if group2ctxs:
            raise MXNetError('BucketingModule(group2ctxs=...) is not supported by mxj')
        self._sym_gen = sym_gen
        self._default_bucket_key = default_bucket_key
        self._context = context

        def gen(key):
            r = sym_gen(_py_key(key))
            if not isinstance(r, (tuple, list)) or len(r) != 3 or not isinstance(r[0], Symbol):
                raise TypeError('sym_gen must return (symbol, data_names, label_names), got %r' % (r,))
            sym, data_names, label_names = r
            return [sym._h, [str(n) for n in _as_list(data_names)], [str(n) for n in _as_list(label_names)]]
        self._h = _call(_bridge.bucketingModule, gen, default_bucket_key, context._h,
                        [str(n) for n in _as_list(fixed_param_names)], _log_sink(logger))

    @property
    def default_bucket_key(self):
        return self._default_bucket_key

    @property
    def _curr_bucket_key(self):
        k = self._h.bucketKey()
        return None if k is None else _py_key(k)

    @property
    def _buckets(self):
        """The bucket keys bound so far (MXNet's dict of modules; here the keys, in order)."""
        return [_py_key(k) for k in self._h.buckets().keySet()]

    def _label_names(self):
        if not self.binded:
            sym, _, label_names = self._sym_gen(self._default_bucket_key)
            return [n for n in _as_list(label_names) if n in sym.list_arguments()]
        return [str(n) for n in _call(lambda: self._h.buckets().get(self._h.bucketKey()).labelNames())]

    @property
    def label_names(self):
        return self._label_names()

    def switch_bucket(self, bucket_key, data_shapes, label_shapes=None):
        """Make bucket_key's module current, binding it (sharing the default bucket's memory) on first use."""
        assert self.binded, 'call bind before switching bucket'
        _call(self._h.switchBucket, bucket_key, _java_descs(data_shapes), None if not label_shapes else _java_descs(label_shapes))
