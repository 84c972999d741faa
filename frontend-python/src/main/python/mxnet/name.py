"""mx.name: automatic symbol names (fullyconnected0, ...). NameManager() restarts the counters
inside a `with` block and Prefix(p) prefixes every name; both are the runtime's
dev.mxj.symbol.NameManager, which names symbols as they are created."""
from .attribute import _RuntimeScope
from .base import _bridge

__all__ = ['NameManager', 'Prefix']


class NameManager(_RuntimeScope):
    """`with mx.name.NameManager():` — fresh counters for automatic names inside the block."""
    _prefix = None

    def get(self, name, hint):
        """The name a symbol gets: `name` when given, else the hint plus a counter (as the runtime names it)."""
        if name:
            return name
        if self._h is None:
            raise ValueError('NameManager.get works inside its `with` block')
        return str(self._h.get(None, hint))

    def _open(self):
        return _bridge.nameScope(self._prefix)


class Prefix(NameManager):
    """`with mx.name.Prefix('net_'):` — every symbol name created inside starts with the prefix."""

    def __init__(self, prefix):
        self._prefix = prefix
