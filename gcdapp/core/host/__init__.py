"""The worker host: a small server run in another Python interpreter.

``OTHER_PYTHON -m gcdapp.core.host.server``, with gcdapp's source directory
on PYTHONPATH (nothing is installed into that interpreter), runs serial,
threads, processes or interpreters with that interpreter's own
``concurrent.futures``, and streams each task's outcome back to gcdapp over
its stdin and stdout (:mod:`.protocol`). The parent side is
:mod:`gcdapp.core.backends.host`.

Standard library only, importable on every Python gcdapp supports (3.11+):
this package imports nothing of gcdapp but :mod:`gcdapp.core.tasks` (and
what it imports), :mod:`gcdapp.core.kernels` and
:mod:`gcdapp.core.python_info`.
"""
