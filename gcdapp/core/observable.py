"""Plain events for Qt-free models, in the manner of napari's evented models.

An :class:`Event` holds callbacks (any callables) and calls each of them, in
the order they were connected, with the arguments given to :meth:`Event.emit`.
A model changes its state first and emits afterwards, so a callback always
sees the new state.

Decisions:

- A bound method is held weakly (a view subscribing to a model does not keep
  itself alive through the model); a plain function or lambda strongly.
  Callbacks whose object died are dropped.
- A callback that raises does not stop the others and cannot undo the
  change: the model's state is already the new one. The exception is handed
  to ``sys.excepthook`` (printed, or turned into a test failure by pytest-qt),
  and ``emit`` returns normally.
- Connecting or disconnecting inside a callback takes effect from the next
  emit. :meth:`Event.blocked` silences an event for a ``with`` block.
- An emit from inside a callback of the same event (a view correcting the
  model it was told about) is delivered once the current one has reached
  every callback, so each callback sees the emits in order and the last
  one it sees is the latest.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import MethodType
from typing import Any

Callback = Callable[..., Any]


class _Ref:
    """A callback, weakly when it is a bound method."""

    __slots__ = ("_strong", "_weak")

    def __init__(self, callback: Callback):
        if isinstance(callback, MethodType):
            self._strong = None
            self._weak = weakref.WeakMethod(callback)
        else:
            self._strong = callback
            self._weak = None

    def get(self) -> Callback | None:
        return self._strong if self._weak is None else self._weak()


class Event:
    """One kind of notification (``workspace.events.pairs_changed``)."""

    def __init__(self, name: str = ""):
        self.name = name
        self._refs: list[_Ref] = []
        self._blocked = 0
        self._pending: list[tuple] | None = None  # emits queued while emitting

    def connect(self, callback: Callback) -> Callback:
        """Call ``callback`` on every emit (once, however often connected)."""
        if not callable(callback):
            raise TypeError(f"{self.name or 'event'}: {callback!r} is not callable")
        if callback not in self.callbacks():
            self._refs.append(_Ref(callback))
        return callback

    def disconnect(self, callback: Callback) -> None:
        """Stop calling ``callback`` (nothing happens if it was not connected)."""
        self._refs = [r for r in self._refs if (c := r.get()) is not None and c != callback]

    def callbacks(self) -> list[Callback]:
        """The live callbacks, in order."""
        return [c for r in self._refs if (c := r.get()) is not None]

    def __len__(self) -> int:
        return len(self.callbacks())

    @contextmanager
    def blocked(self) -> Iterator[None]:
        """No callback is called inside the block."""
        self._blocked += 1
        try:
            yield
        finally:
            self._blocked -= 1

    def emit(self, *args: Any) -> None:
        if self._blocked:
            return
        if self._pending is not None:
            self._pending.append(args)
            return
        self._pending = [args]
        try:
            while self._pending:
                self._deliver(self._pending.pop(0))
        finally:
            self._pending = None

    def _deliver(self, args: tuple) -> None:
        live = []
        for ref in self._refs:
            callback = ref.get()
            if callback is not None:
                live.append((ref, callback))
        self._refs = [ref for ref, _ in live]  # (drops the dead)
        for _ref, callback in live:
            try:
                callback(*args)
            except Exception:  # one view's bug must not stop the others
                sys.excepthook(*sys.exc_info())

    def __repr__(self) -> str:
        return f"<Event {self.name!r}: {len(self)} callback(s)>"


class EventGroup:
    """Named events of one model: ``EventGroup("a", "b").a.connect(...)``."""

    def __init__(self, *names: str):
        self._names = names
        for name in names:
            setattr(self, name, Event(name))

    def __iter__(self) -> Iterator[Event]:
        return (getattr(self, name) for name in self._names)
