"""NDArray: a Python shell around the runtime's array (dev.mxj.ndarray.NDArray).

Every operation is one call into the runtime through a cached operator invoker; the Python side
keeps MXNet 1.9's signatures, return conventions and error type."""
from ..base import _bridge, _err, MXNetError, _param_str, _dtype_name, numeric_types, integer_types
from ..context import Context, current_context, _from_handle

__all__ = ['NDArray', 'array', 'zeros', 'ones', 'full', 'empty', 'arange', 'concat', 'concatenate', 'stack',
           'save', 'load', 'waitall', 'moveaxis', 'onehot_encode', 'zeros_like', 'ones_like',
           'add', 'subtract', 'multiply', 'divide', 'true_divide', 'modulo', 'power', 'maximum', 'minimum',
           'hypot', 'equal', 'not_equal', 'greater', 'greater_equal', 'lesser', 'lesser_equal',
           'logical_and', 'logical_or', 'logical_xor', 'eye', 'linspace']

_DTYPES = ('float32', 'float64', 'float16', 'uint8', 'int8', 'int32', 'int64', 'bool')

try:  # numpy is optional: asnumpy() and numpy dtypes only where it is importable
    import numpy as _np
except ImportError:
    _np = None

# ---------------------------------------------------------------- invoker cache

_invokers = {}
_MAX_CACHED = 4096


def _invoker(op, keys=(), values=()):
    """The runtime's operator with these parameters (strings), parsed once and cached."""
    key = (op, keys, values)
    inv = _invokers.get(key)
    if inv is None:
        try:
            inv = _bridge.invoker(op, list(keys), list(values))
        except BaseException as e:
            raise _err(e) from None
        if len(_invokers) >= _MAX_CACHED:
            _invokers.clear()  # varying scalars (a decaying learning rate) must not grow it forever
        _invokers[key] = inv
    return inv


def _scalar_invoker(op, scalar):
    key = (op, scalar)
    inv = _invokers.get(key)
    if inv is None:
        if not isinstance(scalar, numeric_types):
            raise TypeError('type %s not supported' % str(type(scalar)))
        inv = _invoker(op, ('scalar',), (_param_str(float(scalar)),))
        _invokers[key] = inv
    return inv


def _new(h):
    a = _NEW(NDArray)
    a._h = h
    return a


def _call1(inv, h):
    try:
        return _new(inv.call1(h))
    except BaseException as e:
        raise _err(e) from None


def _call2(inv, a, b):
    try:
        return _new(inv.call2(a, b))
    except BaseException as e:
        raise _err(e) from None


def _into(inv, inputs, out):
    try:
        _bridge.invokeInto(inv, inputs, [out._h])
    except BaseException as e:
        raise _err(e) from None
    return out


# ---------------------------------------------------------------- NDArray

