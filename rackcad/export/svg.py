"""SVG drawings from the layout geometry: rack elevation, topology and floor plan.

The SVG is semantic so that other tools can restyle or query it: every rack and placed part is a `<g>` whose
`id` is the model id, with CSS classes (`rack`, `node kind-gpu`, `bay empty`, `link proto-nvlink5`, `run`
...), `data-*` attributes (name, part, U, bay, link counts) and a `<title>` tooltip; colours live in one
`<style>` block keyed by those classes (the palettes of `rackcad.layout.style`, shared with the canvas). All
text is XML-escaped and stripped of characters XML cannot carry. Every drawing ends with a legend and a title
block (design name, view, date, scale, totals: GPUs, power, links).

Scale: layout geometry is in millimetres (real ones for racks and the hall, drawing ones for the topology),
drawn at a fixed scale per view, so a drawing has a paper size: the root `width`/`height` are in paper
millimetres and the `viewBox` in layout millimetres. The PNG and PDF writers size their output from that
paper size (`Drawing.width_mm`), so a PNG at `dpi` is exactly `round(width_mm / 25.4 * dpi)` pixels wide.
The scales keep the smallest label (a GPU bay, a topology box) at ~2.5 mm on paper, legible at 150 dpi:

- elevation 1:8: a 48U rack is 267 mm tall, a 1U tray 5.6 mm; GB200 NVL72 is 153 x 418 mm (901 x 2,468 px at
  150 dpi), the 12 racks of GB200 NVL576 2,023 x 367 mm (11,944 x 2,166 px, 1.3 MB);
- topology 1:8 of the layout's drawing millimetres (a part's box is 11 x 5 mm);
- floor plan 1:50: a 600 mm rack is 12 mm wide, a 20 x 12 m hall 400 x 240 mm, plus a 1:20 (to 1:30) detail
  of the racks' area when they fill little of the hall, and the schedule of cable runs between racks.

Pages (PDF): the elevation puts at most `RACKS_PER_PAGE` racks on a page, each page with its own legend and
title block; the topology and the floor plan are one page each.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TextIO

from rackcad import __version__
from rackcad.export.errors import ExportError
from rackcad.figures import Figures
from rackcad.figures.pieces import MARK_ID, MARK_NAME, Piece
from rackcad.layout.elevation import BODY_W, GUTTER_W, MARGIN, RACK_GAP, SIDE_W, Box, ElevationLayout, elevation
from rackcad.layout.geometry import point_at
from rackcad.layout.style import (
    KIND_COLORS,
    KIND_LABELS,
    LEGEND_KINDS,
    PROTOCOL_COLORS,
    bandwidth_text,
    color,
    protocol_label,
    text_color,
)
from rackcad.model import Design, expanded_id, instance_items
from rackcad.model.blocks import SEPARATOR
from rackcad.progress import Progress
from rackcad.topology import DesignIndex
from rackcad.units import fmt_power

VIEWS = ("elevation", "topology", "floor")
ELEVATION_SCALE = 1 / 8
TOPOLOGY_SCALE = 1 / 8
FLOOR_SCALE = 1 / 50
RACKS_PER_PAGE = 4
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
_NARROW = frozenset(" .,:;'|!()[]/-·fijlrtI")
_WIDE = frozenset("mwMW@%")
MIN_FONT_PAPER_MM = 1.1
"""Labels smaller than this on paper (3 pt) are left out; the part's <title> tooltip still names it."""
MIXED_COLOR = "#7a8595"
"""Bundles of links with different protocols."""

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# ------------------------------------------------------------------ helpers
def esc(text: object) -> str:
    """`text` safe inside an XML element or a double-quoted attribute."""
    return html.escape(_XML_INVALID.sub("", str(text)), quote=True)


def num(value: float) -> str:
    """Compact coordinates: 2 decimals at most, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def attrs(**values) -> str:
    """` k="v"` pairs; `class_` -> `class`, `data_part` -> `data-part`; None values are left out."""
    out = []
    for key, value in values.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        out.append(f' {name}="{num(value) if isinstance(value, float) else esc(value)}"')
    return "".join(out)


def el(tag: str, text: str | None = None, **values) -> str:
    """One element: `<tag .../>`, or `<tag ...>text</tag>` with `text` escaped."""
    if text is None:
        return f"<{tag}{attrs(**values)}/>"
    return f"<{tag}{attrs(**values)}>{esc(text)}</{tag}>"


def css_class(text: str) -> str:
    """A CSS class name from free text (a protocol or kind from a user catalog)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", text) or "unknown"


@dataclass(frozen=True)
class Drawing:
    """One SVG document, held as its elements, and its paper size in millimetres (the PNG and PDF writers
    size from it). `write` streams the elements to a file one by one; `svg` joins them into one text."""

    head: str
    elements: tuple[str, ...]
    width_mm: float
    height_mm: float

    def chunks(self) -> Iterator[str]:
        """The document text in pieces: the head, each element on its own line, the closing tag."""
        yield self.head
        first = True
        for part in self.elements:
            if part:
                yield part if first else "\n" + part
                first = False
        yield "\n</svg>\n"

    @property
    def svg(self) -> str:
        return "".join(self.chunks())

    def write(self, handle: TextIO, progress: Progress | None = None, every: int = 4096) -> None:
        """Write the document to a text file handle, element by element; `progress` hears of every
        `every` elements written."""
        total = len(self.elements)
        for i, piece in enumerate(self.chunks()):
            handle.write(piece)
            if progress and i % every == 0:
                progress(min(i, total), total, "diagram: writing")
        if progress:
            progress(total, total, "diagram: writing")


@dataclass(frozen=True)
class Totals:
    """What the title block states about the whole design."""

    counts: Counter
    power_w: float
    links: int

    @classmethod
    def of(cls, index: DesignIndex) -> Totals:
        figures = Figures.of(index.design, index)
        counts: Counter[str] = Counter(figures.kind(n) or "unknown" for n in figures.design.nodes)
        return cls(counts, figures.total_power_w(), figures.link_count)

    @classmethod
    def of_summary(cls, info: dict) -> Totals:
        """The totals `summary()` states (which a hall of instances works out per block)."""
        return cls(Counter(info["counts"]), info["power_w"], info["links"])

    @classmethod
    def of_blocks(cls, design: Design, pieces=None) -> Totals | None:
        """The totals of a design with instances worked out per block (`analysis.blockwise.totals_blocks`,
        on `pieces` when the caller has cut the design already), or None when it must be read expanded."""
        from rackcad.analysis.blockwise import totals_blocks

        info = totals_blocks(design, pieces=pieces)
        return None if info is None else cls.of_summary(info)

    def line(self) -> str:
        parts = [f"{self.counts[k]:,} {label}" for k, label in
                 (("gpu", "GPUs"), ("xpu", "XPUs"), ("cpu", "CPUs"), ("switch", "switch chips")) if self.counts[k]]
        return " · ".join([*parts, fmt_power(self.power_w), f"{self.links:,} links"])


def ems(text: str) -> float:
    """Width of `text` in ems of DejaVu Sans (bold ~5 % wider), rounded up: narrow glyphs 0.36, wide 0.98,
    capitals 0.72, the rest (digits 0.64) 0.64; enough to fit labels in boxes without measuring fonts."""
    width = 0.0
    for ch in text:
        width += 0.36 if ch in _NARROW else 0.98 if ch in _WIDE else 0.72 if ch.isupper() else 0.64
    return max(width, 0.5) * 1.05


def text_size(label: str, w: float, h: float, largest: float) -> tuple[float, bool]:
    """(font size, rotated) that fits `label` in a w x h box: horizontal, or turned 90 degrees when larger."""
    n = ems(label)
    flat = min(largest, h * 0.62, w / n)
    turned = min(largest, w * 0.62, h / n)
    return (turned, True) if turned > flat * 1.25 else (flat, False)


