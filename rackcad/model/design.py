"""Design, Rack, Node, Link, PortRef, Waiver: flat lists with stable string ids.

Field order here is the key order of the saved file, so it stays stable for clean git diffs.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, model_serializer, model_validator

from rackcad.text import shown, text_problem

FORMAT_NAME = "rackcad"
SCHEMA_VERSION = 2

Severity = Literal["error", "warning", "info"]
Redundancy = Literal["n", "n+1", "n+n"]

# Bounds every stored value keeps: wide enough for any real hall, rack or cable, narrow enough that no
# figure computed from them overflows, and no drawing of them is larger than a screen can show.
MAX_RACK_U = 100
"""No rack is taller; the U within the rack's own height is the geometry.out_of_rack check."""
MAX_HALL_MM = 1_000_000.0
"""A kilometre: the floor plan's width, depth and every rack position stay inside +-this."""
MAX_GRID_LINES = 2_000
"""Grid lines per side of the floor plan (the hall divided by the grid): what a drawing can show."""
MAX_POWER_W = 1e9
MAX_LENGTH_M = 100_000.0
MAX_COUNT = 1_000_000
MAX_INDEX = 1_000_000


def _single_line(value: object) -> object:
    problem = text_problem(value) if isinstance(value, str) else None
    if problem:
        raise ValueError(f"text {problem}")
    return value


def _multi_line(value: object) -> object:
    problem = text_problem(value, multiline=True) if isinstance(value, str) else None
    if problem:
        raise ValueError(f"text {problem}")
    return value


def _text(max_length: int, min_length: int = 0, multiline: bool = False):
    """A string field: checked for control characters first (before the type), then its length."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length),
                     BeforeValidator(_multi_line if multiline else _single_line)]


Id = _text(128, min_length=1)
"""Item ids: set by the Document, stable, what links and waivers refer to."""
Name = _text(256)
Word = _text(128)
"""Part ids, port names, protocols, media, rule codes, metadata keys."""
Note = _text(4_000, multiline=True)
Watts = Annotated[float, Field(ge=0, le=MAX_POWER_W, allow_inf_nan=False)]
Coordinate = Annotated[float, Field(ge=-MAX_HALL_MM, le=MAX_HALL_MM, allow_inf_nan=False)]

NONNEGATIVE_OVERRIDE_SUFFIXES = ("_w", "_kg", "_m", "_mm", "_gbps", "_lpm", "_share", "_ns")
"""Override keys with these endings are physical quantities: numbers, never negative (a share at most 1)."""


def _overrides(value: dict[str, float | str]) -> dict[str, float | str]:
    for key, figure in value.items():
        if key.endswith(NONNEGATIVE_OVERRIDE_SUFFIXES):
            if isinstance(figure, str):
                raise ValueError(f"{key}: must be a number, not the text {shown(figure)}")
            top = 1.0 if key.endswith("_share") else MAX_POWER_W
            if not 0 <= figure <= top:
                raise ValueError(f"{key}: {figure:g} is outside 0-{top:g}")
        elif isinstance(figure, float) and abs(figure) > MAX_POWER_W:
            raise ValueError(f"{key}: {figure:g} is outside +-{MAX_POWER_W:g}")
    return value


class _Strict(BaseModel):
    """Base: unknown keys are errors (a typo must not vanish silently), assignment is validated.

    Strict: "12" or true is never taken for a number; NaN and infinities are never stored.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, strict=True, allow_inf_nan=False)


class FloorPosition(_Strict):
    """Where a rack (or a placed block) stands on the hall floor: front-left corner, millimetres, rotation in
    degrees; `row` and `slot` name the row slot it was snapped into (left out of the file while unset).

    `hall` is the id of the site hall it stands in (`Design.site`); None is the design's own floor plan,
    the one hall every design has (left out of the saved file while None).
    """

    x_mm: Coordinate = 0.0
    y_mm: Coordinate = 0.0
    rotation_deg: Annotated[float, Field(ge=-360, le=360)] = 0.0
    hall: Id | None = None
    row: Id | None = None
    slot: Annotated[int, Field(ge=0, le=MAX_INDEX)] | None = None

    @model_serializer(mode="wrap")
    def _omit_no_row(self, handler):
        data = handler(self)
        for key in ("row", "slot", "hall"):
            if isinstance(data, dict) and data.get(key) is None:
                data.pop(key, None)
        return data


MAX_OUTLINE_POINTS = 10_000
MAX_KEEPOUTS = 10_000
Point = Annotated[list[Coordinate], Field(min_length=2, max_length=2)]
"""[x_mm, y_mm] in hall coordinates (origin at the hall's top-left corner, y down)."""


