"""Qt-free core: kernels, pair parsing, backends, the engine and statistics.

Nothing in this package may import Qt: worker processes import it, and it is
tested without a display.
"""