class NDArray:
    """An n-dimensional array on a device (MXNet's mx.nd.NDArray).

    Operations are asynchronous: they return at once; reading values (asnumpy, tolist,
    asscalar, print) waits for pending writes."""
    __slots__ = ('_h', '__weakref__')
    # numpy should defer to our reflected operators
    __array_priority__ = 1000.0

    def __init__(self, handle, writable=True):
        self._h = handle

    # ------------------------------------------------------------ properties

    @property
    def handle(self):
        return self._h

    @property
    def shape(self):
        return tuple(_bridge.shape(self._h))

    @property
    def size(self):
        return int(self._h.size())

    @property
    def ndim(self):
        return int(self._h.ndim())

    @property
    def dtype(self):
        name = _bridge.dtypeName(self._h)
        if _np is not None:
            return _np.dtype(name).type
        return name

    @property
    def context(self):
        return _from_handle(self._h.context())

    ctx = context

    @property
    def stype(self):
        return 'default'

    @property
    def writable(self):
        return True

    @property
    def T(self):
        if self.ndim > 2:
            raise ValueError('Only 2D matrix is allowed to be transposed')
        return _op('transpose', self)

    @property
    def grad(self):
        try:
            g = self._h.grad()
        except BaseException as e:
            raise _err(e) from None
        return None if g is None else _new(g)

    # ------------------------------------------------------------ printing, conversion

    def __repr__(self):
        try:
            return str(self._h.toString())
        except BaseException as e:
            raise _err(e) from None

    __str__ = __repr__

    def __reduce__(self):
        raise MXNetError('NDArray pickling is not supported; use mx.nd.save / mx.nd.load')

    def tolist(self):
        """The values as (nested) Python lists of float, or int for integer and bool arrays."""
        try:
            flat = list(_bridge.values(self._h))
        except BaseException as e:
            raise _err(e) from None
        if _bridge.dtypeName(self._h) == 'bool':
            flat = [bool(v) for v in flat]
        shape = self.shape
        if len(shape) == 0:
            return flat[0]
        return _nest(flat, shape)

    def asnumpy(self):
        """A numpy copy of the values; needs numpy, which this interpreter may not have."""
        if _np is None:
            raise MXNetError('asnumpy() needs numpy, which is not importable in this Python; '
                             'use tolist() (nested lists) or asscalar() instead')
        return _np.array(self.tolist(), dtype=_bridge.dtypeName(self._h)).reshape(self.shape)

    def asscalar(self):
        if self.shape != (1,) and self.shape != ():
            raise ValueError('The current array is not a scalar')
        v = self.tolist()
        while isinstance(v, list):
            v = v[0]
        return v

    def astype(self, dtype, copy=True):
        name = _dtype_name(dtype)
        if not copy and name == _bridge.dtypeName(self._h):
            return self
        try:
            return _new(_bridge.asType(self._h, name))
        except BaseException as e:
            raise _err(e) from None

    def copyto(self, other):
        """Copy into `other` (an NDArray, returned) or to a new array on context `other`."""
        try:
            if isinstance(other, NDArray):
                if other._h is self._h:
                    import warnings
                    warnings.warn('You are attempting to copy an array to itself', RuntimeWarning)
                    return False
                self._h.copyTo(other._h)
                return other
            if isinstance(other, Context):
                return _new(self._h.copyTo(other._h))
        except BaseException as e:
            raise _err(e) from None
        raise TypeError('copyto does not support type ' + str(type(other)))

    def copy(self):
        return self.copyto(self.context)

    def as_in_context(self, context):
        if self.context == context:
            return self
        return self.copyto(context)

    as_in_ctx = as_in_context

    def wait_to_read(self):
        try:
            self._h.waitToRead()
        except BaseException as e:
            raise _err(e) from None

    def wait_to_write(self):
        try:
            self._h.waitToWrite()
        except BaseException as e:
            raise _err(e) from None

    def reshape(self, *shape, **kwargs):
        """A view with a new shape: reshape((2, 3)), reshape(2, 3), reshape(shape=(2, -1)),
        with MXNet's codes 0, -1, -2, -3, -4 and reverse=True."""
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = shape[0]
        elif not shape:
            shape = kwargs.get('shape')
            if shape is None:
                raise TypeError('Shape must be provided.')
        reverse = bool(kwargs.get('reverse', False))
        for k in kwargs:
            if k not in ('shape', 'reverse'):
                raise TypeError("Got unknown keywords in reshape: %s. Accepted keyword arguments are 'shape' and 'reverse'." % k)
        try:
            return _new(_bridge.reshape(self._h, [int(d) for d in shape], reverse))
        except BaseException as e:
            raise _err(e) from None

    def reshape_like(self, *args, **kwargs):
        return _op('reshape_like', self, *args, **kwargs)

    def broadcast_to(self, shape):
        cur = self.shape
        if len(shape) < len(cur):
            raise ValueError('Cannot broadcast shape %s to %s' % (cur, shape))
        if len(shape) > len(cur):
            x = self.reshape((1,) * (len(shape) - len(cur)) + cur)
        else:
            x = self
        return _op('broadcast_to', x, shape=tuple(shape))

    def broadcast_like(self, other):
        return self.broadcast_to(other.shape)

    def detach(self):
        try:
            return _new(self._h.detach())
        except BaseException as e:
            raise _err(e) from None

    def attach_grad(self, grad_req='write', stype=None):
        try:
            _bridge.attachGrad(self._h, grad_req)
        except BaseException as e:
            raise _err(e) from None

    def backward(self, out_grad=None, retain_graph=False, train_mode=True):
        try:
            _bridge.backward([self._h], None if out_grad is None else [out_grad._h], retain_graph, train_mode)
        except BaseException as e:
            raise _err(e) from None

    def tostype(self, stype):
        if stype != 'default':
            raise MXNetError('sparse storage types are not supported; only "default"')
        return self

    def as_nd_ndarray(self):
        return self

    # ------------------------------------------------------------ container protocol

    def __len__(self):
        shape = self.shape
        if len(shape) == 0:
            raise TypeError('len() of unsized object')
        return shape[0]

    def __iter__(self):
        n = len(self)
        for i in range(n):
            yield self[i]

    def __bool__(self):
        size = self.size
        if size == 0:
            return False
        if size == 1:
            return bool(self.asscalar())
        raise ValueError('The truth value of an NDArray with multiple elements is ambiguous.')

    __nonzero__ = __bool__

    def __float__(self):
        return float(self.asscalar())

    def __int__(self):
        return int(self.asscalar())

    def __index__(self):
        if self.size == 1 and _bridge.dtypeName(self._h) not in ('float32', 'float64', 'float16'):
            return int(self.asscalar())
        raise TypeError('only integer scalar arrays can be converted to a scalar index')

    def __getstate__(self):
        raise MXNetError('NDArray pickling is not supported; use mx.nd.save / mx.nd.load')

    def __getitem__(self, key):
        from . import indexing
        return indexing.getitem(self, key)

    def __setitem__(self, key, value):
        from . import indexing
        indexing.setitem(self, key, value)

    # arithmetic and comparison operators are generated below from _BINARY / _COMPARE

    def __neg__(self):
        return _call1(_NEG, self._h)

    def __pos__(self):
        return self

    def __abs__(self):
        return _call1(_ABS, self._h)

    # MXNet's NDArray defines __eq__ without __hash__: arrays are not hashable
    __hash__ = None


