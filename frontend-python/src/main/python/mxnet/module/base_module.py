"""BaseModule: MXNet 1.x's training loops (fit, score, predict, iter_predict) in Python, so that any
Python DataIter, metric and callback takes part, over the intermediate interface (bind,
init_params, init_optimizer, forward, backward, update, ...) which the runtime's modules
(dev.mxj.module, held in `_h`) implement."""
import logging
import time

from ..base import _bridge, _err, MXNetError, string_types
from ..io import DataDesc
from ..io.io import _descs
from ..ndarray.ndarray import NDArray, _new
from .. import metric as _metric
from ..model import BatchEndParam

__all__ = ['BaseModule']


def _call(fn, *args):
    """A runtime call; its exceptions become MXNetError, while Python's own (raised by a callback
    such as sym_gen or an initializer, passing back through the runtime) keep their type."""
    try:
        return fn(*args)
    except (Exception, KeyboardInterrupt, SystemExit):
        raise
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


def _log_sink(logger):
    """Where the runtime's module log lines go: MXNet's modules log through `logger` (logging by default)."""
    def sink(line):
        line = str(line)
        if line.startswith('WARNING: '):
            logger.warning(line[len('WARNING: '):])
        else:
            logger.info(line)
    return sink


def _initializer_handle(initializer):
    """The runtime initializer for `initializer`: its own, or one that calls a Python-defined one back."""
    h = getattr(initializer, '_h', None)
    if h is not None:
        return h
    if not callable(initializer):
        raise TypeError('initializer must be an mx.init.Initializer, got %s' % type(initializer).__name__)
    from ..initializer import InitDesc

    def fill(name, attrs, arr):
        a = {} if attrs is None else {str(k): str(attrs[k]) for k in attrs.keySet()}
        initializer(InitDesc(str(name), a), _new(arr))
    dumps = initializer.dumps() if hasattr(initializer, 'dumps') else repr(initializer)
    return _call(_bridge.guestInitializer, fill, dumps)


