"""A design with instances cut into pieces that can be evaluated apart: per block, not per GPU.

An instance is *repeated* when it is its block as it is (no overrides) and no own link, own part or wiring
pattern touches it: then everything about it (its parts, links, power, checks) is its block's, under its own ids
and name. Repeated instances of the same block (and, for blocks of several racks, the same rotation) form
one *class*, evaluated once on a stand-in instance whose id and name are markers; what is found there is
mapped to every member by replacing the markers (`Piece.ids`, `Piece.text`). Everything else (own items,
instances with overrides or links to the outside, pattern links) is the *rest*, a flat design evaluated as
any design is. Pieces share no link, so a figure of the whole is the sum (or union) of the pieces'.

An instance reached only by links (own links, wiring patterns) at some of its ports can stay a member of
its class (`split(..., attach=True)`): it is then *attached*. The rest holds what differs of it: its racks,
the parts those links end on with what holds them (and the NICs beside them, whose order names their
rails), never its other parts and links; the class answers for everything else. That is exact when the
outside links cannot change what the class found: they end on NICs or DPUs (no switch, so no tier level
inside the block moves; no accelerator, so no NVLink domain or scale-up figure does), on port groups no
link of the block uses (so the class's port use, module sharing and breakout cages are untouched), and are
not scale-up links. What they do change is the rack's power and heat (the optics plugged in at this end):
`rack_load(rest, rack)` composes it, the class's terms plus the rest's, rounded once as a whole rack is.
Any other instance reached from outside is expanded into the rest, as before. An instance whose only
overrides are budgets of its racks (`BUDGETS`) is attached the same way, its racks in the rest as it has
them: what reads a budget reads the rack's load too (power and cooling), and runs again for it.

What depends on where racks stand on the floor (overlaps, keep-outs, the hall's edge) is not a piece's:
`racks_only(design)` is every rack of the expanded design, nothing else, for those checks.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from rackcad.catalog import ACCELERATOR_KINDS, Catalog, default_catalog
from rackcad.figures.model import Figures, RackLoad, float_partials
from rackcad.model import Block, Design, Instance, Link, Node, split_id
from rackcad.model.blocks import SEPARATOR
from rackcad.model.expand import expand_instance, instance_items, instance_racks, pattern_links
from rackcad.topology import is_scale_up_protocol

MARK_ID = "\u27e6i\u27e7"
"""The stand-in instance's id: its items are "⟦i⟧/G12"."""
MARK_NAME = "\u27e6n\u27e7"
"""The stand-in instance's name, hence its rack's name, in every message found on it."""
MARKS = "\u27e6"


@dataclass(eq=False)
class Piece:
    """A flat design evaluated on its own: the rest (`members` empty) or a class of repeated instances
    (its design is one stand-in instance of the block; `members` are the instances it stands for)."""

    design: Design
    members: list[Instance] = field(default_factory=list)
    catalog: Catalog | None = None
    cache: dict = field(default_factory=dict)
    """What evaluators keep about this piece between runs (a class piece lives while its block does)."""
    _figures: Figures | None = None
    attached: dict[str, tuple["Piece", Instance]] = field(default_factory=dict)
    """The rest: rack id -> (class piece, member) for the racks of attached instances (see the module text)."""
    borrowed: frozenset[str] = frozenset()
    """The rest: ids of the parts it holds of attached instances (their class counts them)."""
    attached_ids: frozenset[str] = frozenset()
    """A class piece: the members that are attached (their racks' loads are the rest's `rack_load`)."""

    @property
    def figures(self) -> Figures:
        if self._figures is None:
            self._figures = Figures(self.design, self.catalog)
        return self._figures

    @property
    def repeated(self) -> bool:
        return bool(self.members)

    @staticmethod
    def ids(member: Instance) -> Callable[[str], str]:
        """Maps a stand-in id to the member's (ids of other items pass unchanged)."""
        prefix = MARK_ID + SEPARATOR
        own = member.id + SEPARATOR
        cut = len(prefix)
        return lambda item_id: own + item_id[cut:] if item_id.startswith(prefix) else item_id

    @staticmethod
    def text(member: Instance) -> Callable[[str], str]:
        """Maps a message found on the stand-in to the member's (its id and name in place of the markers)."""
        return lambda message: message.replace(MARK_NAME, member.name).replace(MARK_ID, member.id)