_NEW = object.__new__


def _nest(flat, shape):
    if len(shape) == 1:
        return flat
    step = 1
    for d in shape[1:]:
        step *= d
    return [_nest(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def _op(name, *args, **kwargs):
    """Call a registered operator by name (used by methods defined before the op table)."""
    from . import register
    return register.function(name)(*args, **kwargs)


# name, operator for two arrays, operator with a scalar, operator with the scalar on the left
_BINARY = (('add', 'broadcast_add', '_plus_scalar', '_plus_scalar'),
           ('sub', 'broadcast_sub', '_minus_scalar', '_rminus_scalar'),
           ('mul', 'broadcast_mul', '_mul_scalar', '_mul_scalar'),
           ('truediv', 'broadcast_div', '_div_scalar', '_rdiv_scalar'),
           ('mod', 'broadcast_mod', '_mod_scalar', '_rmod_scalar'),
           ('pow', 'broadcast_power', '_power_scalar', '_rpower_scalar'))
_COMPARE = (('eq', 'broadcast_equal', '_equal_scalar'),
            ('ne', 'broadcast_not_equal', '_not_equal_scalar'),
            ('gt', 'broadcast_greater', '_greater_scalar'),
            ('ge', 'broadcast_greater_equal', '_greater_equal_scalar'),
            ('lt', 'broadcast_lesser', '_lesser_scalar'),
            ('le', 'broadcast_lesser_equal', '_lesser_equal_scalar'))


def _binary(array_op, scalar_op, other_types=None):
    """x OP y: one cached invoker for two arrays, one per distinct scalar."""
    inv = _invoker(array_op)

    def method(self, other):
        if type(other) is NDArray:
            return _call2(inv, self._h, other._h)
        if other_types is not None and not isinstance(other, numeric_types):
            return other_types  # == / != with a non-number: False / True, as MXNet
        return _call1(_scalar_invoker(scalar_op, other), self._h)
    return method


def _reflected(scalar_op):
    def method(self, other):
        return _call1(_scalar_invoker(scalar_op, other), self._h)
    return method


def _inplace(array_op, scalar_op):
    """x OP= y writes into x (out=x), as MXNet's in-place operators."""
    inv = _invoker(array_op)

    def method(self, other):
        if isinstance(other, NDArray):
            return _into(inv, [self._h, other._h], self)
        return _into(_scalar_invoker(scalar_op, other), [self._h], self)
    return method


for _n, _arr, _sc, _rsc in _BINARY:
    setattr(NDArray, '__%s__' % _n, _binary(_arr, _sc))
    setattr(NDArray, '__r%s__' % _n, _reflected(_rsc))
    setattr(NDArray, '__i%s__' % _n, _inplace(_arr, _sc))
for _n, _arr, _sc in _COMPARE:
    setattr(NDArray, '__%s__' % _n, _binary(_arr, _sc, {'eq': False, 'ne': True}.get(_n)))
NDArray.__div__, NDArray.__rdiv__, NDArray.__idiv__ = NDArray.__truediv__, NDArray.__rtruediv__, NDArray.__itruediv__
_NEG = _invoker('negative')
_ABS = _invoker('abs')

# Fluent methods: x.sum(axis=1) is mx.nd.sum(x, axis=1) (MXNet 1.9's list).
_FLUENT = ('zeros_like', 'ones_like', 'broadcast_axes', 'repeat', 'pad', 'swapaxes', 'split', 'split_v2',
           'slice', 'slice_axis', 'slice_like', 'take', 'one_hot', 'pick', 'sort', 'topk', 'argsort', 'argmax',
           'argmax_channel', 'argmin', 'clip', 'abs', 'sign', 'flatten', 'shape_array', 'size_array', 'expand_dims',
           'tile', 'transpose', 'flip', 'depth_to_space', 'space_to_depth', 'diag', 'sum', 'nansum', 'prod',
           'nanprod', 'mean', 'max', 'min', 'norm', 'round', 'rint', 'fix', 'floor', 'ceil', 'trunc', 'sin', 'cos',
           'tan', 'arcsin', 'arccos', 'arctan', 'degrees', 'radians', 'sinh', 'cosh', 'tanh', 'arcsinh', 'arccosh',
           'arctanh', 'exp', 'expm1', 'log', 'log10', 'log2', 'log1p', 'log_sigmoid', 'sqrt', 'rsqrt', 'cbrt', 'rcbrt',
           'square', 'reciprocal', 'relu', 'sigmoid', 'softmax', 'log_softmax', 'softmin', 'mish', 'squeeze')


def _make_fluent(name):
    def fluent(self, *args, **kwargs):
        return _op(name, self, *args, **kwargs)
    fluent.__name__ = name
    fluent.__doc__ = 'Convenience fluent method for :py:func:`%s`.' % name
    return fluent


for _name in _FLUENT:
    if _name not in NDArray.__dict__:
        setattr(NDArray, _name, _make_fluent(_name))


# ---------------------------------------------------------------- creation and module functions

def _ctx(ctx):
    return current_context() if ctx is None else ctx


def _flatten(data):
    """Flat values and shape of a nested sequence of numbers; ragged input fails clearly."""
    if isinstance(data, (int, float, bool)):
        return [data], ()
    shape = []
    probe = data
    while isinstance(probe, (list, tuple, range)):
        shape.append(len(probe))
        if len(probe) == 0:
            break
        probe = probe[0]
    flat = []

    def walk(x, depth):
        if depth == len(shape):
            if isinstance(x, (list, tuple)):
                raise MXNetError('array: ragged nested sequence (more nesting than the first element has)')
            if isinstance(x, NDArray):
                x = x.asscalar()
            if not isinstance(x, (int, float, bool)):
                raise MXNetError('array: cannot convert element of type %s to a number' % type(x).__name__)
            flat.append(x)
            return
        if not isinstance(x, (list, tuple, range)) or len(x) != shape[depth]:
            raise MXNetError('array: ragged nested sequence: dimension %d should have length %d' % (depth, shape[depth]))
        for e in x:
            walk(e, depth + 1)
    walk(data, 0)
    return flat, tuple(shape)


def array(source_array, ctx=None, dtype=None):
    """An array from a nested list/tuple of numbers, an NDArray (copied) or a numpy array."""
    if isinstance(source_array, NDArray):
        dtype = source_array.dtype if dtype is None else dtype
        return source_array.as_in_context(_ctx(ctx)).astype(dtype) if dtype is not None else source_array.copyto(_ctx(ctx))
    if _np is not None and isinstance(source_array, _np.ndarray):
        if dtype is None:
            dtype = source_array.dtype.name
        source_array = source_array.tolist()
    flat, shape = _flatten(source_array)
    if not shape:
        shape = (1,)  # MXNet 1.x has no 0-d arrays: a scalar becomes shape (1,)
    name = _dtype_name(dtype)
    if name not in _DTYPES:
        raise MXNetError("unknown dtype '%s'; expected one of %s" % (name, ', '.join(_DTYPES)))
    try:
        return _new(_bridge.fromValues(flat, list(shape), name, _ctx(ctx)._h))
    except BaseException as e:
        raise _err(e) from None


def _shape_tuple(shape):
    return (shape,) if isinstance(shape, integer_types) else tuple(shape)


def empty(shape, ctx=None, dtype=None):
    return _op('_zeros', shape=_shape_tuple(shape), ctx=_ctx(ctx), dtype=_dtype_name(dtype))


def zeros(shape, ctx=None, dtype=None, **kwargs):
    return _op('_zeros', shape=_shape_tuple(shape), ctx=_ctx(ctx), dtype=_dtype_name(dtype), **kwargs)


def ones(shape, ctx=None, dtype=None, **kwargs):
    return _op('_ones', shape=_shape_tuple(shape), ctx=_ctx(ctx), dtype=_dtype_name(dtype), **kwargs)


def full(shape, val, ctx=None, dtype='float32', out=None):
    return _op('_full', shape=_shape_tuple(shape), ctx=_ctx(ctx), dtype=_dtype_name(dtype), value=float(val), out=out)


def arange(start, stop=None, step=1.0, repeat=1, infer_range=None, ctx=None, dtype='float32'):
    if stop is None:
        start, stop = 0, start
    return _op('_arange', start=start, stop=stop, step=step, repeat=repeat, ctx=_ctx(ctx), dtype=_dtype_name(dtype))


def zeros_like(data, **kwargs):
    return _op('zeros_like', data, **kwargs)


def ones_like(data, **kwargs):
    return _op('ones_like', data, **kwargs)


def concat(*data, **kwargs):
    return _op('Concat', *data, **kwargs)


def concatenate(arrays, axis=0, always_copy=True):
    if not arrays:
        raise ValueError('concatenate needs at least one array')
    if not always_copy and len(arrays) == 1:
        return arrays[0]
    return _op('Concat', *arrays, dim=axis)


def stack(*data, **kwargs):
    return _op('stack', *data, **kwargs)


def moveaxis(tensor, source, destination):
    axes = list(range(tensor.ndim))
    src = source % tensor.ndim
    dst = destination % tensor.ndim
    axes.pop(src)
    axes.insert(dst, src)
    return _op('transpose', tensor, axes=tuple(axes))


def onehot_encode(indices, out):
    return _op('one_hot', indices, depth=out.shape[1], out=out)


# ---------------------------------------------------------------- element-wise functions of two operands
#
# MXNet's mx.nd.add, maximum, greater, ...: two numbers give a number, an array and a number the
# scalar operator (mirrored when the number comes first), two arrays the broadcasting operator.
import operator as _operator
import math as _math


def _ufunc(name, array_op, scalar_op, rscalar_op, py):
    def fn(lhs, rhs):
        lnum, rnum = isinstance(lhs, numeric_types), isinstance(rhs, numeric_types)
        if lnum and rnum:
            return py(lhs, rhs)
        if rnum:
            return _call1(_scalar_invoker(scalar_op, rhs), lhs._h)
        if lnum:
            return _call1(_scalar_invoker(rscalar_op, lhs), rhs._h)
        if isinstance(lhs, NDArray) and isinstance(rhs, NDArray):
            return _call2(_invoker(array_op), lhs._h, rhs._h)
        raise TypeError('type %s not supported' % str(type(rhs if isinstance(lhs, NDArray) else lhs)))
    fn.__name__ = name
    fn.__doc__ = ('Element-wise %s of two arrays (with broadcasting) or of an array and a scalar, as MXNet\'s '
                  'mx.nd.%s: %s for two arrays, %s with a scalar.' % (name, name, array_op, scalar_op))
    return fn


def _bool_py(f):
    return lambda a, b: 1 if f(a, b) else 0


add = _ufunc('add', 'broadcast_add', '_plus_scalar', '_plus_scalar', _operator.add)
subtract = _ufunc('subtract', 'broadcast_sub', '_minus_scalar', '_rminus_scalar', _operator.sub)
multiply = _ufunc('multiply', 'broadcast_mul', '_mul_scalar', '_mul_scalar', _operator.mul)
divide = _ufunc('divide', 'broadcast_div', '_div_scalar', '_rdiv_scalar', _operator.truediv)
true_divide = divide
modulo = _ufunc('modulo', 'broadcast_mod', '_mod_scalar', '_rmod_scalar', _operator.mod)
power = _ufunc('power', 'broadcast_power', '_power_scalar', '_rpower_scalar', _operator.pow)
maximum = _ufunc('maximum', 'broadcast_maximum', '_maximum_scalar', '_maximum_scalar', lambda a, b: a if a > b else b)
minimum = _ufunc('minimum', 'broadcast_minimum', '_minimum_scalar', '_minimum_scalar', lambda a, b: a if a < b else b)
hypot = _ufunc('hypot', 'broadcast_hypot', '_hypot_scalar', '_hypot_scalar', _math.hypot)
equal = _ufunc('equal', 'broadcast_equal', '_equal_scalar', '_equal_scalar', _bool_py(_operator.eq))
not_equal = _ufunc('not_equal', 'broadcast_not_equal', '_not_equal_scalar', '_not_equal_scalar', _bool_py(_operator.ne))
greater = _ufunc('greater', 'broadcast_greater', '_greater_scalar', '_lesser_scalar', _bool_py(_operator.gt))
greater_equal = _ufunc('greater_equal', 'broadcast_greater_equal', '_greater_equal_scalar', '_lesser_equal_scalar',
                       _bool_py(_operator.ge))
lesser = _ufunc('lesser', 'broadcast_lesser', '_lesser_scalar', '_greater_scalar', _bool_py(_operator.lt))
lesser_equal = _ufunc('lesser_equal', 'broadcast_lesser_equal', '_lesser_equal_scalar', '_greater_equal_scalar',
                      _bool_py(_operator.le))
logical_and = _ufunc('logical_and', 'broadcast_logical_and', '_logical_and_scalar', '_logical_and_scalar',
                     _bool_py(lambda a, b: bool(a) and bool(b)))
logical_or = _ufunc('logical_or', 'broadcast_logical_or', '_logical_or_scalar', '_logical_or_scalar',
                    _bool_py(lambda a, b: bool(a) or bool(b)))
logical_xor = _ufunc('logical_xor', 'broadcast_logical_xor', '_logical_xor_scalar', '_logical_xor_scalar',
                     _bool_py(lambda a, b: bool(a) != bool(b)))


def eye(N, M=0, k=0, ctx=None, dtype=None, **kwargs):
    """A 2-D array with ones on the k-th diagonal (N rows, M columns; M=0 means N)."""
    return _op('_eye', N=N, M=M, k=k, ctx=ctx if ctx is not None else current_context(), dtype=dtype or 'float32', **kwargs)


def linspace(start, stop, num, endpoint=True, ctx=None, dtype='float32'):
    """num evenly spaced values from start to stop (stop included when endpoint)."""
    return _op('_linspace', start=start, stop=stop, num=num, endpoint=endpoint,
               ctx=ctx if ctx is not None else current_context(), dtype=dtype)


def waitall():
    """Wait until every pushed operation has finished (and raise the first error they stored)."""
    try:
        _bridge.waitAll()
    except BaseException as e:
        raise _err(e) from None


def save(fname, data):
    """Save an NDArray, a list of NDArrays or a dict str -> NDArray in MXNet's .params format."""
    if isinstance(data, NDArray):
        data = [data]
    if isinstance(data, dict):
        names = list(data.keys())
        arrays = list(data.values())
        if not all(isinstance(k, str) for k in names):
            raise TypeError('save only accepts dict str->NDArray or list of NDArray')
    elif isinstance(data, (list, tuple)):
        names = None
        arrays = list(data)
    else:
        raise TypeError('save only accepts dict str->NDArray or list of NDArray')
    if not all(isinstance(a, NDArray) for a in arrays):
        raise TypeError('save only accepts dict str->NDArray or list of NDArray')
    try:
        _bridge.save(str(fname), names, [a._h for a in arrays])
    except BaseException as e:
        raise _err(e) from None


def load(fname):
    """Arrays saved by save (or by MXNet): a list, or a dict when they were saved with names."""
    if not isinstance(fname, str):
        raise TypeError('fname required to be a string')
    try:
        names, arrays = _bridge.load(fname)
    except BaseException as e:
        raise _err(e) from None
    arrays = [_new(h) for h in arrays]
    if len(names) == 0:
        return arrays
    return {str(n): a for n, a in zip(names, arrays)}
