"""Figures: every derived figure of one design revision, built once and patched per edit.

What it holds (each figure has this one home; rules, summary, BOM, cable schedule, optics analysis, layout
and the editor read it):

- the part of each node, the rack each node is in (through any depth of trays) and its rack U;
- ports in use per (node, port group), counting each link's `count`, by lanes: sub-links of split ports
  fill ports k at a time (`port_use`, from the `PortUse` ledger `port_ledger` keeps per group);
- per link record (`link_figure`): both ends resolved, the medium (the link's, else its ports'), the rate,
  the length (`rackcad.figures.lengths`), the cable / transceiver / CPO choice (`rackcad.figures.choice`)
  and the power and heat that choice draws at each end, in the rack where each end is plugged;
- power and heat per node (`power_w`, own), per node with its contents and optics (`power_of`), per rack
  (`load`) and per design (`total_power_w`), optics, active cables and CPO optical engines included;
- NVLink-class domains (`domains`, `domain_components`).

Sums use math.fsum, so a rack's power is the same to the last bit whether it was built in one pass or
patched edit by edit, in whatever order its parts arrived.

Power conventions: a part draws its design (maximum, else typical) power or its `power_w` override; heat to
liquid is power times its liquid-cooled share (or `liquid_share` override), the rest goes to air. A
transceiver draws its catalog power in the cage it is plugged into and sends heat as its part says
(air when the part has no liquid share). An active cable draws its power half at each end. A co-packaged
optical engine draws its switch's `optics_power_w` per port in use and cools like its switch.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import NamedTuple

from rackcad.catalog import ACCELERATOR_KINDS, Catalog, PartSpec, PortGroup, default_catalog
from rackcad.figures.choice import OPTICAL_MEDIA, Choice, Chooser, ModulePool
from rackcad.figures.lengths import computed_length_m
from rackcad.model import Design, Link, Node, Rack, expanded
from rackcad.topology import DesignIndex, PortUse, is_scale_up_protocol


def float_partials(values: Iterable[float]) -> list[float]:
    """Non-overlapping floats whose exact sum is the exact sum of `values` (Shewchuk's summation, the
    algorithm under `math.fsum`): a class's power terms kept this short, so that `math.fsum` over the
    partials of every member is the exactly rounded sum of all their terms."""
    partials: list[float] = []
    for x in values:
        i = 0
        for y in partials:
            if abs(x) < abs(y):
                x, y = y, x
            high = x + y
            low = y - (high - x)
            if low:
                partials[i] = low
                i += 1
            x = high
        partials[i:] = [x]
    return partials


def exact_sum(values: Iterable[float]) -> Fraction:
    """The exact sum of floats (math.fsum rounds this once; totals of totals stay exact with it)."""
    return sum((Fraction(v) for v in values), Fraction(0))


class End(NamedTuple):
    """One end of a link resolved: (node id, port group name), the node, its part, the port group and the
    part's kind (None where they do not exist)."""

    key: tuple[str, str]
    node: Node | None
    part: PartSpec | None
    group: PortGroup | None
    kind: str | None


@dataclass(slots=True, eq=False)
class LinkFigure:
    """The derived figures of one link record. Unpacks as (link, a, b)."""

    link: Link
    a: End
    b: End
    medium: str | None
    rate_gbps: float
    """Per direction, one of the record's links: the slower end's port rate."""
    length_m: float | None
    choice: Choice
    rack_a: str | None
    rack_b: str | None
    power_a: float
    power_b: float
    liquid_a: float
    liquid_b: float
    modules_a: float = 0.0
    """The record's share of the transceivers at end a (pooled per node, port group and part; see
    `rackcad.figures.choice`): 0.5 for one 400G link on a twin-port module it shares."""
    modules_b: float = 0.0
    cables: float = 0.0
    """The record's cables: its own (`choice.cables`), or its share of the breakout cables pooled at its
    split end (0.25 for one 200G leg of a 4-way splitter)."""

    def __iter__(self) -> Iterator:
        return iter((self.link, self.a, self.b))

    @property
    def gbps(self) -> float:
        """Per direction, the whole record."""
        return self.rate_gbps * self.link.count

    @property
    def optics(self) -> float:
        """Transceivers at both ends together, as shares of pooled modules."""
        return round(self.modules_a + self.modules_b, 6)

    @property
    def label(self) -> str:
        """Human form for the schedule: '1 x osfp-400g-dr4 + 0.5 x osfp-800g-twin (shared) + 1 x fiber-sm-mpo'."""
        choice = self.choice
        if choice.category in ("none", "backplane") or not (choice.optic_a or choice.optic_b):
            return choice.label
        parts: dict[str, float] = {}
        for part, share in ((choice.optic_a, self.modules_a), (choice.optic_b, self.modules_b)):
            if part and share:
                parts[part] = parts.get(part, 0.0) + share
        bits = [f"{round(n, 3):g} x {p}" + ("" if float(n).is_integer() else " (shared)") for p, n in parts.items()]
        if choice.cable and self.cables:
            bits.append(f"{round(self.cables, 3):g} x {choice.cable}" + ("" if float(self.cables).is_integer()
                                                                         else " (shared)"))
        engines = choice.engines_a + choice.engines_b
        if engines:
            bits.append(f"{engines:g} CPO port{'s' if engines != 1 else ''}")
        return " + ".join(bits)

    @property
    def owner(self) -> str | None:
        """The rack that answers for this link in checks: the `a` end's, else the `b` end's."""
        return self.rack_a if self.rack_a is not None else self.rack_b


