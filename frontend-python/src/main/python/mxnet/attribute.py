"""mx.AttrScope: attributes (e.g. ctx_group for group2ctx, lr_mult) given to every symbol created
inside a `with` block. The scope is the runtime's (dev.mxj.symbol.AttrScope), which applies it when
variables and operator symbols are made."""
from .base import _bridge, _err, string_types

__all__ = ['AttrScope']


class _RuntimeScope:
    """A `with` block over a runtime scope object: _open() returns it, closing it ends the block."""
    _h = None

    def _open(self):
        raise NotImplementedError

    def __enter__(self):
        try:
            self._h = self._open()
        except BaseException as e:
            raise _err(e) from None
        return self

    def __exit__(self, ptype, value, trace):
        if self._h is not None:
            self._h.close()
            self._h = None


class AttrScope(_RuntimeScope):
    """`with mx.AttrScope(ctx_group='dev1'):` — values must be strings, as in MXNet."""

    def __init__(self, **kwargs):
        for value in kwargs.values():
            if not isinstance(value, string_types):
                raise ValueError('Attributes need to be string')
        self._attr = kwargs

    def get(self, attr):
        """The scope's attributes updated with `attr` (those given at symbol creation win)."""
        ret = dict(self._attr)
        if attr:
            ret.update(attr)
        return ret

    def _open(self):
        h = _bridge.attrScope(self._attr)
        current = _bridge.attrScopeCurrent()
        self._attr = {str(k): str(current[k]) for k in current.keySet()}   # merged with the enclosing scopes
        return h
