"""Reach rules: copper and optical links longer than their medium carries the signal.

A link's length is its `length_m` when set, else computed from the two ends' positions (U, the racks'
floor positions, the site's halls and fibre routes, and the cable slack; rackcad.figures.lengths). Copper
reach is the port groups' `reach_m` when the catalog gives one (the shorter end wins), else the medium's
default below. An optical link's reach is that of the transceivers it gets (chosen by length in
rackcad.figures.choice, or named on the link), capped by its ports' reach; between two co-packaged ends
(no transceiver) it is the ports' reach, else single-mode DR's.
"""

from __future__ import annotations

from collections.abc import Iterator

from rackcad.rules.context import Context, LinkEnds
from rackcad.rules.rule import LENGTH, WIRING, Rule
from rackcad.rules.violation import Violation
from rackcad.vocabulary import medium_name

COPPER_REACH_M = {
    # S27 (NVIDIA LinkX): passive DAC at 100G-PAM4 lanes, 800G straight cables 0.5-2 m; S34 agrees (100G: 2 m).
    "copper-cable": 2.0,
    # NVL72 copper spine "~2 m": one secondary note (hardware facts, section 8), a weak source; S1 and S16
    # only say the switch trays sit mid-rack to keep the cartridges short.
    "backplane-copper": 2.0,
    # S27: linear active copper (LACC) 3-5 m.
    "active-copper": 5.0,
}

OPTIC_REACH_M = 500.0
"""Single-mode DR optics over MPO fibre reach 500 m (S27, S55): beyond it a link needs longer-reach optics."""

OPTIC_MAX_M = 2000.0
"""Single-mode FR4 optics over LC fibre reach 2 km (S27, S55), the longest pluggable reach in the sources."""

def _port_reach(ends: LinkEnds) -> float | None:
    reaches = [e.group.reach_m for e in (ends.a, ends.b) if e.group is not None and e.group.reach_m is not None]
    return min(reaches) if reaches else None


def _describe(ctx: Context, ends: LinkEnds) -> str:
    link = ends.link
    return f"{ctx.label(link.id)} ({ctx.label(link.a.node)} - {ctx.label(link.b.node)})"


class Copper(Rule):
    code = "reach.copper"
    title = "Copper links (backplane, passive or active cable) longer than their reach"
    reads = LENGTH | WIRING

    def check(self, ctx: Context) -> Iterator[Violation]:
        for medium, default in COPPER_REACH_M.items():
            for ends in ctx.links_by_medium.get(medium, ()):
                length = ends.length_m
                port_reach = _port_reach(ends)
                reach = port_reach if port_reach is not None else default
                if length is not None and length > reach + 1e-9:
                    basis = "its ports' reach" if port_reach is not None else "the medium's reach"
                    yield self.violation(
                        f"{_describe(ctx, ends)} is {length:.2f} m of {medium_name(medium)}, "
                        f"beyond {basis} of {reach:g} m",
                        (ends.link.id,), measured=length, limit=reach, unit="m",
                    )


class Optic(Rule):
    code = "reach.optic"
    title = "Optical links beyond their transceivers' or ports' reach (co-packaged ends: beyond DR, a warning)"
    reads = LENGTH | WIRING | frozenset({"link.optic"})

    def check(self, ctx: Context) -> Iterator[Violation]:
        for ends in ctx.link_ends:
            medium = ends.medium
            if ends.link.optic is not None and ctx.catalog.find(ends.link.optic) is None:
                yield self.violation(f"{_describe(ctx, ends)} names transceiver {ends.link.optic}, which the "
                                     "catalog does not hold: its optics are chosen by length", (ends.link.id,))
            length = ends.length_m
            choice = ends.choice
            if length is None or choice.category not in ("optics", "cpo-fiber"):
                continue
            port_reach = _port_reach(ends)
            modules = [ctx.catalog.find(p) for p in dict.fromkeys((choice.optic_a, choice.optic_b)) if p]
            modules = [m for m in modules if m is not None and m.reach_m is not None]
            if modules:
                shortest = min(modules, key=lambda m: m.reach_m.value)
                reach = shortest.reach_m.value
                if port_reach is not None and port_reach < reach:
                    if length > port_reach:
                        yield self._violation(ctx, ends, medium or "pluggable-optic", length, port_reach)
                elif length > reach:
                    yield self.violation(
                        f"{_describe(ctx, ends)} is {length:,.0f} m of {medium_name(medium)}, beyond the "
                        f"{reach:,.0f} m reach of its {shortest.id} transceivers ({shortest.model})",
                        (ends.link.id,), measured=length, limit=reach, unit="m")
            elif length > (port_reach if port_reach is not None else OPTIC_REACH_M):
                yield self._violation(ctx, ends, medium or "cpo-fiber", length, port_reach)

    def _violation(self, ctx: Context, ends: LinkEnds, medium: str, length: float,
                   port_reach: float | None) -> Violation:
        what = f"{_describe(ctx, ends)} is {length:,.0f} m of {medium_name(medium)}"
        subjects = (ends.link.id,)
        if port_reach is not None:
            return self.violation(f"{what}, beyond its ports' reach of {port_reach:,g} m",
                                  subjects, measured=length, limit=port_reach, unit="m")
        if length > OPTIC_MAX_M:
            return self.violation(f"{what}, beyond the 2 km of single-mode FR4 optics (S27, S55)",
                                  subjects, measured=length, limit=OPTIC_MAX_M, unit="m")
        return self.violation(f"{what}, beyond the 500 m of single-mode DR optics (S27): it needs FR4-class optics",
                              subjects, measured=length, limit=OPTIC_REACH_M, unit="m", severity="warning")
