"""mxnet.ndarray.random: sampling with MXNet's signatures. Scalar parameters draw from the
_random_* operators; NDArray parameters draw per element from the _sample_* operators."""
from ..base import numeric_types
from ..context import current_context
from .ndarray import NDArray, _op

__all__ = ['uniform', 'normal', 'randn', 'poisson', 'exponential', 'gamma', 'multinomial',
           'negative_binomial', 'generalized_negative_binomial', 'shuffle', 'randint']


def _helper(random, sampler, params, names, shape, dtype, ctx, out, kwargs):
    if isinstance(params[0], NDArray):
        for p in params[1:]:
            if not isinstance(p, NDArray):
                raise ValueError('Distribution parameters must all have the same type, but got both NDArray and %s.' % type(p))
        if shape is not None:
            kwargs['shape'] = shape
        if dtype is not None:
            kwargs['dtype'] = dtype
        return _op(sampler, *params, out=out, **kwargs)
    for n, p in zip(names, params):
        if not isinstance(p, numeric_types):
            raise ValueError('Distribution parameters must be numbers or NDArrays, got %s.' % type(p))
        kwargs[n] = p
    if shape is None and out is None:
        shape = (1,)
    if shape is not None:
        kwargs['shape'] = shape
    if dtype is not None:
        kwargs['dtype'] = dtype
    return _op(random, out=out, ctx=current_context() if ctx is None else ctx, **kwargs)


def _distribution(name, names, defaults, op_names=None, transform=None):
    """mx.nd.random.<name>(<params>, shape=None, dtype=None, ctx=None, out=None, **kwargs)."""
    op_names = op_names or names
    spec = tuple(names) + ('shape', 'dtype', 'ctx', 'out')

    def sample(*args, **kwargs):
        if len(args) > len(spec):
            raise TypeError('%s() takes at most %d positional arguments (%d given)' % (name, len(spec), len(args)))
        vals = dict(zip(names, defaults), shape=None, dtype=None, ctx=None, out=None)
        vals.update(zip(spec, args))
        for k in spec:
            if k in kwargs:
                vals[k] = kwargs.pop(k)
        params = [vals[n] for n in names]
        if transform is not None:
            params = transform(params)
        return _helper('_random_' + name, '_sample_' + name, params, op_names, vals['shape'], vals['dtype'],
                       vals['ctx'], vals['out'], kwargs)
    sample.__name__ = name
    sample.__doc__ = 'Draw samples from the %s distribution (parameters: %s), as mx.nd.random.%s.' % (name, ', '.join(names), name)
    return sample


uniform = _distribution('uniform', ('low', 'high'), (0, 1))
normal = _distribution('normal', ('loc', 'scale'), (0, 1))
poisson = _distribution('poisson', ('lam',), (1,))
# MXNet's exponential takes the scale and samples with rate lam = 1 / scale
exponential = _distribution('exponential', ('scale',), (1,), ('lam',), lambda p: [1.0 / p[0]])
gamma = _distribution('gamma', ('alpha', 'beta'), (1, 1))
negative_binomial = _distribution('negative_binomial', ('k', 'p'), (1, 1))
generalized_negative_binomial = _distribution('generalized_negative_binomial', ('mu', 'alpha'), (1, 1))
_randint = _distribution('randint', ('low', 'high'), (None, None))


def randn(*shape, **kwargs):
    loc = kwargs.pop('loc', 0)
    scale = kwargs.pop('scale', 1)
    return normal(loc, scale, shape or None, **kwargs)


def multinomial(data, shape=None, get_prob=False, out=None, dtype='int32', **kwargs):
    extra = {} if shape is None else {'shape': shape}
    return _op('_sample_multinomial', data, get_prob=get_prob, dtype=dtype, out=out, **extra, **kwargs)


def shuffle(data, **kwargs):
    return _op('_shuffle', data, **kwargs)


def randint(low, high, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    return _randint(low, high, shape, dtype, ctx, out, **kwargs)
