"""mx.model: checkpoints (prefix-symbol.json and prefix-%04d.params), BatchEndParam, and FeedForward."""
from collections import namedtuple

from .base import _bridge, _err, MXNetError
from .ndarray.ndarray import _new

__all__ = ['save_checkpoint', 'load_checkpoint', 'load_params', 'BatchEndParam', 'FeedForward']

BatchEndParam = namedtuple('BatchEndParams', ['epoch', 'nbatch', 'eval_metric', 'locals'])


def _pairs(d):
    d = d or {}
    return [list(d), [v._h for v in d.values()]]


def save_checkpoint(prefix, epoch, symbol, arg_params, aux_params, remove_amp_cast=True):
    """Write prefix-symbol.json and prefix-%04d.params (arg:/aux: names), as MXNet."""
    try:
        _bridge.saveCheckpoint(str(prefix), int(epoch), symbol._h, _pairs(arg_params), _pairs(aux_params))
    except BaseException as e:
        raise _err(e) from None


def _load(prefix, epoch):
    try:
        return _bridge.loadCheckpoint(str(prefix), int(epoch))
    except BaseException as e:
        raise _err(e) from None


def load_checkpoint(prefix, epoch):
    """(symbol, arg_params, aux_params) of a checkpoint."""
    from .symbol.symbol import _sym
    r = _load(prefix, epoch)
    return (_sym(r[0]), {str(n): _new(a) for n, a in zip(r[1], r[2])}, {str(n): _new(a) for n, a in zip(r[3], r[4])})


def load_params(prefix, epoch):
    """(arg_params, aux_params) of a checkpoint."""
    _, arg, aux = load_checkpoint(prefix, epoch)
    return arg, aux