def label(x: float, y: float, w: float, h: float, text: str, largest: float, min_size: float,
          class_: str) -> str:
    """A <text> centred in the box, rotated for tall narrow boxes; empty when it would be illegible."""
    if not text:
        return ""
    size, rotated = text_size(text, w, h, largest)
    if size < min_size:
        return ""
    cx, cy = x + w / 2, y + h / 2
    transform = f"rotate(-90 {num(cx)} {num(cy)})" if rotated else None
    return (f"<text{attrs(class_=class_, x=cx, y=cy + size * 0.36, font_size=size, transform=transform)}>"
            f"{esc(text)}</text>")


def fitted(x: float, y: float, text: str, size: float, width: float, class_: str) -> str:
    """A <text> at (x, y) shrunk to fit `width` when it is too long."""
    size = min(size, width / ems(text))
    return f"<text{attrs(class_=class_ or None, x=x, y=y, font_size=size)}>{esc(text)}</text>"


def kind_css() -> str:
    """Fill and text colour per kind class, from the shared palette."""
    return "\n".join(f".kind-{k}>rect{{fill:{fill}}} .kind-{k}>text{{fill:{text_color(fill)}}}"
                     for k, fill in KIND_COLORS.items())


def protocol_css() -> str:
    """Stroke colour per protocol class (links and legend swatches)."""
    rules = [f".proto-{css_class(p)}{{stroke:{c}}}" for p, c in PROTOCOL_COLORS.items()]
    return "\n".join([*rules, f".proto-mixed{{stroke:{MIXED_COLOR}}}"])


def base_css(unit: float = 1.0) -> str:
    """Rules every view shares; line widths of the legend and title block scale with the sheet `unit`."""
    return f"""
text {{font-family:{FONT}}}
.sheet {{fill:#ffffff}}
.node>rect {{stroke:#1b1e24; stroke-width:1.2}}
.node>text {{text-anchor:middle}}
.legend-title, .tb-title {{fill:#1b1e24; font-weight:bold}}
.legend text, .tb-text {{fill:#2b2f38}}
.legend rect {{stroke:#1b1e24; stroke-width:{num(1.2 * unit)}}}
.legend path {{fill:none; stroke-linecap:round}}
.title-block>rect {{fill:#ffffff; stroke:#2b2f38; stroke-width:{num(3 * unit)}}}
.tb-rule {{stroke:#2b2f38; stroke-width:{num(1.5 * unit)}}}
{kind_css()}
{protocol_css()}
"""


# ------------------------------------------------------------------ legend and title block
@dataclass(frozen=True)
class Key:
    """One legend entry: a box swatch filled by `cls` or a line swatch stroked by it."""

    cls: str
    text: str
    line: bool = False


def kind_keys(kinds: set[str]) -> list[Key]:
    ordered = [k for k in LEGEND_KINDS if k in kinds] + sorted(kinds - set(LEGEND_KINDS) - {""})
    return [Key(f"kind-{k}", KIND_LABELS.get(k, k)) for k in ordered]


def protocol_keys(protocols: set[str]) -> list[Key]:
    ordered = [p for p in PROTOCOL_COLORS if p in protocols] + sorted(protocols - set(PROTOCOL_COLORS))
    return [Key(f"proto-{css_class(p)}", "mixed protocols" if p == "mixed" else protocol_label(p), line=True)
            for p in ordered]


@dataclass(frozen=True)
class Sheet:
    """Sizes of the legend and title block, in layout millimetres (they scale with the view)."""

    unit: float = 1.0
    """Multiplier from the elevation's sizes (1:8) to this view's."""

    @property
    def row(self) -> float:
        return 70.0 * self.unit

    @property
    def col(self) -> float:
        return 380.0 * self.unit

    @property
    def block_w(self) -> float:
        return 1100.0 * self.unit

    @property
    def margin(self) -> float:
        return MARGIN * self.unit


