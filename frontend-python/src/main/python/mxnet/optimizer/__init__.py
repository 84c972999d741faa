"""mxnet.optimizer: the runtime's optimizers (SGD, Adam, ...), create/register, Updater."""
from .optimizer import *  # noqa: F401,F403
from .optimizer import Optimizer, Updater, get_updater, create, register  # noqa: F401
from . import optimizer  # noqa: F401
