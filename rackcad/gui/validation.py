"""Background validation: the rule engine runs on a snapshot in a worker thread, so editing never waits for it.

After every edit the window calls `request(design)`; the snapshot is taken on the GUI thread and the run is
scheduled by BackgroundRunner (one at a time, follow-ups collapsed, stale results dropped).
"""

from __future__ import annotations

import time
import traceback

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from rackcad.catalog import Catalog
from rackcad.gui.background import BackgroundRunner
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


class Validator(BackgroundRunner):
    """Runs `rackcad.validate` off the GUI thread and emits the newest Report (or why there is none)."""

    def __init__(self, catalog: Catalog | None = None, parent: QObject | None = None,
                 pool: QThreadPool | None = None):
        super().__init__(catalog, parent, pool)
        self._relay = _Relay(self)
        self._relay.done.connect(self._done)
        self._pending: Design | None = None
        self._started_at = 0.0

    def _has_pending(self) -> bool:
        return self._pending is not None

    def _drop_pending(self) -> None:
        self._pending = None

    def request(self, design: Design) -> None:
        """Validate the current state of `design` (snapshot now, run in the background)."""
        self._generation += 1
        self._pending = snapshot(design)
        self._schedule()

    def _start(self) -> None:
        design, self._pending = self._pending, None
        self._running = True
        self._started_at = time.perf_counter()
        self.started.emit()
        self._pool.start(_Job(design, self._generation, self.catalog, self._relay))

    @Slot(object, int, str)
    def _done(self, report, generation: int, error: str) -> None:
        self.last_seconds = time.perf_counter() - self._started_at
        self._deliver(report, generation, error)
