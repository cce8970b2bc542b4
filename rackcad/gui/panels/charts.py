"""Budget charts (pyqtgraph): per-rack power against budget, heat to liquid and to air against the racks'
capacities, port use per switch chip, and the distribution of per-GPU scale-up bandwidth.

`refresh(index)` runs after every edit while the dock is shown: it reads the design's Figures
(`budget_figures`), then the existing plot items get new data; nothing is re-created. The plots are built at the first refresh, when the dock is first shown: pyqtgraph takes ~0.5 s
to import, which the editor's start-up should not pay for a closed dock.

The figures are the rules' own (rackcad.figures): rack power and heat with the optics plugged in, the rack's
budget and capacity fields, ports in use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QVBoxLayout, QWidget

from rackcad.figures import Figures
from rackcad.figures.pieces import Piece
from rackcad.gui.panels.flow import FlowGrid
from rackcad.layout.style import KIND_COLORS
from rackcad.units import fmt_gbps, fmt_power

if TYPE_CHECKING:
    import pyqtgraph as pg

SWITCH_KINDS = ("switch", "network-switch", "cpo-switch")
OK_COLOR = "#5b8def"
WARN_COLOR = "#fb8c00"
OVER_COLOR = "#e53935"
LIQUID_COLOR = "#2e86c1"
AIR_COLOR = "#9aa3b2"
MARKER_COLOR = "#1b1e24"
FULL_COLOR = "#2e7d32"
PARTIAL_COLOR = "#ffb300"
UNUSED_COLOR = "#d32f2f"
TEXT_COLOR = "#1b1e24"
AXIS_COLOR = "#5f6673"
TICK_GAP_PX = 10
MAX_TIP_ROWS = 24


@dataclass(frozen=True)
class RackBudget:
    id: str
    name: str
    power_w: float
    budget_w: float | None
    liquid_w: float
    air_w: float
    liquid_capacity_w: float | None
    air_capacity_w: float | None


@dataclass(frozen=True)
class SwitchUse:
    id: str
    name: str
    used: int
    ports: int

    @property
    def share(self) -> float:
        return self.used / self.ports if self.ports else 0.0


@dataclass(frozen=True)
class BudgetFigures:
    """What the charts show, Qt-free: racks in design order, switches most used first, GPUs' Gb/s."""

    racks: list[RackBudget]
    switches: list[SwitchUse]
    gpu_gbps: list[float]
    warning_ratio: float
    target_gbps: float | None


def budget_figures(index: Figures) -> BudgetFigures:
    """Rack power and heat (optics included), switch port use and per-accelerator scale-up Gb/s, read from
    the design's Figures. A hall's Figures (`rackcad.figures.partial.HallFigures`) answer for its unopened
    instances per class: their switches and accelerators are read once on the class's stand-in and named
    per member, so the charts of a hall never expand it."""
    design = index.design
    racks = []
    for r in design.racks:
        load = index.load(r.id)
        racks.append(RackBudget(r.id, r.name, load.power_w, r.power_budget_w, load.liquid_w, load.air_w,
                                r.liquid_capacity_w, r.air_capacity_w))
    switches = _switch_uses(index)
    gpus = [index.scale_up_gbps(n) for n in index.accelerators]
    for piece, members in getattr(index, "classes", list)():
        stand_in = piece.figures
        uses = _switch_uses(stand_in)
        for member in members:
            ids, text = Piece.ids(member), Piece.text(member)
            switches += [SwitchUse(ids(s.id), text(s.name), s.used, s.ports) for s in uses]
        gpus += [stand_in.scale_up_gbps(n) for n in stand_in.accelerators] * len(members)
    switches.sort(key=lambda s: -s.share)
    return BudgetFigures(racks, switches, gpus, design.rules.power_warning_ratio, design.rules.scale_up_target_gbps)


def _switch_uses(index: Figures) -> list[SwitchUse]:
    """Ports in use of every switch chip and network switch the figures hold, in design order."""
    out = []
    for node in index.design.nodes:
        part = index.part(node)
        if part is None or part.kind not in SWITCH_KINDS or not part.ports:
            continue
        out.append(SwitchUse(node.id, node.name, sum(index.used_ports(node.id, g.name) for g in part.ports),
                             sum(g.count for g in part.ports)))
    return out


