"""Bill of materials: one row per part number, with quantities, power, weight and where each figure comes from.

Rows cover every rack and placed part (trays, chips, NICs, power shelves, CDUs, switches ...) and the cables
and optics the links need, as the design's Figures chose them link by link (`rackcad.figures.choice`;
transceivers counted as whole modules per node, port group and part, shared by the links on them):
passive DACs, active copper, transceivers with their fibre, CPO fibre and the transceivers at the non-CPO end. A copper spine is one row per protocol counting its links
(`spine:nvlink5`, unit `link`): it ships inside the rack, but procurement and the integrator still want
to see how many links it carries. Board and in-package links need nothing and are only counted in the totals.

Power per row: `power_w` is the catalog's design figure (maximum, else typical) and `power_total_w` the sum
over the placed parts, so a `power_w` override on a node counts as the summary counts it. The total is the
Figures' design power, the same as `summary()`'s: placed parts, transceivers and active cables, and the
co-packaged optical engines of CPO switches (in `power_cables_optics_w`, not a row of their own: they are
part of the switch). Weight is the catalog's
figure times the quantity, blank where the catalog has none.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field, fields
from fractions import Fraction
from pathlib import Path

from rackcad.catalog import Figure, PartSpec
from rackcad.export.cables import Schedule
from rackcad.export.csvsafe import write_csv
from rackcad.figures import SPINE_PAIRS_PER_LINK
from rackcad.figures.pieces import split
from rackcad.model import Design
from rackcad.progress import Progress
from rackcad.topology import DesignIndex
from rackcad.vocabulary import protocol_name

BOM_FORMAT = "rackcad-bom"
BOM_VERSION = 1
"""The JSON BOM's format name and version: bumped when a field changes meaning or goes away."""

KIND_ORDER = ["rack", "tray", "gpu", "xpu", "cpu", "switch", "nic", "dpu", "network-switch", "cpo-switch",
              "mgmt-switch", "power-shelf", "busbar", "cdu", "optic", "cable", "backplane"]
"""Row order: containers, then chips, networking, power and cooling, then what the links need."""


@dataclass
class BomRow:
    """One line of the BOM. Figures are None where the catalog has none."""

    part: str
    kind: str
    vendor: str
    model: str
    quantity: int
    unit: str
    power_w: float | None
    power_total_w: float | None
    weight_kg: float | None
    weight_total_kg: float | None
    power_source: str
    power_confidence: str
    weight_source: str
    weight_confidence: str
    length_total_m: float | None
    note: str


COLUMNS = [f.name for f in fields(BomRow)]


@dataclass
class Bom:
    """The rows and the design-wide totals."""

    design: str
    rows: list[BomRow]
    totals: dict

    def to_dict(self) -> dict:
        return {"format": BOM_FORMAT, "version": BOM_VERSION, "design": self.design,
                "rows": [asdict(r) for r in self.rows], "totals": self.totals}

    def by_kind(self, kind: str) -> int:
        """Total quantity of the rows of one kind (gpu, switch, optic ...)."""
        return sum(r.quantity for r in self.rows if r.kind == kind)


def _power_figure(part: PartSpec) -> Figure | None:
    return part.power_max_w or part.power_typical_w


def _row(part: PartSpec | None, part_id: str, quantity: int, power_total: float | None, unit: str = "ea",
         note: str = "", length_total: float | None = None) -> BomRow:
    if part is None:
        return BomRow(part_id, "unknown", "", f"unknown part id {part_id}", quantity, unit, None, None, None, None,
                      "", "", "", "", None, _join(note, "not in the catalog"))
    power = _power_figure(part)
    weight = part.weight_kg
    return BomRow(
        part=part.id, kind=part.kind, vendor=part.vendor, model=part.model, quantity=quantity, unit=unit,
        power_w=power.value if power else None,
        power_total_w=round(power_total, 3) if power is not None and power_total is not None else None,
        weight_kg=weight.value if weight else None,
        weight_total_kg=round(weight.value * quantity, 3) if weight else None,
        power_source=power.source if power else "", power_confidence=power.confidence if power else "",
        weight_source=weight.source if weight else "", weight_confidence=weight.confidence if weight else "",
        length_total_m=round(length_total, 2) if length_total is not None else None, note=note,
    )