class KeepOut(_Strict):
    """An area of the hall no rack may stand on: a building column, a ramp, a door swing (hall mm).
    `kind` "column" draws it as a structural column (left out of the file for the plain "keepout")."""

    name: Name = ""
    points: Annotated[list[Point], Field(min_length=3, max_length=MAX_OUTLINE_POINTS)]
    kind: Literal["keepout", "column"] = "keepout"

    @model_serializer(mode="wrap")
    def _omit_plain_kind(self, handler):
        data = handler(self)
        if isinstance(data, dict) and data.get("kind") == "keepout":
            data.pop("kind", None)
        return data


MAX_ROWS = 10_000
MAX_ROW_SLOTS = 1_000
MAX_TRAYS = 10_000
MAX_TRAY_POINTS = 1_000


class Row(_Strict):
    """A row of rack slots on the hall floor.

    `origin` is the front-left corner of slot 0; slots follow each other `pitch_mm` apart along
    `direction_deg` (0: along +x, turned clockwise on screen like a rack's rotation), and the row is
    `depth_mm` deep. The row's "front" is the side a rack turned like the row faces (-y for direction 0);
    `cold_aisle` says which side (front or back) is the cold aisle, so racks in the row face that side.
    """

    id: Id
    name: Name = ""
    origin: Point
    direction_deg: Annotated[float, Field(ge=-360, le=360)] = 0.0
    pitch_mm: Annotated[float, Field(gt=0, le=10_000)] = 600.0
    slots: Annotated[int, Field(ge=1, le=MAX_ROW_SLOTS)] = 10
    depth_mm: Annotated[float, Field(gt=0, le=10_000)] = 1200.0
    cold_aisle: Literal["front", "back"] = "front"


MAX_TRAY_TIERS = 64
"""Stacked tiers one tray may have (a sanity bound for hostile files)."""


class Tray(_Strict):
    """A cable tray: a polyline over (or under) the floor, `width_mm` x `height_mm` in cross-section, of
    which cables may fill at most `fill_limit`; `tiers` such trays stacked along the same path, each cable
    in one of them, each tier filled on its own. `elevation_mm` is the tray's height above the floor
    (overhead) or its depth below it (under-floor); unset, an overhead tray runs 600 mm above the top of
    each rack it serves and an under-floor tray 300 mm below the floor."""

    id: Id
    name: Name = ""
    points: Annotated[list[Point], Field(min_length=2, max_length=MAX_TRAY_POINTS)]
    level: Literal["overhead", "underfloor"] = "overhead"
    width_mm: Annotated[float, Field(gt=0, le=10_000)] = 600.0
    height_mm: Annotated[float, Field(gt=0, le=10_000)] = 100.0
    fill_limit: Annotated[float, Field(gt=0, le=1)] = 0.5
    elevation_mm: Annotated[float, Field(ge=0, le=100_000)] | None = None
    tiers: Annotated[int, Field(ge=1, le=MAX_TRAY_TIERS)] = 1
    """Stacked tiers of this cross-section along the same path (a cable takes one tier; each tier has its
    own fill). Left out of the saved file while 1."""

    @model_serializer(mode="wrap")
    def _omit_one_tier(self, handler):
        data = handler(self)
        if isinstance(data, dict) and data.get("tiers") == 1:
            data.pop("tiers", None)
        return data


