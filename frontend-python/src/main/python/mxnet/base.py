"""Shared pieces of the mxnet package: the error type, the bridge to the Java runtime, and
the conversion of Python parameter values to MXNet's string forms."""
import polyglot as _polyglot

__all__ = ['MXNetError', 'string_types', 'numeric_types', 'integer_types']

string_types = (str,)
integer_types = (int,)
numeric_types = (float, int)

_bridge = _polyglot.import_value('mxj')


class MXNetError(RuntimeError):
    """Error raised by the MXNet runtime; the message is the runtime's."""


def _err(e):
    """An MXNetError for anything the host raised (its Java message, without the Java class)."""
    if isinstance(e, MXNetError):
        return e
    msg = None
    try:
        msg = e.getMessage()
    except BaseException:  # not a host exception: keep Python's message
        pass
    if msg is None:
        msg = str(e)
    else:
        try:
            cause = e.getCause()
            if cause is not None and cause.getMessage() is not None and cause.getMessage() not in msg:
                msg = msg + ': ' + cause.getMessage()
        except BaseException:
            pass
    return MXNetError(msg)


def _as_list(obj):
    return list(obj) if isinstance(obj, (list, tuple)) else [obj]


def _param_str(v):
    """A parameter value in MXNet's string form: tuples "(3, 3)", bools "True", dtypes "float32"."""
    t = type(v)
    if t is str:
        return v
    if t is bool:
        return 'True' if v else 'False'
    if t is int:
        return str(v)
    if t is float:
        return repr(v)
    if v is None:
        return 'None'
    if t is tuple or t is list:
        return '(' + ', '.join(_param_str(x) for x in v) + (',)' if len(v) == 1 else ')')
    name = getattr(v, '__name__', None)   # numpy dtype classes, e.g. np.float32
    if name is not None and isinstance(name, str):
        return name
    dt = getattr(v, 'name', None)          # numpy dtype instances
    if isinstance(dt, str):
        return dt
    return str(v)


def _dtype_name(dtype):
    """MXNet's name of a dtype given as str, numpy type or dtype; None for float32 default."""
    if dtype is None:
        return 'float32'
    return _param_str(dtype)


def _merge_positional(owner, names, args, kwargs):
    """kwargs with positional `args` bound to `names` (MXNet's constructor order)."""
    if len(args) > len(names):
        raise TypeError('%s takes at most %d positional arguments (%d given)' % (owner, len(names), len(args)))
    kwargs.update(zip(names, args))
    return kwargs


def _runtime_classes(kind, names, base, positional, module):
    """Python classes for the runtime's registry `kind` (optimizer, metric, initializer), one per
    runtime class and named as it (SGD, Accuracy, Xavier); returns ({class name: class}, {registry
    name: class}). `positional` gives constructor argument order by class name; a registry entry
    that cannot be made with default arguments is named from that table or left out."""
    classes, by_name = {}, {}
    fallback = {k.lower(): k for k in positional}
    for n in sorted(str(x) for x in names):
        try:
            cls_name = str(_bridge.registeredClassName(kind, n))
        except BaseException:
            cls_name = fallback.get(n)
            if cls_name is None:
                continue
        cls = classes.get(cls_name)
        if cls is None:
            cls = type(cls_name, (base,), {'_registry_name': n, '_positional': positional.get(cls_name, ()),
                                           '__doc__': "The runtime's %s %s." % (cls_name, kind), '__module__': module})
            classes[cls_name] = cls
        if cls_name.lower() == n:
            cls._registry_name = n
        by_name[n] = cls
    return classes, by_name
