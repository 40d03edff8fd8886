"""The status bar's cluster line: the Dask cluster a run is on, its
workers and the dashboard's link; and closing gcdapp's local cluster when
the window quits."""

from __future__ import annotations

import html
import sys

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QWidget

from gcdapp.core.events import ClusterInfo, RunInfo, RunResult

_DASK_MODULE = "gcdapp.core.backends.dask"


def cluster_text(cluster: ClusterInfo) -> str:
    """The line's rich text: where, how many workers, the dashboard link."""
    kind = "local cluster" if cluster.local else "scheduler"
    text = (f"Dask {kind} {html.escape(cluster.scheduler)} · "
            f"{len(cluster.workers)} worker{'s' if len(cluster.workers) != 1 else ''}")
    if cluster.start_s:
        text += f" · started in {cluster.start_s:.1f} s (apart from the run)"
    if cluster.clock_corrected:
        text += " · times clock-corrected"
    if cluster.dashboard:
        link = html.escape(cluster.dashboard)
        text += f' · <a href="{link}">dashboard</a>'
    return text


class ClusterStatus(QLabel):
    """Hidden until a run on a cluster starts; then its scheduler, workers
    (in the tooltip, by address) and dashboard link."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Cluster")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setOpenExternalLinks(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.cluster: ClusterInfo | None = None
        self.hide()

    @Slot(int, object)
    def on_run_started(self, _run_id: int, info: RunInfo) -> None:
        cluster = info.cluster
        if cluster is None:
            return  # the last cluster's line stays: it is still up
        self.cluster = cluster
        self.setText(cluster_text(cluster))
        self.setToolTip("Workers:\n" + "\n".join(cluster.workers))
        self.show()

    @Slot(int, object)
    def on_run_finished(self, _run_id: int, result: RunResult) -> None:
        if result.info.cluster is not None and result.notes:
            self.setToolTip(self.toolTip() + "\n\n" + "\n".join(result.notes))


def close_local_clusters() -> None:
    """Close the Dask clusters gcdapp started (their processes end), if a
    dask run ever imported the backend; otherwise nothing to do."""
    module = sys.modules.get(_DASK_MODULE)
    if module is not None:
        module.close_clusters()
