"""HallFigures: the Figures of a design with instances, expanded only where somebody looks.

A hall of a thousand instances of one rack is, for most of what the editor shows at first, a thousand times
the same rack: its power for the floor plan's colours, its parts and links for the status bar. HallFigures
holds every rack of the expanded design (positions, names, budgets: what the floor plan draws), and the
parts and links only of

- what the design holds itself, the instances with overrides and those an own link, own part or wiring
  pattern reaches (the *rest* of `rackcad.figures.pieces`: what differs), and
- the instances somebody *opened* (`open`): the racks the elevation draws, the items the inspector shows.

Every other instance is a member of a class of repeated instances (`rackcad.figures.pieces`): its figures are
its class's, evaluated once on the class's stand-in and mapped to the member's ids. `load(rack)`,
`rack_of`, `kind_counts()`, `node_count`, `link_count` and `total_power_w()` answer for the whole expanded
design from the opened items plus the classes times their unopened members, with the same figures a
Figures of the expanded design gives (power sums exactly, as `math.fsum` does over every term).

Opening an instance patches its items in (`Figures.update`): it costs one instance, and the instance then
reads as in a Figures of the expanded design. `open_all()` expands everything (what a view of every part
needs); `complete` says whether that is the state, and only then is `source` the design (`Figures.of` and
`validate` reuse a HallFigures only when it is complete).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from rackcad.catalog import Catalog, default_catalog
from rackcad.figures.choice import Chooser
from rackcad.figures.model import Figures, RackLoad, float_partials
from rackcad.figures.pieces import MARK_ID, Piece, split
from rackcad.model import Design, Instance, expanded, split_id
from rackcad.model.blocks import SEPARATOR
from rackcad.model.expand import instance_items, instance_racks

_MISSING = object()
PATCH_MAX = 16
"""Instances opened at once up to which their items are patched in (`Figures.update`); more are built afresh."""


class _RackOf(dict):
    """node id -> rack id, answering for the items of unopened instances too (through their class)."""

    def __init__(self, data: dict, resolve) -> None:
        super().__init__(data)
        self._resolve = resolve

    def get(self, key, default=None):
        value = dict.get(self, key, _MISSING)
        if value is not _MISSING:
            return value
        found = self._resolve(key)
        return default if found is None else found


class HallFigures(Figures):
    """Figures of a design with instances: every rack, and the parts and links of what differs and of what
    was opened; the rest answered per class of repeated instances (see the module text)."""

    def __init__(self, design: Design, catalog: Catalog | None = None, opened: Iterable[str] = ()):
        self.hall = design
        """The design (with blocks and instances) these figures are of."""
        self.catalog = catalog or default_catalog()
        self.chooser = Chooser(self.catalog)
        self._choices = {}
        self.opened: set[str] = set()
        """Ids of the repeated instances whose items have been patched in."""
        self._class_of: dict[str, tuple[Piece, Instance]] = {}
        pieces = split(design, self.catalog)
        if pieces is None:  # cable trays on the floor, or marker names: the whole design, expanded
            self.design = expanded(design)
            self._build()
        else:
            rest = pieces[0]
            for piece in pieces[1:]:
                for member in piece.members:
                    self._class_of[member.id] = (piece, member)
            racks = list(design.racks)
            for instance in design.instances:
                if instance.id in self._class_of:
                    racks += instance_racks(design, instance)
                else:
                    racks += instance_items(design, instance).racks
            self.design = Design.model_construct(**{**dict(rest.design), "racks": racks,
                                                    "nodes": list(rest.design.nodes),
                                                    "links": list(rest.design.links)})
            self._build()
        self.rack_of = _RackOf(self.rack_of, self._class_rack)
        self.source = None if self._class_of else design
        self.open(i for i in opened if i in self._class_of)

    # ------------------------------------------------------------------ classes
    @property
    def complete(self) -> bool:
        """Whether every instance is expanded here (then this is a Figures of the expanded design)."""
        return len(self.opened) == len(self._class_of)

    def _unopened(self, item_id: str) -> tuple[Piece, Instance, str] | None:
        """(class piece, member, the stand-in's id for the item) of an item of an unopened repeated instance."""
        parts = split_id(item_id) if isinstance(item_id, str) else None
        if parts is None or parts[0] in self.opened:
            return None
        hit = self._class_of.get(parts[0])
        if hit is None:
            return None
        return hit[0], hit[1], MARK_ID + SEPARATOR + parts[1]

    def _class_rack(self, item_id: str) -> str | None:
        """The rack of a rack, part or link (its `a` end's) of an unopened repeated instance, else None."""
        hit = self._unopened(item_id)
        if hit is None:
            return None
        piece, member, stand_in = hit
        figures = piece.figures
        if stand_in in figures.racks:
            rack = stand_in
        elif stand_in in figures.link_figures:
            rack = figures.link_figures[stand_in].owner
        else:
            rack = dict.get(figures.rack_of, stand_in)
        return None if rack is None else Piece.ids(member)(rack)

    def _unopened_members(self) -> list[tuple[Piece, int]]:
        """(class piece, members not opened) per class."""
        return [(piece, len(members)) for piece, members in self.classes()]

    def classes(self) -> list[tuple[Piece, list[Instance]]]:
        """(class piece, its members not opened, in design order) per class of repeated instances: what a
        reader of every part adds to what these figures hold themselves (the rest and the opened
        instances), each member read on its class's stand-in (`Piece.ids`, `Piece.text` name it)."""
        out: dict[int, tuple[Piece, list[Instance]]] = {}
        for instance_id, (piece, member) in self._class_of.items():
            if instance_id not in self.opened:
                out.setdefault(id(piece.figures), (piece, []))[1].append(member)
        return list(out.values())

    # ------------------------------------------------------------------ opening
    def open(self, item_ids: Iterable[str]) -> bool:
        """Expand the instances that hold `item_ids` (instance ids or expanded ids) into these figures;
        True when one was not expanded yet."""
        wanted: dict[str, Instance] = {}
        for item_id in item_ids:
            owner = split_id(item_id)[0] if isinstance(item_id, str) and SEPARATOR in item_id else item_id
            hit = self._class_of.get(owner)
            if hit is not None and owner not in self.opened:
                wanted[owner] = hit[1]
        if not wanted:
            return False
        design = self.design
        found: dict[str, object] = {}
        positions = {rack.id: i for i, rack in enumerate(design.racks)}
        for instance_id, instance in wanted.items():
            items = instance_items(self.hall, instance)
            for rack in items.racks:
                design.racks[positions[rack.id]] = rack
            design.nodes.extend(items.nodes)
            design.links.extend(items.links)
            found.update(items.by_id)
            self.opened.add(instance_id)
        if len(wanted) > PATCH_MAX:  # many at once: built afresh, as a Figures of the expanded design is
            self._build()
            self.rack_of = _RackOf(self.rack_of, self._class_rack)
        else:
            self.update(list(found), found.get)
        if self.complete:
            self.source = self.hall
        return True

    def open_all(self) -> bool:
        """Expand every instance (what a drawing or chart of every part needs)."""
        return self.open(list(self._class_of))

    # ------------------------------------------------------------------ reading
    def load(self, rack_id: str) -> RackLoad:
        load = self._loads.get(rack_id)
        if load is not None:
            return load
        hit = self._unopened(rack_id)
        if hit is None:
            return super().load(rack_id)
        piece, member, stand_in = hit
        base = piece.figures.load(stand_in)
        ids = Piece.ids(member)

        def mapped(nodes):
            return [n.model_copy(update={"id": ids(n.id), "parent": ids(n.parent)}) for n in nodes]

        load = RackLoad(parts_w=base.parts_w, optics_w=base.optics_w, power_w=base.power_w, liquid_w=base.liquid_w,
                        shelves=mapped(base.shelves), cdus=mapped(base.cdus))
        self._loads[rack_id] = load
        return load

    def name(self, item_id: str) -> str:
        hit = self._unopened(item_id)
        if hit is None:
            return super().name(item_id)
        piece, member, stand_in = hit
        name = piece.figures.name(stand_in)
        return item_id if name == stand_in else Piece.text(member)(name)

    def kind_counts(self) -> Counter:
        counts = super().kind_counts()
        for piece, n in self._unopened_members():
            for kind, count in piece.figures.kind_counts().items():
                counts[kind] += count * n
        return counts

    @property
    def node_count(self) -> int:
        return len(self.nodes) + sum(len(piece.figures.nodes) * n for piece, n in self._unopened_members())

    @property
    def link_count(self) -> int:
        return super().link_count + sum(piece.figures.link_count * n for piece, n in self._unopened_members())

    def total_power_w(self) -> float:
        if not self._class_of or self.complete:
            return super().total_power_w()
        terms = list(self.power_terms())
        for piece, n in self._unopened_members():
            partials = piece.cache.get("power_partials")
            if partials is None:
                partials = piece.cache["power_partials"] = float_partials(piece.figures.power_terms())
            terms += partials * n
        return math.fsum(terms)

    def selection_power_w(self, ids: Iterable[str]) -> float:
        """`Figures.selection_power_w`, the items of unopened instances read on their class's stand-in."""
        own: list[str] = []
        per_member: dict[str, tuple[Piece, list[str]]] = {}
        for item_id in ids:
            hit = self._unopened(item_id)
            if hit is None:
                own.append(item_id)
            else:
                per_member.setdefault(hit[1].id, (hit[0], []))[1].append(hit[2])
        watts = [super().selection_power_w(own)] if own else []
        watts += [piece.figures.selection_power_w(stand_ins) for piece, stand_ins in per_member.values()]
        return math.fsum(watts)