class FeedForward:
    """MXNet 0.x's model API (deprecated in MXNet 1.x in favour of mx.mod.Module, which it runs on
    here): a symbol with training settings; fit, predict, score, save/load, create. `**kwargs` are
    the optimizer's arguments (learning_rate, momentum, wd, ...)."""

    def __init__(self, symbol, ctx=None, num_epoch=None, epoch_size=None, optimizer='sgd', initializer=None,
                 numpy_batch_size=128, arg_params=None, aux_params=None, allow_extra_params=False, begin_epoch=0,
                 **kwargs):
        import warnings
        from .context import Context, cpu
        from .initializer import Uniform
        warnings.warn('mxnet.model.FeedForward has been deprecated. Please use mxnet.mod.Module instead.',
                      DeprecationWarning, stacklevel=2)
        if ctx is None:
            ctx = [cpu()]
        elif isinstance(ctx, Context):
            ctx = [ctx]
        if len(ctx) != 1:
            raise MXNetError('FeedForward: mxj trains on one context; got %d contexts %s' % (len(ctx), list(ctx)))
        if epoch_size is not None:
            raise MXNetError('FeedForward(epoch_size=...) is not supported by mxj; an epoch is one pass over the iterator')
        self.symbol = symbol
        self.ctx = list(ctx)
        self.num_epoch = num_epoch
        self.epoch_size = epoch_size
        self.optimizer = optimizer
        self.initializer = initializer if initializer is not None else Uniform(0.01)
        self.numpy_batch_size = numpy_batch_size
        self.arg_params = arg_params
        self.aux_params = aux_params
        self.allow_extra_params = allow_extra_params
        self.begin_epoch = begin_epoch
        self.kwargs = dict(kwargs)
        self.sym_gen = None

    # ------------------------------------------------------------------ data

    def _init_iter(self, X, y, is_train):
        from . import io
        from .ndarray import NDArray, array
        from .ndarray.ndarray import _np
        arrays = (NDArray,) if _np is None else (NDArray, _np.ndarray)
        if isinstance(X, arrays):
            if y is None:
                if is_train:
                    raise ValueError('y must be specified when X is numpy.ndarray')
                from .ndarray import zeros
                y = zeros((X.shape[0],))
            if not isinstance(y, arrays):
                raise TypeError('y must be ndarray when X is numpy.ndarray')
            if X.shape[0] != y.shape[0]:
                raise ValueError('The numbers of data points and labels not equal')
            if len(y.shape) == 2 and y.shape[1] == 1:
                y = y.reshape((y.shape[0],))
            if len(y.shape) != 1:
                raise ValueError('Label must be 1D or 2D (with 2nd dimension being 1)')
            X = X if isinstance(X, NDArray) else array(X)
            y = y if isinstance(y, NDArray) else array(y)
            batch = min(X.shape[0], self.numpy_batch_size)
            if is_train:
                return io.NDArrayIter(X, y, batch, shuffle=True, last_batch_handle='roll_over')
            return io.NDArrayIter(X, y, batch, shuffle=False)
        if not isinstance(X, io.DataIter):
            raise TypeError('X must be DataIter, NDArray or numpy.ndarray')
        return X

    def _init_eval_iter(self, eval_data):
        from . import io
        if eval_data is None:
            return None
        if isinstance(eval_data, (tuple, list)) and len(eval_data) == 2:
            if eval_data[0] is None:
                raise ValueError('Eval data is NONE')
            if eval_data[1] is None and isinstance(eval_data[0], io.DataIter):
                return eval_data[0]
            from .ndarray import array
            x = array(eval_data[0]) if isinstance(eval_data[0], list) else eval_data[0]
            y = array(eval_data[1]) if isinstance(eval_data[1], list) else eval_data[1]
            return self._init_iter(x, y, is_train=True)
        if not isinstance(eval_data, io.DataIter):
            raise TypeError('Eval data must be DataIter, or NDArray/numpy.ndarray/list pair (i.e. tuple/list of length 2)')
        return eval_data

    def _module(self, data, label_names, logger):
        from .module import Module
        return Module(self.symbol, [d[0] for d in data.provide_data], label_names, logger=logger or _logging(),
                      context=self.ctx[0])

    def _predictor(self, X):
        """A module bound for inference over X's data; labels and other non-parameter arguments are left at zero."""
        if self.arg_params is None:
            raise MXNetError('FeedForward: the model has no parameters; fit or load it first')
        data_names = [d[0] for d in X.provide_data]
        others = [a for a in self.symbol.list_arguments() if a not in data_names and a not in self.arg_params]
        mod = self._module(X, others, None)
        mod.bind(X.provide_data, None, for_training=False)
        mod.init_params(arg_params=self.arg_params, aux_params=self.aux_params, allow_extra=self.allow_extra_params)
        return mod

    # ------------------------------------------------------------------ API

    def fit(self, X, y=None, eval_data=None, eval_metric='acc', epoch_end_callback=None, batch_end_callback=None,
            kvstore='local', logger=None, work_load_list=None, monitor=None, eval_end_callback=None,
            eval_batch_end_callback=None):
        """Train from begin_epoch to num_epoch; the parameters are kept in arg_params/aux_params."""
        from .callback import LogValidationMetricsCallback
        data = self._init_iter(X, y, is_train=True)
        eval_data = self._init_eval_iter(eval_data)
        mod = self._module(data, [d[0] for d in (data.provide_label or [])], logger)
        # Module.fit logs the validation metrics itself, as FeedForward's default eval_end_callback would
        ends = [cb for cb in (eval_end_callback if isinstance(eval_end_callback, (list, tuple)) else [eval_end_callback])
                if cb is not None and not isinstance(cb, LogValidationMetricsCallback)]
        mod.fit(data, eval_data=eval_data, eval_metric=eval_metric, epoch_end_callback=epoch_end_callback,
                batch_end_callback=batch_end_callback, kvstore=kvstore, optimizer=self.optimizer,
                optimizer_params=self.kwargs, eval_end_callback=ends or None, eval_batch_end_callback=eval_batch_end_callback,
                initializer=self.initializer, arg_params=self.arg_params, aux_params=self.aux_params,
                allow_missing=self.arg_params is not None, begin_epoch=self.begin_epoch, num_epoch=self.num_epoch,
                monitor=monitor)
        arg, aux = mod.get_params()
        self.arg_params = {k: v.copy() for k, v in arg.items()}
        self.aux_params = {k: v.copy() for k, v in aux.items()}

    def predict(self, X, num_batch=None, return_data=False, reset=True):
        """The outputs over X (padding removed, batches concatenated): one array for one output, else a
        list; numpy arrays when numpy imports (as MXNet), NDArrays otherwise. With return_data, also
        the data and the labels."""
        from .ndarray import concat
        from .ndarray.ndarray import _np
        X = self._init_iter(X, None, is_train=False)
        mod = self._predictor(X)
        outs, datas, labels = [], [], []
        for o, _, batch in mod.iter_predict(X, num_batch=num_batch, reset=reset):
            outs.append([x.copy() for x in o])
            if return_data:
                keep = batch.data[0].shape[0] - (batch.pad or 0)
                datas.append([d[0:keep].copy() for d in batch.data])
                labels.append([l[0:keep].copy() for l in (batch.label or [])])

        def merge(parts):
            if not parts:
                return []
            r = [concat(*[p[i] for p in parts], dim=0) if len(parts) > 1 else parts[0][i] for i in range(len(parts[0]))]
            return [x.asnumpy() for x in r] if _np is not None else r
        outputs = merge(outs)
        if len(outputs) == 1:
            outputs = outputs[0]
        if return_data:
            data, label = merge(datas), merge(labels)
            return outputs, (data[0] if len(data) == 1 else data), (label[0] if len(label) == 1 else label)
        return outputs

    def score(self, X, eval_metric='acc', num_batch=None, batch_end_callback=None, reset=True):
        """The value of eval_metric over X."""
        from . import metric
        if not isinstance(eval_metric, metric.EvalMetric):
            eval_metric = metric.create(eval_metric)
        X = self._init_iter(X, None, is_train=False)
        mod = self._predictor(X)
        mod.score(X, eval_metric, num_batch=num_batch, batch_end_callback=batch_end_callback, reset=reset)
        return eval_metric.get()[1]

    def save(self, prefix, epoch=None, remove_amp_cast=True):
        """A checkpoint (prefix-symbol.json, prefix-%04d.params); epoch defaults to num_epoch."""
        if epoch is None:
            epoch = self.num_epoch
        assert epoch is not None
        save_checkpoint(prefix, epoch, self.symbol, self.arg_params, self.aux_params or {})

    @staticmethod
    def load(prefix, epoch, ctx=None, **kwargs):
        """A model from a checkpoint, ready to predict or to continue training from `epoch`."""
        symbol, arg_params, aux_params = load_checkpoint(prefix, epoch)
        return FeedForward(symbol, ctx=ctx, arg_params=arg_params, aux_params=aux_params, begin_epoch=epoch, **kwargs)

    @staticmethod
    def create(symbol, X, y=None, ctx=None, num_epoch=None, epoch_size=None, optimizer='sgd', initializer=None,
               eval_data=None, eval_metric='acc', epoch_end_callback=None, batch_end_callback=None, kvstore='local',
               logger=None, work_load_list=None, eval_end_callback=None, eval_batch_end_callback=None, **kwargs):
        """Make a FeedForward and fit it in one call."""
        model = FeedForward(symbol, ctx=ctx, num_epoch=num_epoch, epoch_size=epoch_size, optimizer=optimizer,
                            initializer=initializer, **kwargs)
        model.fit(X, y, eval_data=eval_data, eval_metric=eval_metric, epoch_end_callback=epoch_end_callback,
                  batch_end_callback=batch_end_callback, kvstore=kvstore, logger=logger, work_load_list=work_load_list,
                  eval_end_callback=eval_end_callback, eval_batch_end_callback=eval_batch_end_callback)
        return model


def _logging():
    import logging
    return logging
