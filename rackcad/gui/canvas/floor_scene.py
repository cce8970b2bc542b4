"""The floor-plan scene: the hall with a metre grid, every rack's real footprint and the cable runs between
racks, from `rackcad.layout.floor` (hall millimetres, y down), in the SVG's colours.

A rack whose footprint overlaps another's or reaches outside the hall gets a red outline (the test of
rackcad.figures.footprint; the rules report the same as geometry.floor_overlap / geometry.off_floor in the
Checks dock). `preview` runs the same test for racks being dragged, before anything is edited. Each run shows its
length range (from `figures.lengths`, the lengths the reach checks and the cable schedule use) as a
screen-size label and its figures in a tooltip.
"""

from __future__ import annotations

import math
from html import escape

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QStyleOptionGraphicsItem,
    QWidget,
)

from rackcad.figures import footprint
from rackcad.gui.canvas.hall_items import AisleItem, AreaItem, RouteItem, RowItem, TrayItem
from rackcad.gui.canvas.items import MIN_TEXT_PX, style
from rackcad.gui.canvas.tags import Tag
from rackcad.gui.canvas.topology_items import protocol_color
from rackcad.layout.floor import EVERY_HALL, CableRun, FloorLayout, RackFootprint, floor_layout
from rackcad.layout.geometry import distance_to_polyline, point_at
from rackcad.layout.style import protocol_label
from rackcad.model import FloorPlan
from rackcad.topology import DesignIndex
from rackcad.units import fmt_gbps

RACK_FILL = "#4a5160"
FRONT_COLOR = "#e08a1e"
PROBLEM_COLOR = "#d0021b"
HALL_FILL = "#fbfbfc"
METRE_MM = 1000.0
NAME_MM = 150.0
"""Largest rack-name height, millimetres of floor (as the SVG's detail view, 120 mm at 1:20)."""
BOUNDS_PAD = 200.0
"""Millimetres around a run in its bounds: room for its cosmetic pen at the usual zooms."""
COLOR_MODES = ("part", "power", "checks")
"""What a rack's fill shows: nothing (one colour), its power as a share of its budget, its worst check."""
POWER_BANDS = (
    # (upper share of budget, key label, fill); the last two bands are "over" and "no budget"
    (0.5, "under 50 %", "#2e7d9a"),
    (0.8, "50–80 %", "#43a047"),
    (0.9, "80–90 %", "#c0ca33"),
    (1.0, "90–100 %", "#fb8c00"),
)
OVER_FILL = "#d0021b"
NO_BUDGET_FILL = "#9aa1ad"
CHECK_FILLS = {"error": "#d0021b", "warning": "#fb8c00", "info": "#5c8fd6", "": "#43a047"}
CHECK_LABELS = {"error": "errors", "warning": "warnings", "info": "info only", "": "no findings"}
KEY_TITLES = {"power": "Power of budget:", "checks": "Checks:"}
"""What the legend says before the colours of a mode."""


def power_band(share: float | None) -> tuple[str, str]:
    """(key label, fill) of a rack drawing `share` of its power budget (None: it has no budget)."""
    if share is None:
        return "no budget", NO_BUDGET_FILL
    for upper, label, fill in POWER_BANDS:
        if share <= upper:
            return label, fill
    return "over budget", OVER_FILL


