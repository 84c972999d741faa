"""Operator functions generated from the runtime's registry (dev.mxj.interop.OpCatalog).

Each function follows MXNet's calling convention: input arrays positionally or by their input
names, parameters by keyword (or positionally after the inputs, in declaration order), `out=`
to write into existing arrays, `name=` accepted and ignored. A function is built the first time
its name is looked up, so importing mxnet does not pay for all ~500 of them."""
from ..base import _bridge, _err, MXNetError, _param_str
from .ndarray import NDArray, _invoker, _new

_functions = {}
_names = None


def names():
    """Every operator name and alias the registry knows."""
    global _names
    if _names is None:
        _names = frozenset(str(n) for n in _bridge.opNames())
    return _names


class _OpSpec:
    __slots__ = ('name', 'inputs', 'params', 'num_args', 'has_ctx', 'doc')

    def __init__(self, info):
        self.name = str(info.name())
        self.inputs = tuple(str(n) for n in info.inputs())
        self.params = tuple(str(p.name()) for p in info.params())
        self.num_args = None if info.numArgsParam() is None else str(info.numArgsParam())
        self.has_ctx = 'ctx' in self.params
        self.doc = _docstring(info)


def _docstring(info):
    lines = [str(info.doc()).strip(), '', 'Parameters', '----------']
    for n in info.inputs():
        lines.append('%s : NDArray' % n)
        lines.append('    Input %s.' % n)
    for p in info.params():
        lines.append('%s : %s' % (p.name(), p.type()))
        if str(p.doc()):
            lines.append('    ' + str(p.doc()))
    lines += ['out : NDArray, optional', '    The output NDArray to hold the result.', '',
              'Returns', '-------', 'out : NDArray or list of NDArrays', '    The output of this function.']
    return '\n'.join(lines)


def function(name):
    """The Python function of operator `name` (AttributeError if the registry has no such name)."""
    return cached(_functions, name, _make)


def cached(functions, name, make):
    """functions[name], made by make(spec) the first time (AttributeError for an unknown operator)."""
    f = functions.get(name)
    if f is None:
        if name not in names():
            raise AttributeError("mxnet has no operator '%s'" % name)
        try:
            spec = _OpSpec(_bridge.opInfo(name))
        except BaseException as e:
            raise _err(e) from None
        f = make(spec)
        functions[name] = f
    return f


_FAST_MAX = 64
_PLAIN = frozenset((str, int, float, bool, type(None)))


def _plain(args, kwargs):
    """Whether a call can be remembered by op_function's fast path: NDArrays as positional
    arguments, plain parameter values only, and no out=/name=/attr= (a name per call would only
    fill the table)."""
    for a in args:
        if type(a) is not NDArray:
            return False
    for k, v in kwargs.items():
        if type(v) not in _PLAIN or k == 'out' or k == 'name' or k == 'attr':
            return False
    return True


def _call_fast(hit, handles):
    inv, single = hit
    try:
        if single:
            n = len(handles)
            if n == 1:
                return _new(inv.call1(handles[0]))
            if n == 2:
                return _new(inv.call2(handles[0], handles[1]))
            if n == 3:
                return _new(inv.call3(handles[0], handles[1], handles[2]))
            return _new(_bridge.invoke(inv, handles)[0])
        return [_new(h) for h in _bridge.invoke(inv, handles)]
    except BaseException as e:
        raise _err(e) from None


