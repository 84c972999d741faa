"""Symbol: MXNet's symbolic graph over the runtime's dev.mxj.symbol.Symbol (held in `_h`).

Every operation is one call into the runtime (composition, naming of auto-created variables such
as `fc1_weight`, shape inference, JSON); Python keeps MXNet's signatures and return forms."""
from ..base import _bridge, _err, MXNetError, _param_str, numeric_types, string_types
from ..context import current_context
from ..ndarray.ndarray import NDArray, _new

__all__ = ['Symbol', 'var', 'Variable', 'Group', 'load', 'load_json', 'zeros', 'ones', 'full', 'arange']

_NEW = object.__new__


def _sym(h):
    s = _NEW(Symbol)
    s._h = h
    return s


def _call(fn, *args):
    try:
        return fn(*args)
    except BaseException as e:
        raise _err(e) from None


def _named_handles(d, what):
    """[names, handles] for the bridge from a dict of NDArrays (None entries kept as None)."""
    names, handles = [], []
    for k, v in d.items():
        if v is not None and not isinstance(v, NDArray):
            raise TypeError('%s must be a dict of NDArrays; %s is a %s' % (what, k, type(v).__name__))
        names.append(k)
        handles.append(None if v is None else v._h)
    return [names, handles]


class Symbol:
    """A symbolic graph: one or more outputs of operator and variable nodes."""
    __slots__ = ('_h', '__weakref__')

    def __init__(self, handle):
        self._h = handle

    # ------------------------------------------------------------------ structure

    @property
    def name(self):
        n = _call(self._h.name)
        return None if n is None else str(n)

    def __repr__(self):
        n = self.name
        if n is None:
            return '<Symbol group [%s]>' % ', '.join(str(s.name) for s in self)
        return '<Symbol %s>' % n

    def __str__(self):
        return self.__repr__()

    def __len__(self):
        return len(self.list_outputs())

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __getitem__(self, index):
        if isinstance(index, string_types):
            outs = self.list_outputs()
            if index not in outs:
                raise ValueError('There is no output named %s; the outputs are %s' % (index, outs))
            return _sym(_call(self._h.get, outs.index(index)))
        if isinstance(index, slice):
            return Group([self[i] for i in range(len(self))[index]])
        if not isinstance(index, int):
            raise TypeError('Symbol only supports integer, string or slice index, got %s' % type(index).__name__)
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError('Symbol index %d out of range for %d outputs' % (index, n))
        return _sym(_call(self._h.get, index))

    def list_arguments(self):
        return [str(x) for x in _call(self._h.listArguments)]

    def list_outputs(self):
        return [str(x) for x in _call(self._h.listOutputs)]

    def list_auxiliary_states(self):
        return [str(x) for x in _call(self._h.listAuxiliaryStates)]

    def list_inputs(self):
        return [str(x) for x in _call(self._h.listInputs)]

    def get_internals(self):
        return _sym(_call(self._h.getInternals))

    def get_children(self):
        c = _call(self._h.getChildren)
        return None if c is None else _sym(c)

    def attr(self, key):
        v = _call(self._h.attr, key)
        return None if v is None else str(v)

    def list_attr(self, recursive=False):
        if recursive:
            raise MXNetError('Symbol.list_attr(recursive=True) is not supported; use attr_dict()')
        m = _call(self._h.listAttr)
        return {str(k): str(m[k]) for k in m.keySet()}

    def attr_dict(self):
        m = _call(self._h.attrDict)
        return {str(k): {str(a): str(m[k][a]) for a in m[k].keySet()} for k in m.keySet()}

    def __call__(self, *args, **kwargs):
        if args:
            raise TypeError('compose only accepts input Symbols either as positional or keyword arguments, '
                            'not both; here: keyword arguments only')
        name = kwargs.pop('name', None)
        for k, v in kwargs.items():
            if not isinstance(v, Symbol):
                raise TypeError('Compose expects `Symbol` as arguments, got %s for %s' % (type(v).__name__, k))
        return _sym(_call(_bridge.symCompose, self._h, name, list(kwargs), [v._h for v in kwargs.values()]))

    def __copy__(self):
        return _sym(_call(self._h.copy))

    def __deepcopy__(self, _memo):
        return self.__copy__()

    # ------------------------------------------------------------------ arithmetic

    def _bin(self, other, method):
        if isinstance(other, Symbol):
            return _sym(_call(getattr(self._h, method), other._h))
        if isinstance(other, numeric_types):
            return _sym(_call(getattr(self._h, method), float(other)))
        raise TypeError('type %s not supported' % type(other).__name__)

    def _rscalar(self, other, method):
        if isinstance(other, numeric_types):
            return _sym(_call(getattr(self._h, method), float(other)))
        raise TypeError('type %s not supported' % type(other).__name__)

    def __add__(self, other):
        return self._bin(other, 'add')

    __radd__ = __add__

    def __sub__(self, other):
        return self._bin(other, 'sub')

    def __rsub__(self, other):
        return self._rscalar(other, 'rsub')

    def __mul__(self, other):
        return self._bin(other, 'mul')

    __rmul__ = __mul__

    def __truediv__(self, other):
        return self._bin(other, 'div')

    def __rtruediv__(self, other):
        return self._rscalar(other, 'rdiv')

    def __mod__(self, other):
        return self._bin(other, 'mod')

    def __rmod__(self, other):
        return self._rscalar(other, 'rmod')

    def __pow__(self, other):
        return self._bin(other, 'pow')

    def __rpow__(self, other):
        return self._rscalar(other, 'rpow')

    def __neg__(self):
        return _sym(_call(self._h.neg))

    def __eq__(self, other):
        return self._bin(other, 'eq')

    def __ne__(self, other):
        return self._bin(other, 'ne')

    def __gt__(self, other):
        return self._bin(other, 'gt')

    def __ge__(self, other):
        return self._bin(other, 'ge')

    def __lt__(self, other):
        return self._bin(other, 'lt')

    def __le__(self, other):
        return self._bin(other, 'le')

    __hash__ = object.__hash__

    def __bool__(self):
        raise NotImplementedError('A Symbol has no truth value')

    # ------------------------------------------------------------------ inference

    def _known_shapes(self, args, kwargs):
        if args and kwargs:
            raise ValueError('Can only specify known argument shapes either by positional or kwargs way.')
        names, shapes = [], []
        if args:
            for n, s in zip(self.list_arguments(), args):
                if s is not None:
                    names.append(n)
                    shapes.append([int(x) for x in s])
        for n, s in kwargs.items():
            if s is not None:
                names.append(n)
                shapes.append([int(x) for x in s])
        return names, shapes

    def _infer(self, args, kwargs, partial):
        names, shapes = self._known_shapes(args, kwargs)
        r = _call(_bridge.symInferShape, self._h, names, shapes, partial)
        if r is None:
            return None, None, None

        def conv(lst):
            if lst is None:
                return None
            return [() if d is None else tuple(max(int(x), 0) for x in d) for d in lst]
        return conv(r[0]), conv(r[1]), conv(r[2])

    def infer_shape(self, *args, **kwargs):
        """(arg_shapes, out_shapes, aux_shapes) from known argument shapes; (None, None, None) if undecided."""
        return self._infer(args, kwargs, False)

    def infer_shape_partial(self, *args, **kwargs):
        return self._infer(args, kwargs, True)

    def _infer_types(self, args, kwargs, partial):
        if args and kwargs:
            raise ValueError('Can only specify known argument types either by positional or kwargs way.')
        known = dict(zip(self.list_arguments(), args)) if args else kwargs
        known = {k: v for k, v in known.items() if v is not None}
        r = _call(_bridge.symInferType, self._h, list(known), [_param_str(v) for v in known.values()], partial)
        if r is None:
            return None, None, None
        from ..ndarray.ndarray import _np

        def conv(lst):
            if lst is None:
                return None
            return [None if t is None else (_np.dtype(str(t)).type if _np is not None else str(t)) for t in lst]
        return conv(r[0]), conv(r[1]), conv(r[2])

    def infer_type(self, *args, **kwargs):
        """(arg_types, out_types, aux_types) from known argument types (numpy types when numpy
        imports, else dtype names as NDArray.dtype); (None, None, None) if undecided."""
        return self._infer_types(args, kwargs, False)

    def infer_type_partial(self, *args, **kwargs):
        return self._infer_types(args, kwargs, True)

    # ------------------------------------------------------------------ serialization

    def tojson(self, remove_amp_cast=True):
        return str(_call(self._h.toJson))

    def save(self, fname, remove_amp_cast=True):
        _call(_bridge.symSave, self._h, str(fname))

    def debug_str(self):
        return str(_call(self._h.toString))

    # ------------------------------------------------------------------ binding

    def bind(self, ctx, args, args_grad=None, grad_req='write', aux_states=None, group2ctx=None, shared_exec=None):
        """An Executor over the given arrays (used, not copied): `args` a dict by name or a list in
        list_arguments() order; likewise args_grad and aux_states; grad_req a string, list or dict.
        group2ctx maps ctx_group names (mx.AttrScope(ctx_group=...)) to contexts; shared_exec's memory
        pool is shared."""
        from ..executor import Executor
        arg_names = self.list_arguments()
        args = self._as_dict(args, arg_names, 'args')
        for n in arg_names:
            if n not in args:
                raise ValueError('key `%s` is missing in `%s`' % (n, 'args'))
        a = _named_handles(args, 'args')
        g = None if args_grad is None else _named_handles(self._as_dict(args_grad, arg_names, 'args_grad'), 'args_grad')
        x = None if aux_states is None else _named_handles(self._as_dict(aux_states, self.list_auxiliary_states(), 'aux_states'), 'aux_states')
        req = grad_req
        if isinstance(req, tuple):
            req = list(req)
        h = _call(_bridge.bind, self._h, ctx._h, a, g, req, x, _group2ctx(group2ctx), _exec_handle(shared_exec))
        return Executor(h, self)

    @staticmethod
    def _as_dict(v, names, what):
        if isinstance(v, dict):
            return v
        if isinstance(v, (list, tuple)):
            if len(v) != len(names):
                raise ValueError('Length of %s does not match the number of arguments: %d vs %d' % (what, len(v), len(names)))
            return dict(zip(names, v))
        raise TypeError('%s must be a list or a dict of NDArrays' % what)

    def simple_bind(self, ctx, grad_req='write', type_dict=None, stype_dict=None, group2ctx=None, shared_arg_names=None,
                    shared_exec=None, shared_buffer=None, **kwargs):
        """An Executor that allocates every array from the given input shapes (and type_dict's dtypes,
        completed by type inference). As MXNet: with shared_buffer (a dict name -> NDArray), the
        arguments named in shared_arg_names take shared_exec's arrays, the others are laid onto the
        buffer's arrays where large enough, and the buffer is updated with the arrays created; without
        it nothing is shared but shared_exec's memory pool."""
        from ..executor import Executor
        for n, st in (stype_dict or {}).items():
            if st != 'default':
                raise MXNetError('simple_bind: storage type %s for %s is not supported by mxj (dense arrays only)' % (st, n))
        if shared_arg_names is not None and not isinstance(shared_arg_names, list):
            raise ValueError('shared_arg_names in simple_bind must be a list or None')
        if shared_buffer is not None and not isinstance(shared_buffer, dict):
            raise ValueError('shared_buffer in simple_bind must be dict or None')
        req = list(grad_req) if isinstance(grad_req, tuple) else grad_req
        names = list(kwargs)
        shapes = [[int(x) for x in kwargs[n]] for n in names]
        tnames = types = None
        if type_dict:
            tnames = list(type_dict)
            types = [_param_str(type_dict[n]) for n in tnames]
        buf = None if shared_buffer is None else _named_handles(shared_buffer, 'shared_buffer')
        r = _call(_bridge.simpleBind, self._h, ctx._h, req, names, shapes, tnames, types, _group2ctx(group2ctx),
                  None if shared_arg_names is None else [str(n) for n in shared_arg_names], _exec_handle(shared_exec), buf)
        if shared_buffer is not None:
            for k, h in zip(r[1], r[2]):      # as MXNet, every entry comes back as a new NDArray
                shared_buffer[str(k)] = _new(h)
        return Executor(r[0], self)

    def eval(self, ctx=None, **kwargs):
        """Bind to the given arrays and run forward; the outputs as a list."""
        ex = self.bind(ctx or current_context(), kwargs, grad_req='null')
        return ex.forward()


