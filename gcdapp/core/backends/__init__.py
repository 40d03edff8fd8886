"""Backends: the ways tasks are executed. Each one creates a
``concurrent.futures`` executor, so the engine drives them all the same way.

One module per backend (:mod:`.serial`, :mod:`.threads`, :mod:`.processes`,
:mod:`.interpreters`), the :class:`Backend` base in :mod:`.base`, and the
:mod:`.registry` that names them and imports each only when it is first asked
for. A new way of running (Dask, another interpreter) is one module and one
:func:`register` call; the engine, the CLI and the window list it from here.

Importing this package imports no backend module, and nothing but the standard
library: worker processes and the CLI's entry module stay light.
"""

from gcdapp.core.backends.base import Backend, Capabilities, InlineExecutor
from gcdapp.core.backends.registry import available, get, names, register, unregister

__all__ = [
    "Backend",
    "Capabilities",
    "InlineExecutor",
    "available",
    "get",
    "names",
    "register",
    "unregister",
]
