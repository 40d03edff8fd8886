"""Other Pythons on this machine: discovery, probing, the probe cache, the
subinterpreter backport and the labels runs carry. Qt-free and numpy-free."""