def _group2ctx(group2ctx):
    """[group names, context handles] for the bridge, or None."""
    if not group2ctx:
        return None
    from ..context import Context
    for k, v in group2ctx.items():
        if not isinstance(v, Context):
            raise TypeError('group2ctx must map group names to Contexts; %s maps to %s' % (k, type(v).__name__))
    return [list(group2ctx), [v._h for v in group2ctx.values()]]


def _exec_handle(e):
    if e is None:
        return None
    h = getattr(e, '_h', None)
    if h is None:
        raise TypeError('shared_exec must be an Executor, got %s' % type(e).__name__)
    return h


def _make_fluent(name):
    def fluent(self, *args, **kwargs):
        from .register import function
        return function(name)(self, *args, **kwargs)
    fluent.__name__ = name
    fluent.__doc__ = 'Convenience fluent method for :py:func:`%s`.' % name
    return fluent


def _install_fluent():
    from ..ndarray.ndarray import _FLUENT
    for n in _FLUENT + ('reshape', 'reshape_like', 'broadcast_to', 'broadcast_like'):
        if n not in Symbol.__dict__:
            setattr(Symbol, n, _make_fluent(n))
    Symbol.astype = lambda self, dtype: _make_fluent('Cast')(self, dtype=dtype)


_install_fluent()


