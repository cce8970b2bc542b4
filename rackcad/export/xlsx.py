"""The XLSX workbook (openpyxl): BOM, Cables, Summary and Violations sheets.

Each sheet has a bold, frozen header row, column widths fitted to the content kinds, and number formats that
carry the units (W with thousands separators, kg with 1 decimal, m with 2). Text is neutralised as in the
CSV (`csvsafe`): a part named `=HYPERLINK(...)` is stored as the text `'=HYPERLINK(...)`, never a formula.
The workbook is written in openpyxl's write-only mode: a GB200 NVL576 schedule has 13,000+ rows.
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from rackcad.analysis import summary
from rackcad.export.bom import bom
from rackcad.export.cables import Schedule
from rackcad.export.csvsafe import neutralise
from rackcad.figures import Figures
from rackcad.figures.pieces import MARK_ID, MARK_NAME
from rackcad.model import Design
from rackcad.progress import Progress
from rackcad.topology import DesignIndex

W = "#,##0"
W_UNIT = "#,##0.0"
KG = "#,##0.0"
M = "#,##0.00"
INT = "#,##0"
GBPS = "#,##0"

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="2B2F38")
TOTAL_FONT = Font(bold=True)


@dataclass(frozen=True)
class Col:
    """One sheet column: header text, row key, width in characters, number format (None: text)."""

    header: str
    key: str
    width: float
    fmt: str | None = None


BOM_COLS = [
    Col("Part number", "part", 26), Col("Kind", "kind", 13), Col("Vendor", "vendor", 16), Col("Model", "model", 46),
    Col("Qty", "quantity", 9, INT), Col("Unit", "unit", 6), Col("Power each (W)", "power_w", 14, W_UNIT),
    Col("Power total (W)", "power_total_w", 15, W), Col("Weight each (kg)", "weight_kg", 15, KG),
    Col("Weight total (kg)", "weight_total_kg", 16, KG), Col("Power source", "power_source", 14),
    Col("Power confidence", "power_confidence", 17), Col("Weight source", "weight_source", 14),
    Col("Weight confidence", "weight_confidence", 17), Col("Total length (m)", "length_total_m", 15, M),
    Col("Note", "note", 60),
]

CABLE_COLS = [
    Col("Link", "id", 9), Col("Name", "name", 12),
    Col("From rack", "from_rack", 10), Col("From U", "from_u", 7), Col("From part", "from_node", 16),
    Col("From catalog part", "from_part", 20), Col("From port", "from_port", 10),
    Col("To rack", "to_rack", 10), Col("To U", "to_u", 7), Col("To part", "to_node", 16),
    Col("To catalog part", "to_part", 20), Col("To port", "to_port", 10),
    Col("Protocol", "protocol", 11), Col("Medium", "medium", 16), Col("Count", "count", 7, INT),
    Col("Gb/s per direction", "gbps", 11, GBPS), Col("Length (m)", "length_m", 11, M), Col("Class", "class", 13),
    Col("Cable", "cable", 15), Col("Cables", "cables", 8, INT), Col("Optic", "optic", 15),
    Col("Optics", "optics", 8, INT), Col("Choice", "choice", 34), Col("Note", "note", 40),
]

VIOLATION_COLS = [
    Col("Code", "code", 28), Col("Severity", "severity", 9), Col("Message", "message", 70),
    Col("Subjects", "subjects", 40), Col("Measured", "measured", 12, "#,##0.##"),
    Col("Limit", "limit", 12, "#,##0.##"), Col("Unit", "unit", 8), Col("Waived", "waived", 8),
    Col("Waiver reason", "waiver_reason", 40),
]


_NOT_IN_XLSX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters an XLSX (XML) cell cannot hold; openpyxl refuses them with IllegalCharacterError."""


def _safe(value):
    """A cell value as written: formulas neutralised, characters XLSX cannot hold replaced by U+FFFD."""
    value = neutralise(value)
    return _NOT_IN_XLSX.sub("\ufffd", value) if isinstance(value, str) else value