_CLASSES: OrderedDict[tuple, tuple[object, object, object, Piece]] = OrderedDict()
CLASS_CACHE = 64


def _class_piece(design: Design, block_id: str, rotation: float, first: Instance, catalog: Catalog | None) -> Piece:
    block = design.block(block_id)
    key = (id(block), rotation, id(catalog))
    hit = _CLASSES.get(key)
    if hit is not None and hit[0] is block and hit[1] is design.floor and hit[2] is design.rules:
        _CLASSES.move_to_end(key)
        return hit[3]
    stand_in = Instance.model_construct(id=MARK_ID, name=MARK_NAME, block=block_id, position=first.position,
                                        removed=[], changed={})
    items = expand_instance(stand_in, block)
    flat = Design.model_construct(**{**dict(design), "racks": items.racks, "nodes": items.nodes,
                                     "links": items.links, "blocks": [], "instances": [], "patterns": []})
    piece = Piece(flat, [], catalog)
    _CLASSES[key] = (block, design.floor, design.rules, piece)
    if len(_CLASSES) > CLASS_CACHE:
        _CLASSES.popitem(last=False)
    return piece


def _exact(value: float) -> bool:
    return float(value).is_integer()


BUDGETS = frozenset({"power_budget_w", "liquid_capacity_w", "air_capacity_w", "power_redundancy"})
"""Rack fields an attached instance may change: what it may budget (read only by the rules of rack loads)."""

ATTACHABLE = frozenset({"nic", "dpu"})
"""Kinds of part an outside link may end on in an attached instance (see the module text)."""

_BLOCK_PORTS: OrderedDict[int, tuple[Block, set[tuple[str, str]]]] = OrderedDict()


def _block_ports(block: Block) -> set[tuple[str, str]]:
    """(local node, port group) of every end of the block's own links (kept while the block is the same)."""
    hit = _BLOCK_PORTS.get(id(block))
    if hit is not None and hit[0] is block:
        return hit[1]
    ports = {(ref.node, ref.port) for link in block.links for ref in (link.a, link.b)}
    _BLOCK_PORTS[id(block)] = (block, ports)
    if len(_BLOCK_PORTS) > CLASS_CACHE:
        _BLOCK_PORTS.popitem(last=False)
    return ports


def _attachable(block: Block, ends: list[tuple[str, str, str]], catalog: Catalog) -> bool:
    """Whether outside links ending at `ends` ((local node, port group, protocol)) leave everything the
    block's class finds as it is (see the module text)."""
    if len(block.racks) != 1:
        return False
    used = _block_ports(block)
    nodes = {node.id: node for node in block.nodes}
    racks = {rack.id for rack in block.racks}
    for local, port, protocol in ends:
        node = nodes.get(local)
        part = catalog.find(node.part) if node is not None else None
        if (part is None or part.kind not in ATTACHABLE or part.port(port) is None or (local, port) in used
                or is_scale_up_protocol(protocol)):
            return False
        seen = {local}
        while node.parent not in racks:  # what holds it: trays, never an accelerator, up to the rack
            node = nodes.get(node.parent)
            held = catalog.find(node.part) if node is not None else None
            if node is None or node.id in seen or held is None or held.kind in ACCELERATOR_KINDS:
                return False
            seen.add(node.id)
    return True


def budgets_only(instance: Instance, block: Block) -> bool:
    """Whether the instance's overrides are budgets of its racks (`BUDGETS`) and nothing else."""
    if instance.removed:
        return False
    racks = {rack.id for rack in block.racks}
    return all(local in racks and fields.keys() <= BUDGETS for local, fields in instance.changed.items())


def _outside_links(design: Design) -> list[Link]:
    """The design's own links and its patterns' links: every link that may join instances."""
    links = list(design.links)
    for pattern in design.patterns:
        links += pattern_links(pattern)
    return links


def _borrow(design: Design, instance: Instance, locals_: set[str], nodes: dict[str, Node],
            catalog: Catalog) -> None:
    """Copies into `nodes` of the instance's parts `locals_`, what holds them up to the rack, and the NICs
    beside each of them (the rails rule ranks a tray's NICs by bay)."""
    block = design.block(instance.block)
    local = {node.id: node for node in block.nodes}
    beside: dict[str, list[Node]] = {}
    for node in block.nodes:
        part = catalog.find(node.part)
        if part is not None and part.kind == "nic":
            beside.setdefault(node.parent, []).append(node)
    prefix = instance.id + SEPARATOR
    wanted = set(locals_)
    for node_id in locals_:
        wanted.update(n.id for n in beside.get(local[node_id].parent, ()))
    for node_id in wanted:
        node = local.get(node_id)
        while node is not None and prefix + node.id not in nodes:
            nodes[prefix + node.id] = node.model_copy(update={"id": prefix + node.id,
                                                              "parent": prefix + node.parent})
            node = local.get(node.parent)