def var(name, attr=None, shape=None, lr_mult=None, wd_mult=None, dtype=None, init=None, stype=None, **kwargs):
    """A variable symbol (a free input of the graph)."""
    if not isinstance(name, string_types):
        raise TypeError('Expect a string for variable `name`')
    attrs = {}
    if attr:
        attrs.update(attr)
    if shape is not None:
        attrs['shape'] = [int(x) for x in shape]
    if lr_mult is not None:
        attrs['lr_mult'] = str(lr_mult)   # MXNet's str(): '2.0' for 2.0 (the bridge would pass 2.0 as an int)
    if wd_mult is not None:
        attrs['wd_mult'] = str(wd_mult)
    if dtype is not None:
        attrs['dtype'] = _param_str(dtype)
    if init is not None:
        attrs['init'] = init if isinstance(init, string_types) else init.dumps()
    if stype is not None:
        attrs['stype'] = stype
    for k, v in kwargs.items():
        if not (k.startswith('__') and k.endswith('__')):
            raise ValueError('Attribute name=%s is not supported. Additional attributes must start and end with '
                             'double underscores, e.g, __yourattr__' % k)
        attrs[k] = str(v)
    if 'shape' in attrs and isinstance(attrs['shape'], list):
        shape_vals = attrs.pop('shape')
        attrs['__shape__'] = _param_str(tuple(shape_vals))
    return _sym(_call(_bridge.symVar, name, attrs))


