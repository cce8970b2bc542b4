"""Optics of the scale-out and switch network: transceiver count and power, pluggables against CPO.

Every power figure comes from the catalog and is returned with its source key and confidence:

- CPO: the CPO switch's `optics_power_w` per port (Quantum-X Photonics Q3450: ~9 W, S31). The port speed of
  NVIDIA's comparison is not stated (likely 1.6T-class), so 9 W per 800G port is the conservative reading.
- Pluggables: a transceiver module of `gbps` serves `gbps // port_gbps` switch ports (a twin-port module
  serves two ports of half its rate), so W per port = module power / ports per module: the 1.6T twin-port
  OSFP (25 W, S33/S32) gives 12.5 W per 800G port and 72 modules per 144-port switch (S32: one Q3450
  replaces 72 transceivers); the 800G twin-port OSFP (16 W typical / 17 W max, S29) gives 8-8.5 W per
  400G port, 16-17 W per 800G port.
- The design's own optics are not recomputed here: they are the transceivers and CPO engines the design's
  Figures chose link by link (rackcad.figures), the ones the BOM lists and the rack budgets count.
- A figure the catalog lacks (NVIDIA's own ~30 W per pluggable port of S31 is only in the notes) can be
  given with its source key and is shown as given.

Only the switch side of a link changes with CPO: the NIC at the other end keeps its pluggable module, so
NIC-side optics are counted apart and are the same in both cases. Power is each module's design (maximum)
figure, as in `summary`; typical figures are shown beside where the catalog has them.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass

from rackcad.catalog import Catalog, Figure, PartSpec, PortGroup, default_catalog
from rackcad.figures import Figures
from rackcad.figures.choice import OPTICAL_MEDIA
from rackcad.model import Design
from rackcad.topology import DesignIndex

NETWORK_SWITCH_KINDS = ("network-switch", "cpo-switch")
CPO_SWITCH = "quantum-x-photonics-q3450"
PLUGGABLE_SWITCH = "quantum-x800-q3400"


@dataclass(frozen=True)
class OpticsOption:
    """One way to build the optics of a fabric of `ports` switch ports."""

    label: str
    medium: str
    """"cpo-fiber" or "pluggable-optic"."""
    switch: str
    switches: int
    ports: int
    port_gbps: float
    transceiver: str | None
    ports_per_transceiver: int
    transceivers: int
    w_per_port: float
    w_per_port_typical: float | None
    power_w: float
    sources: list[str]
    """Each figure used: "part figure = value (source, confidence)"."""


@dataclass(frozen=True)
class OpticsComparison:
    """Pluggable options against CPO for the same fabric; `ratios` = option W / CPO W, by label."""

    ports: int
    port_gbps: float
    cpo: OpticsOption
    pluggable: list[OpticsOption]

    @property
    def ratios(self) -> dict[str, float]:
        return {o.label: (o.power_w / self.cpo.power_w if self.cpo.power_w else math.inf) for o in self.pluggable}

    @property
    def savings_w(self) -> dict[str, float]:
        return {o.label: o.power_w - self.cpo.power_w for o in self.pluggable}

    def to_dict(self) -> dict:
        return {**asdict(self), "ratios": self.ratios, "savings_w": self.savings_w}


def cite(part: PartSpec, name: str, fig: Figure) -> str:
    """How a figure is shown with its provenance: "part figure = value (source, confidence)"."""
    return f"{part.id} {name} = {fig.value:g} ({fig.source}, {fig.confidence})"


def module_w_per_port(module: PartSpec, port_gbps: float) -> tuple[int, float, float | None]:
    """(ports per module, max W per port, typical W per port or None) of a pluggable module on such ports."""
    if module.gbps is None or module.gbps.value < port_gbps:
        raise ValueError(f"{module.id} does not carry a {port_gbps:g} Gb/s port")
    per = max(int(module.gbps.value // port_gbps), 1)
    typical = module.power_typical_w.value / per if module.power_typical_w else None
    return per, module.power_w / per, typical


def pluggable_modules(catalog: Catalog) -> list[PartSpec]:
    """Catalog pluggable transceivers (kind optic, medium pluggable-optic, with a rate), slowest first."""
    mods = [p for p in catalog.by_kind("optic") if p.medium == "pluggable-optic" and p.gbps is not None]
    return sorted(mods, key=lambda p: (p.gbps.value, p.power_w, p.id))


def _network_port(part: PartSpec) -> PortGroup | None:
    return next((g for g in part.ports if g.role == "network"), None)


def compare_optics(
    ports: int, *, cpo_switch: str = CPO_SWITCH, pluggable_switch: str = PLUGGABLE_SWITCH,
    transceivers: tuple[str, ...] = ("osfp-1600g", "osfp-800g-twin"), given_w_per_port: float | None = None,
    given_source: str = "given", catalog: Catalog | None = None,
) -> OpticsComparison:
    """Switch-side optics of a fabric of `ports` switch ports at the CPO switch's port rate, built from
    `cpo_switch`es against `pluggable_switch`es with each of `transceivers` (and, when given, a per-port
    pluggable figure from `given_source`)."""
    catalog = catalog or default_catalog()
    cpo = catalog.get(cpo_switch)
    plug = catalog.get(pluggable_switch)
    cpo_port = _network_port(cpo)
    plug_port = _network_port(plug)
    if cpo.optics_power_w is None or cpo_port is None:
        raise ValueError(f"{cpo_switch} has no network ports or optics_power_w figure")
    if plug_port is None:
        raise ValueError(f"{pluggable_switch} has no network ports")
    rate = cpo_port.gbps
    per_port = cpo.optics_power_w.value
    cpo_option = OpticsOption(
        label=f"CPO ({cpo.model})", medium="cpo-fiber", switch=cpo.id,
        switches=math.ceil(ports / cpo_port.count), ports=ports, port_gbps=rate, transceiver=None,
        ports_per_transceiver=0, transceivers=0, w_per_port=per_port, w_per_port_typical=None,
        power_w=ports * per_port,
        sources=[cite(cpo, "optics_power_w per port", cpo.optics_power_w),
                 f"{cpo.id} ports = {cpo_port.count} x {cpo_port.gbps:g}G ({cpo_port.source}, {cpo_port.confidence})"],
    )
    switches = math.ceil(ports / plug_port.count)
    port_source = (f"{plug.id} ports = {plug_port.count} x {plug_port.gbps:g}G "
                   f"({plug_port.source}, {plug_port.confidence})")
    options = []
    for module_id in transceivers:
        module = catalog.get(module_id)
        per, w_max, w_typ = module_w_per_port(module, rate)
        sources = [cite(module, "power_max_w", module.power_max_w or module.power_typical_w), port_source]
        if module.power_typical_w and module.power_max_w:
            sources.insert(1, cite(module, "power_typical_w", module.power_typical_w))
        count = math.ceil(ports / per)
        options.append(OpticsOption(
            label=f"pluggable {module.model}", medium="pluggable-optic", switch=plug.id, switches=switches,
            ports=ports, port_gbps=rate, transceiver=module.id, ports_per_transceiver=per, transceivers=count,
            w_per_port=w_max, w_per_port_typical=w_typ, power_w=count * per * w_max, sources=sources,
        ))
    if given_w_per_port is not None:
        options.append(OpticsOption(
            label=f"pluggable at {given_w_per_port:g} W per port ({given_source})", medium="pluggable-optic",
            switch=plug.id, switches=switches, ports=ports, port_gbps=rate, transceiver=None,
            ports_per_transceiver=1, transceivers=ports, w_per_port=given_w_per_port, w_per_port_typical=None,
            power_w=ports * given_w_per_port,
            sources=[f"given W per port = {given_w_per_port:g} ({given_source})", port_source],
        ))
    return OpticsComparison(ports=ports, port_gbps=rate, cpo=cpo_option, pluggable=options)


@dataclass(frozen=True)
class DesignOptics:
    """The optics a design has, and the CPO what-if for the leaf ports its compute NICs need.

    `switches`: network-switch / cpo-switch nodes by kind; `switch_ports`: their network ports by kind,
    {"ports", "used"}; `nic_ports`: network ports of NICs and DPUs by kind, {"ports", "gbps"};
    `links_by_medium`: link lanes (sum of `count`) by medium, every link of the design. The design's own
    optics are the Figures' choice (`rackcad.figures.choice`), the same modules the BOM lists:
    `pluggable_*`: link ends, other than on NICs and DPUs, that carry transceivers; `cpo_*`: link ends on
    co-packaged optical engines; `nic_transceivers` / `nic_optics_w`: transceivers at NIC and DPU ends.
    `transceivers` is their sum, the BOM's transceiver count. `unwired_nic_*`: what the compute NIC ports
    (kind `nic`) that no link uses yet would add, one module per port (the cheapest carrier), the same with
    or without CPO; not in the BOM. `leaf`: the comparison for the switch side of the compute NICs (None
    without compute NICs or network switches).
    """

    switches: dict[str, int]
    switch_ports: dict[str, dict[str, int]]
    nic_ports: dict[str, dict[str, float]]
    links_by_medium: dict[str, int]
    pluggable_ports: int
    pluggable_transceivers: int
    pluggable_w: float
    cpo_ports: int
    cpo_w: float
    nic_transceivers: int
    nic_optics_w: float
    unwired_nic_ports: int
    unwired_nic_transceivers: int
    unwired_nic_w: float
    leaf: OpticsComparison | None
    sources: list[str]

    @property
    def optical_links(self) -> int:
        return sum(self.links_by_medium.get(m, 0) for m in OPTICAL_MEDIA)

    @property
    def transceivers(self) -> int:
        """Transceivers the design's links need (the BOM's count)."""
        return self.pluggable_transceivers + self.nic_transceivers

    def to_dict(self) -> dict:
        out = asdict(self)
        out["leaf"] = self.leaf.to_dict() if self.leaf else None
        out["optical_links"] = self.optical_links
        out["transceivers"] = self.transceivers
        return out


_NIC_KINDS = ("nic", "dpu")


def design_optics(design: Design, catalog: Catalog | None = None, *, index: DesignIndex | None = None) -> DesignOptics:
    """Count the design's network switches, NIC network ports and the optics on its links with their power.

    The optics on links are read from the design's Figures: each link end's transceivers (a NIC or DPU end
    counts with the NICs, any other end as a pluggable port), and each end served by co-packaged optical
    engines (a CPO port). The leaf what-if is `compare_optics` over the used network ports of the placed
    switches, or, with none placed, over the CPO switch ports that carry the compute NICs' bandwidth (Gb/s
    of kind `nic` network ports / the CPO switch's port rate).
    """
    figures = Figures.of(design, index, catalog)
    design = figures.design  # expanded: the parts and links of instances and patterns too
    catalog = figures.catalog
    sources: set[str] = set()
    switches: Counter[str] = Counter()
    switch_ports: dict[str, dict[str, int]] = defaultdict(lambda: {"ports": 0, "used": 0})
    nic_ports: dict[str, dict[str, float]] = defaultdict(lambda: {"ports": 0, "gbps": 0.0})
    nic_gbps = 0.0
    unwired: Counter[tuple[float, int]] = Counter()
    for node in design.nodes:
        part = figures.node_parts.get(node.id)
        if part is None:
            continue
        for group in part.ports:
            if group.role != "network":
                continue
            used = figures.used_ports(node.id, group.name)
            if part.kind in NETWORK_SWITCH_KINDS:
                switch_ports[part.kind]["ports"] += group.count
                switch_ports[part.kind]["used"] += min(used, group.count)
            elif part.kind in _NIC_KINDS:
                nic_ports[part.kind]["ports"] += group.count
                nic_ports[part.kind]["gbps"] += group.total_gbps
                if part.kind == "nic":
                    nic_gbps += group.total_gbps
                    unwired[group.gbps, group.ports_per_cage] += max(group.count - used, 0)
        if part.kind in NETWORK_SWITCH_KINDS:
            switches[part.kind] += 1

    media: Counter[str] = Counter()
    for link in design.links:
        media[link.medium or "unspecified"] += link.count
    pluggable_ports = pluggable_modules_count = nic_modules = cpo_ports = 0
    pluggable_w: list[float] = []
    nic_w: list[float] = []
    cpo_w: list[float] = []
    for fig in figures.link_figures.values():
        choice = fig.choice
        sides = ((fig.a, fig.link.a, choice.optic_a, fig.modules_a, choice.engines_a),
                 (fig.b, fig.link.b, choice.optic_b, fig.modules_b, choice.engines_b))
        for end, ref, optic, modules, engines in sides:
            if engines and end.part is not None and end.part.optics_power_w is not None:
                cpo_ports += engines
                cpo_w.append(engines * end.part.optics_power_w.value)
                sources.add(cite(end.part, "optics_power_w per port", end.part.optics_power_w))
            if optic and modules and end.kind not in _NIC_KINDS:
                pluggable_ports += fig.link.count / ref.ways  # a sub-link is its share of a split port
    for key, pool in figures.pools.items():  # whole modules, shared by the links on them
        node_id, _, optic = key
        module = catalog.find(optic)
        watts = figures.pool_power_w(key)
        if module is not None:
            sources.add(cite(module, "power_max_w", module.power_max_w or module.power_typical_w))
        part = figures.node_parts.get(node_id)
        if part is not None and part.kind in _NIC_KINDS:
            nic_modules += pool.units
            nic_w.append(watts)
        else:
            pluggable_modules_count += pool.units
            pluggable_w.append(watts)

    unwired_ports = unwired_modules = 0
    unwired_w: list[float] = []
    for (rate, cage), ports in sorted(unwired.items()):
        picked = figures.chooser.carrier(rate, cage) if ports else None
        if picked is None:
            continue
        unwired_ports += ports
        unwired_modules += ports
        unwired_w.append(ports * picked.power_at(rate))
        sources.add(cite(picked, "power_max_w", picked.power_max_w or picked.power_typical_w))

    leaf = None
    used = sum(v["used"] for v in switch_ports.values())
    if used or nic_gbps:
        ports = used or math.ceil(nic_gbps / _network_port(catalog.get(CPO_SWITCH)).gbps)
        leaf = compare_optics(ports, catalog=catalog)
    return DesignOptics(
        switches=dict(sorted(switches.items())), switch_ports={k: dict(v) for k, v in sorted(switch_ports.items())},
        nic_ports={k: dict(v) for k, v in sorted(nic_ports.items())}, links_by_medium=dict(sorted(media.items())),
        pluggable_ports=_whole(pluggable_ports), pluggable_transceivers=pluggable_modules_count,
        pluggable_w=math.fsum(pluggable_w), cpo_ports=_whole(cpo_ports), cpo_w=math.fsum(cpo_w),
        nic_transceivers=nic_modules, nic_optics_w=math.fsum(nic_w), unwired_nic_ports=unwired_ports,
        unwired_nic_transceivers=unwired_modules, unwired_nic_w=math.fsum(unwired_w), leaf=leaf,
        sources=sorted(sources),
    )


def _whole(count: float) -> float:
    """A count summed from shares (sub-links of split ports) as an int where it is whole."""
    count = round(count, 3)
    return int(count) if float(count).is_integer() else count


# ------------------------------------------------------------------ optics at the ends of the design's links
@dataclass(frozen=True)
class EndOptics:
    """The optics at one port group's optical link ends of one tier, as the design's Figures chose them:
    CPO engines or pluggable modules.

    `tier` names the links by the higher end's level ("leaf": NIC to leaf, "spine": leaf to spine, "core":
    spine to core, "direct": no switch). `ports` counts the physical ports the ends take (each link's `count`,
    a sub-link of a port split k ways 1/k), `modules` the
    transceivers (the links' shares of the modules of their port group: a twin-port module serving a down
    and an up link counts half in each tier), `power_w` what they draw (the figures' per-end power), `gbps` the per-direction Gb/s.
    """

    node: str
    port: str
    tier: str
    ports: float
    cpo: bool
    module: str | None
    modules: float
    power_w: float
    lasers: float
    rack: str | None
    gbps: float = 0.0


def end_optics(figures: Figures, levels: dict[str, int] | None = None) -> list[EndOptics]:
    """Every optical link end of the design with the optics `rackcad.figures` chose for it (the same the
    power and cooling rules count), aggregated per (node, port group, tier), in design order."""
    from rackcad.topology import switch_levels, tier_name

    levels = switch_levels(figures) if levels is None else levels
    catalog = figures.catalog
    acc: dict[tuple[str, str, str, bool, str | None], list] = {}
    for fig in figures.link_figures.values():
        if fig.medium not in OPTICAL_MEDIA:
            continue
        link, choice = fig.link, fig.choice
        top = max(levels.get(link.a.node, 0), levels.get(link.b.node, 0))
        tier = tier_name(top) if top else "direct"
        sides = ((link.a, fig.a, choice.optic_a, fig.modules_a, choice.engines_a, fig.power_a, fig.rack_a),
                 (link.b, fig.b, choice.optic_b, fig.modules_b, choice.engines_b, fig.power_b, fig.rack_b))
        for ref, end, optic, optics, engines, power, rack in sides:
            cpo = bool(engines)
            key = (ref.node, ref.port, tier, cpo, None if cpo else optic)
            entry = acc.setdefault(key, [0, 0, 0.0, 0.0, rack, 0.0])
            entry[0] += link.count / ref.ways
            entry[1] += 0 if cpo else optics
            entry[2] += power
            entry[5] += fig.rate_gbps * link.count
            if cpo and end.part is not None and end.part.lasers and end.group is not None:
                entry[3] += end.part.lasers.value * link.count / ref.ways / end.group.count
            elif optic and optics:
                module = catalog.find(optic)
                entry[3] += optics * module.lasers.value if module is not None and module.lasers else 0.0
    return [EndOptics(node, port, tier, ports, cpo, module, modules, power, lasers, rack, gbps)
            for (node, port, tier, cpo, module), (ports, modules, power, lasers, rack, gbps) in acc.items()]


_TIER_ORDER = {"leaf": 1, "spine": 2, "core": 3, "direct": 4}


def optics_summary(ends: list[EndOptics]) -> dict:
    """`summary()["optics"]`: transceivers, pluggable_ports, cpo_ports, lasers, optics_power_w, gbps (per
    direction, summed over optical ends) and pj_per_bit (optics energy per bit at an end), total and by tier."""
    def bucket() -> dict:
        return {"transceivers": 0, "pluggable_ports": 0, "cpo_ports": 0, "lasers": 0.0, "optics_power_w": 0.0,
                "gbps": 0.0}

    total = bucket()
    tiers: dict[str, dict] = {}
    sums: dict[int, tuple[list[float], list[float], list[float]]] = {}
    for end in ends:
        for b in (total, tiers.setdefault(end.tier, bucket())):
            b["transceivers"] += end.modules
            b["cpo_ports" if end.cpo else "pluggable_ports"] += end.ports
            lasers, power, gbps = sums.setdefault(id(b), ([], [], []))
            lasers.append(end.lasers)
            power.append(end.power_w)
            gbps.append(end.gbps)
    for b in (total, *tiers.values()):  # fsum: the same figures whatever order the ends come in
        lasers, power, gbps = sums.get(id(b), ((), (), ()))
        for name in ("transceivers", "pluggable_ports", "cpo_ports"):  # shares add up to whole modules / ports
            count = round(b[name], 3)
            b[name] = int(count) if float(count).is_integer() else count
        b["lasers"] = round(math.fsum(lasers), 3)
        b["optics_power_w"] = round(math.fsum(power), 3)
        b["gbps"] = math.fsum(gbps)
        # W per Gb/s is nJ per bit; per direction at each end, so a link's two ends add up
        b["pj_per_bit"] = round(b["optics_power_w"] / b["gbps"] * 1000, 3) if b["gbps"] else 0.0
    return {**total, "by_tier": dict(sorted(tiers.items(), key=lambda kv: _TIER_ORDER.get(kv[0], 9)))}
