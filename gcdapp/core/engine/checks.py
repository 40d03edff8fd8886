"""What may run: :func:`check_run` lists every reason a spec cannot."""

from __future__ import annotations

import numpy as np

from gcdapp.core.backends import Backend
from gcdapp.core.engine.backend_choice import backend_for
from gcdapp.core.events import RunSpec
from gcdapp.core.kernels import Kernel, get_kernel
from gcdapp.core.run_settings import check_settings


class RunSetupError(ValueError):
    """A run that cannot start; ``problems`` holds one sentence each."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def check_run(pairs: np.ndarray, spec: RunSpec, kernel: Kernel | None = None,
              backend: Backend | None = None) -> list[str]:
    """Every reason ``spec`` cannot run on ``pairs`` (empty when it can);
    ``backend``: the one :func:`backend_for` gave for ``spec``."""
    problems: list[str] = []
    if backend is None:
        python_problem = check_settings_python(spec)
        if python_problem:
            return [python_problem]
        try:
            backend = backend_for(spec)
        except (ValueError, LookupError) as exc:
            return [str(exc).strip("'\"")]
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
        if kernel.unavailable_reason is None and backend.kernel_problem(kernel):
            problems.append(f"kernel {kernel.name} cannot run there: "
                            f"{backend.kernel_problem(kernel)}")
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


def check_settings_python(spec: RunSpec) -> str | None:
    """The ``python`` setting's own problem (wrong type), before it is resolved."""
    value = spec.python
    if value is None or (isinstance(value, str) and value.strip()):
        return None
    return f"python must be a path or a version such as 3.13, got {value!r}"
