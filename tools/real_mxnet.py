"""Run a script under the real Apache MXNet 1.9.1 Python package on CPython, to record what real
MXNet prints (the reference outputs of tests/src/test/resources/mxnet-scripts). Not used by the
build or CI; see tools/real-mxnet.sh for the setup.

usage: python3 tools/real_mxnet.py SCRIPT.py [ARGS]   (with MXJ_REAL_MXNET_HOME set by real-mxnet.sh)

numpy 2 removed aliases that MXNet 1.9's Python package still touches at import; they are put
back here (only where missing) so that the package imports.
"""
import sys, os, runpy
import numpy as np
for name, t in (("bool", bool), ("int", int), ("float", float), ("object", object), ("str", str), ("long", int), ("unicode", str)):
    if not hasattr(np, name):
        try: setattr(np, name, t)
        except Exception: pass
for name, v in (("PZERO", 0.0), ("NZERO", -0.0), ("NINF", float("-inf")), ("PINF", float("inf")), ("NaN", float("nan")), ("NAN", float("nan")), ("NINF", float("-inf")), ("Inf", float("inf")), ("Infinity", float("inf")), ("infty", float("inf")), ("float_", np.float64), ("complex_", np.complex128), ("unicode_", np.str_), ("string_", np.bytes_), ("int0", np.intp), ("uint0", np.uintp), ("bool8", np.bool_), ("object0", np.object_), ("product", np.prod), ("cumproduct", np.cumprod), ("sometrue", np.any), ("alltrue", np.all), ("round_", np.round), ("asfarray", lambda a, dtype=np.float64: np.asarray(a, dtype=dtype)), ("msort", lambda a: np.sort(a, axis=0)), ("trapz", getattr(np, "trapezoid", None)), ("in1d", np.isin), ("row_stack", np.vstack), ("find_common_type", lambda a, b: np.result_type(*a, *b))):
    try:
        getattr(np, name)
    except AttributeError:
        setattr(np, name, v)
import re as _re
_here = os.environ["MXJ_REAL_MXNET_HOME"]
for _f in ("python/mxnet/numpy/fallback.py", "python/mxnet/numpy/utils.py", "python/mxnet/numpy_op_fallback.py"):
    _p = os.path.join(_here, _f)
    if os.path.exists(_p):
        for _n in set(_re.findall(r"onp\.([A-Za-z_][A-Za-z0-9_]*)", open(_p).read())):
            try:
                getattr(np, _n)
            except AttributeError:
                setattr(np, _n, lambda *a, **k: (_ for _ in ()).throw(NotImplementedError("numpy 2 removed it")))
sys.path.insert(0, os.path.join(_here, "python"))
script = sys.argv[1]
sys.argv = sys.argv[1:]
runpy.run_path(script, run_name="__main__")
