"""Device contexts, as mxnet.context: cpu(), gpu(), Context as a `with` block, current_context()."""
import _thread
from .base import _bridge, _err, MXNetError

__all__ = ['Context', 'cpu', 'gpu', 'cpu_pinned', 'current_context', 'num_gpus']


class _ThreadLocalValue:
    """Per-thread `value` (what threading.local gives MXNet) without importing `threading`,
    which costs about a second of start-up on GraalPy."""
    __slots__ = ('_values',)

    def __init__(self):
        self._values = {}

    @property
    def value(self):
        try:
            return self._values[_thread.get_ident()]
        except KeyError:
            raise AttributeError('value') from None

    @value.setter
    def value(self, v):
        self._values[_thread.get_ident()] = v


class Context:
    """A device and its id, e.g. cpu(0). `with mx.gpu(1):` makes it the default for new arrays."""
    _default_ctx = _ThreadLocalValue()
    devtype2str = {1: 'cpu', 2: 'gpu', 3: 'cpu_pinned', 5: 'cpu_shared'}
    devstr2type = {'cpu': 1, 'gpu': 2, 'cpu_pinned': 3, 'cpu_shared': 5}

    __slots__ = ('device_typeid', 'device_id', '_old_ctx', '_hh')

    def __init__(self, device_type, device_id=0):
        if isinstance(device_type, Context):
            self.device_typeid = device_type.device_typeid
            self.device_id = device_type.device_id
        else:
            if device_type not in Context.devstr2type:
                raise MXNetError("unknown device type '%s'; expected one of cpu, gpu, cpu_pinned, cpu_shared" % (device_type,))
            self.device_typeid = Context.devstr2type[device_type]
            self.device_id = device_id
        self._old_ctx = None
        self._hh = None

    @property
    def device_type(self):
        return Context.devtype2str[self.device_typeid]

    @property
    def _h(self):
        h = self._hh
        if h is None:
            # pinned/shared CPU memory is ordinary CPU memory here
            dt = 'cpu' if self.device_typeid != 2 else 'gpu'
            try:
                h = self._hh = _bridge.context(dt, self.device_id)
            except BaseException as e:
                raise _err(e) from None
        return h

    def __hash__(self):
        return hash((self.device_typeid, self.device_id))

    def __eq__(self, other):
        return isinstance(other, Context) and self.device_typeid == other.device_typeid and self.device_id == other.device_id

    def __str__(self):
        return '%s(%d)' % (self.device_type, self.device_id)

    __repr__ = __str__

    def __enter__(self):
        if not hasattr(Context._default_ctx, 'value'):
            Context._default_ctx.value = _initial_context()
        self._old_ctx = Context._default_ctx.value
        Context._default_ctx.value = self
        return self

    def __exit__(self, ptype, value, trace):
        Context._default_ctx.value = self._old_ctx

    def empty_cache(self):
        """Kept for compatibility: pooled memory is released by the runtime's own pool limit."""


def _from_handle(h):
    """The Python Context of a runtime context."""
    return Context(h.deviceType() if h.deviceType() in Context.devstr2type else 'cpu', h.deviceId())


_initial = None


def _initial_context():
    global _initial
    if _initial is None:
        try:
            _initial = _from_handle(_bridge.defaultContext())
        except BaseException as e:
            raise _err(e) from None
    return _initial


def cpu(device_id=0):
    return Context('cpu', device_id)


def cpu_pinned(device_id=0):
    return Context('cpu_pinned', device_id)


def gpu(device_id=0):
    return Context('gpu', device_id)


def num_gpus():
    """How many GPUs a usable device plugin offers (0 without one)."""
    return _bridge.deviceCount('gpu')


def gpu_memory_info(device_id=0):
    raise MXNetError('gpu_memory_info: no GPU device plugin is usable here')


def current_context():
    if not hasattr(Context._default_ctx, 'value'):
        Context._default_ctx.value = _initial_context()
    return Context._default_ctx.value
