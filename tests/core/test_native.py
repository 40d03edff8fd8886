"""The native kernels (numba, GIL released for a whole chunk): they agree
with math.gcd in every mode through the real engine, refuse what does not fit
int64 before a run, compile as start-up, keep numba out of processes that do
not run them, and say why when numba cannot be imported."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import threading
from array import array
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gcdapp.core import native
from gcdapp.core.engine import RunSetupError, check_run
from gcdapp.core.engine.run import Run, run_pairs
from gcdapp.core.events import NullObserver, RunSpec
from gcdapp.core.kernels import INT64_MAX, Kernel, get_kernel
from gcdapp.core.presets import SEED_NUMBERS, SEED_RESULTS
from gcdapp.core.run_settings import setting
from gcdapp.core.tasks import run_chunk
from tests.core import native_probe

ROOT = Path(__file__).resolve().parents[2]
NATIVE = ("bruteforce-native", "euclid-native")

pytestmark = pytest.mark.skipif(
    native.unavailable_reason() is not None, reason=f"{native.unavailable_reason()}")



@pytest.fixture(autouse=True, scope="module")
def compiled_here():
    """Compile (or load) once before the tests, so no example pays for it."""
    native.compiled()


int64 = st.integers(min_value=-INT64_MAX, max_value=INT64_MAX)
small_positive = st.integers(min_value=1, max_value=5000)
euclid_pairs = st.lists(st.tuples(int64, int64), min_size=1, max_size=80)
brute_pairs = st.lists(st.tuples(small_positive, small_positive), min_size=1, max_size=80)


def python(code: str, *args: str, extra_env=None) -> subprocess.CompletedProcess:
    """``python -c code args`` with this checkout first on the path."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **(extra_env or {})}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                          text=True, timeout=180, env=environ, cwd=ROOT)


# -- the kernels themselves ------------------------------------------------------

@given(small_positive, small_positive)
def test_bruteforce_native_matches_math_gcd(a, b):
    assert native.bruteforce_native((a, b)) == math.gcd(a, b)


@given(int64, int64)
def test_euclid_native_matches_math_gcd_over_int64(a, b):
    assert native.euclid_native((a, b)) == math.gcd(a, b)


@settings(max_examples=60)
@given(euclid_pairs)
def test_a_whole_chunk_matches_math_gcd_as_array_or_list(pairs):
    expected = [math.gcd(a, b) for a, b in pairs]
    flat = array("q", [v for pair in pairs for v in pair])
    for chunk in (flat, list(pairs)):  # long chunks travel as arrays, short as lists
        results, cancelled = native.euclid_native.chunk_entry(chunk, None)
        assert list(results) == expected and cancelled is False
        outcome = run_chunk(0, chunk, native.euclid_native)
        assert list(outcome[1]) == expected and outcome[6] is None


def test_run_chunk_dispatches_to_the_chunk_entry_and_names_a_bad_pair():
    # The engine refuses such a pair before a run; called directly, the
    # compiled chunk stops at it and the task names it like any kernel error.
    chunk = array("q", [12, 18, 7, 0, 5, 10] + [4, 6] * 20)
    start, results, *_rest = outcome = run_chunk(100, chunk, native.bruteforce_native)
    assert start == 100 and list(results) == [6]
    assert outcome[6] == "ValueError: bruteforce-native needs a ≥ 1 and b ≥ 1"


def test_a_chunk_does_not_start_once_the_stop_flag_is_set():
    stop = threading.Event()
    stop.set()
    outcome = run_chunk(0, [(12, 18)] * 40, native.bruteforce_native, stop)
    assert list(outcome[1]) == [] and outcome[7] is True


def test_a_native_chunk_releases_the_gil_for_the_whole_call():
    # While one thread is inside a single compiled call, another thread runs
    # Python code: under a held GIL it could not run at all until the call
    # returned (no switch happens inside one C call).
    chunk = array("q", [v for pair in SEED_NUMBERS * 3 for v in pair])
    native.compiled()
    counts = {}
    counter = [0]
    inside = threading.Event()
    done = threading.Event()

    def python_loop():
        inside.wait(30)
        while not done.is_set():
            counter[0] += 1

    other = threading.Thread(target=python_loop)
    other.start()
    try:
        inside.set()
        counts["before"] = counter[0]
        results, _ = native.bruteforce_native.chunk_entry(chunk, None)
        counts["after"] = counter[0]
    finally:
        done.set()
        other.join()
    assert list(results) == list(SEED_RESULTS) * 3
    assert counts["after"] - counts["before"] > 1000, counts


# -- through the real engine, in every mode ---------------------------------------------

@pytest.mark.parametrize("kernel", NATIVE)
@pytest.mark.parametrize("mode", ["serial", "threads", "processes"])
def test_the_seed_pairs_give_the_seed_results(mode, kernel):
    result = run_pairs(list(SEED_NUMBERS) * 4, RunSpec(mode=mode, kernel=kernel, workers=2))
    assert result.status == "completed", result.error
    assert result.result_list() == list(SEED_RESULTS) * 4