def histogram(values: list[float], bins: int = 20) -> tuple[np.ndarray, np.ndarray, float]:
    """(bar centres, counts, bar width). Up to `bins` distinct values each get their own bar at the exact
    value (a uniform design shows one bar at 7,200 Gb/s, not a bin around it); more are binned."""
    if not values:
        return np.array([]), np.array([]), 1.0
    data = np.asarray(values, dtype=float)
    distinct, counts = np.unique(data, return_counts=True)
    if len(distinct) <= bins:
        width = 0.05 * max(float(distinct[-1]), 1.0)
        if len(distinct) > 1:
            width = min(width, 0.6 * float(np.diff(distinct).min()))
        return distinct, counts, width
    counts, edges = np.histogram(data, bins=bins)
    keep = counts > 0
    return ((edges[:-1] + edges[1:]) / 2)[keep], counts[keep], float(edges[1] - edges[0]) * 0.9


def _segments(xs: list[float], ys: list[float | None], half: float) -> tuple[np.ndarray, np.ndarray]:
    """Short horizontal markers (x - half .. x + half at y), as pairs for a connect="pairs" curve."""
    px, py = [], []
    for x, y in zip(xs, ys):
        if y is not None:
            px += [x - half, x + half]
            py += [y, y]
    return np.asarray(px, dtype=float), np.asarray(py, dtype=float)


@cache
def _pg():
    """pyqtgraph, imported on first use."""
    import pyqtgraph

    return pyqtgraph


def _table(rows: list[str], total: int | None = None) -> str:
    """The first MAX_TIP_ROWS of `rows` (of `total` rows, when only those were worded)."""
    total = len(rows) if total is None else total
    more = f"<br>… {total - MAX_TIP_ROWS:,} more" if total > MAX_TIP_ROWS else ""
    return "<br>".join(rows[:MAX_TIP_ROWS]) + more


