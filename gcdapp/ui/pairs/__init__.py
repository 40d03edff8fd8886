"""The pair editor: the table, its undo commands and the Generate dialog."""
