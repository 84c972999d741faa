"""Optimizers. The built-in ones are the runtime's (dev.mxj.optimizer), made into Python classes
from its registry; a Python subclass of Optimizer that defines create_state/update works too,
through the same Updater."""
from ..base import _bridge, _err, MXNetError, _runtime_classes
from ..ndarray.ndarray import NDArray, _new

__all__ = ['Optimizer', 'Updater', 'get_updater', 'create', 'register']



def _note_lr_overwrite(sched, learning_rate):
    """MXNet prints (on standard output, not as a warning) that learning_rate replaces the scheduler's base_lr."""
    if sched.base_lr != learning_rate:
        print(UserWarning("learning rate from ``lr_scheduler`` has been "
                          "overwritten by ``learning_rate`` in optimizer."))

class Optimizer:
    """Base class. Built-in optimizers hold the runtime object in `_h`; Python subclasses
    implement create_state(index, weight) and update(index, weight, grad, state)."""
    opt_registry = {}

    def __init__(self, rescale_grad=1., param_idx2name=None, wd=0., clip_gradient=None, learning_rate=None,
                 lr_scheduler=None, sym=None, begin_num_update=0, multi_precision=False, param_dict=None):
        self._h = None
        self.rescale_grad = rescale_grad
        self.lr_scheduler = lr_scheduler
        if lr_scheduler is None and learning_rate is None:
            learning_rate = 0.01
        self.lr = learning_rate
        if self.lr_scheduler is not None and learning_rate is not None:
            _note_lr_overwrite(self.lr_scheduler, learning_rate)
            self.lr_scheduler.base_lr = learning_rate
        self.wd = wd
        self.lr_mult = {}
        self.wd_mult = {}
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._index_update_count = {}
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        self.aggregate_num = 0
        self.idx2name = dict(param_idx2name or {})
        self.sym_info = ()
        self.param_dict = param_dict or {}

    @staticmethod
    def register(klass):
        """Register a class under its lower-case name (also mx.optimizer.register)."""
        name = klass.__name__.lower()
        Optimizer.opt_registry[name] = klass
        return klass

    @staticmethod
    def create_optimizer(name, **kwargs):
        klass = Optimizer.opt_registry.get(name.lower())
        if klass is None:
            raise ValueError('Cannot find optimizer %s' % name)
        return klass(**kwargs)

    # -- what Python subclasses use (built-in optimizers do this in the runtime)

    def create_state(self, index, weight):
        return None

    def create_state_multi_precision(self, index, weight):
        return self.create_state(index, weight)

    def update(self, index, weight, grad, state):
        raise NotImplementedError()

    def update_multi_precision(self, index, weight, grad, state):
        self.update(index, weight, grad, state)

    def set_learning_rate(self, lr):
        if self.lr_scheduler is not None:
            raise UserWarning('LRScheduler of the optimizer has already been defined. '
                              'Note that set_learning_rate can mutate the value of the learning rate of the optimizer only when '
                              'the LRScheduler of the optimizer is undefined.')
        self.lr = lr

    @property
    def learning_rate(self):
        return self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr

    def set_lr_mult(self, args_lr_mult):
        self.lr_mult = dict(args_lr_mult)

    def set_wd_mult(self, args_wd_mult):
        self.wd_mult = {}
        for n in self.idx2name.values():
            if not (n.endswith('_weight') or n.endswith('_gamma')):
                self.wd_mult[n] = 0.0
        self.wd_mult.update(args_wd_mult)

    def _update_count(self, index):
        for idx in (index if isinstance(index, (list, tuple)) else [index]):
            self._index_update_count[idx] = self._index_update_count.get(idx, self.begin_num_update) + 1
            self.num_update = max(self._index_update_count[idx], self.num_update)

    def _get_lr(self, index):
        lr = self.learning_rate
        name = self.idx2name.get(index, index)
        return lr * self.lr_mult.get(name, self.lr_mult.get(index, 1.0))

    def _get_wd(self, index):
        name = self.idx2name.get(index, index)
        return self.wd * self.wd_mult.get(name, self.wd_mult.get(index, 1.0))

    def __repr__(self):
        return '%s(lr=%s, wd=%s)' % (type(self).__name__, self.learning_rate, self.wd)


