"""mxnet.metric: evaluation metrics. The built-in metrics are the runtime's (dev.mxj.metric),
made into Python classes from its registry; EvalMetric and CustomMetric are Python and can be
subclassed. Without numpy, CustomMetric hands NDArrays to the function (tolist()/asscalar() and
NDArray arithmetic work on them); with numpy it hands numpy arrays, as MXNet does."""
from .base import _bridge, _err, MXNetError, string_types, _merge_positional, _runtime_classes
from .ndarray.ndarray import NDArray

__all__ = ['EvalMetric', 'CompositeEvalMetric', 'CustomMetric', 'create', 'register', 'alias', 'np', 'check_label_shapes']

_registry = {}


def register(klass, *names):
    """Register a metric class under its lower-case name and any aliases."""
    for n in (klass.__name__,) + names:
        _registry[n.lower()] = klass
    return klass


def alias(*aliases):
    def reg(klass):
        return register(klass, *aliases)
    return reg


def check_label_shapes(labels, preds, wrap=False, shape=False):
    if not shape:
        label_shape, pred_shape = len(labels), len(preds)
    else:
        label_shape, pred_shape = labels.shape, preds.shape
    if label_shape != pred_shape:
        raise ValueError('Shape of labels {} does not match shape of predictions {}'.format(label_shape, pred_shape))
    if wrap:
        if isinstance(labels, NDArray):
            labels = [labels]
        if isinstance(preds, NDArray):
            preds = [preds]
    return labels, preds



def _count(n):
    """Instance counts are ints in MXNet; the runtime keeps them as doubles."""
    return int(n) if n == int(n) else n

class EvalMetric:
    """Base class of metrics: accumulates sum_metric / num_inst (local and global)."""

    def __init__(self, name, output_names=None, label_names=None, **kwargs):
        self.name = str(name)
        self.output_names = output_names
        self.label_names = label_names
        self._has_global_stats = kwargs.pop('has_global_stats', False)
        self._kwargs = kwargs
        self.reset()

    def __str__(self):
        return 'EvalMetric: {}'.format(dict(self.get_name_value()))

    def get_config(self):
        config = self._kwargs.copy()
        config.update({'metric': self.__class__.__name__, 'name': self.name,
                       'output_names': self.output_names, 'label_names': self.label_names})
        return config

    def update_dict(self, label, pred):
        if self.output_names is not None:
            pred = [pred[name] for name in self.output_names]
        else:
            pred = list(pred.values())
        if self.label_names is not None:
            label = [label[name] for name in self.label_names]
        else:
            label = list(label.values())
        self.update(label, pred)

    def update(self, labels, preds):
        raise NotImplementedError()

    def reset(self):
        self.num_inst = 0
        self.sum_metric = 0.0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0

    def reset_local(self):
        self.num_inst = 0
        self.sum_metric = 0.0

    def get(self):
        if self.num_inst == 0:
            return (self.name, float('nan'))
        return (self.name, self.sum_metric / self.num_inst)

    def get_global(self):
        if not self._has_global_stats:
            return self.get()
        if self.global_num_inst == 0:
            return (self.name, float('nan'))
        return (self.name, self.global_sum_metric / self.global_num_inst)

    def get_name_value(self):
        name, value = self.get()
        if not isinstance(name, list):
            name = [name]
        if not isinstance(value, list):
            value = [value]
        return list(zip(name, value))

    def get_global_name_value(self):
        name, value = self.get_global()
        if not isinstance(name, list):
            name = [name]
        if not isinstance(value, list):
            value = [value]
        return list(zip(name, value))


class _Builtin(EvalMetric):
    """A metric computed by the runtime; statistics live there."""
    _registry_name = None
    _positional = ('name',)

    def __init__(self, *args, **kwargs):
        _merge_positional(type(self).__name__, self._positional, args, kwargs)
        try:
            self._h = _bridge.metric(self._registry_name, kwargs)
        except BaseException as e:
            raise _err(e) from None
        self.output_names = kwargs.get('output_names')
        self.label_names = kwargs.get('label_names')
        self._kwargs = kwargs

    @property
    def name(self):
        return str(self._h.name())

    def update(self, labels, preds):
        labels, preds = _as_lists(labels), _as_lists(preds)
        try:
            _bridge.metricUpdate(self._h, [l._h for l in labels], [p._h for p in preds])
        except BaseException as e:
            raise _err(e) from None

    def reset(self):
        self._h.reset()

    def reset_local(self):
        self._h.resetLocal()

    def _result(self, global_):
        try:
            names, values, multi = _bridge.metricGet(self._h, global_)
        except BaseException as e:
            raise _err(e) from None
        names = [str(n) for n in names]
        values = [float(v) for v in values]
        if multi:
            return names, values
        return names[0], values[0]

    def get(self):
        return self._result(False)

    def get_global(self):
        return self._result(True)

    @property
    def num_inst(self):
        return _count(self._h.numInst())

    @property
    def sum_metric(self):
        return self._h.sumMetric()

    @property
    def global_num_inst(self):
        return _count(self._h.globalNumInst())

    @property
    def global_sum_metric(self):
        return self._h.globalSumMetric()

    def get_config(self):
        try:
            return dict(self._h.getConfig())
        except BaseException as e:
            raise _err(e) from None