Variable = var


def Group(symbols):
    """One symbol whose outputs are the outputs of `symbols`, in order."""
    if not symbols or any(not isinstance(s, Symbol) for s in symbols):
        raise TypeError('Expected a list of symbols as input')
    return _sym(_call(_bridge.symGroup, [s._h for s in symbols]))


def load_json(json_str):
    if not isinstance(json_str, string_types):
        raise TypeError('json_str needs to be a string')
    return _sym(_call(_bridge.symFromJson, json_str))


def load(fname):
    if not isinstance(fname, string_types):
        raise TypeError('fname needs to be a string')
    return _sym(_call(_bridge.symLoad, fname))


def _creator(op, name, kwargs):
    from .register import function
    return function(op)(name=name, **kwargs)


def zeros(shape, dtype=None, **kwargs):
    return _creator('_zeros', kwargs.pop('name', None), dict(kwargs, shape=tuple(shape), dtype=dtype or 'float32'))


def ones(shape, dtype=None, **kwargs):
    return _creator('_ones', kwargs.pop('name', None), dict(kwargs, shape=tuple(shape), dtype=dtype or 'float32'))


def full(shape, val, dtype=None, **kwargs):
    return _creator('_full', kwargs.pop('name', None), dict(kwargs, shape=tuple(shape), dtype=dtype or 'float32', value=float(val)))


def arange(start, stop=None, step=1.0, repeat=1, infer_range=False, name=None, dtype=None):
    return _creator('_arange', name, dict(start=start, stop=stop, step=step, repeat=repeat, infer_range=infer_range,
                                          dtype=dtype or 'float32'))
