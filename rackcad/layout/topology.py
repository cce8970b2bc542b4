"""Topology view geometry (drawing millimetres, y down, origin top-left), shared by canvas and SVG.

Scheme, chosen so the same picture reads at 8, 72 and 576 GPUs:

- **Bands** (tiers), top to bottom: the NVLink switch tiers from the highest down (tier 2, then tier 1:
  a switch's tier is its hop distance from the nearest accelerator over scale-up links), accelerators,
  CPUs, and with `nics` (by default when the design has network switches) the NICs/DPUs and the scale-out
  network switches by tier (leaves, spines, cores, from `switch_levels`). A band is as tall as its
  tallest group; bands are separated by a gap the links cross.
- **Columns**: one per rack, in design order (parts outside any rack get a last column), each rack's
  first-tier chips above its accelerators. Racks that hold only upper-tier switches (the spine racks of
  GB200 NVL576) take no column: their groups sit side by side in the top band, centred over the others.
- **Labels**: a part's name qualified by its tray ('CT03/GPU2'), so the 72 GPUs of a rack stay distinct.
- **Groups**: the parts of one band in one column inside a titled frame. Switches and accelerators fill
  rows of `PER_ROW` in placement order (tray by tray). Parts below the accelerators (CPUs, NICs) sit under
  the accelerators they link to, or else share a tray with (a Grace under its two GPUs), in the same row;
  the rest fill rows after them. Boxes never overlap: within a row boxes are at least a pitch apart,
  groups of a column are in different bands, and columns do not overlap.
- **Edges**: `build_graph`'s links aggregated per pair of drawn parts (count, Gb/s per direction, protocol),
  drawn from the upper box's bottom to the lower box's top (same-band pairs, as in a mesh, arch over the
  band, each end shifted towards the other so arches do not share a line). When there are more than
  `max_edges` pairs (GB200 NVL576 has ~13k) the edges are bundled per pair of groups instead (e.g.
  "R1 accelerators -> R1 tier-1 switches: 1,296 links, 518.4 Tb/s"), so the drawing stays a diagram,
  not a hairball; the protocol of a bundle is "mixed" when its links differ.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from rackcad.catalog import ACCELERATOR_KINDS, Catalog
from rackcad.figures import Figures
from rackcad.layout.style import qualified_label
from rackcad.model import Design
from rackcad.topology import DesignIndex, build_graph, switch_levels, tier_name

NODE_W = 90.0
NODE_H = 40.0
GAP = 14.0
PER_ROW = 12
GROUP_PAD = 16.0
GROUP_TITLE = 34.0
COLUMN_GAP = 90.0
BAND_GAP = 220.0
MARGIN = 60.0
ARCH = 40.0
"""Height per column step of the arch that joins two parts of the same band."""
STAGGER = 7.0
"""Offset that keeps arches from different boxes off each other's lines."""
PITCH_X = NODE_W + GAP
PITCH_Y = NODE_H + GAP
BELOW = ("cpu", "nic")
"""Bands drawn under the accelerators they link to."""
MAX_EDGES = 3000
"""Above this many drawn pairs, edges are bundled per group pair (NVL72: 1,368 pairs; NVL576: ~13k)."""

UNPLACED = "(unplaced)"
"""Column key (and group id prefix) of parts outside any rack; no rack id has parentheses."""


