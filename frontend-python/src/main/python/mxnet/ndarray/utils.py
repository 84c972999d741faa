"""Helpers MXNet keeps in mxnet.ndarray.utils."""
from .ndarray import zeros as _zeros, empty as _empty, array as _array, load, save  # noqa: F401

__all__ = ['load', 'save']
