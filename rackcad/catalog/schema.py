"""PartSpec: the schema of one catalog part (one YAML file in rackcad/assets/catalog/).

Every figure is a `Figure` with its value, the source key (S1..S56 of the hardware-facts index, resolved
to a title and address by `sources.yaml`) and a confidence label, so the UI can show where each number comes
from and mark estimates.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Confidence = Literal["verified-primary", "verified-secondary", "derived", "estimate"]

Kind = Literal[
    "gpu", "cpu", "xpu", "switch", "network-switch", "cpo-switch", "nic", "dpu", "optic", "cable",
    "tray", "rack", "power-shelf", "cdu", "busbar", "mgmt-switch", "patch-panel",
]
"""Part kinds. `switch` is one switch chip; `tray` is anything that holds parts in bays."""

ACCELERATOR_KINDS = frozenset({"gpu", "xpu"})
CHIP_KINDS = frozenset({"gpu", "cpu", "xpu", "switch"})

Medium = Literal[
    "in-package", "pcb", "backplane-copper", "copper-cable", "active-copper", "pluggable-optic", "cpo-fiber",
]

PortRole = Literal["scale-up", "c2c", "host", "network", "mgmt", "die-to-die"]

Mount = Literal["rack", "bay", "side", "floor"]
"""Where a part goes: a U range in a rack, a bay of a tray, a rack's side zone (0U), or the floor (racks)."""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Figure(_Spec):
    """A number with its provenance."""

    value: float
    source: str
    confidence: Confidence
    note: str = ""

    @property
    def is_estimate(self) -> bool:
        return self.confidence == "estimate"


class Breakout(_Spec):
    """How one port of a group splits into sub-ports (lane groups) with a breakout cable or fibre: `ways`
    lists the splits it takes (2: 2 sub-ports at half the rate on half the lanes each; 4: 4 at a quarter)."""

    ways: list[int] = Field(min_length=1)
    source: str
    confidence: Confidence
    note: str = ""

    @model_validator(mode="after")
    def _ways(self) -> "Breakout":
        if any(w < 2 for w in self.ways) or len(set(self.ways)) != len(self.ways):
            raise ValueError(f"breakout ways must be distinct splits of 2 or more, not {self.ways}")
        return self


_SUB_PORTS: dict[tuple[int, int], tuple["PortGroup", "PortGroup"]] = {}
"""(id of a port group, ways) -> (the group, its sub-ports): catalog groups live as long as their catalog."""


class RatedPower(_Spec):
    """An optic's lower draw when each of its ports runs at no more than `gbps` (fewer lanes lit)."""

    gbps: float = Field(gt=0)
    power_max_w: Figure


