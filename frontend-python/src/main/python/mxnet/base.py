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
