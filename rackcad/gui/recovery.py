"""Autosave to a recovery file while a design has unsaved changes, and find what a crashed session left.

Recovery files live in Qt's generic state folder (QStandardPaths; on Linux `$XDG_STATE_HOME`, default
`~/.local/state`) under `rackcad/recovery`, one
per open design and session: `<stem>-<hash of the path>-<pid>-<session>.rackcad` (a normal design file) and
a `.json` sidecar naming the original path, the process id and the time. A normal save or close deletes them; after a crash they stay,
and opening the same file (or starting without one, for an untitled design) offers to restore them. Files
of a process that is still running (another editor window) are never offered.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QThreadPool, QTimer

from rackcad.files import save
from rackcad.files.atomic import process_alive, write_bytes
from rackcad.gui.validation import snapshot
from rackcad.model import Design


PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


def recovery_dir() -> Path:
    state = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericStateLocation)
    return Path(state) / "rackcad" / "recovery"


@dataclass(frozen=True)
class Candidate:
    """A recovery file left by a session that did not close normally."""

    design_file: Path
    meta_file: Path
    path: str | None
    saved_at: float
    name: str

    def discard(self) -> None:
        self.design_file.unlink(missing_ok=True)
        self.meta_file.unlink(missing_ok=True)


class Recovery(QObject):
    """Writes the open design to its recovery file every `interval_s` seconds while it is dirty.

    `design` and `is_dirty` are callables so the Recovery always sees the window's current document.
    """

    def __init__(self, design: Callable[[], Design], is_dirty: Callable[[], bool], interval_s: float = 60,
                 directory: Path | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._design = design
        self._is_dirty = is_dirty
        self.directory = directory or recovery_dir()
        self._path: str | None = None
        self._changed = False
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._timer = QTimer(self)
        self._timer.setInterval(int(interval_s * 1000))
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    # ----------------------------------------------------------------- files
    def _files(self, path: str | None) -> tuple[Path, Path]:
        """This session's files for `path`: named after the design and the session, so that two editors on
        the same file never delete each other's recovery file."""
        if path:
            absolute = os.path.abspath(path)
            design = f"{Path(absolute).stem}-{hashlib.sha1(absolute.encode()).hexdigest()[:12]}"
        else:
            design = "untitled"
        stem = f"{design}-{os.getpid()}-{id(self):x}"
        return self.directory / f"{stem}.rackcad", self.directory / f"{stem}.json"

    @property
    def files(self) -> tuple[Path, Path]:
        """(design file, sidecar) this session writes for the open design."""
        return self._files(self._path)

    def track(self, path: str | None) -> None:
        """The open design is now `path` (None: untitled); forget the recovery file of the previous one."""
        self.discard()
        self._path = path

    # ----------------------------------------------------------------- write
    def changed(self) -> None:
        """The design was edited: the next tick writes it (if it is still unsaved)."""
        self._changed = True

    def _tick(self) -> None:
        if not self._is_dirty():
            self.discard()  # undone back to the saved state: nothing to recover
            return
        if not self._changed:
            return
        self._changed = False
        state, path = snapshot(self._design()), self._path
        self._pool.start(lambda: self._write_in_background(state, path))

    def write_now(self) -> Path | None:
        """Write the recovery file immediately (on the calling thread) if the design is dirty."""
        if not self._is_dirty():
            return None
        self._pool.waitForDone()
        self._changed = False
        return self._write(snapshot(self._design()), self._path)

    def _write_in_background(self, design: Design, path: str | None) -> None:
        """A failed autosave (disk full, no permission) must not interrupt editing: say so on stderr."""
        try:
            self._write(design, path)
        except OSError as exc:
            print(f"rackcad: autosave to {self.directory} failed: {exc}", file=sys.stderr)

    def _write(self, design: Design, path: str | None) -> Path:
        """Recovery files hold unsaved work, perhaps of a private design: 0600 files in a 0700 folder."""
        design_file, meta_file = self._files(path)
        design_file.parent.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        os.chmod(design_file.parent, PRIVATE_FOLDER)
        for file in (design_file, meta_file):
            if file.exists():
                os.chmod(file, PRIVATE_FILE)
        save(design, design_file, mode=PRIVATE_FILE)
        meta = {"path": os.path.abspath(path) if path else None, "pid": os.getpid(), "saved_at": time.time(),
                "name": design.name}
        write_bytes(meta_file, json.dumps(meta).encode("utf-8"), mode=PRIVATE_FILE)
        return design_file

    def discard(self) -> None:
        """Delete this session's recovery file (after a save, a discard or a normal close)."""
        self._pool.waitForDone()
        for file in self.files:
            file.unlink(missing_ok=True)

    def stop(self) -> None:
        self._timer.stop()
        self._pool.waitForDone()

    # ------------------------------------------------------------------ find
    def find(self, path: str | None) -> Candidate | None:
        """The newest recovery file a dead session left for `path` (None: an untitled design), if any.

        A recovery file older than the design file on disk is stale (the file was saved since) and ignored.
        """
        if not self.directory.is_dir():
            return None
        wanted = os.path.abspath(path) if path else None
        found: list[Candidate] = []
        for meta_file in self.directory.glob("*.json"):
            try:
                meta = json.loads(meta_file.read_text(encoding="utf-8"))
                pid, saved_at = int(meta.get("pid", 0)), float(meta.get("saved_at", 0))
            except (OSError, ValueError, TypeError, AttributeError):
                continue  # not a sidecar this program wrote
            design_file = meta_file.with_suffix(".rackcad")
            if meta.get("path") != wanted or not design_file.exists() or process_alive(pid):
                continue
            if wanted and os.path.exists(wanted) and os.path.getmtime(wanted) > saved_at:
                continue
            found.append(Candidate(design_file, meta_file, meta.get("path"), saved_at, str(meta.get("name", ""))))
        return max(found, key=lambda c: c.saved_at, default=None)