def legend(sheet: Sheet, keys: list[Key], x: float, y: float, width: float) -> tuple[list[str], float]:
    """The legend grid; returns (elements, height)."""
    u = sheet.unit
    col = max(sheet.col, (110 + 32 * max((ems(k.text) for k in keys), default=0)) * u)
    cols = max(1, int(width // col))
    rows = -(-len(keys) // cols)
    out = ['<g class="legend">', el("text", "Legend", class_="legend-title", x=x, y=y + 40 * u, font_size=40 * u)]
    for i, key in enumerate(keys):
        ex, ey = x + (i % cols) * col, y + 70 * u + (i // cols) * sheet.row
        if key.line:
            swatch = el("path", class_=key.cls, d=f"M{num(ex)} {num(ey + 23 * u)}h{num(70 * u)}", stroke_width=12 * u)
        else:
            swatch = f"<g{attrs(class_=key.cls)}>" + el("rect", x=ex, y=ey, width=70 * u, height=46 * u) + "</g>"
        out.append(swatch)
        out.append(fitted(ex + 90 * u, ey + 34 * u, key.text, 32 * u, col - 100 * u, ""))
    out.append("</g>")
    return out, 70 * u + rows * sheet.row


def title_block(sheet: Sheet, design: Design, lines: list[str], x: float, y: float) -> tuple[list[str], float]:
    """A framed block: the design name, then `lines`, then the RackCAD version; returns (elements, height)."""
    u, w = sheet.unit, sheet.block_w
    rows = [("tb-text", 34.0 * u, text) for line in lines for text in wrap(line, (w - 60 * u) / (34.0 * u))]
    rows.append(("tb-text", 28.0 * u, f"RackCAD {__version__}"))
    line_h = 52.0 * u
    height = (40 + 64 + 24 + 30) * u + line_h * len(rows)
    out = ['<g class="title-block">', f"<rect{attrs(x=x, y=y, width=w, height=height)}/>"]
    ty = y + 88 * u
    out.append(fitted(x + 30 * u, ty, design.name, 64 * u, w - 60 * u, "tb-title"))
    out.append(f"<path{attrs(class_='tb-rule', d=f'M{num(x)} {num(ty + 24 * u)}h{num(w)}')}/>")
    ty += 24 * u
    for cls, size, text in rows:
        ty += line_h
        out.append(fitted(x + 30 * u, ty, text, size, w - 60 * u, cls))
    out.append("</g>")
    return out, height


def wrap(line: str, width: float) -> list[str]:
    """`line` broken at its " · " separators into lines at most `width` ems wide where possible."""
    out: list[str] = []
    for part in line.split(" · "):
        if out and ems(out[-1] + " · " + part) <= width:
            out[-1] += " · " + part
        else:
            out.append(part)
    return out


def origin_line(design: Design, today: date, scale: float | None) -> str:
    meta = design.metadata
    parts = [f"Date {today.isoformat()}"]
    if scale:
        parts.append(f"Scale 1:{round(1 / scale)}")
    if "template" in meta:
        parts.append(f"template {meta['template']} ({meta.get('status', '')})")
    return " · ".join(parts)


def compose(design: Design, sheet: Sheet, width: float, height: float, body: list[str], keys: list[Key],
            lines: list[str], scale: float, title: str, css: str) -> Drawing:
    """Put the legend and title block under a `width` x `height` drawing and wrap it all in an <svg>.

    Side by side when the drawing is wide enough, else the title block above the legend.
    """
    m = sheet.margin
    width = max(width, sheet.block_w + 2 * m)
    side_by_side = width - 2 * m >= sheet.block_w + 2 * sheet.col + m
    block_x = width - m - sheet.block_w
    block, block_h = title_block(sheet, design, lines, block_x, height)
    legend_y = height if side_by_side else height + block_h + m
    legend_w = block_x - 2 * m if side_by_side else width - 2 * m
    items, legend_h = legend(sheet, keys, m, legend_y, legend_w)
    footer = max(block_h, legend_h) if side_by_side else block_h + m + legend_h
    return document(width, height + footer + m, scale, title, css, body + items + block)


def document(width: float, height: float, scale: float, title: str, css: str, body: list[str]) -> Drawing:
    """Wrap `body` in an <svg> root whose paper size is the layout size times `scale`."""
    w_mm, h_mm = width * scale, height * scale
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{num(w_mm)}mm" height="{num(h_mm)}mm" '
        f'viewBox="0 0 {num(width)} {num(height)}">\n'
        f"<title>{esc(title)}</title>\n<style type=\"text/css\">{css}</style>\n"
        f'<rect class="sheet" x="0" y="0" width="{num(width)}" height="{num(height)}"/>\n'
    )
    return Drawing(head, tuple(body), w_mm, h_mm)


def node_tip(index: DesignIndex, node_id: str) -> str:
    node = index.nodes[node_id]
    part = index.part(node)
    return f"{node.name}: {part.model} ({node.part})" if part else f"{node.name}: unknown part {node.part}"


def node_open(index: DesignIndex, node_id: str, kind: str, local: str | None = None) -> str:
    """The opening <g> of a placed part, with its id, classes, data attributes and tooltip. `local`: the
    part's id in its block, for a block drawn once and placed per instance (no model id of its own)."""
    node = index.nodes[node_id]
    classes = f"node kind-{css_class(kind or 'unknown')}"
    data = attrs(id=None if local else node.id, class_=classes, data_local=local, data_name=node.name,
                 data_part=node.part, data_u=node.u, data_bay=node.bay)
    return f"<g{data}>" + el("title", node_tip(index, node_id))


def kind_fill(kind: str) -> str | None:
    """Inline fill for kinds outside the palette (their class has no CSS rule)."""
    return None if kind in KIND_COLORS else f"fill:{color(kind)}"


def names_line(names: list[str]) -> str:
    return ", ".join(names) if len(names) <= 6 else ", ".join(names[:3]) + " ... " + names[-1]


# ------------------------------------------------------------------ elevation
ELEVATION_CSS = base_css() + """
.rack-body {fill:#e9ebef; stroke:#2b2f38; stroke-width:4}
.side-zone {fill:#f4f5f7; stroke:#9aa1ad; stroke-width:1.5; stroke-dasharray:8 6}
.rack-name {fill:#1b1e24; font-weight:bold; text-anchor:middle}
.rack-model {fill:#4a5160; text-anchor:middle}
.u-label {fill:#4a5160; text-anchor:end}
.u-line {stroke:#c9cdd4; stroke-width:0.8}
.bay>rect {fill:#6b7282; stroke:#a7adb8; stroke-width:1; stroke-dasharray:4 3}
.bay>text {fill:#d5d9e0; text-anchor:middle}
"""

NODE_FONT = 28.0
BAY_FONT = 24.0
U_FONT = 20.0


class _Elevation:
    """Draws the racks of one ElevationLayout (all, or one page's) with a legend and a title block."""

    def __init__(self, design: Design, index: DesignIndex, layout: ElevationLayout, today: date,
                 totals: Totals | None = None, block: bool = False):
        self.design, self.index, self.layout, self.today = design, index, layout, today
        self.totals = totals or (Totals.of(index) if not block else None)
        self.block = block
        """Drawing a block's stand-in once (`rack` writes its body without the rack's own id and name)."""
        self.children: dict[str, list[Box]] = {}
        self.by_rack: dict[str, list[Box]] = {}
        for box in layout.boxes:
            if box.rack is not None:
                self.by_rack.setdefault(box.rack, []).append(box)
            if box.role in ("node", "bay") and box.parent is not None:
                self.children.setdefault(box.parent, []).append(box)
        self.min_font = MIN_FONT_PAPER_MM / ELEVATION_SCALE

    def node(self, box: Box, out: list[str]) -> None:
        if box.role == "bay":
            out.append(f"<g{attrs(class_='bay empty', data_parent=self.ref(box.parent), data_bay=box.bay)}>"
                       f"<rect{attrs(x=box.x, y=box.y, width=box.w, height=box.h)}/>"
                       + label(box.x, box.y, box.w, box.h, box.label, BAY_FONT, self.min_font, "bay-label") + "</g>")
            return
        out.append(node_open(self.index, box.id, box.kind, self.ref(box.id) if self.block else None)
                   + f"<rect{attrs(x=box.x, y=box.y, width=box.w, height=box.h, style=kind_fill(box.kind))}/>")
        inner = self.children.get(box.id, [])
        lx, ly, lw, lh = box.x, box.y, box.w, box.h
        if inner:  # the name goes in the strip the bays leave free
            if box.w >= box.h:
                lw = min(b.x for b in inner) - box.x
            else:
                lh = min(b.y for b in inner) - box.y
        largest = BAY_FONT if box.bay is not None else NODE_FONT
        out.append(label(lx, ly, lw, lh, box.label, largest, self.min_font, "node-label"))
        for child in inner:
            self.node(child, out)
        out.append("</g>")

    def ref(self, item_id: str | None) -> str | None:
        """An id as this drawing writes it: the block's local id when drawing a block once."""
        return item_id.partition(SEPARATOR)[2] if self.block and item_id else item_id

    def rack_name(self, rack_id: str, name: str) -> str:
        """The rack's name in the title strip (centred over the rack, shrunk to fit)."""
        box = self.layout.by_id[f"{rack_id}#title"]
        size = min(56.0, box.w / ems(name))
        return el("text", name, class_="rack-name", x=box.x + box.w / 2, y=box.y + 60, font_size=size)

    def rack(self, rack_id: str, dx: float, out: list[str], symbol: str | None = None) -> None:
        """The rack's drawing shifted by `dx`; with `symbol`, the block's rack drawn once as the group
        `symbol` (no id, name or shift of its own: each instance places it)."""
        rack = self.index.racks[rack_id]
        shift = f"translate({num(dx)} 0)" if dx else None
        if symbol:
            out.append(f"<g{attrs(id=symbol, class_='rack-block', data_local=self.ref(rack.id), data_part=rack.part)}>")
        else:
            out.append(f"<g{attrs(id=rack.id, class_='rack', data_name=rack.name, data_part=rack.part, transform=shift)}>"
                       f"<title>{esc(rack.name)}</title>")
        for box in self.by_rack[rack_id]:
            if box.role == "title":
                name, _, model = box.label.partition("\n")
                cx = box.x + box.w / 2
                if not symbol:
                    out.append(self.rack_name(rack_id, name))
                size = min(30.0, box.w / ems(model))
                out.append(el("text", model, class_="rack-model", x=cx, y=box.y + 105, font_size=size))
            elif box.role == "u-label":
                out.append(el("text", box.label, class_="u-label", x=box.x + box.w,
                              y=box.y + box.h / 2 + U_FONT * 0.36, font_size=U_FONT))
            elif box.role == "rack":
                out.append(f"<rect{attrs(class_='rack-body', x=box.x, y=box.y, width=box.w, height=box.h)}/>")
                units = self.layout.rack_units[rack_id]
                lines = "".join(f"M{num(box.x)} {num(box.y + i * box.h / units)}h{num(box.w)}" for i in range(1, units))
                out.append(f'<path class="u-line" d="{lines}"/>')
            elif box.role == "side-zone":
                out.append(f"<rect{attrs(class_='side-zone', x=box.x, y=box.y, width=box.w, height=box.h)}/>")
        for box in self.by_rack[rack_id]:
            if box.role == "node" and box.parent == rack_id:
                self.node(box, out)
        out.append("</g>")

    def draw(self, rack_ids: list[str], page: tuple[int, int] | None = None) -> Drawing:
        boxes = [b for r in rack_ids for b in self.by_rack.get(r, ())]
        left = min((b.x for b in boxes), default=MARGIN)
        right = max((b.x + b.w for b in boxes), default=MARGIN)
        body = ['<g class="racks">']
        for rack_id in rack_ids:
            self.rack(rack_id, MARGIN - left, body)
        body.append("</g>")
        keys = kind_keys({b.kind for b in boxes if b.role == "node"})
        if any(b.role == "bay" for b in boxes):
            keys.append(Key("bay empty", "Empty bay"))
        names = [self.index.racks[r].name for r in rack_ids]
        view = f"Rack elevation · {len(names)} rack{'s' if len(names) != 1 else ''}: {names_line(names)}"
        if page:
            view += f" · page {page[0]} of {page[1]}"
        lines = [view, self.totals.line(), origin_line(self.design, self.today, ELEVATION_SCALE)]
        return compose(self.design, Sheet(), right - left + 2 * MARGIN, self.layout.height, body, keys, lines,
                       ELEVATION_SCALE, f"{self.design.name}: rack elevation", ELEVATION_CSS)


def elevation_pages(design: Design, index: DesignIndex | None = None, today: date | None = None,
                    racks_per_page: int | None = RACKS_PER_PAGE) -> list[Drawing]:
    """The elevation of every rack, `racks_per_page` racks per drawing (None: all on one).

    A hall of instances is drawn per block (`_HallElevation`): each repeated block's racks once, placed
    per instance under the instance's own name; instances that differ are drawn as themselves."""
    if index is None and design.instances:
        hall = _HallElevation.of(design, today or date.today())
        if hall is not None:
            return hall.pages(racks_per_page)
    index = Figures.of(design, index)
    design = index.design  # the expanded view: every instance's racks
    drawer = _Elevation(design, index, elevation(design, index=index), today or date.today())
    ids = [r.id for r in design.racks]
    if racks_per_page is None or len(ids) <= racks_per_page:
        return [drawer.draw(ids)]
    chunks = [ids[i : i + racks_per_page] for i in range(0, len(ids), racks_per_page)]
    return [drawer.draw(chunk, (i + 1, len(chunks))) for i, chunk in enumerate(chunks)]


XLINK = "http://www.w3.org/1999/xlink"
RACK_PITCH = GUTTER_W + BODY_W + SIDE_W + RACK_GAP
"""From one rack's column to the next in an elevation (rackcad.layout.elevation lays them side by side)."""


def block_symbol(block_id: str, local: str) -> str:
    """The SVG id of a block's part drawn once (no model id holds '#')."""
    return f"block#{block_id}#{local}"


def hall_pieces(design: Design) -> tuple[list, Totals] | None:
    """(`split(design)`, the totals per block) of a hall with repeated instances to draw per block, or
    None when it is drawn expanded (nothing repeats, or it cannot be cut into pieces)."""
    from rackcad.figures.pieces import split

    pieces = split(design)
    if pieces is None or len(pieces) < 2:
        return None
    totals = Totals.of_blocks(design, pieces)
    return None if totals is None else (pieces, totals)


class _HallElevation:
    """The elevation of a hall of instances, per block: the racks of the rest (own racks, instances that
    differ) drawn as any rack is; each class of repeated instances' racks drawn once in <defs> and placed
    per member with <use>, under the member's rack id, name and block (`data-instance`, `data-block`).
    Racks stand in the expanded design's order, so the picture is the expanded design's."""

    def __init__(self, design: Design, pieces, totals: Totals, today: date):
        self.design, self.today, self.totals = design, today, totals
        rest = pieces[0]
        self.rest = _Elevation(rest.design, rest.figures, elevation(rest.design, index=rest.figures), today, totals)
        self.classes: dict[str, tuple[_Elevation, object]] = {}
        for piece in pieces[1:]:
            drawer = piece.cache.get("elevation")
            if drawer is None:
                layout = elevation(piece.design, index=piece.figures)
                drawer = piece.cache["elevation"] = _Elevation(piece.design, piece.figures, layout, today, block=True)
            for member in piece.members:
                self.classes[member.id] = (drawer, piece)
        self.order: list[tuple[_Elevation, str, object | None]] = [(self.rest, r.id, None) for r in design.racks]
        for instance in design.instances:
            hit = self.classes.get(instance.id)
            if hit is None:
                self.order += [(self.rest, r.id, instance) for r in instance_items(design, instance).racks]
            else:
                drawer, _ = hit
                self.order += [(drawer, r.id, instance) for r in drawer.design.racks]
        self.height = max([self.rest.layout.height] + [d.layout.height for d, _ in self.classes.values()])

    @classmethod
    def of(cls, design: Design, today: date) -> _HallElevation | None:
        cut = hall_pieces(design)
        return None if cut is None else cls(design, *cut, today)

    def pages(self, racks_per_page: int | None) -> list[Drawing]:
        n = len(self.order)
        if racks_per_page is None or n <= racks_per_page:
            return [self.draw(0, n)]
        starts = range(0, n, racks_per_page)
        return [self.draw(k, min(k + racks_per_page, n), (i + 1, len(starts))) for i, k in enumerate(starts)]

    def _name(self, drawer: _Elevation, rack_id: str, instance) -> str:
        if drawer.block:
            return Piece.text(instance)(drawer.index.racks[rack_id].name)
        return drawer.index.racks[rack_id].name

    def draw(self, first: int, stop: int, page: tuple[int, int] | None = None) -> Drawing:
        order = self.order[first:stop]
        symbols: dict[str, list[str]] = {}
        body = ['<g class="racks" xmlns:xlink="' + XLINK + '">']
        kinds: set[str] = set()
        bays = False
        names = []
        seen: set[tuple[int, str]] = set()
        for k, (drawer, rack_id, instance) in enumerate(order):
            if (id(drawer), rack_id) not in seen:  # a block's rack: its kinds once, not once per instance
                seen.add((id(drawer), rack_id))
                boxes = drawer.by_rack.get(rack_id, ())
                kinds |= {b.kind for b in boxes if b.role == "node"}
                bays = bays or any(b.role == "bay" for b in boxes)
            own_x = drawer.layout.by_id[f"{rack_id}#title"].x
            dx = MARGIN + k * RACK_PITCH - own_x
            name = self._name(drawer, rack_id, instance)
            names.append(name)
            if not drawer.block:
                drawer.rack(rack_id, dx, body)
                continue
            block = instance.block
            local = drawer.ref(rack_id)
            symbol = block_symbol(block, local)
            if symbol not in symbols:
                symbols[symbol] = []
                drawer.rack(rack_id, 0.0, symbols[symbol], symbol=symbol)
            rack = drawer.index.racks[rack_id]
            shift = f"translate({num(dx)} 0)" if dx else None
            body.append(f"<g{attrs(id=expanded_id(instance.id, local), class_='rack', data_name=name, data_part=rack.part, data_instance=instance.id, data_block=block, transform=shift)}>"
                        f"<title>{esc(name)}</title>{drawer.rack_name(rack_id, name)}"
                        f'<use xlink:href="#{esc(symbol)}"/></g>')
        body.append("</g>")
        defs = ["<defs>", *(part for group in symbols.values() for part in group), "</defs>"] if symbols else []
        keys = kind_keys(kinds)
        if bays:
            keys.append(Key("bay empty", "Empty bay"))
        view = f"Rack elevation · {len(names)} rack{'s' if len(names) != 1 else ''}: {names_line(names)}"
        if page:
            view += f" · page {page[0]} of {page[1]}"
        if symbols:
            view += f" · {len(symbols)} block rack{'s' if len(symbols) != 1 else ''} drawn once, placed per instance"
        lines = [view, self.totals.line(), origin_line(self.design, self.today, ELEVATION_SCALE)]
        width = max(len(order) - 1, 0) * RACK_PITCH + (RACK_PITCH - RACK_GAP) + 2 * MARGIN
        return compose(self.design, Sheet(), width, self.height, defs + body, keys, lines, ELEVATION_SCALE,
                       f"{self.design.name}: rack elevation", ELEVATION_CSS)


# ------------------------------------------------------------------ topology
TOPOLOGY_CSS = base_css() + """
.band {fill:#f7f8fa}
.group>rect {fill:#eef0f3; stroke:#9aa1ad; stroke-width:2}
.group-title>rect {fill:#eef0f3}
.group-title>text {fill:#2b2f38; font-weight:bold}
.link {fill:none; stroke-linecap:round}
.dense .link {stroke-opacity:0.35}
.bundle {stroke-opacity:0.8}
.tag>rect {fill:#ffffff; stroke:#2b2f38; stroke-width:1.5}
.tag>text {fill:#1b1e24; text-anchor:middle}
"""

LINK_W = 1.6
BUNDLE_W = 26.0
TAG_FONT = 24.0
COUNT_FONT = 15.0
EDGE_LABELS_MAX = 64
"""Up to this many drawn pairs each edge carries its link count; above, only the group totals are labelled."""


def _tag(x: float, y: float, text: str, size: float, class_: str = "tag") -> str:
    """A boxed label centred at (x, y), readable over crossing lines."""
    w, h = ems(text) * size + size * 0.8, size * 1.5
    return (f"<g{attrs(class_=class_)}><rect{attrs(x=x - w / 2, y=y - h / 2, width=w, height=h, rx=h / 4)}/>"
            f"<text{attrs(x=x, y=y + size * 0.36, font_size=size)}>{esc(text)}</text></g>")


def _path(points) -> str:
    return "M" + "L".join(f"{num(x)} {num(y)}" for x, y in points)


class _Topology:
    """Draws a TopologyLayout. Every edge is a path with its count and bandwidth in a tooltip and data
    attributes; the readable figures are boxed tags:

    - each pair of groups joined by links gets one total ("1,296 NVLink 5 links · 518.4 Tb/s") in the upper
      part of the gap between them, or above the lower group when they are in different columns (NVL576's
      second tier: one tag per first-tier group, "... to tier-2 switches"), so tags never pile up on
      crossing lines;
    - with few pair edges (an HGX board, a mesh) each edge also shows its link count in the lower part of
      the gap, the counts of each upper part on their own row so they do not collide.
    """

    def __init__(self, design: Design, index: DesignIndex, today: date, max_edges: int | None = None,
                 block: str | None = None):
        from rackcad.layout.topology import MAX_EDGES, topology_layout

        self.design, self.index, self.today = design, index, today
        self.layout = topology_layout(design, index=index, max_edges=MAX_EDGES if max_edges is None else max_edges)
        self.groups = {g.id: g for g in self.layout.groups}
        self.band_labels = {b.name: b.label for b in self.layout.bands}
        self.block = block
        """The name of the block whose stand-in this draws once (ids local, names the block's), or None."""

    def ref(self, item_id: str | None) -> str | None:
        """An id as this drawing writes it: the block's local id when drawing a block once."""
        return item_id.partition(SEPARATOR)[2] if self.block and item_id else item_id

    def text(self, label: str) -> str:
        """A label as this drawing writes it: in a block drawn once, the block's name for the instance's."""
        return label.replace(MARK_NAME, self.block).replace(MARK_ID, self.block) if self.block else label

    def edges(self, dense: bool) -> tuple[list[str], list[str]]:
        """(paths, per-edge count tags)."""
        layout, index = self.layout, self.index
        most = max((e.count for e in layout.edges), default=1)
        upper_rank: dict[str, int] = {}
        if not dense and not layout.bundled:
            uppers = sorted({e.a for e in layout.edges}, key=lambda n: (layout.by_id[n].y, layout.by_id[n].x))
            upper_rank = {n: i for i, n in enumerate(uppers)}
        paths, tags = [], []
        for e in layout.edges:
            cls = f"link proto-{css_class(e.protocol)}" + (" bundle" if e.bundle else "")
            if e.bundle:
                width = 4 + BUNDLE_W * math.sqrt(e.count / most)
                a_label, b_label = self.text(self.groups[e.a].label), self.text(self.groups[e.b].label)
            else:
                width = LINK_W * (1 + math.log2(e.count))
                a_label, b_label = index.name(e.a), index.name(e.b)
            tip = f"{a_label} - {b_label}: {bandwidth_text(e.count, e.gbps)} per direction ({e.protocol})"
            data = attrs(class_=cls, d=_path(e.points), stroke_width=width, data_a=self.ref(e.a),
                         data_b=self.ref(e.b), data_count=e.count, data_gbps=e.gbps)
            paths.append(f"<path{data}>" + el("title", tip) + "</path>")
            if upper_rank:
                t = 0.42 + 0.36 * upper_rank[e.a] / max(len(upper_rank) - 1, 1)
                tags.append(_tag(*point_at(e.points, t), str(e.count), COUNT_FONT))
        return paths, tags

    def totals(self) -> list[str]:
        """One tag per pair of linked groups (cross-column pairs: one per lower group and upper band)."""
        pairs = self.layout.group_totals()
        tags = []
        across: dict[tuple[str, str], list] = {}
        for (ga, gb), (count, gbps, top, protocols) in pairs.items():
            a, b = self.groups[ga], self.groups[gb]
            text = bandwidth_text(count, gbps, protocols)
            if a.band == b.band:  # over the highest arch
                tags.append(_tag(a.x + a.w / 2, top - TAG_FONT, text, TAG_FONT, "tag total"))
                continue
            upper, lower = (a, b) if a.y < b.y else (b, a)
            if upper.rack == lower.rack:  # in the upper part of the gap, clear of the per-edge counts
                x = upper.x + upper.w / 2 + 0.22 * (lower.x + lower.w / 2 - upper.x - upper.w / 2)
                y = upper.y + upper.h + 0.22 * (lower.y - upper.y - upper.h)
                tags.append(_tag(x, y, text, TAG_FONT, "tag total"))
                continue
            entry = across.setdefault((lower.id, upper.band), [0, 0.0, set()])
            entry[0] += count
            entry[1] += gbps
            entry[2] |= protocols
        for (lower_id, band), (count, gbps, protocols) in across.items():
            lower = self.groups[lower_id]
            text = f"{bandwidth_text(count, gbps, protocols)} to {self.band_labels.get(band, band)}"
            tags.append(_tag(lower.x + lower.w / 2, lower.y - 40, text, TAG_FONT, "tag total"))
        return tags

    def titles(self, names: Callable[[str], str] | None = None) -> list[str]:
        """The groups' titles ("R1 accelerators (72)"); `names` maps marked labels to an instance's."""
        out = []
        for g in self.layout.groups:
            text = g.label if names is None else names(g.label)
            size = max(16.0, min(22.0, (g.w - 32) / ems(text)))
            out.append('<g class="group-title">'
                       + el("rect", x=g.x + 10, y=g.y + 6, width=ems(text) * size + 12, height=size * 1.35)
                       + el("text", text, x=g.x + 16, y=g.y + 6 + size * 1.05, font_size=size) + "</g>")
        return out

    def content(self, titles: bool = True) -> list[str]:
        """Bands, groups, links, parts and tags (with `titles`, the group titles too)."""
        layout, index = self.layout, self.index
        min_font = MIN_FONT_PAPER_MM / TOPOLOGY_SCALE
        body = ['<g class="bands">']
        for band in layout.bands:
            body.append(el("rect", class_=f"band band-{band.name}", x=0.0, y=band.y - 30, width=layout.width_mm,
                           height=band.h + 60))
        body.append("</g>")
        rack_names = {r.id: r.name for r in self.design.racks}
        body.append('<g class="groups">')
        for g in layout.groups:
            name = rack_names.get(g.rack or "")
            data = attrs(class_=f"group band-{g.band}", data_rack=self.ref(g.rack),
                         data_rack_name=None if self.block and name else name, data_size=g.size)
            body.append(f"<g{data}>" + el("rect", x=g.x, y=g.y, width=g.w, height=g.h, rx=8.0) + "</g>")
        body.append("</g>")
        dense = not layout.bundled and len(layout.edges) > EDGE_LABELS_MAX
        paths, count_tags = self.edges(dense)
        body += [f'<g class="links{" dense" if dense else ""}">', *paths, "</g>", '<g class="nodes">']
        for n in layout.nodes:
            body.append(node_open(index, n.id, n.kind, self.ref(n.id) if self.block else None)
                        + f"<rect{attrs(x=n.x, y=n.y, width=n.w, height=n.h, style=kind_fill(n.kind))}/>"
                        + label(n.x, n.y, n.w, n.h, n.label, 20.0, min_font, "node-label") + "</g>")
        body += ["</g>", '<g class="tags">', *(self.titles() if titles else ()), *count_tags, *self.totals(), "</g>"]
        return body

    def keys(self) -> list[Key]:
        layout = self.layout
        return kind_keys({n.kind for n in layout.nodes}) + protocol_keys({e.protocol for e in layout.edges})

    def grouping(self) -> str:
        return "links bundled per group pair" if self.layout.bundled else "links aggregated per pair of parts"

    def draw(self) -> Drawing:
        layout = self.layout
        lines = [f"Topology · {self.grouping()} · bandwidth per direction", Totals.of(self.index).line(),
                 origin_line(self.design, self.today, None)]
        return compose(self.design, Sheet(), layout.width_mm, layout.height_mm, self.content(), self.keys(), lines,
                       TOPOLOGY_SCALE, f"{self.design.name}: topology", TOPOLOGY_CSS)


class _HallTopology:
    """The topology of a hall of instances, per block: what differs (own parts, instances that differ,
    wiring patterns) laid out as any design is, first; then each class of repeated instances' block laid
    out once in <defs> and placed per member (in instance order) with <use>, under the member's id, name
    and group titles. Links are bundled per group pair when the whole hall has more than MAX_EDGES pairs of
    parts, as the expanded design's topology is."""

    def __init__(self, design: Design, pieces, totals: Totals, today: date):
        from rackcad.layout.topology import MAX_EDGES

        self.design, self.today, self.totals = design, today, totals
        rest = pieces[0]
        drawers = []
        for piece in pieces[1:]:
            name = design.block(piece.members[0].block).name or piece.members[0].block
            drawer = piece.cache.get("topology")
            if drawer is None:
                drawer = piece.cache["topology"] = _Topology(piece.design, piece.figures, today, block=name)
            drawers.append((piece, drawer))
        self.rest = _Topology(rest.design, rest.figures, today)
        pairs = (0 if self.rest.layout.bundled else len(self.rest.layout.edges)) + sum(
            len(p.members) * (MAX_EDGES + 1 if d.layout.bundled else len(d.layout.edges)) for p, d in drawers)
        self.bundled = pairs > MAX_EDGES
        if self.bundled:
            if not self.rest.layout.bundled and self.rest.layout.edges:
                self.rest = _Topology(rest.design, rest.figures, today, max_edges=0)
            for i, (piece, drawer) in enumerate(drawers):
                if not drawer.layout.bundled:
                    drawer = piece.cache["topology"] = _Topology(piece.design, piece.figures, today, max_edges=0,
                                                                 block=drawer.block)
                    drawers[i] = (piece, drawer)
        self.member_of = {m.id: (p, d) for p, d in drawers for m in p.members}

    @classmethod
    def of(cls, design: Design, today: date) -> _HallTopology | None:
        cut = hall_pieces(design)
        return None if cut is None else cls(design, *cut, today)

    def draw(self) -> Drawing:
        from rackcad.layout.topology import COLUMN_GAP, MARGIN as EDGE

        rest = self.rest
        body: list[str] = []
        defs: list[str] = []
        x = EDGE
        if rest.layout.groups:
            body += rest.content()
            x = rest.layout.width_mm - EDGE + COLUMN_GAP
        height = rest.layout.height_mm
        keys = {k.cls: k for k in rest.keys()} if rest.layout.groups else {}
        placed = ['<g class="instances" xmlns:xlink="' + XLINK + '">']
        drawn: set[str] = set()
        for instance in self.design.instances:
            hit = self.member_of.get(instance.id)
            if hit is None:
                continue
            piece, drawer = hit
            symbol = block_symbol(instance.block, "topology")
            if symbol not in drawn:
                drawn.add(symbol)
                defs += [f"<g{attrs(id=symbol, class_='block-topology', data_block=instance.block)}>",
                         *drawer.content(titles=False), "</g>"]
                keys.update((k.cls, k) for k in drawer.keys())
            layout = drawer.layout
            dx = x - EDGE
            shift = f"translate({num(dx)} 0)" if dx else None
            placed.append(f"<g{attrs(id=instance.id, class_='instance', data_name=instance.name, data_block=instance.block, transform=shift)}>"
                          f"<title>{esc(instance.name)}</title><use xlink:href=\"#{esc(symbol)}\"/>"
                          + "".join(drawer.titles(Piece.text(instance))) + "</g>")
            x += layout.width_mm - 2 * EDGE + COLUMN_GAP
            height = max(height, layout.height_mm)
        placed.append("</g>")
        width = x - COLUMN_GAP + EDGE
        grouping = "links bundled per group pair" if self.bundled else "links aggregated per pair of parts"
        lines = [f"Topology · {grouping} · bandwidth per direction · {len(drawn)} block{'s' if len(drawn) != 1 else ''} "
                 f"drawn once, placed per instance", self.totals.line(), origin_line(self.design, self.today, None)]
        return compose(self.design, Sheet(), width, height, ["<defs>", *defs, "</defs>", *body, *placed],
                       list(keys.values()), lines, TOPOLOGY_SCALE, f"{self.design.name}: topology", TOPOLOGY_CSS)


def topology_svg(design: Design, index: DesignIndex | None = None, today: date | None = None) -> Drawing:
    """Accelerators, CPUs and switch tiers in bands, with links aggregated per pair (or per group pair).
    A hall of instances is drawn per block (`_HallTopology`)."""
    if index is None and design.instances:
        hall = _HallTopology.of(design, today or date.today())
        if hall is not None:
            return hall.draw()
    index = Figures.of(design, index)
    return _Topology(index.design, index, today or date.today()).draw()


# ------------------------------------------------------------------ floor plan
FLOOR_SCALE_UNIT = ELEVATION_SCALE / FLOOR_SCALE
"""The floor plan's legend and title block are the elevation's, enlarged to read the same on paper."""
FLOOR_CSS = base_css(FLOOR_SCALE_UNIT) + """
.hall {fill:#fbfbfc; stroke:#2b2f38; stroke-width:40}
.detail-hall {stroke-width:12}
.grid {stroke:#dfe2e7; stroke-width:8}
.axis {fill:#4a5160; text-anchor:middle}
.rack>polygon {fill:#4a5160; stroke:#1b1e24; stroke-width:12}
.rack.problem>polygon {stroke:#d0021b; stroke-width:40}
.rack-front {stroke:#e08a1e; stroke-width:50}
.rack-name {fill:#ffffff; text-anchor:middle}
.rack-name.aisle {fill:#1b1e24; font-weight:bold}
.run {fill:none; stroke-linecap:round; stroke-linejoin:round; stroke-opacity:0.7}
.tag>rect {fill:#ffffff; stroke:#2b2f38; stroke-width:4}
.tag>text {fill:#1b1e24; text-anchor:middle}
.detail-frame {fill:none; stroke:#2b2f38; stroke-width:20; stroke-dasharray:120 60}
.detail-title {fill:#1b1e24; font-weight:bold}
.runs-table text {fill:#1b1e24}
.runs-table .th {font-weight:bold}
.runs-table path {stroke:#9aa1ad; stroke-width:8}
.legend .rack>rect {fill:#4a5160}
.aisle-cold {fill:#3a86d4; fill-opacity:0.24; stroke:#3a86d4; stroke-width:12; stroke-dasharray:60 40}
.aisle-hot {fill:#d64531; fill-opacity:0.24; stroke:#d64531; stroke-width:12; stroke-dasharray:60 40}
.aisle-mixed {fill:#e0a21e; fill-opacity:0.24; stroke:#e0a21e; stroke-width:12; stroke-dasharray:60 40}
.row {fill:#eef0f4; stroke:#8a93a3; stroke-width:10; stroke-dasharray:60 40}
.row-cold {stroke:#3a86d4; stroke-width:40}
.column {fill:#3c4250; stroke:#1b1e24; stroke-width:10}
.keepout {fill:#c9ccd3; fill-opacity:0.6; stroke:#8a93a3; stroke-width:10; stroke-dasharray:60 40}
.tray {fill:none; stroke-opacity:0.3; stroke-linecap:butt; stroke-linejoin:miter}
.tray-overhead {stroke:#7a8494}
.tray-underfloor {stroke:#9b7a55}
.hall-label {fill:#1b1e24; text-anchor:middle}
"""

FLOOR_MARGIN = 1000.0
NAME_FONT = 120.0
"""Rack names in the detail view (hall millimetres; 6 mm on paper at 1:20)."""
DETAIL_SCALES = (20, 25, 30)
"""Scales (1:n) a detail view of the racks' area may take: the largest that fits the hall's width and depth;
none (no detail) when even 1:30 would not fit."""
RUN_COLUMNS = [("#", 300.0), ("From", 1100.0), ("To", 1100.0), ("Links", 900.0), ("Gb/s per dir", 1500.0),
               ("Length m", 1300.0), ("Media", 2600.0)]


def _run_protocols(index: DesignIndex) -> dict[frozenset, str]:
    """Rack pair -> the protocol of the links between them ("mixed" when they differ), for run colours."""
    seen: dict[frozenset, set[str]] = {}
    for link in index.design.links:
        a, b = index.rack_of.get(link.a.node), index.rack_of.get(link.b.node)
        if a and b and a != b:
            seen.setdefault(frozenset((a, b)), set()).add(link.protocol)
    return {pair: protocols.pop() if len(protocols) == 1 else "mixed" for pair, protocols in seen.items()}


class _Floor:
    """Draws a FloorLayout: the whole hall, a detail of the racks' area when they fill little of it, and the
    numbered cable runs with their schedule."""

    def __init__(self, design: Design, index: DesignIndex, today: date, totals: Totals | None = None):
        from rackcad.layout.floor import floor_layout

        self.design, self.index, self.today = design, index, today
        self.totals = totals or Totals.of(index)
        self.plan = floor_layout(design, index=index)
        self.protocol_of = _run_protocols(index)
        self.problems = set(self.plan.outside) | {r for pair in self.plan.overlaps for r in pair}
        self.most = max((run.count for run in self.plan.runs), default=1)

    def hall(self) -> list[str]:
        """Aisles (tinted by kind, with their widths), rows (the cold side heavier), columns and keep-outs
        under the racks, and the cable trays at their real width (rackcad.layout.floor)."""
        plan = self.plan
        out = ['<g class="hall-areas">']
        for aisle in plan.aisles:
            points = " ".join(f"{num(x)},{num(y)}" for x, y in aisle.polygon)
            out.append(f"<polygon{attrs(class_=f'aisle-{aisle.kind}', points=points)}/>")
        for row in plan.rows:
            points = " ".join(f"{num(x)},{num(y)}" for x, y in row.polygon)
            fl, fr, br, bl = row.polygon
            (x1, y1), (x2, y2) = (fl, fr) if row.cold_aisle == "front" else (bl, br)
            out.append(f"<polygon{attrs(class_='row', points=points)}/>"
                       f"<path{attrs(class_='row-cold', d=f'M{num(x1)} {num(y1)}L{num(x2)} {num(y2)}')}/>")
        for area in plan.areas:
            points = " ".join(f"{num(x)},{num(y)}" for x, y in area.polygon)
            out.append(f"<polygon{attrs(class_=area.kind, points=points)}><title>{esc(area.name)}</title></polygon>")
        for tray in plan.trays:
            out.append(f"<path{attrs(class_=f'tray tray-{tray.level}', d=_path(tray.points), stroke_width=tray.width_mm)}>"
                       + el("title", f"{tray.name}: {tray.level}, {tray.width_mm:,.0f} mm wide") + "</path>")
        for aisle in plan.aisles:
            xs, ys = zip(*aisle.polygon)
            out.append(el("text", f"{aisle.kind} aisle {aisle.width_mm / 1000:.2f} m", class_="hall-label",
                          x=sum(xs) / 4, y=sum(ys) / 4 + 50, font_size=140.0))
        out.append("</g>")
        return out

    def racks(self, detail: bool) -> list[str]:
        """Footprints with the front edge marked; ids only in the overview, so each model id appears once."""
        out = []
        for r in self.plan.racks:
            points = " ".join(f"{num(x)},{num(y)}" for x, y in r.polygon)
            (fx1, fy1), (fx2, fy2) = r.front
            cls = "rack problem" if r.id in self.problems else "rack"
            data = attrs(id=None if detail else r.id, class_=cls, data_rack=r.id, data_name=r.name, data_part=r.part)
            out.append(f"<g{data}>"
                       f"<title>{esc(r.label.replace(chr(10), ': '))}</title><polygon points=\"{points}\"/>"
                       f"<path{attrs(class_='rack-front', d=f'M{num(fx1)} {num(fy1)}L{num(fx2)} {num(fy2)}')}/></g>")
        return out

    def rack_names(self, in_front: bool) -> list[str]:
        """Rack names over the runs: inside the footprint, or (`in_front`, the detail view) in the aisle just
        in front of the front edge, where no run or run number covers them."""
        out = ['<g class="rack-names">']
        for r in self.plan.racks:
            if not in_front:
                xs, ys = [p[0] for p in r.polygon], [p[1] for p in r.polygon]
                bx, by, bw, bh = min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)
                out.append(label(bx + 40, by + 60, bw - 80, bh - 100, r.name, 200.0, 0.0, "rack-name"))
                continue
            (x1, y1), (x2, y2), _, (x4, y4) = r.polygon
            nx, ny = (x1 - x4) / r.d, (y1 - y4) / r.d
            size = min(NAME_FONT, (r.w - 60) / ems(r.name))
            cx, cy = (x1 + x2) / 2 + nx * size, (y1 + y2) / 2 + ny * size
            out.append(el("text", r.name, class_="rack-name aisle", x=cx, y=cy + size * 0.36, font_size=size))
        out.append("</g>")
        return out

    def runs(self, zoom: float, tags: bool) -> tuple[list[str], list[str]]:
        """(run paths, numbered tags): each run's width grows with its link count."""
        out = ['<g class="runs">']
        numbers = []
        for i, run in enumerate(self.plan.runs, start=1):
            proto = self.protocol_of.get(frozenset((run.a, run.b)), "mixed")
            width = (8 + 30 * math.sqrt(run.count / self.most)) / zoom
            tip = (f"run {i}: {self.index.name(run.a)} - {self.index.name(run.b)}, "
                   f"{bandwidth_text(run.count, run.gbps)} per direction")
            data = attrs(class_=f"run proto-{css_class(proto)}", d=_path(run.points), stroke_width=width,
                         data_a=run.a, data_b=run.b, data_count=run.count, data_gbps=run.gbps)
            out.append(f"<path{data}>" + el("title", tip) + "</path>")
            if tags:
                numbers.append(_tag(*point_at(run.points, 0.5), str(i), 40.0))
        out.append("</g>")
        return out, numbers

    def detail_area(self) -> tuple[float, float, float, float, float] | None:
        """(x, y, w, h, zoom) of the racks' area, one grid step around them, or None when not worth it."""
        plan = self.plan
        if not plan.racks:
            return None
        pad = plan.grid_mm or 600.0
        xs = [x for r in plan.racks for x, _ in r.polygon]
        ys = [y for r in plan.racks for _, y in r.polygon]
        x0, y0 = max(min(xs) - pad, 0.0), max(min(ys) - pad, 0.0)
        x1, y1 = min(max(xs) + pad, plan.width_mm), min(max(ys) + pad, plan.depth_mm)
        if x1 <= x0 or y1 <= y0:
            return None
        fits = min(plan.width_mm / (x1 - x0), plan.depth_mm / (y1 - y0))
        for scale in DETAIL_SCALES:
            zoom = 1 / (FLOOR_SCALE * scale)
            if zoom <= fits:
                return x0, y0, x1 - x0, y1 - y0, zoom
        return None

    def draw(self) -> Drawing:
        plan, m = self.plan, FLOOR_MARGIN
        body = [f'<g class="hall-plan" transform="translate({num(m)} {num(m)})">',
                f"<rect{attrs(class_='hall', x=0.0, y=0.0, width=plan.width_mm, height=plan.depth_mm)}/>"]
        if plan.grid_mm > 0:
            d = "".join(f"M{num(x)} 0v{num(plan.depth_mm)}" for x in _steps(plan.grid_mm, plan.width_mm))
            d += "".join(f"M0 {num(y)}h{num(plan.width_mm)}" for y in _steps(plan.grid_mm, plan.depth_mm))
            body.append(f'<path class="grid" d="{d}"/>')
        for x in _steps(2000.0, plan.width_mm, ends=True):
            body.append(f"<text{attrs(class_='axis', x=x, y=-150.0, font_size=180.0)}>{num(x / 1000)} m</text>")
        for y in _steps(2000.0, plan.depth_mm, ends=True):
            body.append(f"<text{attrs(class_='axis', x=-450.0, y=y + 60, font_size=180.0)}>{num(y / 1000)} m</text>")
        area = self.detail_area()
        runs, tags = self.runs(1.0, tags=area is None)
        body += self.hall() + self.racks(detail=False) + runs + self.rack_names(in_front=False) + tags
        if area:
            x0, y0, w, h, _ = area
            body.append(f"<rect{attrs(class_='detail-frame', x=x0, y=y0, width=w, height=h)}/>")
            body.append(f"<text{attrs(class_='detail-title', x=x0 + 60, y=y0 + h + 240, font_size=200.0)}>A</text>")
        body.append("</g>")
        width, height = plan.width_mm + 2 * m, plan.depth_mm + 2 * m
        if area:
            x0, y0, w, h, zoom = area
            top = height + 300
            body.append(f"<text{attrs(class_='detail-title', x=m, y=top, font_size=200.0)}>"
                        f"Detail A: the racks' area, 1:{round(1 / (FLOOR_SCALE * zoom))}</text>")
            top += 2.5 * NAME_FONT * zoom
            body.append(f'<g class="detail" transform="translate({num(m)} {num(top + 200)}) scale({num(zoom)}) '
                        f'translate({num(-x0)} {num(-y0)})">')
            body.append(f"<rect{attrs(class_='hall detail-hall', x=x0, y=y0, width=w, height=h)}/>")
            runs, tags = self.runs(zoom, tags=True)
            body += self.hall() + self.racks(detail=True) + runs + tags + self.rack_names(in_front=True)
            body.append("</g>")
            height = top + 200 + h * zoom + m
        if plan.runs:
            table, table_w = _runs_table(self.index, plan.runs, width, m)
            body += table
            width += table_w + m
        keys = [Key("rack", "Rack (front edge orange)")]
        keys += protocol_keys({self.protocol_of.get(frozenset((r.a, r.b)), "mixed") for r in plan.runs})
        problem = f" · {len(self.problems)} racks overlap or stand outside the hall" if self.problems else ""
        lines = [f"Floor plan · hall {num(plan.width_mm / 1000)} x {num(plan.depth_mm / 1000)} m, grid "
                 f"{num(plan.grid_mm)} mm · {len(plan.runs)} cable runs{problem}", self.totals.line(),
                 origin_line(self.design, self.today, FLOOR_SCALE)]
        return compose(self.design, Sheet(unit=FLOOR_SCALE_UNIT), width, height, body, keys, lines, FLOOR_SCALE,
                       f"{self.design.name}: floor plan", FLOOR_CSS)


def floor_svg(design: Design, index: DesignIndex | None = None, today: date | None = None) -> Drawing:
    """The hall with its grid, every rack's footprint (front edge marked) and the cable runs between racks.

    A hall of one-rack instances is drawn per block: every rack, the runs of what differs (own links,
    instances with overrides, wiring patterns) and the totals of `summary()`, never the expanded parts."""
    if index is None and design.instances:
        per_block = floor_per_block(design)
        if per_block is not None:
            return _Floor(per_block[0], per_block[1], today or date.today(), per_block[2]).draw()
    index = Figures.of(design, index)
    return _Floor(index.design, index, today or date.today()).draw()


def floor_per_block(design: Design) -> tuple[Design, Figures, Totals, list] | None:
    """(every rack with the rest's parts and links, their Figures, the hall's totals, the pieces), or None
    when the hall cannot be cut into pieces or a repeated block holds several racks (runs inside it would
    need mapping: drawn expanded). The floor plan SVG and DXF draw a hall of one-rack instances from it."""
    from rackcad.figures.pieces import racks_only, split

    pieces = split(design)
    if pieces is None or any(len(design.block(p.members[0].block).racks) > 1 for p in pieces[1:]):
        return None
    totals = Totals.of_blocks(design, pieces)
    if totals is None:
        return None
    rest = pieces[0]
    drawn = Design.model_construct(**{**dict(rest.design), "racks": racks_only(design).racks})
    return drawn, Figures(drawn, rest.figures.catalog), totals, pieces


def _steps(step: float, length: float, ends: bool = False) -> list[float]:
    count = int(length // step + 1e-9)
    values = [i * step for i in range(0 if ends else 1, count + 1)]
    return [v for v in values if ends or v < length - 1e-6]


def _runs_table(index: DesignIndex, runs, x0: float, y0: float) -> tuple[list[str], float]:
    """The cable-run schedule printed beside the plan: one row per numbered run."""
    row_h, size = 260.0, 150.0
    width = sum(w for _, w in RUN_COLUMNS)
    out = ['<g class="runs-table">',
           f"<text{attrs(class_='th', x=x0, y=y0 - 120, font_size=200.0)}>Cable runs between racks</text>"]
    x = x0
    for title, w in RUN_COLUMNS:
        out.append(f"<text{attrs(class_='th', x=x, y=y0 + row_h * 0.7, font_size=size)}>{esc(title)}</text>")
        x += w
    out.append(f"<path{attrs(d=f'M{num(x0)} {num(y0 + row_h)}h{num(width)}')}/>")
    for i, run in enumerate(runs, start=1):
        y = y0 + row_h * (i + 0.7)
        lengths = "" if run.min_length_m is None else f"{run.min_length_m:.1f} - {run.max_length_m:.1f}"
        media = ", ".join(f"{medium} {n:,}" for medium, n in run.media.items())
        values = [str(i), index.name(run.a), index.name(run.b), f"{run.count:,}", f"{run.gbps:,.0f}", lengths, media]
        x = x0
        for value, (_, w) in zip(values, RUN_COLUMNS):
            out.append(fitted(x, y, value, size, w - 60, ""))
            x += w
    out.append("</g>")
    return out, width


# ------------------------------------------------------------------ dispatch
def pages(design: Design, view: str = "elevation", index: DesignIndex | None = None,
          today: date | None = None) -> list[Drawing]:
    """The drawings of `view` paginated for PDF (the elevation at most RACKS_PER_PAGE racks a page)."""
    if view == "elevation":
        return elevation_pages(design, index, today)
    return [drawing(design, view, index, today)]


def drawing(design: Design, view: str = "elevation", index: DesignIndex | None = None,
            today: date | None = None) -> Drawing:
    """The whole of `view` in one drawing (SVG and PNG)."""
    if view == "elevation":
        return elevation_pages(design, index, today, racks_per_page=None)[0]
    if view == "topology":
        return topology_svg(design, index, today)
    if view == "floor":
        return floor_svg(design, index, today)
    raise ExportError(f"unknown view {view!r}; choose one of: {', '.join(VIEWS)}")
