"""The rack elevation scene: BoxItems for the boxes of `rackcad.layout.elevation`, so screen and exports agree.

`rebuild` is called after every edit. It lays the design out again (~15 ms for GB200 NVL576) and then only
touches the items whose box or look changed: an edit to one tray repaints that tray, not 3,000 items.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Signal
from PySide6.QtWidgets import QGraphicsScene

from rackcad.figures import Figures
from rackcad.gui.canvas.items import BoxItem, Look, style
from rackcad.layout.elevation import ElevationLayout, elevation
from rackcad.model import Link
from rackcad.topology import DesignIndex
from rackcad.units import fmt_power

BADGE_KINDS = frozenset({"gpu", "xpu", "switch"})
ALL_RACKS_MAX = 24
"""Designs of up to this many racks show every rack side by side; a hall shows the racks of the selection."""
FOCUS_MAX = 4
"""At hall scale, the elevation shows at most this many racks of the selection (the first ones)."""


class ElevationScene(QGraphicsScene):
    """All racks side by side (at hall scale, more than `ALL_RACKS_MAX` racks, only the racks of the
    selection: `shown`). Item lookups by model id; selection by ids. `changed_racks` when a selection brought
    other racks into the drawing."""

    changed_racks = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackgroundBrush(style().background)
        self.layout = ElevationLayout()
        self.index: DesignIndex | None = None
        self._items: dict[str, BoxItem] = {}
        self._selectable: dict[str, BoxItem] = {}
        self._severity: dict[str, str] = {}
        self._messages: dict[str, list[str]] = {}
        self.kinds: list[str] = []
        self.shown: list[str] | None = None
        """The racks drawn at hall scale (None: every rack)."""

    # -------------------------------------------------------------- build
    def rebuild(self, index: DesignIndex) -> None:
        """Lay out `index.design` and bring the items in line with it."""
        self.index = index
        racks = index.design.racks
        if len(racks) <= ALL_RACKS_MAX:
            self.shown = None
        else:
            kept = [r for r in self.shown or () if r in index.racks]
            self.shown = kept or [racks[0].id]
            opener = getattr(index, "open", None)
            if opener is not None:  # a hall's instances are expanded where the elevation draws them
                opener(self.shown)
        self.layout = elevation(index.design, index.catalog, index, racks=self.shown)
        self._sync()

    def racks_for(self, ids: list[str]) -> list[str]:
        """The racks holding `ids` (racks, parts, links' ends), in order of first mention."""
        index = self.index
        if index is None:
            return []
        out: dict[str, None] = {}
        for item_id in ids:
            link = index.links.get(item_id)
            for target in (link.a.node, link.b.node) if link else (item_id,):
                rack = target if target in index.racks else index.rack_of.get(target)
                if rack is not None:
                    out[rack] = None
        return list(out)

    def show_racks(self, rack_ids: list[str]) -> bool:
        """At hall scale, draw the first `FOCUS_MAX` of `rack_ids` (nothing changes when none is given or
        every rack is drawn anyway); True when the drawn racks changed."""
        wanted = rack_ids[:FOCUS_MAX]
        if self.shown is None or not wanted or wanted == self.shown or self.index is None:
            return False
        self.shown = wanted
        self.rebuild(self.index)
        return True

    def _sync(self) -> None:
        """Create, update or remove items so that they match the layout and the current looks."""
        layout = self.layout
        looks = self._looks(self.index) if self.index is not None else {}
        empty = Look()
        fresh: dict[str, BoxItem] = {}
        for box in layout.boxes:
            look = looks.get(box.id, empty)
            item = self._items.pop(box.id, None)
            if item is None:
                item = BoxItem(box, look)
                self.addItem(item)
            elif item.box != box or item.look != look:
                item.set_state(box, look)
            fresh[box.id] = item
        for item in self._items.values():
            self.removeItem(item)
        self._items = fresh
        self._selectable = {item.model_id: item for item in fresh.values() if item.role in ("node", "title")}
        self.kinds = sorted({box.kind for box in layout.boxes if box.role == "node" and box.kind})
        self.setSceneRect(QRectF(0, 0, max(layout.width, 1000.0), max(layout.height, 800.0)))

    def _looks(self, index: DesignIndex) -> dict[str, Look]:
        """Badges (ports used / ports), markers and rack power lines, by box id.

        Parts are looked up once per part id and equal looks are shared, so this stays a single pass over
        the links and one over the nodes (~10 ms for GB200 NVL576).
        """
        looks: dict[str, Look] = {}
        index = Figures.of(index.design, index)
        used = index.port_use  # (node, port group) -> ports in use
        by_part: dict[str, tuple[bool, list[str], int] | None] = {}  # part id -> (has bays, scale-up groups, ports)
        shared: dict[tuple, Look] = {}
        severity = self._severity
        nodes = index.design.nodes if self.shown is None else [
            index.nodes[b.id] for b in self.layout.boxes if b.role == "node" and b.id in index.nodes]
        for node in nodes:
            if node.part not in by_part:
                part = index.catalog.find(node.part)
                groups = [g for g in part.ports if g.role == "scale-up"] if part and part.kind in BADGE_KINDS else []
                by_part[node.part] = (bool(part.bays), [g.name for g in groups], sum(g.count for g in groups)) \
                    if part else None
            facts = by_part[node.part]
            if facts is None:
                key: tuple = (False, "", "", severity.get(node.id, "error"))
            else:
                has_bays, groups, total = facts
                badge, state = "", ""
                if total:
                    in_use = sum(used.get((node.id, g), 0) for g in groups)
                    badge = f"{in_use}/{total}"
                    state = "full" if in_use >= total else "partial" if in_use else "none"
                key = (has_bays, badge, state, severity.get(node.id, ""))
            look = shared.get(key)
            if look is None:
                look = shared[key] = Look(has_bays=key[0], badge=key[1], badge_state=key[2], severity=key[3])
            looks[node.id] = look
        racks = index.design.racks if self.shown is None else [index.racks[r] for r in self.shown]
        for rack in racks:
            part = index.part(rack)
            model = part.model if part else f"unknown part {rack.part}"
            power = index.load(rack.id).power_w  # optics plugged into the rack included
            budget = rack.power_budget_w
            detail = f"{model} · {fmt_power(power)}" + (f" of {fmt_power(budget)}" if budget else "")
            looks[f"{rack.id}#title"] = Look(detail=detail, over_budget=bool(budget and power > budget),
                                             severity=self._severity.get(rack.id, ""))
        return looks

    # ------------------------------------------------------------ markers
    def set_markers(self, violations: list) -> None:
        """Mark the items named by unwaived error and warning violations (a link marks both its ends)."""
        rank = {"error": 2, "warning": 1}
        severity: dict[str, str] = {}
        messages: dict[str, list[str]] = {}
        links = self.index.links if self.index else {}
        for violation in violations:
            if getattr(violation, "waived", False) or violation.severity not in rank:
                continue
            for subject in violation.subjects:
                item = links.get(subject)
                targets = [item.a.node, item.b.node] if isinstance(item, Link) else [subject]
                for target in targets:
                    messages.setdefault(target, []).append(f"{violation.code}: {violation.message}")
                    if rank[violation.severity] > rank.get(severity.get(target, ""), 0):
                        severity[target] = violation.severity
        self._severity, self._messages = severity, messages
        self._sync()

    # ---------------------------------------------------------- lookups
    def item(self, model_id: str) -> BoxItem | None:
        """The selectable item standing for a rack or placed part."""
        return self._selectable.get(model_id)

    def box_item(self, box_id: str) -> BoxItem | None:
        return self._items.get(box_id)

    def selected_ids(self) -> list[str]:
        """Selected racks and parts, outermost only (a selected tray covers its chips), in layout order."""
        chosen = {item.model_id for item in self.selectedItems() if isinstance(item, BoxItem) and item.model_id}
        index = self.index
        out = []
        for box in self.layout.boxes:
            model_id = box.rack if box.role == "title" else box.id
            if box.role not in ("node", "title") or model_id not in chosen:
                continue
            if index is not None and box.role == "node" and self._has_selected_ancestor(box.id, chosen, index):
                continue
            out.append(model_id)
        return out

    @staticmethod
    def _has_selected_ancestor(node_id: str, chosen: set[str], index: DesignIndex) -> bool:
        node = index.nodes.get(node_id)
        while node is not None:
            if node.parent in chosen:
                return True
            node = index.nodes.get(node.parent)
        return False

    def select_ids(self, ids: list[str]) -> None:
        """Select exactly the items standing for `ids` (racks, parts; links select their two ends)."""
        if self.show_racks(self.racks_for(ids)):
            self.changed_racks.emit()
        targets: set[str] = set()
        links = self.index.links if self.index else {}
        for item_id in ids:
            link = links.get(item_id)
            targets.update((link.a.node, link.b.node) if link else (item_id,))
        self.blockSignals(True)
        self.clearSelection()
        for item_id in targets:
            item = self._selectable.get(item_id)
            if item is not None:
                item.setSelected(True)
        self.blockSignals(False)
        self.selectionChanged.emit()

    def select_all(self) -> None:
        self.blockSignals(True)
        for item in self._selectable.values():
            item.setSelected(True)
        self.blockSignals(False)
        self.selectionChanged.emit()

    def rect_of(self, ids: list[str]) -> QRectF:
        """The scene rectangle covering the items of `ids` (links: their ends), empty if none is drawn."""
        rect = QRectF()
        links = self.index.links if self.index else {}
        for item_id in ids:
            link = links.get(item_id)
            for target in (link.a.node, link.b.node) if link else (item_id,):
                item = self._selectable.get(target)
                box = self.layout.bodies.get(target)
                if item is not None:
                    rect = rect.united(item.sceneBoundingRect())
                if box is not None:
                    rect = rect.united(QRectF(box.x, box.y, box.w, box.h))
        return rect

    def tooltip(self, model_id: str) -> str:
        """What a hover over a rack or part tells: name, part, place, power, port use, its violations."""
        index = self.index
        if index is None:
            return ""
        lines = []
        if model_id in index.racks:
            rack = index.racks[model_id]
            part = index.part(rack)
            lines.append(f"<b>{rack.name}</b> — {part.model if part else rack.part}")
            if rack.power_budget_w:
                lines.append(f"power budget {fmt_power(rack.power_budget_w)}, {rack.power_redundancy}")
        elif model_id in index.nodes:
            node = index.nodes[model_id]
            part = index.part(node)
            lines.append(f"<b>{node.name}</b> — {part.model if part else 'unknown part ' + node.part}")
            where = f"U{node.u:g}" if node.u is not None else (f"bay {node.bay}" if node.bay is not None else "side")
            lines.append(f"{where} of {index.name(node.parent)} · {fmt_power(index.power_w(node))}")
            for group in part.ports if part else []:
                lines.append(f"{group.name} ({group.protocol}): "
                             f"{index.port_ledger(node.id, group.name).describe(group)}")
        else:
            return ""
        for message in self._messages.get(model_id, [])[:6]:
            lines.append(f"<span style='color:#c62828'>{message}</span>")
        return "<br>".join(lines)
