"""The CLI's progress bar: a `progress(done, total, label)` callable (rackcad.progress) drawn on stderr.

It draws only when stderr is a terminal, so pipes, CI logs and captured test output never see it;
`RACKCAD_PROGRESS=1` forces it on and `RACKCAD_PROGRESS=0` off. One line, redrawn in place at most
`INTERVAL_S` apart (a terminal redraw per call would cost more than the work it reports), erased when the
command ends, so the command's own output and error lines stay as they were.

Ctrl+C while the bar runs asks the operation to stop: the next progress call raises `Cancelled`, which the
operation lets through after removing what it was writing (every output goes through files/atomic.py).
A second Ctrl+C interrupts at once (KeyboardInterrupt), for a step that reports no progress for long.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

from rackcad.progress import Cancelled

ENV = "RACKCAD_PROGRESS"
"""`1` (or yes/on/true) draws the bar even without a terminal; `0` (or no/off/false) never draws it."""
INTERVAL_S = 0.1
WIDTH = 28
"""Cells of the bar itself; the label is cut to keep the whole line under LINE_CHARS."""
LINE_CHARS = 78


def wanted(stream: TextIO, environ: dict | None = None) -> bool:
    """Whether a bar is drawn on `stream`: RACKCAD_PROGRESS if set, else whether `stream` is a terminal."""
    value = (os.environ if environ is None else environ).get(ENV, "").strip().lower()
    if value in ("1", "yes", "on", "true", "always"):
        return True
    if value in ("0", "no", "off", "false", "never"):
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


class ProgressBar:
    """`progress(done, total, label)` drawing one line on `stream`; a context manager that erases it and
    (on a terminal, in the main thread) turns the first Ctrl+C into `Cancelled` at the next call."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = wanted(self.stream) if enabled is None else enabled
        self.clock = clock
        self.started = clock()
        self.last_draw: float | None = None
        self.drawn = False
        self.stop_requested = False
        self._previous_handler = None

    # ------------------------------------------------------------------ the protocol
    def __call__(self, done: int, total: int, label: str = "") -> None:
        if self.stop_requested:
            raise Cancelled(label)
        if not self.enabled:
            return
        now = self.clock()
        finished = total > 0 and done >= total
        if self.last_draw is not None and now - self.last_draw < INTERVAL_S and not finished:
            return
        self.last_draw = now
        self._write("\r" + self.line(done, total, label, now - self.started) + "\x1b[K")
        self.drawn = True

    def line(self, done: int, total: int, label: str, elapsed_s: float) -> str:
        """The text of the bar: `label [#####.....]  45%  3.2 s`, or `label  12,288  3.2 s` without a total."""
        if total > 0:
            share = min(max(done / total, 0.0), 1.0)
            full = int(share * WIDTH)
            tail = f" [{'#' * full}{'.' * (WIDTH - full)}] {share:4.0%} {elapsed_s:5.1f} s"
        else:
            tail = f" {done:,} {elapsed_s:5.1f} s" if done else f" {elapsed_s:5.1f} s"
        room = LINE_CHARS - len(tail)
        text = label if len(label) <= room else label[: max(room - 1, 0)] + "…"
        return text + tail

    # ------------------------------------------------------------------ lifetime
    def __enter__(self) -> ProgressBar:
        if self.enabled and threading.current_thread() is threading.main_thread():
            self._previous_handler = signal.signal(signal.SIGINT, self._interrupt)
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Erase the bar and give Ctrl+C back its default meaning."""
        if self._previous_handler is not None:
            signal.signal(signal.SIGINT, self._previous_handler)
            self._previous_handler = None
        if self.drawn:
            self._write("\r\x1b[K")
            self.drawn = False

    def _interrupt(self, signum, frame) -> None:
        if self.stop_requested:  # the second Ctrl+C: stop now
            raise KeyboardInterrupt
        self.stop_requested = True
        self._write("\r\x1b[Kstopping (Ctrl+C again to interrupt at once)...")
        self.drawn = True

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a terminal that went away must not end the command
            self.enabled = False
