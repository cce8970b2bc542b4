"""Latency of a path between two parts: switch hops + propagation + serialisation.

What one path costs (one-way, nanoseconds):
- every switch it passes (a switch chip, a network or CPO switch): its port-to-port latency, the part's
  `latency_ns` node override, else the catalog's `latency_ns` (sourced or `confidence: estimate`), else 0;
- every link: its length (`rackcad.figures.lengths`, routed in the hall and between buildings) times the
  medium's delay: 4.9 ns/m in fibre (c / 1.468 group index, factory facts C and caution 5; NVIDIA's optics
  document quotes 4.5 ns/m, S55), 4.5 ns/m in copper (NVIDIA DAC/LACC specs, F10: a velocity factor of
  about 0.74); traces on a board or in a package (pcb, in-package) count 0;
- serialisation of one packet, once, at the slowest link of the path: cut-through switches forward a packet
  while it still arrives, so only the bottleneck clocks the whole packet out. The packet is 256 bytes on a
  scale-up (NVLink-class) path and 4 KiB (the InfiniBand MTU) on a network path (both planning figures:
  `estimate`). So one 4 KiB packet at 400 Gb/s costs 81.92 ns.

Where a path may go: parts of kind switch, network-switch, cpo-switch and mgmt-switch forward anything; a
NIC or DPU joins the accelerators of its own tray (the rack-mounted part that holds it, over the board: 0 ns;
with as many NICs of a part as accelerators, accelerator k uses NIC k, its rail) to the network and is crossed only between the board and the network; an accelerator or CPU ends a path and
is never crossed. The best path is the one of least latency (Dijkstra over switch hops and propagation);
serialisation is added to it.

`latency_figures` gives worst and typical (median) accelerator-to-accelerator latency inside the NVLink
domains, across the scale-out fabric (accelerators in different domains of one building) and between
buildings. Large designs are measured from an even sample of sources (`sources` says how many); every
target is reached from each source. A design with instances is sampled per piece (`latency_blocks`): the
rest and one stand-in per class of repeated instances, each as a design of its own, counted per member.
A hall whose instances are attached to their classes by wiring patterns (`rackcad.figures.pieces`) gets
exactly the expanded design's figures without expanding it (`latency_attached`).
`design_latency` picks between these for any design: what `summary()["latency"]` and the editor show.
"""

from __future__ import annotations

import heapq
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rackcad.catalog import ACCELERATOR_KINDS
from rackcad.figures import Figures
from rackcad.figures.lengths import site_plan
from rackcad.figures.pieces import MARK_ID, Piece, split
from rackcad.model import Design, split_id
from rackcad.model.blocks import SEPARATOR
from rackcad.topology import DesignIndex, is_scale_up_protocol

FIBRE_NS_PER_M = 4.9
"""Fibre delay: c / 1.468 (factory facts C, caution 5: use 4.9 us/km for planning; S55 quotes 4.5 ns/m)."""
COPPER_NS_PER_M = 4.5
"""Copper delay (NVIDIA DAC and LACC specs, F10): a velocity factor of about 0.74."""
SCALE_UP_PACKET_BYTES = 256
"""A scale-up packet (estimate): a small remote load or store, as NVLink traffic is."""
NETWORK_PACKET_BYTES = 4096
"""A network packet (estimate): one InfiniBand MTU of 4 KiB."""

FORWARDING = frozenset({"switch", "network-switch", "cpo-switch", "mgmt-switch"})
ADAPTERS = frozenset({"nic", "dpu"})
_COPPER = frozenset({"backplane", "dac", "active-copper"})
_FIBRE = frozenset({"aoc", "optics", "cpo-fiber"})
SCOPES = (("nvlink_domain", "inside an NVLink domain"), ("scale_out", "across the scale-out fabric"),
          ("between_buildings", "between buildings"))
