"""Module-level kernels that misbehave on purpose, importable by workers."""

import os
import time

from gcdapp.core.kernels import Kernel, euclid

TRIGGER = 13  # the value of ``a`` that makes each kernel misbehave


def raise_on_trigger(pair):
    a, b = pair
    if a == TRIGGER:
        raise ZeroDivisionError("boom on purpose")
    return euclid(pair)


def die_on_trigger(pair):
    a, b = pair
    if a == TRIGGER:
        os._exit(3)
    return euclid(pair)


def sleep_on_trigger(pair):
    """Sleeps for minutes on the trigger pair: only cancel can end it."""
    a, b = pair
    if a == TRIGGER:
        time.sleep(600)
    return euclid(pair)


def slow(pair):
    time.sleep(0.02)
    return euclid(pair)


RAISES = Kernel("raises", raise_on_trigger, "raises", "raises on a == 13")
DIES = Kernel("dies", die_on_trigger, "dies", "worker exits on a == 13")
HANGS = Kernel("hangs", sleep_on_trigger, "hangs", "sleeps 10 min on a == 13")
SLOW = Kernel("slow", slow, "slow", "20 ms per pair")


def sleep_a_ms(pair):
    """Sleeps ``a`` milliseconds, so a test controls the completion order."""
    a, b = pair
    time.sleep(a / 1000)
    return euclid(pair)


SLEEPS = Kernel("sleeps", sleep_a_ms, "sleeps", "sleeps a ms")


#: Set to let :func:`block_until_released` return (threads and serial only);
#: ``ENTERED`` is set once it is waiting.
RELEASE = __import__("threading").Event()
ENTERED = __import__("threading").Event()


def block_until_released(pair):
    """Waits, without looking at the stop flag, until :data:`RELEASE` is set."""
    ENTERED.set()
    RELEASE.wait(600)
    return euclid(pair)


BLOCKS = Kernel("blocks", block_until_released, "blocks", "waits for RELEASE")
