from gcdapp.core.system import gil_enabled, usable_cores


def test_usable_cores_and_gil():
    assert 1 <= usable_cores()
    assert isinstance(gil_enabled(), bool)
