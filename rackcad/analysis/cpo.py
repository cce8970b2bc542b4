"""CPO at scale: a design's link optics against its twin with the other optics choice, per tier and in total.

The twin keeps the topology (same switches, same links) and swaps only the switch side of every optical
link: a pluggable switch port becomes a co-packaged port of the catalog's CPO switch of the same protocol
(its `optics_power_w` per port, pro rata for a slower port, and its lasers per port), and a CPO port becomes
the pluggable module the cage of the same-protocol pluggable switch takes (`choose_module`, single-mode):
a Q3450 port becomes half a 1.6T twin-port module of the Q3400. NIC ends keep their pluggable modules in both (NVIDIA's CPO switches change
the switch side only, S30-S32). Both sides come from `end_optics`, the optics the power rules add to racks.

Per-port figures are put on one basis, watts per 800G port (a twin-port 800G module on 400G ports is 8.5 W
per 400G port = 17 W per 800G of ports), each with the figure and source it comes from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from rackcad.analysis.optics import EndOptics, choose_module, cite, end_optics, optics_summary
from rackcad.catalog import Catalog, PartSpec, PortGroup
from rackcad.model import Design
from rackcad.topology import DesignIndex

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


def twin_ends(index: DesignIndex, ends: list[EndOptics]) -> list[EndOptics]:
    """`ends` with the other optics choice on every network-switch end (see the module docstring)."""
    catalog = index.catalog
    out = []
    for end in ends:
        part = index.part(end.node)
        group = part.port(end.port) if part else None
        if part is None or group is None or part.kind not in SWITCH_KINDS:
            out.append(end)
            continue
        rate = end.gbps / end.ports if end.ports else group.gbps
        if end.cpo:
            found = peer(catalog, group, "network-switch")
            cage = found[1] if found else group
            module = choose_module(catalog, cage, rate, None, "single-mode")
            if module is None:
                out.append(end)
                continue
            share = max(1, min(cage.ports_per_cage, int(module.gbps.value // cage.gbps)))
            modules = math.ceil(end.ports / share)
            lasers = modules * module.lasers.value if module.lasers else 0.0
            out.append(replace(end, cpo=False, module=module.id, modules=modules, power_w=modules * module.power_w,
                               lasers=lasers))
        else:
            found = peer(catalog, group, "cpo-switch")
            if found is None:
                out.append(end)
                continue
            cpo, net = found
            # the per-port figure is for the CPO switch's own port rate: a slower port is charged its share
            watts = cpo.optics_power_w.value * min(group.gbps / net.gbps, 1.0)
            lasers = cpo.lasers.value * end.ports / net.count if cpo.lasers else 0.0
            # `module` names the CPO switch whose per-port figure the twin's port takes
            out.append(replace(end, cpo=True, module=cpo.id, modules=0, power_w=end.ports * watts, lasers=lasers))
    return out


@dataclass(frozen=True)
class PortFigure:
    """Optics power per port of one kind of end, on the 800G basis, and where it comes from."""

    label: str
    w_per_port: float
    port_gbps: float
    w_per_800g: float
    source: str


def port_figures(index: DesignIndex, ends: list[EndOptics]) -> list[PortFigure]:
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


def compare(design: Design, index: DesignIndex | None = None) -> dict:
    """The design's optics and its twin's: per tier and in total, transceivers, lasers, optics power and its
    share of IT power, the per-port figures with sources, and the twin/design ratios."""
    from rackcad.analysis.summary import summary

    index = index or DesignIndex(design)
    ends = end_optics(index)
    twin = twin_ends(index, ends)
    it_power = summary(design, index=index)["power_w"]
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
