"""gcdapp: a desktop lab for measuring Python parallelism on a GCD workload."""

__version__ = "0.1.0"
