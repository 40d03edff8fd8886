"""The Findings panel: what the measurements of a run, or of several runs
side by side, mean, in short sentences (read-only).

A view: the sentences come from :mod:`gcdapp.core.findings`. It follows the
workspace's runs (each finished run is explained as it arrives) and the runs
table's selection (one run: its findings; several: their comparison). The
window shows a job's comparison when the job ends (:meth:`show_runs`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtWidgets import QTextBrowser, QWidget

from gcdapp.core.findings import Finding, comparison_findings, run_findings
from gcdapp.core.workspace import RunsChange, Workspace
from gcdapp.ui.running.runs_table import RunsTable

PLACEHOLDER = ("Findings appear here after a run: how close it came to what was possible, "
               "why (the GIL, start-up, moving data), and which mode suits these pairs. "
               "Select several runs in the Runs table to compare them.")

_KIND_STYLE = {
    "recommendation": "font-weight: 600;",
    "unstable": "color: #b26a00;",
    "status": "color: #666666;",
}


class FindingsPanel(QTextBrowser):
    """Read-only findings of the runs it was last asked to explain."""

    def __init__(self, workspace: Workspace, runs: RunsTable, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Findings")
        self.setToolTip("What the measurements mean, and which mode suits these pairs.")
        self.setReadOnly(True)
        self.setOpenLinks(False)
        self.workspace = workspace
        self.runs = runs
        self._run_ids: tuple[int, ...] = ()
        self._findings: list[Finding] = []
        self._title = ""
        workspace.events.runs_changed.connect(self._on_runs_changed)
        runs.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self._render("", [])

    # -- what it shows ------------------------------------------------------
    @property
    def run_ids(self) -> tuple[int, ...]:
        """The runs explained now (empty: none)."""
        return self._run_ids

    def findings(self) -> list[Finding]:
        return list(self._findings)

    def show_runs(self, run_ids: Sequence[int]) -> None:
        """Explain these runs: one run's findings, or a comparison of several
        (ids no longer in the workspace are skipped)."""
        history = self.workspace.history
        records = [r for r in (history.get(i) for i in dict.fromkeys(run_ids)) if r is not None]
        self._run_ids = tuple(r.run_id for r in records)
        if not records:
            self._findings = []
            self._render("", [])
        elif len(records) == 1:
            record = records[0]
            self._findings = run_findings(record, history)
            self._render(f"Run {record.label}", self._findings)
        else:
            self._findings = comparison_findings(records, history)
            self._render("Comparison of " + ", ".join(r.label for r in records), self._findings)

    def show_findings(self, title: str, findings: Sequence[Finding]) -> None:
        """Show ``findings`` of something other than runs (a sweep, a map)."""
        self._run_ids = ()
        self._findings = list(findings)
        self._render(title, self._findings)

    def title(self) -> str:
        """What the panel explains now (empty: nothing)."""
        return self._title

    def _render(self, title: str, findings: list[Finding]) -> None:
        self._title = title if findings else ""
        if not findings:
            self.setHtml(f"<p style='color: #666666;'>{html.escape(PLACEHOLDER)}</p>")
            return
        items = "".join(
            f"<li style='margin-bottom: 4px; {_KIND_STYLE.get(f.kind, '')}'>"
            f"{html.escape(f.text)}</li>"
            for f in findings)
        self.setHtml(f"<p><b>{html.escape(title)}</b></p><ul style='margin-left: -20px;'>"
                     f"{items}</ul>")

    # -- following the runs and the selection ------------------------------------
    def _on_runs_changed(self, change: RunsChange) -> None:
        if change.kind == "added" and change.record is not None:
            self.show_runs([change.record.run_id])
        else:  # replaced or cleared: explain what is selected, if anything
            self.show_runs(self.runs.selected_run_ids())

    def _on_selection_changed(self, *_args) -> None:
        selected = self.runs.selected_run_ids()
        if selected:
            self.show_runs(selected)