def _runs(colours: list[str], heights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Adjacent bars of the same height and colour as one bar over them all: (centres, heights, widths,
    colours). The picture is the same (bars 0.8 wide on a pitch of 1; a run of n is n - 0.2 wide), drawn
    with one rectangle per run: 18,432 switch chips of a hall in a handful."""
    starts = [i for i in range(len(colours)) if i == 0 or colours[i] != colours[i - 1] or heights[i] != heights[i - 1]]
    ends = [*starts[1:], len(colours)]
    centres = np.asarray([(a + b - 1) / 2 for a, b in zip(starts, ends)], dtype=float)
    widths = np.asarray([b - a - 0.2 for a, b in zip(starts, ends)], dtype=float)
    return centres, heights[starts] if starts else heights, widths, [colours[i] for i in starts]


class BudgetCharts(QWidget):
    """Four live charts; `figures` is what they show."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.figures = BudgetFigures([], [], [], 0.9, None)
        self.built = False
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    # ------------------------------------------------------------- building
    def _build(self) -> None:
        pg = _pg()
        grid = FlowGrid(300)
        self._layout.addWidget(grid)
        self.power_plot = self._plot(grid, "Rack power vs budget", "Power (kW)")
        self.power_plot.getViewBox().sigResized.connect(lambda _: self._rack_axis(self.power_plot))
        self.power_bars = self._bars(self.power_plot)
        self.power_budget = self._markers(self.power_plot)
        self.heat_plot = self._plot(grid, f"Heat: <span style='color:{LIQUID_COLOR}'>■</span> to liquid "
                                          f"<span style='color:{AIR_COLOR}'>■</span> to air, ▬ capacity", "Heat (kW)")
        self.heat_plot.getViewBox().sigResized.connect(lambda _: self._rack_axis(self.heat_plot))
        self.liquid_bars = self._bars(self.heat_plot)
        self.air_bars = self._bars(self.heat_plot)
        self.liquid_capacity = self._markers(self.heat_plot)
        self.air_capacity = self._markers(self.heat_plot)
        self.ports_plot = self._plot(grid, "Switch port use", "Ports used (%)")
        self.ports_bars = self._bars(self.ports_plot, outline=False)
        full = pg.InfiniteLine(100, angle=0, pen=pg.mkPen(AXIS_COLOR, width=1, style=Qt.PenStyle.DashLine))
        self.ports_plot.addItem(full)
        self.gpu_plot = self._plot(grid, "Scale-up per GPU", "GPUs")
        self.gpu_plot.setLabel("bottom", "Gb/s per direction", color=TEXT_COLOR)
        self.gpu_bars = self._bars(self.gpu_plot)
        self.gpu_target = pg.InfiniteLine(0, angle=90, pen=pg.mkPen(OVER_COLOR, width=2, style=Qt.PenStyle.DashLine))
        self.gpu_target.hide()
        self.gpu_plot.addItem(self.gpu_target)
        self.built = True

    @staticmethod
    def _plot(grid: FlowGrid, title: str, left: str) -> pg.PlotItem:
        widget = _pg().PlotWidget(background="w")
        widget.setMinimumHeight(120)
        plot = widget.getPlotItem()
        plot.setTitle(title, color=TEXT_COLOR, size="10pt")
        plot.setLabel("left", left, color=TEXT_COLOR)
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(AXIS_COLOR)
            axis.setTextPen(TEXT_COLOR)
            axis.enableAutoSIPrefix(False)
        plot.setMouseEnabled(x=False, y=False)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.showGrid(y=True, alpha=0.15)
        grid.add(widget)
        return plot

    @staticmethod
    def _bars(plot: pg.PlotItem, outline: bool = True) -> pg.BarGraphItem:
        """An empty bar series; `outline` False for hundreds of thin bars, which outlines would blacken."""
        pg = _pg()
        pen = pg.mkPen(MARKER_COLOR, width=0.5) if outline else pg.mkPen(None)
        bars = pg.BarGraphItem(x=np.zeros(0), height=np.zeros(0), width=0.6, pen=pen)
        plot.addItem(bars)
        return bars

    @staticmethod
    def _markers(plot: pg.PlotItem) -> pg.PlotDataItem:
        pg = _pg()
        markers = pg.PlotDataItem(connect="pairs", pen=pg.mkPen(MARKER_COLOR, width=3))
        plot.addItem(markers)
        return markers

    # ------------------------------------------------------------- refresh
    def refresh(self, index: Figures) -> None:
        """Recompute the figures of the current design and redraw the four charts."""
        if not self.built:
            self._build()
        self.figures = budget_figures(index)
        self._power()
        self._heat()
        self._ports()
        self._gpus()

    def _rack_axis(self, plot: pg.PlotItem) -> None:
        """Rack names under the bars: every rack's when they fit the bar spacing, else every k-th (the
        tooltip lists them all). Called again when the plot is resized."""
        racks = self.figures.racks
        plot.setXRange(-0.6, max(len(racks), 1) - 0.4, padding=0)
        if not racks:
            plot.getAxis("bottom").setTicks([[], []])
            return
        metrics = QFontMetricsF(plot.getViewWidget().font())
        widest = max(metrics.horizontalAdvance(r.name) for r in racks) + TICK_GAP_PX
        spacing = max(plot.getViewBox().width(), 1.0) / (len(racks) + 0.2)
        step = max(1, math.ceil(widest / spacing))
        plot.getAxis("bottom").setTicks([[(i, r.name) for i, r in enumerate(racks) if i % step == 0], []])

    def _power(self) -> None:
        racks, ratio = self.figures.racks, self.figures.warning_ratio
        xs = list(range(len(racks)))
        kw = [r.power_w / 1000 for r in racks]
        brushes = [OVER_COLOR if r.budget_w and r.power_w > r.budget_w
                   else WARN_COLOR if r.budget_w and r.power_w > ratio * r.budget_w else OK_COLOR for r in racks]
        self.power_bars.setOpts(x=np.asarray(xs, dtype=float), height=np.asarray(kw, dtype=float), width=0.6,
                                brushes=brushes)
        self.power_budget.setData(*_segments(xs, [r.budget_w / 1000 if r.budget_w else None for r in racks], 0.42))
        top = max([*kw, *(r.budget_w / 1000 for r in racks if r.budget_w), 1.0])
        self.power_plot.setYRange(0, top * 1.1, padding=0)
        self._rack_axis(self.power_plot)
        self.power_plot.setTitle(f"Rack power vs budget ({fmt_power(sum(r.power_w for r in racks))} in all)",
                                 color=TEXT_COLOR, size="10pt")
        rows = [f"{escape(r.name)}: {fmt_power(r.power_w)}"
                + (f" of {fmt_power(r.budget_w)} ({r.power_w / r.budget_w:.0%})" if r.budget_w else ", no budget")
                for r in racks]
        self.power_plot.getViewWidget().setToolTip(_table(rows))

    def _heat(self) -> None:
        racks = self.figures.racks
        xs = np.arange(len(racks), dtype=float)
        liquid = np.asarray([r.liquid_w / 1000 for r in racks], dtype=float)
        air = np.asarray([r.air_w / 1000 for r in racks], dtype=float)
        over = [(r.liquid_capacity_w is not None and r.liquid_w > r.liquid_capacity_w,
                 r.air_capacity_w is not None and r.air_w > r.air_capacity_w) for r in racks]
        self.liquid_bars.setOpts(x=xs - 0.2, height=liquid, width=0.38,
                                 brushes=[OVER_COLOR if o[0] else LIQUID_COLOR for o in over])
        self.air_bars.setOpts(x=xs + 0.2, height=air, width=0.38,
                              brushes=[OVER_COLOR if o[1] else AIR_COLOR for o in over])
        kw = [None if c is None else c / 1000 for c in (r.liquid_capacity_w for r in racks)]
        self.liquid_capacity.setData(*_segments(list(xs - 0.2), kw, 0.24))
        kw_air = [None if c is None else c / 1000 for c in (r.air_capacity_w for r in racks)]
        self.air_capacity.setData(*_segments(list(xs + 0.2), kw_air, 0.24))
        top = max([*liquid, *air, *(c for c in kw + kw_air if c is not None), 1.0])
        self.heat_plot.setYRange(0, top * 1.1, padding=0)
        self._rack_axis(self.heat_plot)

        def cap(value: float | None) -> str:
            return "no capacity set" if value is None else f"capacity {fmt_power(value)}"

        rows = [f"{escape(r.name)}: {fmt_power(r.liquid_w)} to liquid ({cap(r.liquid_capacity_w)}), "
                f"{fmt_power(r.air_w)} to air ({cap(r.air_capacity_w)})" for r in racks]
        self.heat_plot.getViewWidget().setToolTip(_table(rows))

    def _ports(self) -> None:
        switches = self.figures.switches
        shares = np.asarray([s.share * 100 for s in switches], dtype=float)
        brushes = [OVER_COLOR if s.used > s.ports else FULL_COLOR if s.used == s.ports
                   else PARTIAL_COLOR if s.used else UNUSED_COLOR for s in switches]
        centres, heights, widths, colours = _runs(brushes, shares)
        self.ports_bars.setOpts(x=centres, height=heights, width=widths, brushes=colours)
        self.ports_plot.setYRange(0, max([*shares, 100.0]) * 1.08, padding=0)
        self.ports_plot.setXRange(-0.6, max(len(switches), 1) - 0.4, padding=0)
        self.ports_plot.setLabel("bottom", f"{len(switches):,} switch chips, most used first", color=TEXT_COLOR)
        full = sum(1 for s in switches if s.used >= s.ports)
        self.ports_plot.setTitle(f"Switch port use ({full:,} of {len(switches):,} full)", color=TEXT_COLOR,
                                 size="10pt")
        rows = [f"{escape(s.name)}: {s.used:,}/{s.ports:,} ports ({s.share:.0%})" for s in switches[:MAX_TIP_ROWS]]
        self.ports_plot.getViewWidget().setToolTip(_table(rows, len(switches)))

    def _gpus(self) -> None:
        values, target = self.figures.gpu_gbps, self.figures.target_gbps
        centres, counts, step = histogram(values)
        self.gpu_bars.setOpts(x=centres, height=counts.astype(float), width=step, brush=KIND_COLORS["gpu"])
        high = max([*values, target or 0.0, 1.0])
        self.gpu_plot.setXRange(0, high * 1.08 + step / 2, padding=0)
        self.gpu_plot.setYRange(0, max([*counts, 1]) * 1.1, padding=0)
        if target:
            self.gpu_target.setValue(target)
        self.gpu_target.setVisible(bool(target))
        if not values:
            title = "Scale-up per GPU (no GPUs)"
        elif min(values) == max(values):
            title = f"Scale-up per GPU: all {len(values):,} at {fmt_gbps(values[0])}"
        else:
            title = f"Scale-up per GPU: {fmt_gbps(min(values))} to {fmt_gbps(max(values))}"
        self.gpu_plot.setTitle(title, color=TEXT_COLOR, size="10pt")
        rows = [f"{fmt_gbps(c)}: {n:,} GPUs" for c, n in zip(centres, counts)]
        if target:
            rows.append(f"target {fmt_gbps(target)} (dashed red)")
        self.gpu_plot.getViewWidget().setToolTip(_table(rows))
