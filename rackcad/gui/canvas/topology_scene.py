"""The topology scene: the parts, links and groups of `rackcad.layout.topology`, as the SVG export draws them.

`rebuild` lays the design out again (~140 ms for GB200 NVL576) only when something its geometry depends on
changed (`_shape`: which parts sit where, the links, the racks), so moving a rack on the floor plan, editing
a budget or a power override costs nothing here, and renaming a part only relabels its box. A rebuild
replaces every item: GB200 NVL72 is 126 parts and 1,368 edges, GB200 NVL576 1,296 parts and 48 bundles
(no per-link items).

Labels follow the SVG: each group's title, one total per pair of linked groups ("1,296 NVLink 5 links ·
518.4 Tb/s", or "... to tier-2 switches" for the groups a second tier joins across racks) and, with few
edges (an HGX board, a mesh), each edge's link count. They are screen-size `Tag`s drawn by the view.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from html import escape

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsScene

from rackcad.gui.canvas.tags import Tag
from rackcad.figures.aggregate import HallAggregate, hall_aggregate
from rackcad.gui.canvas.topology_blocks import AggregateBox, BlocksTopology, blocks_topology, bundle_item
from rackcad.gui.canvas.topology_hall import AGGREGATE_RACKS, HallTopology, RackTile, hall_topology
from rackcad.gui.canvas.topology_items import GROUP_FILL, EdgeItem, FrameItem, PartItem
from rackcad.layout.geometry import point_at
from rackcad.layout.style import KIND_LABELS, bandwidth_text, protocol_label, qualified_label
from rackcad.layout.topology import GROUP_TITLE, TopologyEdge, TopologyGroup, TopologyLayout, topology_layout
from rackcad.model import Design
from rackcad.topology import DesignIndex, is_scale_up_protocol
from rackcad.units import fmt_gbps

EDGE_LABELS_MAX = 64
"""Up to this many drawn pairs each edge carries its link count (as in the SVG)."""
DENSE_EDGES = 64
"""Above this many edges they are drawn translucent."""
DOMAIN_COLOR = "#f9a825"
DOMAIN_PAD = 14.0
"""Scene units between a domain's accelerators and its dashed outline."""
DIMMED = 0.12
"""Opacity of the links a selection does not touch."""
ABOVE_TITLE_PX = 34.0
"""Screen pixels above a group's frame for the total of the links an upper tier brings it from other racks:
clear of the group's title when the title has to sit above the frame."""


EXPAND_MAX = 16
"""At hall scale, the context menu expands up to this many selected racks part by part at once."""
AGGREGATE_INSTANCES = 2
"""Designs with at least this many instances show their topology aggregated to blocks and fabric tiers."""


def instances_of(index: DesignIndex) -> Design | None:
    """The design with instances `index` is of (a hall's Figures, or the Figures of a design expanded),
    when it has AGGREGATE_INSTANCES instances or more; else None (the topology is drawn as it is)."""
    source = getattr(index, "hall", None) or getattr(index, "source", None)
    if source is None or len(getattr(source, "instances", ())) < AGGREGATE_INSTANCES:
        return None
    return source


def _shape(design: Design) -> tuple:
    """What the layout's geometry depends on: each part's id, part and container in design order, each link's
    ends, protocol and count, and the racks in order with their names (in the group titles). Part names
    only label boxes."""
    return (tuple((n.id, n.part, n.parent) for n in design.nodes),
            tuple((k.a.node, k.a.port, k.b.node, k.b.port, k.protocol, k.count) for k in design.links),
            tuple((r.id, r.name) for r in design.racks))


