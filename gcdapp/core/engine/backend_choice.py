"""Which backend runs a spec: its mode's, in this interpreter, or a worker
host of that mode in the interpreter ``spec.python`` names."""

from __future__ import annotations

import threading

from gcdapp.core import backends
from gcdapp.core.backends import Backend
from gcdapp.core.run_spec import RunSpec

_hosts: dict[tuple, Backend] = {}
_lock = threading.Lock()


def backend_for(spec: RunSpec) -> Backend:
    """The backend for ``spec``; ValueError (an unknown mode) or LookupError
    (no such Python) with the reason."""
    inner = backends.get(spec.mode).for_spec(spec)
    if spec.python is None:
        return inner
    from gcdapp.core.pythons.choice import is_running, resolve

    interpreter = resolve(spec.python)
    if is_running(interpreter.path):
        return inner
    from gcdapp.core.backends.host import HostBackend

    key = (spec.mode, interpreter.path, interpreter.probe)
    with _lock:
        backend = _hosts.get(key)
        if backend is None or backend.inner is not inner:
            backend = _hosts[key] = HostBackend(interpreter, inner)
        return backend