def rack_load(rest: Piece, rack_id: str) -> RackLoad:
    """The load of a rack of the rest: an attached instance's is its class's terms (kept as exact partials
    with the class) and the optics the rest plugs into its parts, rounded once as `Figures.load` rounds."""
    hit = rest.attached.get(rack_id)
    if hit is None:
        return rest.figures.load(rack_id)
    piece, _ = hit
    local = MARK_ID + SEPARATOR + split_id(rack_id)[1]
    key = ("load terms", local)
    base = piece.cache.get(key)
    if base is None:
        parts, liquid, optics, optics_liquid, shelves, cdus = piece.figures.load_terms(local)
        base = piece.cache[key] = (float_partials(parts), float_partials(parts + optics),
                                   float_partials(liquid + optics_liquid), float_partials(optics), shelves, cdus)
    parts, power, liquid, optics, shelves, cdus = base
    figures = rest.figures
    more, more_liquid = [], []
    for link_id, side in figures.rack_ends.get(rack_id, ()):
        fig = figures.link_figures[link_id]
        more.append(fig.power_b if side else fig.power_a)
        more_liquid.append(fig.liquid_b if side else fig.liquid_a)
    return RackLoad(parts_w=math.fsum(parts), optics_w=math.fsum(optics + more), power_w=math.fsum(power + more),
                    liquid_w=math.fsum(liquid + more_liquid), shelves=shelves, cdus=cdus)


def split(design: Design, catalog: Catalog | None = None, attach: bool = False) -> list[Piece] | None:
    """The rest first, then one piece per class of repeated instances; None when the design has no
    instances (evaluate it as it is), or cable trays on its floor (routes and tray fill are the whole
    hall's), or a block whose names hold the markers (evaluate it expanded).

    `attach`: instances reached only by links that leave their class's findings as they are stay members,
    attached (see the module text), for callers that compose their racks' loads with `rack_load`; cable
    trays then need no expanded design, as every link that runs between racks is in the rest. Not with
    latency budgets (their paths cross the instances)."""
    attach = attach and not design.latency_budgets
    if not design.instances or (getattr(design.floor, "trays", None) and not attach):
        return None  # cable trays: routed lengths and tray fill are the whole hall's, evaluated expanded
    catalog_ = catalog or default_catalog()
    touched: set[str] = set()
    reached: dict[str, list[tuple[str, str, str]]] = {}
    outside = _outside_links(design)
    for link in outside:
        for ref in (link.a, link.b):
            parts = split_id(ref.node)
            if parts is not None:
                reached.setdefault(parts[0], []).append((parts[1], ref.port, link.protocol))
    for node in design.nodes:  # an own part placed in an instance's rack or tray changes that instance
        parts = split_id(node.parent)
        if parts is not None:
            touched.add(parts[0])
    for waiver in design.waivers:  # a waiver some rules read names items inside this instance
        for subject in waiver.subjects:
            parts = split_id(subject)
            if parts is not None:
                touched.add(parts[0])
    attached: set[str] = set()
    for instance_id, ends in reached.items():
        instance = design.instance(instance_id) if attach and instance_id not in touched else None
        block = design.block(instance.block) if instance is not None else None
        if instance is not None and budgets_only(instance, block) and _attachable(block, ends, catalog_):
            attached.add(instance_id)
        else:
            touched.add(instance_id)
    if attach:
        attached.update(i.id for i in design.instances if not i.plain and i.id not in touched and i.id not in reached
                        and budgets_only(i, design.block(i.block)))
    marked: dict[str, bool] = {}
    classes: dict[tuple[str, float], list[Instance]] = {}
    rest: list[Instance] = []
    for instance in design.instances:
        block = design.block(instance.block)
        if block.id not in marked:
            marked[block.id] = any(MARKS in item.name for item in (*block.racks, *block.nodes, *block.links))
        if marked[block.id]:
            return None
        several = len(block.racks) > 1
        position = instance.position
        exact = not several or (position.rotation_deg == 0 and _exact(position.x_mm) and _exact(position.y_mm)
                                and all(_exact(r.position.x_mm) and _exact(r.position.y_mm) for r in block.racks))
        if (instance.plain or instance.id in attached) and instance.id not in touched and exact:
            classes.setdefault((block.id, position.rotation_deg if several else 0.0), []).append(instance)
        else:
            rest.append(instance)
    if getattr(design.floor, "trays", None) and any(len(design.block(b).racks) > 1 for b, _ in classes):
        return None  # a class's links between its racks run through the trays: the tray fill is the hall's
    racks, nodes, links = list(design.racks), list(design.nodes), list(design.links)
    for instance in rest:
        items = instance_items(design, instance)
        racks += items.racks
        nodes += items.nodes
        links += items.links
    links += outside[len(design.links):]
    borrowed: dict[str, Node] = {}
    rack_ids: dict[str, Instance] = {}
    for instance in design.instances:
        if instance.id in attached:
            _borrow(design, instance, {local for local, _, _ in reached.get(instance.id, ())}, borrowed, catalog_)
            for rack in instance_racks(design, instance):
                racks.append(rack)
                rack_ids[rack.id] = instance
    nodes += borrowed.values()
    flat = Design.model_construct(**{**dict(design), "racks": racks, "nodes": nodes, "links": links,
                                     "blocks": [], "instances": [], "patterns": []})
    pieces = [Piece(flat, [], catalog, borrowed=frozenset(borrowed))]
    for (block_id, rotation), members in classes.items():
        piece = _class_piece(design, block_id, rotation, members[0], catalog)
        mine = frozenset(m.id for m in members if m.id in attached)
        pieces.append(Piece(piece.design, members, catalog, piece.cache, piece._figures, attached_ids=mine))
        if piece._figures is None:
            piece._figures = pieces[-1].figures
        for rack_id, instance in rack_ids.items():
            if instance.id in mine:
                pieces[0].attached[rack_id] = (pieces[-1], instance)
    return pieces