class PortGroup(_Spec):
    """`count` identical ports; `gbps` is per port, per direction."""

    name: str
    protocol: str
    count: int = Field(ge=1)
    gbps: float = Field(ge=0)
    role: PortRole
    medium: Medium | None = None
    reach_m: float | None = None
    lane_gbps: float | None = None
    """SerDes rate per lane (100 for NDR / 100G-PAM4, 200 for XDR / 200G-PAM4): what copper must carry."""
    ports_per_cage: int = Field(default=1, ge=1)
    """Logical ports per cage: a pluggable module serves this many ports (QM9700: 2 per OSFP cage, F1)."""
    speeds_gbps: list[float] = Field(default_factory=list)
    """Lower rates a port also links up at (auto-negotiation), besides `gbps`."""
    breakout: Breakout | None = None
    """How a port splits into sub-ports (None: it does not); a port's cage holds `ports_per_cage` x ways
    sub-ports then (an 800G twin-port OSFP cage of a QM9700: 2 x 400G, or 4 x 200G split 2 ways)."""
    source: str
    confidence: Confidence
    note: str = ""

    @model_validator(mode="after")
    def _splits_fit_lanes(self) -> "PortGroup":
        lanes = self.lanes
        if self.breakout is not None and lanes is not None:
            bad = [w for w in self.breakout.ways if lanes % w]
            if bad:
                raise ValueError(f"port group {self.name}: {lanes} lanes do not split {bad[0]} ways")
        return self

    @property
    def lanes(self) -> int | None:
        """SerDes lanes per port (`gbps` / `lane_gbps`), None when the lane rate is not known."""
        return round(self.gbps / self.lane_gbps) if self.lane_gbps else None

    def splits(self, ways: int) -> bool:
        """Whether a port of this group splits `ways` ways (1: the whole port, always)."""
        return ways == 1 or (self.breakout is not None and ways in self.breakout.ways)

    def sub_gbps(self, ways: int) -> float:
        """Rate of one sub-port of a port split `ways` ways (the port's rate for 1)."""
        return self.gbps / ways

    def sub_lanes(self, ways: int) -> int | None:
        """Lanes of one sub-port of a port split `ways` ways."""
        return self.lanes // ways if self.lanes is not None and ways else None

    def sub_port(self, ways: int) -> "PortGroup":
        """The group as its sub-ports when split `ways` ways: `count` x ways ports at `gbps` / ways (the
        lower speeds below that kept), no further split. The group itself for 1."""
        if ways <= 1:
            return self
        key = (id(self), ways)
        hit = _SUB_PORTS.get(key)
        if hit is None or hit[0] is not self:
            rate = self.gbps / ways
            sub = self.model_copy(update={"count": self.count * ways, "gbps": rate, "breakout": None,
                                          "speeds_gbps": [v for v in self.speeds_gbps if v < rate]})
            hit = _SUB_PORTS[key] = (self, sub)
        return hit[1]

    def runs_at(self, gbps: float) -> bool:
        """Whether a port of this group links up at `gbps`."""
        return gbps == self.gbps or gbps in self.speeds_gbps

    @property
    def total_gbps(self) -> float:
        return self.count * self.gbps


class BayGroup(_Spec):
    """`count` bays that accept parts of the given kinds (for trays: CPUs, GPUs, NICs, blades...)."""

    name: str
    accepts: list[Kind]
    count: int = Field(ge=1)


class Content(_Spec):
    """`count` parts of catalog id `part` that a stock tray ships with, in the first free bays that take them."""

    part: str
    count: int = Field(ge=1)


class InternalWiring(_Spec):
    """Links a stock tray ships with between its own contents, from parts of kind `a` to parts of kind `b`.

    `pattern` "share": each `a` part is joined once to its own consecutive share of the `b` parts (a Grace to
    its two Blackwell GPUs over NVLink-C2C). "spread": every `a` part's free ports of `port_a` are spread
    over all `b` parts, `counts` per `b` part when given (HGX H100: 5/4/4/5 over four NVSwitch chips).
    """

    a: Kind
    b: Kind
    port_a: str
    port_b: str
    protocol: str
    pattern: Literal["share", "spread"] = "share"
    counts: list[int] | None = None
    medium: Medium | None = None


