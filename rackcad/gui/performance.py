"""Background serving runs for the Performance dock: the open design and its comparison designs.

`rackcad.analysis.serving` takes ~10-100 ms per design (plus the NVLink domain analysis, up to ~0.3 s on
GB200 NVL576), so it runs on the shared single-thread pool like validation and the fabric analysis, on a
snapshot of the design. Comparison designs (templates or files) do not change with edits: their results
are kept per parameter set, so an edit re-runs only the open design.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from rackcad.analysis.interconnects import what_if_platform
from rackcad.analysis.serving import ServingResult, serving
from rackcad.catalog import Catalog
from rackcad.catalog.models import default_models
from rackcad.gui.background import BackgroundRunner, guarded
from rackcad.gui.validation import snapshot
from rackcad.model import Design
from rackcad.figures import Figures


@dataclass(frozen=True)
class PerfParams:
    model: str
    precision: str
    isl: int
    osl: int
    fabric: str = ""
    """What-if scale-up fabric for the open design ('' for none): its frontier is added beside the design's."""


@dataclass(frozen=True)
class Comparison:
    """A design to plot beside the open one: a template name or a file path."""

    label: str
    template: str = ""
    path: str = ""

    def build(self, catalog: Catalog | None) -> Design:
        if self.template:
            from rackcad.templates import build

            return build(self.template, catalog=catalog)
        from rackcad.files import load

        return load(self.path)


@dataclass
class PerfResult:
    params: PerfParams
    design: ServingResult
    what_if: ServingResult | None
    comparisons: list[tuple[Comparison, ServingResult | None, str]]
    """(comparison, result, error) in the order they were chosen."""
    seconds: float


def run_serving(design: Design, params: PerfParams, comparisons: list[Comparison], catalog: Catalog | None,
                cache: dict) -> PerfResult:
    """Everything the dock plots (Qt-free). `cache` keeps comparison results by (comparison, params)."""
    start = time.perf_counter()
    model = default_models().get(params.model)
    index = Figures(design, catalog)
    own = serving(design, model, params.precision, params.isl, params.osl, index=index)
    what_if = None
    if params.fabric:
        platform = what_if_platform(design, params.fabric, index=index)
        what_if = serving(design, model, params.precision, params.isl, params.osl, index=index, platform=platform)
    rows = []
    for comp in comparisons:
        key = (comp, params)
        if key not in cache:
            try:
                other = comp.build(catalog)
                cache[key] = (serving(other, model, params.precision, params.isl, params.osl, catalog=catalog), "")
            except Exception as exc:  # a comparison that cannot be built is shown as such, never fatal
                cache[key] = (None, f"{comp.label}: {exc}")
        rows.append((comp, *cache[key]))
    return PerfResult(params, own, what_if, rows, time.perf_counter() - start)


class _Relay(QObject):
    done = Signal(object, int, str)


class _Job(QRunnable):
    def __init__(self, design, params, comparisons, catalog, cache, generation, relay):
        super().__init__()
        self.args = (design, params, comparisons, catalog, cache)
        self.generation, self.relay = generation, relay

    def run(self) -> None:
        result, error = guarded("performance model", lambda: run_serving(*self.args))
        self.relay.done.emit(result, self.generation, error)


class PerformanceRunner(BackgroundRunner):
    """Runs `run_serving` off the GUI thread and emits the newest PerfResult."""

    def __init__(self, catalog: Catalog | None = None, parent: QObject | None = None,
                 pool: QThreadPool | None = None):
        super().__init__(catalog, parent, pool)
        self._relay = _Relay(self)
        self._relay.done.connect(self._done)
        self._design: Design | None = None
        self._params: PerfParams | None = None
        self._comparisons: list[Comparison] = []
        self._cache: dict = {}

    def request(self, design: Design | None = None, params: PerfParams | None = None,
                comparisons: list[Comparison] | None = None) -> None:
        if design is not None:
            self._design = snapshot(design)
        if params is not None:
            self._params = params
        if comparisons is not None:
            self._comparisons = list(comparisons)
        if self._design is not None and self._params is not None:
            self._queue()

    def _start(self) -> None:
        self._pending = False
        self._running = True
        self.started.emit()
        self._pool.start(_Job(self._design, self._params, list(self._comparisons), self.catalog, self._cache,
                              self._generation, self._relay))

    @Slot(object, int, str)
    def _done(self, result, generation: int, error: str) -> None:
        if result is not None:
            self.last_seconds = result.seconds
        self._deliver(result, generation, error)
