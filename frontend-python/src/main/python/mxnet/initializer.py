"""mxnet.initializer (mx.init): weight initializers. The built-in ones are the runtime's
(dev.mxj.initializer), made into Python classes from its registry; Initializer is Python and can
be subclassed (define _init_weight, and _init_bias etc. where the defaults do not fit)."""
from .base import _bridge, _err, MXNetError, string_types, _merge_positional, _runtime_classes
from .ndarray.ndarray import NDArray

__all__ = ['Initializer', 'InitDesc', 'register', 'create', 'Mixed', 'Load']

_registry = {}


def register(klass):
    _registry[klass.__name__.lower()] = klass
    return klass


class InitDesc(str):
    """A parameter name with its attributes (e.g. __init__) and the global initializer."""

    def __new__(cls, name, attrs=None, global_init=None):
        ret = super().__new__(cls, name)
        ret.attrs = attrs or {}
        ret.global_init = global_init
        return ret


class Initializer:
    """Base class: __call__(desc, arr) dispatches on the name's suffix as MXNet does."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._verbose = False
        self._print_func = None

    def set_verbosity(self, verbose=False, print_func=None):
        self._verbose = verbose
        self._print_func = print_func
        return self

    def dumps(self):
        import json
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __call__(self, desc, arr):
        if not isinstance(desc, InitDesc):
            desc = InitDesc(desc)
        if not isinstance(arr, NDArray):
            raise TypeError('initializers fill NDArrays, got %s' % type(arr).__name__)
        init = desc.attrs.get('__init__', '')
        if init:
            create(init)._init_weight(desc, arr)
            return
        name = str(desc)
        if name.endswith('weight'):
            self._init_weight(desc, arr)
        elif name.endswith('bias'):
            self._init_bias(desc, arr)
        elif name.endswith('gamma'):
            self._init_gamma(desc, arr)
        elif name.endswith('beta'):
            self._init_beta(desc, arr)
        elif name.endswith('min'):
            self._init_zero(desc, arr)
        elif name.endswith('max'):
            self._init_one(desc, arr)
        elif name.endswith('moving_mean') or name.endswith('moving_inv_var') or name.endswith('moving_avg'):
            self._init_zero(desc, arr)
        elif name.endswith('moving_var'):
            self._init_one(desc, arr)
        else:
            self._init_default(desc, arr)

    def _init_bias(self, _, arr):
        arr[:] = 0.0

    def _init_gamma(self, _, arr):
        arr[:] = 1.0

    def _init_beta(self, _, arr):
        arr[:] = 0.0

    def _init_zero(self, _, arr):
        arr[:] = 0.0

    def _init_one(self, _, arr):
        arr[:] = 1.0

    def _init_weight(self, name, arr):
        raise NotImplementedError('Must override it')

    def _init_default(self, name, _):
        raise ValueError('Unknown initialization pattern for %s. Default initialization is now limited to '
                         '"weight", "bias", "gamma" (1.0), and "beta" (0.0).' % name)

    def __eq__(self, other):
        return isinstance(other, Initializer) and self.dumps() == other.dumps()

    def __hash__(self):
        return hash(self.dumps())

    def __repr__(self):
        return self.dumps()


class _Builtin(Initializer):
    """An initializer of the runtime."""
    _registry_name = None
    _positional = ()

    def __init__(self, *args, **kwargs):
        super().__init__(**_merge_positional(type(self).__name__, self._positional, args, kwargs))
        try:
            self._h = _bridge.initializer(self._registry_name, kwargs)
        except BaseException as e:
            raise _err(e) from None

    def __call__(self, desc, arr):
        if isinstance(desc, InitDesc) and desc.attrs.get('__init__'):
            return Initializer.__call__(self, desc, arr)
        try:
            self._h.call(str(desc), arr._h)
        except BaseException as e:
            raise _err(e) from None

    def _init_weight(self, name, arr):
        try:
            self._h.call(_weight_name(name), arr._h)
        except BaseException as e:
            raise _err(e) from None

    def dumps(self):
        return str(self._h.dumps())


def _weight_name(name):
    """A name the runtime initialises as a weight (an __init__ override targets weights)."""
    name = str(name)
    return name if name.endswith('weight') else name + '_weight'


# positional constructor arguments, as in MXNet 1.9
_POSITIONAL = {'Constant': ('value',), 'Uniform': ('scale',), 'Normal': ('sigma',), 'Orthogonal': ('scale', 'rand_type'),
               'Xavier': ('rnd_type', 'factor_type', 'magnitude'), 'MSRAPrelu': ('factor_type', 'slope'),
               'LSTMBias': ('forget_bias',)}


def _install():
    classes, by_name = _runtime_classes('initializer', _bridge.initializerNames(), _Builtin, _POSITIONAL, __name__)
    _registry.update(by_name)
    globals().update(classes)
    __all__.extend(sorted(classes))


_install()


class Mixed:
    """Initialize parameters whose names match regular expressions with different initializers."""

    def __init__(self, patterns, initializers):
        import re
        assert len(patterns) == len(initializers)
        self.map = list(zip([re.compile(p) for p in patterns], initializers))

    def __call__(self, name, arr):
        for prog, init in self.map:
            if prog.match(str(name)):
                init(name, arr)
                return
        raise ValueError('Parameter name %s did not match any pattern. Consider adding a ".*" pattern at the end with default Initializer.' % name)


class Load:
    """Initialize from a saved parameter file (or dict); `default_init` for names it lacks."""

    def __init__(self, param, default_init=None, verbose=False):
        from .ndarray import load
        if isinstance(param, str):
            param = load(param)
        assert isinstance(param, dict)
        self.param = {}
        for name, arr in param.items():
            if name.startswith('arg:') or name.startswith('aux:'):
                self.param[name[4:]] = arr
            else:
                self.param[name] = arr
        self.default_init = default_init
        self.verbose = verbose

    def __call__(self, name, arr):
        if name in self.param:
            if arr.shape != self.param[name].shape:
                raise MXNetError('Parameter %s cannot be initialized from loading. Shape mismatch, target %s vs loaded %s'
                                 % (name, arr.shape, self.param[name].shape))
            arr[:] = self.param[name]
        else:
            if self.default_init is None:
                raise MXNetError('Cannot Initialize %s. Not found in loaded param and no default Initializer is provided.' % name)
            self.default_init(name, arr)


def create(init, **kwargs):
    """An initializer from a name, a JSON dumps() string, or an Initializer."""
    if isinstance(init, Initializer):
        return init
    if isinstance(init, string_types):
        s = init.strip()
        if s.startswith('['):
            import json
            name, kw = json.loads(s)
            kw.update(kwargs)
            return create(name, **kw)
        klass = _registry.get(s.lower())
        if klass is None:
            raise ValueError('Cannot find initializer %s; registered: %s' % (init, sorted(_registry)))
        return klass(**kwargs)
    raise TypeError('init must be a name or an Initializer, got %s' % type(init).__name__)
