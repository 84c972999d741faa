"""NDArray indexing with MXNet 1.9's rules: basic indexing (ints, slices with steps, Ellipsis,
None) returns a view when the selected elements are contiguous and a copy (`slice`) otherwise;
an int on a 1-d array keeps one dimension (MXNet 1.x has no 0-d arrays); advanced indexing with
NDArray/list indices uses `gather_nd`."""
from ..base import _bridge, _err, MXNetError, integer_types, numeric_types
from .ndarray import NDArray, _new, _op, array


def _at(a, k, n):
    if k < 0:
        k += n
    if not 0 <= k < n:
        raise IndexError('index %d is out of bounds for axis 0 with size %d' % (k if k < n else k, n))
    try:
        if a.ndim == 1:
            return _new(a._h.slice(k, k + 1))
        return _new(a._h.at(k))
    except BaseException as e:
        raise _err(e) from None


def _slice0(a, key, n):
    b, e, _ = key.indices(n)
    if e < b:
        e = b
    try:
        return _new(a._h.slice(b, e))
    except BaseException as e2:
        raise _err(e2) from None


def _is_advanced(k):
    return isinstance(k, (NDArray, list)) or (hasattr(k, '__array__') and not isinstance(k, (int, float)))


def _expand(key, ndim):
    """The key as a tuple with Ellipsis expanded and implicit trailing full slices added."""
    if not isinstance(key, tuple):
        key = (key,)
    n_real = sum(1 for k in key if k is not None and k is not Ellipsis)
    if sum(1 for k in key if k is Ellipsis) > 1:
        raise IndexError('an index can only have a single ellipsis')
    out = []
    for k in key:
        if k is Ellipsis:
            out.extend([slice(None)] * max(0, ndim - n_real))
        else:
            out.append(k)
    n_real = sum(1 for k in out if k is not None)
    if n_real > ndim:
        raise IndexError('too many indices (%d) for array with %d dimensions' % (n_real, ndim))
    out.extend([slice(None)] * (ndim - n_real))
    return tuple(out)


def _basic(a, key):
    """(begin, end, step) per axis, int axes, positions of new axes, the user's slices."""
    shape = a.shape
    ranges = []
    int_axes = []
    new_axes = []
    user = []
    ax = 0
    for pos, k in enumerate(key):
        if k is None:
            new_axes.append(pos)
            continue
        n = shape[ax]
        if isinstance(k, integer_types):
            if not -n <= k < n:
                raise IndexError('index %d is out of bounds for axis %d with size %d' % (k, ax, n))
            kk = k + n if k < 0 else k
            ranges.append((kk, kk + 1, 1))
            user.append((kk, kk + 1, 1))
            int_axes.append(ax)
        elif isinstance(k, slice):
            if k.step == 0:
                raise ValueError('slice step cannot be zero')
            ranges.append(k.indices(n))
            user.append((k.start, k.stop, k.step))
        else:
            raise IndexError('only integers, slices, Ellipsis, None and integer arrays are valid indices, got %s' % type(k).__name__)
        ax += 1
    return ranges, int_axes, new_axes, user