class BaseModule:
    """The loops shared by modules: fit, score, predict, iter_predict; the intermediate interface
    goes to the runtime module in `_h`."""

    def __init__(self, logger=logging):
        self.logger = logger

    # ------------------------------------------------------------------ state

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

    @property
    def data_names(self):
        return [str(n) for n in _call(self._h.dataNames)]

    @property
    def output_names(self):
        return [str(n) for n in _call(self._h.outputNames)]

    @property
    def data_shapes(self):
        return _descs(_call(self._h.dataShapes))

    @property
    def label_shapes(self):
        l = _call(self._h.labelShapes)
        return None if l is None else _descs(l)

    @property
    def output_shapes(self):
        m = _call(self._h.outputShapes)
        return [(str(k), tuple(int(x) for x in m[k].dims())) for k in m.keySet()]

    @property
    def symbol(self):
        from ..symbol.symbol import _sym
        return _sym(_call(self._h.symbol))

    # ------------------------------------------------------------------ the intermediate interface

    def bind(self, data_shapes, label_shapes=None, for_training=True, inputs_need_grad=False, force_rebind=False,
             shared_module=None, grad_req='write'):
        if not isinstance(grad_req, string_types):
            raise MXNetError('%s.bind: grad_req must be a string on mxj' % type(self).__name__)
        shared = None
        if shared_module is not None:
            shared = getattr(shared_module, '_h', None)
            if shared is None:
                raise TypeError('shared_module must be a module, got %s' % type(shared_module).__name__)
        labels = None if not label_shapes else _java_descs(label_shapes)
        _call(_bridge.moduleBind, self._h, _java_descs(data_shapes), labels, bool(for_training), bool(inputs_need_grad),
              bool(force_rebind), shared, grad_req)

    def init_params(self, initializer=None, arg_params=None, aux_params=None, allow_missing=False, force_init=False,
                    allow_extra=False):
        """Initialize (or copy in) the parameters; `initializer` may be any mx.init.Initializer, Python-defined ones included."""
        assert self.binded, 'call bind before initializing the parameters'
        if initializer is None:
            from ..initializer import Uniform
            initializer = Uniform(0.01)
        _call(_bridge.moduleInitParams, self._h, _initializer_handle(initializer), _pairs(arg_params), _pairs(aux_params),
              bool(allow_missing), bool(force_init), bool(allow_extra))

    def set_params(self, arg_params, aux_params, allow_missing=False, force_init=True, allow_extra=False):
        _call(_bridge.moduleSetParams, self._h, _pairs(arg_params), _pairs(aux_params), bool(allow_missing),
              bool(force_init), bool(allow_extra))

    def get_params(self):
        r = _call(_bridge.moduleGetParams, self._h)
        return ({str(n): _new(a) for n, a in zip(r[0], r[1])}, {str(n): _new(a) for n, a in zip(r[2], r[3])})

    def init_optimizer(self, kvstore='local', optimizer='sgd', optimizer_params=(('learning_rate', 0.01),), force_init=False):
        if not isinstance(kvstore, (str, type(None))):
            raise MXNetError('%s.init_optimizer: kvstore objects are not supported on mxj; use \'local\' or None' % type(self).__name__)
        if not isinstance(optimizer, string_types) and getattr(optimizer, '_h', None) is None:
            raise MXNetError('%s.init_optimizer: Python-defined optimizers work with mx.mod.Module only; use a name or one '
                             'of mx.optimizer\'s optimizers' % type(self).__name__)
        _call(_bridge.moduleInitOptimizer, self._h, kvstore, optimizer, dict(optimizer_params or {}), bool(force_init))

    def forward(self, data_batch, is_train=None):
        data = [d._h for d in data_batch.data]
        label = data_batch.label
        label = None if label is None else [l._h for l in label]
        pd = getattr(data_batch, 'provide_data', None)
        pl = getattr(data_batch, 'provide_label', None)
        _call(_bridge.moduleForward, self._h, data, label, is_train, getattr(data_batch, 'bucket_key', None),
              None if pd is None else _java_descs(pd), None if pl is None else _java_descs(pl))

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

    def _label_names(self):
        return []

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        """eval_metric.update_dict over labels by label name and outputs by output name, as MXNet."""
        label_names = self._label_names()
        labels = _as_list(labels)
        label_dict = dict(zip(label_names, labels)) if label_names else {'label%d' % i: l for i, l in enumerate(labels)}
        eval_metric.update_dict(label_dict, dict(zip(self.output_names, self.get_outputs())))

    def install_monitor(self, mon):
        """Let a mx.mon.Monitor watch the module's executors."""
        _call(self._h.installMonitor, mon._h)

    def save_params(self, fname):
        _call(_bridge.moduleSaveParams, self._h, str(fname))

    def load_params(self, fname):
        _call(_bridge.moduleLoadParams, self._h, str(fname))

    def forward_backward(self, data_batch):
        self.forward(data_batch, is_train=True)
        self.backward()

    def prepare(self, data_batch, sparse_row_id_fn=None):
        """Nothing to prepare on mxj (no row-sparse parameters)."""

    # ------------------------------------------------------------------ loops

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
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
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
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
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
        """Train: bind, init_params, init_optimizer, then num_epoch passes of forward_backward/update,
        with MXNet's order of metric updates, callbacks and log lines."""
        if num_epoch is None:
            raise ValueError('please specify number of epochs')
        self.bind(data_shapes=train_data.provide_data, label_shapes=train_data.provide_label, for_training=True,
                  force_rebind=force_rebind)
        if monitor is not None:
            self.install_monitor(monitor)
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
            data_iter = iter(train_data)
            end_of_batch = False
            next_data_batch = next(data_iter)
            eval_name_vals = []
            while not end_of_batch:
                data_batch = next_data_batch
                if monitor is not None:
                    monitor.tic()
                self.forward_backward(data_batch)
                self.update()
                self.update_metric(eval_metric, data_batch.label)
                try:
                    next_data_batch = next(data_iter)   # fetched before the callbacks run, as MXNet
                    self.prepare(next_data_batch, sparse_row_id_fn=sparse_row_id_fn)
                except StopIteration:
                    end_of_batch = True
                if monitor is not None:
                    monitor.toc_print()
                if end_of_batch:
                    eval_name_vals = eval_metric.get_global_name_value()
                if batch_end_callback is not None:
                    p = BatchEndParam(epoch=epoch, nbatch=nbatch, eval_metric=eval_metric, locals=locals())
                    for cb in _as_list(batch_end_callback):
                        cb(p)
                nbatch += 1
            for name, val in eval_name_vals:
                self.logger.info('Epoch[%d] Train-%s=%f', epoch, name, val)
            self.logger.info('Epoch[%d] Time cost=%.3f', epoch, time.time() - tic)
            arg_params_, aux_params_ = self.get_params()
            self.set_params(arg_params_, aux_params_)
            if epoch_end_callback is not None:
                for cb in _as_list(epoch_end_callback):
                    cb(epoch, self.symbol, arg_params_, aux_params_)
            if eval_data:
                res = self.score(eval_data, validation_metric, score_end_callback=eval_end_callback,
                                 batch_end_callback=eval_batch_end_callback, epoch=epoch)
                for name, val in res:
                    self.logger.info('Epoch[%d] Validation-%s=%f', epoch, name, val)
            train_data.reset()
