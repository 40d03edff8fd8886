"""Render gcdapp's PNG icons from the SVGs in resources/icons/.

    python resources/tools/render_icons.py

writes resources/icons/gcdapp-<size>.png for every size in SIZES, using Qt's
own SVG renderer (PySide6.QtSvg).
The 16 px icon comes from gcdapp-small.svg, a simplified drawing whose edges
fall on whole pixels; the larger ones come from gcdapp.svg. Re-run it after
editing either SVG and commit the PNGs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "icons"
ROOT = ICONS.parents[1]
SIZES = (16, 32, 48, 64, 128, 256)
SMALL_MAX = 16  # sizes up to this one use the simplified drawing


def source_for(size: int) -> Path:
    return ICONS / ("gcdapp-small.svg" if size <= SMALL_MAX else "gcdapp.svg")


def render(svg: Path, size: int):
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    for size in SIZES:
        out = ICONS / f"gcdapp-{size}.png"
        if not render(source_for(size), size).save(str(out), "PNG"):
            raise SystemExit(f"could not write {out}")
        print(f"{out.relative_to(ROOT)}  ({size}×{size} from {source_for(size).name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
