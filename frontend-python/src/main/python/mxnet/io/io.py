"""Data iterators. DataIter is Python and subclassable as in MXNet; NDArrayIter, MNISTIter and
CSVIter are the runtime's iterators (dev.mxj.io) behind the same Python interface."""
from collections import namedtuple

from ..base import _bridge, _err, MXNetError
from ..context import current_context
from ..ndarray.ndarray import NDArray, _new, array

__all__ = ['DataDesc', 'DataBatch', 'DataIter', 'NDArrayIter', 'MNISTIter', 'CSVIter', 'ResizeIter']


class DataDesc(namedtuple('DataDesc', ['name', 'shape'])):
    """Name, shape, dtype and layout of one input (a namedtuple of name and shape, as MXNet)."""

    def __new__(cls, name, shape, dtype='float32', layout='NCHW'):
        ret = super().__new__(cls, name, tuple(shape))
        ret.dtype = dtype
        ret.layout = layout
        return ret

    def __repr__(self):
        return 'DataDesc[%s,%s,%s,%s]' % (self.name, self.shape, self.dtype, self.layout)

    @staticmethod
    def get_batch_axis(layout):
        if layout is None:
            return 0
        return layout.find('N')

    @staticmethod
    def get_list(shapes, types):
        if types is not None:
            type_dict = dict(types)
            return [DataDesc(x[0], x[1], type_dict[x[0]]) for x in shapes]
        return [DataDesc(x[0], x[1]) for x in shapes]


class DataBatch:
    """A batch: lists of data and label arrays, pad (examples of padding in the last batch), index."""

    def __init__(self, data, label=None, pad=None, index=None, bucket_key=None, provide_data=None, provide_label=None):
        if data is not None:
            assert isinstance(data, (list, tuple)), 'Data must be list of NDArrays'
        if label is not None:
            assert isinstance(label, (list, tuple)), 'Label must be list of NDArrays'
        self.data = data
        self.label = label
        self.pad = pad
        self.index = index
        self.bucket_key = bucket_key
        self.provide_data = provide_data
        self.provide_label = provide_label

    def __str__(self):
        data_shapes = [d.shape for d in self.data]
        label_shapes = [l.shape for l in self.label] if self.label else None
        return '{}: data shapes: {} label shapes: {}'.format(self.__class__.__name__, data_shapes, label_shapes)


class DataIter:
    """Base class: subclasses define reset() and next() (or iter_next() with getdata/getlabel)."""

    def __init__(self, batch_size=0):
        self.batch_size = batch_size

    def __iter__(self):
        return self

    def reset(self):
        pass

    def next(self):
        if self.iter_next():
            return DataBatch(data=self.getdata(), label=self.getlabel(), pad=self.getpad(), index=self.getindex())
        raise StopIteration

    def __next__(self):
        return self.next()

    def iter_next(self):
        pass

    def getdata(self):
        pass

    def getlabel(self):
        pass

    def getindex(self):
        return None

    def getpad(self):
        pass


def _descs(java_descs):
    return [DataDesc(str(d.name()), tuple(int(x) for x in d.shape().dims()), str(d.dtype()), str(d.layout())) for d in java_descs]


class _RuntimeIter(DataIter):
    """A DataIter whose batches come from an iterator of the runtime."""

    def __init__(self, handle, batch_size):
        super().__init__(batch_size)
        self._h = handle
        self._batch = None
        self.provide_data = _descs(handle.provideData())
        self.provide_label = _descs(handle.provideLabel())

    def reset(self):
        try:
            self._h.reset()
        except BaseException as e:
            raise _err(e) from None

    def iter_next(self):
        try:
            if not self._h.hasNext():
                return False
            b = self._h.next()
        except BaseException as e:
            raise _err(e) from None
        self._batch = b
        return True

    def next(self):
        if not self.iter_next():
            raise StopIteration
        b = self._batch
        index = b.index()
        return DataBatch(data=[_new(h) for h in b.data()], label=[_new(h) for h in b.label()], pad=int(b.pad()),
                         index=None if index is None else [int(i) for i in index],
                         provide_data=self.provide_data, provide_label=self.provide_label)

    def getdata(self):
        return [_new(h) for h in self._batch.data()]

    def getlabel(self):
        return [_new(h) for h in self._batch.label()]

    def getpad(self):
        return int(self._batch.pad())

    def getindex(self):
        index = self._batch.index()
        return None if index is None else [int(i) for i in index]


