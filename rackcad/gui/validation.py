"""Background validation: the rule engine runs on a snapshot in a worker thread, so editing never waits for it.

After every edit the window calls `request(design)`. The snapshot is taken on the GUI thread; at most one
validation runs at a time, and requests made meanwhile collapse into one follow-up run on the newest design.
A result is applied only if no edit happened since its snapshot (generation counter), so the checks panel
never shows violations of a design that no longer exists.
"""

from __future__ import annotations

import time
import traceback

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from rackcad.catalog import Catalog
from rackcad.model import Design


def snapshot(design: Design) -> Design:
    """A copy of `design` the worker can read while the user keeps editing, in well under a millisecond.

    The Document never mutates a rack, node, link or design-level value in place: every Command swaps in a
    new object (Replace, SetDesign) or inserts/deletes list entries. Copying the lists (not the items) is
    therefore a consistent snapshot; a deep copy of GB200 NVL576 would stall the GUI for ~0.6 s per edit.
    """
    return design.model_copy(update={
        "racks": list(design.racks),
        "nodes": list(design.nodes),
        "links": list(design.links),
        "waivers": list(design.waivers),
        "metadata": dict(design.metadata),
    })


class _Relay(QObject):
    """Carries a worker's result back to the GUI thread (queued signal; QRunnable cannot emit)."""

    done = Signal(object, int, str)


class _Job(QRunnable):
    def __init__(self, design: Design, generation: int, catalog: Catalog | None, relay: _Relay):
        super().__init__()
        self.design = design
        self.generation = generation
        self.catalog = catalog
        self.relay = relay

    def run(self) -> None:
        report, error = None, ""
        try:
            from rackcad import validate

            report = validate(self.design, self.catalog)
        except ImportError as exc:
            error = f"checks unavailable: the rule engine could not be loaded ({exc})"
        except Exception as exc:  # a rule bug must not take the editor down; show it in the checks panel
            error = f"checks failed: {type(exc).__name__}: {exc}"
            traceback.print_exc()
        self.relay.done.emit(report, self.generation, error)


class Validator(QObject):
    """Runs `rackcad.validate` off the GUI thread and emits the newest report (or why there is none)."""

    started = Signal()
    finished = Signal(object)  # the Report
    failed = Signal(str)

    def __init__(self, catalog: Catalog | None = None, parent: QObject | None = None,
                 pool: QThreadPool | None = None):
        """`pool`: a single-thread pool shared with the other background work, so jobs run one after the
        other instead of splitting one interpreter lock (and the GUI thread's share of it) between them."""
        super().__init__(parent)
        self.catalog = catalog
        if pool is None:
            pool = QThreadPool(self)
            pool.setMaxThreadCount(1)
        self._pool = pool
        self._relay = _Relay(self)
        self._relay.done.connect(self._done)
        self._generation = 0
        self._running = False
        self._pending: Design | None = None
        self.last_seconds = 0.0
        self._started_at = 0.0

    @property
    def busy(self) -> bool:
        return self._running or self._pending is not None

    def request(self, design: Design) -> None:
        """Validate the current state of `design` (snapshot now, run in the background)."""
        self._generation += 1
        self._pending = snapshot(design)
        if not self._running:
            QTimer.singleShot(0, self._start_when_idle)

    def _start_when_idle(self) -> None:
        """Start from the event loop, after the edit's own GUI work (rebuild, repaint): a job started
        earlier would compete with that work for the interpreter lock and slow the window down."""
        if not self._running and self._pending is not None:
            self._start()

    def _start(self) -> None:
        design, self._pending = self._pending, None
        self._running = True
        self._started_at = time.perf_counter()
        self.started.emit()
        self._pool.start(_Job(design, self._generation, self.catalog, self._relay))

    @Slot(object, int, str)
    def _done(self, report, generation: int, error: str) -> None:
        self._running = False
        self.last_seconds = time.perf_counter() - self._started_at
        if self._pending is not None:
            self._start()
            return
        if generation != self._generation:
            return
        if error:
            self.failed.emit(error)
        else:
            self.finished.emit(report)

    def wait(self, timeout_s: float = 60.0) -> bool:
        """Process events until no validation is running or queued (start-up screenshot, tests)."""
        deadline = time.perf_counter() + timeout_s
        while self.busy and time.perf_counter() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            self._pool.waitForDone(20)
        QCoreApplication.processEvents()
        return not self.busy

    def shutdown(self) -> None:
        """Drop queued work and wait for a running job, so no thread outlives the window."""
        self._pending = None
        self._generation += 1
        self._pool.waitForDone()
