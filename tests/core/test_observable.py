"""Plain events: order, weak bound methods, blocking, and a failing callback."""

from __future__ import annotations

import gc
import sys

import pytest

from gcdapp.core.observable import Event, EventGroup


def test_callbacks_run_in_connection_order_with_the_emitted_arguments():
    event, calls = Event("changed"), []
    event.connect(lambda *a: calls.append(("first", a)))
    event.connect(lambda *a: calls.append(("second", a)))
    event.emit(1, "x")
    assert calls == [("first", (1, "x")), ("second", (1, "x"))]


def test_a_callback_connected_twice_runs_once_and_disconnect_stops_it():
    event, calls = Event(), []

    def callback(value):
        calls.append(value)

    event.connect(callback)
    event.connect(callback)
    event.emit(1)
    event.disconnect(callback)
    event.disconnect(callback)  # (not connected: nothing happens)
    event.emit(2)
    assert calls == [1] and len(event) == 0


def test_a_failing_callback_does_not_stop_the_others_and_is_reported(monkeypatch):
    reported, calls = [], []
    monkeypatch.setattr(sys, "excepthook", lambda kind, value, tb: reported.append(value))
    event = Event()
    event.connect(lambda v: calls.append(("before", v)))

    def broken(v):
        raise RuntimeError(f"view bug {v}")

    event.connect(broken)
    event.connect(lambda v: calls.append(("after", v)))
    event.emit(7)  # does not raise
    assert calls == [("before", 7), ("after", 7)]
    assert [str(e) for e in reported] == ["view bug 7"]
    event.emit(8)  # the broken callback stays connected; the others keep running
    assert calls[-1] == ("after", 8) and len(reported) == 2


def test_a_bound_method_is_held_weakly_and_a_function_strongly():
    event, calls = Event(), []

    class View:
        def update(self, value):
            calls.append(value)

    view = View()
    event.connect(view.update)
    event.connect(lambda v: calls.append(-v))
    event.emit(1)
    del view
    gc.collect()
    event.emit(2)
    assert calls == [1, -1, -2] and len(event) == 1


def test_blocked_silences_the_event_for_the_block_only():
    event, calls = Event(), []
    event.connect(calls.append)
    with event.blocked():
        event.emit(1)
        with event.blocked():
            event.emit(2)
        event.emit(3)
    event.emit(4)
    assert calls == [4]


def test_connecting_during_an_emit_takes_effect_from_the_next_one():
    event, calls = Event(), []

    def late(v):
        calls.append(("late", v))

    def first(v):
        calls.append(("first", v))
        event.connect(late)

    event.connect(first)
    event.emit(1)
    event.emit(2)
    assert calls == [("first", 1), ("first", 2), ("late", 2)]


def test_connect_refuses_what_cannot_be_called():
    with pytest.raises(TypeError, match="not callable"):
        Event("pairs_changed").connect(42)


def test_an_event_group_names_its_events():
    group = EventGroup("a", "b")
    assert [e.name for e in group] == ["a", "b"] and group.a is not group.b


def test_an_emit_from_a_callback_is_delivered_after_the_current_one_in_order():
    event, calls = Event(), []

    def corrector(value):
        calls.append(("corrector", value))
        if value == "raw":
            event.emit("corrected")

    event.connect(corrector)
    event.connect(lambda value: calls.append(("view", value)))
    event.emit("raw")
    assert calls == [("corrector", "raw"), ("view", "raw"),
                     ("corrector", "corrected"), ("view", "corrected")]