class FloorPlan(_Strict):
    """The hall the racks stand in, and the cable slack added to every computed length.

    `outline` (optional) is the hall's real outline as a polygon, for halls that are not the
    `width_mm` x `depth_mm` rectangle; `keepouts` are areas inside it where racks may not stand. Both
    usually come from the building's DXF (`rackcad import dxf-hall`) and are left out of the saved file
    while empty, so designs without them keep their bytes.
    """

    width_mm: Annotated[float, Field(gt=0, le=MAX_HALL_MM)] = 20_000.0
    depth_mm: Annotated[float, Field(gt=0, le=MAX_HALL_MM)] = 12_000.0
    grid_mm: Annotated[float, Field(ge=0.001, le=MAX_HALL_MM)] = 600.0
    cable_slack_m: Annotated[float, Field(ge=0, le=1_000)] = 0.5
    outline: Annotated[list[Point], Field(max_length=MAX_OUTLINE_POINTS)] = Field(default_factory=list)
    keepouts: Annotated[list[KeepOut], Field(max_length=MAX_KEEPOUTS)] = Field(default_factory=list)
    rows: Annotated[list[Row], Field(max_length=MAX_ROWS)] = Field(default_factory=list)
    trays: Annotated[list[Tray], Field(max_length=MAX_TRAYS)] = Field(default_factory=list)

    @model_serializer(mode="wrap")
    def _omit_empty_areas(self, handler):
        data = handler(self)
        for key in ("outline", "keepouts", "rows", "trays"):
            if isinstance(data, dict) and not data.get(key):
                data.pop(key, None)
        return data

    @model_validator(mode="after")
    def _outline_is_a_polygon(self) -> "FloorPlan":
        if 0 < len(self.outline) < 3:
            raise ValueError(f"outline: a polygon needs at least 3 points, not {len(self.outline)}")
        return self

    @model_validator(mode="after")
    def _unique_ids(self) -> "FloorPlan":
        seen: set[str] = set()
        for item in (*self.rows, *self.trays):
            if item.id in seen:
                raise ValueError(f"rows and trays: the id {shown(item.id)} is used twice")
            seen.add(item.id)
        return self

    @model_validator(mode="after")
    def _grid_lines(self) -> "FloorPlan":
        lines = max(self.width_mm, self.depth_mm) / self.grid_mm
        if lines > MAX_GRID_LINES:
            need = max(self.width_mm, self.depth_mm) / MAX_GRID_LINES
            raise ValueError(f"grid_mm: a {self.grid_mm:g} mm grid over a {max(self.width_mm, self.depth_mm):,.0f} mm "
                             f"hall is {lines:,.0f} lines a side, at most {MAX_GRID_LINES:,} "
                             f"(use a grid of at least {need:,.0f} mm)")
        return self


class Rack(_Strict):
    """A placed rack. Capacities are copied from the rack part when added and may be edited."""

    id: Id
    name: Name
    part: Word
    position: FloorPosition = Field(default_factory=FloorPosition)
    power_budget_w: Watts | None = None
    liquid_capacity_w: Watts | None = None
    air_capacity_w: Watts | None = None
    power_redundancy: Redundancy = "n+n"


class Node(_Strict):
    """One placed part: in a rack at `u` (lowest U it occupies, 1-based) or in a tray at `bay` (0-based)."""

    id: Id
    name: Name
    part: Word
    parent: Id
    u: Annotated[float, Field(ge=1, le=MAX_RACK_U)] | None = None
    bay: Annotated[int, Field(ge=0, le=MAX_INDEX)] | None = None
    overrides: Annotated[dict[Word, Annotated[float, Field(allow_inf_nan=False)] | Name],
                         Field(max_length=64), AfterValidator(_overrides)] = Field(default_factory=dict)


MAX_SPLIT = 8
"""No breakout cable fans one port out more ways than this."""


class PortRef(_Strict):
    """One end of a link: a node, a port group of its part, and optionally a port index in the group.

    `split`: the end lands on a sub-port (lane group) of a port split that many ways by a breakout cable
    or fibre (a 400G NIC on half an 800G switch port: 2); `sub` names which sub-port (0-based) when the
    end is pinned to one. Both are left out of the saved file while unset (the whole port)."""

    node: Id
    port: Word
    index: Annotated[int, Field(ge=0, le=MAX_INDEX)] | None = None
    split: Annotated[int, Field(ge=2, le=MAX_SPLIT)] | None = None
    sub: Annotated[int, Field(ge=0, le=MAX_SPLIT - 1)] | None = None

    @model_validator(mode="after")
    def _sub_needs_split(self) -> "PortRef":
        if self.sub is not None and self.split is None:
            raise ValueError(f"sub-port {self.sub} of a port that is not split (set split too)")
        return self

    @property
    def ways(self) -> int:
        """Ways the end's port is split (1: the whole port)."""
        return self.split or 1


class Link(_Strict):
    """`count` parallel links between two port groups."""

    id: Id
    name: Name = ""
    a: PortRef
    b: PortRef
    protocol: Word
    medium: Word | None = None
    length_m: Annotated[float, Field(ge=0, le=MAX_LENGTH_M)] | None = None
    count: Annotated[int, Field(ge=1, le=MAX_COUNT)] = 1
    optic: Word | None = None
    """Catalog id of the transceiver the user chose for this link; None: chosen by length and rate."""


class Waiver(_Strict):
    """An accepted violation (KiCad's exclusion): the rule code, the subjects it covers, and why."""

    code: Word
    subjects: list[Id] = Field(default_factory=list)
    reason: Note