@dataclass
class RackLoad:
    """Power and heat of everything in one rack (through any depth of trays), optics plugged into its parts
    included, plus its shelves and CDUs (sorted by id)."""

    parts_w: float = 0.0
    optics_w: float = 0.0
    power_w: float = 0.0
    liquid_w: float = 0.0
    shelves: list[Node] = field(default_factory=list)
    cdus: list[Node] = field(default_factory=list)

    @property
    def air_w(self) -> float:
        return self.power_w - self.liquid_w


@dataclass(frozen=True)
class Delta:
    """What one patch changed: `tokens` name changed fields ('node.part', 'link+' for an added or removed
    link, 'rack.position' ...), `racks` the racks whose figures may differ (None: parts in no rack),
    `nodes` and `links` the ids whose figures were recomputed."""

    tokens: frozenset[str]
    racks: frozenset[str | None]
    nodes: frozenset[str]
    links: frozenset[str]
    moved: bool = False
    """Whether a node or link changed the rack that answers for it (its owner in checks)."""


_PREFIX = {Rack: "rack", Node: "node", Link: "link"}

_GRAPH_TOKENS = frozenset({"node+", "node.part", "node.parent", "rack+", "link+", "link.a", "link.b",
                           "link.protocol", "link.count"})
"""Changes that can change the scale-up graph (its nodes carry kind and rack, its edges counts and rates)."""

_PLACEMENT = {Rack: ("part", "position"), Node: ("part", "parent", "u", "bay"), Link: ()}
"""Fields whose change moves what is inside an item (its contents' racks and U, hence lengths)."""


_NO_CPO = (False, False)
_UNPOWERED = frozenset({"none", "backplane"})
"""Choices that draw no power of their own (board traces, the rack's copper spine)."""


def _is_cpo(end: End) -> bool:
    """Whether the end's optics are co-packaged: a CPO port group, or a CPO switch."""
    return end.kind == "cpo-switch" or (end.group is not None and end.group.medium == "cpo-fiber")


