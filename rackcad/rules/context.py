"""Context: the design, the catalog and every index the rules share, built once per validation run.

Rules never walk the design themselves for things another rule also needs: link ends resolved to their
parts and port groups, ports used per group, power and heat per rack, the NVLink-class graph. Each is a
cached property, computed on first use, so a run costs O(nodes + links) however many rules read it, and a
rule that is disabled costs nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import networkx as nx

from rackcad.catalog import Catalog, Figure, PartSpec, PortGroup
from rackcad.model import Design, Link, Node, Rack
from rackcad.topology import DesignIndex, is_scale_up_protocol

KIND_LABELS = {
    "gpu": "GPU", "cpu": "CPU", "xpu": "XPU", "switch": "switch chip", "network-switch": "network switch",
    "cpo-switch": "CPO switch", "nic": "NIC", "dpu": "DPU", "power-shelf": "power shelf", "cdu": "CDU",
    "mgmt-switch": "management switch",
}


class End(NamedTuple):
    """One end of a link resolved: (node id, port group name), the node, its part, the port group and the
    part's kind (None where they do not exist). Links sharing a port group share one End."""

    key: tuple[str, str]
    node: Node | None
    part: PartSpec | None
    group: PortGroup | None
    kind: str | None


class LinkEnds(NamedTuple):
    link: Link
    a: End
    b: End


@dataclass
class RackLoad:
    """Power and heat of everything in one rack (through any depth of trays), plus its shelves and CDUs."""

    power_w: float = 0.0
    liquid_w: float = 0.0
    optics_w: float = 0.0
    """Part of `power_w` drawn by link optics (pluggable modules and CPO engines), `rackcad.analysis.optics`."""
    shelves: list[Node] = field(default_factory=list)
    cdus: list[Node] = field(default_factory=list)

    @property
    def air_w(self) -> float:
        return self.power_w - self.liquid_w


@dataclass
class FigureUse:
    """An estimated catalog figure some check relied on, and the items it was used for."""

    part: PartSpec
    name: str
    value: float
    source: str
    subjects: dict[str, None] = field(default_factory=dict)


