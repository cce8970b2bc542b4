"""Atomic file writes, for design files and every export.

`atomic_path(target)` yields a temporary path in the target's own folder; when the block ends without an
exception the temporary file is fsynced and renamed over the target (then the folder is fsynced), so a
crash, a kill or a full disk leaves either the old file or the new one, never half of one. On an exception
the temporary file is removed and the old file stays as it was.

- A symlink is followed: the file it points to is replaced and the link stays a link.
- A folder as the target is refused before anything is written.
- The new file keeps the old one's permissions (a 0600 design stays 0600); a new file gets `mode`, or the
  usual 0666 less the umask.
- Temporary files are named `.<name>.<pid>-<random>.tmp`. One left by a killed writer (its process is gone)
  is swept by the next write of the same target.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

_TEMP = re.compile(r"\.(?P<name>.+)\.(?P<pid>\d+)-[0-9a-f]{8}\.tmp")


def resolved_target(path: str | os.PathLike) -> Path:
    """Where a write to `path` lands: through any symlink; a folder is refused (IsADirectoryError)."""
    target = Path(os.path.realpath(os.fspath(path)))
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", os.fspath(path))
    return target


def process_alive(pid: int) -> bool:
    """Whether process `pid` still runs (ours always does; another user's counts as running)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale(target: Path) -> list[Path]:
    """Remove the temporary files of `target` left by writers that no longer run; returns what was removed."""
    removed = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP.fullmatch(entry.name)
        if match and match["name"] == target.name and not process_alive(int(match["pid"])):
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed


def _new_file_mode(target: Path, mode: int | None) -> int:
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        if mode is not None:
            return mode
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_path(path: str | os.PathLike, mode: int | None = None) -> Iterator[Path]:
    """A temporary path to write; renamed over `path` (through symlinks) when the block succeeds."""
    target = resolved_target(path)
    sweep_stale(target)
    tmp = target.parent / f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:  # a read-only or missing folder: name the file the user asked for
        raise type(exc)(exc.errno, exc.strerror, os.fspath(path)) from None
    try:
        yield tmp
        os.chmod(tmp, _new_file_mode(target, mode))
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_folder(target.parent)


def write_bytes(path: str | os.PathLike, data: bytes, mode: int | None = None) -> None:
    """Write `data` to `path` atomically (see atomic_path)."""
    with atomic_path(path, mode) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_TRUNC)
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)


def write_text(path: str | os.PathLike, text: str, mode: int | None = None) -> None:
    """Write `text` as UTF-8 to `path` atomically (see atomic_path)."""
    write_bytes(path, text.encode("utf-8"), mode)


STREAM_BUFFER_BYTES = 1 << 20
"""What a streamed write gathers before each system write."""


def write_pieces(path: str | os.PathLike, pieces: Iterable[str], mode: int | None = None) -> None:
    """Write the text `pieces` as UTF-8 to `path` atomically (see atomic_path), as they come: a writer that
    yields line by line never holds the whole file. An exception from `pieces` (Cancelled, say) leaves the
    old file as it was, like any other failure."""
    with atomic_path(path, mode) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_TRUNC)
        try:
            buffer: list[bytes] = []
            size = 0
            for piece in pieces:
                data = piece.encode("utf-8")
                buffer.append(data)
                size += len(data)
                if size >= STREAM_BUFFER_BYTES:
                    _write_all(fd, b"".join(buffer))
                    buffer, size = [], 0
            _write_all(fd, b"".join(buffer))
        finally:
            os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
