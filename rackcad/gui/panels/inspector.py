"""Inspector: the selection's properties, editable through the Document, and its part's sourced figures.

Every edit is a `doc.set` (or `doc.set_design` when nothing is selected), so it is one undo step; a value
the Document refuses shows its reason in red and the field goes back to the design's value. After an edit
the fields are refreshed in place (not rebuilt), so Tab moves on to the next field as expected.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rackcad.catalog.schema import Medium
from rackcad.document import Document, EditError
from rackcad.figures import Figures
from rackcad.gui.figures import figure_rows, figures_html
from rackcad.gui.panels.palette import swatch
from rackcad.layout.style import KIND_LABELS, PROTOCOL_COLORS
from rackcad.model import Link, Node, Rack
from rackcad.model.design import Redundancy
from rackcad.units import fmt_gbps, fmt_power

MEDIA = ["", *Medium.__args__]
REDUNDANCY = list(Redundancy.__args__)
HALL_LABELS = {"width_mm": "hall width", "depth_mm": "hall depth", "grid_mm": "floor tile"}
PREFIXED_UNITS = ("W", "Gb/s")
"""Units that take a k / M prefix when typed ('150 kW')."""


def parse_number(text: str, unit: str = "") -> float | None:
    """'150 kW' -> 150000.0, '1,200' -> 1200.0, '' -> None; ValueError with a readable message otherwise."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    if not cleaned:
        return None
    if unit and cleaned.lower().endswith(unit.lower()):
        cleaned = cleaned[: -len(unit)].strip()
    scale = 1.0
    if unit in PREFIXED_UNITS and cleaned[-1:].lower() in ("k", "m"):
        scale = 1e3 if cleaned[-1].lower() == "k" else 1e6
        cleaned = cleaned[:-1].strip()
    try:
        return float(cleaned) * scale
    except ValueError:
        raise ValueError(f"{text!r} is not a number{' in ' + unit if unit else ''}") from None


def format_number(value: float | None, unit: str = "") -> str:
    if value is None:
        return ""
    return f"{value:,.10g}{' ' + unit if unit else ''}"


