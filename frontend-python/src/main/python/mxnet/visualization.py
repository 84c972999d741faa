"""mx.viz: print_summary (the layer table, printed) and plot_network (the graph as a Graphviz
digraph). Both are the runtime's dev.mxj.viz.Viz; plot_network returns a small Digraph-like object
(source, save, render, pipe) since the graphviz package is not part of this interpreter, and renders
through the `dot` program when it is installed."""
import os
import sys

from .base import _bridge, _param_str, string_types
from .executor import _call

__all__ = ['print_summary', 'plot_network', 'Digraph']


def _shape_lists(shape):
    if shape is None:
        return None, None
    names = list(shape)
    return names, [[int(x) for x in shape[n]] for n in names]


def print_summary(symbol, shape=None, line_length=120, positions=[.44, .64, .74, 1.]):  # noqa: B006 (MXNet's signature)
    """Print the layers of `symbol` with output shapes (given input `shape`s) and parameter counts."""
    from .symbol import Symbol
    if not isinstance(symbol, Symbol):
        raise TypeError('symbol must be Symbol')
    names, shapes = _shape_lists(shape)
    text = _call(_bridge.vizSummary, symbol._h, names, shapes, int(line_length), [float(p) for p in positions])
    sys.stdout.write(str(text))


class Digraph:
    """What plot_network returns: graphviz.Digraph's surface for a finished graph."""

    def __init__(self, handle, name, format='pdf'):
        self._h = handle
        self.name = name
        self.format = format
        self.filename = None
        self.directory = ''

    @property
    def source(self):
        """The DOT source."""
        return str(self._h.source())

    def __str__(self):
        return self.source

    def _path(self, filename, directory):
        if filename is not None:
            self.filename = filename
        if directory is not None:
            self.directory = directory
        fname = self.filename or (self.name + '.gv')
        return os.path.join(self.directory, fname) if self.directory else fname

    def save(self, filename=None, directory=None):
        """Write the DOT source to `filename` (default `<name>.gv`); the path written."""
        path = self._path(filename, directory)
        if os.path.dirname(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
        _call(_bridge.dotSave, self._h, path)
        return path

    def render(self, filename=None, directory=None, view=False, cleanup=False, format=None):
        """Save the source, then run `dot` to make `<source file>.<format>`; the rendered file's path.
        Fails with MXNetError when Graphviz's `dot` is not installed."""
        fmt = format or self.format
        src = self.save(filename, directory)
        out = src + '.' + fmt
        _call(_bridge.dotRender, self._h, out, fmt)
        if cleanup:
            os.remove(src)
        if view:
            raise NotImplementedError('Digraph.render(view=True): open %s yourself' % out)
        return out

    def pipe(self, format=None):
        """The rendered graph as bytes (needs `dot`)."""
        import tempfile
        fmt = format or self.format
        d = tempfile.mkdtemp()
        path = os.path.join(d, 'graph.' + fmt)
        try:
            _call(_bridge.dotRender, self._h, path, fmt)
            with open(path, 'rb') as f:
                return f.read()
        finally:
            if os.path.exists(path):
                os.remove(path)
            os.rmdir(d)

    def view(self, filename=None, directory=None, cleanup=False):
        return self.render(filename, directory, view=True, cleanup=cleanup)


def plot_network(symbol, title='plot', save_format='pdf', shape=None, dtype=None, node_attrs={},  # noqa: B006
                 hide_weights=True):
    """The network as a Digraph: one node per operator (ovals for inputs), edges labelled with
    shapes and dtypes when `shape`/`dtype` are given, weights hidden unless `hide_weights` is False."""
    from .symbol import Symbol
    if not isinstance(symbol, Symbol):
        raise TypeError('symbol must be a Symbol')
    if not isinstance(title, string_types):
        raise TypeError('title must be a string')
    names, shapes = _shape_lists(shape)
    tnames = types = None
    if dtype is not None:
        tnames = list(dtype)
        types = [_param_str(dtype[n]) for n in tnames]
    h = _call(_bridge.vizPlot, symbol._h, title, names, shapes, tnames, types, {str(k): str(v) for k, v in node_attrs.items()},
              bool(hide_weights))
    return Digraph(h, title, save_format)
