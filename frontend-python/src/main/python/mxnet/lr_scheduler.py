"""mxnet.lr_scheduler: learning-rate schedules computed by the runtime's schedulers."""
from .base import _bridge, _err, MXNetError, _merge_positional

__all__ = ['LRScheduler', 'FactorScheduler', 'MultiFactorScheduler', 'PolyScheduler', 'CosineScheduler']


class LRScheduler:
    """Base class. A Python subclass defines __call__(num_update); it works with optimizers
    written in Python (the built-in optimizers need a built-in scheduler)."""

    def __init__(self, base_lr=0.01, warmup_steps=0, warmup_begin_lr=0, warmup_mode='linear'):
        self._h = None
        self._base_lr = base_lr
        self.warmup_steps = warmup_steps
        self.warmup_begin_lr = warmup_begin_lr
        self.warmup_final_lr = base_lr
        self.warmup_mode = warmup_mode

    @property
    def base_lr(self):
        return self._h.baseLr() if self._h is not None else self._base_lr

    @base_lr.setter
    def base_lr(self, value):
        if self._h is not None:
            self._h.setBaseLr(float(value))
        self._base_lr = value

    def get_warmup_lr(self, num_update):
        assert num_update < self.warmup_steps
        if self.warmup_mode == 'linear':
            increase = (self.warmup_final_lr - self.warmup_begin_lr) * float(num_update) / float(self.warmup_steps)
            return self.warmup_begin_lr + increase
        if self.warmup_mode == 'constant':
            return self.warmup_begin_lr
        raise ValueError('Invalid warmup mode %s' % self.warmup_mode)

    def __call__(self, num_update):
        if self._h is None:
            raise NotImplementedError('must override this')
        try:
            return float(self._h.call(int(num_update)))
        except BaseException as e:
            raise _err(e) from None


def _builtin(kind, names, defaults):
    """A scheduler class whose arithmetic is the runtime's `kind` (positional args as MXNet's)."""
    def __init__(self, *args, **kwargs):
        params = dict(zip(names, defaults))
        _merge_positional(kind, names, args, params)
        for k, v in kwargs.items():
            if k not in params:
                raise TypeError("%s got an unexpected keyword argument '%s'" % (kind, k))
            params[k] = v
        LRScheduler.__init__(self, params['base_lr'], params['warmup_steps'], params['warmup_begin_lr'], params['warmup_mode'])
        if 'step' in params and isinstance(params['step'], (list, tuple)):
            params['step'] = list(params['step'])
        for k, v in params.items():
            if k != 'base_lr':
                setattr(self, k, v)
        try:
            self._h = _bridge.lrScheduler(kind, params)
        except BaseException as e:
            raise _err(e) from None
    return type(kind, (LRScheduler,), {'__init__': __init__, '__doc__': 'MXNet\'s %s(%s).' % (kind, ', '.join(names))})


_WARMUP = ('base_lr', 'warmup_steps', 'warmup_begin_lr', 'warmup_mode')
_WARMUP_DEFAULTS = (0.01, 0, 0, 'linear')
FactorScheduler = _builtin('FactorScheduler', ('step', 'factor', 'stop_factor_lr') + _WARMUP, (None, 1, 1e-8) + _WARMUP_DEFAULTS)
MultiFactorScheduler = _builtin('MultiFactorScheduler', ('step', 'factor') + _WARMUP, (None, 1) + _WARMUP_DEFAULTS)
PolyScheduler = _builtin('PolyScheduler', ('max_update', 'base_lr', 'pwr', 'final_lr', 'warmup_steps', 'warmup_begin_lr', 'warmup_mode'),
                         (None, 0.01, 2, 0, 0, 0, 'linear'))
CosineScheduler = _builtin('CosineScheduler', ('max_update', 'base_lr', 'final_lr', 'warmup_steps', 'warmup_begin_lr', 'warmup_mode'),
                           (None, 0.01, 0, 0, 0, 'linear'))