@pytest.mark.parametrize("mode", ["serial", "threads"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs=euclid_pairs, chunksize=st.sampled_from(["auto", 1, 7, 40]))
def test_euclid_native_agrees_with_math_gcd_in_process(mode, pairs, chunksize):
    spec = RunSpec(mode=mode, kernel="euclid-native", workers=2, chunksize=chunksize)
    result = run_pairs(pairs, spec)
    assert result.status == "completed", result.error
    assert result.result_list() == [math.gcd(a, b) for a, b in pairs]


@pytest.mark.parametrize("mode", ["serial", "threads"])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs=brute_pairs, chunksize=st.sampled_from(["auto", 3, 40]))
def test_bruteforce_native_agrees_with_math_gcd_in_process(mode, pairs, chunksize):
    spec = RunSpec(mode=mode, kernel="bruteforce-native", workers=2, chunksize=chunksize)
    result = run_pairs(pairs, spec)
    assert result.status == "completed", result.error
    assert result.result_list() == [math.gcd(a, b) for a, b in pairs]


@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs=st.one_of(euclid_pairs.map(lambda p: ("euclid-native", p)),
                       brute_pairs.map(lambda p: ("bruteforce-native", p))),
       chunksize=st.sampled_from(["auto", 5, 40]))
def test_native_kernels_agree_with_math_gcd_in_processes(pairs, chunksize):
    kernel, pairs = pairs
    spec = RunSpec(mode="processes", kernel=kernel, workers=2, chunksize=chunksize)
    result = run_pairs(pairs, spec)
    assert result.status == "completed", result.error
    assert result.result_list() == [math.gcd(a, b) for a, b in pairs]


def test_cancel_waits_only_for_the_chunks_already_running():
    pairs = list(SEED_NUMBERS) * 30
    first = threading.Event()

    class CancelAfterFirst(NullObserver):
        def tasks_completed(self, batch):
            first.set()

    run = Run(pairs, RunSpec(mode="threads", kernel="bruteforce-native", workers=2, chunksize=2),
              CancelAfterFirst())
    canceller = threading.Thread(target=lambda: (first.wait(60), run.cancel()))
    canceller.start()
    result = run.execute()
    canceller.join()
    assert result.status == "cancelled"
    assert 0 < result.n_done < len(pairs)
    done = result.done.nonzero()[0]
    assert [int(result.results[i]) for i in done] == [SEED_RESULTS[i % 10] for i in done]


# -- the domain, refused before the run -------------------------------------------------

@pytest.mark.parametrize("kernel", NATIVE)
def test_a_value_beyond_int64_is_refused_before_the_run_naming_the_pair(kernel):
    pairs = [(12, 18), (2**63, 6), (5, 10)]
    problems = check_run(np.array(pairs, dtype=object), RunSpec(mode="threads", kernel=kernel))
    assert problems == [
        f"pair 2 ({2**63}, 6): {kernel} needs values that fit a 64-bit integer "
        "(-(2**63 - 1) to 2**63 - 1); the pure-Python kernels take any size"]
    with pytest.raises(RunSetupError, match="pair 2"):
        Run(pairs, RunSpec(mode="serial", kernel=kernel))
    # The pure-Python kernel of the same algorithm takes it.
    assert check_run(np.array(pairs, dtype=object), RunSpec(mode="threads", kernel="euclid")) == []


def test_euclid_native_refuses_minus_two_to_the_63_whose_gcd_does_not_fit():
    pairs = np.array([[4, 6], [-(2**63), 3], [-(2**63 - 1), 3]], dtype=np.int64)
    kernel = get_kernel("euclid-native")
    assert [issue.row for issue in kernel.check(pairs)] == [1]
    assert math.gcd(-(2**63), 0) == 2**63 > INT64_MAX


@given(st.integers(min_value=-(2**70), max_value=2**70),
       st.integers(min_value=-(2**70), max_value=2**70))
def test_the_vectorised_check_agrees_with_the_pair_check(a, b):
    for name in NATIVE:
        kernel = get_kernel(name)
        issues = kernel.check(np.array([[a, b]], dtype=object))
        assert bool(issues) == (kernel.domain_reason(a, b) is not None)


def test_bruteforce_native_keeps_the_seed_domain():
    problems = check_run(np.array([[0, 5]]), RunSpec(mode="serial", kernel="bruteforce-native"))
    assert problems == ["pair 1 (0, 5): bruteforce-native needs a ≥ 1 and b ≥ 1"]


def test_native_kernels_refuse_subinterpreters_with_the_reason():
    kernel = get_kernel("euclid-native")
    problems = check_run(np.array([[4, 6]]), RunSpec(mode="interpreters", kernel=kernel.name))
    assert ("kernel euclid-native cannot run in interpreters mode: numba's compiled modules "
            "cannot be loaded in subinterpreters") in problems
    assert get_kernel("euclid").mode_reason("interpreters") is None


# -- where numba is imported, and when it compiles ---------------------------------------