"""The keys of `latency_figures` and how reports name them."""
MAX_SOURCES = 16
"""Sources per figure of `latency_figures` (spread evenly over the design's accelerators)."""
MAX_BUDGET_SOURCES = 2_000
"""Sources a latency budget is checked from (its first ones): bounds the work of one check."""


@dataclass(frozen=True)
class Hop:
    """One step of a path: a link (propagation), a switch (its latency) or the packet's serialisation."""

    kind: str  # link, switch, adapter (a NIC or DPU), serialisation
    id: str
    label: str
    ns: float
    estimate: bool = False

    def describe(self) -> str:
        mark = " (estimate)" if self.estimate else ""
        return f"{self.label} {_ns(self.ns)}{mark}"


@dataclass(frozen=True)
class Path:
    source: str
    target: str
    hops: tuple[Hop, ...]

    @property
    def ns(self) -> float:
        return math.fsum(h.ns for h in self.hops)

    @property
    def us(self) -> float:
        return self.ns / 1000

    def describe(self, name=lambda item_id: item_id) -> str:
        """'G1 -> 1.60 m copper 7.2 ns -> S3 NVLink 5 Switch 100 ns -> ... = 0.19 us'."""
        steps = [name(self.source), *(h.describe() for h in self.hops), name(self.target)]
        return " -> ".join(steps[:-1]) + f" -> {steps[-1]}"


def _ns(ns: float) -> str:
    return f"{ns / 1000:,.2f} us" if ns >= 10_000 else f"{ns:,.1f} ns"


class _Edge(tuple):
    """(neighbour, ns, link id or None for the board, rate Gb/s, scale-up, medium label, length m)."""

    __slots__ = ()