class Figures(DesignIndex):
    """The derived figures of one design state. Read-only for its readers; `update` patches it after an edit."""

    def __init__(self, design: Design, catalog: Catalog | None = None):
        self.source = design
        """The design these figures are of; `design` is its expanded view (the same object without instances)."""
        self.design = expanded(design)
        self.catalog = catalog or default_catalog()
        self.chooser = Chooser(self.catalog)
        self._choices: dict[tuple, Choice] = {}
        self._build()

    @classmethod
    def of(cls, design: Design, index: DesignIndex | None = None, catalog: Catalog | None = None) -> "Figures":
        """`index` when it is the Figures of `design`, else the Figures of `design` built now."""
        if isinstance(index, Figures) and (index.design is design or index.source is design):
            return index
        return cls(design, catalog or (index.catalog if index is not None else None))

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        design = self.design
        super().__init__(design, self.catalog)
        self.node_parts: dict[str, PartSpec | None] = {}
        self.rack_of: dict[str, str | None] = {}
        self.rack_u_of: dict[str, float | None] = {}
        self.rack_nodes: dict[str | None, dict[str, None]] = defaultdict(dict)
        self.accelerator_ids: dict[str, None] = {}
        self.port_use: dict[tuple[str, str], int] = defaultdict(int)
        self.ledgers: dict[tuple[str, str], PortUse] = {}
        """(node id, port group) -> what its link ends take of its ports, whole and split (`port_use` = ports)."""
        self.link_figures: dict[str, LinkFigure] = {}
        self.rack_ends: dict[str | None, dict[tuple[str, int], None]] = defaultdict(dict)
        self.owned_links: dict[str | None, dict[str, None]] = defaultdict(dict)
        self.ends_of: dict[str, dict[tuple[str, int], None]] = defaultdict(dict)
        self._estimates: dict[str, tuple[str, ...]] = {}
        self._ends: dict[tuple[str, str], End] = {}
        self._loads: dict[str, RackLoad] = {}
        self._components: list[set[str]] | None = None
        self.pools: dict[tuple[str, str, str], ModulePool] = {}
        """(node id, port group, module part) -> the link ends sharing those modules, as (link id, side)."""
        self._dirty: set[tuple[str, str, str]] = set()
        self.cable_pools: dict[tuple[str, str, str], ModulePool] = {}
        """(node id, port group, cable part) -> the split link ends sharing the breakout cables in its cages."""
        self._dirty_cables: set[tuple[str, str, str]] = set()
        self.tray_fills = None
        """rackcad.figures.routing.TrayFills once a tray fill was asked for; told of every record changed."""
        for node in design.nodes:
            self._add_node(node.id)
        for link in design.links:
            self._add_link(link)
        self._settle()

    def _unindex_link(self, link: Link) -> None:
        for node_id in {link.a.node, link.b.node}:
            items = self.links_of.get(node_id)
            if items is not None:
                items[:] = [x for x in items if x.id != link.id]
                if not items:
                    del self.links_of[node_id]

    def _resolve_rack(self, node: Node) -> tuple[str | None, float | None]:
        """(rack id, U of the rack-mounted ancestor or itself) walking up the parents; (None, None) orphaned."""
        current: Node | None = node
        seen = {node.id}
        while current is not None and current.parent not in self.racks:
            current = self.nodes.get(current.parent)
            if current is None or current.id in seen:
                return None, None
            seen.add(current.id)
        return current.parent, current.u

    def _add_node(self, node_id: str) -> None:
        node = self.nodes[node_id]
        part = self.catalog.find(node.part)
        self.node_parts[node_id] = part
        rack, u = self._resolve_rack(node)
        self.rack_of[node_id] = rack
        self.rack_u_of[node_id] = u
        self.rack_nodes[rack][node_id] = None
        if part is not None and part.kind in ACCELERATOR_KINDS:
            self.accelerator_ids[node_id] = None

    def _drop_node(self, node_id: str) -> None:
        rack = self.rack_of.pop(node_id, None)
        self.rack_u_of.pop(node_id, None)
        self.node_parts.pop(node_id, None)
        self.rack_nodes[rack].pop(node_id, None)
        self.accelerator_ids.pop(node_id, None)

    def _end(self, node_id: str, port: str) -> End:
        key = (node_id, port)
        end = self._ends.get(key)
        if end is None or end.node is not self.nodes.get(node_id):
            node = self.nodes.get(node_id)
            part = self.node_parts.get(node_id) if node is not None else None
            end = self._ends[key] = End(key, node, part, part.port(port) if part else None,
                                        part.kind if part else None)
        return end

    def estimated(self, part: PartSpec) -> tuple[str, ...]:
        """Names of the part's power figures (the one used and its liquid share) that are estimates."""
        names = self._estimates.get(part.id)
        if names is None:
            power = "power_max_w" if part.power_max_w else "power_typical_w"
            names = tuple(n for n in (power, "liquid_share")
                          if getattr(part, n) is not None and getattr(part, n).is_estimate)
            self._estimates[part.id] = names
        return names

    def _end_power(self, end: End, choice: Choice, optic: str | None, optics: float, engines: float,
                   cables: float, rate: float) -> tuple[float, float]:
        """(W, W to liquid) drawn at one end: its transceivers (each at what it draws with its ports at the
        link's `rate`), its CPO engines, half of its active cables (`cables`: the record's own, or its share
        of pooled breakout cables)."""
        power = liquid = 0.0
        if optic and optics:
            module = self.catalog.find(optic)
            if module is not None:
                watts = optics * module.power_at(rate)
                power += watts
                liquid += watts * module.liquid_fraction
        if engines and end.part is not None and end.part.optics_power_w is not None:
            watts = engines * end.part.optics_power_w.value
            power += watts
            liquid += watts * self.liquid_fraction(end.node) if end.node is not None else 0.0
        if choice.cable and cables:
            cable = self.catalog.find(choice.cable)
            if cable is not None and cable.power_w:
                half = cables * cable.power_w / 2
                power += half
                liquid += half * cable.liquid_fraction
        return power, liquid

    def _add_link(self, link: Link) -> None:
        ref_a, ref_b = link.a, link.b
        a = self._end(ref_a.node, ref_a.port)
        b = self._end(ref_b.node, ref_b.port)
        ga, gb = a.group, b.group
        medium = link.medium
        if medium is None:
            medium = (ga.medium if ga is not None else None) or (gb.medium if gb is not None else None)
        split_a, split_b = ref_a.split or 1, ref_b.split or 1
        rate_a = (ga.gbps / split_a if split_a > 1 else ga.gbps) if ga is not None else None
        rate_b = (gb.gbps / split_b if split_b > 1 else gb.gbps) if gb is not None else None
        if rate_a is not None and rate_b is not None:
            rate = rate_a if rate_a < rate_b else rate_b
        else:
            rate = rate_a if rate_a is not None else rate_b if rate_b is not None else 0.0
        length = link.length_m if link.length_m is not None else computed_length_m(self, link)
        optic = self.catalog.find(link.optic) if link.optic is not None else None
        if optic is not None and optic.kind != "optic":
            optic = None
        cpo = (_is_cpo(a), _is_cpo(b)) if medium in OPTICAL_MEDIA or optic is not None else _NO_CPO
        cages = (ga.ports_per_cage if ga is not None else 1, gb.ports_per_cage if gb is not None else 1)
        splits = (split_a, split_b)
        if splits == (1, 1):
            heads = (0.0, 0.0)
        else:
            heads = (ga.gbps * ga.ports_per_cage if ga is not None else 0.0,
                     gb.gbps * gb.ports_per_cage if gb is not None else 0.0)
        key = (medium, link.count, rate, length, cpo, cages, link.optic if optic is not None else None, splits, heads)
        choice = self._choices.get(key)
        if choice is None:
            choice = self._choices[key] = self.chooser.choose(medium, link.count, rate, length, cpo, cages, optic,
                                                              splits, heads)
        link_id, count = link.id, link.count
        own_cables = 0 if choice.cable_use else choice.cables
        if choice.category in _UNPOWERED:
            power_a = liquid_a = power_b = liquid_b = 0.0
        else:
            power_a, liquid_a = self._end_power(a, choice, None, 0, choice.engines_a, own_cables, rate)
            power_b, liquid_b = self._end_power(b, choice, None, 0, choice.engines_b, own_cables, rate)
            for side, end, optic, use in ((0, a, choice.optic_a, choice.use_a), (1, b, choice.optic_b, choice.use_b)):
                if optic and use:
                    pool_key = (*end.key, optic)
                    pool = self.pools.get(pool_key)
                    if pool is None:
                        pool = self.pools[pool_key] = ModulePool()
                    pool.add((link_id, side), use)
                    self._dirty.add(pool_key)
        rack_a = self.rack_of.get(ref_a.node) if a.node is not None else None
        rack_b = self.rack_of.get(ref_b.node) if b.node is not None else None
        fig = LinkFigure(link, a, b, medium, rate, length, choice, rack_a, rack_b, power_a, power_b, liquid_a,
                         liquid_b, cables=own_cables)
        self.link_figures[link_id] = fig
        if self.tray_fills is not None:
            self.tray_fills.touch(link_id)
        if choice.cable_use and choice.category not in _UNPOWERED:
            cable_key = (*(b if choice.cable_side else a).key, choice.cable)
            pool = self.cable_pools.get(cable_key)
            if pool is None:
                pool = self.cable_pools[cable_key] = ModulePool()
            pool.add(link_id, choice.cable_use)
            self._dirty_cables.add(cable_key)
        port_use, ledgers = self.port_use, self.ledgers
        for ref, key in ((ref_a, a.key), (ref_b, b.key)):
            ledger = ledgers.get(key)
            if ledger is None:
                ledger = ledgers[key] = PortUse()
            ledger.add(ref, count)
            port_use[key] = ledger.ports
        end_a, end_b = (link_id, 0), (link_id, 1)
        self.rack_ends[rack_a][end_a] = None
        self.rack_ends[rack_b][end_b] = None
        self.ends_of[ref_a.node][end_a] = None
        self.ends_of[ref_b.node][end_b] = None
        self.owned_links[rack_a if rack_a is not None else rack_b][link_id] = None

    def _drop_link(self, link_id: str) -> LinkFigure | None:
        fig = self.link_figures.pop(link_id, None)
        if fig is None:
            return None
        if self.tray_fills is not None:
            self.tray_fills.touch(link_id)
        choice = fig.choice
        for side, end, optic, use in ((0, fig.a, choice.optic_a, choice.use_a), (1, fig.b, choice.optic_b, choice.use_b)):
            if optic and use:
                pool_key = (*end.key, optic)
                pool = self.pools.get(pool_key)
                if pool is not None:
                    pool.remove((link_id, side))
                    self._dirty.add(pool_key)
        if choice.cable_use and choice.category not in _UNPOWERED:
            cable_key = (*(fig.b if choice.cable_side else fig.a).key, choice.cable)
            pool = self.cable_pools.get(cable_key)
            if pool is not None:
                pool.remove(link_id)
                self._dirty_cables.add(cable_key)
        for ref, key in ((fig.link.a, fig.a.key), (fig.link.b, fig.b.key)):
            ledger = self.ledgers.get(key)
            if ledger is None:
                continue
            ledger.add(ref, fig.link.count, -1)
            if ledger:
                self.port_use[key] = ledger.ports
            else:
                del self.ledgers[key]
                self.port_use.pop(key, None)
        self.rack_ends[fig.rack_a].pop((link_id, 0), None)
        self.rack_ends[fig.rack_b].pop((link_id, 1), None)
        self.ends_of[fig.link.a.node].pop((link_id, 0), None)
        self.ends_of[fig.link.b.node].pop((link_id, 1), None)
        self.owned_links[fig.owner].pop(link_id, None)
        return fig

    def _settle(self) -> set[str]:
        """Share the modules of every pool that changed among its link ends (their power too); returns the
        ids of the links whose shares were set."""
        touched: set[str] = set()
        figures = self.link_figures
        for pool in _live_pools(self.pools, self._dirty):
            for member in pool.members:
                link_id, side = member
                fig = figures[link_id]
                share = pool.share(member)
                choice = fig.choice
                if side:
                    fig.modules_b = share
                    fig.power_b, fig.liquid_b = self._end_power(fig.b, choice, choice.optic_b, share,
                                                                choice.engines_b, fig.cables, fig.rate_gbps)
                else:
                    fig.modules_a = share
                    fig.power_a, fig.liquid_a = self._end_power(fig.a, choice, choice.optic_a, share,
                                                                choice.engines_a, fig.cables, fig.rate_gbps)
                touched.add(link_id)
        self._dirty.clear()
        for pool in _live_pools(self.cable_pools, self._dirty_cables):
            for link_id in pool.members:
                fig = figures[link_id]
                fig.cables = pool.share(link_id)
                if self.tray_fills is not None:  # its share of the cage's cable routes along its trays
                    self.tray_fills.touch(link_id)
                choice = fig.choice
                fig.power_a, fig.liquid_a = self._end_power(fig.a, choice, choice.optic_a, fig.modules_a,
                                                            choice.engines_a, fig.cables, fig.rate_gbps)
                fig.power_b, fig.liquid_b = self._end_power(fig.b, choice, choice.optic_b, fig.modules_b,
                                                            choice.engines_b, fig.cables, fig.rate_gbps)
                touched.add(link_id)
        self._dirty_cables.clear()
        return touched

    # ------------------------------------------------------------------ patching
    def update(self, ids: Iterable[str], find: Callable[[str], object]) -> Delta:
        """Bring the figures up to date after an edit that touched `ids`; `find(id)` returns the item now in
        the design (None when it is gone). Costs what the edited items and their links hold."""
        tokens: set[str] = set()
        racks: set[str | None] = {None}
        nodes: set[str] = set()
        links: set[str] = set()
        changed: list[tuple[object, object]] = []
        for item_id in ids:
            old = self.racks.get(item_id) or self.nodes.get(item_id) or self.links.get(item_id)
            new = find(item_id)
            if old is new or not isinstance(new, (Rack, Node, Link, type(None))):
                continue
            changed.append((old, new))
            if old is None or new is None or type(old) is not type(new):
                for item in (old, new):
                    if item is not None:
                        tokens.add(f"{_PREFIX[type(item)]}+")
                        tokens.update(f"{_PREFIX[type(item)]}.{f}" for f in type(item).model_fields)
            else:
                tokens.update(f"{_PREFIX[type(new)]}.{f}" for f in type(new).model_fields
                              if getattr(old, f) != getattr(new, f))
        if not changed:
            return Delta(frozenset(), frozenset(), frozenset(), frozenset())
        rack_moved: set[str] = set()
        for old, new in changed:
            placed = (old is None or new is None or type(old) is not type(new)
                      or any(getattr(old, f) != getattr(new, f) for f in _PLACEMENT[type(new)]))
            for item in (old, new):
                if isinstance(item, Node):
                    nodes.add(item.id)
                    if placed:
                        nodes.update(d.id for d in self._descendants(item.id))
                elif isinstance(item, Link):
                    links.add(item.id)
                elif isinstance(item, Rack):
                    racks.add(item.id)
                    if placed:
                        rack_moved.add(item.id)
        for rack_id in racks:
            if rack_id is not None:
                links.update(link.id for link in self.links_of.get(rack_id, ()))  # links naming a rack id
        for rack_id in rack_moved:
            for child in self.children.get(rack_id, ()):
                nodes.add(child.id)
                nodes.update(d.id for d in self._descendants(child.id))
            nodes.update(self.rack_nodes.get(rack_id, ()))
        for node_id in nodes:
            links.update(link.id for link in self.links_of.get(node_id, ()))

        # take out the old contributions
        owners: dict[str, str | None] = {}
        for link_id in links:
            fig = self._drop_link(link_id)
            if fig is not None:
                racks.update((fig.rack_a, fig.rack_b))
                owners[link_id] = fig.owner
        for node_id in nodes:
            owners[node_id] = self.rack_of.get(node_id)
            racks.add(owners[node_id])
            self._drop_node(node_id)
        # change the structure
        for old, new in changed:
            if isinstance(old, Rack):
                del self.racks[old.id]
            elif isinstance(old, Node):
                del self.nodes[old.id]
                siblings = self.children.get(old.parent)
                if siblings is not None:
                    siblings[:] = [n for n in siblings if n.id != old.id]
                    if not siblings:
                        del self.children[old.parent]
            elif isinstance(old, Link):
                del self.links[old.id]
                self._unindex_link(old)
            if isinstance(new, Rack):
                self.racks[new.id] = new
            elif isinstance(new, Node):
                self.nodes[new.id] = new
                self.children[new.parent].append(new)
            elif isinstance(new, Link):
                self.links[new.id] = new
                self._index_link(new)
        # links added with this edit, and links of nodes that now exist
        for node_id in list(nodes):
            links.update(link.id for link in self.links_of.get(node_id, ()))
        # put the new contributions in
        moved = False
        for node_id in nodes:
            if node_id in self.nodes:
                self._add_node(node_id)
                racks.add(self.rack_of[node_id])
                moved = moved or owners.get(node_id, self.rack_of[node_id]) != self.rack_of[node_id]
        for link_id in links:
            link = self.links.get(link_id)
            if link is not None:
                self._add_link(link)
                fig = self.link_figures[link_id]
                racks.update((fig.rack_a, fig.rack_b))
                moved = moved or owners.get(link_id, fig.owner) != fig.owner
        for link_id in self._settle() - links:  # ends that share modules with an edited link: same node, rack
            fig = self.link_figures[link_id]
            racks.update((fig.rack_a, fig.rack_b))
            links.add(link_id)
        for rack_id in racks:
            if rack_id is not None:
                self._loads.pop(rack_id, None)
        if tokens & _GRAPH_TOKENS:
            self._components = None
        return Delta(frozenset(tokens), frozenset(racks), frozenset(nodes), frozenset(links), moved)

    def _descendants(self, node_id: str) -> list[Node]:
        out: list[Node] = []
        stack = [node_id]
        seen = {node_id}
        while stack:
            for child in self.children.get(stack.pop(), ()):
                if child.id not in seen:
                    seen.add(child.id)
                    out.append(child)
                    stack.append(child.id)
        return out

    # ------------------------------------------------------------------ reading
    @property
    def accelerators(self) -> list[Node]:  # type: ignore[override]
        return [self.nodes[i] for i in self.accelerator_ids]

    def part(self, node_or_rack: Node | Rack | str) -> PartSpec | None:
        if isinstance(node_or_rack, str) and node_or_rack in self.node_parts:
            return self.node_parts[node_or_rack]
        return super().part(node_or_rack)

    def link_figure(self, link_id: str) -> LinkFigure:
        return self.link_figures[link_id]

    def link_gbps(self, link: Link) -> float:
        fig = self.link_figures.get(link.id)
        if fig is not None and fig.link is link:
            return fig.gbps
        return super().link_gbps(link)

    def used_ports(self, node_id: str, port: str) -> int:
        return self.port_use.get((node_id, port), 0)

    def port_ledger(self, node_id: str, port: str) -> PortUse:
        return self.ledgers.get((node_id, port)) or PortUse()

    def nodes_in_rack(self, rack_id: str) -> list[Node]:
        return [self.nodes[i] for i in self.rack_nodes.get(rack_id, ())]

    @property
    def link_count(self) -> int:
        """Links in the design, counting each record's `count` (what `rackcad info` calls links)."""
        return sum(link.count for link in self.links.values())

    def ends_at(self, node_id: str) -> Iterator[tuple[LinkFigure, int]]:
        """(link figure, end: 0 for a, 1 for b) of every link end on `node_id`."""
        figures = self.link_figures
        for link_id, side in self.ends_of.get(node_id, ()):
            yield figures[link_id], side

    def optics_w(self, node_id: str) -> tuple[float, float]:
        """(W, W to liquid) of the transceivers, CPO engines and active-cable ends plugged into `node_id`."""
        power, liquid = [], []
        for fig, side in self.ends_at(node_id):
            power.append(fig.power_b if side else fig.power_a)
            liquid.append(fig.liquid_b if side else fig.liquid_a)
        return math.fsum(power), math.fsum(liquid)

    def power_of(self, node_id: str) -> float:
        """A node's power with everything inside it and the optics plugged into them."""
        members = [node_id, *(d.id for d in self._descendants(node_id))]
        watts = [self.power_w(self.nodes[m]) for m in members if m in self.nodes]
        watts += [self.optics_w(m)[0] for m in members]
        return math.fsum(watts)

    def selection_power_w(self, ids: Iterable[str]) -> float:
        """Power of a selection of racks, parts (with their contents and optics) and links (their optics),
        each counted once however many of its containers are selected too."""
        chosen = set(ids)
        watts: list[float] = []
        for item_id in chosen:
            if item_id in self.racks:
                watts.append(self.load(item_id).power_w)
            elif item_id in self.nodes:
                if self.rack_of.get(item_id) in chosen or self._inside(item_id, chosen):
                    continue
                watts.append(self.power_of(item_id))
            elif item_id in self.link_figures:
                fig = self.link_figures[item_id]
                for node_id, rack, power in ((fig.link.a.node, fig.rack_a, fig.power_a),
                                             (fig.link.b.node, fig.rack_b, fig.power_b)):
                    if rack not in chosen and node_id not in chosen and not self._inside(node_id, chosen):
                        watts.append(power)
        return math.fsum(watts)

    def _inside(self, node_id: str, chosen: set[str]) -> bool:
        """Whether a container of `node_id` (a tray, at any depth) is in `chosen`."""
        node = self.nodes.get(node_id)
        seen = {node_id}
        while node is not None and node.parent not in seen:
            if node.parent in chosen:
                return True
            seen.add(node.parent)
            node = self.nodes.get(node.parent)
        return False

    def load(self, rack_id: str) -> RackLoad:
        """Power and heat of one rack, optics included (cached until an edit touches the rack)."""
        load = self._loads.get(rack_id)
        if load is not None:
            return load
        parts, liquid, optics, optics_liquid, shelves, cdus = self.load_terms(rack_id)
        load = RackLoad(parts_w=math.fsum(parts), optics_w=math.fsum(optics), power_w=math.fsum(parts + optics),
                        liquid_w=math.fsum(liquid + optics_liquid), shelves=shelves, cdus=cdus)
        self._loads[rack_id] = load
        return load

    def load_terms(self, rack_id: str) -> tuple[list[float], list[float], list[float], list[float], list[Node],
                                                  list[Node]]:
        """What `load` adds up for one rack: (each part's power, its power to liquid, each link end's optics
        power, its power to liquid, the power shelves, the CDUs), for callers that add terms of their own and
        round once (a rack of a hall composed per block, `rackcad.figures.pieces`)."""
        parts, liquid, optics, optics_liquid = [], [], [], []
        shelves, cdus = [], []
        nodes, node_parts = self.nodes, self.node_parts
        for node_id in self.rack_nodes.get(rack_id, ()):
            node = nodes[node_id]
            part = node_parts[node_id]
            if part is None:
                continue
            if part.kind == "power-shelf":
                shelves.append(node)
            elif part.kind == "cdu":
                cdus.append(node)
            if node.overrides:
                power = self.power_w(node)
                share = self.liquid_fraction(node)
            else:
                power, share = part.power_w, part.liquid_fraction
            parts.append(power)
            liquid.append(power * share)
        for link_id, side in self.rack_ends.get(rack_id, ()):
            fig = self.link_figures[link_id]
            optics.append(fig.power_b if side else fig.power_a)
            optics_liquid.append(fig.liquid_b if side else fig.liquid_a)
        shelves.sort(key=lambda n: n.id)
        cdus.sort(key=lambda n: n.id)
        return parts, liquid, optics, optics_liquid, shelves, cdus

    @property
    def rack_loads(self) -> dict[str, RackLoad]:
        return {rack_id: self.load(rack_id) for rack_id in self.racks}

    def total_power_w(self) -> float:
        """Every placed part's power and every link end's optics, in racks or not."""
        return math.fsum(self.power_terms())

    def power_terms(self) -> Iterator[float]:
        """The terms of `total_power_w`: each part's own power, then each link end's optics."""
        yield from (self.power_w(n) for n in self.nodes.values())
        for fig in self.link_figures.values():
            yield fig.power_a
            yield fig.power_b

    def kind_counts(self) -> Counter[str]:
        """Part kind -> placed parts of that kind (parts not in the catalog are not counted)."""
        return Counter(part.kind for part in self.node_parts.values() if part is not None)

    @property
    def node_count(self) -> int:
        """Placed parts in the design."""
        return len(self.nodes)

    def optics_power_w(self) -> float:
        return math.fsum(w for fig in self.link_figures.values() for w in (fig.power_a, fig.power_b))

    def exact_power_w(self, skip: Container[str] = ()) -> tuple[Fraction, Fraction]:
        """(every part's power, every link end's optics) as exact sums: what `total_power_w` (their sum) and
        `optics_power_w` round, for callers that add the totals of several designs and round once (the
        summary of a hall per block). `float()` of each equals the fsum figure. `skip`: ids of parts whose
        power another piece counts (a hall's parts a class lends to the rest)."""
        parts = exact_sum(self.power_w(n) for n in self.nodes.values() if n.id not in skip)
        optics = exact_sum(w for fig in self.link_figures.values() for w in (fig.power_a, fig.power_b))
        return parts, optics

    def module_units(self) -> dict[str, int]:
        """Part id -> transceivers the links need: whole modules per (node, port group, part), shared by
        the links on them."""
        out: dict[str, int] = defaultdict(int)
        for (_, _, part_id), pool in self.pools.items():
            out[part_id] += pool.units
        return dict(out)

    def pool_power_w(self, key: tuple[str, str, str]) -> float:
        """What the modules of one pool (node, port group, part) draw: each member's share of them at the
        rate of its link (`PartSpec.power_at`), so the pools add up to the link ends' module power."""
        pool, module = self.pools.get(key), self.catalog.find(key[2])
        if pool is None or module is None:
            return 0.0
        if not module.power_reduced:
            return pool.units * module.power_w
        figures = self.link_figures
        return math.fsum(pool.share(member) * module.power_at(figures[member[0]].rate_gbps)
                         for member in pool.members)

    def modules(self) -> dict[str, int]:
        """Part id -> quantity of every transceiver (`module_units`) and cable the links need: a breakout
        cable once per cage it fills (pooled), whatever number of link records share it."""
        out: dict[str, int] = defaultdict(int, self.module_units())
        for fig in self.link_figures.values():
            choice = fig.choice
            if choice.cable and choice.cables and not choice.cable_use:
                out[choice.cable] += choice.cables
        for (_, _, part_id), pool in self.cable_pools.items():
            out[part_id] += pool.units
        return dict(out)

    # ------------------------------------------------------------------ domains
    def domain_components(self) -> list[set[str]]:
        """Connected parts of the scale-up fabric (parts joined by NVLink-class links, through switch chips)
        that hold accelerators; an accelerator without such links is a part of its own. Built on first use
        (union-find over the links) and kept until an edit changes the wiring."""
        if self._components is None:
            parent: dict[str, str] = {}

            def root(item: str) -> str:
                top = item
                while parent.get(top, top) != top:
                    top = parent[top]
                while item != top:
                    parent[item], item = top, parent[item]
                return top

            nodes = self.nodes
            scale_up: dict[str, bool] = {}
            for fig in self.link_figures.values():
                link = fig.link
                protocol = link.protocol
                joins = scale_up.get(protocol)
                if joins is None:
                    joins = scale_up[protocol] = is_scale_up_protocol(protocol)
                a, b = link.a.node, link.b.node
                if joins and a != b and a in nodes and b in nodes:
                    ra, rb = root(a), root(b)
                    if ra != rb:
                        parent[ra] = rb
            groups: dict[str, set[str]] = defaultdict(set)
            for node_id in nodes:
                groups[root(node_id)].add(node_id)
            accelerators = self.accelerator_ids
            self._components = [g for g in groups.values() if any(n in accelerators for n in g)]
        return self._components

    def domains(self) -> list[list[str]]:
        """NVLink domains: sorted accelerator ids per domain, largest first."""
        accelerators = self.accelerator_ids
        out = [sorted(n for n in c if n in accelerators) for c in self.domain_components()]
        out.sort(key=lambda d: (-len(d), d[0]))
        return out


def _live_pools(pools: dict, keys) -> Iterator:
    """The pools of `keys` that still have members; a pool left without members is dropped from `pools`."""
    for key in keys:
        pool = pools.get(key)
        if pool is None:
            continue
        if not pool.members:
            del pools[key]
            continue
        yield pool