def _sliced_shape(ranges):
    out = []
    for b, e, s in ranges:
        out.append(max(0, (e - b + (s - (1 if s > 0 else -1))) // s))
    return out


def _contiguous(ranges, shape):
    """A flat [begin, end) when the selection is one contiguous block, else None."""
    counts = _sliced_shape(ranges)
    j = len(ranges) - 1
    while j >= 0 and ranges[j] == (0, shape[j], 1):
        j -= 1
    if j < 0:
        return 0, _prod(shape)
    if ranges[j][2] != 1 and counts[j] > 1:
        return None
    for i in range(j):
        if counts[i] != 1:
            return None
    begin = 0
    for i in range(j + 1):
        begin += ranges[i][0] * _prod(shape[i + 1:])
    return begin, begin + counts[j] * _prod(shape[j + 1:])


def _contiguous_view(a, ranges, shape):
    """A flat view of the selection when it is contiguous (MXNet then returns a view), else None."""
    flat = _contiguous(ranges, shape)
    if flat is None:
        return None
    try:
        return _new(a._h.reshape(_prod(shape)).slice(flat[0], flat[1]))
    except BaseException as e:
        raise _err(e) from None


def _prod(s):
    p = 1
    for d in s:
        p *= d
    return p


def _final_shape(sliced, int_axes, new_axes):
    final = [d for i, d in enumerate(sliced) if i not in int_axes]
    for ax in new_axes:
        final.insert(ax, 1)
    return final or [1]


def getitem(a, key):
    shape = a.shape
    if isinstance(key, tuple) and len(key) == 0:
        return a
    if isinstance(key, bool):
        raise IndexError('boolean indices are not supported')
    if isinstance(key, integer_types):
        return _at(a, key, shape[0])
    if isinstance(key, slice) and (key.step is None or key.step == 1):
        if key.start is None and key.stop is None:
            return a
        return _slice0(a, key, shape[0])
    if isinstance(key, tuple) and len(key) == len(shape) and all(isinstance(k, integer_types) for k in key):
        out = a
        for k in key:
            out = _at(out, k, out.shape[0])
        return out
    key = _expand(key, len(shape))
    if any(_is_advanced(k) for k in key):
        return _advanced(a, key)
    ranges, int_axes, new_axes, user = _basic(a, key)
    sliced = _sliced_shape(ranges)
    view = _contiguous_view(a, ranges, shape)
    if view is not None:
        return view.reshape(_final_shape(sliced, int_axes, new_axes))
    res = _op('slice', a, begin=tuple(u[0] for u in user), end=tuple(u[1] for u in user),
              step=tuple(u[2] for u in user))
    return res.reshape(_final_shape(sliced, int_axes, new_axes))


def _index_array(k, ctx):
    if isinstance(k, NDArray):
        return k.astype('int32', copy=False).as_in_context(ctx)
    if isinstance(k, integer_types):
        return array([k], ctx=ctx, dtype='int32')
    if isinstance(k, (list, tuple)) or hasattr(k, '__array__'):
        return array(k.tolist() if hasattr(k, 'tolist') else k, ctx=ctx, dtype='int32')
    raise IndexError('illegal index type %s' % type(k).__name__)


def _advanced(a, key):
    if any(k is None for k in key):
        # a new axis is a length-1 axis of a reshaped view indexed with a whole-axis slice (numpy's rule too)
        shape, it = [], iter(a.shape)
        for k in key:
            shape.append(1 if k is None else next(it))
        a = a.reshape(tuple(shape))
        key = tuple(slice(None) if k is None else k for k in key)
    return _op('gather_nd', a, _advanced_indices(a, key))


def _advanced_indices(a, key):
    """The (K, ...) index array gather_nd/_scatter_set_nd take for a key of K entries with at least
    one array index, as MXNet 1.9's _get_index_nd builds it: the array indices (ints among them
    count as one-element arrays) broadcast together into one block of axes, which stays where they
    are when they are adjacent and goes first otherwise; each slice becomes the range it selects
    on an axis of its own. Trailing whole-axis slices stay implicit."""
    if any(k is None for k in key):
        raise MXNetError('indexing: assigning through None (new axes) together with array indices is not supported')
    key = list(key)
    while key and isinstance(key[-1], slice) and key[-1] == slice(None):
        key.pop()
    shape = a.shape
    ctx = a.context
    advanced = [i for i, k in enumerate(key) if not isinstance(k, slice)]
    arrays = {i: _index_array(key[i], ctx) for i in advanced}
    block = _broadcast_shapes([arrays[i].shape for i in advanced])
    ranges = {i: range(*key[i].indices(shape[i])) for i, k in enumerate(key) if isinstance(k, slice)}
    adjacent = advanced == list(range(advanced[0], advanced[-1] + 1))
    # the grid's axes: ('block', None) for the broadcast block, ('slice', i) for slice i's range
    grid = []
    for i in range(len(key)):
        if i in ranges:
            grid.append(('slice', i))
        elif adjacent and i == advanced[0]:
            grid.append(('block', None))
    if not adjacent:
        grid.insert(0, ('block', None))
    grid_shape = []
    for kind, i in grid:
        grid_shape.extend(block if kind == 'block' else [len(ranges[i])])
    grid_shape = tuple(grid_shape)
    parts = []
    for i in range(len(key)):
        lead = 0  # grid axes before this entry's own axes
        for kind, j in grid:
            if (kind == 'block' and i in arrays) or (kind == 'slice' and j == i):
                break
            lead += len(block) if kind == 'block' else 1
        if i in arrays:
            own = arrays[i].reshape((1,) * (len(block) - arrays[i].ndim) + arrays[i].shape)
        else:
            own = array(list(ranges[i]), ctx=ctx, dtype='int32')
        own = own.reshape((1,) * lead + own.shape + (1,) * (len(grid_shape) - lead - own.ndim))
        parts.append(own if own.shape == grid_shape else own.broadcast_to(grid_shape))
    return _op('stack', *parts, axis=0) if len(parts) > 1 else parts[0].reshape((1,) + grid_shape)


def _broadcast_shapes(shapes):
    nd = max(len(s) for s in shapes)
    out = []
    for i in range(nd):
        d = 1
        for s in shapes:
            j = i - (nd - len(s))
            if j >= 0 and s[j] != 1:
                if d != 1 and d != s[j]:
                    raise IndexError('shape mismatch: indexing arrays could not be broadcast together with shapes %s' % (shapes,))
                d = s[j]
        out.append(d)
    return tuple(out)


def _value_for(value, target_shape, ctx, dtype):
    """`value` as an NDArray broadcast to `target_shape` (MXNet's _prepare_value_nd)."""
    if isinstance(value, NDArray):
        v = value.as_in_context(ctx)
    else:
        v = array(value, ctx=ctx, dtype=dtype)
    vs = v.shape
    # drop leading ones the target does not have (x[0] = y[None])
    while len(vs) > len(target_shape) and vs[0] == 1:
        vs = vs[1:]
        v = v.reshape(vs)
    if tuple(vs) != tuple(target_shape):
        try:
            v = v.broadcast_to(tuple(target_shape))
        except MXNetError:
            raise ValueError('cannot broadcast value of shape %s to indexing result of shape %s' % (value_shape(value), tuple(target_shape))) from None
    return v


def value_shape(v):
    return v.shape if isinstance(v, NDArray) else type(v).__name__


def _assign_view(view, value):
    if isinstance(value, numeric_types):
        try:
            view._h.set(float(value))
        except BaseException as e:
            raise _err(e) from None
        return
    v = _value_for(value, view.shape, view.context, _bridge.dtypeName(view._h))
    try:
        v._h.copyTo(view._h)
    except BaseException as e:
        raise _err(e) from None


def setitem(a, key, value):
    shape = a.shape
    if (isinstance(key, slice) and key == slice(None)) or (isinstance(key, tuple) and len(key) == 0):
        _assign_view(a, value)
        return
    if isinstance(key, integer_types):
        _assign_view(_at(a, key, shape[0]), value)
        return
    if isinstance(key, slice) and (key.step is None or key.step == 1):
        _assign_view(_slice0(a, key, shape[0]), value)
        return
    key = _expand(key, len(shape))
    if any(_is_advanced(k) for k in key):
        # MXNet's path: _scatter_set_nd writes the (broadcast) value at the gathered positions, out=a
        indices = _advanced_indices(a, key)
        target = tuple(indices.shape[1:]) + tuple(shape[indices.shape[0]:])
        v = _value_for(value, target, a.context, _bridge.dtypeName(a._h))
        _op('_scatter_set_nd', a, v, indices, shape=shape, out=a)
        return
    ranges, int_axes, new_axes, user = _basic(a, key)
    sliced = _sliced_shape(ranges)
    view = _contiguous_view(a, ranges, shape)
    if view is not None:
        _assign_view(view.reshape(_final_shape(sliced, int_axes, [])), value)
        return
    begin = tuple(u[0] for u in user)
    end = tuple(u[1] for u in user)
    step = tuple(u[2] for u in user)
    if isinstance(value, numeric_types):
        _op('_slice_assign_scalar', a, scalar=float(value), begin=begin, end=end, step=step, out=a)
        return
    v = _value_for(value, _final_shape(sliced, int_axes, []), a.context, _bridge.dtypeName(a._h))
    _op('_slice_assign', a, v.reshape(sliced), begin=begin, end=end, step=step, out=a)
