"""The document: sessions, autosave and crash restore, export, recent files and preferences."""
