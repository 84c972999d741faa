"""Module: MXNet 1.x's module over one Symbol, the runtime's dev.mxj.module.Module (in `_h`):
binding, parameters, the optimizer and the forward/backward/update steps are the runtime's. A
Python-defined optimizer (an mx.optimizer.Optimizer subclass) updates the bound parameters from
Python through mx.optimizer's Updater."""
import logging
import warnings

from ..base import _bridge, MXNetError, string_types
from ..context import cpu, Context
from .base_module import BaseModule, _call, _as_list, _java_descs, _log_sink
from ..ndarray.ndarray import _new

__all__ = ['Module']


def _one_context(context, what):
    if isinstance(context, (list, tuple)):
        if len(context) != 1:
            raise MXNetError('%s: mxj binds a module to one context (data parallelism over several is not implemented); '
                             'got %d contexts %s' % (what, len(context), list(context)))
        context = context[0]
    if context is None:
        context = cpu()
    if not isinstance(context, Context):
        raise TypeError('%s: context must be a Context, got %s' % (what, type(context).__name__))
    return context


class Module(BaseModule):
    """A module over one Symbol (MXNet's mx.mod.Module; one context)."""

    def __init__(self, symbol, data_names=('data',), label_names=('softmax_label',), logger=logging, context=None,
                 work_load_list=None, fixed_param_names=None, state_names=None, group2ctxs=None, compression_params=None,
                 _handle=None):
        super().__init__(logger)
        context = _one_context(context, 'Module')
        if state_names:
            raise MXNetError('Module(state_names=...) is not supported by mxj')
        if group2ctxs:
            raise MXNetError('Module(group2ctxs=...) is not supported by mxj; bind the symbol with '
                             'simple_bind(group2ctx=...) for model parallelism')
        self._symbol = symbol
        self._context = context
        self._data_names_py = [str(n) for n in _as_list(data_names)]
        self._label_names_py = [str(n) for n in _as_list(label_names)]
        self._py_optimizer = None
        self._py_updater = None
        if _handle is not None:
            self._h = _handle
        else:
            self._h = _call(_bridge.module, symbol._h, self._data_names_py, self._label_names_py, context._h,
                            [str(n) for n in _as_list(fixed_param_names)], _log_sink(logger))

    @staticmethod
    def load(prefix, epoch, load_optimizer_states=False, **kwargs):
        """A module from a checkpoint; its parameters are set when it is bound."""
        from ..symbol.symbol import _sym
        data_names = kwargs.get('data_names', ('data',))
        label_names = kwargs.get('label_names', ('softmax_label',))
        logger = kwargs.get('logger', logging)
        context = _one_context(kwargs.get('context', None), 'Module.load')
        h = _call(_bridge.moduleLoad, str(prefix), int(epoch), bool(load_optimizer_states),
                  [str(n) for n in _as_list(data_names)], [str(n) for n in _as_list(label_names)], context._h, _log_sink(logger))
        return Module(_sym(_call(h.symbol)), data_names, label_names, logger=logger, context=context, _handle=h)

    def save_checkpoint(self, prefix, epoch, save_optimizer_states=False, remove_amp_cast=True):
        if save_optimizer_states and self._py_updater is not None:
            raise MXNetError('save_checkpoint: saving the state of a Python-defined optimizer is not supported')
        _call(self._h.saveCheckpoint, str(prefix), int(epoch), bool(save_optimizer_states))

    @property
    def symbol(self):
        return self._symbol

    @property
    def label_names(self):
        return [str(n) for n in _call(self._h.labelNames)]

    def _label_names(self):
        return self.label_names

    @property
    def optimizer_initialized(self):
        return self._py_updater is not None or bool(self._h.isOptimizerInitialized())

    def reshape(self, data_shapes, label_shapes=None):
        """Rebind for new input shapes, keeping the parameters."""
        _call(_bridge.moduleReshape, self._h, _java_descs(data_shapes), None if not label_shapes else _java_descs(label_shapes))

    def borrow_optimizer(self, shared_module):
        """Use another Module's optimizer (bucketing does this)."""
        if shared_module._py_updater is not None:
            self._py_optimizer, self._py_updater = shared_module._py_optimizer, shared_module._py_updater
        else:
            _call(self._h.borrowOptimizer, shared_module._h)

    def init_optimizer(self, kvstore='local', optimizer='sgd', optimizer_params=(('learning_rate', 0.01),), force_init=False):
        """The runtime's optimizers by name or object; a Python-defined Optimizer subclass updates from Python."""
        from ..optimizer import Optimizer, get_updater
        if isinstance(optimizer, string_types) or getattr(optimizer, '_h', None) is not None:
            self._py_optimizer = self._py_updater = None
            return BaseModule.init_optimizer(self, kvstore, optimizer, optimizer_params, force_init)
        if not isinstance(optimizer, Optimizer):
            raise MXNetError('Module.init_optimizer: optimizer must be a name or an mx.optimizer.Optimizer, got %s'
                             % type(optimizer).__name__)
        assert self.binded and self.params_initialized, 'call bind and init_params before init_optimizer'
        if self.optimizer_initialized and not force_init:
            self.logger.warning('optimizer already initialized, ignoring...')
            return
        if not isinstance(kvstore, (str, type(None))):
            raise MXNetError('Module.init_optimizer: kvstore objects are not supported on mxj; use \'local\' or None')
        shape = self.data_shapes[0]
        batch_size = shape.shape[_batch_axis(shape)]
        rescale_grad = 1.0 / batch_size
        if optimizer.rescale_grad != rescale_grad:
            warnings.warn('Optimizer created manually outside Module but rescale_grad is not normalized to '
                          '1.0/batch_size/num_workers (%s vs. %s). Is this intended?' % (optimizer.rescale_grad, rescale_grad),
                          stacklevel=2)
        if not optimizer.idx2name:
            optimizer.idx2name = dict(enumerate(self._param_names()))
        self._py_optimizer = optimizer
        self._py_updater = get_updater(optimizer)

    def _param_names(self):
        skip = set(self.data_names) | set(self._label_names_py)
        return [n for n in self._symbol.list_arguments() if n not in skip]

    def update(self):
        if self._py_updater is None:
            return BaseModule.update(self)
        assert self.binded and self.params_initialized, 'call bind and init_params before update'
        exe = _call(self._h.executor)
        gnames, grads = _call(_bridge.dict, exe.gradDict())
        grad_of = {str(n): g for n, g in zip(gnames, grads)}
        wnames, weights = _call(_bridge.dict, exe.argDict())
        weight_of = {str(n): w for n, w in zip(wnames, weights)}
        idx, gs, ws = [], [], []
        for i, n in enumerate(self._param_names()):
            g = grad_of.get(n)
            if g is None:
                continue
            idx.append(i)
            gs.append(_new(g))
            ws.append(_new(weight_of[n]))
        if idx:
            self._py_updater(idx, gs, ws)
        _call(self._h.markParamsDirty)

    @property
    def _optimizer(self):
        return self._py_optimizer


def _batch_axis(desc):
    """The batch axis of a DataDesc (its layout's N, 0 without a layout)."""
    layout = getattr(desc, 'layout', None)
    return 0 if not layout or 'N' not in layout else layout.find('N')