def racks_only(design: Design) -> Design:
    """Every rack of the expanded design, in its order, and no parts or links: what floor checks read."""
    racks = list(design.racks)
    for instance in design.instances:
        racks += instance_racks(design, instance)
    return Design.model_construct(**{**dict(design), "racks": racks, "nodes": [], "links": [],
                                     "blocks": [], "instances": [], "patterns": []})


def linked(design: Design) -> Design:
    """Every rack of the expanded design and only the links that run between racks of it (own links,
    pattern links, a block's links between its racks), with the parts at their ends and what holds those
    parts: what routed lengths through the cable trays and the trays' fill read. Links inside one rack of
    an instance never reach a tray, and a port's modules are shared only by links on the same port group,
    so the tray fill of this design is that of the expanded design, without expanding every instance."""
    racks = racks_only(design).racks
    nodes: dict[str, Node] = {node.id: node for node in design.nodes}
    links = list(design.links)
    for pattern in design.patterns:
        links += pattern_links(pattern)
    parents: dict[str, dict[str, Node]] = {}
    whole: set[str] = set()
    for instance in design.instances:
        block = design.block(instance.block)
        if len(block.racks) > 1 or not instance.plain:
            whole.add(instance.id)
            items = instance_items(design, instance)
            nodes.update((node.id, node) for node in items.nodes)
            links += [link for link in items.links if len(block.racks) > 1]
    for link in links:
        for end in (link.a.node, link.b.node):
            parts = split_id(end)
            if end in nodes or parts is None or parts[0] in whole:
                continue
            instance = design.instance(parts[0])
            if instance is None:
                continue
            block = design.block(instance.block)
            local = parents.get(block.id)
            if local is None:
                local = parents[block.id] = {node.id: node for node in block.nodes}
            prefix = instance.id + SEPARATOR
            node = local.get(parts[1])
            while node is not None and prefix + node.id not in nodes:
                nodes[prefix + node.id] = node.model_copy(update={"id": prefix + node.id,
                                                                  "parent": prefix + node.parent})
                node = local.get(node.parent)
    return Design.model_construct(**{**dict(design), "racks": racks, "nodes": list(nodes.values()), "links": links,
                                     "blocks": [], "instances": [], "patterns": []})
