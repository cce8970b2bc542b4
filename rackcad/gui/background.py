"""BackgroundRunner: the scheduling shared by background validation and analysis.

At most one job of a runner runs at a time; requests made meanwhile collapse into one follow-up run on the
newest input. Jobs start from the event loop, after the GUI work of the edit that asked for them, and
runners share one single-thread pool, so they never split the interpreter lock with each other or with
the GUI thread's rebuild. A result is delivered only if nothing was requested since its job started
(generation counter), so no panel ever shows figures of a design that no longer exists.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QThreadPool, QTimer, Signal

from rackcad.catalog import Catalog


class BackgroundRunner(QObject):
    """Subclasses set `_pending` when a request arrives (or override `_has_pending` / `_drop_pending` for
    richer queues), say how a job starts (`_start`), and their job's completion slot calls `_deliver`."""

    started = Signal()
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, catalog: Catalog | None = None, parent: QObject | None = None,
                 pool: QThreadPool | None = None):
        """`pool`: a single-thread pool shared with the other runners (a private one when None)."""
        super().__init__(parent)
        self.catalog = catalog
        if pool is None:
            pool = QThreadPool(self)
            pool.setMaxThreadCount(1)
        self._pool = pool
        self._generation = 0
        self._running = False
        self._pending = False
        self.last_seconds = 0.0

    def _queue(self) -> None:
        """A request arrived with everything a job needs: run once more (newest input), after what runs."""
        self._generation += 1
        self._pending = True
        self._schedule()

    def _has_pending(self) -> bool:
        return self._pending

    def _drop_pending(self) -> None:
        self._pending = False

    def _start(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    @property
    def busy(self) -> bool:
        return self._running or self._has_pending()

    def _schedule(self) -> None:
        """Start the pending work from the event loop, once the current edit's GUI work is done."""
        if not self._running:
            QTimer.singleShot(0, self._start_when_idle)

    def _start_when_idle(self) -> None:
        if not self._running and self._has_pending():
            self._start()

    def _deliver(self, result, generation: int, error: str) -> None:
        """A job finished: run the follow-up if one is pending, else emit the result if it is current."""
        self._running = False
        if self._has_pending():
            self._start()
            return
        if generation != self._generation:
            return
        if error:
            self.failed.emit(error)
        else:
            self.finished.emit(result)

    def wait(self, timeout_s: float = 60.0) -> bool:
        """Process events until nothing is running or queued (start-up screenshot, tests)."""
        deadline = time.perf_counter() + timeout_s
        while self.busy and time.perf_counter() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            self._pool.waitForDone(20)
        QCoreApplication.processEvents()
        return not self.busy

    def shutdown(self) -> None:
        """Drop queued work and wait for a running job, so no thread outlives the window."""
        self._drop_pending()
        self._generation += 1
        self._pool.waitForDone()


def guarded(what: str, work: Callable[[], object]) -> tuple[object, str]:
    """(work(), "") in a job thread, or (None, why) when it raised: a bug in the work must not take the
    editor down; its panel shows "`what` failed: ..." and the traceback goes to stderr."""
    try:
        return work(), ""
    except Exception as exc:
        traceback.print_exc()
        return None, f"{what} failed: {type(exc).__name__}: {exc}"