def _make(spec):
    op_name = spec.name
    input_names = spec.inputs
    param_names = spec.params
    n_in = len(input_names)
    num_args = spec.num_args
    has_ctx = spec.has_ctx

    # Calls whose positional arguments are all NDArrays and whose keyword arguments are plain
    # parameters (str, int, float, bool, None) are remembered by (argument count, keyword items,
    # their types): a repeated call, as in a training loop, is then one dict look-up and one host
    # call, a small hot path that Truffle compiles quickly. The types are part of the key because
    # 1 == 1.0 == True in Python but '1', '1.0' and 'True' are different MXNet parameter strings.
    fast = {} if num_args is None and not has_ctx else None

    def op_function(*args, **kwargs):
        if fast is not None:
            try:
                hit = fast.get((len(args), tuple(kwargs.items()), tuple(map(type, kwargs.values()))))
            except TypeError:  # an unhashable parameter value (a list)
                hit = None
            if hit is not None:
                handles = [a._h for a in args if type(a) is NDArray]
                if len(handles) == len(args):
                    return _call_fast(hit, handles)
        return slow(args, kwargs)

    def slow(args, kwargs):
        key = None
        if fast is not None and len(args) <= n_in and len(fast) < _FAST_MAX and _plain(args, kwargs):
            key = (len(args), tuple(kwargs.items()), tuple(map(type, kwargs.values())))
        out = kwargs.pop('out', None)
        kwargs.pop('name', None)
        kwargs.pop('attr', None)
        if num_args is not None:
            inputs = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
            if num_args not in kwargs and num_args in param_names:
                kwargs[num_args] = len(inputs)
        elif n_in:
            inputs = [None] * n_in
            for i, a in enumerate(args):
                if i < n_in:
                    inputs[i] = a
                else:
                    j = i - n_in
                    if j >= len(param_names):
                        raise TypeError('%s() takes at most %d positional arguments (%d given)' % (op_name, n_in + len(param_names), len(args)))
                    kwargs[param_names[j]] = a
            for i, n in enumerate(input_names):
                if n in kwargs:
                    inputs[i] = kwargs.pop(n)
        else:
            # inputs depend on parameters (e.g. required ones): NDArrays positionally, then by name
            inputs = [a for a in args if isinstance(a, NDArray)]
            if len(inputs) != len(args):
                raise TypeError('%s(): positional arguments must be NDArrays; pass parameters by keyword' % op_name)
        if has_ctx and 'ctx' not in kwargs:
            from ..context import current_context
            kwargs['ctx'] = current_context()
        named_inputs = None
        keys = []
        values = []
        for k, v in kwargs.items():
            if isinstance(v, NDArray):
                if named_inputs is None:
                    named_inputs = {}
                named_inputs[k] = v
                continue
            if k == 'dtype' and v is None:
                continue
            keys.append(k)
            values.append(_param_str(v))
        inv = _invoker(op_name, tuple(keys), tuple(values))
        if named_inputs:
            order = inv.inputNames()
            if order is None:
                raise TypeError('%s(): inputs of this operator are positional' % op_name)
            order = [str(n) for n in order]
            placed = inputs + [None] * (len(order) - len(inputs))
            for k, v in named_inputs.items():
                if k not in order:
                    raise MXNetError("Operator %s: unknown input '%s'; its inputs are: %s" % (op_name, k, ', '.join(order)))
                placed[order.index(k)] = v
            inputs = placed
        handles = []
        for a in inputs:
            if a is None:
                handles.append(None)
            elif isinstance(a, NDArray):
                handles.append(a._h)
            else:
                raise TypeError('%s(): inputs must be NDArrays, got %s' % (op_name, type(a).__name__))
        try:
            if out is not None:
                outs = out if isinstance(out, (list, tuple)) else [out]
                _bridge.invokeInto(inv, handles, [o._h for o in outs])
                return out
            single = inv.numVisibleOutputs() == 1
            if single:
                if len(handles) == 1 and handles[0] is not None:
                    result = _new(inv.call1(handles[0]))
                else:
                    result = _new(_bridge.invoke(inv, handles)[0])
            else:
                result = [_new(h) for h in _bridge.invoke(inv, handles)]
        except BaseException as e:
            raise _err(e) from None
        if key is not None:
            fast[key] = (inv, single)
        return result

    op_function.__name__ = op_name
    op_function.__qualname__ = op_name
    op_function.__doc__ = spec.doc
    op_function.__module__ = 'mxnet.ndarray'
    return op_function


class OpModule:
    """Module-level __getattr__/__dir__ for a namespace of generated operator functions; `prefix`
    maps e.g. mx.nd.random.uniform to _random_uniform."""

    def __init__(self, prefixes, public_only=True, exclude=()):
        self.prefixes = prefixes
        self.public_only = public_only
        self.exclude = exclude

    def lookup(self, attr):
        if attr.startswith('__'):
            raise AttributeError(attr)
        for p in self.prefixes:
            full = p + attr
            if full in names() and full not in self.exclude:
                return function(full)
        raise AttributeError("module has no attribute '%s'" % attr)

    def dir(self):
        out = set()
        for n in names():
            for p in self.prefixes:
                if n.startswith(p) and (p or not (self.public_only and n.startswith('_'))):
                    out.add(n[len(p):])
        return sorted(out)


def namespace(prefixes, public_only=True, into=None):
    """(__getattr__, __dir__) for a module that exposes the operators under `prefixes`. With
    `into` (the module's globals()), a function found is also stored there, so that the next
    `nd.FullyConnected` is a plain attribute read instead of a module __getattr__ call per use
    (which a training loop paid on every operator call)."""
    m = OpModule(prefixes, public_only)
    if into is None:
        return m.lookup, m.dir

    def lookup(attr):
        f = m.lookup(attr)
        into[attr] = f
        return f
    return lookup, m.dir
