"""What may run: :func:`check_run` lists every reason a spec cannot."""

from __future__ import annotations

import numpy as np

from gcdapp.core import backends
from gcdapp.core.events import RunSpec
from gcdapp.core.kernels import Kernel, get_kernel

MAX_WORKERS = 256


class RunSetupError(ValueError):
    """A run that cannot start; ``problems`` holds one sentence each."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def check_run(pairs: np.ndarray, spec: RunSpec, kernel: Kernel | None = None) -> list[str]:
    """Every reason ``spec`` cannot run on ``pairs`` (empty when it can)."""
    problems: list[str] = []
    try:
        backend = backends.get(spec.mode)
    except ValueError as exc:
        return [str(exc)]
    caps = backend.capabilities
    if caps.unavailable_reason:
        problems.append(f"{backend.title} mode is unavailable: {caps.unavailable_reason}")
    if kernel is None:
        try:
            kernel = get_kernel(spec.kernel)
        except ValueError as exc:
            problems.append(str(exc))
    if spec.workers is not None and not 1 <= spec.workers <= MAX_WORKERS:
        problems.append(f"workers must be between 1 and {MAX_WORKERS}, got {spec.workers}")
    if spec.chunksize != "auto" and (
        not isinstance(spec.chunksize, int) or spec.chunksize < 1
    ):
        problems.append(f"chunk size must be 'auto' or a whole number ≥ 1, got {spec.chunksize!r}")
    if (
        spec.start_method is not None
        and caps.takes_start_method
        and spec.start_method not in caps.start_methods
    ):
        problems.append(
            f"start method {spec.start_method!r} is not available here; "
            f"choose one of {', '.join(caps.start_methods)}"
        )
    if len(pairs) == 0:
        problems.append("there are no pairs to run")
    elif kernel is not None:
        issues = kernel.check(pairs, limit=6)
        if issues:
            total = len(kernel.check(pairs, limit=None)) if len(issues) > 5 else len(issues)
            problems.extend(str(issue) for issue in issues[:5])
            if total > 5:
                problems.append(f"… and {total - 5} more pairs outside {kernel.name}'s domain")
    return problems
