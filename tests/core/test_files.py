"""Opening user files: regular files (and links to them) only; a named pipe,
a device, a socket or a folder is refused before it is opened, never waited on."""

from __future__ import annotations

import os
import socket
import stat

import pytest

from gcdapp.core import files
from gcdapp.core.files import (
    FileTooLargeError,
    NotRegularFileError,
    check_regular,
    open_regular,
    read_regular,
)


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket(tmp_path):
    path = tmp_path / "sock.csv"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    yield path
    server.close()


def test_a_regular_file_and_a_link_to_one_are_read(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_bytes(b"12,18\n")
    link = tmp_path / "link.csv"
    link.symlink_to(path)
    assert read_regular(path, 100) == b"12,18\n"
    assert read_regular(link, 100) == b"12,18\n"
    with open_regular(link) as f:
        assert f.read() == b"12,18\n"
        # the descriptor is back in blocking mode for ordinary reads
        assert os.get_blocking(f.fileno())
    assert stat.S_ISREG(check_regular(link).st_mode)


@pytest.mark.timeout(10)
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(fifo):
    for call in (check_regular, open_regular, lambda p: read_regular(p, 100)):
        with pytest.raises(NotRegularFileError) as info:
            call(fifo)
        assert str(info.value) == (
            "pipe.csv is not a regular file (it is a named pipe); gcdapp opens only files")
        assert info.value.kind == "a named pipe"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.timeout(10)
def test_a_link_to_dev_zero_is_refused_and_names_its_target(tmp_path):
    link = tmp_path / "zero.gcdapp.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(NotRegularFileError) as info:
        read_regular(link, 1 << 30)
    assert str(info.value) == ("zero.gcdapp.json is not a regular file (it is a link to "
                               "/dev/zero, a character device); gcdapp opens only files")


def test_a_folder_and_a_socket_are_refused(tmp_path, unix_socket):
    with pytest.raises(NotRegularFileError, match=r"is not a regular file \(it is a folder\)"):
        read_regular(tmp_path, 100)
    with pytest.raises(NotRegularFileError, match=r"sock.csv is not a regular file \(it is a socket\)"):
        read_regular(unix_socket, 100)


def test_a_missing_file_raises_the_ordinary_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_regular(tmp_path / "gone.csv", 100)


def test_a_file_over_the_limit_is_refused_by_its_size_unread(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    with open(path, "wb") as f:
        f.truncate((1 << 30) + 1)  # sparse: nothing to read in any case
    opened = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda *a, **k: opened.append(a[0]) or real_open(*a, **k))
    with pytest.raises(FileTooLargeError) as info:
        read_regular(path, 1 << 30)
    assert info.value.size == (1 << 30) + 1 and info.value.limit == 1 << 30
    assert opened == []  # refused by os.stat, before opening


@pytest.mark.timeout(10)
def test_a_file_swapped_for_a_pipe_after_the_check_is_refused_on_the_open_descriptor(
        tmp_path, monkeypatch):
    """The race between stat() and open(): the file is replaced by a FIFO at
    the last moment. The open does not block (O_NONBLOCK) and fstat refuses it."""
    path = tmp_path / "pairs.csv"
    path.write_bytes(b"12,18\n")
    real_open = os.open

    def swap_then_open(target, flags, *args, **kwargs):
        os.unlink(target)
        os.mkfifo(target)
        return real_open(target, flags, *args, **kwargs)

    monkeypatch.setattr(files.os, "open", swap_then_open)
    with pytest.raises(NotRegularFileError, match=r"it is a named pipe"):
        read_regular(path, 100)
    monkeypatch.undo()
    assert stat.S_ISFIFO(os.stat(path).st_mode)


# -- every loader of a user's file goes through it ------------------------------------


@pytest.mark.timeout(10)
@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder", "socket"])
def test_parse_file_refuses_what_is_not_a_file(tmp_path, kind):
    from gcdapp.core.parsing import parse_file

    path = tmp_path / "pairs.csv"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    else:
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(path))
    result = parse_file(path)
    expected = {
        "fifo": "(it is a named pipe)",
        "dev-zero": "(it is a link to /dev/zero, a character device)",
        "folder": "(it is a folder)",
        "socket": "(it is a socket)",
    }[kind]
    assert result.fatal == f"pairs.csv is not a regular file {expected}; gcdapp opens only files"
    assert len(result.pairs) == 0
    if kind == "socket":
        server.close()


@pytest.mark.timeout(10)
def test_parse_file_reads_through_a_link_to_a_regular_file(tmp_path):
    from gcdapp.core.parsing import parse_file

    target = tmp_path / "real.csv"
    target.write_text("12,18\n4,6\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert parse_file(link).pairs.tolist() == [[12, 18], [4, 6]]


@pytest.mark.timeout(10)
def test_looks_like_session_never_waits_on_a_pipe(fifo, tmp_path):
    from gcdapp.core.session import looks_like_session

    assert not looks_like_session(fifo)  # not sniffed, so not a session
    named = tmp_path / "x.gcdapp.json"
    os.mkfifo(named)
    assert looks_like_session(named)  # by its name; load_session then refuses it
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