class Latency:
    """Least-latency paths over one design's Figures (built once; read-only)."""

    def __init__(self, figures: Figures):
        self.figures = figures
        self.hop_ns: dict[str, tuple[float, bool]] = {}
        self.role: dict[str, str] = {}
        for node_id, part in figures.node_parts.items():
            kind = part.kind if part is not None else None
            if kind in FORWARDING:
                self.role[node_id] = "switch"
            elif kind in ADAPTERS:
                self.role[node_id] = "adapter"
            else:
                self.role[node_id] = "end"
            node = figures.nodes[node_id]
            override = node.overrides.get("latency_ns")
            if isinstance(override, (int, float)):
                self.hop_ns[node_id] = (float(override), False)
            elif part is not None and part.latency_ns is not None:
                self.hop_ns[node_id] = (part.latency_ns.value, part.latency_ns.is_estimate)
        self.scale_up: dict[str, dict[str, _Edge]] = defaultdict(dict)
        self.network: dict[str, dict[str, _Edge]] = defaultdict(dict)
        for fig in figures.link_figures.values():
            a, b = fig.link.a.node, fig.link.b.node
            if a == b or fig.a.node is None or fig.b.node is None:
                continue
            ns, medium = self._propagation(fig)
            up = is_scale_up_protocol(fig.link.protocol)
            graph = self.scale_up if up else self.network
            for here, there in ((a, b), (b, a)):
                edge = _Edge((there, ns, fig.link.id, fig.rate_gbps, up, medium, fig.length_m or 0.0))
                kept = graph[here].get(there)
                if kept is None or (ns, -fig.rate_gbps) < (kept[1], -kept[3]):
                    graph[here][there] = edge
        units: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
        for node_id, role in self.role.items():
            part = figures.node_parts[node_id]
            if role == "adapter" or (part is not None and part.kind in ACCELERATOR_KINDS):
                units[self._unit(node_id)][role == "adapter"].append(node_id)
        for accelerators, adapters in units.values():
            by_part: dict[str, list[str]] = defaultdict(list)
            for nic in adapters:
                by_part[figures.nodes[nic].part].append(nic)
            for nics in by_part.values():
                one_each = len(nics) == len(accelerators)  # GPU k on NIC k (a rail per GPU), else all share
                for k, acc in enumerate(accelerators):
                    for nic in (nics[k],) if one_each else nics:
                        self.network[acc][nic] = _Edge((nic, 0.0, None, math.inf, False, "board", 0.0))
                        self.network[nic][acc] = _Edge((acc, 0.0, None, math.inf, False, "board", 0.0))

    def _unit(self, node_id: str) -> str:
        """The rack-mounted part (tray, server) holding `node_id`, or the node itself."""
        nodes, racks = self.figures.nodes, self.figures.racks
        node = nodes[node_id]
        seen = {node_id}
        while node.parent in nodes and node.parent not in seen and nodes[node.parent].parent not in racks:
            seen.add(node.parent)
            node = nodes[node.parent]
        return node.parent if node.parent in nodes else node.id

    @staticmethod
    def _propagation(fig) -> tuple[float, str]:
        length = fig.length_m or 0.0
        category = fig.choice.category
        if category in _FIBRE:
            return length * FIBRE_NS_PER_M, "fibre"
        if category in _COPPER:
            return length * COPPER_NS_PER_M, "copper"
        return 0.0, "board"

    # ---------------------------------------------------------------- search
    def _search(self, source: str, graph: dict[str, dict[str, _Edge]], targets: set[str] | None = None):
        """Dijkstra from `source`: {target: (ns without serialisation, state)} and the predecessors."""
        best: dict[tuple[str, bool], float] = {(source, False): 0.0}
        previous: dict[tuple[str, bool], tuple[tuple[str, bool], _Edge]] = {}
        reached: dict[str, tuple[float, tuple[str, bool]]] = {}
        queue = [(0.0, source, False)]
        role, hop_ns = self.role, self.hop_ns
        left = set(targets) if targets is not None else None
        while queue:
            ns, here, board = heapq.heappop(queue)
            state = (here, board)
            if ns > best.get(state, math.inf):
                continue
            kind = role.get(here, "end")
            if here != source and (kind == "end" or (targets is not None and here in targets)):
                if here not in reached or ns < reached[here][0]:
                    reached[here] = (ns, state)
                if left is not None:
                    left.discard(here)
                    if not left:
                        break
                if kind == "end":
                    continue
            for there, edge in graph.get(here, {}).items():
                via_board = edge[2] is None
                if here != source and kind == "adapter" and via_board == board:
                    continue  # an adapter joins the board to the network, never board to board
                cost = ns + edge[1]
                if role.get(there) != "end":
                    cost += hop_ns.get(there, (0.0, False))[0]
                key = (there, via_board)
                if cost < best.get(key, math.inf):
                    best[key] = cost
                    previous[key] = (state, edge)
                    heapq.heappush(queue, (cost, there, via_board))
        return reached, previous

    def _path(self, source: str, target: str, state, previous) -> Path:
        edges: list[_Edge] = []
        while state in previous:
            state, edge = previous[state]
            edges.append(edge)
        edges.reverse()
        hops: list[Hop] = []
        name = self.figures.name
        rates = [e[3] for e in edges if e[2] is not None]
        for edge in edges:
            there, ns, link_id, _, _, medium, length = edge
            if link_id is not None:
                hops.append(Hop("link", link_id, f"{name(link_id)} {length:,.1f} m {medium}", ns))
            role = self.role.get(there)
            if role != "end" and there != target:
                figure, estimate = self.hop_ns.get(there, (0.0, False))
                part = self.figures.node_parts.get(there)
                hops.append(Hop(role, there, f"{name(there)} ({part.model if part else role})", figure, estimate))
        if rates:
            rate = min(rates)
            up = all(e[4] for e in edges if e[2] is not None)
            packet = SCALE_UP_PACKET_BYTES if up else NETWORK_PACKET_BYTES
            hops.append(Hop("serialisation", "", f"serialisation of {packet:,} B at {rate:,.0f} Gb/s",
                            packet * 8 / rate, True))
        return Path(source, target, tuple(hops))

    def ns_to(self, target: str, state, previous) -> float:
        """`Path.ns` of the path `_path` would build to `target`, without building its hops: the same terms
        (links' propagation, switches' latency, one packet's serialisation), summed the same way."""
        terms: list[float] = []
        rates: list[float] = []
        up = True
        role, hop_ns = self.role, self.hop_ns
        while state in previous:
            state, edge = previous[state]
            there = edge[0]
            if edge[2] is not None:
                terms.append(edge[1])
                rates.append(edge[3])
                up = up and edge[4]
            if role.get(there) != "end" and there != target:
                terms.append(hop_ns.get(there, (0.0, False))[0])
        if rates:
            terms.append((SCALE_UP_PACKET_BYTES if up else NETWORK_PACKET_BYTES) * 8 / min(rates))
        return math.fsum(terms)

    def paths_from(self, source: str, targets: Iterable[str] | None = None) -> dict[str, Path]:
        """The least-latency path from `source` to each reachable end part (or to `targets`): the better of
        the scale-up fabric and the network."""
        wanted = set(targets) if targets is not None else None
        out: dict[str, Path] = {}
        for graph in (self.scale_up, self.network):
            if source not in graph:
                continue
            reached, previous = self._search(source, graph, wanted)
            for target, (_, state) in reached.items():
                if wanted is not None and target not in wanted:
                    continue
                path = self._path(source, target, state, previous)
                if target not in out or path.ns < out[target].ns:
                    out[target] = path
        return out

    def path(self, source: str, target: str) -> Path | None:
        return self.paths_from(source, [target]).get(target)


