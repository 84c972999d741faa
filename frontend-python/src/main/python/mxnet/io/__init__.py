"""mxnet.io: data iterators."""
from .io import *  # noqa: F401,F403
from .io import DataDesc, DataBatch, DataIter, NDArrayIter, MNISTIter, CSVIter, ResizeIter  # noqa: F401
from . import io  # noqa: F401
