"""The core stays Qt-free (worker processes import it), and the CLI uses only
the core. Checked by import-linter contracts in pyproject.toml, and by a fresh
interpreter that imports what workers import."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_hold():
    proc = subprocess.run(
        [sys.executable, "-m", "importlinter.cli", "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT, capture_output=True, text=True,
    )
    if proc.returncode != 0 and "No module named importlinter.cli" in proc.stderr:
        proc = subprocess.run(["lint-imports"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "broken" not in proc.stdout.lower() or "0 broken" in proc.stdout.lower()


def test_worker_modules_import_neither_qt_nor_numpy():
    code = (
        "import sys, gcdapp.core.tasks, gcdapp.core.kernels;"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'PySide6', 'shiboken6', 'pyqtgraph', 'numpy', 'numba', 'llvmlite'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_gui_entry_module_does_not_import_qt_at_import_time():
    # Spawned workers re-import the launching __main__; it must stay Qt-free.
    code = "import sys, gcdapp.__main__; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_entry_modules_that_workers_reimport_stay_light():
    # Workers re-import the launching script (the gcdapp-cli wrapper imports
    # gcdapp.cli.main). numpy there would cost every worker ~0.1 s, and
    # forking from a process holding OpenBLAS is slow too.
    code = (
        "import sys, gcdapp.cli.main, gcdapp.__main__;"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'numpy', 'PySide6', 'pyqtgraph'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