def _named(data, default_name):
    """MXNet's _init_data: (names, arrays) from an array, a list, or a dict of arrays."""
    if data is None:
        return None
    if isinstance(data, NDArray) or not isinstance(data, (list, tuple, dict)) or (isinstance(data, (list, tuple)) and data and not isinstance(data[0], NDArray) and not hasattr(data[0], 'shape')):
        data = [data]
    if isinstance(data, (list, tuple)):
        if len(data) == 1:
            items = [(default_name, data[0])]
        else:
            items = [('_%d_%s' % (i, default_name), d) for i, d in enumerate(data)]
    else:
        items = list(data.items())
    names, arrays = [], []
    for n, a in items:
        if not isinstance(a, NDArray):
            try:
                a = array(a)
            except BaseException:
                raise TypeError('Invalid type \'%s\' for %s, should be NDArray, numpy.ndarray or a nested list' % (type(a).__name__, n)) from None
        names.append(n)
        arrays.append(a._h)
    return [names, arrays]


class NDArrayIter(_RuntimeIter):
    """Batches over arrays in memory (MXNet's NDArrayIter): last_batch_handle 'pad', 'discard' or 'roll_over'."""

    def __init__(self, data, label=None, batch_size=1, shuffle=False, last_batch_handle='pad',
                 data_name='data', label_name='softmax_label'):
        try:
            h = _bridge.ndarrayIter(_named(data, data_name), _named(label, label_name), int(batch_size), bool(shuffle),
                                    last_batch_handle, data_name, label_name)
        except BaseException as e:
            raise _err(e) from None
        super().__init__(h, batch_size)
        self.last_batch_handle = last_batch_handle
        self.num_data = int(h.numData())

    def hard_reset(self):
        self._h.hardReset()


class MNISTIter(_RuntimeIter):
    """MNIST-format idx files (gzipped or not): image=, label=, batch_size=, shuffle=, flat=, seed=."""

    def __init__(self, image='./train-images-idx3-ubyte', label='./train-labels-idx1-ubyte', batch_size=128, shuffle=True,
                 flat=False, seed=0, silent=False, num_parts=1, part_index=0, ctx=None, **kwargs):
        for k in kwargs:
            if k not in ('prefetch_buffer', 'input_shape', 'data_name', 'label_name', 'dtype'):
                raise MXNetError("MNISTIter: unknown argument '%s'" % k)
        try:
            h = _bridge.mnistIter(str(image), str(label), int(batch_size), bool(shuffle), bool(flat), int(seed),
                                  int(num_parts), int(part_index), (ctx or current_context())._h)
        except BaseException as e:
            raise _err(e) from None
        super().__init__(h, batch_size)


class CSVIter(_RuntimeIter):
    """Rows of CSV files: data_csv, data_shape, label_csv (optional), label_shape, batch_size, round_batch."""

    def __init__(self, data_csv, data_shape, label_csv=None, label_shape=(1,), batch_size=1, round_batch=True,
                 dtype='float32', **kwargs):
        for k in kwargs:
            if k not in ('prefetch_buffer', 'ctx', 'data_name', 'label_name'):
                raise MXNetError("CSVIter: unknown argument '%s'" % k)
        try:
            h = _bridge.csvIter(str(data_csv), list(data_shape), None if label_csv is None else str(label_csv),
                                list(label_shape), int(batch_size), bool(round_batch), str(dtype))
        except BaseException as e:
            raise _err(e) from None
        super().__init__(h, batch_size)


class ResizeIter(DataIter):
    """Presents `data_iter` as an iterator of `size` batches, resetting it when it runs out."""

    def __init__(self, data_iter, size, reset_internal=True):
        super().__init__()
        self.data_iter = data_iter
        self.size = size
        self.reset_internal = reset_internal
        self.cur = 0
        self.current_batch = None
        self.provide_data = data_iter.provide_data
        self.provide_label = data_iter.provide_label
        self.batch_size = data_iter.batch_size

    def reset(self):
        self.cur = 0
        if self.reset_internal:
            self.data_iter.reset()

    def iter_next(self):
        if self.cur == self.size:
            return False
        try:
            self.current_batch = self.data_iter.next()
        except StopIteration:
            self.data_iter.reset()
            self.current_batch = self.data_iter.next()
        self.cur += 1
        return True

    def getdata(self):
        return self.current_batch.data

    def getlabel(self):
        return self.current_batch.label

    def getindex(self):
        return self.current_batch.index

    def getpad(self):
        return self.current_batch.pad
