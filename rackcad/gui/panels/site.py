"""The Site plan tab: the buildings drawn where they stand with the fibre routes between them, and the
tables that edit them and the design's latency budgets.

Every edit goes through `Document.set_design` (site, latency_budgets): one undo step each. Distances come
from `rackcad.analysis.site`, budget results from `rackcad.analysis.latency.check_budget`: the same figures
`rackcad info` and the `latency.budget` rule use.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGraphicsScene,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rackcad.analysis.latency import SCOPES, Latency, check_budget
from rackcad.analysis.site import design_site
from rackcad.document import EditError
from rackcad.figures.lengths import SitePlan
from rackcad.model import Building, FibreRoute, Hall, LatencyBudget, Site
from rackcad.gui.canvas.zoom import ZoomView

BOX_PX = 170.0
"""Drawn building width (scene units); the site is scaled so the closest two buildings do not touch."""
ROUTE = QColor("#1565c0")
STRAIGHT = QColor("#9e9e9e")
FAIL = QColor("#c62828")
HOLD = QColor("#2e7d32")


def latency_text(figures: dict) -> str:
    """One line for the topology view: typical / worst one-way GPU-to-GPU latency per scope."""
    bits = [f"{label} {fig['typical_us']:,.3f} / {fig['worst_us']:,.3f} us"
            for key, label in SCOPES if (fig := figures.get(key))]
    if not bits:
        return "GPU-to-GPU latency: no two connected accelerators"
    return "GPU-to-GPU latency, one way (typical / worst): " + " · ".join(bits)


@dataclass(frozen=True)
class _Edited:
    """A table cell as the user left it: row, column and text."""

    row: int
    column: int
    text: str


class SiteScene(QGraphicsScene):
    """Buildings as boxes (name, halls, racks) at their site coordinates; routes as lines labelled in km;
    buildings without a route joined by a dashed straight line."""

    def rebuild(self, design, figures) -> None:
        self.clear()
        site = design_site(design, figures)
        buildings = site["buildings"]
        if not buildings:
            text = self.addText("One hall: the design's floor plan.\nAdd a building to lay out a campus.")
            text.setDefaultTextColor(QColor("#616161"))
            return
        scale = self._scale(buildings)
        centre = {b["id"]: (b["x_km"] * scale, b["y_km"] * scale) for b in buildings}
        font = QFont()
        font.setPointSizeF(11)
        bold = QFont(font)
        bold.setBold(True)
        for d in site["distances"]:
            (xa, ya), (xb, yb) = centre[d["a"]], centre[d["b"]]
            routed = d["routed"]
            pen = QPen(ROUTE if routed else STRAIGHT, 5 if routed else 2)
            if not routed:
                pen.setStyle(Qt.PenStyle.DashLine)
            self.addLine(xa, ya, xb, yb, pen).setZValue(-1)
            lines = [f"{d['km']:,.2f} km " + ("fibre" if routed else "straight line, no route"),
                     f"{d['fibre_us']:,.1f} us one way in the fibre"]
            if d["links"]:
                optics = ", ".join(f"{n:,} x {p}" for p, n in d["modules"].items())
                lines.append(f"{d['links']:,} link{'s' if d['links'] != 1 else ''}" + (f": {optics}" if optics else ""))
            label = self.addText("\n".join(lines), bold)
            label.setDefaultTextColor(ROUTE if routed else STRAIGHT)
            rect = label.boundingRect()
            backdrop = self.addRect(QRectF(0, 0, rect.width(), rect.height()), QPen(Qt.PenStyle.NoPen),
                                    QBrush(QColor(255, 255, 255, 220)))
            for item in (backdrop, label):
                item.setPos((xa + xb) / 2 + 12, (ya + yb) / 2 - rect.height() / 2)
            backdrop.setZValue(2)
            label.setZValue(3)
        for b in buildings:
            x, y = centre[b["id"]]
            halls = "\n".join(f"{h['name']}: {h['racks']} rack{'s' if h['racks'] != 1 else ''}" for h in b["halls"])
            body = self.addText(halls or "no halls", font)
            name = self.addText(b["name"], bold)
            height = name.boundingRect().height() + body.boundingRect().height() + 12
            width = max(BOX_PX, name.boundingRect().width() + 16, body.boundingRect().width() + 16)
            box = self.addRect(QRectF(x - width / 2, y - height / 2, width, height), QPen(QColor("#37474f"), 2),
                               QBrush(QColor("#eceff1")))
            box.setZValue(0)
            for item, top in ((name, y - height / 2 + 4), (body, y - height / 2 + 4 + name.boundingRect().height())):
                item.setZValue(1)
                item.setPos(x - width / 2 + 8, top)
        self._scale_bar(scale, font)

    def _scale_bar(self, scale: float, font: QFont) -> None:
        """A bar of a round number of km, about 150 scene units long, under the drawing."""
        km = 150 / scale
        step = 10 ** math.floor(math.log10(km))
        km = next(f * step for f in (5, 2, 1) if f * step <= km)
        bounds = self.itemsBoundingRect()
        x, y = bounds.left(), bounds.bottom() + 30
        pen = QPen(QColor("#37474f"), 3)
        self.addLine(x, y, x + km * scale, y, pen)
        for end in (x, x + km * scale):
            self.addLine(end, y - 6, end, y + 6, pen)
        text = self.addText(f"{km:g} km", font)
        text.setPos(x + km * scale + 8, y - text.boundingRect().height() / 2)

    @staticmethod
    def _scale(buildings: list[dict]) -> float:
        """Scene units per km: the closest two buildings stand two box widths apart (at least)."""
        closest = math.inf
        for i, a in enumerate(buildings):
            for b in buildings[i + 1:]:
                closest = min(closest, math.hypot(a["x_km"] - b["x_km"], a["y_km"] - b["y_km"]))
        return 2.2 * BOX_PX / closest if math.isfinite(closest) and closest > 0 else 100.0


class SiteView(ZoomView):
    def content_rect(self) -> QRectF:
        return self.scene().itemsBoundingRect().adjusted(-40, -40, 40, 40)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _cell(text: str, editable: bool = False, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    if editable:
        flags |= Qt.ItemFlag.ItemIsEditable
    item.setFlags(flags)
    if tip:
        item.setToolTip(tip)
    return item


class SitePage(QWidget):
    """The Site plan tab. `doc()` and `figures()` give the current Document and its Figures; `selected()`
    the ids selected in the editor (for a budget's groups)."""

    select_requested = Signal(list)
    BUILDING_COLUMNS = ["Id", "Name", "X km", "Y km", "Halls", "Racks"]
    ROUTE_COLUMNS = ["From", "To", "Fibre km", "Name"]
    BUDGET_COLUMNS = ["Name", "From", "To", "Max us", "Worst us", "Worst path"]

    def __init__(self, doc: Callable, figures: Callable, selected: Callable[[], list[str]], parent=None,
                 expanded: Callable | None = None):
        super().__init__(parent)
        self._doc, self._figures, self._selected = doc, figures, selected
        self._expanded = expanded or figures
        """The Figures of the design with every instance expanded (None: not had), for the budgets' paths."""
        self._filling = False
        self.scene = SiteScene(self)
        self.view = SiteView(self.scene)
        self.buildings = _table(self.BUILDING_COLUMNS)
        self.routes = _table(self.ROUTE_COLUMNS)
        self.budgets = _table(self.BUDGET_COLUMNS)
        self.distances = QLabel()
        self.distances.setWordWrap(True)
        self.add_building = QPushButton("Add Building")
        self.add_hall = QPushButton("Add Hall")
        self.add_route = QPushButton("Add Route")
        self.remove_site = QPushButton("Remove")
        self.add_budget = QPushButton("Add Budget")
        self.set_from = QPushButton("From = Selection")
        self.set_to = QPushButton("To = Selection")
        self.remove_budget = QPushButton("Remove Budget")
        self.add_building.setToolTip("A building 1 km east of the last, with one hall")
        self.add_hall.setToolTip("Another hall in the selected building")
        self.add_route.setToolTip("A fibre route between the first two buildings without one")
        self.set_from.setToolTip("The selected budget's from group: the racks and parts selected in the editor")
        self.set_to.setToolTip("The selected budget's to group: the racks and parts selected in the editor")

        side = QWidget()
        column = QVBoxLayout(side)
        column.addWidget(QLabel("<b>Buildings</b> (double-click a name or position to edit)"))
        column.addWidget(self.buildings, 1)
        column.addWidget(QLabel("<b>Fibre routes</b>"))
        column.addWidget(self.routes, 1)
        row = QHBoxLayout()
        for button in (self.add_building, self.add_hall, self.add_route, self.remove_site):
            row.addWidget(button)
        column.addLayout(row)
        column.addWidget(self.distances)
        column.addWidget(QLabel("<b>Latency budgets</b> (one way, accelerator to accelerator)"))
        column.addWidget(self.budgets, 3)
        row = QHBoxLayout()
        for button in (self.add_budget, self.set_from, self.set_to, self.remove_budget):
            row.addWidget(button)
        column.addLayout(row)
        scroll = QScrollArea()  # the tab must not widen the window: the side scrolls when the window is small
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(side)
        splitter = QSplitter()
        splitter.addWidget(self.view)
        splitter.addWidget(scroll)
        splitter.setSizes([560, 640])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        for table, handler in ((self.buildings, self._building_edited), (self.routes, self._route_edited),
                               (self.budgets, self._budget_edited)):
            table.itemChanged.connect(lambda item, h=handler: self._defer(h, item))
        self.budgets.itemDoubleClicked.connect(self._show_budget)
        self.add_building.clicked.connect(self._add_building)
        self.add_hall.clicked.connect(self._add_hall)
        self.add_route.clicked.connect(self._add_route)
        self.remove_site.clicked.connect(self._remove_site)
        self.add_budget.clicked.connect(self._add_budget)
        self.set_from.clicked.connect(lambda: self._set_group("from_ids"))
        self.set_to.clicked.connect(lambda: self._set_group("to_ids"))
        self.remove_budget.clicked.connect(self._remove_budget)

    # ------------------------------------------------------------------ showing
    def rebuild(self) -> None:
        doc, figures = self._doc(), self._figures()
        design = doc.design
        self.scene.rebuild(design, figures)
        self._filling = True
        try:
            site = design_site(design, figures)
            self.buildings.setRowCount(0)
            for b in site["buildings"]:
                self._append(self.buildings, [
                    _cell(b["id"]), _cell(b["name"], True), _cell(f"{b['x_km']:g}", True),
                    _cell(f"{b['y_km']:g}", True), _cell(", ".join(h["id"] for h in b["halls"])),
                    _cell(str(b["racks"]))])
            self.routes.setRowCount(0)
            for route in design.site.routes:
                self._append(self.routes, [_cell(route.a), _cell(route.b), _cell(f"{route.length_km:g}", True),
                                           _cell(route.name, True)])
            names = {b["id"]: b["name"] for b in site["buildings"]}
            self.distances.setText("<br>".join(
                f"{names[d['a']]} - {names[d['b']]}: {d['km']:,.2f} km "
                f"({'fibre via ' + ' - '.join(d['via']) if d['routed'] else 'straight line, no route'})"
                for d in site["distances"]))
            self._fill_budgets(figures, design)
        finally:
            self._filling = False
        self.remove_site.setEnabled(bool(design.site.buildings))
        self.view.fit_all()

    def _fill_budgets(self, figures, design) -> None:
        """A row per latency budget with its worst path. Paths run over every part: a hall's budgets read the
        expanded design (`expanded()`, in the background); without it the rows say so."""
        self.budgets.setRowCount(0)
        if design.latency_budgets and not getattr(figures, "complete", True):
            figures = self._expanded()
            if figures is None:
                for budget in design.latency_budgets:
                    self._append(self.budgets, [_cell(budget.name, True), _cell(""), _cell(""),
                                                _cell(f"{budget.max_us:g}", True), _cell("not computed"),
                                                _cell("cancelled: open the tab again to compute")])
                return
        model = Latency(figures) if design.latency_budgets else None
        for budget in design.latency_budgets:
            found = check_budget(model, budget)
            worst = found.worst
            cells = [_cell(budget.name, True), _cell(", ".join(figures.name(i) for i in budget.from_ids),
                                                     tip=f"{len(found.sources)} members"),
                     _cell(", ".join(figures.name(i) for i in budget.to_ids), tip=f"{len(found.targets)} members"),
                     _cell(f"{budget.max_us:g}", True),
                     _cell(f"{worst.us:,.3f}" if worst else ("no path" if found.unreached else "-")),
                     _cell(worst.describe(figures.name) if worst else "", tip=worst.describe(figures.name) if worst
                           else "")]
            colour = HOLD if found.holds else FAIL
            cells[4].setForeground(QBrush(colour))
            cells[4].setToolTip("holds" if found.holds else "over budget")
            self._append(self.budgets, cells)

    @staticmethod
    def _append(table: QTableWidget, cells: list[QTableWidgetItem]) -> None:
        row = table.rowCount()
        table.insertRow(row)
        for column, cell in enumerate(cells):
            table.setItem(row, column, cell)

    # ------------------------------------------------------------------ editing
    def _defer(self, handler, item: QTableWidgetItem) -> None:
        """Run an edit after the table has closed its editor: the edit rebuilds the tables, which must not
        happen while the view still commits the cell."""
        if self._filling:
            return
        edited = _Edited(item.row(), item.column(), item.text())
        QTimer.singleShot(0, lambda: handler(edited))

    def _apply(self, label: str, **fields) -> bool:
        try:
            self._doc().set_design(label=label, **fields)
        except (EditError, ValueError) as exc:
            QMessageBox.warning(self, "RackCAD", str(exc))
            self.rebuild()
            return False
        return True

    def _site(self, buildings=None, routes=None) -> Site | None:
        site = self._doc().design.site
        try:
            return Site(buildings=site.buildings if buildings is None else buildings,
                        routes=site.routes if routes is None else routes)
        except ValueError as exc:
            QMessageBox.warning(self, "RackCAD", str(exc).splitlines()[-1])
            self.rebuild()
            return None

    @staticmethod
    def _number(text: str) -> float | None:
        try:
            value = float(text.replace(",", ""))
        except ValueError:
            return None
        return value if math.isfinite(value) else None

    def _building_edited(self, item: _Edited) -> None:
        buildings = list(self._doc().design.site.buildings)
        building = buildings[item.row]
        field = {1: "name", 2: "x_km", 3: "y_km"}.get(item.column)
        value: object = item.text
        if field in ("x_km", "y_km"):
            value = self._number(item.text)
            if value is None:
                QMessageBox.warning(self, "RackCAD", f"{item.text!r} is not a number of kilometres")
                self.rebuild()
                return
        try:
            buildings[item.row] = Building.model_validate({**building.model_dump(), field: value})
        except ValueError as exc:
            QMessageBox.warning(self, "RackCAD", str(exc).splitlines()[-1])
            self.rebuild()
            return
        site = self._site(buildings=buildings)
        if site is not None:
            self._apply(f"Set {field.replace('_', ' ')} of {building.name or building.id}", site=site)

    def _route_edited(self, item: _Edited) -> None:
        routes = list(self._doc().design.site.routes)
        route = routes[item.row]
        if item.column == 2:
            value = self._number(item.text)
            if value is None or value < 0:
                QMessageBox.warning(self, "RackCAD", f"{item.text!r} is not a length in km")
                self.rebuild()
                return
            routes[item.row] = FibreRoute(a=route.a, b=route.b, length_km=value, name=route.name)
        else:
            routes[item.row] = FibreRoute(a=route.a, b=route.b, length_km=route.length_km, name=item.text)
        site = self._site(routes=routes)
        if site is not None:
            self._apply(f"Set route {route.a}-{route.b}", site=site)

    def _new_id(self, prefix: str) -> str:
        site = self._doc().design.site
        taken = {b.id for b in site.buildings} | {h.id for b in site.buildings for h in b.halls}
        n = 1
        while f"{prefix}{n}" in taken:
            n += 1
        return f"{prefix}{n}"

    def _add_building(self) -> None:
        site = self._doc().design.site
        building_id = self._new_id("B")
        x = max((b.x_km for b in site.buildings), default=-1.0) + 1.0
        hall = Hall(id=f"{building_id}-H1", name=f"Hall {building_id}-H1")
        building = Building(id=building_id, name=f"Building {building_id}", x_km=x, halls=[hall])
        new = self._site(buildings=[*site.buildings, building])
        if new is not None:
            self._apply(f"Add building {building_id}", site=new)

    def _selected_row(self, table: QTableWidget) -> int | None:
        rows = table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _add_hall(self) -> None:
        site = self._doc().design.site
        row = self._selected_row(self.buildings)
        if row is None:
            QMessageBox.information(self, "RackCAD", "Select the building to add a hall to.")
            return
        building = site.buildings[row]
        hall_id = self._new_id(f"{building.id}-H")
        buildings = list(site.buildings)
        buildings[row] = building.model_copy(update={"halls": [*building.halls, Hall(id=hall_id,
                                                                                      name=f"Hall {hall_id}")]})
        new = self._site(buildings=buildings)
        if new is not None:
            self._apply(f"Add hall {hall_id}", site=new)

    def _add_route(self) -> None:
        site = self._doc().design.site
        joined = {frozenset((r.a, r.b)) for r in site.routes}
        ids = [b.id for b in site.buildings]
        pair = next(((a, b) for i, a in enumerate(ids) for b in ids[i + 1:] if frozenset((a, b)) not in joined), None)
        if pair is None:
            QMessageBox.information(self, "RackCAD", "Every two buildings already have a route (add a building).")
            return
        km = round(SitePlan(site).straight_km(*pair), 3)  # a start: the straight line; edit it to the duct's
        new = self._site(routes=[*site.routes, FibreRoute(a=pair[0], b=pair[1], length_km=km)])
        if new is not None:
            self._apply(f"Add route {pair[0]}-{pair[1]}", site=new)

    def _remove_site(self) -> None:
        site = self._doc().design.site
        if self.routes.hasFocus() or (self._selected_row(self.routes) is not None
                                      and self._selected_row(self.buildings) is None):
            row = self._selected_row(self.routes)
            if row is not None:
                route = site.routes[row]
                new = self._site(routes=[r for i, r in enumerate(site.routes) if i != row])
                if new is not None:
                    self._apply(f"Remove route {route.a}-{route.b}", site=new)
            return
        row = self._selected_row(self.buildings)
        if row is None:
            QMessageBox.information(self, "RackCAD", "Select a building or a route to remove.")
            return
        gone = site.buildings[row]
        routes = [r for r in site.routes if gone.id not in (r.a, r.b)]
        new = self._site(buildings=[b for i, b in enumerate(site.buildings) if i != row], routes=routes)
        if new is not None:
            self._apply(f"Remove building {gone.name or gone.id}", site=new)

    # ------------------------------------------------------------------ budgets
    def _add_budget(self) -> None:
        chosen = self._selected()
        design = self._doc().design
        if not chosen:
            QMessageBox.information(self, "RackCAD", "Select the racks or parts the budget starts from, then add it; "
                                                     "set its To group from another selection.")
            return
        budget = LatencyBudget(name=f"budget {len(design.latency_budgets) + 1}", from_ids=chosen, to_ids=chosen,
                               max_us=1000.0)
        if self._apply("Add latency budget", latency_budgets=[*design.latency_budgets, budget]):
            self.budgets.selectRow(self.budgets.rowCount() - 1)

    def _set_group(self, field: str) -> None:
        row = self._selected_row(self.budgets)
        chosen = self._selected()
        if row is None or not chosen:
            QMessageBox.information(self, "RackCAD", "Select a budget here and the racks or parts in the editor.")
            return
        budgets = list(self._doc().design.latency_budgets)
        budgets[row] = budgets[row].model_copy(update={field: list(chosen)})
        if self._apply(f"Set {'from' if field == 'from_ids' else 'to'} group of {budgets[row].name or 'budget'}",
                       latency_budgets=budgets):
            self.budgets.selectRow(row)

    def _budget_edited(self, item: _Edited) -> None:
        budgets = list(self._doc().design.latency_budgets)
        budget = budgets[item.row]
        if item.column == 3:
            value = self._number(item.text)
            if value is None or value <= 0:
                QMessageBox.warning(self, "RackCAD", f"{item.text!r} is not a positive number of microseconds")
                self.rebuild()
                return
            update: dict = {"max_us": value}
        else:
            update = {"name": item.text}
        try:
            budgets[item.row] = LatencyBudget.model_validate({**budget.model_dump(), **update})
        except ValueError as exc:
            QMessageBox.warning(self, "RackCAD", str(exc).splitlines()[-1])
            self.rebuild()
            return
        self._apply(f"Set {'limit' if 'max_us' in update else 'name'} of {budget.name or 'budget'}",
                    latency_budgets=budgets)

    def _remove_budget(self) -> None:
        row = self._selected_row(self.budgets)
        if row is None:
            return
        budgets = list(self._doc().design.latency_budgets)
        gone = budgets.pop(row)
        self._apply(f"Remove latency budget {gone.name}", latency_budgets=budgets)

    def _show_budget(self, item: QTableWidgetItem) -> None:
        """Double-click on a budget's path: select its worst path's ends in the editor."""
        if item.column() < 4:
            return
        figures = self._figures()
        budget = self._doc().design.latency_budgets[item.row()]
        if not getattr(figures, "complete", True):
            figures = self._expanded()
            if figures is None:
                return
        found = check_budget(Latency(figures), budget)
        if found.worst is not None:
            self.select_requested.emit([found.worst.source, found.worst.target])
