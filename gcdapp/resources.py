"""Where gcdapp's data files are: the icons and the desktop entry template.

They live in the top-level ``resources/`` folder of a source checkout. A wheel
installs the same files as ``gcdapp/assets/`` (``[tool.setuptools.package-dir]``
in pyproject.toml), and the frozen build bundles them at that place too, so
one lookup serves a checkout, an editable install, an installed wheel and the
frozen app.

Standard library only: the CLI uses it as well as the GUI.
"""

from __future__ import annotations

from pathlib import Path

#: The sizes of the PNG icons, in pixels (square).
ICON_SIZES: tuple[int, ...] = (16, 32, 48, 64, 128, 256)

_PACKAGE_DIR = Path(__file__).resolve().parent
_CANDIDATES = (
    _PACKAGE_DIR / "assets",  # an installed wheel, the frozen app
    _PACKAGE_DIR.parent / "resources",  # a source checkout, an editable install
)


def resources_dir() -> Path:
    """The folder that holds ``icons/`` and ``gcdapp.desktop.in``."""
    for candidate in _CANDIDATES:
        if (candidate / "icons").is_dir():
            return candidate
    raise FileNotFoundError(
        "gcdapp's resources are missing; looked in " + ", ".join(map(str, _CANDIDATES))
    )


def icon_png(size: int) -> Path:
    """The PNG icon of ``size`` × ``size`` pixels (one of :data:`ICON_SIZES`)."""
    if size not in ICON_SIZES:
        raise ValueError(f"no {size} px icon; sizes are {', '.join(map(str, ICON_SIZES))}")
    return resources_dir() / "icons" / f"gcdapp-{size}.png"


def icon_svg() -> Path:
    """The scalable icon."""
    return resources_dir() / "icons" / "gcdapp.svg"


def desktop_template() -> Path:
    """The freedesktop entry template, with ``@EXEC@``, ``@TRYEXEC@`` and
    ``@ICON@`` placeholders."""
    return resources_dir() / "gcdapp.desktop.in"
