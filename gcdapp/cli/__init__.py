"""The command-line runner. It uses only :mod:`gcdapp.core`."""
