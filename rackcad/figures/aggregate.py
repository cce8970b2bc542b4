"""The topology of a design with instances aggregated to blocks and fabric tiers, without expanding it.

One *item* per group of instances of the same block (per floor row where the instances stand in rows, as the
scalable units of a SuperPOD do), one per fabric tier of the design's own switches (leaf, spine, core:
`rackcad.topology.tiers`), and one per tier of the design's own racks holding other parts. Each item carries
what its members hold (chips by kind) and the links inside it; a *bundle* joins two items with the links
between them (count and per-direction bandwidth, by protocol).

Where the figures come from: an instance with the parts and links of its block as they are (plain, or
with only its racks' fields changed: a budget, a position) reads its block's stand-in Figures (one
evaluation per block, `rackcad.figures.pieces`), an instance with other overrides the Figures of its own
items (one rack's worth); the links between instances (wiring patterns, the design's own links, a block's
links between its racks) are read on the Figures of `rackcad.figures.pieces.linked`, which holds every rack
and only those links with the parts at their ends. So the items' and bundles' links add up to the link
count and the bandwidth of the expanded design, and nothing is expanded but what differs.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from rackcad.catalog import ACCELERATOR_KINDS, Catalog
from rackcad.figures.model import Figures
from rackcad.figures.pieces import MARK_ID, _class_piece, linked
from rackcad.model import Design, Instance, split_id
from rackcad.model.blocks import SEPARATOR
from rackcad.model.expand import instance_items, instance_racks
from rackcad.topology.tiers import SWITCH_KINDS, switch_levels, tier_name

BAND_ORDER = ("core", "spine", "leaf", "switch", "blocks", "racks")
PASSIVE = frozenset({"tray", "rack", "power-shelf", "cdu", "patch-panel", "cable", "optic"})
"""Own parts that make no item of their own unless a link ends on them."""


@dataclass
class Aggregate:
    """One item of the aggregated topology."""

    id: str
    kind: str
    """"blocks" (instances of one block), "switches" (own switches of one tier) or "racks" (own racks)."""
    title: str
    count: int
    band: str
    racks: list[str] = field(default_factory=list)
    """Expanded ids of the racks it stands for (what expanding it draws)."""
    members: list[str] = field(default_factory=list)
    """Instance ids (blocks), switch node ids (switches) or rack ids (racks)."""
    kinds: Counter = field(default_factory=Counter)
    links: int = 0
    """Links inside the item (each record's `count`)."""
    gbps: float = 0.0
    """Their bandwidth, per direction."""
    rack_lines: dict[str, tuple[str, str]] = field(default_factory=dict)
    """rack id -> (what it holds, its links) for the item's racks drawn one by one."""
    where: str = ""
    """The floor row its instances stand in (blocks grouped by row)."""
    seen: int = 0
    """Its place among the items in the order the design first holds them."""


@dataclass(frozen=True)
class Bundle:
    a: str
    b: str
    links: int
    gbps: float
    protocols: frozenset[str]


@dataclass
class HallAggregate:
    items: list[Aggregate]
    bundles: list[Bundle]
    rack_names: dict[str, str]

    def item(self, item_id: str) -> Aggregate | None:
        return next((i for i in self.items if i.id == item_id), None)

    def item_of_rack(self, rack_id: str) -> Aggregate | None:
        return next((i for i in self.items if rack_id in i.racks), None)

    @property
    def link_count(self) -> int:
        return sum(i.links for i in self.items) + sum(b.links for b in self.bundles)

    @property
    def gbps(self) -> float:
        return math.fsum([*(i.gbps for i in self.items), *(b.gbps for b in self.bundles)])


KIND_WORDS = (("gpu", "GPU"), ("xpu", "XPU"), ("cpu", "CPU"), ("switch", "switch chip"),
              ("network-switch", "network switch"), ("cpo-switch", "CPO switch"), ("nic", "NIC"))


def kinds_text(kinds: Counter, most: int = 3) -> str:
    """'73,728 GPUs · 36,864 CPUs · 18,432 switch chips'."""
    words = [f"{kinds[k]:,} {w}{'s' if kinds[k] != 1 else ''}" for k, w in KIND_WORDS if kinds[k]]
    return " · ".join(words[:most]) or "no chips"


class _Reading:
    """What one Figures of a whole instance (a stand-in or an instance's own items) says, per local rack."""

    def __init__(self, figures: Figures, prefix: str):
        self.kinds: Counter = Counter()
        self.rack_kinds: dict[str, Counter] = {}
        self.rack_links: Counter = Counter()
        cut = len(prefix)
        for node_id, node in figures.nodes.items():
            part = figures.node_parts.get(node_id)
            if part is None:
                continue
            self.kinds[part.kind] += 1
            rack = figures.rack_of.get(node_id)
            if rack is not None:
                self.rack_kinds.setdefault(rack[cut:], Counter())[part.kind] += 1
        self.links = 0
        gbps = []
        for fig in figures.link_figures.values():
            self.links += fig.link.count
            gbps.append(fig.gbps)
            for rack in {fig.rack_a, fig.rack_b} - {None}:
                self.rack_links[rack[cut:]] += fig.link.count
        self.gbps = math.fsum(gbps)


def hall_aggregate(design: Design, catalog: Catalog | None = None) -> HallAggregate | None:
    """The aggregated topology of a design with instances (see the module text); None without instances."""
    if not design.instances:
        return None
    rack_ids: dict[str, set[str]] = {}

    def reading(instance: Instance) -> _Reading:
        block = design.block(instance.block)
        racks = rack_ids.get(block.id)
        if racks is None:
            racks = rack_ids[block.id] = {rack.id for rack in block.racks}
        if not instance.removed and set(instance.changed) <= racks:  # the block's parts and links as they are
            rotation = instance.position.rotation_deg if len(block.racks) > 1 else 0.0
            piece = _class_piece(design, block.id, rotation, instance, catalog)
            hit = piece.cache.get("aggregate")
            if hit is None:
                hit = piece.cache["aggregate"] = _Reading(piece.figures, MARK_ID + SEPARATOR)
            return hit
        items = instance_items(design, instance)
        flat = Design.model_construct(**{**dict(design), "racks": items.racks, "nodes": items.nodes,
                                         "links": items.links, "blocks": [], "instances": [], "patterns": []})
        return _Reading(Figures(flat, catalog), instance.id + SEPARATOR)

    rows = {row.id: row.name or row.id for row in getattr(design.floor, "rows", ())}
    by_row = any(i.position.row for i in design.instances)
    items: dict[str, Aggregate] = {}
    group_of: dict[str, str] = {}
    names: dict[str, str] = {}
    for instance in design.instances:
        block = design.block(instance.block)
        row = instance.position.row if by_row else None
        key = f"block:{block.id}" + (f"@{row}" if row else "")
        item = items.get(key)
        if item is None:
            item = items[key] = Aggregate(key, "blocks", block.name or block.id, 0, "blocks", seen=len(items))
            item.where = rows.get(row, row) if row else ""
        item.count += 1
        item.members.append(instance.id)
        group_of[instance.id] = key
        read = reading(instance)
        item.kinds.update(read.kinds)
        item.links += read.links
        item.gbps += read.gbps
        for rack in instance_racks(design, instance):
            local = split_id(rack.id)[1]
            item.racks.append(rack.id)
            names[rack.id] = rack.name
            count = read.rack_links.get(local, 0)
            item.rack_lines[rack.id] = (kinds_text(read.rack_kinds.get(local, Counter()), 2),
                                        f"{count:,} link{'s' if count != 1 else ''}")
    for item in items.values():
        item.title = f"{item.title} × {item.count:,}" + (f" · {item.where}" if item.where else "")

    cross = Figures(_between_instances(linked(design), set(group_of)), catalog)
    levels = switch_levels(cross)
    own_rack: dict[str, str] = {}
    for rack in design.racks:
        names[rack.id] = rack.name
    rack_kinds: dict[str, Counter] = {}
    for node in design.nodes:
        rack = cross.rack_of.get(node.id)
        part = cross.node_parts.get(node.id)
        if rack is None or part is None or (part.kind in PASSIVE and not cross.links_of.get(node.id)):
            continue
        owner = split_id(rack)
        if owner is not None and owner[0] in group_of:  # an own part in an instance's rack
            group_of[node.id] = group_of[owner[0]]
            items[group_of[owner[0]]].kinds[part.kind] += 1
            continue
        own_rack[node.id] = rack
        rack_kinds.setdefault(rack, Counter())[part.kind] += 1
    racks_tier = {rack: ("compute" if any(k[a] for a in ACCELERATOR_KINDS) else "other")
                  for rack, k in rack_kinds.items()}
    for node_id, rack in own_rack.items():
        part = cross.node_parts[node_id]
        if part.kind in SWITCH_KINDS and not any(rack_kinds[rack][a] for a in ACCELERATOR_KINDS):
            level = levels.get(node_id)
            name = tier_name(level) if level else "unlinked"
            key = f"switches:{name}"
            item = items.get(key)
            if item is None:
                band = name if name in BAND_ORDER else "switch"
                item = items[key] = Aggregate(key, "switches", f"{name.capitalize()} switches", 0, band,
                                              seen=len(items))
            item.count += 1
            item.members.append(node_id)
        else:
            key = f"racks:{racks_tier[rack]}"
            item = items.get(key)
            if item is None:
                title = "Compute racks of the design" if racks_tier[rack] == "compute" else "Other racks"
                item = items[key] = Aggregate(key, "racks", title, 0, "racks", seen=len(items))
            if rack not in item.members:
                item.count += 1
                item.members.append(rack)
        item.kinds[part.kind] += 1
        if rack not in item.racks:
            item.racks.append(rack)
        group_of[node_id] = key
    for item in items.values():
        if item.kind != "blocks":
            item.title = f"{item.title} × {item.count:,}"

    def group(node_id: str) -> str | None:
        hit = group_of.get(node_id)
        if hit is None:
            owner = split_id(node_id)
            if owner is not None:
                hit = group_of.get(owner[0])
        return hit

    bundles: dict[tuple[str, str], list] = {}
    inside: dict[str, list] = {}
    for fig in cross.link_figures.values():
        a, b = group(fig.link.a.node), group(fig.link.b.node)
        if a is None or b is None:
            continue
        if a == b:
            inside.setdefault(a, []).append(fig)
            continue
        pair = (a, b) if _order(items[a]) <= _order(items[b]) else (b, a)
        entry = bundles.setdefault(pair, [0, [], set()])
        entry[0] += fig.link.count
        entry[1].append(fig.gbps)
        entry[2].add(fig.link.protocol)
    for key, figs in inside.items():
        items[key].links += sum(f.link.count for f in figs)
        items[key].gbps = math.fsum([items[key].gbps, *(f.gbps for f in figs)])
    ordered = sorted(items.values(), key=_order)
    return HallAggregate(ordered, [Bundle(a, b, n, math.fsum(g), frozenset(p)) for (a, b), (n, g, p) in
                                   sorted(bundles.items(), key=lambda kv: (_order(items[kv[0][0]]),
                                                                           _order(items[kv[0][1]])))],
                         names)


def _order(item: Aggregate) -> tuple:
    """Bands from the core down; in a band, in the order the design first holds them (SU1 before SU10)."""
    return (BAND_ORDER.index(item.band), item.seen)


def _between_instances(design: Design, instances: set[str]) -> Design:
    """`linked(design)` without a block's own links between its racks (its instances' readings count them)."""
    links = [k for k in design.links if (split_id(k.id) or ("",))[0] not in instances]
    return Design.model_construct(**{**dict(design), "links": links})