def members(index: DesignIndex, ids: Iterable[str]) -> list[str]:
    """The accelerators of racks, trays and parts `ids` (a part without accelerators stands for itself),
    in design order, each once; ids not in the design are left out."""
    figures = index
    wanted = set(ids)
    accelerators = [n.id for n in index.design.nodes if figures.kind(n) in ACCELERATOR_KINDS]
    out: dict[str, None] = {}
    covered: set[str] = set()
    rack_of = index.rack_of
    for acc in accelerators:
        chain = [acc, rack_of.get(acc)]
        node = index.nodes.get(acc)
        while node is not None and node.parent in index.nodes:
            chain.append(node.parent)
            node = index.nodes.get(node.parent)
        hit = wanted.intersection(c for c in chain if c is not None)
        if hit:
            out[acc] = None
            covered.update(hit)
    for item_id in ids:
        if item_id in index.nodes and item_id not in covered:
            out[item_id] = None
    return list(out)


@dataclass(frozen=True)
class BudgetCheck:
    """What one latency budget finds: its members, the worst path (None without one) and the first pair
    with no path at all."""

    sources: list[str]
    targets: list[str]
    checked: int
    worst: Path | None
    unreached: tuple[str, str] | None
    max_us: float = math.inf

    @property
    def holds(self) -> bool:
        return bool(self.sources and self.targets) and self.unreached is None and (
            self.worst is None or self.worst.us <= self.max_us + 1e-12)


def check_budget(model: Latency, budget) -> BudgetCheck:
    """The worst least-latency path from every member of `budget.from_ids` to every member of its `to_ids`
    (from its first MAX_BUDGET_SOURCES members): what the `latency.budget` rule and the editor show."""
    sources = members(model.figures, budget.from_ids)
    targets = members(model.figures, budget.to_ids)
    worst: Path | None = None
    unreached: tuple[str, str] | None = None
    checked = sources[:MAX_BUDGET_SOURCES]
    for source in checked:
        paths = model.paths_from(source, targets)
        for target in targets:
            if target == source:
                continue
            path = paths.get(target)
            if path is None:
                unreached = unreached or (source, target)
            elif worst is None or path.ns > worst.ns:
                worst = path
    return BudgetCheck(sources, targets, len(checked), worst, unreached, budget.max_us)


def _spread(items: list[str], most: int) -> list[str]:
    if len(items) <= most:
        return items
    step = len(items) / most
    return [items[int(i * step)] for i in range(most)]


