"""How the editor words a part's figures: key figures for the palette, sourced rows for tooltips and inspector.

Plain text and small HTML only (no widgets), so the palette tooltip and the inspector show the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from rackcad.catalog import Catalog, Figure, PartSpec, PortGroup
from rackcad.units import fmt_gbps, fmt_power

FIGURE_NAMES: dict[str, tuple[str, str]] = {
    "power_max_w": ("Power (max)", "W"),
    "power_typical_w": ("Power (typical)", "W"),
    "liquid_share": ("Liquid-cooled share", "%"),
    "weight_kg": ("Weight", "kg"),
    "memory_gb": ("Memory", "GB"),
    "memory_bw_gbytes": ("Memory bandwidth", "GB/s"),
    "fp4_dense_pflops": ("FP4 dense", "PFLOPS"),
    "fp8_dense_pflops": ("FP8 dense", "PFLOPS"),
    "power_budget_w": ("Power budget", "W"),
    "liquid_capacity_w": ("Liquid cooling capacity", "W"),
    "air_capacity_w": ("Air cooling capacity", "W"),
    "output_w": ("Output", "W"),
    "flow_lpm": ("Coolant flow", "L/min"),
    "capacity_w": ("Cooling capacity", "W"),
    "gbps": ("Bandwidth (per direction)", "Gb/s"),
    "reach_m": ("Reach", "m"),
    "optics_power_w": ("Optics power", "W"),
    "latency_ns": ("Latency per hop", "ns"),
}

ESTIMATE_COLOR = "#c25e00"


def format_value(value: float, unit: str) -> str:
    """A figure in the unit people read it in: '1.2 kW', '85 %', '7,200 Gb/s'."""
    if unit == "W":
        return fmt_power(value)
    if unit == "%":
        return f"{value * 100:.0f} %"
    if unit == "Gb/s":
        return fmt_gbps(value)
    return f"{value:,.4g} {unit}"


@dataclass(frozen=True)
class FigureRow:
    """One sourced figure, worded: name, value, confidence, and the source's title and address."""

    name: str
    value: str
    confidence: str
    source: str
    url: str
    note: str

    @property
    def is_estimate(self) -> bool:
        return self.confidence == "estimate"


def figure_rows(part: PartSpec, catalog: Catalog) -> list[FigureRow]:
    """Every figure of `part` with its source resolved through the catalog's sources index."""
    rows = []
    for field, figure in part.figures().items():
        name, unit = FIGURE_NAMES.get(field, (field.replace("_", " "), ""))
        rows.append(_row(name, format_value(figure.value, unit), figure, catalog))
    for group in part.ports:
        value = f"{group.count} x {group.protocol} @ {fmt_gbps(group.gbps)} ({group.role})"
        rows.append(_row(f"Ports: {group.name}", value, group, catalog))
    return rows


def _row(name: str, value: str, figure: Figure | PortGroup, catalog: Catalog) -> FigureRow:
    source = catalog.source(figure.source)
    title = f"{figure.source}: {source.title}" if source else figure.source
    return FigureRow(name, value, figure.confidence, title, source.url if source else "", figure.note)


def key_figures(part: PartSpec) -> str:
    """The one-line summary a palette row shows: power, ports and bandwidth, or what a container holds."""
    bits: list[str] = []
    if part.kind == "rack":
        bits.append(f"{part.rack_units}U")
        if part.power_budget_w:
            bits.append(f"{fmt_power(part.power_budget_w.value)} budget")
        return " · ".join(bits)
    if part.mount == "rack" and part.height_u:
        bits.append(f"{part.height_u:g}U")
    if part.bays:
        bits.append(f"{part.bay_count} bays")
    if part.power_w:
        bits.append(fmt_power(part.power_w))
    elif part.output_w:
        bits.append(f"{fmt_power(part.output_w.value)} out")
    elif part.capacity_w:
        bits.append(f"{fmt_power(part.capacity_w.value)} cooling")
    main = next((g for g in part.ports if g.role == "scale-up"), part.ports[0] if part.ports else None)
    if main is not None:
        bits.append(f"{main.count} x {main.protocol}")
        total = part.scale_up_gbps if main.role == "scale-up" else main.total_gbps
        bits.append(fmt_gbps(total))
    elif part.gbps:
        bits.append(fmt_gbps(part.gbps.value))
    return " · ".join(bits)


def figures_html(rows: list[FigureRow], links: bool = True) -> str:
    """An HTML table of figures; estimates are marked in orange italics with the word 'estimate'."""
    if not rows:
        return "<i>no catalog figures</i>"
    out = ["<table cellspacing='0' cellpadding='2'>"]
    for row in rows:
        value = escape(row.value)
        confidence = escape(row.confidence)
        if row.is_estimate:
            value = f"<i style='color:{ESTIMATE_COLOR}'>≈ {value}</i>"
            confidence = f"<b style='color:{ESTIMATE_COLOR}'>estimate</b>"
        source = escape(row.source)
        if links and row.url:
            source = f"<a href='{escape(row.url)}'>{source}</a>"
        out.append(
            f"<tr><td><b>{escape(row.name)}</b></td><td>{value}</td></tr>"
            f"<tr><td></td><td><small>{confidence} · {source}</small></td></tr>"
        )
    out.append("</table>")
    return "".join(out)
