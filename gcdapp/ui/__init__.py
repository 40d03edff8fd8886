"""The Qt layer: windows, models, the coordinator and the charts."""

from gcdapp.ui.main_window import MainWindow

__all__ = ["MainWindow"]
