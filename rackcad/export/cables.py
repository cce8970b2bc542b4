"""Cable schedule: one row per link record, with the cable, transceivers or CPO fibre it needs.

The choice, the medium, the rate and the length of each link are the design's Figures
(`rackcad.figures.choice` says how parts are chosen, `rackcad.figures.lengths` how lengths are measured);
the schedule only lays them out. `cables` counts cables, `optics` transceivers at both ends together, as the
record's share of modules it shares with other links on the same port group (0.5 for one 400G link on a
twin-port module); a CPO link shows the transceiver its non-CPO end needs.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from rackcad.export.csvsafe import write_csv
from rackcad.figures import Choice, Figures
from rackcad.model import Design, Link, PortRef
from rackcad.topology import DesignIndex


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
        self.index = Figures.of(design, index)

    @cached_property
    def entries(self) -> list[tuple[Link, float | None, Choice]]:
        """(link, length in metres or None, choice) for every link record, in design order."""
        figures = self.index.link_figures
        return [(fig.link, fig.length_m, fig.choice) for fig in (figures[link.id] for link in self.design.links)]

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
            fig = self.index.link_figures[link.id]
            values = (
                link.id, link.name, *self._end(link.a), *self._end(link.b),
                link.protocol, self.index.link_figures[link.id].medium, link.count,
                _number(self.index.link_gbps(link)),
                None if length is None else round(length, 2), choice.category, choice.cable, choice.cables,
                choice.optic, _number(fig.optics), fig.label, choice.note,
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
