"""Canvas tools: where a dragged part would go, the connect tool, and the Auto-wire NVLink command.

`target_at` turns a pointer position into a placement (rack + U, tray + bay, side zone, or a new rack) and
asks the Document whether it fits, so the ghost, the drop and a drag-move all use the same answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtWidgets import QMenu, QWidget

from rackcad.catalog import ACCELERATOR_KINDS
from rackcad.document import Document, EditError
from rackcad.editing.wiring import free_sub_ports, port_ledger
from rackcad.fabric.plan import breakout_ways
from rackcad.layout.elevation import ElevationLayout
from rackcad.model import Node
from rackcad.templates.wiring import free_ports, scale_up_port, wire_domain
from rackcad.units import U_MM


@dataclass(frozen=True)
class Target:
    """A placement under the pointer: `parent` with `u` or `bay` (parent None: add a rack).

    `rect` (x, y, w, h) is where the ghost goes; `reason` says why the part does not fit, None when it does.
    """

    parent: str | None
    u: float | None = None
    bay: int | None = None
    rect: tuple[float, float, float, float] | None = None
    reason: str | None = None


def target_at(doc: Document, layout: ElevationLayout, part_id: str, x: float, y: float,
              ignore: str | None = None, top_y: float | None = None) -> Target:
    """Where `part_id` would go if dropped at scene point (x, y).

    Rack-mounted parts snap to the U row under their top edge (`top_y`, by default the pointer is the middle
    of the part); parts for bays go into the bay under the pointer, or the first free bay that takes them
    when the pointer is on a tray but not on a bay; 0U parts go to the side zone of the rack.
    """
    part = doc.catalog.find(part_id)
    if part is None:
        return Target(None, reason=f"unknown part {part_id!r}")
    if part.kind == "rack":
        return Target(None)
    if part.mount == "bay":
        return _bay_target(doc, layout, part_id, part.kind, x, y, ignore)
    rack_id = layout.rack_at(x, y) or _side_zone_at(layout, x, y)
    if rack_id is None:
        return Target(None, reason=f"drop {part.model} inside a rack")
    if part.mount == "side":
        side = layout.by_id[f"{rack_id}#side"]
        return Target(rack_id, rect=(side.x, side.y, side.w, side.h), reason=doc.check_place(part_id, rack_id))
    height = part.height_u or 1
    top = top_y if top_y is not None else y - height * U_MM / 2
    u = layout.u_at(rack_id, top + U_MM / 2, height)
    return Target(rack_id, u=u, rect=layout.u_rect(rack_id, u, height),
                  reason=doc.check_place(part_id, rack_id, u=u, ignore=ignore))


def _side_zone_at(layout: ElevationLayout, x: float, y: float) -> str | None:
    for rack_id in layout.bodies:
        side = layout.by_id.get(f"{rack_id}#side")
        if side is not None and side.contains(x, y):
            return rack_id
    return None


def _bay_target(doc: Document, layout: ElevationLayout, part_id: str, kind: str, x: float, y: float,
                ignore: str | None) -> Target:
    model = doc.catalog.get(part_id).model
    slot = layout.slot_at(x, y)
    if slot is not None and slot.parent is not None and slot.bay is not None:
        reason = doc.check_place(part_id, slot.parent, bay=slot.bay, ignore=ignore)
        return Target(slot.parent, bay=slot.bay, rect=(slot.x, slot.y, slot.w, slot.h), reason=reason)
    tray = _deepest_tray_at(doc, layout, x, y)
    if tray is None:
        return Target(None, reason=f"{model} goes in a tray bay: drop it on a tray")
    bay = doc.free_bay(tray, kind)
    if bay is None:
        box = layout.by_id[tray]
        return Target(tray, rect=(box.x, box.y, box.w, box.h),
                      reason=f"{doc.get(tray).name} has no free bay for a {kind}")
    for box in layout.boxes:
        if box.parent == tray and box.bay == bay:
            return Target(tray, bay=bay, rect=(box.x, box.y, box.w, box.h),
                          reason=doc.check_place(part_id, tray, bay=bay, ignore=ignore))
    return Target(tray, bay=bay, reason=doc.check_place(part_id, tray, bay=bay, ignore=ignore))


def _deepest_tray_at(doc: Document, layout: ElevationLayout, x: float, y: float) -> str | None:
    best = None
    for box in layout.boxes:
        if box.role == "node" and box.contains(x, y) and (best is None or box.depth > best.depth):
            part = doc.part_of(box.id)
            if part is not None and part.bays:
                best = box
    return best.id if best else None


# ------------------------------------------------------------------ connect
@dataclass(frozen=True)
class PortChoice:
    """A port group offered in the connect menu; `enabled` is False when it cannot take this link."""

    port: str
    protocol: str
    free: int
    count: int
    enabled: bool
    use: str = ""
    """How the group's ports are used, split ports and free sub-ports included (`PortUse.describe`)."""

    @property
    def text(self) -> str:
        text = f"{self.port} — {self.protocol}, {self.free} of {self.count} free"
        return f"{text} · {self.use}" if "split" in self.use else text


def port_choices(doc: Document, node_id: str, protocol: str | None = None) -> list[PortChoice]:
    """The node's port groups; with `protocol`, only groups of that protocol are enabled."""
    part = doc.part_of(node_id)
    out = []
    for group in part.ports if part else []:
        free = free_ports(doc, node_id, group.name)
        use = port_ledger(doc, node_id, group.name)
        subs = sum(use.free_sub_ports().values())
        enabled = (free > 0 or subs > 0) and (protocol is None or group.protocol == protocol)
        out.append(PortChoice(group.name, group.protocol, free, group.count, enabled, use.describe(group)))
    return out