def _cell(ws, value, fmt: str | None = None, font: Font | None = None):
    value = _safe(value)
    if fmt is None and font is None:
        return value
    cell = WriteOnlyCell(ws, value=value)
    if fmt is not None and isinstance(value, (int, float)):
        cell.number_format = fmt
    if font is not None:
        cell.font = font
    return cell


def _header(ws, cols: list[Col]) -> None:
    for i, col in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "A2"
    row = []
    for col in cols:
        cell = WriteOnlyCell(ws, value=_safe(col.header))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        row.append(cell)
    ws.append(row)


def _table(ws, cols: list[Col], rows) -> None:
    _header(ws, cols)
    for row in rows:
        ws.append([_cell(ws, row.get(c.key), c.fmt) for c in cols])


def _bom_sheet(wb: Workbook, design: Design, index: DesignIndex, schedule: Schedule) -> dict:
    ws = wb.create_sheet("BOM")
    data = bom(design, index, schedule)
    _table(ws, BOM_COLS, (vars(r) for r in data.rows))
    totals = data.totals
    ws.append([])
    ws.append([_cell(ws, "Total", font=TOTAL_FONT), None, None, None, _cell(ws, totals["items"], INT, TOTAL_FONT),
               "ea", None, _cell(ws, totals["power_w"], W, TOTAL_FONT), None,
               _cell(ws, totals["weight_kg"], KG, TOTAL_FONT)])
    return totals


def _summary_sheet(wb: Workbook, design: Design, index: DesignIndex | None, bom_totals: dict) -> None:
    ws = wb.create_sheet("Summary")
    info = summary(design, index=index, paths=False)  # (the sheet states no latency or site figures)
    cols = [Col("Figure", "figure", 40), Col("Value", "value", 16), Col("Unit", "unit", 12),
            Col("", "d", 14), Col("", "e", 14), Col("", "f", 14)]
    _header(ws, cols[:3])
    for i, col in enumerate(cols[3:], start=4):
        ws.column_dimensions[get_column_letter(i)].width = col.width

    def line(figure: str, value, unit: str = "", fmt: str | None = INT) -> None:
        ws.append([_cell(ws, figure), _cell(ws, value, fmt), _cell(ws, unit)])

    line("Design", info["name"], fmt=None)
    line("Racks", info["racks"])
    for kind, count in info["counts"].items():
        line(f"Parts: {kind}", count)
    line("GPU dies", info["gpu_dies"])
    line("Power (placed parts, design maximum)", info["power_w"], "W", W)
    line("Power of transceivers and active cables", bom_totals["power_cables_optics_w"], "W", W)
    line("Power incl. optics", bom_totals["power_w"], "W", W)
    domains = info["nvlink_domains"]
    line("NVLink domains", len(domains))
    line("Largest NVLink domain", domains[0] if domains else 0, "accelerators")
    bw = info["scale_up_gbps_per_gpu"]
    line("Scale-up per accelerator, min", bw["min"], "Gb/s per dir", GBPS)
    line("Scale-up per accelerator, max", bw["max"], "Gb/s per dir", GBPS)
    for key, figure in (("bisection_gbps", "Bisection, largest domain"),
                        ("alltoall_gbps_per_gpu", "All-to-all per accelerator, largest domain")):
        if key in info:
            line(figure, info[key], "Gb/s per dir", GBPS)
    line("Links", info["links"])
    line("Link records", info["link_records"])
    for protocol, count in info["links_by_protocol"].items():
        line(f"Links: {protocol}", count)
    for category, count in bom_totals["links_by_class"].items():
        line(f"Links by cabling: {category}", count)
    line("Transceivers", bom_totals["transceivers"])
    line("Cables and fibres", bom_totals["cables"])
    if info["unknown_parts"]:
        line("Unknown parts", ", ".join(info["unknown_parts"]), fmt=None)
    ws.append([])
    per_rack = [("Rack", None), ("Part", None), ("Power (W)", W), ("Budget (W)", W), ("Liquid heat (W)", W),
                ("Air heat (W)", W)]
    ws.append([_cell(ws, title, font=TOTAL_FONT) for title, _ in per_rack])
    for rack in info["per_rack"]:
        values = [rack["name"], rack["part"], rack["power_w"], rack["power_budget_w"], rack["heat_liquid_w"],
                  rack["heat_air_w"]]
        ws.append([_cell(ws, v, fmt) for v, (_, fmt) in zip(values, per_rack)])


