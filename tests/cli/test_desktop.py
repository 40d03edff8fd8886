"""``gcdapp-cli install-desktop``, run as a subprocess with XDG_DATA_HOME and
HOME pointing into tmp dirs: the real home is never written."""

from __future__ import annotations

import configparser
import os
import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from gcdapp.cli.desktop import escape_value, exec_line, quote_exec_arg
from gcdapp.resources import ICON_SIZES

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = shutil.which("desktop-file-validate")


def run_cli(*args, env_extra: dict[str, str | None], python: str = sys.executable):
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    for key, value in env_extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [python, "-m", "gcdapp.cli", *args],
        capture_output=True, text=True, timeout=60, env=env, cwd=ROOT,
    )


def read_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def unescape_value(value: str) -> str:
    """Undo a string value's escapes (Desktop Entry spec, "Possible value types")."""
    out, chars = [], iter(value)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars)
            out.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}[nxt])
        else:
            out.append(ch)
    return "".join(out)


def split_exec(value: str) -> list[str]:
    """Split an Exec value into arguments the way a launcher does: undo the
    string escapes, then the quoting, then ``%%``."""
    line, args, i = unescape_value(value), [], 0
    while i < len(line):
        if line[i] == " ":
            i += 1
            continue
        arg = []
        if line[i] == '"':
            i += 1
            while line[i] != '"':
                if line[i] == "\\":
                    i += 1
                    assert line[i] in '"`$\\', f"bad escape in {line!r}"
                arg.append(line[i])
                i += 1
            i += 1
        else:
            while i < len(line) and line[i] != " ":
                assert line[i] not in " \t\n\"'\\><~|&;$*?#()`", f"unquoted reserved char in {line!r}"
                arg.append(line[i])
                i += 1
        args.append("".join(arg).replace("%%", "%"))
    return args


def validate(path: Path) -> None:
    if VALIDATOR is None:
        pytest.skip("desktop-file-validate is not installed (.ci/run installs desktop-file-utils)")
    proc = subprocess.run([VALIDATOR, str(path)], capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "error:" not in out and "warning:" not in out, out


def test_install_writes_an_entry_with_absolute_exec_and_icon_that_validates(tmp_path):
    data, home = tmp_path / "data", tmp_path / "home"
    proc = run_cli("install-desktop", env_extra={"XDG_DATA_HOME": str(data), "HOME": str(home)})
    assert proc.returncode == 0, proc.stderr
    entry_file = data / "applications" / "gcdapp.desktop"
    assert entry_file.is_file()
    assert not home.exists()  # nothing beside XDG_DATA_HOME

    entry = read_entry(entry_file)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "gcdapp"
    assert entry["Terminal"] == "false"
    assert entry["Categories"] == "Development;Education;Qt;"
    assert entry["StartupWMClass"] == "gcdapp"  # QApplication.applicationName()
    command = split_exec(entry["Exec"])
    program = Path(command[0])
    assert program.is_absolute() and os.access(program, os.X_OK), command
    expected_script = Path(os.path.abspath(sys.executable)).parent / "gcdapp"
    if expected_script.is_file():
        assert command == [str(expected_script)]
    else:
        assert command == [os.path.abspath(sys.executable), "-m", "gcdapp"]
    assert unescape_value(entry["TryExec"]) == command[0]
    icon = Path(unescape_value(entry["Icon"]))
    assert icon == data / "icons" / "hicolor" / "256x256" / "apps" / "gcdapp.png"
    assert icon.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    for size in ICON_SIZES:
        assert (data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "gcdapp.png").is_file()
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "gcdapp.svg").is_file()
    assert str(entry_file) in proc.stdout and "Exec=" in proc.stdout  # says what it did
    validate(entry_file)


