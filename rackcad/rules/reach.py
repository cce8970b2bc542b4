"""Reach rules: copper and optical links longer than their medium carries the signal.

A link's length is its `length_m` when set, else computed from the two ends' positions (U, the racks'
floor positions and the cable slack; rackcad.analysis.lengths). Reach is the port groups' `reach_m` when
the catalog gives one (the shorter end wins), else the medium's default below; optical links reach as far as the
modules their ports take (see Optic).
"""

from __future__ import annotations

from collections.abc import Iterator

from rackcad.analysis.lengths import link_length_m
from rackcad.analysis.optics import link_fibre, module_candidates
from rackcad.rules.context import Context, LinkEnds
from rackcad.rules.rule import Rule
from rackcad.rules.violation import Violation

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

_MEDIUM_NAMES = {
    "copper-cable": "passive copper cable", "backplane-copper": "backplane copper",
    "active-copper": "active copper cable", "pluggable-optic": "fibre with pluggable optics",
    "cpo-fiber": "fibre from co-packaged optics",
}


def _port_reach(ends: LinkEnds) -> float | None:
    reaches = [e.group.reach_m for e in (ends.a, ends.b) if e.group is not None and e.group.reach_m is not None]
    return min(reaches) if reaches else None


def _describe(ctx: Context, ends: LinkEnds) -> str:
    link = ends.link
    return f"{ctx.label(link.id)} ({ctx.label(link.a.node)} - {ctx.label(link.b.node)})"


class Copper(Rule):
    code = "reach.copper"
    title = "Copper links (backplane, passive or active cable) longer than their reach"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for medium, default in COPPER_REACH_M.items():
            for ends in ctx.links_by_medium.get(medium, ()):
                length = link_length_m(ctx.index, ends.link)
                port_reach = _port_reach(ends)
                reach = port_reach if port_reach is not None else default
                if length is not None and length > reach + 1e-9:
                    basis = "its ports' reach" if port_reach is not None else "the medium's reach"
                    yield self.violation(
                        f"{_describe(ctx, ends)} is {length:.2f} m of {_MEDIUM_NAMES[medium]}, "
                        f"beyond {basis} of {reach:g} m",
                        (ends.link.id,), measured=length, limit=reach, unit="m",
                    )


class Optic(Rule):
    code = "reach.optic"
    title = "Optical links longer than any module the catalog has for their ports reaches (or CPO's DR-class reach)"

    def check(self, ctx: Context) -> Iterator[Violation]:
        """Pluggable ends take the module `rackcad.analysis.optics.choose_module` picks: the lowest-power one
        whose reach covers the link, up to FR4 (2 km), LR4 (10 km) or coherent ZR (F11) where the port's
        cage has them. A link is beyond reach when it is longer than the longest-reach module one of its
        ends can take (or the ports' own `reach_m`). Co-packaged optics reach as far as DR single-mode optics
        (500 m, S27) unless the port gives its own reach."""
        catalog = ctx.catalog
        for medium in ("pluggable-optic", "cpo-fiber"):
            for ends in ctx.links_by_medium.get(medium, ()):
                length = link_length_m(ctx.index, ends.link)
                if length is None:
                    continue
                limit, basis = self._limit(catalog, ends)
                if limit is not None and length > limit + 1e-9:
                    yield self.violation(
                        f"{_describe(ctx, ends)} is {length:,.0f} m of {_MEDIUM_NAMES.get(medium, medium)}, beyond "
                        f"{basis} of {limit:,g} m", (ends.link.id,), measured=length, limit=limit, unit="m")

    @staticmethod
    def _limit(catalog, ends: LinkEnds) -> tuple[float | None, str]:
        ga, gb = ends.a.group, ends.b.group
        port_reach = _port_reach(ends)
        if ga is None or gb is None:
            return port_reach, "its ports' reach"
        rate = min(ga.gbps, gb.gbps)
        fibre = link_fibre(catalog, ga, gb, rate)
        limits: list[tuple[float, str]] = []
        if port_reach is not None:
            limits.append((port_reach, "its ports' reach"))
        for group in (ga, gb):
            if group.medium == "cpo-fiber":
                if group.reach_m is None:
                    limits.append((OPTIC_REACH_M, "the 500 m of DR-class single-mode optics (S27) for co-packaged optics"))
                continue
            mods = [m for m in module_candidates(catalog, group, rate) if fibre is None or m.fibre in (None, fibre)]
            reach = max((m.reach_m.value for m in mods if m.reach_m), default=None)
            if reach is not None:
                limits.append((reach, "the longest-reach module the catalog has for its ports"))
        return min(limits) if limits else (None, "")