class Context:
    """Everything a rule reads. Never mutated by rules except through `use_*`, which notes estimates."""

    def __init__(self, design: Design, catalog: Catalog, index: DesignIndex):
        self.design = design
        self.catalog = catalog
        self.index = index
        self.settings = design.rules
        self.estimates: dict[tuple[str, str], FigureUse] = {}
        self._groups: dict[tuple[str, str], PortGroup | None] = {}

    # ------------------------------------------------------------ lookups
    def part(self, item: Node | Rack | None) -> PartSpec | None:
        return self.catalog.find(item.part) if item is not None else None

    def group(self, part: PartSpec | None, port: str) -> PortGroup | None:
        """A part's port group by name, cached: parts have few groups but links are many."""
        if part is None:
            return None
        key = (part.id, port)
        try:
            return self._groups[key]
        except KeyError:
            group = self._groups[key] = part.port(port)
            return group

    def label(self, item_id: str) -> str:
        """How messages name an item: its kind and name ('GPU CT01/GPU1', 'rack NVL72', 'link L7')."""
        index = self.index
        name = index.name(item_id)
        if item_id in index.racks:
            return f"rack {name}"
        if item_id in index.links:
            return f"link {name}"
        node = index.nodes.get(item_id)
        if node is None:
            return name
        part = self.catalog.find(node.part)
        kind = part.kind if part else "part"
        return f"{KIND_LABELS.get(kind, kind)} {name}"

    # ------------------------------------------------------------ shared indexes
    @cached_property
    def node_parts(self) -> dict[str, PartSpec | None]:
        """node id -> its catalog part (None when unknown), looked up once per node."""
        find = self.catalog.find
        return {node.id: find(node.part) for node in self.design.nodes}

    @property
    def link_ends(self) -> list[LinkEnds]:
        """Every link with both ends resolved, so per-link checks are O(1)."""
        return self._links[0]

    @property
    def port_use(self) -> dict[tuple[str, str], int]:
        """(node id, port group) -> ports in use, counting each link's `count`."""
        return self._links[1]

    @cached_property
    def _links(self) -> tuple[list[LinkEnds], dict[tuple[str, str], int]]:
        """One pass over the links for `link_ends` and `port_use`; links on one port group share its End."""
        nodes, parts = self.index.nodes, self.node_parts
        ends: dict[tuple[str, str], End] = {}
        used: dict[tuple[str, str], int] = defaultdict(int)

        def resolve(key: tuple[str, str]) -> End:
            part = parts.get(key[0])
            end = ends[key] = End(key, nodes.get(key[0]), part, self.group(part, key[1]), part.kind if part else None)
            return end

        resolved = []
        for link in self.design.links:
            key_a, key_b = (link.a.node, link.a.port), (link.b.node, link.b.port)
            used[key_a] += link.count
            used[key_b] += link.count
            resolved.append(LinkEnds(link, ends.get(key_a) or resolve(key_a), ends.get(key_b) or resolve(key_b)))
        return resolved, used

    @cached_property
    def links_by_medium(self) -> dict[str | None, list[LinkEnds]]:
        """Resolved links grouped by medium, for rules that look at some media only (reach). A link without a
        medium is filed under the one its ports imply (`DesignIndex.medium`), so it is checked, not skipped."""
        out: dict[str | None, list[LinkEnds]] = defaultdict(list)
        medium = self.index.medium
        for ends in self.link_ends:
            out[ends.link.medium or medium(ends.link)].append(ends)
        return out

    @cached_property
    def end_optics(self):
        """The optics at every optical link end (`rackcad.analysis.optics.end_optics`), computed once."""
        from rackcad.analysis.optics import end_optics

        return end_optics(self.index)

    @cached_property
    def rack_loads(self) -> dict[str, RackLoad]:
        """rack id -> power, heat to liquid, shelves and CDUs. Power is a part's design (maximum) power or
        its `power_w` override, plus the optics at its link ends; heat to liquid is power times its
        liquid-cooled share (or override). Pluggable modules sit in air-cooled cages; co-packaged optics
        share their switch's cooling."""
        loads = {rack_id: RackLoad() for rack_id in self.index.racks}
        rack_of, parts = self.index.rack_of, self.node_parts
        for node in self.design.nodes:
            rack_id = rack_of.get(node.id)
            load = loads.get(rack_id) if rack_id else None
            part = parts[node.id]
            if load is None or part is None:
                continue
            if part.kind == "power-shelf":
                load.shelves.append(node)
            elif part.kind == "cdu":
                load.cdus.append(node)
            power = node.overrides.get("power_w")
            if not isinstance(power, (int, float)):
                power = part.power_w
                self.use(node.id, part, "power_max_w" if part.power_max_w else "power_typical_w")
            share = node.overrides.get("liquid_share")
            if not isinstance(share, (int, float)):
                share = part.liquid_fraction
                if power:
                    self.use(node.id, part, "liquid_share")
            load.power_w += power
            load.liquid_w += power * share
        from rackcad.analysis.optics import rack_optics

        for rack_id, (power, liquid) in rack_optics(self.index, self.end_optics).items():
            load = loads.get(rack_id)
            if load is not None:
                load.power_w += power
                load.optics_w += power
                load.liquid_w += liquid
        return loads

    @cached_property
    def graph(self) -> nx.Graph:
        """The NVLink-class fabric: every part with scale-up ports, an edge per pair joined by scale-up links."""
        graph = nx.Graph()
        graph.add_nodes_from(
            node_id for node_id, part in self.node_parts.items()
            if part is not None and any(g.role == "scale-up" for g in part.ports)
        )
        scale_up = {p for p in {link.protocol for link in self.design.links} if is_scale_up_protocol(p)}
        nodes = self.index.nodes
        graph.add_edges_from(
            (link.a.node, link.b.node)
            for link in self.design.links
            if link.protocol in scale_up and link.a.node in nodes and link.b.node in nodes
            and link.a.node != link.b.node
        )
        return graph

    @cached_property
    def components(self) -> list[set[str]]:
        """Connected parts of the scale-up graph; those holding accelerators are the NVLink domains."""
        return [set(c) for c in nx.connected_components(self.graph)]

    # ------------------------------------------------------------ estimates
    def use(self, subject: str, part: PartSpec, name: str) -> None:
        """Note that a check used figure `name` of `part` for `subject`; only estimates are kept."""
        figure = getattr(part, name, None)
        if isinstance(figure, Figure) and figure.is_estimate:
            self._note(subject, part, name, figure.value, figure.source)

    def use_port(self, subject: str, part: PartSpec, group: PortGroup) -> None:
        """Note that a check used a port group's count, rate or reach for `subject`."""
        if group.confidence == "estimate":
            self._note(subject, part, f"ports.{group.name}", group.gbps, group.source)

    def rack_limit(self, rack: Rack, name: str) -> float | None:
        """A rack's budget or capacity field; noted as an estimate when it is still the rack part's figure."""
        value = getattr(rack, name)
        part = self.catalog.find(rack.part)
        figure = getattr(part, name, None)
        if part is not None and isinstance(figure, Figure) and figure.value == value:
            self.use(rack.id, part, name)
        return value

    def _note(self, subject: str, part: PartSpec, name: str, value: float, source: str) -> None:
        key = (part.id, name)
        use = self.estimates.get(key)
        if use is None:
            use = self.estimates[key] = FigureUse(part, name, value, source)
        use.subjects[subject] = None
