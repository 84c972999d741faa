"""mx.sym operator functions generated from the runtime's registry, as mx.nd's (see
ndarray/register.py): input Symbols positionally or by input name, parameters by keyword,
`name=` and `attr=`. Missing inputs become variables `<name>_<input>` (done by the runtime)."""
from ..base import _bridge, _err, _param_str
from ..ndarray import register as _ndreg
from .symbol import Symbol, _sym

_functions = {}


def function(name):
    """The Symbol function of operator `name` (AttributeError if the registry has no such name)."""
    return _ndreg.cached(_functions, name, _make)


def _make(spec):
    op_name = spec.name
    input_names = spec.inputs
    param_names = spec.params
    n_in = len(input_names)
    variadic = spec.num_args is not None

    def op_function(*args, **kwargs):
        name = kwargs.pop('name', None)
        attr = kwargs.pop('attr', None)
        kwargs.pop('out', None)
        positional, kw_names, kw_syms = [], [], []
        if variadic or not n_in:
            for a in args:
                if isinstance(a, (list, tuple)) and variadic:
                    positional.extend(a)
                else:
                    positional.append(a)
            for a in positional:
                if not isinstance(a, Symbol):
                    raise TypeError('%s(): positional arguments must be Symbols; pass parameters by keyword' % op_name)
        else:
            for i, a in enumerate(args):
                if i < n_in:
                    if a is not None:
                        if not isinstance(a, Symbol):
                            raise TypeError('%s(): input %s must be a Symbol, got %s' % (op_name, input_names[i], type(a).__name__))
                        kw_names.append(input_names[i])
                        kw_syms.append(a._h)
                else:
                    j = i - n_in
                    if j >= len(param_names):
                        raise TypeError('%s() takes at most %d positional arguments (%d given)' % (op_name, n_in + len(param_names), len(args)))
                    kwargs[param_names[j]] = a
        keys, values = [], []
        for k, v in kwargs.items():
            if isinstance(v, Symbol):
                kw_names.append(k)
                kw_syms.append(v._h)
            elif v is not None:
                keys.append(k)
                values.append(_param_str(v))
        if attr:
            for k, v in attr.items():
                keys.append(k)
                values.append(str(v))
        try:
            return _sym(_bridge.symCreate(op_name, name, keys, values, [s._h for s in positional], kw_names, kw_syms))
        except BaseException as e:
            raise _err(e) from None

    op_function.__name__ = op_name
    op_function.__qualname__ = op_name
    op_function.__doc__ = spec.doc.replace(': NDArray', ': Symbol')
    op_function.__module__ = 'mxnet.symbol'
    return op_function


def namespace(prefixes):
    """(__getattr__, __dir__) for a module exposing the operators under `prefixes` as Symbol functions."""
    m = _ndreg.OpModule(prefixes)

    def lookup(attr):
        if attr.startswith('__'):
            raise AttributeError(attr)
        for p in prefixes:
            full = p + attr
            if full in _ndreg.names():
                return function(full)
        raise AttributeError("module 'mxnet.symbol' has no attribute '%s'" % attr)
    return lookup, m.dir
