"""The charts: one shared pyqtgraph base, the timeline, completion and wall-time charts, and their export."""
