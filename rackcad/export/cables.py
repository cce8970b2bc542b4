"""Cable schedule: one row per link record, with the cable, transceivers or CPO fibre it needs.

The choice, the medium, the rate and the length of each link are the design's Figures
(`rackcad.figures.choice` says how parts are chosen, `rackcad.figures.lengths` how lengths are measured);
the schedule only lays them out. `cables` counts cables, `optics` transceivers at both ends together, as the
record's share of modules it shares with other links on the same port group (0.5 for one 400G link on a
twin-port module); a CPO link shows the transceiver its non-CPO end needs.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

from rackcad.export.csvsafe import FORMULA_PREFIXES, ROWS_PER_REPORT, neutralise, write_csv
from rackcad.figures import Choice, Figures
from rackcad.figures.pieces import MARK_ID, MARK_NAME, MARKS, Piece, split
from rackcad.model import Design, Instance, Link, PortRef, instance_items, pattern_links
from rackcad.progress import Progress
from rackcad.topology import DesignIndex


COLUMNS = [
    "id", "name", "from_rack", "from_u", "from_node", "from_part", "from_port",
    "to_rack", "to_u", "to_node", "to_part", "to_port",
    "protocol", "medium", "count", "gbps", "length_m", "class", "cable", "cables", "optic", "optics", "choice",
    "note",
]
"""Cable schedule columns. `gbps` is the record's per-direction total; `cables`/`optics` count both ends."""


class Schedule:
    """The cable schedule of a design: `rows` (dicts keyed by COLUMNS) and each record's Choice.

    `iter_entries` and `values` yield record by record, for writers that stream (the CSV); `entries` and
    `rows` are the same as lists.
    """

    def __init__(self, design: Design, index: DesignIndex | None = None):
        self.index = Figures.of(design, index)
        self.design = self.index.design
        """The expanded view: a hall of instances lists every instance's links."""

    def iter_entries(self) -> Iterator[tuple[Link, float | None, Choice]]:
        """(link, length in metres or None, choice) for every link record, in design order."""
        figures = self.index.link_figures
        for link in self.design.links:
            fig = figures[link.id]
            yield fig.link, fig.length_m, fig.choice

    @cached_property
    def entries(self) -> list[tuple[Link, float | None, Choice]]:
        """`iter_entries` as a list."""
        return list(self.iter_entries())

    def _node(self, node_id: str) -> tuple:
        """(rack name, rack U, node name, part) of one end's node; a node's many links share it."""
        index = self.index
        node = index.nodes.get(node_id)
        rack = index.rack_of.get(node_id) if node else None
        u = index.rack_u_of.get(node_id) if node else None
        return (
            index.name(rack) if rack else None,
            _number(u),
            node.name if node else node_id,
            node.part if node else None,
        )

    def _end(self, end: PortRef, nodes: dict[str, tuple]) -> tuple:
        at = nodes.get(end.node)
        if at is None:
            at = nodes[end.node] = self._node(end.node)
        return (*at, port_label(end))

    def values(self) -> Iterator[tuple]:
        """Each record's row as a tuple in COLUMNS order, in design order."""
        link_figures = self.index.link_figures
        nodes: dict[str, tuple] = {}
        for link, length, choice in self.iter_entries():
            fig = link_figures[link.id]
            yield (
                link.id, link.name, *self._end(link.a, nodes), *self._end(link.b, nodes),
                link.protocol, fig.medium, link.count,
                _number(self.index.link_gbps(link)),
                None if length is None else round(length, 2), choice.category, choice.cable, _number(round(fig.cables, 6)),
                choice.optic, _number(fig.optics), fig.label, choice.note,
            )

    @cached_property
    def rows(self) -> list[dict]:
        return [dict(zip(COLUMNS, values)) for values in self.values()]


def leg_label(split: int | None, sub: int | None) -> str:
    """What follows a port's name on a leg of a breakout: ' (leg 2 of 4)' on sub-port 1 of a port split 4
    ways, ' (leg of 4)' on no sub-port in particular, '' on a whole port."""
    if not split:
        return ""
    return f" (leg{'' if sub is None else f' {sub + 1}'} of {split})"


def port_label(end: PortRef) -> str:
    """An end's port as the cable schedule names it (and the exports that name ports): 'net', 'net[3]', a
    leg of a breakout 'net[3] (leg 2 of 4)', or 'net (leg of 4)' where it is pinned to no port."""
    port = end.port if end.index is None else f"{end.port}[{end.index}]"
    return port + leg_label(end.split, end.sub)


