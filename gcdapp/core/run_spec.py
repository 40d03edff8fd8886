"""What to run: the engine's knobs, as a user picks them.

Standard library only: the command line's entry module (which spawned
worker processes import again) reads it, and must not pull in numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class RunSpec:
    """What to run: the knobs a user picks."""

    mode: str = "processes"
    kernel: str = "bruteforce"
    workers: int | None = None  # None: the usable cores
    chunksize: int | Literal["auto"] = "auto"
    start_method: str | None = None  # processes only; None: the safe default
    #: The interpreter to run in: a path, or a version such as "3.13" or
    #: "3.13t" (:func:`gcdapp.core.pythons.choice.resolve`); None: this one.
    python: str | None = None
    #: dask only: a scheduler address (tcp://host:port) or scheduler file;
    #: empty: a local cluster on this machine
    scheduler: str = ""
    #: dask only: serve the local cluster's dashboard on 127.0.0.1
    dashboard: bool = False
    #: dask only: TLS certificate files "ca,cert[,key]" for a tls:// scheduler
    tls: str = ""