def _cosmetic(color: str, width: float, style_: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(QColor(color), width, style_)
    pen.setCosmetic(True)
    return pen


class FloorStyle:
    """Pens and brushes of the floor plan, created once per scene."""

    def __init__(self) -> None:
        self.hall_pen = _cosmetic("#2b2f38", 2)
        self.hall_brush = QBrush(QColor(HALL_FILL))
        self.metre_pen = _cosmetic("#d5d9e0", 1)
        self.snap_pen = _cosmetic("#e9ebef", 1, Qt.PenStyle.DotLine)
        self.rack_pen = _cosmetic("#1b1e24", 1)
        self.rack_brush = QBrush(QColor(RACK_FILL))
        self.front_pen = _cosmetic(FRONT_COLOR, 4)
        self.front_pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        self.problem_pen = _cosmetic(PROBLEM_COLOR, 3)
        self.name_color = QColor("#1b1e24")
        self._runs: dict[tuple[str, float], QPen] = {}

    def run_pen(self, protocol: str, width: float) -> QPen:
        key = (protocol, round(width, 1))
        pen = self._runs.get(key)
        if pen is None:
            pen = self._runs[key] = _cosmetic(protocol_color(protocol), key[1])
            qcolor = pen.color()
            qcolor.setAlpha(190)
            pen.setColor(qcolor)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        return pen


class HallItem(QGraphicsRectItem):
    """The hall: its outline, a line every metre (every 5 m when metres would be under 8 px apart) and,
    when zoomed in enough, the snap grid racks are dragged on."""

    def __init__(self, width: float, depth: float, grid: float, look: FloorStyle):
        super().__init__(0, 0, width, depth)
        self.grid = grid
        self.look = look
        self.setZValue(-1)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        rect = self.rect()
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.look.hall_brush)
        painter.drawRect(rect)
        if self.grid > 0 and self.grid * lod >= 12 and abs(self.grid - METRE_MM) > 1e-6:
            painter.setPen(self.look.snap_pen)
            painter.drawLines(_grid_lines(rect, self.grid))
        step = METRE_MM if METRE_MM * lod >= 8 else 5 * METRE_MM
        painter.setPen(self.look.metre_pen)
        painter.drawLines(_grid_lines(rect, step))
        painter.setPen(self.look.hall_pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect)


