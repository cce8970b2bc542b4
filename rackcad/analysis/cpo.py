"""CPO at scale: a design's link optics against its twin with the other optics choice, per tier and in total.

The twin keeps the topology (same switches, same links) and swaps only the switch side of every optical
link: a pluggable switch port becomes a co-packaged port of the catalog's CPO switch of the same protocol
(its `optics_power_w` per port, pro rata for a slower port, and its lasers per port), and a CPO port becomes
pluggable; the modules on both sides are what `rackcad.figures`' chooser picks for each link record, the
same choice (and power) the power rules count. NIC ends keep pluggable modules in both (NVIDIA's CPO
switches change the switch side only, S30-S32).

Per-port figures are put on one basis, watts per 800G port (a twin-port 800G module on 400G ports is 8.5 W
per 400G port = 17 W per 800G of ports), each with the figure and source it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

from rackcad.analysis.optics import EndOptics, cite, end_optics, optics_summary
from rackcad.catalog import Catalog, PartSpec, PortGroup
from rackcad.figures import Figures
from rackcad.figures.choice import OPTICAL_MEDIA, pooled_shares
from rackcad.model import Design

SWITCH_KINDS = ("network-switch", "cpo-switch")
BASIS_GBPS = 800.0


def peer(catalog: Catalog, group: PortGroup, kind: str) -> tuple[PartSpec, PortGroup] | None:
    """The catalog switch of `kind` (cpo-switch or network-switch) standing in for a port of `group`: same
    protocol, port rate closest to (and at least) the port's, then the larger radix."""
    peers = []
    for part in catalog.by_kind(kind):
        net = next((g for g in part.ports if g.role == "network"), None)
        if net is None or net.protocol != group.protocol or (kind == "cpo-switch" and part.optics_power_w is None):
            continue
        peers.append((net.gbps < group.gbps, abs(net.gbps - group.gbps), -net.count, part.id, part, net))
    return tuple(min(peers)[-2:]) if peers else None


def twin_ends(figures: Figures, levels: dict[str, int] | None = None) -> list[EndOptics]:
    """The design's optical link ends with the other optics choice on every network-switch end (see the
    module docstring), chosen by the figures' own chooser so both sides follow one rule, and the modules
    shared per (node, port group, part) as the figures share them."""
    from rackcad.topology import switch_levels, tier_name

    catalog = figures.catalog
    levels = switch_levels(figures) if levels is None else levels
    chooser = figures.chooser
    peers: dict[tuple[str, str], tuple[PartSpec, PortGroup] | None] = {}
    choices: dict[tuple, object] = {}

    def peer_of(end) -> tuple[PartSpec, PortGroup] | None:
        key = (end.part.id, end.group.name)
        if key not in peers:
            peers[key] = peer(catalog, end.group, "cpo-switch")
        return peers[key]

    rows: list[tuple] = []  # (fig, tier, choice, per-port W at a and b)
    uses: list[tuple] = []
    for fig in figures.link_figures.values():
        if fig.medium not in OPTICAL_MEDIA:
            continue
        link = fig.link
        flags, watts, cages = [], [], []
        for end in (fig.a, fig.b):
            is_switch = end.kind in SWITCH_KINDS and end.group is not None
            now_cpo = end.kind == "cpo-switch" or (end.group is not None and end.group.medium == "cpo-fiber")
            cages.append(end.group.ports_per_cage if end.group is not None else 1)
            if not is_switch:
                flags.append(now_cpo)
                watts.append(end.part.optics_power_w.value if now_cpo and end.part and end.part.optics_power_w else 0)
                continue
            if now_cpo:
                flags.append(False)
                watts.append(0.0)
                # a pluggable switch in place of the CPO one: its cages take modules as the peer's do
                plug = peer(catalog, end.group, "network-switch")
                cages[-1] = plug[1].ports_per_cage if plug is not None else 1
                continue
            found = peer_of(end)
            flags.append(found is not None)
            if found is None:
                watts.append(0.0)
                continue
            cpo, net = found
            # the per-port figure is for the CPO switch's own port rate: a slower port is charged its share
            watts.append(cpo.optics_power_w.value * min(end.group.gbps / net.gbps, 1.0))
        splits = (link.a.ways, link.b.ways)
        heads = tuple(end.group.gbps * c if end.group is not None else 0.0 for end, c in zip((fig.a, fig.b), cages))
        key = (fig.medium, link.count, fig.rate_gbps, fig.length_m, tuple(flags), tuple(cages), None, splits,
               heads if splits != (1, 1) else (0.0, 0.0))
        choice = choices.get(key)
        if choice is None:
            choice = choices[key] = chooser.choose(*key)
        top = max(levels.get(link.a.node, 0), levels.get(link.b.node, 0))
        rows.append((fig, tier_name(top) if top else "direct", choice, watts))
        for side, ref, optic, use in ((0, link.a, choice.optic_a, choice.use_a), (1, link.b, choice.optic_b, choice.use_b)):
            if optic and use:
                uses.append(((ref.node, ref.port, optic), (link.id, side), use))
    shares, _ = pooled_shares(uses)

    acc: dict[tuple, list] = {}
    for fig, tier, choice, watts in rows:
        link = fig.link
        sides = ((link.a, fig.a, choice.optic_a, choice.engines_a, watts[0], fig.rack_a),
                 (link.b, fig.b, choice.optic_b, choice.engines_b, watts[1], fig.rack_b))
        for side, (ref, end, optic, engines, per_port, rack) in enumerate(sides):
            is_cpo = bool(engines)
            source = None
            if is_cpo and end.kind in SWITCH_KINDS and end.kind != "cpo-switch":
                source = peer_of(end)[0].id
            key = (ref.node, ref.port, tier, is_cpo, source if is_cpo else optic)
            entry = acc.setdefault(key, [0, 0.0, 0.0, 0.0, rack, 0.0])
            entry[0] += link.count / ref.ways  # ports: a sub-link of a split port is its share of one
            entry[5] += fig.rate_gbps * link.count
            optics = shares.get((link.id, side), 0.0)
            if is_cpo:
                entry[2] += engines * per_port
                lasers_of = catalog.find(source) if source else end.part
                net = next((g for g in lasers_of.ports if g.role == "network"), None) if lasers_of else None
                if lasers_of is not None and lasers_of.lasers and net is not None:
                    entry[3] += lasers_of.lasers.value * link.count / ref.ways / net.count
            elif optic and optics:
                module = catalog.find(optic)
                entry[1] += optics
                entry[2] += optics * module.power_at(fig.rate_gbps)
                entry[3] += optics * module.lasers.value if module.lasers else 0.0
    return [EndOptics(node, port, tier, ports, cpo, module, modules, power, lasers, rack, gbps)
            for (node, port, tier, cpo, module), (ports, modules, power, lasers, rack, gbps) in acc.items()]


