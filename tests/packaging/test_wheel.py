"""The wheel: every package and the icons are in it, and an installed (not
editable) gcdapp finds its icons without the source checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from gcdapp.resources import ICON_SIZES

ROOT = Path(__file__).resolve().parents[2]


def _source_packages() -> set[str]:
    found = set()
    for init in (ROOT / "gcdapp").rglob("*.py"):
        if "__pycache__" not in init.parts:
            found.add(".".join(init.parent.relative_to(ROOT).parts))
    return found


def test_every_package_under_gcdapp_is_listed_in_pyproject():
    # [tool.setuptools] packages is a list (gcdapp.assets maps onto resources/,
    # which package discovery cannot do): a new sub-package must be added there.
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    missing = _source_packages() - set(config["packages"])
    assert not missing, f"add {sorted(missing)} to [tool.setuptools] packages in pyproject.toml"
    assert config["package-dir"]["gcdapp.assets"] == "resources"


def test_resources_hold_every_icon_and_the_template():
    from gcdapp import resources

    for size in ICON_SIZES:
        data = resources.icon_png(size).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (size, size)
    assert resources.icon_svg().read_text().lstrip().startswith("<?xml")
    template = resources.desktop_template().read_text()
    for placeholder in ("@EXEC@", "@TRYEXEC@", "@ICON@"):
        assert placeholder in template


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (path,) = out.glob("gcdapp-*.whl")
    return path


@pytest.mark.slow
def test_wheel_holds_the_code_and_the_assets_but_not_the_build_scripts(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for py in (ROOT / "gcdapp").rglob("*.py"):
        if "__pycache__" not in py.parts:
            assert py.relative_to(ROOT).as_posix() in names
    for size in ICON_SIZES:
        assert f"gcdapp/assets/icons/gcdapp-{size}.png" in names
    assert {"gcdapp/assets/icons/gcdapp.svg", "gcdapp/assets/gcdapp.desktop.in"} <= names
    assert not [n for n in names if "render_icons" in n or "pyinstaller" in n or n.endswith(".spec")]


@pytest.mark.slow
def test_installed_wheel_finds_its_icons(wheel, tmp_path):
    target = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    code = (
        "import gcdapp, gcdapp.resources as r;"
        "from gcdapp.ui.app import create_application;"
        "app = create_application(['gcdapp']);"
        "icon = app.windowIcon();"
        "print(gcdapp.__file__); print(r.resources_dir());"
        "print(sorted(s.width() for s in icon.availableSizes()))"
    )
    env = dict(os.environ, PYTHONPATH=str(target), QT_QPA_PLATFORM="offscreen")
    # Run outside the checkout, so only the installed copy can be imported.
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    module_file, resources_dir, sizes = proc.stdout.splitlines()
    assert Path(module_file).is_relative_to(target)
    assert Path(resources_dir) == target / "gcdapp" / "assets"
    assert sizes == str(sorted(ICON_SIZES))