def _as_lists(x):
    return [x] if isinstance(x, NDArray) else list(x)


# Metrics whose first constructor arguments are not `name` (MXNet 1.9's signatures)
_POSITIONAL = {'Accuracy': ('axis', 'name'), 'TopKAccuracy': ('top_k', 'name'), 'Perplexity': ('ignore_label', 'axis', 'name'),
               'CrossEntropy': ('eps', 'name'), 'NegativeLogLikelihood': ('eps', 'name'), 'F1': ('name', 'output_names', 'label_names', 'average'),
               'MCC': ('name', 'output_names', 'label_names', 'average')}


def _install():
    classes, by_name = _runtime_classes('metric', _bridge.metricNames(), _Builtin, _POSITIONAL, __name__)
    for cls_name in ('CompositeEvalMetric', 'CustomMetric'):
        classes.pop(cls_name, None)
    _registry.update({n: c for n, c in by_name.items() if c.__name__ in classes})
    globals().update(classes)
    __all__.extend(sorted(classes))


_install()


class CompositeEvalMetric(EvalMetric):
    """Several metrics updated together; get() returns lists of names and values."""

    def __init__(self, metrics=None, name='composite', output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)
        self.metrics = [create(m) for m in (metrics or [])]

    def add(self, metric):
        self.metrics.append(create(metric))

    def get_metric(self, index):
        try:
            return self.metrics[index]
        except IndexError:
            return ValueError('Metric index {} is out of range 0 and {}'.format(index, len(self.metrics)))

    def update_dict(self, labels, preds):
        for m in self.metrics:
            m.update_dict(labels, preds)

    def update(self, labels, preds):
        for m in self.metrics:
            m.update(labels, preds)

    def reset(self):
        for m in getattr(self, 'metrics', []):
            m.reset()

    def reset_local(self):
        for m in self.metrics:
            m.reset_local()

    def _collect(self, getter):
        names, values = [], []
        for m in self.metrics:
            n, v = getter(m)
            names.extend(n if isinstance(n, list) else [n])
            values.extend(v if isinstance(v, list) else [v])
        return names, values

    def get(self):
        return self._collect(lambda m: m.get())

    def get_global(self):
        return self._collect(lambda m: m.get_global())


register(CompositeEvalMetric, 'composite')


class CustomMetric(EvalMetric):
    """A metric from feval(label, pred) returning a value, or (sum_metric, num_inst)."""

    def __init__(self, feval, name=None, allow_extra_outputs=False, output_names=None, label_names=None):
        if name is None:
            name = feval.__name__
            if name.find('<') != -1:
                name = 'custom(%s)' % name
        super().__init__(name, feval=feval, allow_extra_outputs=allow_extra_outputs, output_names=output_names,
                         label_names=label_names, has_global_stats=True)
        self._feval = feval
        self._allow_extra_outputs = allow_extra_outputs

    def update(self, labels, preds):
        labels, preds = _as_lists(labels), _as_lists(preds)
        if not self._allow_extra_outputs:
            check_label_shapes(labels, preds)
        try:
            import numpy
            convert = lambda a: a.asnumpy()  # noqa: E731
        except ImportError:
            convert = lambda a: a  # noqa: E731
        for pred, label in zip(preds, labels):
            reval = self._feval(convert(label), convert(pred))
            if isinstance(reval, tuple):
                sum_metric, num_inst = reval
            else:
                sum_metric, num_inst = reval, 1
            if isinstance(sum_metric, NDArray):
                sum_metric = sum_metric.asscalar()
            self.sum_metric += sum_metric
            self.global_sum_metric += sum_metric
            self.num_inst += num_inst
            self.global_num_inst += num_inst

    def get_config(self):
        raise NotImplementedError('CustomMetric cannot be serialized')


register(CustomMetric)


def np(numpy_feval, name=None, allow_extra_outputs=False):
    """A CustomMetric from a function of (label, pred) arrays."""
    def feval(label, pred):
        return numpy_feval(label, pred)
    feval.__name__ = numpy_feval.__name__
    return CustomMetric(feval, name, allow_extra_outputs)


def create(metric, *args, **kwargs):
    """A metric from a name ('acc', 'mse', ...), a callable (CustomMetric), a metric, or a list of those (composite)."""
    if callable(metric) and not isinstance(metric, EvalMetric) and not isinstance(metric, type):
        return CustomMetric(metric, *args, **kwargs)
    if isinstance(metric, EvalMetric):
        return metric
    if isinstance(metric, list):
        composite = CompositeEvalMetric()
        for m in metric:
            composite.add(create(m, *args, **kwargs))
        return composite
    if isinstance(metric, string_types):
        klass = _registry.get(metric.lower())
        if klass is None:
            raise ValueError('Metric must be either callable or in %s; got %s' % (sorted(_registry), metric))
        if issubclass(klass, _Builtin) and klass._registry_name != metric.lower():
            klass = type(klass.__name__, (klass,), {'_registry_name': metric.lower()})
        return klass(*args, **kwargs)
    raise TypeError('metric must be a name, a callable, an EvalMetric or a list of them; got %s' % type(metric).__name__)
