"""Optics of the scale-out and switch network: transceiver count and power, pluggables against CPO.

Every power figure comes from the catalog and is returned with its source key and confidence:

- CPO: the CPO switch's `optics_power_w` per port (Quantum-X Photonics Q3450: ~9 W, S31). The port speed of
  NVIDIA's comparison is not stated (likely 1.6T-class), so 9 W per 800G port is the conservative reading.
- Pluggables: a transceiver module of `gbps` serves `gbps // port_gbps` switch ports (a twin-port module
  serves two ports of half its rate), so W per port = module power / ports per module: the 1.6T twin-port
  OSFP (25 W, S33/S32) gives 12.5 W per 800G port and 72 modules per 144-port switch (S32: one Q3450
  replaces 72 transceivers); the 800G twin-port OSFP (16 W typical / 17 W max, S29) gives 8-8.5 W per
  400G port, 16-17 W per 800G port. Where a part carries its own `optics_power_w` per port (the
  Quantum-X800 Q3400: 12.5 W, S32/S33) that figure is used for its ports.
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
from rackcad.model import Design
from rackcad.topology import DesignIndex

NETWORK_SWITCH_KINDS = ("network-switch", "cpo-switch")
CPO_SWITCH = "quantum-x-photonics-q3450"
PLUGGABLE_SWITCH = "quantum-x800-q3400"
OPTICAL_MEDIA = ("pluggable-optic", "cpo-fiber")


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
    `links_by_medium`: link lanes (sum of `count`) by medium, every link of the design; `pluggable_*`:
    ends of optical links, other than on NICs, that carry a pluggable module; `cpo_*`: ends on CPO
    switches; `nic_transceivers` / `nic_optics_w`: one module per compute NIC port (kind `nic`, connected
    or not), the same with or without CPO; `leaf`: the comparison for the switch side of the compute NICs
    (None without compute NICs or network switches). The three groups never count an end twice.
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
    leaf: OpticsComparison | None
    sources: list[str]

    @property
    def optical_links(self) -> int:
        return sum(self.links_by_medium.get(m, 0) for m in OPTICAL_MEDIA)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["leaf"] = self.leaf.to_dict() if self.leaf else None
        out["optical_links"] = self.optical_links
        return out


def design_optics(design: Design, catalog: Catalog | None = None, *, index: DesignIndex | None = None) -> DesignOptics:
    """Count the design's network switches, NIC network ports and optical link ends with their power.

    Each end of a `pluggable-optic` or `cpo-fiber` link is a CPO port when it is on a cpo-switch, a NIC
    port when it is on a NIC (counted with the NICs), else a pluggable port (W per port: the part's own
    `optics_power_w`, else the slowest catalog module that carries the port, shared between ports as in
    `module_w_per_port`; see `_pluggable`). The leaf what-if is `compare_optics` over the used network
    ports of the placed switches, or, with none placed, over the CPO switch ports that carry the compute
    NICs' bandwidth (Gb/s of kind `nic` network ports / the CPO switch's port rate).
    """
    index = index or DesignIndex(design, catalog)
    catalog = index.catalog
    sources: set[str] = set()
    switches: Counter[str] = Counter()
    switch_ports: dict[str, dict[str, int]] = defaultdict(lambda: {"ports": 0, "used": 0})
    nic_ports: dict[str, dict[str, float]] = defaultdict(lambda: {"ports": 0, "gbps": 0.0})
    nic_buckets: Counter[tuple[str, float]] = Counter()
    for node in design.nodes:
        part = index.part(node)
        if part is None:
            continue
        for group in part.ports:
            if group.role != "network":
                continue
            if part.kind in NETWORK_SWITCH_KINDS:
                switch_ports[part.kind]["ports"] += group.count
                switch_ports[part.kind]["used"] += min(index.used_ports(node.id, group.name), group.count)
            elif part.kind in ("nic", "dpu"):
                nic_ports[part.kind]["ports"] += group.count
                nic_ports[part.kind]["gbps"] += group.total_gbps
                if part.kind == "nic":
                    nic_buckets[(part.id, group.gbps)] += group.count
        if part.kind in NETWORK_SWITCH_KINDS:
            switches[part.kind] += 1

    media: Counter[str] = Counter()
    ends: Counter[tuple[str, str]] = Counter()
    cpo_ports, cpo_w = 0, 0.0
    for link in design.links:
        media[link.medium or "unspecified"] += link.count
        if link.medium not in OPTICAL_MEDIA:
            continue
        for end in (link.a, link.b):
            part = index.part(end.node)
            if part is None:
                continue
            if part.kind == "cpo-switch" and part.optics_power_w is not None:
                cpo_ports += link.count
                cpo_w += link.count * part.optics_power_w.value
                sources.add(cite(part, "optics_power_w per port", part.optics_power_w))
            elif part.kind != "nic":
                ends[(part.id, end.port)] += link.count

    pluggable_ports, pluggable_modules_count, pluggable_w = 0, 0, 0.0
    for (part_id, port), count in sorted(ends.items()):
        part = catalog.get(part_id)
        group = part.port(port)
        rate = group.gbps if group else 0.0
        modules, watts = _pluggable(catalog, part, rate, count, sources)
        pluggable_ports += count
        pluggable_modules_count += modules
        pluggable_w += watts

    nic_modules, nic_w = 0, 0.0
    for (part_id, rate), count in sorted(nic_buckets.items()):
        modules, watts = _pluggable(catalog, catalog.get(part_id), rate, count, sources, one_per_port=True)
        nic_modules += modules
        nic_w += watts

    leaf = None
    used = sum(v["used"] for v in switch_ports.values())
    nic_gbps = sum(rate * count for (_, rate), count in nic_buckets.items())
    if used or nic_gbps:
        ports = used or math.ceil(nic_gbps / _network_port(catalog.get(CPO_SWITCH)).gbps)
        leaf = compare_optics(ports, catalog=catalog)
    return DesignOptics(
        switches=dict(sorted(switches.items())), switch_ports={k: dict(v) for k, v in sorted(switch_ports.items())},
        nic_ports={k: dict(v) for k, v in sorted(nic_ports.items())}, links_by_medium=dict(sorted(media.items())),
        pluggable_ports=pluggable_ports, pluggable_transceivers=pluggable_modules_count, pluggable_w=pluggable_w,
        cpo_ports=cpo_ports, cpo_w=cpo_w, nic_transceivers=nic_modules, nic_optics_w=nic_w, leaf=leaf,
        sources=sorted(sources),
    )


def _pluggable(catalog: Catalog, part: PartSpec, rate: float, ports: int, sources: set[str],
               one_per_port: bool = False) -> tuple[int, float]:
    """(modules, W) for `ports` pluggable ports of `part` at `rate`.

    A part's own per-port figure wins for the power, and its modules are the catalog module whose W per
    port comes closest to it (the Q3400's 12.5 W is the 1.6T twin-port OSFP's 25 W / 2), so the count
    and the power agree. Otherwise the slowest module that carries the port. `one_per_port`: a NIC cage
    holds one module per port, so modules are not shared between ports.
    """
    carriers = [m for m in pluggable_modules(catalog) if m.gbps.value >= rate]
    if part.optics_power_w is not None:
        figure = part.optics_power_w.value
        sources.add(cite(part, "optics_power_w per port", part.optics_power_w))
        module = min(carriers, key=lambda m: abs(module_w_per_port(m, rate)[1] - figure), default=None)
        per = 1 if one_per_port or module is None else module_w_per_port(module, rate)[0]
        return math.ceil(ports / per), ports * figure
    if not carriers:
        return 0, 0.0
    module = carriers[0]
    sources.add(cite(module, "power_max_w", module.power_max_w or module.power_typical_w))
    if one_per_port:
        return ports, ports * module.power_w
    per, w_max, _ = module_w_per_port(module, rate)
    return math.ceil(ports / per), ports * w_max


# ------------------------------------------------------------------ optics at the ends of the design's links
@dataclass(frozen=True)
class EndOptics:
    """The optics at one port group's optical link ends of one tier: CPO engines or pluggable modules.

    `tier` names the links by the higher end's level ("leaf": NIC to leaf, "spine": leaf to spine, "core":
    spine to core, "direct": no switch). `ports` counts link lanes (each link's `count`); `modules` is the
    pluggable modules they need (a twin-port module serves two ports of one cage), 0 for CPO. Power is each
    module's design (maximum) figure, or the CPO switch's `optics_power_w` per port.
    """

    node: str
    port: str
    tier: str
    ports: int
    cpo: bool
    module: str | None
    modules: int
    power_w: float
    lasers: float
    rack: str | None
    gbps: float = 0.0
    """Per-direction Gb/s of all `ports` together, for energy per bit."""


def module_candidates(catalog: Catalog, group: PortGroup, rate: float) -> list[PartSpec]:
    """The pluggable modules a port of `group` running at `rate` takes: the cage decides. One of the cage's
    rate (port rate x ports per cage) serving that many ports, else any module of the cage's rate, else the
    slowest that carries the link. Memoised per catalog: a SuperPOD asks for the same few ports many times."""
    cache = catalog.__dict__.setdefault("_module_candidates", {})
    key = (id(group), rate)
    found = cache.get(key)
    if found is None:
        found = cache[key] = _module_candidates(catalog, group, rate)
    return found


def _module_candidates(catalog: Catalog, group: PortGroup, rate: float) -> list[PartSpec]:
    mods = pluggable_modules(catalog)
    cage = group.gbps * group.ports_per_cage
    tiers = (
        [m for m in mods if m.gbps.value == cage and m.module_ports == group.ports_per_cage],
        [m for m in mods if m.gbps.value == cage],
        [m for m in mods if m.gbps.value >= rate],
    )
    return next((t for t in tiers if t), [])


def choose_module(catalog: Catalog, group: PortGroup, rate: float, length: float | None,
                  fibre: str | None = None) -> PartSpec | None:
    """The pluggable module for a port of `group` at `rate` over `length` metres (None: unknown) on `fibre`
    (None: any): the lowest-power candidate whose reach covers the length (then the shorter reach); when none
    reaches, the longest-reach one (the reach rule reports it)."""
    candidates = [m for m in module_candidates(catalog, group, rate) if fibre is None or m.fibre in (None, fibre)]
    if not candidates:
        return None
    reach = [m for m in candidates if length is None or m.reach_m is None or m.reach_m.value >= length]
    if reach:
        return min(reach, key=lambda m: (m.power_w, m.reach_m.value if m.reach_m else math.inf, m.id))
    return max(candidates, key=lambda m: (m.reach_m.value if m.reach_m else math.inf, -m.power_w))


def link_fibre(catalog: Catalog, ga: PortGroup, gb: PortGroup, rate: float) -> str | None:
    """The glass both ends of a pluggable link can use: single-mode opposite a CPO port (co-packaged optics
    are single-mode), else a type both ends have modules for, multimode first; None when they share none."""
    def types(group: PortGroup) -> set[str]:
        if group.medium == "cpo-fiber":
            return {"single-mode"}
        return {m.fibre for m in module_candidates(catalog, group, rate) if m.fibre}
    common = sorted(types(ga) & types(gb))
    return common[0] if common else None


def link_tier(index: DesignIndex, link) -> str:
    from rackcad.topology import tier_name

    levels = index.levels
    top = max(levels.get(link.a.node, 0), levels.get(link.b.node, 0))
    return tier_name(top) if top else "direct"


def end_optics(index: DesignIndex) -> list[EndOptics]:
    """Every optical link end of the design with its optics (see EndOptics), in design order.

    The one place that decides which module each optical end carries and what it draws: rack power (the
    power and cooling rules), `summary()["optics"]` and `rackcad optics` all read it.
    """
    from rackcad.analysis.lengths import link_length_m

    catalog = index.catalog
    ports: dict[tuple[str, str, str, str | None], int] = defaultdict(int)
    cpo_ends: dict[tuple[str, str, str], int] = defaultdict(int)
    gbps: dict[tuple[str, str, str], float] = defaultdict(float)
    for link in index.design.links:
        medium = index.medium(link)
        if medium not in OPTICAL_MEDIA:
            continue
        ga, gb = index.port_group(link.a.node, link.a.port), index.port_group(link.b.node, link.b.port)
        if ga is None or gb is None:
            continue
        tier = link_tier(index, link)
        rate = min(ga.gbps, gb.gbps)
        length = link_length_m(index, link)
        fibre = link_fibre(catalog, ga, gb, rate)
        for end, group in ((link.a, ga), (link.b, gb)):
            gbps[(end.node, end.port, tier)] += rate * link.count
            if group.medium == "cpo-fiber":
                cpo_ends[(end.node, end.port, tier)] += link.count
                continue
            module = choose_module(catalog, group, rate, length, fibre)
            ports[(end.node, end.port, tier, module.id if module else None)] += link.count
    out: list[EndOptics] = []
    rack_of = index.rack_of
    for (node, port, tier), count in cpo_ends.items():
        part = index.part(node)
        group = part.port(port)
        per_port = part.optics_power_w.value if part.optics_power_w else 0.0
        lasers = part.lasers.value * count / group.count if part.lasers else 0.0
        out.append(EndOptics(node, port, tier, count, True, None, 0, count * per_port, lasers, rack_of.get(node),
                             gbps[(node, port, tier)]))
    for (node, port, tier, module_id), count in ports.items():
        group = index.port_group(node, port)
        if module_id is None:
            out.append(EndOptics(node, port, tier, count, False, None, 0, 0.0, 0.0, rack_of.get(node)))
            continue
        module = catalog.get(module_id)
        share = max(1, min(group.ports_per_cage, int(module.gbps.value // group.gbps)))
        modules = math.ceil(count / share)
        lasers = modules * module.lasers.value if module.lasers else 0.0
        out.append(EndOptics(node, port, tier, count, False, module_id, modules, modules * module.power_w, lasers,
                             rack_of.get(node), gbps[(node, port, tier)]))
    return out


def rack_optics(index: DesignIndex, ends: list[EndOptics]) -> dict[str, tuple[float, float]]:
    """rack id -> (optics W, of which heat to liquid): what rack power and heat add for link optics.

    Pluggable modules sit in air-cooled cages; co-packaged optics share their switch's liquid-cooled share.
    """
    out: dict[str, tuple[float, float]] = {}
    for end in ends:
        if end.rack is None or not end.power_w:
            continue
        liquid = end.power_w * index.liquid_fraction(index.nodes[end.node]) if end.cpo else 0.0
        power, heat = out.get(end.rack, (0.0, 0.0))
        out[end.rack] = (power + end.power_w, heat + liquid)
    return out


def optics_summary(ends: list[EndOptics]) -> dict:
    """`summary()["optics"]`: transceivers (pluggable modules), lasers, optics_power_w, cpo_ports,
    pluggable_ports, gbps (per direction, summed over optical ends) and pj_per_bit (optics energy per bit
    carried at an end), in total and by tier."""
    def bucket() -> dict:
        return {"transceivers": 0, "pluggable_ports": 0, "cpo_ports": 0, "lasers": 0.0, "optics_power_w": 0.0,
                "gbps": 0.0}

    total = bucket()
    tiers: dict[str, dict] = {}
    for end in ends:
        for b in (total, tiers.setdefault(end.tier, bucket())):
            b["transceivers"] += end.modules
            b["cpo_ports" if end.cpo else "pluggable_ports"] += end.ports
            b["lasers"] += end.lasers
            b["optics_power_w"] += end.power_w
            b["gbps"] += end.gbps
    for b in (total, *tiers.values()):
        b["lasers"] = round(b["lasers"], 3)
        b["optics_power_w"] = round(b["optics_power_w"], 3)
        # W per Gb/s is nJ per bit; per direction at each end, so a link's two ends add up
        b["pj_per_bit"] = round(b["optics_power_w"] / b["gbps"] * 1000, 3) if b["gbps"] else 0.0
    return {**total, "by_tier": dict(sorted(tiers.items(), key=lambda kv: _TIER_ORDER.get(kv[0], 9)))}


_TIER_ORDER = {"leaf": 1, "spine": 2, "core": 3, "direct": 4}
