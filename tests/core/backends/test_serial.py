from gcdapp.core import backends
from gcdapp.core.backends import InlineExecutor


def test_serial_is_one_worker_in_the_calling_thread():
    serial = backends.get("serial")
    caps = serial.capabilities
    assert caps.available and caps.max_workers == 1 and not caps.takes_workers
    assert not caps.out_of_process and not caps.takes_start_method
    assert serial.resolve_workers(None) == serial.resolve_workers(8) == 1
    assert not serial.warm_up_needed
    assert isinstance(serial.create(1, None), InlineExecutor)
    assert serial.lane_label(123, "MainThread") == "serial"