@dataclass(frozen=True)
class PortFigure:
    """Optics power per port of one kind of end, on the 800G basis, and where it comes from."""

    label: str
    w_per_port: float
    port_gbps: float
    w_per_800g: float
    source: str


def port_figures(index: Figures, ends: list[EndOptics]) -> list[PortFigure]:
    """One PortFigure per (part, module) pair seen among `ends`."""
    seen: dict[tuple[str, str | None], PortFigure] = {}
    for end in ends:
        if not end.ports:
            continue
        part = index.part(end.node)
        key = (part.id if part else end.node, end.module)
        if key in seen:
            continue
        group = part.port(end.port) if part else None
        rate = group.gbps if group else 0.0  # the port's own rate, whatever the link runs at
        w = end.power_w / end.ports
        if end.cpo:
            cpo = index.catalog.get(end.module) if end.module else part
            label = f"{part.model}: co-packaged port" + (f" as on {cpo.model}" if cpo is not part else "")
            source = cite(cpo, "optics_power_w per port", cpo.optics_power_w)
        else:
            module = index.catalog.get(end.module) if end.module else None
            label = f"{part.model}: {module.model if module else 'no module'}"
            figure = (module.power_max_w or module.power_typical_w) if module else None
            source = cite(module, "power_max_w", figure) if figure else "no catalog module"
        seen[key] = PortFigure(label, round(w, 3), rate, round(w * BASIS_GBPS / rate, 3) if rate else 0.0, source)
    return list(seen.values())


def compare(design: Design, index: Figures | None = None) -> dict:
    """The design's optics and its twin's: per tier and in total, transceivers, lasers, optics power and its
    share of IT power, the per-port figures with sources, and the twin/design ratios."""
    index = index if isinstance(index, Figures) and index.design is design else Figures(design)
    from rackcad.topology import switch_levels

    levels = switch_levels(index)  # one walk of the switch tiers for both sides
    ends = end_optics(index, levels)
    twin = twin_ends(index, levels)
    it_power = index.total_power_w()
    mine, other = optics_summary(ends), optics_summary(twin)
    cpo_share = mine["cpo_ports"] / (mine["cpo_ports"] + mine["pluggable_ports"] or 1)
    choice = "cpo" if cpo_share > 0.5 else "pluggable"
    twin_it = it_power - mine["optics_power_w"] + other["optics_power_w"]

    def side(label: str, figures: dict, it: float, port_ends: list[EndOptics]) -> dict:
        shares = {tier: round(v["optics_power_w"] / it, 6) if it else 0.0 for tier, v in figures["by_tier"].items()}
        return {"label": label, "it_power_w": round(it, 3), **figures,
                "share_of_it": round(figures["optics_power_w"] / it, 6) if it else 0.0, "share_by_tier": shares,
                "per_port": [f.__dict__ for f in port_figures(index, port_ends)]}

    def ratio(a: float, b: float) -> float | None:
        return round(a / b, 4) if b else None

    other_label = "pluggable" if choice == "cpo" else "cpo"
    return {
        "design": side(choice, mine, it_power, ends),
        "twin": side(other_label, other, twin_it, twin),
        "ratios": {"transceivers": ratio(other["transceivers"], mine["transceivers"]),
                   "lasers": ratio(other["lasers"], mine["lasers"]),
                   "optics_power": ratio(other["optics_power_w"], mine["optics_power_w"])},
    }