def test_processes_that_do_not_run_a_native_kernel_never_import_numba():
    # The fork server preloads the kernels module, which names the native
    # kernels: their workers (and the fork server they fork from) stay numba-free.
    probe = Kernel("numba-loaded", native_probe.numba_loaded, "probe", "")
    for method in ("forkserver", "spawn"):
        spec = RunSpec(mode="processes", workers=2, start_method=method, chunksize=1)
        assert run_pairs([(1, 1)] * 4, spec, kernel=probe).result_list() == [0] * 4
        # A native run in between does not change that for the next pool.
        run_pairs([(4, 6)] * 4, RunSpec(mode="processes", workers=2, start_method=method,
                                         kernel="euclid-native"))
        assert run_pairs([(1, 1)] * 4, spec, kernel=probe).result_list() == [0] * 4


def test_listing_and_checking_the_native_kernels_imports_no_numba():
    code = (
        "import sys, numpy as np\n"
        "from gcdapp.core.run_settings import setting\n"
        "from gcdapp.core.engine import check_run\n"
        "from gcdapp.core.events import RunSpec\n"
        "opts = {o.value: o.unavailable for o in setting('kernel').all_options()}\n"
        "assert opts['bruteforce-native'] is None, opts\n"
        "assert check_run(np.array([[4, 6]]), RunSpec(kernel='euclid-native')) == []\n"
        "print('numba' in sys.modules)\n"
    )
    proc = python(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"


def test_a_pool_initializer_compiles_before_the_worker_says_it_is_ready(tmp_path):
    code = (
        "import sys\n"
        "from gcdapp.core import native, tasks\n"
        "assert 'numba' not in sys.modules and native.load_seconds is None\n"
        "tasks.install_kernel(native.bruteforce_native)\n"
        "assert 'numba' in sys.modules and native.load_seconds > 0\n"
        "print(native.load_seconds)\n"
    )
    proc = python(code, extra_env={"XDG_CACHE_HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr


def test_in_process_runs_count_the_compile_as_start_up_and_cache_it_in_the_user_cache(tmp_path):
    code = (
        "import os\n"
        "from gcdapp.core import native\n"
        "from gcdapp.core.engine.run import run_pairs\n"
        "from gcdapp.core.events import RunSpec\n"
        "r = run_pairs([(12, 18)] * 40, RunSpec(mode='threads', workers=2, kernel='euclid-native'))\n"
        "assert r.status == 'completed' and r.result_list() == [6] * 40, r.error\n"
        "assert r.startup_s >= native.load_seconds > 0, (r.startup_s, native.load_seconds)\n"
        "assert r.tasks.t_start.min() >= native.load_seconds\n"
        "print(os.environ['NUMBA_CACHE_DIR'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env.update(PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=180, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    cache = tmp_path / "gcdapp" / "numba"
    assert proc.stdout.strip() == str(cache)
    assert list(cache.rglob("*.nbi")), "numba wrote no cache index there"


# -- without numba ------------------------------------------------------------------------

_NO_NUMBA = "import sys; sys.modules['numba'] = None\n"


def test_without_numba_the_kernels_are_listed_unavailable_and_refused_with_the_reason():
    code = _NO_NUMBA + (
        "import numpy as np\n"
        "from gcdapp.core.run_settings import setting\n"
        "from gcdapp.core.engine import check_run\n"
        "from gcdapp.core.events import RunSpec\n"
        "opts = {o.value: o.unavailable for o in setting('kernel').all_options()}\n"
        "print(opts['bruteforce-native']); print(opts['euclid-native']); print(opts['euclid'])\n"
        "print(check_run(np.array([[4, 6]]), RunSpec(mode='serial', kernel='euclid-native')))\n"
    )
    proc = python(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "numba is not installed (pip install numba)",
        "numba is not installed (pip install numba)",
        "None",
        "['kernel euclid-native is unavailable: numba is not installed (pip install numba)']",
    ]


def test_without_numba_the_cli_says_why_and_runs_nothing():
    code = _NO_NUMBA + "from gcdapp.cli.main import main; sys.exit(main(sys.argv[1:]))"
    proc = python(code, "run", "--preset", "seed", "--mode", "serial,threads",
                  "--kernel", "bruteforce-native")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.splitlines() == [
        "gcdapp-cli: serial: kernel bruteforce-native is unavailable: numba is not "
        "installed (pip install numba)",
        "gcdapp-cli: threads: kernel bruteforce-native is unavailable: numba is not "
        "installed (pip install numba)",
    ]
    proc = python(code, "run", "--preset", "seed", "--mode", "serial", "--kernel", "euclid",
                  "--json", "-")
    assert proc.returncode == 0, proc.stderr


def test_a_frozen_build_names_itself_as_the_reason():
    code = "import sys; sys.frozen = True\nfrom gcdapp.core import native; print(native.unavailable_reason())"
    proc = python(code)
    assert proc.stdout.strip() == ("numba is not included in the frozen build; install gcdapp "
                                   "with pip to get the native kernels")


def test_the_kernel_setting_offers_the_native_kernels_here():
    options = {o.value: o for o in setting("kernel").all_options()}
    for name in NATIVE:
        assert options[name].unavailable is None
        assert "cancel waits for the chunks already running" in options[name].tooltip