class RuleSettings(_Strict):
    """Design-wide rule settings saved with the design."""

    severity: dict[Word, Severity] = Field(default_factory=dict)
    disabled: list[Word] = Field(default_factory=list)
    coolant_lpm_per_kw: Annotated[float, Field(gt=0, le=1_000)] = 1.5
    power_warning_ratio: Annotated[float, Field(ge=0, le=10)] = 0.9
    max_oversubscription: Annotated[float, Field(gt=0, le=1_000_000)] = 1.0
    scale_up_target_gbps: Annotated[float, Field(ge=0, le=1e12)] | None = None
    min_aisle_mm: Annotated[float, Field(ge=0, le=100_000)] | None = None
    """Narrowest aisle between rows the geometry.aisle_width rule accepts; unset, its default (1,200 mm)."""

    @model_serializer(mode="wrap")
    def _omit_unset_aisle(self, handler):
        data = handler(self)
        if isinstance(data, dict) and data.get("min_aisle_mm") is None:
            data.pop("min_aisle_mm", None)
        return data


# ---------------------------------------------------------------- the campus: buildings, halls, routes
MAX_SITE_ITEMS = 10_000
MAX_SITE_KM = 100_000.0
"""No fibre route or site coordinate is longer than this (a quarter of the way round the Earth)."""
SiteKm = Annotated[float, Field(ge=-MAX_SITE_KM, le=MAX_SITE_KM, allow_inf_nan=False)]
RunM = Annotated[float, Field(ge=0, le=MAX_LENGTH_M, allow_inf_nan=False)]


class Hall(_Strict):
    """A hall of a building. Its racks name it in `FloorPosition.hall` and stand in its own coordinates.

    `floor`: the hall's floor plan (None: the size of the design's floor plan). `exit_mm`: where fibre
    leaves the hall for the building's meet-me room, in hall mm (None: the hall's origin corner).
    `entrance_m`: the fibre run from that exit to the building's entrance, where routes to other buildings
    start.
    """

    id: Id
    name: Name = ""
    floor: FloorPlan | None = None
    exit_mm: Point | None = None
    entrance_m: RunM = 0.0


class Building(_Strict):
    """A building on the site plan: where it stands (km, site coordinates, y down) and its halls."""

    id: Id
    name: Name = ""
    x_km: SiteKm = 0.0
    y_km: SiteKm = 0.0
    halls: Annotated[list[Hall], Field(max_length=MAX_SITE_ITEMS)] = Field(default_factory=list)


class FibreRoute(_Strict):
    """A fibre route between two buildings, `length_km` of glass (longer than the straight line: ducts
    follow roads). Without a route the straight line between the buildings is taken."""

    a: Id
    b: Id
    length_km: Annotated[float, Field(ge=0, le=MAX_SITE_KM, allow_inf_nan=False)]
    name: Name = ""


class Site(_Strict):
    """The site plan: buildings (each holding halls) and the fibre routes between them. Empty for a design
    of one hall (its floor plan), and then left out of the saved file."""

    buildings: Annotated[list[Building], Field(max_length=MAX_SITE_ITEMS)] = Field(default_factory=list)
    routes: Annotated[list[FibreRoute], Field(max_length=MAX_SITE_ITEMS)] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ids(self) -> "Site":
        seen: set[str] = set()
        for building in self.buildings:
            for item_id in (building.id, *(h.id for h in building.halls)):
                if item_id in seen:
                    raise ValueError(f"site: id {shown(item_id)} is used twice (building and hall ids are one set)")
                seen.add(item_id)
        buildings = {b.id for b in self.buildings}
        for i, route in enumerate(self.routes):
            for end in (route.a, route.b):
                if end not in buildings:
                    raise ValueError(f"routes.{i}: no building with id {shown(end)}")
            if route.a == route.b:
                raise ValueError(f"routes.{i}: a route joins two buildings, not {shown(route.a)} to itself")
        return self

    def __bool__(self) -> bool:
        return bool(self.buildings or self.routes)


class LatencyBudget(_Strict):
    """A latency the user requires: every accelerator of `from_ids` reaches every one of `to_ids` in at most
    `max_us` microseconds (ids of racks, trays or parts; parts without accelerators stand for themselves)."""

    name: Name = ""
    from_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_SITE_ITEMS)]
    to_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_SITE_ITEMS)]
    max_us: Annotated[float, Field(gt=0, le=1e9, allow_inf_nan=False)]