def _spread_lists(items: list[list[str]], most: int) -> list[list[str]]:
    if len(items) <= most:
        return items
    step = len(items) / most
    return [items[int(i * step)] for i in range(most)]


def _figure(paths: list[Path], sources: int, name) -> dict | None:
    if not paths:
        return None
    worst = max(paths, key=lambda p: (p.ns, p.source, p.target))
    return {
        "worst_us": round(worst.us, 6),
        "typical_us": round(statistics.median(p.us for p in paths), 6),
        "pairs": len(paths),
        "sources": sources,
        "worst_path": worst.describe(name),
    }


def design_latency(design: Design, index: DesignIndex | None = None, catalog=None, pieces=None) -> dict:
    """The latency figures of a design (`summary()["latency"]`, the editor's latency line): per piece
    (`latency_blocks`) when it has instances, unless `index` is the Figures of it fully expanded already
    (then read there, as `summary()` reads every figure there); else `latency_figures` of the design.
    `pieces`: `split(design, catalog)` when the caller has it."""
    pieces = per_piece(design, index, catalog, pieces)
    if pieces is not None:
        found = pieces_latency(design, pieces)
        if found is not None:
            return found
    figures = Figures.of(design, index, catalog)
    return latency_figures(figures.design, figures)


def pieces_latency(design: Design, pieces: list[Piece]) -> dict | None:
    """The latency of a design cut into `pieces`: sampled per piece (`latency_blocks`) where the cut has no
    attached instance and no cable trays (today's cut), else the expanded design's figures composed from
    the pieces (`latency_attached`); None when only the expanded design gives them."""
    if not any(piece.attached_ids for piece in pieces[1:]) and not design.floor.trays:
        return latency_blocks(pieces)
    return latency_attached(design, pieces)


def per_piece(design: Design, index: DesignIndex | None = None, catalog=None, pieces=None,
              attach: bool = False) -> list[Piece] | None:
    """The pieces a design's figures are read from (`rackcad.figures.pieces.split`, with `attach`), or None
    when they are read on the design as a whole: it has no instances, cannot be cut, or `index` is the
    Figures of it expanded already (a fully opened hall)."""
    expanded = isinstance(index, Figures) and getattr(index, "source", None) is design and index.design is not design
    if not design.instances or expanded:
        return None
    if pieces is not None:
        return pieces
    return split(design, catalog or (index.catalog if index is not None else None), attach=attach)


def latency_figures(design: Design, index: DesignIndex | None = None) -> dict:
    """`summary()["latency"]`: {nvlink_domain, scale_out, between_buildings}, each None when the design has
    no such pair, else {worst_us, typical_us, pairs, sources, worst_path}."""
    figures = Figures.of(design, index)
    inside, across, between, domain_sources, network_sources = _sample(design, figures)
    name = figures.name
    return {
        "nvlink_domain": _figure(inside, domain_sources, name),
        "scale_out": _figure(across, network_sources, name),
        "between_buildings": _figure(between, network_sources, name),
    }


