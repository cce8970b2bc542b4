"""Background fabric analysis for the Analysis dock: NVLink domains, expert parallelism, the serving
model's best point at an interactivity target and the optics comparison, computed on a snapshot in a worker
thread.

On GB200 NVL576 it all takes ~0.6-1 s (the domain fabrics are two max-flow cuts over 432 switch chips, and
the serving search reuses them), far over what an edit may cost on the GUI thread,
so nothing here runs there. As with validation, requests made while a job runs collapse into one follow-up
on the newest state, and a result is shown only if nothing changed since (generation counter). The
design-dependent part (domains, optics and the CPO twin, the costly half: ~2 s at 2 GB200 SUs) is cached per
design revision (`revision`), for the last few revisions: a change of parameters, or an undo back to a
revision already analysed, reuses it instead of computing it again. The main window asks for analysis only
while the dock is shown.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from rackcad.analysis import (
    DesignOptics,
    DomainFabric,
    ExpertParallel,
    design_optics,
    domain_fabrics,
    expert_parallel,
)
from rackcad.analysis.serving import ServingResult, serving
from rackcad.analysis.cpo import compare
from rackcad.catalog import Catalog
from rackcad.figures import Figures
from rackcad.gui.background import BackgroundRunner, guarded
from rackcad.gui.validation import snapshot
from rackcad.model import Design


@dataclass(frozen=True)
class AnalysisParams:
    """What the user can set: the expert-parallel group, its scale-out (None: the design's NICs), the served
    model (an id of `rackcad.catalog.models`), its precision and the interactivity target (tokens/s per user)."""

    gpus: int
    scale_out_gbps: float | None
    model: str
    precision: str
    target: float


@dataclass(frozen=True)
class DesignAnalysis:
    """The figures that depend on the design alone."""

    fabrics: list[DomainFabric]
    optics: DesignOptics | None
    optics_error: str
    twin: dict | None = None
    """`rackcad.analysis.cpo.compare`: the design's link optics against its other-optics twin (None without
    network switches)."""


@dataclass(frozen=True)
class AnalysisResult:
    design: DesignAnalysis
    params: AnalysisParams
    experts: ExpertParallel | None
    experts_error: str
    serving: ServingResult | None
    serving_error: str
    seconds: float


def analyse(design: Design, params: AnalysisParams, catalog: Catalog | None = None,
            base: DesignAnalysis | None = None) -> AnalysisResult:
    """Everything the Analysis dock shows (Qt-free; `base` is the design part of an earlier result)."""
    start = time.perf_counter()
    index = Figures(design, catalog)
    if base is None:
        fabrics = domain_fabrics(design, index=index)
        try:
            optics, optics_error = design_optics(design, index=index), ""
        except ValueError as exc:
            optics, optics_error = None, str(exc)
        twin = None
        if any(index.kind(n) in ("network-switch", "cpo-switch") for n in design.nodes):
            twin = compare(design, index)  # the figures just built, not a second build
        base = DesignAnalysis(fabrics, optics, optics_error, twin)
    experts, experts_error = None, ""
    if not base.fabrics:
        experts_error = "the design has no accelerators"
    else:
        try:
            experts = expert_parallel(design, params.gpus, params.scale_out_gbps, index=index, domain=base.fabrics[0])
        except ValueError as exc:
            experts_error = str(exc)
    served, serving_error = None, ""
    try:
        served = serving(design, params.model, params.precision, index=index, fabrics=base.fabrics)
    except (KeyError, ValueError) as exc:
        serving_error = str(exc)
    return AnalysisResult(base, params, experts, experts_error, served, serving_error,
                          time.perf_counter() - start)


def revision(design: Design) -> tuple:
    """What identifies a design revision for the analysis: the identity of every rack, node and link, block,
    instance and wiring pattern and of the floor plan and rule settings. The Document never changes an item in place (an edit swaps in a new
    object), so two snapshots with the same key hold the same design; the cache keeps its snapshots, so the
    identities stay unique while a key is cached."""
    return (id(design.floor), id(design.rules), tuple(map(id, design.racks)), tuple(map(id, design.nodes)),
            tuple(map(id, design.links)), tuple(map(id, design.blocks)), tuple(map(id, design.instances)),
            tuple(map(id, design.patterns)))


CACHED_REVISIONS = 4


class _Relay(QObject):
    done = Signal(object, int, int, str)  # result, generation, design serial, error


class _Job(QRunnable):
    def __init__(self, design: Design, params: AnalysisParams, base: DesignAnalysis | None, catalog: Catalog | None,
                 generation: int, serial: int, relay: _Relay):
        super().__init__()
        self.design, self.params, self.base, self.catalog = design, params, base, catalog
        self.generation, self.serial, self.relay = generation, serial, relay

    def run(self) -> None:
        result, error = guarded("analysis", lambda: analyse(self.design, self.params, self.catalog, self.base))
        self.relay.done.emit(result, self.generation, self.serial, error)


class Analyzer(BackgroundRunner):
    """Runs `analyse` off the GUI thread and emits the newest AnalysisResult (or why there is none)."""

    def __init__(self, catalog: Catalog | None = None, parent: QObject | None = None,
                 pool: QThreadPool | None = None):
        super().__init__(catalog, parent, pool)
        self._relay = _Relay(self)
        self._relay.done.connect(self._done)
        self._design: Design | None = None
        self._serial = 0
        self._params: AnalysisParams | None = None
        self._revision: tuple | None = None
        self._revisions: dict[int, tuple[tuple, Design]] = {}  # serial -> (revision key, snapshot) of jobs out
        self._cache: OrderedDict[tuple, tuple[Design, DesignAnalysis]] = OrderedDict()
        self.reused = 0
        """Runs that took the design's figures (domains, optics, twin) from the revision cache."""

    def request(self, design: Design | None = None, params: AnalysisParams | None = None) -> None:
        """Analyse again after the design (snapshot now) or the parameters changed; runs once both are known."""
        if design is not None:
            self._design = snapshot(design)
            self._serial += 1
            self._revision = revision(self._design)
        if params is not None:
            self._params = params
        if self._design is not None and self._params is not None:
            self._queue()

    def _start(self) -> None:
        self._pending = False
        self._running = True
        cached = self._cache.get(self._revision)
        base = None
        if cached is not None:
            self._cache.move_to_end(self._revision)
            base = cached[1]
            self.reused += 1
        else:
            self._revisions[self._serial] = (self._revision, self._design)
        self.started.emit()
        self._pool.start(_Job(self._design, self._params, base, self.catalog, self._generation, self._serial,
                              self._relay))

    @Slot(object, int, int, str)
    def _done(self, result, generation: int, serial: int, error: str) -> None:
        job = self._revisions.pop(serial, None)
        if result is not None:
            self.last_seconds = result.seconds
            if job is not None and job[0] not in self._cache:
                self._cache[job[0]] = (job[1], result.design)
                while len(self._cache) > CACHED_REVISIONS:
                    self._cache.popitem(last=False)
        self._deliver(result, generation, error)
