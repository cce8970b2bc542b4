"""Energy: IT power (parts, switches and optics), facility power through PUE per cooling type, and how many
scalable units a site's power budget holds.

PUE (facility power / IT power) by how a rack is cooled. No source splits PUE by cooling type (factory
facts, section E), so each figure is an industry figure of F16 mapped to the cooling it best matches, and
marked an estimate:

- air: 1.58, the Uptime industry average (2023), flat at 1.55-1.59 for years (F16), mostly air-cooled halls;
- hybrid (liquid to the chips, air for the rest): 1.3, what new large facilities reach (F16);
- liquid: 1.15, the top of the 1.1-1.2 hyperscale range (F16); direct-liquid-cooled halls are quoted at
  1.05-1.15 without a primary.

A rack is liquid-cooled when at least 75 % of its heat goes to liquid, air-cooled at 25 % or less, hybrid
between; the design's PUE is the IT-weighted mean over its racks. Energy is the limit of an AI factory, not
the hardware: `site_fit` says how many scalable units a site's power feeds.
"""

from __future__ import annotations

import math

from rackcad.catalog import Figure

PUE: dict[str, Figure] = {
    "air": Figure(value=1.58, source="F16", confidence="estimate",
                  note="Uptime industry-average PUE 2023 (F16), taken for air-cooled halls; no source splits by cooling"),
    "hybrid": Figure(value=1.3, source="F16", confidence="estimate",
                     note="New large facilities reach 1.3 or better (Uptime 2024, F16), taken for hybrid cooling"),
    "liquid": Figure(value=1.15, source="F16", confidence="estimate",
                     note="Top of the 1.1-1.2 hyperscale range (F16); DLC halls 1.05-1.15 not found in a primary"),
}

LIQUID_SHARE = 0.75
AIR_SHARE = 0.25


def cooling_type(power_w: float, liquid_w: float) -> str:
    share = liquid_w / power_w if power_w else 0.0
    if share >= LIQUID_SHARE:
        return "liquid"
    if share <= AIR_SHARE:
        return "air"
    return "hybrid"


def facility(per_rack: list[dict], sus: int | None = None, site_power_w: float | None = None) -> dict:
    """`summary()["facility"]` from the summary's per-rack power and heat (one home for rack power).

    it_power_w, pue (IT-weighted), facility_power_w, by cooling type {it_power_w, pue, racks}, the PUE
    sources; with `sus` the facility power per scalable unit; with `site_power_w` how many fit.
    """
    by_type: dict[str, dict] = {}
    it = fac = 0.0
    for rack in per_rack:
        power = rack["power_w"]
        kind = cooling_type(power, rack["heat_liquid_w"])
        entry = by_type.setdefault(kind, {"it_power_w": 0.0, "pue": PUE[kind].value, "racks": 0})
        entry["it_power_w"] += power
        entry["racks"] += 1
        it += power
        fac += power * PUE[kind].value
    out = {
        "it_power_w": round(it, 3),
        "pue": round(fac / it, 4) if it else 0.0,
        "facility_power_w": round(fac, 3),
        "by_cooling": {k: {**v, "it_power_w": round(v["it_power_w"], 3)} for k, v in sorted(by_type.items())},
        "pue_sources": {k: f"{f.value:g} ({f.source}, {f.confidence}): {f.note}" for k, f in PUE.items()},
    }
    if sus:
        out["sus"] = sus
        out["facility_power_w_per_su"] = round(fac / sus, 3)
    if site_power_w:
        out.update(site_fit(fac, sus or 1, site_power_w))
    return out


def site_fit(facility_power_w: float, sus: int, site_power_w: float) -> dict:
    """How many scalable units of this design's kind a site of `site_power_w` feeds (facility power)."""
    per_su = facility_power_w / sus if sus else facility_power_w
    return {
        "site_power_w": site_power_w,
        "sus_that_fit": math.floor(site_power_w / per_su + 1e-9) if per_su else 0,
        "site_headroom_w": round(site_power_w - facility_power_w, 3),
    }