def test_uninstall_removes_what_install_wrote_and_nothing_else(tmp_path):
    data = tmp_path / "data"
    other_entry = data / "applications" / "other.desktop"
    other_icon = data / "icons" / "hicolor" / "48x48" / "apps" / "other.png"
    for path in (other_entry, other_icon):
        path.parent.mkdir(parents=True)
        path.write_text("not gcdapp's")
    env = {"XDG_DATA_HOME": str(data), "HOME": str(tmp_path / "home")}
    before = sorted(p for p in data.rglob("*"))

    assert run_cli("install-desktop", env_extra=env).returncode == 0
    installed = sorted(p for p in data.rglob("*") if p.is_file() and "gcdapp" in p.name)
    assert len(installed) == len(ICON_SIZES) + 2

    proc = run_cli("install-desktop", "--uninstall", env_extra=env)
    assert proc.returncode == 0, proc.stderr
    for path in installed:
        assert not path.exists()
        assert f"removed {path}" in proc.stdout
    assert sorted(p for p in data.rglob("*")) == before  # empty icon folders pruned too

    again = run_cli("install-desktop", "--uninstall", env_extra=env)
    assert again.returncode == 0 and "nothing to remove" in again.stdout


def test_without_xdg_data_home_it_uses_home_local_share(tmp_path):
    home = tmp_path / "home"
    for value in (None, "", "relative/path"):  # unset, empty and relative are all ignored
        proc = run_cli("install-desktop", env_extra={"XDG_DATA_HOME": value, "HOME": str(home)})
        assert proc.returncode == 0, proc.stderr
        assert (home / ".local" / "share" / "applications" / "gcdapp.desktop").is_file()
        assert not (ROOT / "relative").exists()
        run_cli("install-desktop", "--uninstall", env_extra={"XDG_DATA_HOME": value, "HOME": str(home)})
        assert not (home / ".local" / "share" / "applications" / "gcdapp.desktop").exists()


def _venv_with_our_packages(where: Path) -> Path:
    """A virtual environment at ``where`` that sees this interpreter's packages."""
    venv.create(where, with_pip=False, symlinks=True)
    target = next((where / "lib").glob("python3*/site-packages"))
    dirs = [d for d in site.getsitepackages() if os.path.isdir(d)]
    (target / "outer.pth").write_text(
        "import site; " + "; ".join(f"site.addsitedir({d!r})" for d in dirs) + "\n"
    )
    return where / "bin" / "python"


@pytest.mark.slow
def test_paths_with_spaces_and_reserved_characters_are_quoted(tmp_path):
    python = _venv_with_our_packages(tmp_path / "my apps $HOME 100% (test)" / "venv")
    data = tmp_path / "data dir"
    env = {"XDG_DATA_HOME": str(data), "HOME": str(tmp_path / "home")}

    # No gcdapp script beside this python: Exec runs the module.
    proc = run_cli("install-desktop", env_extra=env, python=str(python))
    assert proc.returncode == 0, proc.stderr
    entry_file = data / "applications" / "gcdapp.desktop"
    entry = read_entry(entry_file)
    assert entry["Exec"].startswith('"') and "\\\\$HOME" in entry["Exec"]
    assert split_exec(entry["Exec"]) == [str(python), "-m", "gcdapp"]
    assert unescape_value(entry["Icon"]).startswith(str(data))
    validate(entry_file)

    # A gcdapp GUI script beside it: Exec runs that.
    script = python.parent / "gcdapp"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    assert run_cli("install-desktop", env_extra=env, python=str(python)).returncode == 0
    assert split_exec(read_entry(entry_file)["Exec"]) == [str(script)]
    validate(entry_file)


@pytest.mark.parametrize("arg", [
    "/usr/bin/gcdapp", "/opt/my apps/gcdapp", 'a"b', "c`d", "e$f", "g\\h", "50%", "semi;colon",
    "tab\there", "it's", "#hash", "~tilde", "",
])
def test_exec_quoting_round_trips(arg):
    line = escape_value(exec_line(["/bin/prog", arg, "-m", "gcdapp"]))
    assert split_exec(line) == ["/bin/prog", arg, "-m", "gcdapp"]


def test_exec_quoting_matches_the_spec_examples():
    assert quote_exec_arg("/usr/bin/gcdapp") == "/usr/bin/gcdapp"
    assert quote_exec_arg("/opt/my apps/gcdapp") == '"/opt/my apps/gcdapp"'
    # A literal backslash inside quotes is four in the file.
    assert escape_value(quote_exec_arg("a\\b")) == '"a\\\\\\\\b"'
    assert quote_exec_arg("100%") == "100%%"