class TopologyScene(QGraphicsScene):
    """Parts, edges and group frames; selection by model ids."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layout = TopologyLayout()
        self.index: DesignIndex | None = None
        self.domains: list[tuple[QRectF, int]] = []
        self.selectionChanged.connect(self.highlight_selection)
        self.tags: list[Tag] = []
        self.kinds: list[str] = []
        self.protocols: list[str] = []
        self._parts: dict[str, PartItem] = {}
        self._edges: list[EdgeItem] = []
        self._groups: dict[str, TopologyGroup] = {}
        self._members: dict[str, list[str]] = {}
        self._under: dict[str, list[str]] = {}
        self._key: tuple = ()
        self.hall: HallTopology | None = None
        """At hall scale (more than AGGREGATE_RACKS racks): the rack tiles; else None."""
        self.expanded: list[str] = []
        """At hall scale, the racks drawn part by part under the tiles."""
        self._tiles: dict[str, RackTile] = {}
        self.aggregate: HallAggregate | None = None
        """A hall of instances: its topology aggregated to blocks and fabric tiers; else None."""
        self.blocks: BlocksTopology | None = None
        self.opened_groups: list[str] = []
        """The block groups whose racks are drawn as tiles."""
        self._boxes: dict[str, AggregateBox] = {}
        self._keep = False

    # -------------------------------------------------------------- build
    def rebuild(self, index: DesignIndex, force: bool = False) -> bool:
        """Lay out and redraw when the geometry's inputs changed (or `force`), else relabel renamed parts;
        True when it laid out again."""
        design = index.design
        self.index = index
        source = instances_of(index)
        if source is not None:
            self._key = ()
            self._build_blocks(index, source)
            return True
        self.aggregate = self.blocks = None
        self._boxes = {}
        if len(design.racks) > AGGREGATE_RACKS:
            self._key = ()
            self._build_hall(index)
            return True
        self.hall = None
        self._tiles = {}
        shape = _shape(design)
        if not force and shape == self._key:
            self._relabel()
            return False
        self._key = shape
        self.layout = topology_layout(design, index=index)
        self._build()
        return True

    def _lay_out_expanded(self, index: DesignIndex) -> None:
        """The racks expanded on demand, laid out part by part as a design of their own (at the origin)."""
        self.expanded = [r for r in self.expanded if r in index.racks]
        design = index.design
        if self.expanded:
            wanted = set(self.expanded)
            nodes = [n for n in design.nodes if index.rack_of.get(n.id) in wanted]
            ids = {n.id for n in nodes}
            links = [k for k in design.links if k.a.node in ids and k.b.node in ids]
            part = design.model_copy(update={"racks": [r for r in design.racks if r.id in wanted],
                                             "nodes": nodes, "links": links})
            self.layout = topology_layout(part, index.catalog)
        else:
            self.layout = TopologyLayout()

    def _build_hall(self, index: DesignIndex) -> None:
        """Rack tiles by tier, and the expanded racks laid out as a design of their own under them."""
        self._lay_out_expanded(index)
        self.hall = hall = hall_topology(index)
        self._build()
        self._add_tiles(hall)

    def _add_tiles(self, hall: HallTopology) -> None:
        opened = set(self.expanded)
        self._tiles = {}
        for tile in hall.tiles:
            item = RackTile(tile, tile.rack in opened)
            self.addItem(item)
            self._tiles[tile.rack] = item
        self.tags = hall.tags + self.tags
        rect = hall.rect
        if self.layout.nodes:
            rect = rect.united(QRectF(0, 0, self.layout.width_mm, self.layout.height_mm))
        self.setSceneRect(rect.adjusted(-200, -200, 200, 200))

    def _redraw(self) -> None:
        """Draw again after an expand or collapse: the design is as it was, so a hall's aggregate is kept."""
        self._keep = self.aggregate is not None
        try:
            self.rebuild(self.index, force=True)
        finally:
            self._keep = False

    def _build_blocks(self, index: DesignIndex, source: Design) -> None:
        """A hall of instances: boxes per block group and switch tier with their bundles, the racks of the
        opened groups as tiles, and the racks expanded part by part under them (`topology_blocks`)."""
        if not (self._keep and self.aggregate is not None):
            self.aggregate = hall_aggregate(source, index.catalog)
        aggregate = self.aggregate
        self.opened_groups = [g for g in self.opened_groups if aggregate.item(g) is not None]
        opener = getattr(index, "open", None)
        if opener is not None and self.expanded:
            opener(self.expanded)  # one instance's worth each: the racks drawn part by part
        self._lay_out_expanded(index)
        self.blocks = blocks = blocks_topology(aggregate, self.opened_groups)
        self.hall = HallTopology(blocks.tiles, blocks.tags, blocks.rect)
        self._build()
        heaviest = max((b.gbps for b, _ in blocks.lines), default=0.0)
        for bundle, line in blocks.lines:
            self.addItem(bundle_item(bundle, line, heaviest))
        self._boxes = {}
        opened = set(self.opened_groups)
        for item, x, y in blocks.boxes:
            box = AggregateBox(item, x, y, item.id in opened or (item.kind != "blocks" and bool(item.racks)
                                                                and set(item.racks) <= set(self.expanded)))
            self.addItem(box)
            self._boxes[item.id] = box
        self._add_tiles(self.hall)

    def box(self, item_id: str) -> AggregateBox | None:
        return self._boxes.get(item_id)

    @property
    def boxes(self) -> list[AggregateBox]:
        return list(self._boxes.values())

    def box_ids(self, box: AggregateBox) -> list[str]:
        """What selecting a box selects: a switch tier's switches, a group's racks."""
        item = box.aggregate
        return list(item.members) if item.kind == "switches" else list(item.racks)

    def is_open(self, item_id: str) -> bool:
        """Whether an aggregate is expanded: a group's racks drawn as tiles, a tier's racks part by part."""
        item = self.aggregate.item(item_id) if self.aggregate is not None else None
        if item is None:
            return False
        if item.kind == "blocks":
            return item_id in self.opened_groups
        return bool(item.racks) and set(item.racks) <= set(self.expanded)

    def set_open(self, item_id: str, opened: bool) -> bool:
        """Expand or collapse one aggregate (see `is_open`); True when something changed."""
        item = self.aggregate.item(item_id) if self.aggregate is not None else None
        if item is None or self.is_open(item_id) == opened:
            return False
        if item.kind != "blocks":
            return self.set_expanded(item.racks, opened)
        if opened:
            self.opened_groups.append(item_id)
        else:
            self.opened_groups.remove(item_id)
            gone = set(item.racks)
            self.expanded = [r for r in self.expanded if r not in gone]
        selected = self.selected_ids()
        self._redraw()
        self.select_ids(selected)
        return True

    def content_rect(self) -> QRectF:
        """What a fit shows: the tiles (and expanded racks) at hall scale, else the layout."""
        layout = self.layout
        rect = QRectF(0, 0, layout.width_mm, layout.height_mm) if layout.nodes else QRectF()
        if self.hall is not None:
            return self.hall.rect.united(rect) if not rect.isEmpty() else self.hall.rect
        return rect if not rect.isEmpty() else QRectF(0, 0, 400, 300)

    def set_expanded(self, rack_ids: list[str], expanded: bool) -> bool:
        """Expand (draw part by part) or collapse racks at hall scale; True when something changed."""
        if self.hall is None or self.index is None:
            return False
        now = list(self.expanded)
        for rack_id in rack_ids:
            if expanded and rack_id not in now and rack_id in self.index.racks:
                now.append(rack_id)
            elif not expanded and rack_id in now:
                now.remove(rack_id)
        if now == self.expanded:
            return False
        self.expanded = now
        selected = self.selected_ids()
        self._redraw()
        self.select_ids(selected)
        return True

    def tile(self, rack_id: str) -> RackTile | None:
        return self._tiles.get(rack_id)

    def _relabel(self) -> None:
        """Give renamed parts their new labels, in the layout and on their boxes."""
        nodes = self.index.nodes
        for i, node in enumerate(self.layout.nodes):
            label = qualified_label(nodes[node.id].name)
            if label != node.label:
                node = self.layout.nodes[i] = self.layout.by_id[node.id] = replace(node, label=label)
                self._parts[node.id].set_node(node)

    def _build(self) -> None:
        layout = self.layout
        self.blockSignals(True)
        self.clear()
        self.blockSignals(False)
        for band in layout.bands:
            self.addItem(FrameItem(QRectF(0, band.y - 30, layout.width_mm, band.h + 60), rounded=False))
        self._groups = {g.id: g for g in layout.groups}
        for group in layout.groups:
            self.addItem(FrameItem(QRectF(group.x, group.y, group.w, group.h), rounded=True))
        dense = len(layout.edges) > DENSE_EDGES
        self._edges = [EdgeItem(edge, dense) for edge in layout.edges]
        for item in self._edges:
            self.addItem(item)
        self._parts = {}
        members: dict[str, list[str]] = defaultdict(list)
        for node in layout.nodes:
            item = PartItem(node)
            self.addItem(item)
            self._parts[node.id] = item
            members[node.group].append(node.id)
        self._members = dict(members)
        self._under = self._containers()
        self.kinds = sorted({n.kind for n in layout.nodes if n.kind})
        self.protocols = sorted({e.protocol for e in layout.edges})
        self.domains = self._outline_domains()
        self.tags = self._titles() + self._totals() + self._counts() + self._domain_tags()
        if self.hall is not None:
            return
        self.setSceneRect(QRectF(0, 0, max(layout.width_mm, 400.0), max(layout.height_mm, 300.0)))

    def _outline_domains(self) -> list[tuple[QRectF, int]]:
        """A dashed outline round the drawn accelerators of each NVLink domain of two or more (the domains of
        `Figures.domains`, their one owner); returns (outline, accelerators) per domain."""
        from rackcad.figures import Figures

        out: list[tuple[QRectF, int]] = []
        if self.index is None:
            return out
        pen = QPen(QColor(DOMAIN_COLOR), 3)
        pen.setStyle(Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        index = self.index
        figures = index if isinstance(index, Figures) else Figures(index.design, index.catalog)
        for domain in figures.domains():
            drawn = [self._parts[a] for a in domain if a in self._parts]
            if len(domain) < 2 or not drawn:
                continue
            rect = QRectF()
            for item in drawn:
                rect = rect.united(item.sceneBoundingRect())
            rect = rect.adjusted(-DOMAIN_PAD, -DOMAIN_PAD, DOMAIN_PAD, DOMAIN_PAD)
            outline = QGraphicsRectItem(rect)
            outline.setPen(pen)
            outline.setZValue(0.5)
            outline.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self.addItem(outline)
            out.append((rect, len(domain)))
        return out

    def _domain_tags(self) -> list[Tag]:
        return [Tag(rect.left() + 8, rect.bottom(), (f"NVLink domain · {size:,} accelerators",), kind="title",
                    width=rect.width() - 16, priority=2, fill="#fff8e1") for rect, size in self.domains]

    # --------------------------------------------------------- highlight
    def highlight_selection(self) -> None:
        """Bring out the links of the selected parts (a bundle when either of its groups holds one) and dim the
        rest; with nothing selected every link is drawn as usual."""
        chosen = {node.id for node in self.layout.nodes if self._parts[node.id].isSelected()}
        groups = {node.group for node in self.layout.nodes if node.id in chosen}
        for item in self._edges:
            edge = item.edge
            touched = (edge.a in groups or edge.b in groups) if edge.bundle else (edge.a in chosen or edge.b in chosen)
            item.setOpacity(1.0 if touched or not chosen else DIMMED)
            item.setZValue((3 if touched and chosen else 2 if edge.bundle else 1))

    def _containers(self) -> dict[str, list[str]]:
        """Rack or tray id -> the drawn parts inside it (what selecting the container selects here)."""
        if self.index is None:
            return {}
        nodes = self.index.nodes
        out: dict[str, list[str]] = defaultdict(list)
        for node_id in self._parts:
            parent = nodes[node_id].parent
            for _ in range(64):
                out[parent].append(node_id)
                if parent not in nodes:
                    break
                parent = nodes[parent].parent
        return dict(out)

    # --------------------------------------------------------------- tags
    def _titles(self) -> list[Tag]:
        return [Tag(g.x + 8, g.y, (g.label,), kind="title", width=g.w - 16, priority=0, fill=GROUP_FILL,
                    room=GROUP_TITLE) for g in self.layout.groups]

    def _totals(self) -> list[Tag]:
        """One total per pair of linked groups; pairs across columns add up per lower group and upper band."""
        pairs = self.layout.group_totals()
        band_labels = {b.name: b.label for b in self.layout.bands}
        tags: list[Tag] = []
        across: dict[tuple[str, str], list] = {}
        for (ga, gb), (count, gbps, top, protocols) in pairs.items():
            a, b = self._groups[ga], self._groups[gb]
            full = bandwidth_text(count, gbps, protocols)
            compact = (f"{count:,} link{'s' if count != 1 else ''}", fmt_gbps(gbps))
            if a.band == b.band:  # over the highest arch
                tags.append(Tag(a.x + a.w / 2, top - 24, (full,), width=a.w, compact=compact, priority=1))
                continue
            upper, lower = (a, b) if a.y < b.y else (b, a)
            if upper.rack == lower.rack:  # in the upper part of the gap, clear of the per-edge counts
                x = upper.x + upper.w / 2 + 0.22 * (lower.x + lower.w / 2 - upper.x - upper.w / 2)
                y = upper.y + upper.h + 0.3 * (lower.y - upper.y - upper.h)
                tags.append(Tag(x, y, (full,), width=min(upper.w, lower.w), compact=compact, priority=1))
                continue
            entry = across.setdefault((lower.id, upper.band), [0, 0.0, set()])
            entry[0] += count
            entry[1] += gbps
            entry[2] |= protocols
        for (lower_id, band), (count, gbps, protocols) in across.items():
            lower = self._groups[lower_id]
            label = band_labels.get(band, band)
            short = f"tier {band.rsplit('-', 1)[1]}" if band.startswith("switch-tier") else label
            full = f"{bandwidth_text(count, gbps, protocols)} to {label}"
            compact = (f"{count:,} links · {fmt_gbps(gbps)} to {short}",)
            tags.append(Tag(lower.x + lower.w / 2, lower.y, (full,), width=lower.w, compact=compact, priority=2,
                            offset=-ABOVE_TITLE_PX))
        return tags

    def _counts(self) -> list[Tag]:
        """Each edge's link count, when there are few edges (the counts of each upper part on their own row)."""
        layout = self.layout
        if layout.bundled or len(layout.edges) > EDGE_LABELS_MAX:
            return []
        uppers = sorted({e.a for e in layout.edges}, key=lambda n: (layout.by_id[n].y, layout.by_id[n].x))
        rank = {n: i for i, n in enumerate(uppers)}
        tags = []
        for e in layout.edges:
            t = 0.42 + 0.36 * rank[e.a] / max(len(rank) - 1, 1)
            tags.append(Tag(*point_at(e.points, t), (str(e.count),), priority=3))
        return tags

    # ------------------------------------------------------------ lookups
    def part_item(self, node_id: str) -> PartItem | None:
        return self._parts.get(node_id)

    @property
    def part_items(self) -> list[PartItem]:
        return list(self._parts.values())

    @property
    def edge_items(self) -> list[EdgeItem]:
        return list(self._edges)

    def members(self, group_id: str) -> list[str]:
        return list(self._members.get(group_id, ()))

    def edge_members(self, edge: TopologyEdge) -> list[str]:
        """What clicking an edge selects: its two parts, or every part of a bundle's two groups."""
        if edge.bundle:
            return self.members(edge.a) + self.members(edge.b)
        return [edge.a, edge.b]

    def edge_at(self, x: float, y: float, tolerance: float) -> EdgeItem | None:
        """The edge nearest to (x, y) within `tolerance` scene units, or None."""
        best, found = tolerance, None
        for item in self._edges:
            x0, y0, x1, y1 = item.extent
            if x < x0 - tolerance or x > x1 + tolerance or y < y0 - tolerance or y > y1 + tolerance:
                continue
            distance = item.distance(x, y)
            if distance <= best:
                best, found = distance, item
        return found

    def group_title_at(self, x: float, y: float) -> TopologyGroup | None:
        """The group whose title strip holds (x, y)."""
        for group in self.layout.groups:
            if group.x <= x <= group.x + group.w and group.y <= y <= group.y + GROUP_TITLE:
                return group
        return None

    # ---------------------------------------------------------- selection
    def selected_ids(self) -> list[str]:
        """What the selected boxes stand for, selected rack tiles, then selected parts, in layout order."""
        out: dict[str, None] = {}
        for box in self._boxes.values():
            if box.isSelected():
                out.update(dict.fromkeys(self.box_ids(box)))
        out.update(dict.fromkeys(rack for rack, item in self._tiles.items() if item.isSelected()))
        out.update(dict.fromkeys(node.id for node in self.layout.nodes if self._parts[node.id].isSelected()))
        return list(out)

    def drawn_ids(self, ids: list[str]) -> list[str]:
        """The drawn parts standing for `ids`: parts themselves, the drawn parts inside racks and trays, the
        two ends of links."""
        out: dict[str, None] = {}
        links = self.index.links if self.index else {}
        for item_id in ids:
            link = links.get(item_id)
            for target in (link.a.node, link.b.node) if link else (item_id,):
                if target in self._parts:
                    out[target] = None
                else:
                    out.update(dict.fromkeys(self._under.get(target, ())))
        return list(out)

    def select_ids(self, ids: list[str]) -> None:
        """Select exactly the drawn parts standing for `ids` (see `drawn_ids`); one selectionChanged."""
        wanted = set(self.drawn_ids(ids))
        self.blockSignals(True)
        for node_id, item in self._parts.items():
            selected = node_id in wanted
            if item.isSelected() != selected:
                item.setSelected(selected)
        racks = set(ids)
        for rack_id, item in self._tiles.items():
            if item.isSelected() != (rack_id in racks):
                item.setSelected(rack_id in racks)
        for box in self._boxes.values():
            members = self.box_ids(box)
            chosen = bool(members) and racks.issuperset(members)
            if box.isSelected() != chosen:
                box.setSelected(chosen)
        self.blockSignals(False)
        self.selectionChanged.emit()

    def rect_of(self, ids: list[str]) -> QRectF:
        rect = QRectF()
        for node_id in self.drawn_ids(ids):
            rect = rect.united(self._parts[node_id].sceneBoundingRect())
        for rack_id in ids:
            tile = self._tiles.get(rack_id)
            if tile is not None:
                rect = rect.united(tile.sceneBoundingRect())
        if rect.isEmpty():
            wanted = set(ids)
            for box in self._boxes.values():
                if wanted.intersection(self.box_ids(box)):
                    rect = rect.united(box.sceneBoundingRect())
        return rect

    # ----------------------------------------------------------- tooltips
    def part_tooltip(self, node_id: str) -> str:
        """Name, part, kind, connected scale-up bandwidth and links by protocol of a drawn part."""
        index = self.index
        if index is None or node_id not in index.nodes:
            return ""
        node = index.nodes[node_id]
        part = index.part(node)
        kind = KIND_LABELS.get(part.kind, part.kind) if part else "unknown part"
        lines = [f"<b>{escape(node.name)}</b> — {escape(part.model if part else node.part)}",
                 f"{kind} in {escape(index.name(index.rack_of.get(node_id) or node.parent))}"]
        by_protocol: Counter[str] = Counter()
        scale_up = 0.0
        for link in index.links_of.get(node_id, ()):
            by_protocol[link.protocol] += link.count
            if is_scale_up_protocol(link.protocol):
                scale_up += index.link_gbps(link)
        if part is not None and part.kind in ("gpu", "xpu"):
            scale_up = index.scale_up_gbps(node)
        if scale_up:
            lines.append(f"scale-up {fmt_gbps(scale_up)} per direction")
        if by_protocol:
            links = ", ".join(f"{n:,} {protocol_label(p)}" for p, n in sorted(by_protocol.items()))
            lines.append(f"links: {sum(by_protocol.values()):,} ({links})")
        else:
            lines.append("no links")
        return "<br>".join(lines)

    def edge_tooltip(self, edge: TopologyEdge) -> str:
        """Ends, link count, Gb/s per direction and protocol of an edge (a bundle: of its two groups)."""
        if edge.bundle:
            a, b = self._groups[edge.a].label, self._groups[edge.b].label
            hint = "<br><i>click to select both groups</i>"
        else:
            index = self.index
            a, b = (index.name(edge.a), index.name(edge.b)) if index else (edge.a, edge.b)
            hint = ""
        protocol = "mixed protocols" if edge.protocol == "mixed" else protocol_label(edge.protocol)
        plural = "s" if edge.count != 1 else ""
        return (f"<b>{escape(a)} — {escape(b)}</b><br>{edge.count:,} {protocol} link{plural}<br>"
                f"{fmt_gbps(edge.gbps)} per direction ({fmt_gbps(2 * edge.gbps)} both ways){hint}")
