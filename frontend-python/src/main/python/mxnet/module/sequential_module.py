"""SequentialModule: modules chained so that each one's outputs are the next one's data; the
runtime's dev.mxj.module.SequentialModule."""
import logging

from ..base import _bridge
from .base_module import BaseModule, _call, _log_sink

__all__ = ['SequentialModule']


class SequentialModule(BaseModule):
    """SequentialModule(logger): add(module, take_labels=False, auto_wiring=False) chains modules."""
    META_TAKE_LABELS = 'take_labels'
    META_AUTO_WIRING = 'auto_wiring'

    def __init__(self, logger=logging):
        super().__init__(logger)
        self._modules = []
        self._metas = []
        self._h = _call(_bridge.sequentialModule, _log_sink(logger))

    def add(self, module, **kwargs):
        """Append a module (a Module, BucketingModule or SequentialModule); returns self for chaining."""
        if getattr(module, '_h', None) is None:
            raise TypeError('SequentialModule.add takes a module, got %s' % type(module).__name__)
        for k in kwargs:
            if k not in (self.META_TAKE_LABELS, self.META_AUTO_WIRING):
                raise ValueError('Unknown meta "%s", a typo?' % k)
        _call(self._h.add, module._h, bool(kwargs.get(self.META_TAKE_LABELS, False)), bool(kwargs.get(self.META_AUTO_WIRING, False)))
        self._modules.append(module)
        self._metas.append(kwargs)
        return self

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        """Every module added with take_labels updates the metric with its outputs."""
        for meta, module in zip(self._metas, self._modules):
            if meta.get(self.META_TAKE_LABELS, False):
                module.update_metric(eval_metric, labels, pre_sliced)
