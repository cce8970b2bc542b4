"""Colours and short labels by part kind, shared by the canvas and the exporters so they always agree.

Display names of kinds and protocols are rackcad.vocabulary's (re-exported here for the drawing code)."""

from __future__ import annotations

from rackcad.units import fmt_gbps
from rackcad.vocabulary import KIND_LABELS, protocol_name

KIND_COLORS: dict[str, str] = {
    "gpu": "#76b900",          # accelerators: green
    "xpu": "#2aa198",          # custom accelerators: teal
    "cpu": "#3b7dd8",          # CPUs: blue
    "switch": "#8e5bd6",       # switch chips: violet
    "nic": "#e08a1e",          # NICs and DPUs: orange
    "dpu": "#c4661f",
    "optic": "#d6b11e",        # optics and cables: yellow
    "cable": "#b8a24a",
    "network-switch": "#b05a8c",
    "cpo-switch": "#d0457a",
    "mgmt-switch": "#7a8595",
    "power-shelf": "#c0392b",  # power: red
    "busbar": "#a93226",
    "cdu": "#2e86c1",          # cooling: water blue
    "tray": "#4a5160",         # containers: slate
    "rack": "#2b2f38",
}
UNKNOWN_COLOR = "#ff00ff"

LEGEND_KINDS = ["gpu", "xpu", "cpu", "switch", "nic", "dpu", "network-switch", "cpo-switch", "mgmt-switch",
                "power-shelf", "cdu", "tray"]

PROTOCOL_COLORS: dict[str, str] = {
    "nvlink4": "#4caf50", "nvlink5": "#76b900", "nvlink6": "#00a884", "nvlink7": "#008f9c",
    "nvlink-c2c": "#3b7dd8", "infinity-fabric": "#d9534f", "ucie": "#9b59b6", "pcie5": "#7f8c8d",
    "pcie6": "#95a5a6", "cxl3": "#16a085", "ethernet": "#e67e22", "infiniband": "#e08a1e",
}


def color(kind: str | None) -> str:
    return KIND_COLORS.get(kind or "", UNKNOWN_COLOR)


def text_color(background: str) -> str:
    """Black or white, whichever reads better on `background` (#rrggbb)."""
    r, g, b = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


def short_label(name: str) -> str:
    """The last path segment of a template-style name: 'CT03/GPU2' -> 'GPU2'."""
    return name.rsplit("/", 1)[-1]


def qualified_label(name: str) -> str:
    """The last two path segments, so parts stay distinct across trays: 'R1/CT03/GPU2' -> 'CT03/GPU2'."""
    return "/".join(name.rsplit("/", 2)[-2:])


protocol_label = protocol_name
"""How people write a protocol ('nvlink5' -> 'NVLink 5', 'pcie4' -> 'PCIe 4'): rackcad.vocabulary's names."""


def bandwidth_text(count: int, gbps: float, protocols: set[str] | None = None) -> str:
    """'1,296 NVLink 5 links · 518.4 Tb/s' (the protocol named when there is exactly one)."""
    kind = f"{protocol_label(next(iter(protocols)))} " if protocols and len(protocols) == 1 else ""
    return f"{count:,} {kind}link{'s' if count != 1 else ''} · {fmt_gbps(gbps)}"