MAX_CELL_CHARS = 32_767
"""The most characters an XLSX cell holds (Excel refuses a workbook with a longer one)."""


def _subjects(names, subjects) -> str:
    """The subjects of a violation, named (with their ids where the name differs), cut to fit a cell."""
    out, size = [], 0
    for i, s in enumerate(subjects):
        name = names(s)
        text = name if name == s else f"{name} ({s})"
        more = f" ... ({len(subjects):,} in all)"
        if size + len(text) + 2 + len(more) > MAX_CELL_CHARS:
            return ", ".join(out) + more
        out.append(text)
        size += len(text) + 2
    return ", ".join(out)


def _violation_rows(design: Design, index: DesignIndex | None, names=None) -> list[dict] | None:
    """The rule engine's violations as rows; None when the rule engine is not installed. `names` names a
    subject by id (default: the index's names)."""
    try:
        from rackcad.rules import validate
    except ImportError as exc:
        if exc.name and exc.name.startswith("rackcad.rules"):
            return None
        raise
    report = validate(design, index.catalog if index is not None else None)
    names = names or index.name
    rows = []
    for v in report.violations:
        subjects = _subjects(names, v.subjects)
        rows.append({"code": v.code, "severity": v.severity, "message": v.message, "subjects": subjects,
                     "measured": v.measured, "limit": v.limit, "unit": v.unit,
                     "waived": "yes" if v.waived else "no", "waiver_reason": v.waiver_reason})
    return rows


def _violations_sheet(wb: Workbook, design: Design, index: DesignIndex | None, names=None) -> None:
    ws = wb.create_sheet("Violations")
    rows = _violation_rows(design, index, names)
    _table(ws, VIOLATION_COLS, rows or [])
    if rows is None:
        ws.append([_cell(ws, "(rule engine not available: design rules were not checked)")])
    elif not rows:
        ws.append([_cell(ws, "(no violations)")])


INSTANCE_COLS = [
    Col("Instance", "id", 12), Col("Name", "name", 16), Col("Block", "block", 16), Col("X (mm)", "x_mm", 10, M),
    Col("Y (mm)", "y_mm", 10, M), Col("Rotation (deg)", "rotation_deg", 10, "0.##"),
    Col("Differs from its block", "overrides", 50), Col("Its links are on sheet", "sheet", 22),
]
BLOCK_MARK = "<instance>"
"""Stands for an instance's id and name in the block-cables sheet (each row holds for every instance)."""


def _overrides(instance) -> str:
    parts = [f"removed: {', '.join(instance.removed)}"] if instance.removed else []
    parts += [f"{local}: " + ", ".join(f"{k} = {v}" for k, v in fields.items()) for local, fields in instance.changed.items()]
    return "; ".join(parts)


def _hall_names(design: Design, rest: DesignIndex):
    """Names of expanded ids without expanding the hall: an instance's rack is named after the instance, its
    parts and links after the block's (unless the instance changed them: then the rest, which holds it)."""
    from rackcad.model import split_id
    from rackcad.model.expand import rack_name

    local_items: dict[str, dict] = {}

    def name(item_id: str) -> str:
        own = rest.name(item_id)
        if own != item_id:
            return own
        parts = split_id(item_id)
        instance = design.instance(parts[0]) if parts else None
        if instance is None:
            return item_id
        block = design.block(instance.block)
        items = local_items.get(block.id)
        if items is None:
            items = local_items[block.id] = {i.id: i for i in (*block.racks, *block.nodes, *block.links)}
        item = items.get(parts[1])
        if item is None:
            return item_id
        if item in block.racks:
            return rack_name(instance, block, item)
        return item.name or item_id

    return name


