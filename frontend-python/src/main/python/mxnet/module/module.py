"""Module: MXNet 1.x's intermediate training API. Binding, parameters, the optimizer and the
forward/backward/update steps are the runtime's dev.mxj.module.Module (in `_h`); the loops of
fit/score/predict are here so that any Python DataIter (mx.io's or a subclass) can feed them."""
import time

from ..base import _bridge, _err, MXNetError, string_types
from ..context import cpu
from ..io import DataDesc
from ..io.io import _descs
from ..ndarray.ndarray import NDArray, _new
from .. import metric as _metric
from ..model import BatchEndParam

__all__ = ['BaseModule', 'Module']


def _call(fn, *args):
    try:
        return fn(*args)
    except BaseException as e:
        raise _err(e) from None


def _as_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _pairs(d):
    if d is None:
        return None
    return [list(d), [v._h for v in d.values()]]


def _java_descs(shapes):
    out = []
    for d in shapes:
        if isinstance(d, DataDesc):
            name, shape, dtype, layout = d.name, d.shape, getattr(d, 'dtype', 'float32'), getattr(d, 'layout', 'NCHW')
        else:
            name, shape = d[0], d[1]
            dtype, layout = 'float32', 'NCHW'
        if not isinstance(dtype, string_types):
            dtype = getattr(dtype, '__name__', str(dtype))
        out.append(_call(_bridge.dataDesc, name, [int(x) for x in shape], dtype, layout or 'NCHW'))
    return out


class BaseModule:
    """The loops shared by modules: fit, score, predict, iter_predict."""

    def forward_backward(self, data_batch):
        self.forward(data_batch, is_train=True)
        self.backward()

    def score(self, eval_data, eval_metric, num_batch=None, batch_end_callback=None, score_end_callback=None,
              reset=True, epoch=0, sparse_row_id_fn=None):
        """Run eval_data through the module; eval_metric's name/value pairs."""
        assert self.binded and self.params_initialized, 'call bind and init_params before score'
        if reset:
            eval_data.reset()
        if not isinstance(eval_metric, _metric.EvalMetric):
            eval_metric = _metric.create(eval_metric)
        eval_metric.reset()
        actual_num_batch = 0
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.forward(eval_batch, is_train=False)
            self.update_metric(eval_metric, eval_batch.label)
            if batch_end_callback is not None:
                p = BatchEndParam(epoch=epoch, nbatch=nbatch, eval_metric=eval_metric, locals=locals())
                for cb in _as_list(batch_end_callback):
                    cb(p)
            actual_num_batch += 1
        if score_end_callback:
            p = BatchEndParam(epoch=epoch, nbatch=actual_num_batch, eval_metric=eval_metric, locals=locals())
            for cb in _as_list(score_end_callback):
                cb(p)
        return eval_metric.get_name_value()

    def iter_predict(self, eval_data, num_batch=None, reset=True, sparse_row_id_fn=None):
        """(outputs without padding, batch index, batch) per batch."""
        assert self.binded and self.params_initialized, 'call bind and init_params before iter_predict'
        if reset:
            eval_data.reset()
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.forward(eval_batch, is_train=False)
            pad = eval_batch.pad or 0
            outputs = [out[0:out.shape[0] - pad] for out in self.get_outputs()]
            yield (outputs, nbatch, eval_batch)

    def predict(self, eval_data, num_batch=None, merge_batches=True, reset=True, always_output_list=False,
                sparse_row_id_fn=None):
        """Outputs over eval_data (padding removed), concatenated across batches when merge_batches."""
        from .. import ndarray as nd
        if isinstance(eval_data, NDArray):
            from ..io import NDArrayIter
            eval_data = NDArrayIter(eval_data, batch_size=self.data_shapes[0].shape[0])
        output_list = [[o.copy() for o in outs] for outs, _, _ in self.iter_predict(eval_data, num_batch, reset)]
        if not output_list:
            return output_list
        if merge_batches:
            num_outputs = len(output_list[0])
            for o in output_list:
                if len(o) != num_outputs:
                    raise MXNetError('Cannot merge batches, as num of outputs is not the same in mini-batches. '
                                     'Maybe bucketing is used?')
            merged = [nd.concat(*[o[i] for o in output_list], dim=0) for i in range(num_outputs)]
            if num_outputs == 1 and not always_output_list:
                return merged[0]
            return merged
        return output_list

    def fit(self, train_data, eval_data=None, eval_metric='acc', epoch_end_callback=None, batch_end_callback=None,
            kvstore='local', optimizer='sgd', optimizer_params=(('learning_rate', 0.01),), eval_end_callback=None,
            eval_batch_end_callback=None, initializer=None, arg_params=None, aux_params=None, allow_missing=False,
            force_rebind=False, force_init=False, begin_epoch=0, num_epoch=None, validation_metric=None, monitor=None,
            sparse_row_id_fn=None):
        """Train: bind, init_params, init_optimizer, then num_epoch passes of forward_backward/update."""
        if num_epoch is None:
            raise ValueError('please specify number of epochs')
        if monitor is not None:
            raise MXNetError('fit(monitor=...) is not supported by mxj\'s Python front end yet')
        self.bind(data_shapes=train_data.provide_data, label_shapes=train_data.provide_label, for_training=True,
                  force_rebind=force_rebind)
        if initializer is None:
            from ..initializer import Uniform
            initializer = Uniform(0.01)
        self.init_params(initializer=initializer, arg_params=arg_params, aux_params=aux_params,
                         allow_missing=allow_missing, force_init=force_init)
        self.init_optimizer(kvstore=kvstore, optimizer=optimizer, optimizer_params=optimizer_params)
        if validation_metric is None:
            validation_metric = eval_metric
        if not isinstance(eval_metric, _metric.EvalMetric):
            eval_metric = _metric.create(eval_metric)
        for epoch in range(begin_epoch, num_epoch):
            tic = time.time()
            eval_metric.reset()
            nbatch = 0
            for data_batch in train_data:
                self.forward_backward(data_batch)
                self.update()
                self.update_metric(eval_metric, data_batch.label)
                if batch_end_callback is not None:
                    p = BatchEndParam(epoch=epoch, nbatch=nbatch, eval_metric=eval_metric, locals=locals())
                    for cb in _as_list(batch_end_callback):
                        cb(p)
                nbatch += 1
            self._log('Epoch[%d] Time cost=%.3f' % (epoch, time.time() - tic))
            for name, val in eval_metric.get_name_value():
                self._log('Epoch[%d] Train-%s=%f' % (epoch, name, val))
            arg_params_, aux_params_ = self.get_params()
            self.set_params(arg_params_, aux_params_)
            if epoch_end_callback is not None:
                for cb in _as_list(epoch_end_callback):
                    cb(epoch, self.symbol, arg_params_, aux_params_)
            if eval_data is not None:
                res = self.score(eval_data, validation_metric, score_end_callback=eval_end_callback,
                                 batch_end_callback=eval_batch_end_callback, epoch=epoch)
                for name, val in res:
                    self._log('Epoch[%d] Validation-%s=%f' % (epoch, name, val))
            train_data.reset()

    def _log(self, msg):
        import logging
        logging.getLogger('mxnet.module').info(msg)