@dataclass(frozen=True)
class TopologyNode:
    """One drawn part: its model id, kind, short label, band, group, rack and box."""

    id: str
    kind: str
    label: str
    band: str
    group: str
    rack: str | None
    x: float
    y: float
    w: float
    h: float

    @property
    def center(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2


@dataclass(frozen=True)
class TopologyEdge:
    """Links between two drawn parts (`bundle` False) or two groups (`bundle` True; a, b are group ids)."""

    a: str
    b: str
    count: int
    gbps: float
    protocol: str
    points: tuple[tuple[float, float], ...]
    bundle: bool = False


@dataclass(frozen=True)
class TopologyGroup:
    """The frame around one band's parts in one rack: id "<rack id>:<band>", `size` parts."""

    id: str
    label: str
    band: str
    rack: str | None
    x: float
    y: float
    w: float
    h: float
    size: int


@dataclass(frozen=True)
class Band:
    name: str
    """"switch-tier-N", "accelerator", "cpu", "nic" or "network-N" (scale-out leaf 1, spine 2, core 3)."""
    label: str
    y: float
    h: float


@dataclass
class TopologyLayout:
    """Everything the topology view draws; `by_id` finds a part's box, `bundled` tells how edges were made."""

    nodes: list[TopologyNode] = field(default_factory=list)
    edges: list[TopologyEdge] = field(default_factory=list)
    groups: list[TopologyGroup] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    width_mm: float = 0.0
    height_mm: float = 0.0
    bundled: bool = False
    by_id: dict[str, TopologyNode] = field(default_factory=dict)

    def group_of(self, end: str) -> str:
        """The group an edge end belongs to (bundled edges already join groups)."""
        return end if self.bundled else self.by_id[end].group

    def group_totals(self) -> dict[tuple[str, str], tuple[int, float, float, set[str]]]:
        """Per pair of linked groups: (links, Gb/s per direction, topmost y of their edges, protocols)."""
        pairs: dict[tuple[str, str], list] = {}
        for e in self.edges:
            entry = pairs.setdefault((self.group_of(e.a), self.group_of(e.b)), [0, 0.0, math.inf, set()])
            entry[0] += e.count
            entry[1] += e.gbps
            entry[2] = min(entry[2], *(y for _, y in e.points))
            entry[3].add(e.protocol)
        return {key: tuple(value) for key, value in pairs.items()}

    def node_at(self, x: float, y: float) -> TopologyNode | None:
        """The part whose box holds the point (for hit-testing and tooltips)."""
        for node in self.nodes:
            if node.x <= x <= node.x + node.w and node.y <= y <= node.y + node.h:
                return node
        return None


def topology_layout(design: Design, catalog: Catalog | None = None, *, index: DesignIndex | None = None,
                    nics: bool | None = None, max_edges: int = MAX_EDGES) -> TopologyLayout:
    """Lay out the design's accelerators, CPUs and switch tiers (see the module docstring). `nics` draws the
    NICs and the scale-out fabric; by default it does when the design has network switches."""
    index = Figures.of(design, index, catalog)
    design = index.design  # expanded: the parts of instances too
    if nics is None:
        nics = any(index.kind(n) in ("network-switch", "cpo-switch") for n in design.nodes)
    graph = build_graph(index)
    band_of = _bands(index, graph, nics)
    order = _band_order(set(band_of.values()))
    pairs = [(a, b, d) for a, b, d in graph.edges(data=True) if a in band_of and b in band_of]
    position = {node.id: i for i, node in enumerate(design.nodes)}
    column_of = {n: index.rack_of.get(n) or UNPLACED for n in band_of}
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    for node_id in sorted(band_of, key=position.__getitem__):
        members[(column_of[node_id], band_of[node_id])].append(node_id)
    racks = [r.id for r in design.racks] + [UNPLACED]
    upper = {b for b in order if b.startswith("switch-tier") and b != "switch-tier-1"}
    spines = [c for c in racks if any(members.get((c, b)) for b in upper)
              and not any(members.get((c, b)) for b in order if b not in upper)]
    columns = [c for c in racks if c not in spines and any(members.get((c, b)) for b in order)]
    if any(members.get((c, b)) for c in columns for b in upper):
        columns, spines = [c for c in racks if any(members.get((c, b)) for b in order)], []

    # Each part's (x, row) in its group's local frame, and each group's (left, right, rows); groups aligned
    # under the accelerators share the accelerators' frame. Bands in order: accelerators before BELOW.
    local: dict[str, tuple[float, int]] = {}
    extent: dict[tuple[str, str], tuple[float, float, int]] = {}
    for c, b in ((c, b) for b in order for c in racks if members.get((c, b))):
        ids = members[(c, b)]
        if b in BELOW and members.get((c, "accelerator")):
            accs = set(members[(c, "accelerator")])
            placed = _aligned(ids, local, position, {n: _anchors(index, graph, n, accs) for n in ids})
        else:
            placed = {n: ((k % PER_ROW) * PITCH_X, k // PER_ROW) for k, n in enumerate(ids)}
        local.update(placed)
        xs = [x for x, _ in placed.values()]
        extent[(c, b)] = (min(xs), max(xs) + NODE_W, max(r for _, r in placed.values()) + 1)

    def aligned(c: str, b: str) -> bool:
        return b in BELOW and (c, "accelerator") in extent

    def block_w(c: str) -> float:
        """Width of the accelerators and the groups aligned under them."""
        return max((extent[(c, b)][1] for b in order if (c, b) in extent and (b == "accelerator" or aligned(c, b))),
                   default=0.0) + 2 * GROUP_PAD

    def group_w(c: str, b: str) -> float:
        left, right, _ = extent[(c, b)]
        return right - left + 2 * GROUP_PAD

    col_w = {c: max([block_w(c)] + [group_w(c, b) for b in order if (c, b) in extent]) for c in columns + spines}
    band_h = {b: max((_group_h(extent[(c, b)][2]) for c in racks if (c, b) in extent), default=0.0)
              for b in order}

    out = TopologyLayout()
    # Links inside the top band arch over it: leave them the room a band gap gives.
    y = MARGIN + (BAND_GAP if order and any(band_of[a] == band_of[b] == order[0] for a, b, _ in pairs) else 0.0)
    band_y: dict[str, float] = {}
    for b in order:
        band_y[b] = y
        out.bands.append(Band(b, _band_label(b), y, band_h[b]))
        y += band_h[b] + BAND_GAP
    out.height_mm = y - BAND_GAP + MARGIN if order else 2 * MARGIN

    main_w = sum(col_w[c] for c in columns) + COLUMN_GAP * max(len(columns) - 1, 0)
    top_w = sum(col_w[c] for c in spines) + COLUMN_GAP * max(len(spines) - 1, 0)
    inner = max(main_w, top_w)
    origin: dict[str, float] = {}
    for row, width in ((columns, main_w), (spines, top_w)):
        x = MARGIN + (inner - width) / 2
        for c in row:
            origin[c] = x
            x += col_w[c] + COLUMN_GAP
    out.width_mm = inner + 2 * MARGIN if origin else 2 * MARGIN
    column_index = {c: i for i, c in enumerate(columns + spines)}

    rack_names = {r.id: r.name for r in design.racks}
    for c in columns + spines:
        block_x = origin[c] + (col_w[c] - block_w(c)) / 2
        for b in order:
            ids = members.get((c, b))
            if not ids:
                continue
            left, _, rows = extent[(c, b)]
            w = group_w(c, b)
            if b == "accelerator" or aligned(c, b):
                gx, frame_x = block_x, block_x + left
            else:
                gx = frame_x = origin[c] + (col_w[c] - w) / 2
            gid = f"{c}:{b}"
            rack = None if c == UNPLACED else c
            out.groups.append(TopologyGroup(gid, f"{rack_names.get(c, 'unplaced')} {_band_label(b)} ({len(ids)})",
                                            b, rack, frame_x, band_y[b], w, _group_h(rows), len(ids)))
            for node_id in ids:
                lx, row = local[node_id]
                out.nodes.append(TopologyNode(
                    node_id, index.kind(index.nodes[node_id]) or "", qualified_label(index.nodes[node_id].name), b,
                    gid, rack, gx + GROUP_PAD + lx, band_y[b] + GROUP_TITLE + GROUP_PAD + row * PITCH_Y,
                    NODE_W, NODE_H,
                ))
    out.by_id = {n.id: n for n in out.nodes}

    out.bundled = len(pairs) > max_edges
    if out.bundled:
        groups = {g.id: g for g in out.groups}
        bundles: dict[tuple[str, str], list] = {}
        for a, b, d in pairs:
            ga, gb = sorted((out.by_id[a].group, out.by_id[b].group), key=lambda g: (groups[g].y, groups[g].x, g))
            if ga == gb:
                continue
            entry = bundles.setdefault((ga, gb), [0, 0.0, set()])
            entry[0] += d["count"]
            entry[1] += d["gbps"]
            entry[2].add(d["protocol"])
        for (ga, gb), (count, gbps, protocols) in sorted(bundles.items()):
            protocol = protocols.pop() if len(protocols) == 1 else "mixed"
            points = _route(groups[ga], groups[gb], column_index)
            out.edges.append(TopologyEdge(ga, gb, count, gbps, protocol, points, bundle=True))
    else:
        for a, b, d in sorted(pairs, key=lambda e: (min(e[0], e[1]), max(e[0], e[1]))):
            na, nb = sorted((out.by_id[a], out.by_id[b]), key=lambda n: (n.y, n.x))
            points = _route(na, nb, column_index)
            out.edges.append(TopologyEdge(na.id, nb.id, d["count"], d["gbps"], d["protocol"], points))
    return out


def _anchors(index: DesignIndex, graph, node_id: str, accelerators: set[str]) -> list[str]:
    """The accelerators a part below them is drawn under: those it links to, else those in its tray."""
    linked = [a for a in graph.adj[node_id] if a in accelerators]
    if linked:
        return linked
    parent = index.nodes[node_id].parent
    return [n.id for n in index.children.get(parent, ()) if n.id in accelerators]


def _aligned(ids: list[str], local: dict[str, tuple[float, int]], position: dict[str, int],
             anchors: dict[str, list[str]]) -> dict[str, tuple[float, int]]:
    """Local (x, row) of parts drawn under their anchors' mean x, in the row of their topmost anchor;
    boxes of one row are pushed right to a pitch apart; parts without anchors fill rows after."""
    rows: dict[int, list[tuple[float, int, str]]] = defaultdict(list)
    rest = []
    for node_id in ids:
        spots = [local[a] for a in anchors[node_id] if a in local]
        if not spots:
            rest.append(node_id)
            continue
        row = min(r for _, r in spots)
        xs = [x for x, r in spots if r == row]
        rows[row].append((sum(xs) / len(xs), position[node_id], node_id))
    out: dict[str, tuple[float, int]] = {}
    for row, items in rows.items():
        right = -PITCH_X
        for x, _, node_id in sorted(items):
            right = max(x, right + PITCH_X)
            out[node_id] = (right, row)
    first = max(rows) + 1 if rows else 0
    for k, node_id in enumerate(rest):
        out[node_id] = ((k % PER_ROW) * PITCH_X, first + k // PER_ROW)
    return out


def _bands(index: DesignIndex, graph, nics: bool) -> dict[str, str]:
    """node id -> band name for every drawn part; switch tiers by hop distance from the accelerators."""
    out: dict[str, str] = {}
    depth: dict[str, int] = {}
    frontier = []
    levels = switch_levels(index) if nics else {}
    for node in index.design.nodes:
        kind = index.kind(node)
        if kind in ACCELERATOR_KINDS:
            out[node.id] = "accelerator"
            depth[node.id] = 0
            frontier.append(node.id)
        elif kind == "cpu":
            out[node.id] = "cpu"
        elif nics and kind in ("nic", "dpu"):
            out[node.id] = "nic"
        elif nics and kind in ("network-switch", "cpo-switch"):
            out[node.id] = f"network-{levels.get(node.id, 1)}"
        elif kind == "switch":
            out[node.id] = "switch-tier-1"
    while frontier:
        nxt = []
        for node_id in frontier:
            for other in graph.adj[node_id]:
                if other not in depth and out.get(other, "").startswith("switch-tier"):
                    depth[other] = depth[node_id] + 1
                    out[other] = f"switch-tier-{depth[other]}"
                    nxt.append(other)
        frontier = nxt
    return out


def _band_order(bands: set[str]) -> list[str]:
    tiers = sorted((b for b in bands if b.startswith("switch-tier")), key=lambda b: -int(b.rsplit("-", 1)[1]))
    network = sorted((b for b in bands if b.startswith("network-")), key=lambda b: int(b.rsplit("-", 1)[1]))
    return tiers + [b for b in ("accelerator", "cpu", "nic") if b in bands] + network


def _band_label(band: str) -> str:
    if band.startswith("switch-tier"):
        return f"tier-{band.rsplit('-', 1)[1]} switches"
    if band.startswith("network-"):
        return f"{tier_name(int(band.rsplit('-', 1)[1]))} switches"
    return {"accelerator": "accelerators", "cpu": "CPUs", "nic": "NICs / DPUs", "network": "network switches"}[band]


def _group_h(rows: int) -> float:
    return GROUP_TITLE + rows * PITCH_Y - GAP + 2 * GROUP_PAD


def _route(upper, lower, column_index: dict[str, int]) -> tuple[tuple[float, float], ...]:
    """From the bottom of `upper` to the top of `lower`; an arch over the band when both are in one band."""
    ax, bx = upper.x + upper.w / 2, lower.x + lower.w / 2
    if upper.band != lower.band:
        return (ax, upper.y + upper.h), (bx, lower.y)
    slots = (lower.x - upper.x) / PITCH_X
    steps = 1 + abs(column_index.get(upper.rack or UNPLACED, 0) - column_index.get(lower.rack or UNPLACED, 0))
    steps += abs(slots) if isinstance(upper, TopologyNode) else 0
    shift = max(min(slots * STAGGER, upper.w / 2 - STAGGER), -(upper.w / 2 - STAGGER))
    ax, bx = ax + shift, bx - shift
    top = min(upper.y, lower.y) - min(ARCH * steps + STAGGER * (round(upper.x / PITCH_X) % 5), BAND_GAP - ARCH)
    return (ax, upper.y), (ax, top), (bx, top), (bx, lower.y)
