"""mx.mon.Monitor: statistics of executor outputs (and arguments) every `interval` batches, the
runtime's dev.mxj.executor.Monitor; install it on an Executor or a Module (install_monitor, or
fit(monitor=...)). toc_print() logs through Python's logging, as MXNet does."""
import logging

from .base import _bridge
from .executor import _call
from .ndarray.ndarray import _new

__all__ = ['Monitor']


def _stat_str(s):
    """A scalar statistic as Python prints it (str of the number, then a tab); arrays as the runtime prints them."""
    body = s[:-1] if s.endswith('\t') else s
    try:
        return repr(float(body)) + '\t'
    except ValueError:
        return s


class Monitor:
    """Monitor(interval, stat_func=None, pattern='.*', sort=False, monitor_all=False); stat_func maps
    an NDArray to an NDArray (default: norm(x) / sqrt(x.size))."""

    def __init__(self, interval, stat_func=None, pattern='.*', sort=False, monitor_all=False):
        self.interval = interval
        self.stat_func = stat_func
        self.sort = sort
        self.monitor_all = monitor_all
        fn = None
        if stat_func is not None:
            def fn(h):
                r = stat_func(_new(h))
                if not hasattr(r, '_h'):
                    raise TypeError('Monitor: stat_func must return an NDArray, got %s' % type(r).__name__)
                return r._h
        self._h = _call(_bridge.monitor, int(interval), fn, pattern, bool(sort), bool(monitor_all), logging.info)

    def install(self, exe):
        """Watch an Executor's outputs."""
        _call(self._h.install, exe._h)

    def tic(self):
        """Start a batch (collecting is on every `interval` batches)."""
        _call(self._h.tic)

    def toc(self):
        """End a batch: [(batch, name, statistic string), ...] collected since tic (empty when inactive)."""
        return [(int(r[0]), str(r[1]), _stat_str(str(r[2]))) for r in _call(_bridge.monitorToc, self._h)]

    def toc_print(self):
        """Log toc()'s rows as 'Batch: %7d %-30s %s'."""
        for n, k, v in self.toc():
            logging.info('Batch: {:7d} {:30s} {:s}'.format(n, k, v))