class Inspector(QWidget):
    """Shows the design (nothing selected), one rack, part or link, or a summary of several items."""

    select_requested = Signal(list)  # ids to select (a link's end, a link of a part)

    def __init__(self, doc: Callable[[], Document], figures: Callable[[], Figures] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._doc = doc
        self._derived = figures or (lambda: Figures(self._doc().design, self._doc().catalog))
        self.ids: list[str] = []
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828; font-weight: bold;")
        self.error.hide()
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.error)
        layout.addWidget(self._scroll)
        self._editors: dict[str, tuple[QWidget, Callable[[], object]]] = {}
        self._infos: list[tuple[QLabel, Callable[[], str]]] = []
        self._lists: list[Callable[[], None]] = []
        self._shown: tuple[str, ...] | None = None
        self._retired: list[QWidget] = []
        self.show_ids([])

    # ------------------------------------------------------------- showing
    def show_ids(self, ids: list[str]) -> None:
        """Show `ids` (the selection); an empty list shows the design."""
        self.ids = list(ids)
        self.set_error("")
        self._rebuild()

    def refresh(self, force: bool = False) -> None:
        """Bring the shown values in line with the design after an edit (or rebuild if items vanished).

        The field being typed in keeps its text unless `force` (a refused value is put back).
        """
        doc = self._doc()
        alive = [i for i in self.ids if doc.find(i) is not None]
        if alive != self.ids or self._shown != tuple(self.ids):
            self.ids = alive
            self._rebuild()
            return
        for widget, read in self._editors.values():
            if force or not self._typing(widget):
                self._put(widget, read())
        for label, text in self._infos:
            label.setText(text())
        for fill in self._lists:
            fill()

    def editor(self, field: str) -> QWidget:
        """The editor of `field` on the current page (tests, focus)."""
        return self._editors[field][0]

    def set_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _rebuild(self) -> None:
        self._editors, self._infos, self._lists = {}, [], []
        page = QWidget()
        self._form = QFormLayout()
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._page = QVBoxLayout(page)
        self._page.addLayout(self._form)
        doc = self._doc()
        items = [doc.find(i) for i in self.ids]
        if not items:
            self._design_page(doc)
        elif len(items) > 1:
            self._many_page(doc, items)
        elif isinstance(items[0], Rack):
            self._rack_page(doc, items[0])
        elif isinstance(items[0], Node):
            self._node_page(doc, items[0])
        elif isinstance(items[0], Link):
            self._link_page(doc, items[0])
        self._page.addStretch(1)
        self._swap_page(page)
        self._shown = tuple(self.ids)

    def _swap_page(self, page: QWidget) -> None:
        """Show `page` in place of the old one, which is deleted only once control is back in the event loop.

        A page is rebuilt from inside its own widgets' signals (a click on a row of the Links list selects that
        link, a button selects a link's end). `QScrollArea.setWidget` would delete the old page, and with it the
        widget still delivering the click, at once: Qt then returns into a deleted object and the process dies.
        """
        old = self._scroll.widget()
        if old is not None:
            for widget in (old, *old.findChildren(QWidget)):
                widget.blockSignals(True)  # a field losing focus as it goes must not edit an item now gone
            self._scroll.takeWidget()
        self._scroll.setWidget(page)
        # takeWidget hands the old page to Python: holding it until Qt has deleted it keeps Python's
        # garbage collector from deleting it early, inside the same click.
        self._retired = [w for w in self._retired if shiboken6.isValid(w)]
        if old is not None:
            old.hide()
            old.deleteLater()
            self._retired.append(old)

    # ------------------------------------------------------------ helpers
    def _heading(self, title: str, subtitle: str = "", kind: str = "") -> None:
        row = QHBoxLayout()
        if kind:
            icon = QLabel()
            icon.setPixmap(swatch(kind, 14).pixmap(14, 14))
            row.addWidget(icon)
        label = QLabel(f"<b style='font-size:large'>{escape(title)}</b>"
                       + (f"<br><span style='color:#5f6673'>{escape(subtitle)}</span>" if subtitle else ""))
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(label, 1)
        self._page.insertLayout(0, row)

    def _info(self, name: str, text: Callable[[], str]) -> QLabel:
        label = QLabel(text())
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._form.addRow(name, label)
        self._infos.append((label, text))
        return label

    @staticmethod
    def _typing(widget: QWidget) -> bool:
        """True while the user has typed into `widget` and not committed it yet."""
        edit = widget.lineEdit() if isinstance(widget, QComboBox) and widget.isEditable() else widget
        return edit.hasFocus() and isinstance(edit, QLineEdit) and edit.isModified()

    def _put(self, widget: QWidget, value: object) -> None:
        widget.blockSignals(True)
        if isinstance(widget, QLineEdit):
            widget.setText(str(value))
            widget.setCursorPosition(0)
        elif isinstance(widget, QSpinBox):
            widget.setValue(int(value))  # type: ignore[call-overload]
        elif isinstance(widget, QComboBox):
            if widget.isEditable():
                widget.setCurrentText(str(value))
            else:
                widget.setCurrentIndex(max(widget.findData(value), 0))
        widget.blockSignals(False)

    def _apply(self, edit: Callable[[], None]) -> None:
        """Run one Document edit; on refusal show why and put the design's values back in the fields."""
        try:
            edit()
        except (EditError, ValueError) as exc:
            self.set_error(str(exc))
            self.refresh(force=True)
            return
        self.set_error("")

    def _commit(self, edit: QLineEdit, text: str, read: Callable[[], str], write: Callable[[str], None]) -> None:
        edit.setModified(False)
        if text != read():
            self._apply(lambda: write(text))

    def _text(self, field: str, label: str, read: Callable[[], str], write: Callable[[str], None],
              placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(objectName=field, placeholderText=placeholder)
        self._put(edit, read())
        edit.editingFinished.connect(lambda: self._commit(edit, edit.text(), read, write))
        self._form.addRow(label, edit)
        self._editors[field] = (edit, read)
        return edit

    def _number(self, field: str, label: str, unit: str, read: Callable[[], float | None],
                write: Callable[[float | None], None], placeholder: str = "") -> QLineEdit:
        return self._text(field, label, lambda: format_number(read(), unit),
                          lambda text: write(parse_number(text, unit)), placeholder)

    def _choice(self, field: str, label: str, choices: list[tuple[str, object]], read: Callable[[], object],
                write: Callable[[object], None], editable: bool = False) -> QComboBox:
        combo = QComboBox(objectName=field)
        combo.setEditable(editable)
        for text, value in choices:
            combo.addItem(text, value)
        self._put(combo, read())
        if editable:
            combo.lineEdit().editingFinished.connect(
                lambda: self._commit(combo.lineEdit(), combo.currentText(), read, write))
        else:
            combo.activated.connect(lambda _: combo.currentData() != read()
                                    and self._apply(lambda: write(combo.currentData())))
        self._form.addRow(label, combo)
        self._editors[field] = (combo, read)
        return combo

    def _figures(self, doc: Document, part_id: str) -> None:
        part = doc.catalog.find(part_id)
        title = QLabel("<b>Catalog figures</b> <small>(source, confidence; "
                       "<i style='color:#c25e00'>≈ estimate</i>)</small>")
        self._page.addWidget(title)
        if part is None:
            self._page.addWidget(QLabel(f"<i>{escape(part_id)} is not in the catalog</i>"))
            return
        label = QLabel(figures_html(figure_rows(part, doc.catalog)))
        label.setWordWrap(True)
        label.setOpenExternalLinks(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self._page.addWidget(label)

    # -------------------------------------------------------------- pages
    def _contents(self, design) -> str:
        """Racks, parts and links of the design as drawn and checked (instances expanded), and what is stored."""
        figures = self._derived()
        view = figures.design
        text = f"{len(view.racks):,} racks, {figures.node_count:,} parts, {figures.link_count:,} links"
        if design.instances:
            blocks = len(design.blocks)
            return text + f" ({len(design.instances):,} instances of {blocks} block{'s' if blocks != 1 else ''})"
        return text + f" ({len(design.links):,} records)"

    def _design_page(self, doc: Document) -> None:
        design = doc.design
        self._heading("Design", "nothing selected: design-wide settings")
        self._text("design.name", "Name", lambda: doc.design.name,
                   lambda v: doc.set_design(name=v))
        self._text("design.description", "Description", lambda: doc.design.description,
                   lambda v: doc.set_design(description=v))

        def rule(field: str) -> Callable[[float | None], None]:
            return lambda v: doc.set_design(rules={**doc.design.rules.model_dump(), field: v})

        self._number("rules.power_warning_ratio", "Power warning at", "", lambda: doc.design.rules.power_warning_ratio,
                     rule("power_warning_ratio"))
        self._number("rules.coolant_lpm_per_kw", "Coolant L/min per kW", "",
                     lambda: doc.design.rules.coolant_lpm_per_kw, rule("coolant_lpm_per_kw"))
        self._number("rules.max_oversubscription", "Max oversubscription", "",
                     lambda: doc.design.rules.max_oversubscription, rule("max_oversubscription"))
        self._number("rules.scale_up_target_gbps", "Scale-up target", "Gb/s",
                     lambda: doc.design.rules.scale_up_target_gbps, rule("scale_up_target_gbps"),
                     placeholder="none")
        def hall(name: str):
            def write(value: float | None) -> None:
                if value is None or value <= 0:
                    raise ValueError("the hall needs a size above 0 m")
                doc.set_design(floor=doc.design.floor.model_copy(update={name: value * 1000.0}),
                               label=f"Set {HALL_LABELS[name]} to {value:g} m")
            return lambda: getattr(doc.design.floor, name) / 1000.0, write

        self._number("floor.width_mm", "Hall width", "m", *hall("width_mm"))
        self._number("floor.depth_mm", "Hall depth", "m", *hall("depth_mm"))
        self._number("floor.grid_mm", "Floor tile", "m", *hall("grid_mm"))
        self._info("Contents", lambda: self._contents(doc.design))
        self._page.addWidget(QLabel("<b>Waivers</b> (accepted violations)"))
        waivers = QVBoxLayout()
        self._page.addLayout(waivers)
        if not design.waivers:
            waivers.addWidget(QLabel("<i>none</i>"))
        for waiver in design.waivers:
            row = QHBoxLayout()
            text = QLabel(f"<b>{escape(waiver.code)}</b> · {escape(', '.join(waiver.subjects))}<br>"
                          f"<i>{escape(waiver.reason)}</i>")
            text.setWordWrap(True)
            remove = QPushButton("Remove")
            remove.clicked.connect(lambda _=False, w=waiver: self._apply(lambda: doc.set_design(
                waivers=[x for x in doc.design.waivers if x is not w], label=f"Remove waiver {w.code}")))
            row.addWidget(text, 1)
            row.addWidget(remove)
            waivers.addLayout(row)

    def _many_page(self, doc: Document, items: list) -> None:
        names = [getattr(item, "name", "") or item.id for item in items if item is not None]
        self._heading(f"{len(names)} items selected")
        power = self._derived().selection_power_w(item.id for item in items if item is not None)
        self._form.addRow("Power", QLabel(fmt_power(power)))  # contents and plugged-in optics included
        shown = ", ".join(names[:30]) + (f" and {len(names) - 30} more" if len(names) > 30 else "")
        label = QLabel(escape(shown))
        label.setWordWrap(True)
        self._form.addRow("Items", label)

    def _rack_page(self, doc: Document, rack: Rack) -> None:
        part = doc.catalog.find(rack.part)
        self._heading(rack.name, part.model if part else f"unknown rack part {rack.part}", "rack")
        rid = rack.id

        def field(name: str):
            return lambda: getattr(doc.get(rid), name)

        def setter(name: str):
            return lambda value: doc.set(rid, **{name: value})

        self._text("name", "Name", field("name"), setter("name"))
        self._number("power_budget_w", "Power budget", "W", field("power_budget_w"), setter("power_budget_w"),
                     "none")
        self._number("liquid_capacity_w", "Liquid capacity", "W", field("liquid_capacity_w"),
                     setter("liquid_capacity_w"), "none")
        self._number("air_capacity_w", "Air capacity", "W", field("air_capacity_w"), setter("air_capacity_w"), "none")
        self._choice("power_redundancy", "Power redundancy", [(r.upper(), r) for r in REDUNDANCY],
                     field("power_redundancy"), setter("power_redundancy"))

        def position(name: str, scale: float):
            def read() -> float:
                return getattr(doc.get(rid).position, name) / scale

            def write(value: float | None) -> None:
                if value is None:
                    raise ValueError("a position needs a number")
                if name == "rotation_deg" and value % 90:
                    raise ValueError("racks turn in steps of 90 degrees")
                moved = doc.get(rid).position.model_copy(update={name: value * scale})
                doc.set(rid, position=moved)
            return read, write

        self._number("position.x_mm", "Floor x", "m", *position("x_mm", 1000.0))
        self._number("position.y_mm", "Floor y", "m", *position("y_mm", 1000.0))
        self._number("position.rotation_deg", "Rotation", "°", *position("rotation_deg", 1.0))
        halls = [(f"{b.name or b.id} / {h.name or h.id}", h.id) for b in doc.design.site.buildings for h in b.halls]
        if halls or rack.position.hall is not None:
            current_hall = rack.position.hall
            if current_hall is not None and current_hall not in {h for _, h in halls}:
                halls.append((f"{current_hall} (not on the site plan)", current_hall))

            def set_hall(value: str) -> None:
                doc.set(rid, position=doc.get(rid).position.model_copy(update={"hall": value or None}))

            self._choice("position.hall", "Hall", [("(the design's floor plan)", "")] + halls,
                         lambda: doc.get(rid).position.hall or "", set_hall)

        def load() -> str:
            figures = self._derived().load(rid)
            return fmt_power(figures.power_w) + (f" ({fmt_power(figures.optics_w)} optics)" if figures.optics_w else "")

        self._info("Load", load)
        self._info("Part", lambda: f"{doc.get(rid).part}")
        self._figures(doc, rack.part)

    def _node_page(self, doc: Document, node: Node) -> None:
        part = doc.catalog.find(node.part)
        kind = part.kind if part else ""
        subtitle = f"{KIND_LABELS.get(kind, kind)} · {part.vendor} {part.model}" if part else \
            f"unknown part {node.part}"
        self._heading(node.name, subtitle, kind)
        nid = node.id

        def current() -> Node:
            return doc.get(nid)  # type: ignore[return-value]

        self._text("name", "Name", lambda: current().name, lambda v: doc.set(nid, name=v))
        self._info("Part", lambda: current().part)
        self._info("Parent", lambda: getattr(doc.find(current().parent), "name", current().parent))
        if node.u is not None:
            self._number("u", "U (lowest)", "", lambda: current().u, lambda v: doc.set(nid, u=v))
        elif node.bay is not None:
            tray = doc.part_of(node.parent)
            self._number("bay", "Bay", "", lambda: current().bay,
                         lambda v: doc.set(nid, bay=None if v is None else int(v)))
            if tray is not None:
                self._info("Bay name", lambda: tray.bay_label(current().bay or 0))

        def override(key: str) -> Callable[[float | None], None]:
            def write(value: float | None) -> None:
                overrides = {k: v for k, v in current().overrides.items() if k != key}
                if value is not None:
                    overrides[key] = value
                doc.set(nid, overrides=overrides)
            return write

        catalog_power = f"catalog: {fmt_power(part.power_w)}" if part else ""
        self._number("overrides.power_w", "Power override", "W",
                     lambda: current().overrides.get("power_w"), override("power_w"), catalog_power)
        share = f"catalog: {part.liquid_fraction:g}" if part else ""
        self._number("overrides.liquid_share", "Liquid share override", "",
                     lambda: current().overrides.get("liquid_share"), override("liquid_share"), share)

        def ports() -> str:
            groups = part.ports if part else []
            figures = self._derived()
            return "<br>".join(f"{g.name} ({g.protocol}): {figures.port_ledger(nid, g.name).describe(g)}"
                               for g in groups) or "none"

        self._info("Ports", ports)
        if part is not None and part.ports:
            self._links_list(doc, nid)
        self._figures(doc, node.part)

    def _links_list(self, doc: Document, node_id: str) -> None:
        self._page.addWidget(QLabel("<b>Links</b> (click to inspect)"))
        links = QListWidget(objectName="links")
        links.setMaximumHeight(160)
        self._page.addWidget(links)

        def fill() -> None:
            links.clear()
            for link in doc.links_of(node_id):
                near, far = (link.a, link.b) if link.a.node == node_id else (link.b, link.a)
                other = doc.find(far.node)
                text = f"{near.port} → {getattr(other, 'name', far.node)} {far.port} · {link.count} x {link.protocol}"
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, link.id)
                links.addItem(item)

        fill()
        self._lists.append(fill)
        links.itemActivated.connect(lambda item: self.select_requested.emit([item.data(Qt.ItemDataRole.UserRole)]))
        links.itemClicked.connect(lambda item: self.select_requested.emit([item.data(Qt.ItemDataRole.UserRole)]))
        links.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        links.customContextMenuRequested.connect(lambda pos: self._link_menu(doc, links, pos))

    def _link_menu(self, doc: Document, links: QListWidget, pos) -> None:
        """A row of the Links list: inspect the link, or delete it (one undo step)."""
        item = links.itemAt(pos)
        if item is None:
            return
        link_id = item.data(Qt.ItemDataRole.UserRole)
        menu = QMenu(self)
        menu.addAction("Inspect link").triggered.connect(lambda: self.select_requested.emit([link_id]))
        menu.addAction("Delete link").triggered.connect(lambda: self._apply(lambda: doc.remove(link_id)))
        self.exec_menu(menu, links.viewport().mapToGlobal(pos))

    def exec_menu(self, menu: QMenu, where) -> None:
        menu.exec(where)

    def _breakout_choice(self, doc: Document, lid: str, side: str, label: str) -> None:
        """How the end's port is split, for ends on a port group that splits (or already split)."""
        end = getattr(doc.get(lid), side)
        part = doc.part_of(end.node)
        group = part.port(end.port) if part else None
        if group is None or (group.breakout is None and end.split is None):
            return
        ways = sorted({*(group.breakout.ways if group.breakout else ()), *((end.split,) if end.split else ())})
        choices = [("whole port", None)] + [(f"{w} ways ({fmt_gbps(group.sub_gbps(w))} legs)", w) for w in ways]

        def write(value) -> None:
            ref = getattr(doc.get(lid), side)
            doc.set(lid, **{side: ref.model_copy(update={"split": value, "sub": None})})

        self._choice(f"split_{side}", label, choices, lambda: getattr(doc.get(lid), side).split, write)

    def _link_page(self, doc: Document, link: Link) -> None:
        lid = link.id

        def current() -> Link:
            return doc.get(lid)  # type: ignore[return-value]

        def end_name(end) -> str:
            return getattr(doc.find(end.node), "name", end.node)

        self._heading(f"Link {lid}", f"{end_name(link.a)} ↔ {end_name(link.b)}")
        for label, end in (("End A", link.a), ("End B", link.b)):
            leg = f" (leg{'' if end.sub is None else f' {end.sub + 1}'} of {end.split})" if end.split else ""
            button = QPushButton(f"{end_name(end)} · {end.port}{leg}")
            button.setFlat(True)
            button.setStyleSheet("text-align: left; color: #1565c0;")
            button.clicked.connect(lambda _=False, n=end.node: self.select_requested.emit([n]))
            self._form.addRow(label, button)
        for side, label in (("a", "Breakout A"), ("b", "Breakout B")):
            self._breakout_choice(doc, lid, side, label)
        protocols = sorted({*PROTOCOL_COLORS, link.protocol})
        self._choice("protocol", "Protocol", [(p, p) for p in protocols], lambda: current().protocol,
                     lambda v: doc.set(lid, protocol=v), editable=True)
        self._choice("medium", "Medium", [(m or "(from the ports)", m) for m in MEDIA],
                     lambda: current().medium or "", lambda v: doc.set(lid, medium=v or None))
        optics = sorted((p for p in doc.catalog if p.kind == "optic"), key=lambda p: (p.reach_m.value if p.reach_m
                                                                                    else 0.0, p.id))
        self._choice("optic", "Transceiver", [("(chosen by length)", "")] + [
            (f"{p.id} ({p.reach_m.value / 1000:g} km)" if p.reach_m and p.reach_m.value >= 1000
             else f"{p.id} ({p.reach_m.value:g} m)" if p.reach_m else p.id, p.id) for p in optics],
            lambda: current().optic or "", lambda v: doc.set(lid, optic=v or None))
        count = QSpinBox(objectName="count")
        count.setRange(1, 100_000)
        self._put(count, link.count)
        count.editingFinished.connect(lambda: count.value() != current().count
                                      and self._apply(lambda: doc.set(lid, count=count.value())))
        self._form.addRow("Count", count)
        self._editors["count"] = (count, lambda: current().count)
        self._number("length_m", "Length", "m", lambda: current().length_m, lambda v: doc.set(lid, length_m=v),
                     "from positions")
        self._text("link.name", "Name", lambda: current().name, lambda v: doc.set(lid, name=v))