def menu_choice(parent: QWidget, title: str, choices: list[PortChoice], where: QPoint) -> PortChoice | None:
    """Ask with a small popup menu which port group to use."""
    menu = QMenu(parent)
    menu.addSection(title)
    actions = {}
    for choice in choices:
        action = menu.addAction(choice.text)
        action.setEnabled(choice.enabled)
        actions[action] = choice
    picked = menu.exec(where)
    return actions.get(picked)


class ConnectTool(QObject):
    """Pick a port group on one part, then on another: `count` = the smaller number of free ports.

    `choose(title, choices, where)` asks which group to use when there is more than one; tests replace it.
    """

    message = Signal(str)
    first_changed = Signal()

    def __init__(self, doc: Callable[[], Document], choose: Callable[..., PortChoice | None]):
        super().__init__()
        self._doc = doc
        self.choose = choose
        self.active = False
        self.first: tuple[str, PortChoice] | None = None

    def set_active(self, active: bool) -> None:
        self.active = active
        self.first = None
        self.first_changed.emit()
        if active:
            self.message.emit("Connect: click the first part (a chip or module with ports); Esc stops")

    def cancel(self) -> None:
        if self.first is not None:
            self.first = None
            self.first_changed.emit()
            self.message.emit("Connect: click the first part")

    def click(self, node_id: str | None, where: QPoint) -> str | None:
        """Handle a click on `node_id` (None: empty canvas). Returns the new link id when one was made."""
        doc = self._doc()
        node = doc.find(node_id) if node_id else None
        if not isinstance(node, Node):
            self.message.emit("Connect: click a part with ports (a GPU, CPU, switch chip, NIC ...)")
            return None
        if self.first is None:
            choice = self._pick(node, None, where)
            if choice is not None:
                self.first = (node.id, choice)
                self.first_changed.emit()
                self.message.emit(f"Connect from {node.name} {choice.port} ({choice.protocol}, {choice.free} free): "
                                  "click the part to connect to")
            return None
        first_id, first = self.first
        if node.id == first_id:
            self.message.emit(f"Connect: pick another part than {node.name}")
            return None
        choice = self._pick(node, first.protocol, where)
        if choice is None:
            return None
        split_a, split_b = breakout(doc, (first_id, first.port), (node.id, choice.port))
        free_a = free_sub_ports(doc, first_id, first.port, split_a or 1)
        free_b = free_sub_ports(doc, node.id, choice.port, split_b or 1)
        count = min(free_a, free_b)
        a = doc.get(first_id).name
        if count <= 0:
            self.message.emit(f"Cannot connect: {node.name} {choice.port} has no free "
                              f"{'sub-' if split_a or split_b else ''}ports")
            return None
        try:
            link = doc.connect(first_id, node.id, protocol=first.protocol, count=count,
                               port_a=first.port, port_b=choice.port, split_a=split_a, split_b=split_b)
        except EditError as exc:
            self.message.emit(f"Cannot connect: {exc}")
            return None
        self.first = None
        self.first_changed.emit()
        ways = split_a or split_b
        how = f" on {ways}-way split port{'s' if count > ways else ''} (breakout)" if ways else ""
        self.message.emit(f"Connected {a} {first.port} - {node.name} {choice.port}: {count} x {first.protocol}{how}")
        return link

    def _pick(self, node: Node, protocol: str | None, where: QPoint) -> PortChoice | None:
        choices = port_choices(self._doc(), node.id, protocol)
        usable = [c for c in choices if c.enabled]
        if not usable:
            wanted = f"free {protocol} ports" if protocol else "free ports"
            self.message.emit(f"Connect: {node.name} has no {wanted}")
            return None
        if len(choices) == 1:
            return usable[0]
        return self.choose(f"{node.name}: port group", choices, where)


def breakout(doc: Document, a: tuple[str, str], b: tuple[str, str]) -> tuple[int | None, int | None]:
    """(split at a, split at b): a network port faster than the port it meets splits into sub-ports of
    the slower port's rate where its catalog breakout allows (`rackcad.fabric.plan.breakout_ways`), as a
    breakout cable would; (None, None) for ports of one rate or that do not split."""
    groups = []
    for node_id, port in (a, b):
        part = doc.part_of(node_id)
        groups.append(part.port(port) if part else None)
    ga, gb = groups
    if ga is None or gb is None or ga.gbps == gb.gbps or "network" not in (ga.role, gb.role):
        return None, None
    fast, slow = (0, 1) if ga.gbps > gb.gbps else (1, 0)
    ways = breakout_ways(groups[fast], groups[slow])
    if ways <= 1:
        return None, None
    return (ways, None) if fast == 0 else (None, ways)


# ---------------------------------------------------------------- auto-wire
def auto_wire_nvlink(doc: Document, rack_ids: list[str]) -> int:
    """Wire each rack's accelerators to its switch chips of the same scale-up protocol, evenly, as the
    templates do (`wire_domain`), in one undo step. Returns the number of links made (0: nothing to do)."""
    made = 0
    order = {node.id: i for i, node in enumerate(doc.design.nodes)}
    with doc.batch("Auto-wire NVLink"):
        for rack_id in rack_ids:
            by_protocol: dict[str, tuple[list[str], list[str]]] = {}
            for node in sorted(doc.descendants(rack_id), key=lambda n: order[n.id]):
                part = doc.part_of(node.id)
                port = scale_up_port(doc, node.id)
                if part is None or port is None:
                    continue
                accs, chips = by_protocol.setdefault(port[1], ([], []))
                if part.kind in ACCELERATOR_KINDS:
                    accs.append(node.id)
                elif part.kind == "switch":
                    chips.append(node.id)
            for accs, chips in by_protocol.values():
                if accs and chips:
                    made += wire_domain(doc, accs, chips)
    return made