def _number(value: float | None) -> float | int | None:
    """Whole floats as ints (U 12, not 12.0), so CSV cells read as people write them."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def cable_rows(design: Design, index: DesignIndex | None = None) -> list[dict]:
    """The cable schedule rows of `design` (see COLUMNS)."""
    return Schedule(design, index).rows


def _marked(row: tuple) -> tuple[int, ...]:
    """The cells of a stand-in's row that name the stand-in (its link id, its rack's name ...)."""
    return tuple(i for i, cell in enumerate(row) if isinstance(cell, str) and MARKS in cell)


class HallSchedule:
    """The cable schedule of a hall of instances worked out per block, in the expanded design's order.

    A class of repeated instances is scheduled once, on its stand-in; each member's rows are the stand-in's
    with the member's id and name in place of the markers. Everything else comes from the rest's schedule.
    `parts()` yields the schedule in order as pieces: a list of the rest's rows, or (class piece, member)
    for a member's rows (`piece.cache["cables"]`: the stand-in's rows with the cells that hold markers);
    `values()` yields every row; `total` is their number.
    """

    def __init__(self, pieces: list[Piece], design: Design):
        self.design = design
        self.pieces = pieces
        self.rest = {row[0]: row for row in Schedule(pieces[0].design, pieces[0].figures).values()}
        self.member_of: dict[str, Piece] = {}
        for piece in pieces[1:]:
            if "cables" not in piece.cache:
                rows = list(Schedule(piece.design, piece.figures).values())
                piece.cache["cables"] = [(row, _marked(row)) for row in rows]
            for member in piece.members:
                self.member_of[member.id] = piece
        self.total = len(self.rest) + sum(len(p.cache["cables"]) * len(p.members) for p in pieces[1:])

    def parts(self) -> Iterator[list[tuple] | tuple[Piece, Instance]]:
        design, rest = self.design, self.rest
        if design.links:
            yield [rest[link.id] for link in design.links]
        for instance in design.instances:
            piece = self.member_of.get(instance.id)
            if piece is None:
                yield [rest[link.id] for link in instance_items(design, instance).links]
            else:
                yield piece, instance
        for pattern in design.patterns:
            yield [rest[link.id] for link in pattern_links(pattern)]

    @staticmethod
    def member_rows(piece: Piece, member: Instance) -> Iterator[tuple]:
        """The stand-in's rows as `member`'s."""
        text = Piece.text(member)
        if not member.name and len(piece.design.racks) == 1:  # a rack named nothing shows its id
            rack_id, named = Piece.ids(member)(piece.design.racks[0].id), text
            text = lambda cell: rack_id if cell == MARK_NAME else named(cell)  # noqa: E731
        for row, marked in piece.cache["cables"]:
            if marked:
                cells = list(row)
                for i in marked:
                    cells[i] = text(cells[i])
                yield cells
            else:
                yield row

    def values(self) -> Iterator[tuple]:
        for part in self.parts():
            if isinstance(part, list):
                yield from part
            else:
                yield from self.member_rows(*part)


def hall_schedule(design: Design) -> HallSchedule | None:
    """The per-block schedule of a hall of instances, or None when the design is not cut into pieces
    (`rackcad.figures.pieces`)."""
    pieces = split(design)
    return None if pieces is None else HallSchedule(pieces, design)


_CSV_UNSAFE = re.compile('[",\r\n\x00\x01]')
_ID_BYTE, _NAME_BYTE = b"\x00", b"\x01"
"""The stand-in's id and name in a class's CSV bytes: one byte each, so a member's copy is one join at each
name and one single-byte replace of each id, both C loops over the whole text (no Python per row)."""


def _plain_text(value: str) -> bool:
    """Whether `value` put in place of a marker in written CSV text reads as it would written cell by cell:
    not empty (a cell could then start with what follows it), no quoting it would need, no formula prefix
    at a cell's start, no marker of its own, and neither byte that stands for a marker in the template."""
    return (bool(value) and not _CSV_UNSAFE.search(value) and not value.startswith(FORMULA_PREFIXES)
            and MARKS not in value)


def _class_template(piece: Piece) -> list[bytes] | None:
    """The class's rows as UTF-8 CSV bytes, cut at each of the stand-in's names, with one `_ID_BYTE` for each
    of its ids (kept in the piece's cache). None when the rows hold either byte themselves: then every
    member is written cell by cell."""
    if "cables_csv" not in piece.cache:
        buffer = io.StringIO(newline="")
        csv.writer(buffer).writerows(_cells(row) for row, _ in piece.cache["cables"])
        data = buffer.getvalue().encode("utf-8")
        clean = _ID_BYTE not in data and _NAME_BYTE not in data
        piece.cache["cables_csv"] = (data.replace(MARK_ID.encode("utf-8"), _ID_BYTE)
                                     .split(MARK_NAME.encode("utf-8"))) if clean else None
    return piece.cache["cables_csv"]


def _write_hall_csv(path: str | Path, schedule: HallSchedule, progress: Progress | None) -> None:
    """The hall's schedule as CSV: the rest's rows written cell by cell, each class's rows written once as
    CSV bytes and copied per member with its id and name in place of the markers (the same bytes as cell
    by cell whenever the name and id are plain text, else that member is written cell by cell)."""
    label, total, done, reported = "cable schedule", schedule.total, 0, 0
    with io.TextIOWrapper(open(path, "wb"), encoding="utf-8-sig", newline="") as fh:
        raw = fh.buffer
        writer = csv.writer(fh)
        writer.writerow([neutralise(h) for h in COLUMNS])
        for part in schedule.parts():
            if isinstance(part, list):
                writer.writerows(_cells(row) for row in part)
                done += len(part)
            else:
                piece, member = part
                template = _class_template(piece)
                if template is not None and _plain_text(member.name) and _plain_text(member.id):
                    fh.flush()  # what the text layer holds goes first
                    raw.write(member.name.encode("utf-8").join(template).replace(_ID_BYTE, member.id.encode("utf-8")))
                else:
                    writer.writerows(_cells(row) for row in schedule.member_rows(piece, member))
                done += len(piece.cache["cables"])
            if progress and done - reported >= ROWS_PER_REPORT:
                progress(done, total, label)
                reported = done
        if progress:
            progress(done, total, label)


def _cells(row) -> list:
    return ["" if v is None else neutralise(v) for v in row]


def write_cables_csv(design: Design, path: str | Path, index: DesignIndex | None = None,
                     progress: Progress | None = None) -> None:
    """Write the cable schedule row by row (no row is kept once written); a hall of instances per block."""
    if progress:
        progress(0, 0, "cable schedule: deriving figures")
    per_block = hall_schedule(design) if index is None and design.instances else None
    if per_block is not None:
        _write_hall_csv(path, per_block, progress)
        return
    schedule = Schedule(design, index)
    write_csv(path, COLUMNS, schedule.values(), progress, len(schedule.design.links), "cable schedule")
