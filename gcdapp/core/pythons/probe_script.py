"""The probe, run as ``python -E -s -c SOURCE`` in the interpreter being probed.

It is stdlib-only and parses on every Python from 2.7 on, so even an
interpreter too old for gcdapp reports its version instead of a syntax error.
It never imports gcdapp. It prints one line: ``MARKER`` followed by a JSON
object. Run with ``--subinterpreters`` it instead tries an
InterpreterPoolExecutor once (stdlib on 3.14+, the ``interpreters_backport``
package on 3.12/3.13) and prints ``MARKER`` and a JSON object with ``ok``.
"""

import sys

MARKER = "GCDAPP-PROBE-1 "


def _find(name):
    try:
        import importlib.util
    except ImportError:  # Python 2
        import imp
        try:
            imp.find_module(name)
            return True
        except ImportError:
            return False
    try:
        return importlib.util.find_spec(name) is not None
    except Exception:
        return False


def facts():
    import platform
    import sysconfig

    gil_disabled = sysconfig.get_config_var("Py_GIL_DISABLED")
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    ext_suffix = sysconfig.get_config_var("EXT_SUFFIX") or sysconfig.get_config_var("SO") or ""
    impl = getattr(sys, "implementation", None)
    return {
        "version": platform.python_version(),
        "version_info": list(sys.version_info[:3]),
        "implementation": impl.name if impl is not None else platform.python_implementation().lower(),
        "executable": sys.executable,
        "prefix": sys.prefix,
        "base_prefix": getattr(sys, "base_prefix", sys.prefix),
        "free_threaded_build": bool(gil_disabled),
        "gil_enabled": True if is_enabled is None else bool(is_enabled()),
        "ext_suffix": ext_suffix,
        "numba": _find("numba"),
        "pip": _find("pip"),
    }


def try_subinterpreters():
    import math

    try:
        from concurrent.futures import InterpreterPoolExecutor
        source = "stdlib"
    except ImportError:
        source = "backport"
        try:
            from interpreters_backport.concurrent.futures import InterpreterPoolExecutor
        except ImportError as exc:
            return {"ok": False, "source": source, "missing": getattr(exc, "name", None) or "",
                    "error": "%s: %s" % (type(exc).__name__, exc)}
        except Exception as exc:  # a damaged backport
            return {"ok": False, "source": source, "missing": None,
                    "error": "%s: %s" % (type(exc).__name__, exc)}
    try:
        with InterpreterPoolExecutor(max_workers=1) as pool:
            got = pool.submit(math.gcd, 12, 18).result(timeout=15)
    except Exception as exc:
        return {"ok": False, "source": source, "missing": None,
                "error": "%s: %s" % (type(exc).__name__, exc)}
    if got != 6:
        return {"ok": False, "source": source, "missing": None,
                "error": "gcd(12, 18) came back as %r" % (got,)}
    return {"ok": True, "source": source, "missing": None, "error": None}


def main(argv):
    import json

    # -c puts '' (the working directory) first on the path: never look there.
    sys.path[:] = [p for p in sys.path if p not in ("", ".")]
    result = try_subinterpreters() if "--subinterpreters" in argv else facts()
    sys.stdout.write(MARKER + json.dumps(result, sort_keys=True) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
