"""Context: what every rule reads. The figures come from `rackcad.figures.Figures`, built once per design
revision (and patched per edit by the Checker); the context only scopes them.

A context covers either the whole design (`scope` None, what `validate` runs) or the parts some racks
answer for (`scope`: a set of rack ids, None standing for parts in no rack), what the Checker re-runs after
an edit. Every rack, node and link has one owner: a rack itself, a node its rack, a link the rack of its
`a` end (else of its `b` end). A rule of scope "rack" yields, for a scope, exactly the violations about the
items it owns, so results per owner can be replaced one owner at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from rackcad.catalog import Catalog, Figure, PartSpec, PortGroup
from rackcad.figures import End, Figures, LinkFigure, RackLoad
from rackcad.model import Design, Node, Rack
from rackcad.vocabulary import kind_name

LinkEnds = LinkFigure
"""A link with both ends resolved; unpacks as (link, a, b)."""

__all__ = ["Context", "End", "FigureUse", "LinkEnds", "RackLoad"]


@dataclass
class FigureUse:
    """An estimated catalog figure some check relied on, and the items it was used for."""

    part: PartSpec
    name: str
    value: float
    source: str
    subjects: dict[str, None] = field(default_factory=dict)


class _Loads:
    """rack id -> RackLoad, read from the figures."""

    def __init__(self, figures: Figures):
        self._figures = figures

    def __getitem__(self, rack_id: str) -> RackLoad:
        return self._figures.load(rack_id)


class Context:
    """Everything a rule reads. Never mutated by rules except through `use_*`, which notes estimates."""

    def __init__(self, design: Design, catalog: Catalog, figures: Figures,
                 scope: Iterable[str | None] | None = None):
        self.design = design
        self.catalog = catalog
        self.figures = self.index = figures
        self.settings = design.rules
        self.scope = None if scope is None else frozenset(scope)
        self.estimates: dict[tuple[str, str], FigureUse] = {}
        self.rack_loads = _Loads(figures)
        self.node_parts = figures.node_parts
        self.port_use = figures.port_use

    # ------------------------------------------------------------ lookups
    def part(self, item: Node | Rack | None) -> PartSpec | None:
        if item is None:
            return None
        if isinstance(item, Node) and self.figures.nodes.get(item.id) is item:
            return self.node_parts.get(item.id)
        return self.catalog.find(item.part)

    @staticmethod
    def group(part: PartSpec | None, port: str) -> PortGroup | None:
        return part.port(port) if part is not None else None

    def label(self, item_id: str) -> str:
        """How messages name an item: its kind and name ('GPU CT01/GPU1', 'rack NVL72', 'link L7')."""
        index = self.index
        name = index.name(item_id)
        if item_id in index.racks:
            return f"rack {name}"
        if item_id in index.links:
            return f"link {name}"
        if item_id not in index.nodes:
            return name
        part = self.node_parts.get(item_id)
        return f"{kind_name(part.kind if part else None)} {name}"

    # ------------------------------------------------------------ what is in scope
    @cached_property
    def racks(self) -> list[Rack]:
        """Racks in scope, in design order."""
        if self.scope is None:
            return list(self.design.racks)
        racks = self.figures.racks
        return [racks[r] for r in self.scope if r is not None and r in racks]

    @cached_property
    def nodes(self) -> list[Node]:
        """Nodes in scope (those in the racks of the scope, or in no rack)."""
        if self.scope is None:
            return list(self.design.nodes)
        figures = self.figures
        return [figures.nodes[n] for owner in self.scope for n in figures.rack_nodes.get(owner, ())]

    @property
    def link_ends(self) -> list[LinkFigure]:
        """Links in scope with both ends resolved."""
        return self._links

    @cached_property
    def _links(self) -> list[LinkFigure]:
        figures = self.figures.link_figures
        if self.scope is None:
            return list(figures.values())
        owned = self.figures.owned_links
        return [figures[i] for owner in self.scope for i in owned.get(owner, ())]

    @cached_property
    def accelerators(self) -> list[Node]:
        """Accelerators in scope."""
        if self.scope is None:
            return self.figures.accelerators
        accelerators = self.figures.accelerator_ids
        return [n for n in self.nodes if n.id in accelerators]

    def ports_in_use(self) -> Iterator[tuple[tuple[str, str], int]]:
        """((node id, port group), ports in use) for the port groups of the nodes in scope."""
        use = self.port_use
        if self.scope is None:
            yield from use.items()
            return
        for node in self.nodes:
            part = self.node_parts.get(node.id)
            for group in part.ports if part else ():
                key = (node.id, group.name)
                if key in use:
                    yield key, use[key]

    def children(self, parent_id: str) -> list[Node]:
        return self.figures.children.get(parent_id, [])

    def trays(self) -> Iterator[tuple[str, list[Node]]]:
        """(container id, its children) for every node in scope that holds parts."""
        children = self.figures.children
        if self.scope is None:
            yield from ((k, v) for k, v in children.items() if k in self.figures.nodes)
            return
        for node in self.nodes:
            held = children.get(node.id)
            if held:
                yield node.id, held

    @cached_property
    def links_by_medium(self) -> dict[str | None, list[LinkFigure]]:
        """Links in scope grouped by medium, for rules that look at some media only (reach). A link without a
        medium is filed under the one its ports imply (the figures' medium), so it is checked, not skipped."""
        out: dict[str | None, list[LinkFigure]] = defaultdict(list)
        for ends in self.link_ends:
            out[ends.medium].append(ends)
        return out

    @cached_property
    def levels(self) -> dict[str, int]:
        """Endpoints (0) and switches by tier level (1 leaf, 2 spine, 3 core): `rackcad.topology.switch_levels`."""
        from rackcad.topology import switch_levels

        return switch_levels(self.figures)

    @property
    def components(self) -> list[set[str]]:
        """Connected parts of the scale-up fabric holding accelerators: the NVLink domains."""
        return self.figures.domain_components()

    def use_load(self, rack_id: str) -> None:
        """Note the power and liquid-share figures behind a rack's load (the estimates among them)."""
        figures = self.figures
        for node_id in figures.rack_nodes.get(rack_id, ()):
            part = self.node_parts[node_id]
            if part is None or not figures.estimated(part):
                continue
            overrides = figures.nodes[node_id].overrides
            power = overrides.get("power_w")
            if not isinstance(power, (int, float)):
                power = part.power_w
                self.use(node_id, part, "power_max_w" if part.power_max_w else "power_typical_w")
            if power and not isinstance(overrides.get("liquid_share"), (int, float)):
                self.use(node_id, part, "liquid_share")

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
