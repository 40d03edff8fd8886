"""Running: the settings panel, the run controller, the coordinator thread, status and messages, the runs table."""
