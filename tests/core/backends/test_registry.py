import subprocess
import sys

import pytest

from gcdapp.core import backends
from gcdapp.core.backends import Backend, Capabilities
from gcdapp.core.backends.threads import ThreadBackend

BUILTINS = ("serial", "threads", "processes", "interpreters", "dask")


class _Named(ThreadBackend):
    name = "registry-test"
    title = "Registry test"


@pytest.fixture
def cleanup():
    added = []
    yield added
    for name in added:
        if name in backends.names():
            backends.unregister(name)


def test_the_built_ins_come_first_in_display_order():
    assert backends.names()[:5] == BUILTINS


def test_get_builds_one_instance_per_name():
    assert backends.get("threads") is backends.get("threads")
    assert isinstance(backends.get("threads"), ThreadBackend)
    assert backends.get("serial").name == "serial"


def test_unknown_backend():
    with pytest.raises(ValueError, match="unknown mode 'gpu'; choose one of serial, threads, processes"):
        backends.get("gpu")


def test_importing_the_registry_imports_no_backend_and_no_numpy():
    code = (
        "import sys, gcdapp.core.backends as b;"
        "print(sorted(m for m in sys.modules if m.startswith('gcdapp.core.backends.')));"
        "print('numpy' in sys.modules);"
        "b.get('threads');"
        "print(sorted(m for m in sys.modules if m.startswith('gcdapp.core.backends.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, numpy, after = out.stdout.split("\n")[:3]
    assert before == "['gcdapp.core.backends.base', 'gcdapp.core.backends.registry']"
    assert numpy == "False"
    assert after == (
        "['gcdapp.core.backends.base', 'gcdapp.core.backends.registry', "
        "'gcdapp.core.backends.threads']"
    )


def test_every_built_in_loads_without_numpy():
    code = (
        "import sys, gcdapp.core.backends as b;"
        "[b.get(n).capabilities for n in b.names()];"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'PySide6'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_register_a_class_an_instance_or_a_string(cleanup):
    backends.register("as-class", _Named)
    backends.register("as-instance", _Named())
    backends.register("as-string", "gcdapp.core.backends.threads:ThreadBackend")
    cleanup.extend(["as-class", "as-instance", "as-string"])
    assert backends.names()[-3:] == ("as-class", "as-instance", "as-string")
    for name in ("as-class", "as-instance", "as-string"):
        backend = backends.get(name)
        assert isinstance(backend, ThreadBackend)
        assert backend.name == name  # the registered name is the mode's name
        assert backends.available(name)
    assert backends.get("threads").name == "threads"


def test_a_taken_name_needs_replace_and_keeps_its_place(cleanup):
    backends.register("twice", _Named)
    cleanup.append("twice")
    with pytest.raises(ValueError, match="'twice' is already registered"):
        backends.register("twice", _Named)
    first = backends.get("twice")
    backends.register("twice", _Named(), replace=True)
    assert backends.get("twice") is not first
    assert backends.names().index("twice") == len(backends.names()) - 1


def test_unregister(cleanup):
    backends.register("gone", _Named)
    backends.unregister("gone")
    assert "gone" not in backends.names()
    with pytest.raises(ValueError, match="unknown mode 'gone'"):
        backends.get("gone")
    with pytest.raises(ValueError, match="unknown mode 'gone'"):
        backends.unregister("gone")
    assert not backends.available("gone")


@pytest.mark.parametrize("target", [42, "no colon", object(), dict])
def test_a_target_that_is_no_backend_is_refused(target):
    with pytest.raises(TypeError, match="must be a Backend subclass or instance"):
        backends.register("bad", target)
    assert "bad" not in backends.names()


def test_an_unavailable_backend_is_listed_but_not_available(cleanup):
    class Nowhere(Backend):
        title = "Nowhere"

        def probe_capabilities(self):
            return Capabilities(unavailable_reason="needs a machine that is not this one")

    backends.register("nowhere", Nowhere)
    cleanup.append("nowhere")
    assert "nowhere" in backends.names()
    assert not backends.available("nowhere")