class PartSpec(_Spec):
    """One catalog part."""

    id: str
    kind: Kind
    vendor: str
    model: str
    description: str = ""
    status: Literal["shipping", "announced", "generic"] = "shipping"
    mount: Mount
    height_u: float | None = None
    power_max_w: Figure | None = None
    power_typical_w: Figure | None = None
    liquid_share: Figure | None = None
    weight_kg: Figure | None = None
    packages: int | None = None
    dies: int | None = None
    memory_gb: Figure | None = None
    memory_bw_gbytes: Figure | None = None
    fp4_dense_pflops: Figure | None = None
    fp8_dense_pflops: Figure | None = None
    bf16_dense_pflops: Figure | None = None
    nvlink_via: Literal["native", "fusion-chiplet"] | None = None
    ports: list[PortGroup] = Field(default_factory=list)
    bays: list[BayGroup] = Field(default_factory=list)
    contents: list[Content] = Field(default_factory=list)
    wiring: list[InternalWiring] = Field(default_factory=list)
    rack_units: int | None = None
    width_mm: float | None = None
    depth_mm: float | None = None
    height_mm: float | None = None
    power_budget_w: Figure | None = None
    liquid_capacity_w: Figure | None = None
    air_capacity_w: Figure | None = None
    output_w: Figure | None = None
    flow_lpm: Figure | None = None
    capacity_w: Figure | None = None
    gbps: Figure | None = None
    reach_m: Figure | None = None
    medium: Medium | None = None
    optics_power_w: Figure | None = None
    lane_gbps: Figure | None = None
    """Cables and optics: the fastest SerDes lane rate the part carries (passive DAC: 100G-PAM4 only, S28)."""
    lasers: Figure | None = None
    """Lasers in one optic module, or in a whole CPO switch (its laser modules' emitters)."""
    diameter_mm: Figure | None = None
    """Cables: the outer diameter of one cable, for the cross-section it takes in a cable tray."""
    fibre: Literal["single-mode", "multimode"] | None = None
    """Optics and fibre: the glass they use (co-packaged optics are single-mode)."""
    latency_ns: Figure | None = None
    """Switches: port-to-port latency of one hop (cut-through), ns; a node's `latency_ns` override wins."""
    module_ports: int = Field(default=1, ge=1)
    """Optics: switch ports one module serves (a twin-port OSFP serves 2, each at half the module's rate)."""
    power_reduced: list[RatedPower] = Field(default_factory=list)
    """Optics: what the module draws where each of its ports runs slower than its rate (a 400G DR4 on one
    200G leg of a splitter fibre: 5 W, F9); `power_at` picks the figure for a port rate."""
    fanout: int = Field(default=1, ge=1)
    """Breakout cables and fibres: far ends (legs) from the one head in a switch cage, 2 or 4; the head
    carries `gbps`, each leg `gbps / fanout`. 1: a straight cable."""

    @model_validator(mode="after")
    def _check(self) -> "PartSpec":
        names = [p.name for p in self.ports]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate port group names in {self.id}: {names}")
        if self.mount == "rack" and not self.height_u:
            raise ValueError(f"rack-mounted part {self.id} needs height_u")
        if self.kind == "rack" and not self.rack_units:
            raise ValueError(f"rack {self.id} needs rack_units")
        return self

    def port(self, name: str) -> PortGroup | None:
        for group in self.ports:
            if group.name == name:
                return group
        return None

    @property
    def bay_count(self) -> int:
        return sum(b.count for b in self.bays)

    def bay_group(self, index: int) -> BayGroup | None:
        """The bay group that flat bay index `index` falls in."""
        if index < 0:
            return None
        for group in self.bays:
            if index < group.count:
                return group
            index -= group.count
        return None

    def bay_label(self, index: int) -> str:
        start = 0
        for group in self.bays:
            if index < start + group.count:
                return f"{group.name} {index - start + 1}"
            start += group.count
        return f"bay {index}"

    @property
    def power_w(self) -> float:
        """Design power: the maximum where known, else typical, else 0."""
        fig = self.power_max_w or self.power_typical_w
        return fig.value if fig else 0.0

    def power_at(self, gbps: float) -> float:
        """Design power with each port carrying `gbps`: the `power_reduced` figure of the lowest rate that
        covers it, else `power_w`."""
        best: RatedPower | None = None
        for entry in self.power_reduced:
            if gbps <= entry.gbps + 1e-9 and (best is None or entry.gbps < best.gbps):
                best = entry
        return best.power_max_w.value if best is not None else self.power_w

    @property
    def liquid_fraction(self) -> float:
        return self.liquid_share.value if self.liquid_share else 0.0

    @property
    def scale_up_gbps(self) -> float:
        return sum(p.total_gbps for p in self.ports if p.role == "scale-up")

    def figures(self) -> dict[str, Figure]:
        """Every sourced figure of the part, by field name."""
        out: dict[str, Figure] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, Figure):
                out[name] = value
        return out


class Source(_Spec):
    key: str
    title: str
    url: str = ""
    kind: Literal["primary", "secondary", "mixed", "derived"] = "secondary"
