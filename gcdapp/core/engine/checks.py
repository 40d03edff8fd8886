"""What may run: :func:`check_run` lists every reason a spec cannot."""

from __future__ import annotations

import numpy as np

from gcdapp.core import backends
from gcdapp.core.events import RunSpec
from gcdapp.core.kernels import Kernel, get_kernel
from gcdapp.core.run_settings import check_settings


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
    if kernel is not None:
        if kernel.unavailable_reason:
            problems.append(f"kernel {kernel.name} is unavailable: {kernel.unavailable_reason}")
        if kernel.mode_reason(backend.name):
            problems.append(f"kernel {kernel.name} cannot run in {backend.name} mode: "
                            f"{kernel.mode_reason(backend.name)}")
    problems.extend(check_settings(spec, caps))
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
