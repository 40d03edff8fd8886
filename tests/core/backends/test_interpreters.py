import sys

import pytest

from gcdapp.core import backends


def test_interpreters_are_isolated_and_in_process():
    caps = backends.get("interpreters").capabilities
    assert caps.isolated and not caps.out_of_process and not caps.takes_start_method


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="available on 3.14+")
def test_interpreters_say_why_they_are_unavailable():
    reason = backends.get("interpreters").capabilities.unavailable_reason
    assert "3.14" in reason
    assert not backends.available("interpreters")