class _Lookups(dict):
    """Id indexes a Design keeps beside its block lists: a cache, so never part of equality."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Lookups)

    __hash__ = None  # type: ignore[assignment]

    def __deepcopy__(self, memo) -> "_Lookups":
        return _Lookups()

    def __copy__(self) -> "_Lookups":
        return _Lookups()


class Design(_Strict):
    """A whole design. Lists are flat; containment is by `parent` id.

    `site` and `latency_budgets` are left out of the saved file while empty.
    """

    format: Literal["rackcad"] = FORMAT_NAME
    schema_version: Annotated[int, Field(ge=1, le=SCHEMA_VERSION)] = SCHEMA_VERSION
    name: Name = "Untitled"
    description: Note = ""
    metadata: dict[Word, Name] = Field(default_factory=dict)
    floor: FloorPlan = Field(default_factory=FloorPlan)
    rules: RuleSettings = Field(default_factory=RuleSettings)
    racks: list[Rack] = Field(default_factory=list)
    nodes: list[Node] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    waivers: list[Waiver] = Field(default_factory=list)
    blocks: list["Block"] = Field(default_factory=list)
    """Racks, pods or scalable units defined once (rackcad.model.blocks); left out of the file while empty."""
    instances: list["Instance"] = Field(default_factory=list)
    """Blocks placed on the floor, each with its own id, name, position and overrides."""
    patterns: list["LinkPattern"] = Field(default_factory=list)
    """Links between instances stored as wiring patterns (what a fabric builder made)."""
    site: Site = Field(default_factory=Site)
    latency_budgets: Annotated[list[LatencyBudget], Field(max_length=MAX_SITE_ITEMS)] = Field(default_factory=list)

    _lookup: _Lookups = PrivateAttr(default_factory=lambda: _Lookups())

    @model_serializer(mode="wrap")
    def _omit_empty_blocks(self, handler):
        data = handler(self)
        for key in ("blocks", "instances", "patterns", "site", "latency_budgets"):
            if isinstance(data, dict) and not data.get(key):
                data.pop(key, None)
        return data

    @model_validator(mode="after")
    def _blocks_fit(self) -> "Design":
        from rackcad.model.blocks_check import blocks_problem

        if self.blocks or self.instances or self.patterns:
            problem = blocks_problem(self)
            if problem:
                raise ValueError(problem)
        return self

    def _find(self, name: str, item_id: str):
        items = getattr(self, name)
        entry = self._lookup.get(name)
        if entry is None or entry[0] is not items or len(entry[1]) != len(items):
            entry = self._lookup[name] = (items, {item.id: i for i, item in enumerate(items)})
        at = entry[1].get(item_id)
        if at is not None and at < len(items) and items[at].id == item_id:
            return items[at]
        if at is None:
            return None
        entry = self._lookup[name] = (items, {item.id: i for i, item in enumerate(items)})
        at = entry[1].get(item_id)
        return items[at] if at is not None else None

    def forget_lookups(self) -> None:
        """Drop the id indexes of blocks, instances and patterns (whoever changes those lists calls this)."""
        self._lookup.clear()

    def block(self, block_id: str) -> "Block | None":
        """The block with `block_id`, or None."""
        return self._find("blocks", block_id)

    def instance(self, instance_id: str) -> "Instance | None":
        """The instance with `instance_id`, or None (O(1): an index kept beside the list)."""
        return self._find("instances", instance_id)

    def pattern(self, pattern_id: str) -> "LinkPattern | None":
        """The wiring pattern with `pattern_id`, or None."""
        return self._find("patterns", pattern_id)

    def hall_floor(self, hall_id: str | None) -> FloorPlan:
        """The floor plan of a hall: its own, else the design's (also for None and unknown ids)."""
        hall = self.site_hall(hall_id)
        return hall.floor if hall is not None and hall.floor is not None else self.floor

    def site_hall(self, hall_id: str | None) -> "Hall | None":
        """The site's hall `hall_id`, None for the design's own floor plan or an id the site lacks."""
        if hall_id is None:
            return None
        for building in self.site.buildings:
            for hall in building.halls:
                if hall.id == hall_id:
                    return hall
        return None


def parent_loop(nodes: list[Node]) -> list[str]:
    """The ids of the first parent chain that loops (A in B in A), in chain order, or [] when none does.

    A design with such a chain has parts in no rack and would send every walk up the tree round forever,
    so neither a file nor an edit may hold one. Linear in the number of nodes.
    """
    parent = {node.id: node.parent for node in nodes}
    done: set[str] = set()
    for start in parent:
        chain: dict[str, None] = {}
        current = start
        while current in parent and current not in done:
            if current in chain:
                ids = list(chain)
                return ids[ids.index(current):]
            chain[current] = None
            current = parent[current]
        done.update(chain)
    return []


from rackcad.model.blocks import Block, Instance, LinkPattern  # noqa: E402 - the blocks build on the items above

Design.model_rebuild()