def _sample(design: Design, figures: Figures) -> tuple[list[Path], list[Path], list[Path], int, int]:
    """The sampled paths of one design: inside its NVLink domains, across its scale-out fabric, between its
    buildings, and how many sources the domain and the network figures were measured from."""
    model = Latency(figures)
    domain_of: dict[str, int] = {}
    for number, domain in enumerate(figures.domains()):
        for acc in domain:
            domain_of[acc] = number
    inside: list[Path] = []
    domains = _spread_lists([d for d in figures.domains() if len(d) > 1], MAX_SOURCES)
    per_domain = max(1, MAX_SOURCES // len(domains)) if domains else 0
    domain_sources = [s for d in domains for s in _spread(d, per_domain)]
    for source in domain_sources:
        targets = [a for a in figures.domains()[domain_of[source]] if a != source]
        reached, previous = model._search(source, model.scale_up)
        inside += [model._path(source, t, reached[t][1], previous) for t in targets if t in reached]
    network_sources = _spread(list(figures.accelerator_ids), MAX_SOURCES)
    across, between = _network_paths(design, model, network_sources, domain_of)
    return inside, across, between, len(domain_sources), len(network_sources)


class _Reached:
    """A network path known by its latency (`ns`, as its `Path` sums it) and ends; its hops are worked out
    again only when it is described (the worst of a figure), so a sample of a hall's 73,728 accelerators
    from 16 sources keeps 1.2 million of these and not as many hop lists."""

    __slots__ = ("ns", "source", "target", "_model")

    def __init__(self, ns: float, source: str, target: str, model: Latency) -> None:
        self.ns, self.source, self.target, self._model = ns, source, target, model

    @property
    def us(self) -> float:
        return self.ns / 1000

    def describe(self, name=lambda item_id: item_id) -> str:
        model = self._model
        reached, previous = model._search(self.source, model.network)
        return model._path(self.source, self.target, reached[self.target][1], previous).describe(name)


def _network_paths(design: Design, model: Latency, sources: list[str], domain_of: dict) -> tuple[list[_Reached], list[_Reached]]:
    """(paths across the scale-out fabric, paths between buildings) from each of `sources` to every
    accelerator it reaches over the network in another NVLink domain (`domain_of`)."""
    figures = model.figures
    plan = site_plan(design, figures.geometry_cache)
    building: dict[str, str | None] = {}
    for acc in figures.accelerator_ids:
        rack = figures.racks.get(figures.rack_of.get(acc) or "")
        hall = rack.position.hall if rack is not None else None
        building[acc] = plan.building_of.get(hall or "", hall)
    across: list[_Reached] = []
    between: list[_Reached] = []
    for source in sources:
        if source not in model.network:
            continue
        reached, previous = model._search(source, model.network)
        for target, (_, state) in reached.items():
            if target not in figures.accelerator_ids or domain_of.get(target) == domain_of.get(source):
                continue
            path = _Reached(model.ns_to(target, state, previous), source, target, model)
            (across if building.get(target) == building.get(source) else between).append(path)
    return across, between


def latency_blocks(pieces) -> dict:
    """`latency_figures` of a design with instances, per piece (`rackcad.figures.pieces.split`), never
    expanding it: no path crosses from one piece to another (what links instances is in the rest), so each
    piece is sampled as `latency_figures` samples a design of its own (the rest once, a class of repeated
    instances once on its stand-in, kept while its block is the same) and the samples are combined, a
    class's counted once per member: `worst_us` is the worst over the pieces (exactly the expanded
    design's worst where its sample holds that path), `typical_us` the median of every sampled path with
    each class's paths weighted by its members, `pairs` and `sources` the sums over the pieces with a path
    of that kind, times their members. The worst path is named as the expanded design names its worst:
    of equal latency, the greatest (source, target) ids in string order, so a class's path is named on its
    member of the greatest id."""
    out = {}
    samples = []
    for piece in pieces:
        sample = piece.cache.get("latency") if piece.repeated else None
        if sample is None:
            sample = _sample(piece.design, piece.figures)
            if piece.repeated:
                piece.cache["latency"] = sample
        samples.append((piece, sample))
    for number, (key, _) in enumerate(SCOPES):
        weighted: list[tuple[float, int]] = []
        pairs = sources = 0
        worst = None  # (ns, source, target, piece, member, path)
        for piece, sample in samples:
            paths = sample[number]
            if not paths:
                continue
            times = max(len(piece.members), 1)
            pairs += len(paths) * times
            sources += sample[3 if number == 0 else 4] * times
            weighted += [(p.us, times) for p in paths]
            top = max(p.ns for p in paths)
            member = max(piece.members, key=_order) if piece.repeated else None
            ids = _ids(member)
            for path in paths:
                if path.ns == top:
                    candidate = (path.ns, ids(path.source), ids(path.target))
                    if worst is None or candidate > worst[:3]:
                        worst = (*candidate, piece, member, path)
        if worst is None:
            out[key] = None
            continue
        *_, piece, member, path = worst
        text = _text(member)
        out[key] = {
            "worst_us": round(path.us, 6),
            "typical_us": round(_weighted_median(weighted), 6),
            "pairs": pairs,
            "sources": sources,
            "worst_path": text(path.describe(piece.figures.name)),
        }
    return out


def _order(member) -> str:
    return member.id + SEPARATOR


def _ids(member):
    return (lambda item_id: item_id) if member is None else Piece.ids(member)


def _text(member):
    return (lambda text: text) if member is None else Piece.text(member)


def _weighted_median(values: list[tuple[float, int]]) -> float:
    """`statistics.median` of the values each repeated its weight's times, without repeating them."""
    values = sorted(values)
    total = sum(w for _, w in values)
    wanted = [total // 2] if total % 2 else [total // 2 - 1, total // 2]
    found = []
    seen = 0
    for value, weight in values:
        while wanted and wanted[0] < seen + weight:
            found.append(value)
            wanted.pop(0)
        seen += weight
        if not wanted:
            break
    return found[0] if len(found) == 1 else (found[0] + found[1]) / 2


def latency_attached(design: Design, pieces) -> dict | None:
    """`latency_figures` of a design with instances cut with attached instances
    (`rackcad.figures.pieces.split(..., attach=True)`), equal to the expanded design's figure by figure and
    never expanding it: the same sources (spread over the expanded design's accelerators and NVLink domains,
    composed from the pieces), each path inside an NVLink domain found on its class's stand-in (or the
    rest), each network path on one design of what the network reaches: the rest and, of every attached
    instance, the trays its outside links end in with their accelerators and adapters (the board joins
    them), in the NVLink domains their class gives them. None when that design would not be the expanded
    design's network: a block's link off the NVLink fabric touching a switch, NIC or DPU, or joining two
    accelerators (the caller then works the latency out as before)."""
    rest, classes = pieces[0], pieces[1:]
    if any(piece.attached_ids and not _ends_only(piece) for piece in classes):
        return None
    rest_figures = rest.figures
    of_class = {member.id: (piece, member) for piece in classes for member in piece.members}
    by_owner: dict[str | None, list[str]] = defaultdict(list)
    for acc in rest_figures.accelerator_ids:
        owner = split_id(acc)
        by_owner[owner[0] if owner else None].append(acc)
    order = list(by_owner[None])  # the expanded design's accelerators, in its order
    for instance in design.instances:
        hit = of_class.get(instance.id)
        if hit is None:
            order += by_owner.get(instance.id, ())
            continue
        head, cut = instance.id + SEPARATOR, len(MARK_ID) + len(SEPARATOR)
        order += [head + acc[cut:] for acc in hit[0].figures.accelerator_ids]
    domains: list[tuple[list[str], Piece | None, object]] = [(d, None, None) for d in rest_figures.domains()]
    for piece in classes:
        local = piece.figures.domains()
        for member in piece.members:
            ids = Piece.ids(member)
            domains += [([ids(a) for a in d], piece, member) for d in local]
    domains.sort(key=lambda d: (-len(d[0]), d[0][0]))
    domain_of = {acc: number for number, (members, _, _) in enumerate(domains) for acc in members}

    chosen = _spread_lists([d for d in domains if len(d[0]) > 1], MAX_SOURCES)
    per_domain = max(1, MAX_SOURCES // len(chosen)) if chosen else 0
    inside: list[tuple[Path, Piece | None, object]] = []
    sources = 0
    models: dict[int, Latency] = {}
    for members, piece, member in chosen:
        picked = _spread(members, per_domain)
        sources += len(picked)
        figures = rest_figures if piece is None else piece.figures
        model = models.get(id(figures))
        if model is None:
            model = models[id(figures)] = Latency(figures)
        back, ids = _local(member), _ids(member)
        for source in picked:
            here = back(source)
            reached, previous = model._search(here, model.scale_up)
            for target in members:
                there = back(target)
                if target != source and there in reached:
                    path = model._path(here, there, reached[there][1], previous)
                    inside.append((Path(ids(path.source), ids(path.target), path.hops), piece, member))

    network = _network_design(design, rest, of_class)
    figures = Figures(network, rest_figures.catalog)
    network_sources = _spread(order, MAX_SOURCES)
    across, between = _network_paths(network, Latency(figures), network_sources, domain_of)
    out: dict = {"nvlink_domain": None}
    if inside:
        worst, piece, member = max(inside, key=lambda p: (p[0].ns, p[0].source, p[0].target))
        back = _local(member)
        name = rest_figures.name if piece is None else piece.figures.name
        out["nvlink_domain"] = {
            "worst_us": round(worst.us, 6),
            "typical_us": round(statistics.median(p.us for p, _, _ in inside), 6),
            "pairs": len(inside),
            "sources": sources,
            "worst_path": _text(member)(Path(back(worst.source), back(worst.target), worst.hops).describe(name)),
        }
    out["scale_out"] = _figure(across, len(network_sources), figures.name)
    out["between_buildings"] = _figure(between, len(network_sources), figures.name)
    return out


def _ends_only(piece) -> bool:
    """Whether every link of a class's stand-in off the NVLink fabric joins only parts that end a path (no
    switch, NIC or DPU) and not two accelerators: then it adds nothing to the network a path crosses."""
    cached = piece.cache.get("latency ends only")
    if cached is None:
        cached = True
        for fig in piece.figures.link_figures.values():
            if is_scale_up_protocol(fig.link.protocol):
                continue
            kinds = (fig.a.kind, fig.b.kind)
            if any(k in FORWARDING or k in ADAPTERS for k in kinds) or all(k in ACCELERATOR_KINDS for k in kinds):
                cached = False
                break
        piece.cache["latency ends only"] = cached
    return cached


def _local(member):
    """The inverse of `Piece.ids(member)`: a member's id to its stand-in's."""
    if member is None:
        return lambda item_id: item_id
    own = member.id + SEPARATOR
    mark = MARK_ID + SEPARATOR
    return lambda item_id: mark + item_id[len(own):] if item_id.startswith(own) else item_id


def _network_design(design: Design, rest, of_class) -> Design:
    """The rest, with every part it borrows of an attached instance replaced by the whole rack-mounted
    parts (trays) holding them, in the block's order: what the expanded design's network reaches there."""
    borrowed: dict[str, set[str]] = defaultdict(set)
    for node_id in rest.borrowed:
        owner, local = split_id(node_id)
        borrowed[owner].add(local)
    nodes = [node for node in rest.design.nodes if node.id not in rest.borrowed]
    units_of: dict[str, dict[str, str]] = {}
    for instance in design.instances:
        wanted = borrowed.get(instance.id)
        if not wanted:
            continue
        block = design.block(instance.block)
        unit = units_of.get(block.id)
        if unit is None:
            unit = units_of[block.id] = _units(block)
        held = {unit[local] for local in wanted}
        prefix = instance.id + SEPARATOR
        nodes += [node.model_copy(update={"id": prefix + node.id, "parent": prefix + node.parent})
                  for node in block.nodes if unit.get(node.id) in held]
    return Design.model_construct(**{**dict(rest.design), "nodes": nodes})


def _units(block) -> dict[str, str]:
    """Local node id -> the rack-mounted part holding it (itself when it stands in the rack)."""
    nodes = {node.id: node for node in block.nodes}
    racks = {rack.id for rack in block.racks}
    out: dict[str, str] = {}
    for node in block.nodes:
        top, seen = node, {node.id}
        while top.parent not in racks and top.parent in nodes and top.parent not in seen:
            seen.add(top.parent)
            top = nodes[top.parent]
        out[node.id] = top.id
    return out