def _write_hall(design: Design, path: str | Path, schedule, limit: int, progress: Progress | None = None) -> None:
    """The workbook of a hall of instances, per block: BOM and Summary as the expanded design's (worked out
    per block), the Cables sheet every link record when they fit `limit` rows, else the links of what
    differs (own links, instances that differ, patterns) with each repeated block's links once on
    "Block cables" (`<instance>` standing for each instance's id and name) and the instances on
    "Instances"."""
    from rackcad.export.cables import COLUMNS

    step = _steps(progress)
    step("BOM")
    rest = schedule.pieces[0]
    wb = Workbook(write_only=True)
    totals = _bom_sheet(wb, design, None, None)
    step("Cables")
    ws = wb.create_sheet("Cables")
    grouped = schedule.total > limit
    if not grouped:
        _table(ws, CABLE_COLS, (dict(zip(COLUMNS, row)) for row in schedule.values()))
    else:
        _header(ws, CABLE_COLS)
        for part in schedule.parts():
            if isinstance(part, list):
                for row in part:
                    ws.append([_cell(ws, v, c.fmt) for v, c in zip(row, CABLE_COLS)])
        blocks = wb.create_sheet("Block cables")
        _header(blocks, [Col("Block", "block", 14), Col("Instances", "instances", 10, INT), *CABLE_COLS])
        for piece in schedule.pieces[1:]:
            block = piece.members[0].block
            for row, marked in piece.cache["cables"]:
                cells = list(row)
                for i in marked:
                    cells[i] = cells[i].replace(MARK_NAME, BLOCK_MARK).replace(MARK_ID, BLOCK_MARK)
                blocks.append([_cell(blocks, block), _cell(blocks, len(piece.members), INT)]
                              + [_cell(blocks, v, c.fmt) for v, c in zip(cells, CABLE_COLS)])
    ws = wb.create_sheet("Instances")
    _header(ws, INSTANCE_COLS)
    repeated = set(schedule.member_of)
    for instance in design.instances:
        pos = instance.position
        sheet = "Block cables" if grouped and instance.id in repeated else "Cables"
        ws.append([_cell(ws, v, c.fmt) for v, c in zip(
            (instance.id, instance.name, instance.block, pos.x_mm, pos.y_mm, pos.rotation_deg,
             _overrides(instance) or "(none: the block as it is)", sheet), INSTANCE_COLS)])
    step("Summary")
    _summary_sheet(wb, design, None, totals)
    step("Violations")
    _violations_sheet(wb, design, None, _hall_names(design, rest.figures))
    step("writing")
    wb.save(path)
    step(None)


def write_xlsx(design: Design, path: str | Path, index: DesignIndex | None = None,
               limit: int | None = None, progress: Progress | None = None) -> None:
    """Write the BOM workbook of `design` to `path`. A hall of instances is written per block
    (`_write_hall`, its Cables sheet grouped past `limit` link records, by default the most an XLSX
    export of any design holds: `rackcad.export.MAX_XLSX_LINKS`)."""
    if index is None and design.instances:
        from rackcad.export.cables import hall_schedule

        schedule = hall_schedule(design)
        if schedule is not None:
            from rackcad.export import MAX_XLSX_LINKS

            _write_hall(design, path, schedule, MAX_XLSX_LINKS if limit is None else limit, progress)
            return
    step = _steps(progress)
    step("BOM")
    index = Figures.of(design, index)
    design = index.design  # the expanded view: every instance's parts and links
    schedule = Schedule(design, index)
    wb = Workbook(write_only=True)
    totals = _bom_sheet(wb, design, index, schedule)
    step("Cables")
    ws = wb.create_sheet("Cables")
    _table(ws, CABLE_COLS, schedule.rows)
    step("Summary")
    _summary_sheet(wb, design, index, totals)
    step("Violations")
    _violations_sheet(wb, design, index)
    step("writing")
    wb.save(path)
    step(None)


XLSX_STEPS = ("BOM", "Cables", "Summary", "Violations", "writing")


def _steps(progress: Progress | None):
    """`step(sheet)` reports the workbook's next step to `progress` (`step(None)`: done)."""
    def step(name: str | None) -> None:
        if progress:
            done = len(XLSX_STEPS) if name is None else XLSX_STEPS.index(name)
            progress(done, len(XLSX_STEPS), f"bill of materials (XLSX): {name or 'done'}")
    return step