class _Builtin(Optimizer):
    """An optimizer of the runtime: state, update rule and counters live there."""
    _registry_name = None

    def __init__(self, **kwargs):
        sched = kwargs.get('lr_scheduler')
        if sched is not None and getattr(sched, '_h', None) is None:
            raise MXNetError('%s: a Python-defined lr_scheduler works only with Python-defined optimizers; '
                             'use one of mx.lr_scheduler\'s schedulers' % type(self).__name__)
        self.__dict__['_sched'] = sched
        if sched is not None and kwargs.get('learning_rate') is not None:
            _note_lr_overwrite(sched, kwargs['learning_rate'])
        try:
            self.__dict__['_h'] = _bridge.optimizer(self._registry_name, kwargs)
        except BaseException as e:
            raise _err(e) from None

    def _call(self, fn, *args):
        try:
            return fn(*args)
        except BaseException as e:
            raise _err(e) from None

    def create_state(self, index, weight):
        return self._call(lambda: [None if s is None else _new(s) for s in self._h.createState(index, weight._h)])

    def update(self, index, weight, grad, state):
        self._call(self._h.update, index, weight._h, grad._h, [None if s is None else s._h for s in (state or [])])

    @property
    def learning_rate(self):
        return float(self._h.learningRate())

    def set_learning_rate(self, lr):
        self._call(self._h.setLearningRate, float(lr))

    @property
    def lr(self):
        return self.learning_rate

    @property
    def lr_scheduler(self):
        return self._sched

    @property
    def wd(self):
        return float(self._h.wd())

    @property
    def rescale_grad(self):
        return float(self._h.rescaleGrad())

    @rescale_grad.setter
    def rescale_grad(self, value):
        self._call(self._h.setRescaleGrad, float(value))

    @property
    def clip_gradient(self):
        c = self._h.clipGradient()
        return None if c is None else float(c)

    @property
    def num_update(self):
        return int(self._h.numUpdate())

    @property
    def begin_num_update(self):
        return int(self._h.beginNumUpdate())

    @property
    def multi_precision(self):
        return bool(self._h.multiPrecision())

    def set_lr_mult(self, args_lr_mult):
        self._call(self._h.setLrMult, dict(args_lr_mult))

    def set_wd_mult(self, args_wd_mult):
        self._call(self._h.setWdMult, dict(args_wd_mult))

    def _get_lr(self, index):
        return float(self._h.getLr(index))

    def _get_wd(self, index):
        return float(self._h.getWd(index))

    def __repr__(self):
        return str(self._h.toString())


def _install():
    classes, by_name = _runtime_classes('optimizer', _bridge.optimizerNames(), _Builtin, {}, __name__)
    globals().update(classes)
    __all__.extend(sorted(classes))
    Optimizer.opt_registry.update(by_name)


_install()
register = Optimizer.register
create = Optimizer.create_optimizer


class Updater:
    """Applies an optimizer to (index, grad, weight), keeping per-index state (MXNet's Updater)."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.states = {}
        self.states_synced = {}
        self._h = None
        if isinstance(optimizer, _Builtin):
            try:
                self._h = _bridge.updater(optimizer._h)
            except BaseException as e:
                raise _err(e) from None

    def __call__(self, index, grad, weight):
        if self._h is not None:
            try:
                if isinstance(index, (list, tuple)):
                    _bridge.update(self._h, list(index), [g._h for g in grad], [w._h for w in weight])
                else:
                    self._h.call(index, grad._h, weight._h)
            except BaseException as e:
                raise _err(e) from None
            return
        indices = index if isinstance(index, (list, tuple)) else [index]
        grads = grad if isinstance(grad, (list, tuple)) else [grad]
        weights = weight if isinstance(weight, (list, tuple)) else [weight]
        for i, g, w in zip(indices, grads, weights):
            if i not in self.states:
                self.states[i] = self.optimizer.create_state_multi_precision(i, w)
                self.states_synced[i] = True
            self.optimizer.update_multi_precision(i, w, g, self.states[i])

    def get_states(self, dump_optimizer=False):
        if self._h is None:
            raise MXNetError('get_states: saving the state of a Python-defined optimizer is not supported')
        return bytes(b & 0xff for b in _bridge.getStates(self._h))

    def set_states(self, states):
        if self._h is None:
            raise MXNetError('set_states: loading the state of a Python-defined optimizer is not supported')
        try:
            _bridge.setStates(self._h, list(states))
        except BaseException as e:
            raise _err(e) from None


def get_updater(optimizer):
    return Updater(optimizer)
