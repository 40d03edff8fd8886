"""Everything a host imports is the standard library or gcdapp's own
stdlib-only core, in this interpreter and in the other Pythons found."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.other_pythons import other_python

ROOT = str(Path(__file__).resolve().parents[3])
# What a host and its workers import: the server, the task runner, the kernels.
_CODE = """
import sys
import gcdapp.core.host.server, gcdapp.core.tasks, gcdapp.core.kernels
tops = {name.split(".")[0] for name in sys.modules}
own = {"gcdapp", "__main__", "__mp_main__"}
print(sorted(t for t in tops if t not in sys.stdlib_module_names and t not in own))
"""


def _foreign_imports(python: str) -> str:
    """What ``python`` imported for a host beyond the standard library, with
    no site-packages on its path at all (-S)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = ROOT
    proc = subprocess.run([python, "-S", "-c", _CODE], capture_output=True, text=True,
                          env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


@pytest.mark.parametrize("version", [None, "3.12", "3.13"])
def test_a_host_imports_nothing_outside_the_standard_library(version):
    python = sys.executable if version is None else other_python(version).path
    assert _foreign_imports(python) == "[]"
