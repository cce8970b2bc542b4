"""A design with instances cut into pieces that can be evaluated apart: per block, not per GPU.

An instance is *repeated* when it is its block as it is (no overrides) and no own link, own part or wiring
pattern touches it: then everything about it (its parts, links, power, checks) is its block's, under its own ids
and name. Repeated instances of the same block (and, for blocks of several racks, the same rotation) form
one *class*, evaluated once on a stand-in instance whose id and name are markers; what is found there is
mapped to every member by replacing the markers (`Piece.ids`, `Piece.text`). Everything else (own items,
instances with overrides or links to the outside, pattern links) is the *rest*, a flat design evaluated as
any design is. Pieces share no link, so a figure of the whole is the sum (or union) of the pieces'.

What depends on where racks stand on the floor (overlaps, keep-outs, the hall's edge) is not a piece's:
`racks_only(design)` is every rack of the expanded design, nothing else, for those checks.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from rackcad.catalog import Catalog
from rackcad.figures.model import Figures
from rackcad.model import Design, Instance, Node, split_id
from rackcad.model.blocks import SEPARATOR
from rackcad.model.expand import expand_instance, instance_items, instance_racks, pattern_links

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


def split(design: Design, catalog: Catalog | None = None) -> list[Piece] | None:
    """The rest first, then one piece per class of repeated instances; None when the design has no
    instances (evaluate it as it is), or cable trays on its floor (routes and tray fill are the whole
    hall's), or a block whose names hold the markers (evaluate it expanded)."""
    if not design.instances or getattr(design.floor, "trays", None):
        return None  # cable trays: routed lengths and tray fill are the whole hall's, evaluated expanded
    touched: set[str] = set()
    for link in design.links:
        for end in (link.a.node, link.b.node):
            parts = split_id(end)
            if parts is not None:
                touched.add(parts[0])
    for node in design.nodes:  # an own part placed in an instance's rack or tray changes that instance
        parts = split_id(node.parent)
        if parts is not None:
            touched.add(parts[0])
    for pattern in design.patterns:
        for row in pattern.ends:
            for end in row:
                parts = split_id(end)
                if parts is not None:
                    touched.add(parts[0])
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
        if instance.plain and instance.id not in touched and exact:
            classes.setdefault((block.id, position.rotation_deg if several else 0.0), []).append(instance)
        else:
            rest.append(instance)
    racks, nodes, links = list(design.racks), list(design.nodes), list(design.links)
    for instance in rest:
        items = instance_items(design, instance)
        racks += items.racks
        nodes += items.nodes
        links += items.links
    for pattern in design.patterns:
        links += pattern_links(pattern)
    flat = Design.model_construct(**{**dict(design), "racks": racks, "nodes": nodes, "links": links,
                                     "blocks": [], "instances": [], "patterns": []})
    pieces = [Piece(flat, [], catalog)]
    for (block_id, rotation), members in classes.items():
        piece = _class_piece(design, block_id, rotation, members[0], catalog)
        pieces.append(Piece(piece.design, members, catalog, piece.cache, piece._figures))
        if piece._figures is None:
            piece._figures = pieces[-1].figures
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
