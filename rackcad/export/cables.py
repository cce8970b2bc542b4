"""Cable schedule: one row per link record, and the cable or optics each link needs, chosen by medium and reach.

How a link record (`count` parallel links between two port groups) maps to parts; the BOM adds these up:

- `in-package`, `pcb`: nothing to buy (traces on a board or in a package).
- `backplane-copper`: the rack's copper spine (NVL72's NVLink cable cartridges ship with the rack). Counted
  as spine links, no part number; NVIDIA's NVL72 cartridges hold 5,184 passive copper cables for its 1,296
  links, 4 differential pairs per link (2 lanes x 2 directions; S14, S16).
- `copper-cable`: a passive DAC when the length is within its reach (dac-800g: 2 m), else an active copper
  cable (lacc-800g: 5 m), else optics as below, with a note that the link is beyond copper reach.
- `active-copper`: an active copper cable within its reach, else optics.
- `pluggable-optic`: a transceiver at each end plus a single-mode fibre trunk per transceiver pair (an AOC
  is the same pair with the fibre bonded on; the catalog lists the pair).
- `cpo-fiber`: fibre only, one per link: the optics are co-packaged in the switch.
- no medium on the link or its ports: chosen by length as for `copper-cable`.

Which part, and how many: the catalog parts of the medium's family whose reach covers the link length and
whose port rate carries one link (a link never splits across module ports). Parallel links are packed into
the fewest parts, `ceil(count x link Gb/s / part Gb/s)` per end, ties going to the lower power. So four
NVLink 5 links (4 x 400 Gb/s = 8 x 200G lanes) fill one osfp-1600g at each end: 2 transceivers and 1 fibre;
five need 2 modules per end (4 transceivers, 2 fibres); one 400G NIC link takes an osfp-400g pair. The
catalog has no lane rates, so electrical lane compatibility (200G NVLink 5 lanes on a 100G-lane module) is
not checked: a single 400G NVLink would get the 400G module.
Lengths come from `rackcad.analysis.lengths.link_length_m` (the user's length, else computed from positions
with slack); with an unknown length (an end outside any rack) reach is not checked and the note says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rackcad.analysis.lengths import link_length_m
from rackcad.catalog import PartSpec
from rackcad.export.csvsafe import write_csv
from rackcad.model import Design, Link, PortRef
from rackcad.topology import DesignIndex

SPINE_PAIRS_PER_LINK = 4
"""Differential pairs per NVLink in the copper spine: 2 lanes x 2 directions (5,184 = 1,296 x 4; S14, S16)."""


@dataclass(frozen=True)
class Choice:
    """What one link record needs. `cables` and `optics` count both ends together."""

    category: str  # none, backplane, dac, active-copper, optics, cpo-fiber
    cable: str | None = None
    cables: int = 0
    optic: str | None = None
    optics: int = 0
    note: str = ""

    @property
    def label(self) -> str:
        """Human form for the schedule: '2 x osfp-1600g + 1 x fiber-sm-mpo', 'backplane copper spine'."""
        if self.category == "none":
            return "none (on board)"
        if self.category == "backplane":
            return "backplane copper spine"
        parts = [f"{n} x {p}" for p, n in ((self.optic, self.optics), (self.cable, self.cables)) if p and n]
        return " + ".join(parts) or "no catalog part"


def _reach(part: PartSpec) -> float:
    return part.reach_m.value if part.reach_m else math.inf


def _gbps(part: PartSpec) -> float:
    return part.gbps.value if part.gbps else math.inf


def _port_gbps(part: PartSpec) -> float:
    """Twin-port transceivers: the catalog gives the module's aggregate Gb/s and `module_ports`; each port
    carries a share, so an 800G XDR link does not fit an 800G twin of two 400G ports."""
    return _gbps(part) / part.module_ports


class CableChooser:
    """Picks cables and optics for the links of one design; candidate parts are read from its catalog once."""

    def __init__(self, index: DesignIndex):
        self.index = index
        by_medium: dict[tuple[str, str], list[PartSpec]] = {}
        for part in index.catalog:
            if part.kind in ("cable", "optic") and part.medium:
                by_medium.setdefault((part.kind, part.medium), []).append(part)
        self.dac = sorted(by_medium.get(("cable", "copper-cable"), []), key=_reach)
        self.active = sorted(by_medium.get(("cable", "active-copper"), []), key=_reach)
        self.fibre = sorted(by_medium.get(("cable", "pluggable-optic"), []), key=_reach)
        self.optics = sorted(by_medium.get(("optic", "pluggable-optic"), []), key=_reach)

    def medium(self, link: Link) -> str | None:
        """The link's medium, else the one its ports imply (`DesignIndex.medium`)."""
        return self.index.medium(link)

    def link_rate(self, link: Link) -> float:
        """Per-direction Gb/s of one of the record's links: the slower end's port rate."""
        return self.index.link_gbps(link) / link.count

    @staticmethod
    def _pick(parts: list[PartSpec], rate: float, count: int, length: float | None,
              strict: bool = True) -> tuple[PartSpec, int] | None:
        """The part of `parts` that carries `count` links of `rate` in the fewest units, then at lower power.

        `strict`: the part's reach must cover `length` and one of its ports must carry a whole link.
        """
        best: tuple[tuple, PartSpec, int] | None = None
        for part in parts:
            if strict and ((length is not None and _reach(part) < length) or rate > _port_gbps(part)):
                continue
            units = max(1, math.ceil(rate * count / _gbps(part))) if rate else count
            key = (units, part.power_w, _gbps(part), part.id)
            if best is None or key < best[0]:
                best = (key, part, units)
        return (best[1], best[2]) if best else None

    def _fibre(self, length: float | None) -> str | None:
        for part in self.fibre:
            if length is None or _reach(part) >= length:
                return part.id
        return self.fibre[-1].id if self.fibre else None

    def _optics(self, link: Link, length: float | None, note: str) -> Choice:
        rate = self.link_rate(link)
        picked = self._pick(self.optics, rate, link.count, length)
        if picked is None:
            picked = self._pick(self.optics, rate, link.count, length, strict=False)
            note = _join(note, "no transceiver in the catalog carries this rate and reach")
        if picked is None:
            return Choice("optics", note=_join(note, "no transceiver in the catalog"))
        optic, per_end = picked
        return Choice("optics", cable=self._fibre(length), cables=per_end, optic=optic.id, optics=2 * per_end,
                      note=note)

    def choose(self, link: Link, length: float | None) -> Choice:
        """The cable or optics for `link` at `length` metres (None: unknown)."""
        medium = self.medium(link)
        note = "" if length is not None else "length unknown (an end is not in a rack)"
        if medium in ("pcb", "in-package"):
            return Choice("none")
        if medium == "backplane-copper":
            return Choice("backplane", note=f"{link.count * SPINE_PAIRS_PER_LINK:,} copper pairs")
        if medium == "cpo-fiber":
            return Choice("cpo-fiber", cable=self._fibre(length), cables=link.count, note=note)
        if medium == "pluggable-optic":
            return self._optics(link, length, note)
        if medium is None:
            note = _join(note, "medium not set: chosen by length")
        rate = self.link_rate(link)
        families = [("dac", self.dac), ("active-copper", self.active)]
        if medium == "active-copper":
            families = families[1:]
        for category, parts in families:
            picked = self._pick(parts, rate, link.count, length)
            if picked:
                cable, units = picked
                return Choice(category, cable=cable.id, cables=units, note=note)
        return self._optics(link, length, _join(note, f"beyond copper reach ({_fmt_m(length)})"))