def _join(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


def _spine_row(protocol: str, links: int) -> BomRow:
    pairs = links * SPINE_PAIRS_PER_LINK
    note = (f"part of the rack's copper spine (cable cartridges or midplane), not ordered separately; "
            f"{SPINE_PAIRS_PER_LINK} differential pairs per link = {pairs:,} copper pairs "
            f"(NVIDIA NVL72: 5,184 passive copper cables for 1,296 links, S14, S16)")
    return BomRow(f"spine:{protocol}", "backplane", "(with the rack)", f"{protocol_name(protocol)} copper spine links",
                  links, "link", None, None, None, None, "", "", "", "", None, note)


@dataclass
class _Tally:
    """What a BOM adds up over one flat design: a piece of a hall (`rackcad.figures.pieces`) or all of it.
    Power and length terms are kept as they come, so that pieces add up to exactly the sum over the whole."""

    racks: Counter[str] = field(default_factory=Counter)
    nodes: Counter[str] = field(default_factory=Counter)
    node_watts: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    overridden: Counter[str] = field(default_factory=Counter)
    derived: Counter[str] = field(default_factory=Counter)
    lengths: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    unmeasured: Counter[str] = field(default_factory=Counter)
    spine: Counter[str] = field(default_factory=Counter)
    by_class: Counter[str] = field(default_factory=Counter)
    end_watts: list[float] = field(default_factory=list)
    module_watts: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    """Per transceiver part, what its pools draw (a module on a slower port draws less: `power_at`)."""
    links: int = 0


def _tally(schedule: Schedule) -> _Tally:
    figures, design = schedule.index, schedule.design
    out = _Tally()
    out.racks.update(r.part for r in design.racks)
    for node in design.nodes:
        out.nodes[node.part] += 1
        out.node_watts[node.part].append(figures.power_w(node))
        if isinstance(node.overrides.get("power_w"), (int, float)):
            out.overridden[node.part] += 1
    out.derived.update(figures.module_units())  # transceivers shared by the links on them
    for key in figures.pools:
        out.module_watts[key[2]].append(figures.pool_power_w(key))
    for (_, _, part_id), pool in figures.cable_pools.items():  # breakout cables: one per cage they fill
        out.derived[part_id] += pool.units
    link_figures = figures.link_figures
    for link, length, choice in schedule.iter_entries():
        out.links += link.count
        out.by_class[choice.category] += link.count
        if choice.category == "backplane":
            out.spine[link.protocol] += link.count
        if choice.cable:
            cables = link_figures[link.id].cables if choice.cable_use else choice.cables
            if not choice.cable_use:
                out.derived[choice.cable] += cables
            if length is None:
                out.unmeasured[choice.cable] += cables
            else:
                out.lengths[choice.cable].append(length * cables)
    out.end_watts = [w for fig in figures.link_figures.values() for w in (fig.power_a, fig.power_b)]
    return out


def _sum(parts: list[tuple[list[float], int]]) -> float:
    """The sum of every term, each list counted `times`, rounded once (as math.fsum rounds a flat list), so
    a hall summed per block gives the same float as its expanded design."""
    if len(parts) == 1 and parts[0][1] == 1:
        return math.fsum(parts[0][0])
    exact = sum((times * sum(map(Fraction, terms), Fraction(0)) for terms, times in parts), Fraction(0))
    return float(exact)


def _counted(parts: list[tuple[_Tally, int]], name: str) -> Counter[str]:
    out: Counter[str] = Counter()
    for tally, times in parts:
        for key, n in getattr(tally, name).items():
            out[key] += n * times
    return out


def _tallies(design: Design, index: DesignIndex | None, schedule: Schedule | None):
    """(tallies with their multiplicity, catalog): per block for a hall of instances (a class of repeated
    instances is tallied once, on its stand-in, and kept while its block is the same), else the whole."""
    if schedule is None and index is None and design.instances:
        pieces = split(design)
        if pieces is not None:
            parts = []
            for piece in pieces:
                tally = piece.cache.get("bom") if piece.repeated else None
                if tally is None:
                    tally = _tally(Schedule(piece.design, piece.figures))
                    if piece.repeated:
                        piece.cache["bom"] = tally
                parts.append((tally, max(len(piece.members), 1)))
            return parts, pieces[0].figures.catalog
    schedule = schedule or Schedule(design, index)
    return [(_tally(schedule), 1)], schedule.index.catalog


def bom(design: Design, index: DesignIndex | None = None, schedule: Schedule | None = None) -> Bom:
    """The bill of materials of `design`; a hall of instances is counted per block (its block's parts and
    links times the instances that are the block as it is, plus what differs), never expanded."""
    parts, catalog = _tallies(design, index, schedule)
    overridden, derived = _counted(parts, "overridden"), _counted(parts, "derived")
    unmeasured, spine = _counted(parts, "unmeasured"), _counted(parts, "spine")
    node_watts = {part_id: _sum([(t.node_watts.get(part_id, []), k) for t, k in parts])
                  for part_id in _counted(parts, "nodes")}

    rows: list[BomRow] = []
    for part_id, quantity in _counted(parts, "racks").items():
        part = catalog.find(part_id)
        power = _power_figure(part) if part else None
        rows.append(_row(part, part_id, quantity, power.value * quantity if power else None))
    for part_id, quantity in _counted(parts, "nodes").items():
        part = catalog.find(part_id)
        note = f"power overridden on {overridden[part_id]} of {quantity}" if overridden[part_id] else ""
        rows.append(_row(part, part_id, quantity, node_watts[part_id], note=note))
    for part_id, quantity in derived.items():
        part = catalog.find(part_id)
        power = _power_figure(part) if part else None
        note = f"{unmeasured[part_id]:g} of unknown length not in the total length" if unmeasured[part_id] else ""
        length = _sum([(t.lengths.get(part_id, []), k) for t, k in parts]) if part and part.kind == "cable" else None
        watts = _sum([(t.module_watts[part_id], k) for t, k in parts if part_id in t.module_watts])
        total = watts if part is not None and part.kind == "optic" else power.value * quantity if power else None
        if part is not None and part.kind == "optic" and power is not None and not math.isclose(
                watts, power.value * quantity):
            note = _join(note, f"{watts:,.4g} W in all: some run on slower ports and draw less (power_reduced)")
        rows.append(_row(part, part_id, quantity, total, note=note, length_total=length))
    for protocol, links in spine.items():
        rows.append(_spine_row(protocol, links))

    order = {kind: i for i, kind in enumerate(KIND_ORDER)}
    rows.sort(key=lambda r: (order.get(r.kind, len(order)), r.part))

    node_terms = [([w for terms in t.node_watts.values() for w in terms], k) for t, k in parts]
    end_terms = [(t.end_watts, k) for t, k in parts]
    totals = {
        "rows": len(rows),
        "items": sum(r.quantity for r in rows if r.unit == "ea"),
        "power_w": round(_sum([(nodes + ends, k) for (nodes, k), (ends, _) in zip(node_terms, end_terms)]), 3),
        "power_parts_w": round(_sum(node_terms), 3),
        "power_cables_optics_w": round(_sum(end_terms), 3),
        "weight_kg": round(sum(r.weight_total_kg or 0.0 for r in rows), 3),
        "items_without_weight": sum(r.quantity for r in rows if r.unit == "ea" and r.weight_kg is None),
        "links": sum(t.links * k for t, k in parts),
        "links_by_class": dict(sorted(_counted(parts, "by_class").items())),
        "spine_links": sum(spine.values()),
        "transceivers": sum(r.quantity for r in rows if r.kind == "optic"),
        "cables": sum(r.quantity for r in rows if r.kind == "cable"),
    }
    return Bom(design.name, rows, totals)


def write_bom_csv(design: Design, path: str | Path, index: DesignIndex | None = None,
                  progress: Progress | None = None) -> None:
    """Write the BOM rows as CSV, row by row."""
    if progress:
        progress(0, 0, "bill of materials: deriving figures")
    rows = bom(design, index).rows
    write_csv(path, COLUMNS, (tuple(getattr(r, c) for c in COLUMNS) for r in rows), progress, len(rows),
              "bill of materials")


def write_bom_json(design: Design, path: str | Path, index: DesignIndex | None = None,
                   progress: Progress | None = None) -> None:
    """Write the BOM as JSON, encoded piece by piece into the file (never one string of it all)."""
    if progress:
        progress(0, 0, "bill of materials: deriving figures")
    data = bom(design, index).to_dict()
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    if progress:
        progress(len(data["rows"]), len(data["rows"]), "bill of materials")
