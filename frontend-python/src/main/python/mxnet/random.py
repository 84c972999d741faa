"""mxnet.random: seeding, and the samplers of mxnet.ndarray.random."""
from .base import _bridge, _err
from .ndarray.random import *  # noqa: F401,F403


def seed(seed_state, ctx='all'):
    """Seed the generators of every device (ctx='all') or of one context."""
    if not isinstance(seed_state, int):
        raise ValueError('seed_state must be int')
    try:
        _bridge.seed(seed_state, None if ctx == 'all' else ctx._h)
    except BaseException as e:
        raise _err(e) from None