def _join(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


def _fmt_m(length: float | None) -> str:
    return "unknown length" if length is None else f"{length:.2f} m"


COLUMNS = [
    "id", "name", "from_rack", "from_u", "from_node", "from_part", "from_port",
    "to_rack", "to_u", "to_node", "to_part", "to_port",
    "protocol", "medium", "count", "gbps", "length_m", "class", "cable", "cables", "optic", "optics", "choice",
    "note",
]
"""Cable schedule columns. `gbps` is the record's per-direction total; `cables`/`optics` count both ends."""


class Schedule:
    """The cable schedule of a design: `rows` (dicts keyed by COLUMNS) and each record's Choice."""

    def __init__(self, design: Design, index: DesignIndex | None = None):
        self.design = design
        self.index = index or DesignIndex(design)
        self.chooser = CableChooser(self.index)

    @cached_property
    def entries(self) -> list[tuple[Link, float | None, Choice]]:
        """(link, length in metres or None, choice) for every link record, in design order."""
        out = []
        for link in self.design.links:
            length = link_length_m(self.index, link)
            out.append((link, length, self.chooser.choose(link, length)))
        return out

    def _end(self, end: PortRef) -> tuple:
        index = self.index
        node = index.nodes.get(end.node)
        rack = index.rack_of.get(end.node) if node else None
        u = index.rack_u_of.get(end.node) if node else None
        port = end.port if end.index is None else f"{end.port}[{end.index}]"
        return (
            index.name(rack) if rack else None,
            _number(u),
            node.name if node else end.node,
            node.part if node else None,
            port,
        )

    @cached_property
    def rows(self) -> list[dict]:
        rows = []
        for link, length, choice in self.entries:
            values = (
                link.id, link.name, *self._end(link.a), *self._end(link.b),
                link.protocol, self.chooser.medium(link), link.count, _number(self.index.link_gbps(link)),
                None if length is None else round(length, 2), choice.category, choice.cable, choice.cables,
                choice.optic, choice.optics, choice.label, choice.note,
            )
            rows.append(dict(zip(COLUMNS, values)))
        return rows


def _number(value: float | None) -> float | int | None:
    """Whole floats as ints (U 12, not 12.0), so CSV cells read as people write them."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def cable_rows(design: Design, index: DesignIndex | None = None) -> list[dict]:
    """The cable schedule rows of `design` (see COLUMNS)."""
    return Schedule(design, index).rows


def write_cables_csv(design: Design, path: str | Path, index: DesignIndex | None = None) -> None:
    write_csv(path, COLUMNS, ([row[c] for c in COLUMNS] for row in cable_rows(design, index)))