class Module(BaseModule):
    """A module over one Symbol (MXNet's mx.mod.Module; one context)."""

    def __init__(self, symbol, data_names=('data',), label_names=('softmax_label',), logger=None, context=None,
                 work_load_list=None, fixed_param_names=None, state_names=None, group2ctxs=None, compression_params=None,
                 _handle=None):
        if isinstance(context, (list, tuple)):
            if len(context) != 1:
                raise MXNetError('Module on mxj binds to one context; got %d' % len(context))
            context = context[0]
        if context is None:
            context = cpu()
        if state_names:
            raise MXNetError('Module(state_names=...) is not supported by mxj\'s Python front end yet')
        self._symbol = symbol
        self._context = context
        if _handle is not None:
            self._h = _handle
        else:
            self._h = _call(_bridge.module, symbol._h, [str(n) for n in _as_list(data_names)],
                            [str(n) for n in _as_list(label_names)], context._h, [str(n) for n in _as_list(fixed_param_names)])

    @staticmethod
    def load(prefix, epoch, load_optimizer_states=False, **kwargs):
        """A module from a checkpoint; its parameters are set when it is bound."""
        from ..symbol.symbol import _sym
        data_names = kwargs.get('data_names', ('data',))
        label_names = kwargs.get('label_names', ('softmax_label',))
        context = kwargs.get('context', None) or cpu()
        if isinstance(context, (list, tuple)):
            context = context[0]
        h = _call(_bridge.moduleLoad, str(prefix), int(epoch), bool(load_optimizer_states),
                  [str(n) for n in _as_list(data_names)], [str(n) for n in _as_list(label_names)], context._h)
        return Module(_sym(_call(h.symbol)), data_names, label_names, context=context, _handle=h)

    def save_checkpoint(self, prefix, epoch, save_optimizer_states=False, remove_amp_cast=True):
        _call(self._h.saveCheckpoint, str(prefix), int(epoch), bool(save_optimizer_states))

    # ------------------------------------------------------------------ properties

    @property
    def symbol(self):
        return self._symbol

    @property
    def data_names(self):
        return [str(n) for n in _call(self._h.dataNames)]

    @property
    def label_names(self):
        return [str(n) for n in _call(self._h.labelNames)]

    @property
    def output_names(self):
        return [str(n) for n in _call(self._h.outputNames)]

    @property
    def data_shapes(self):
        return _descs(_call(self._h.dataShapes))

    @property
    def label_shapes(self):
        return _descs(_call(self._h.labelShapes))

    @property
    def output_shapes(self):
        m = _call(self._h.outputShapes)
        return [(str(k), tuple(int(x) for x in m[k].dims())) for k in m.keySet()]

    @property
    def binded(self):
        return bool(self._h.isBinded())

    @property
    def for_training(self):
        return bool(self._h.isForTraining())

    @property
    def params_initialized(self):
        return bool(self._h.isParamsInitialized())

    @property
    def optimizer_initialized(self):
        return bool(self._h.isOptimizerInitialized())

    # ------------------------------------------------------------------ setup

    def bind(self, data_shapes, label_shapes=None, for_training=True, inputs_need_grad=False, force_rebind=False,
             shared_module=None, grad_req='write'):
        if shared_module is not None:
            raise MXNetError('bind(shared_module=...) is not supported by mxj\'s Python front end yet')
        if not isinstance(grad_req, string_types):
            raise MXNetError('Module.bind: grad_req must be a string on mxj')
        labels = None if not label_shapes else _java_descs(label_shapes)
        _call(_bridge.moduleBind, self._h, _java_descs(data_shapes), labels, bool(for_training), bool(inputs_need_grad),
              bool(force_rebind), grad_req)

    def reshape(self, data_shapes, label_shapes=None):
        """Rebind for new input shapes, keeping the parameters."""
        _call(_bridge.moduleReshape, self._h, _java_descs(data_shapes), None if not label_shapes else _java_descs(label_shapes))

    def init_params(self, initializer=None, arg_params=None, aux_params=None, allow_missing=False, force_init=False,
                    allow_extra=False):
        assert self.binded, 'call bind before initializing the parameters'
        if initializer is None:
            from ..initializer import Uniform
            initializer = Uniform(0.01)
        h = getattr(initializer, '_h', None)
        if h is None:
            raise MXNetError('Module.init_params: Python-defined initializers are not supported on mxj yet; '
                             'use one of mx.init\'s initializers')
        _call(_bridge.moduleInitParams, self._h, h, _pairs(arg_params), _pairs(aux_params), bool(allow_missing),
              bool(force_init), bool(allow_extra))

    def set_params(self, arg_params, aux_params, allow_missing=False, force_init=True, allow_extra=False):
        _call(_bridge.moduleSetParams, self._h, _pairs(arg_params), _pairs(aux_params), bool(allow_missing),
              bool(force_init), bool(allow_extra))

    def get_params(self):
        r = _call(_bridge.moduleGetParams, self._h)
        return ({str(n): _new(a) for n, a in zip(r[0], r[1])}, {str(n): _new(a) for n, a in zip(r[2], r[3])})

    def init_optimizer(self, kvstore='local', optimizer='sgd', optimizer_params=(('learning_rate', 0.01),), force_init=False):
        if not isinstance(kvstore, (str, type(None))):
            raise MXNetError('Module.init_optimizer: kvstore objects are not supported on mxj; use \'local\' or None')
        if not isinstance(optimizer, string_types):
            h = getattr(optimizer, '_h', None)
            if h is None:
                raise MXNetError('Module.init_optimizer: Python-defined optimizers are not supported on mxj yet; '
                                 'use a name or one of mx.optimizer\'s optimizers')
        _call(_bridge.moduleInitOptimizer, self._h, kvstore, optimizer, dict(optimizer_params or {}), bool(force_init))

    # ------------------------------------------------------------------ computation

    def forward(self, data_batch, is_train=None):
        data = [d._h for d in data_batch.data]
        label = data_batch.label
        label = None if label is None else [l._h for l in label]
        _call(_bridge.moduleForward, self._h, data, label, is_train)

    def backward(self, out_grads=None):
        if out_grads is not None:
            out_grads = [None if g is None else g._h for g in _as_list(out_grads)]
        _call(_bridge.moduleBackward, self._h, out_grads)

    def update(self):
        _call(self._h.update)

    def get_outputs(self, merge_multi_context=True):
        return [_new(h) for h in _call(self._h.getOutputs)]

    def get_input_grads(self, merge_multi_context=True):
        return [None if h is None else _new(h) for h in _call(self._h.getInputGrads)]

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        """eval_metric.update_dict over labels by label name and outputs by output name, as MXNet."""
        label_names = self.label_names
        labels = _as_list(labels)
        label_dict = dict(zip(label_names, labels)) if label_names else {'label%d' % i: l for i, l in enumerate(labels)}
        eval_metric.update_dict(label_dict, dict(zip(self.output_names, self.get_outputs())))

    def save_params(self, fname):
        _call(_bridge.moduleSaveParams, self._h, str(fname))

    def load_params(self, fname):
        _call(_bridge.moduleLoadParams, self._h, str(fname))
