"""Design, Rack, Node, Link, PortRef, Waiver: flat lists with stable string ids.

Field order here is the key order of the saved file, so it stays stable for clean git diffs.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FORMAT_NAME = "rackcad"
SCHEMA_VERSION = 1

Severity = Literal["error", "warning", "info"]
Redundancy = Literal["n", "n+1", "n+n"]


class _Strict(BaseModel):
    """Base: unknown keys are errors (a typo must not vanish silently), assignment is validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class FloorPosition(_Strict):
    """Where a rack stands on the hall floor: front-left corner, millimetres, rotation in degrees."""

    x_mm: float = 0.0
    y_mm: float = 0.0
    rotation_deg: float = 0.0


class FloorPlan(_Strict):
    """The hall the racks stand in, and the cable slack added to every computed length."""

    width_mm: float = 20_000.0
    depth_mm: float = 12_000.0
    grid_mm: float = 600.0
    cable_slack_m: float = 0.5


class Rack(_Strict):
    """A placed rack. Capacities are copied from the rack part when added and may be edited."""

    id: str
    name: str
    part: str
    position: FloorPosition = Field(default_factory=FloorPosition)
    power_budget_w: float | None = None
    liquid_capacity_w: float | None = None
    air_capacity_w: float | None = None
    power_redundancy: Redundancy = "n+n"


class Node(_Strict):
    """One placed part: in a rack at `u` (lowest U it occupies, 1-based) or in a tray at `bay` (0-based)."""

    id: str
    name: str
    part: str
    parent: str
    u: float | None = None
    bay: int | None = None
    overrides: dict[str, float | str] = Field(default_factory=dict)


class PortRef(_Strict):
    """One end of a link: a node, a port group of its part, and optionally a port index in the group."""

    node: str
    port: str
    index: int | None = None


class Link(_Strict):
    """`count` parallel links between two port groups."""

    id: str
    name: str = ""
    a: PortRef
    b: PortRef
    protocol: str
    medium: str | None = None
    length_m: float | None = None
    count: int = Field(default=1, ge=1)


class Waiver(_Strict):
    """An accepted violation (KiCad's exclusion): the rule code, the subjects it covers, and why."""

    code: str
    subjects: list[str] = Field(default_factory=list)
    reason: str


class RuleSettings(_Strict):
    """Design-wide rule settings saved with the design."""

    severity: dict[str, Severity] = Field(default_factory=dict)
    disabled: list[str] = Field(default_factory=list)
    coolant_lpm_per_kw: float = 1.5
    power_warning_ratio: float = 0.9
    max_oversubscription: float = 1.0
    scale_up_target_gbps: float | None = None


class Design(_Strict):
    """A whole design. Lists are flat; containment is by `parent` id."""

    format: Literal["rackcad"] = FORMAT_NAME
    schema_version: int = SCHEMA_VERSION
    name: str = "Untitled"
    description: str = ""
    metadata: dict[str, str] = Field(default_factory=dict)
    floor: FloorPlan = Field(default_factory=FloorPlan)
    rules: RuleSettings = Field(default_factory=RuleSettings)
    racks: list[Rack] = Field(default_factory=list)
    nodes: list[Node] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    waivers: list[Waiver] = Field(default_factory=list)