def _grid_lines(rect: QRectF, step: float) -> list[QLineF]:
    xs = [i * step for i in range(1, int(rect.width() // step) + 1) if i * step < rect.width() - 1e-6]
    ys = [i * step for i in range(1, int(rect.height() // step) + 1) if i * step < rect.height() - 1e-6]
    return ([QLineF(x, 0, x, rect.height()) for x in xs] + [QLineF(0, y, rect.width(), y) for y in ys])


class RackItem(QGraphicsRectItem):
    """One rack's footprint in its own frame (front-left corner at the origin, front edge along +x), placed
    at the rack's position and turned by its rotation, so a drag only moves the item. Its name stands in
    the aisle just in front of the front edge (as in the SVG's detail view), where no cable run covers it."""

    def __init__(self, rack: RackFootprint, look: FloorStyle):
        super().__init__(0, 0, rack.w, rack.d)
        self.rack = rack
        self.look = look
        self.problem = False
        self.brush = look.rack_brush
        self.setPos(rack.x, rack.y)
        self.setRotation(rack.rotation_deg)
        self.setZValue(1)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        advance = max(style().advance(rack.name, bold=True), 0.5)
        self._name_size = min(NAME_MM, (rack.w - 40) / advance)
        self._name_rect = QRectF(0, -self._name_size * 1.5, rack.w, self._name_size * 1.4)
        self._bounds = QRectF(0, 0, rack.w, rack.d).united(self._name_rect)

    @property
    def model_id(self) -> str:
        return self.rack.id

    def boundingRect(self) -> QRectF:
        """The footprint and the name in front of it (the shape, what a click hits, is the footprint)."""
        return self._bounds

    def set_problem(self, problem: bool) -> None:
        if problem != self.problem:
            self.problem = problem
            self.update()

    def set_brush(self, brush: QBrush) -> None:
        if brush is not self.brush:
            self.brush = brush
            self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        rect = self.rect()
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setPen(self.look.rack_pen if rect.width() * lod >= 3 else Qt.PenStyle.NoPen)
        painter.setBrush(self.brush)
        painter.drawRect(rect)
        painter.setPen(self.look.front_pen)
        painter.drawLine(rect.topLeft(), rect.topRight())
        if self._name_size * lod >= MIN_TEXT_PX:
            painter.setFont(style().font(int(self._name_size), bold=True))
            painter.setPen(self.look.name_color)
            if 90 < self.rack.rotation_deg % 360 <= 270:  # keep the name upright for a turned rack
                painter.save()
                centre = self._name_rect.center()
                painter.translate(centre)
                painter.rotate(180)
                painter.translate(-centre)
                painter.drawText(self._name_rect, Qt.AlignmentFlag.AlignCenter, self.rack.name)
                painter.restore()
            else:
                painter.drawText(self._name_rect, Qt.AlignmentFlag.AlignCenter, self.rack.name)
        if self.isSelected():
            s = style()
            painter.setPen(s.selection_pen)
            painter.setBrush(s.selection_brush)
            painter.drawRect(rect)
        if self.problem:
            painter.setPen(self.look.problem_pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect)


class RunItem(QGraphicsPathItem):
    """One cable run between two racks: colour by protocol, width by link count (screen pixels)."""

    def __init__(self, run: CableRun, protocol: str, most: int, look: FloorStyle):
        path = QPainterPath(QPointF(*run.points[0]))
        for x, y in run.points[1:]:
            path.lineTo(x, y)
        super().__init__(path)
        self.run = run
        self.protocol = protocol
        self.setPen(look.run_pen(protocol, 2 + 5 * math.sqrt(run.count / max(most, 1))))
        self.setZValue(2)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self._bounds = path.controlPointRect().adjusted(-BOUNDS_PAD, -BOUNDS_PAD, BOUNDS_PAD, BOUNDS_PAD)

    def boundingRect(self) -> QRectF:
        """The run's extent with room for the pen (Qt would derive it from the empty shape)."""
        return self._bounds

    def shape(self) -> QPainterPath:
        """Nothing: runs are picked by `FloorScene.run_at`, so they never catch a click meant for a rack."""
        return QPainterPath()

    def distance(self, x: float, y: float) -> float:
        return distance_to_polyline(self.run.points, x, y)


def length_text(run: CableRun) -> str:
    """'6.3-7.9 m', '6.3 m', or '' when no length is known."""
    if run.min_length_m is None:
        return ""
    if run.max_length_m is None or abs(run.max_length_m - run.min_length_m) < 0.05:
        return f"{run.min_length_m:.1f} m"
    return f"{run.min_length_m:.1f}–{run.max_length_m:.1f} m"


class FloorScene(QGraphicsScene):
    """The hall, racks and runs of one design; selection by rack ids."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layout = FloorLayout()
        self.index: DesignIndex | None = None
        self.look = FloorStyle()
        self.tags: list[Tag] = []
        self.protocols: list[str] = []
        self.problems: dict[str, list[str]] = {}
        self._racks: dict[str, RackItem] = {}
        self._runs: list[RunItem] = []
        self._rows: list[RowItem] = []
        self._trays: list[TrayItem] = []
        self._route: RouteItem | None = None
        self._routed = None
        self.route_ids: list[str] = []
        """The links whose routes are drawn (the selected links that run through trays)."""
        self.color_by = "part"
        """One of COLOR_MODES."""
        self.status: dict[str, str] = {}
        """Rack id -> the worst severity of the unwaived findings about it or its parts ("" for none)."""
        self.key: list[tuple[str, str]] = []
        """(label, fill) of the colours the racks show, for the legend."""
        self._brushes: dict[str, QBrush] = {}
        self.hall: str | None = EVERY_HALL
        """The hall shown (a site hall's id, None for the design's own floor plan, or every rack)."""

    # -------------------------------------------------------------- build
    def rebuild(self, index: DesignIndex) -> None:
        """Lay the floor out again and replace every item (a hall holds tens of racks and runs)."""
        self.index = index
        self.layout = layout = floor_layout(index.design, index=index, hall=self.hall)
        self.blockSignals(True)
        self.clear()
        self.blockSignals(False)
        self.addItem(HallItem(layout.width_mm, layout.depth_mm, layout.grid_mm, self.look))
        self._add_hall(layout)
        self._racks = {}
        for rack in layout.racks:
            item = RackItem(rack, self.look)
            self.addItem(item)
            self._racks[rack.id] = item
        protocols = self._run_protocols(index)
        most = max((run.count for run in layout.runs), default=1)
        self._runs = []
        for run in layout.runs:
            item = RunItem(run, protocols.get(frozenset((run.a, run.b)), "mixed"), most, self.look)
            self.addItem(item)
            self._runs.append(item)
        self.protocols = sorted({item.protocol for item in self._runs})
        self.problems = self._layout_problems()
        for rack_id, item in self._racks.items():
            item.set_problem(rack_id in self.problems)
        self.recolor()
        self.focus([])
        self.setSceneRect(self.content_rect().adjusted(-2000, -2000, 2000, 2000))

    def _add_hall(self, layout: FloorLayout) -> None:
        """Aisles, rows, columns and keep-outs under the racks, trays over them (see hall_items)."""
        self._route = self._routed = None
        self.route_ids = []
        for aisle in layout.aisles:
            self.addItem(AisleItem(aisle.polygon, aisle.kind))
        self._rows = []
        for row in layout.rows:
            item = RowItem(row)
            self.addItem(item)
            self._rows.append(item)
        for area in layout.areas:
            self.addItem(AreaItem(area))
        self._trays = []
        for tray in layout.trays:
            item = TrayItem(tray)
            self.addItem(item)
            self._trays.append(item)

    def _hall_tags(self) -> list[Tag]:
        """Aisle kinds and widths in the middle of each aisle, row names at their left end, tray names at
        their first point; behind the run lengths when labels crowd."""
        tags = []
        for i, aisle in enumerate(self.layout.aisles):
            xs, ys = zip(*aisle.polygon)
            tags.append(Tag(sum(xs) / 4, sum(ys) / 4, (f"{aisle.kind} aisle {aisle.width_mm / 1000:.2f} m",),
                            priority=500 + i))
        for i, row in enumerate(self.layout.rows):
            (x0, y0), _, _, (x1, y1) = row.polygon
            tags.append(Tag((x0 + x1) / 2, (y0 + y1) / 2, (row.name,), priority=600 + i))
        for i, tray in enumerate(self.layout.trays):
            name = f"{tray.name} · {tray.tiers} tiers" if tray.tiers > 1 else tray.name
            tags.append(Tag(*point_at(tray.points, 0.1), (name,), compact=(tray.name,), priority=700 + i))
        return tags

    # ------------------------------------------------------------ colours
    def set_color_by(self, mode: str) -> None:
        if mode not in COLOR_MODES:
            raise ValueError(f"unknown colour mode {mode!r}")
        self.color_by = mode
        self.recolor()

    def set_markers(self, violations: list) -> None:
        """Each rack's worst unwaived finding (about the rack, a part in it, or a link with an end in it)."""
        rank = {"error": 3, "warning": 2, "info": 1, "": 0}
        status: dict[str, str] = {}
        index = self.index
        if index is not None:
            racks, rack_of, links = index.racks, index.rack_of, index.links
            for violation in violations:
                if getattr(violation, "waived", False):
                    continue
                severity = violation.severity
                for subject in violation.subjects:
                    link = links.get(subject)
                    for target in (link.a.node, link.b.node) if link else (subject,):
                        rack = target if target in racks else rack_of.get(target)
                        if rack is not None and rank.get(severity, 0) > rank[status.get(rack, "")]:
                            status[rack] = severity
        self.status = status
        if self.color_by == "checks":
            self.recolor()

    def _brush(self, fill: str) -> QBrush:
        brush = self._brushes.get(fill)
        if brush is None:
            brush = self._brushes[fill] = QBrush(QColor(fill))
        return brush

    def rack_fill(self, rack_id: str) -> tuple[str, str]:
        """(key label, fill) of a rack in the current colour mode."""
        if self.color_by == "power" and self.index is not None:
            rack = self.index.racks[rack_id]
            budget = rack.power_budget_w
            return power_band(self.index.load(rack_id).power_w / budget if budget else None)
        if self.color_by == "checks":
            severity = self.status.get(rack_id, "")
            return CHECK_LABELS[severity], CHECK_FILLS[severity]
        return "Rack", RACK_FILL

    def recolor(self) -> None:
        """Fill every rack for the current mode; `key` lists the colours shown, in the key's order."""
        used: dict[str, str] = {}
        for rack_id, item in self._racks.items():
            label, fill = self.rack_fill(rack_id)
            used[label] = fill
            item.set_brush(self._brush(fill))
        if self.color_by == "power":
            order = [label for _, label, _ in POWER_BANDS] + ["over budget", "no budget"]
        elif self.color_by == "checks":
            order = [CHECK_LABELS[s] for s in ("error", "warning", "info", "")]
        else:
            order = ["Rack"]
        self.key = [(label, used[label]) for label in order if label in used]

    @staticmethod
    def _run_protocols(index: DesignIndex) -> dict[frozenset, str]:
        """Rack pair -> the protocol of the links between them ("mixed" when they differ)."""
        seen: dict[frozenset, set[str]] = {}
        rack_of = index.rack_of
        for link in index.design.links:
            a, b = rack_of.get(link.a.node), rack_of.get(link.b.node)
            if a and b and a != b:
                seen.setdefault(frozenset((a, b)), set()).add(link.protocol)
        return {pair: protocols.pop() if len(protocols) == 1 else "mixed" for pair, protocols in seen.items()}

    def _layout_problems(self) -> dict[str, list[str]]:
        """Rack id -> what is wrong with where it stands, from the layout's overlap and outside lists."""
        names = {r.id: r.name for r in self.layout.racks}
        out: dict[str, list[str]] = {}
        for a, b in self.layout.overlaps:
            out.setdefault(a, []).append(f"overlaps {names[b]}")
            out.setdefault(b, []).append(f"overlaps {names[a]}")
        for rack_id in self.layout.outside:
            out.setdefault(rack_id, []).append("stands outside the hall")
        return out

    def _run_tags(self, focus: set[str] = frozenset()) -> list[Tag]:
        """Each run's length range at the middle of its lane; runs of the `focus` racks are placed first (so
        selecting a rack shows its runs' lengths even where the labels crowd)."""
        tags = []
        for i, item in enumerate(self._runs):
            text = length_text(item.run)
            if text:
                first = item.run.a in focus or item.run.b in focus
                tags.append(Tag(*point_at(item.run.points, 0.5), (text,), priority=(1 if first else 100) + i))
        return tags

    def focus(self, rack_ids: list[str]) -> None:
        """Put the length labels of the runs of `rack_ids` first (see `_run_tags`)."""
        self.tags = self._run_tags(set(rack_ids)) + self._route_tags() + self._hall_tags()

    def racks_rect(self) -> QRectF:
        """The area the racks stand on (empty without racks)."""
        rect = QRectF()
        for item in self._racks.values():
            rect = rect.united(item.sceneBoundingRect())
        return rect

    def content_rect(self) -> QRectF:
        """The hall and every rack (a rack may stand outside it)."""
        return QRectF(0, 0, max(self.layout.width_mm, 1000.0), max(self.layout.depth_mm, 1000.0)).united(
            self.racks_rect())

    # ------------------------------------------------------------ lookups
    def rack_item(self, rack_id: str) -> RackItem | None:
        return self._racks.get(rack_id)

    @property
    def run_items(self) -> list[RunItem]:
        return list(self._runs)

    def run_at(self, x: float, y: float, tolerance: float) -> RunItem | None:
        return _nearest(self._runs, x, y, tolerance)

    # ------------------------------------------------------------ preview
    def preview(self, moved: dict[str, tuple[float, float]]) -> dict[str, list[str]]:
        """Flag racks as if the racks in `moved` stood at the given front-left corners (nothing is edited):
        the test and tolerance of rackcad.figures.footprint on the moved outlines. Returns rack id -> problems
        and outlines those racks."""
        outlines = []
        for rack in self.layout.racks:
            dx, dy = (moved[rack.id][0] - rack.x, moved[rack.id][1] - rack.y) if rack.id in moved else (0.0, 0.0)
            outlines.append(tuple((x + dx, y + dy) for x, y in rack.polygon))
        floor = FloorPlan(width_mm=self.layout.width_mm, depth_mm=self.layout.depth_mm)
        racks = self.layout.racks
        problems: dict[str, list[str]] = {}
        for rack, outline in zip(racks, outlines):
            if footprint.is_outside(outline, floor):
                problems.setdefault(rack.id, []).append("stands outside the hall")
        for i, j, _ in footprint.overlaps(outlines):
            problems.setdefault(racks[i].id, []).append(f"overlaps {racks[j].name}")
            problems.setdefault(racks[j].id, []).append(f"overlaps {racks[i].name}")
        for rack_id, item in self._racks.items():
            item.set_problem(rack_id in problems)
        return problems

    def restore(self) -> None:
        """Put dragged racks back where the design has them and their flags as the layout says."""
        for rack_id, item in self._racks.items():
            item.setPos(item.rack.x, item.rack.y)
            item.set_problem(rack_id in self.problems)

    # ---------------------------------------------------------- selection
    def selected_ids(self) -> list[str]:
        return [r.id for r in self.layout.racks if self._racks[r.id].isSelected()]

    def select_ids(self, ids: list[str]) -> None:
        """Select exactly the racks among `ids` and draw the routes of the links among them; one
        selectionChanged."""
        wanted = set(ids)
        self.show_routes([i for i in ids if self.index is not None and i in self.index.links])
        self.blockSignals(True)
        for rack_id, item in self._racks.items():
            item.setSelected(rack_id in wanted)
        self.blockSignals(False)
        self.selectionChanged.emit()

    # ------------------------------------------------------------- routes
    def show_routes(self, link_ids: list[str]) -> None:
        """Draw the tray route of the first of `link_ids` that has one (rackcad.figures.lengths.link_route,
        the route its length measures); nothing when none does."""
        from rackcad.figures.lengths import link_route

        if self._route is not None:
            self.removeItem(self._route)
            self._route = None
        self.route_ids = []
        self._routed = None
        if self.index is None:
            return
        for link_id in link_ids:
            routed = link_route(self.index, self.index.links[link_id])
            if routed is not None:
                self._route = RouteItem(routed.path.points)
                self.addItem(self._route)
                self.route_ids = [link_id]
                self._routed = routed
                break

    def _route_tags(self) -> list[Tag]:
        routed = self._routed
        if routed is None or not self.route_ids:
            return []
        name = self.index.name(self.route_ids[0]) if self.index is not None else self.route_ids[0]
        text = (f"{name}: {routed.total_m:.2f} m = drops {routed.drop_a:.2f} + {routed.drop_b:.2f}, "
                f"run {routed.path.horizontal_mm / 1000:.2f}, slack {routed.slack:.2f}")
        return [Tag(*point_at(routed.path.points, 0.5), (text,), priority=0)]

    @property
    def route_item(self) -> RouteItem | None:
        return self._route

    def row_at(self, x: float, y: float) -> RowItem | None:
        for item in self._rows:
            if item.contains(item.mapFromScene(QPointF(x, y))):
                return item
        return None

    def tray_at(self, x: float, y: float, tolerance: float) -> TrayItem | None:
        return _nearest(self._trays, x, y, tolerance)

    @property
    def tray_items(self) -> list[TrayItem]:
        return list(self._trays)

    @property
    def row_items(self) -> list[RowItem]:
        return list(self._rows)

    def rect_of(self, ids: list[str]) -> QRectF:
        rect = QRectF()
        for rack_id in ids:
            item = self._racks.get(rack_id)
            if item is not None:
                rect = rect.united(item.sceneBoundingRect())
        return rect

    # ----------------------------------------------------------- tooltips
    def rack_tooltip(self, rack_id: str) -> str:
        item = self._racks.get(rack_id)
        if item is None or self.index is None:
            return ""
        rack = item.rack
        part = self.index.catalog.find(rack.part)
        lines = [f"<b>{escape(rack.name)}</b> — {escape(part.model if part else rack.part)}",
                 f"front-left corner at x {rack.x / 1000:.2f} m, y {rack.y / 1000:.2f} m"
                 + (f", turned {rack.rotation_deg:g}°" if rack.rotation_deg else ""),
                 f"footprint {rack.w:,.0f} x {rack.d:,.0f} mm"]
        lines += [f"<span style='color:{PROBLEM_COLOR}'>{escape(p)}</span>" for p in self.problems.get(rack_id, [])]
        return "<br>".join(lines)

    def run_tooltip(self, item: RunItem) -> str:
        run = item.run
        index = self.index
        a, b = (index.name(run.a), index.name(run.b)) if index else (run.a, run.b)
        protocol = "mixed protocols" if item.protocol == "mixed" else protocol_label(item.protocol)
        media = ", ".join(f"{n:,} {medium}" for medium, n in run.media.items())
        length = length_text(run) or "unknown"
        return (f"<b>{escape(a)} — {escape(b)}</b><br>{run.count:,} {protocol} links · {fmt_gbps(run.gbps)} per "
                f"direction<br>cable lengths {length} (up, along the overhead tray, down; with slack)<br>"
                f"media: {escape(media)}")


def _nearest(items, x: float, y: float, tolerance: float):
    """The item (a cable run or tray drawn as a line) nearest the scene point, within `tolerance`; of
    equally near ones the last drawn, the one on top."""
    best, found = tolerance, None
    for item in items:
        distance = item.distance(x, y)
        if distance <= best:
            best, found = distance, item
    return found
