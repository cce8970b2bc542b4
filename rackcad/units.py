"""Unit helpers. Field names carry their unit (`_w`, `_mm`, `_gbps` = Gb/s per direction)."""

from __future__ import annotations

U_MM = 44.45
"""Height of one rack unit in millimetres (EIA-310)."""


def gbps_to_gbytes_bidir(gbps_per_dir: float) -> float:
    """Gb/s per direction -> GB/s bidirectional, the form NVIDIA quotes NVLink in."""
    return gbps_per_dir * 2 / 8


def gbytes_bidir_to_gbps(gbytes_bidir: float) -> float:
    """GB/s bidirectional (vendor form) -> Gb/s per direction (model form)."""
    return gbytes_bidir * 8 / 2


def fmt_power(w: float) -> str:
    """Human form of a power in watts: '125.3 kW', '950 W'."""
    if abs(w) >= 1_000_000:
        return f"{w / 1e6:.2f} MW"
    if abs(w) >= 1000:
        return f"{w / 1000:.1f} kW"
    return f"{w:.0f} W"


def fmt_gbps(gbps: float) -> str:
    """Human form of a per-direction bandwidth: '7,200 Gb/s', '1.04 Pb/s'."""
    if abs(gbps) >= 1_000_000:
        return f"{gbps / 1e6:.2f} Pb/s"
    if abs(gbps) >= 10_000:
        return f"{gbps / 1000:,.1f} Tb/s"
    return f"{gbps:,.0f} Gb/s"
