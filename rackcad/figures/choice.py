"""Which cable, transceivers or optical engines one link record needs, chosen from the catalog.

How a link record (`count` parallel links between two port groups) maps to parts:

- `in-package`, `pcb`: nothing to buy (traces on a board or in a package).
- `backplane-copper`: the rack's copper spine (NVL72's NVLink cable cartridges ship with the rack). Counted
  as spine links, no part number; NVIDIA's NVL72 cartridges hold 5,184 passive copper cables for its 1,296
  links, 4 differential pairs per link (2 lanes x 2 directions; S14, S16).
- `copper-cable`: a passive copper cable (DAC) when the length is within its reach, else an active copper
  cable, else optics as below, with a note that the link is beyond copper reach.
- `active-copper`: an active copper cable within its reach, else optics.
- `pluggable-optic` and `cpo-fiber`: at each end, either the end's co-packaged optical engines (a port group
  of medium `cpo-fiber`, or a `cpo-switch`) or pluggable transceivers in its cages; single-mode fibre
  between them. Between two pluggable ends an active optical cable (a `cable` of medium `pluggable-optic`
  with a rate) competes with a transceiver pair and fibre. So a CPO switch's link to a NIC gets one
  transceiver, at the NIC end.
- no medium on the link or its ports: chosen by length as for `copper-cable`.

Which part, and how many: the catalog parts of the family (kind and medium) whose reach covers the link length
and whose port rate (`gbps` / `module_ports`) carries one link (a link never splits across module ports).
Parallel links are packed into the fewest parts, `ceil(count x link Gb/s / part Gb/s)` per end, ties going
to the lower power, then the lower rate and the part id. So four NVLink 5 links (4 x 400 Gb/s) fill one
1.6T twin-port OSFP at each end: 2 transceivers and 1 fibre; five need 2 modules per end. The catalog has no
lane rates, so electrical lane compatibility is not checked. With an unknown length (an end outside any
rack) reach is not checked and the note says so. Whatever optics or cable parts the catalog holds take
part: nothing here names a part. Links between buildings (kilometres) so get LR4, ZR or ZR+ optics by
distance, as any other link gets DR or FR.

A link may name its transceiver (`Link.optic`): then that part is used at every pluggable end whatever its
reach (the reach check reports a part too short), packed as above.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rackcad.catalog import Catalog, PartSpec

SPINE_PAIRS_PER_LINK = 4
"""Differential pairs per NVLink in the copper spine: 2 lanes x 2 directions (5,184 = 1,296 x 4; S14, S16)."""

OPTICAL_MEDIA = ("pluggable-optic", "cpo-fiber")


@dataclass(frozen=True)
class Choice:
    """What one link record needs. `optics_a` / `optics_b` are transceivers at each end, `engines_a` /
    `engines_b` ports served by co-packaged optical engines at each end, `cables` counts whole cables."""

    category: str  # none, backplane, dac, active-copper, aoc, optics, cpo-fiber
    cable: str | None = None
    cables: int = 0
    optic_a: str | None = None
    optics_a: int = 0
    optic_b: str | None = None
    optics_b: int = 0
    engines_a: int = 0
    engines_b: int = 0
    note: str = ""

    @property
    def optics(self) -> int:
        """Transceivers at both ends together."""
        return self.optics_a + self.optics_b

    @property
    def optic(self) -> str | None:
        """The transceiver part ('a / b' when the ends differ)."""
        names = [p for p, n in ((self.optic_a, self.optics_a), (self.optic_b, self.optics_b)) if p and n]
        return " / ".join(dict.fromkeys(names)) or None

    def modules(self) -> list[tuple[str, int]]:
        """(part id, quantity) of every part the record needs: transceivers and cables."""
        out = [(p, n) for p, n in ((self.optic_a, self.optics_a), (self.optic_b, self.optics_b)) if p and n]
        if self.cable and self.cables:
            out.append((self.cable, self.cables))
        return out

    @property
    def label(self) -> str:
        """Human form for the schedule: '2 x osfp-1600g + 1 x fiber-sm-mpo', 'backplane copper spine'."""
        if self.category == "none":
            return "none (on board)"
        if self.category == "backplane":
            return "backplane copper spine"
        parts: dict[str, int] = {}
        for part, n in self.modules():
            parts[part] = parts.get(part, 0) + n
        bits = [f"{n} x {p}" for p, n in parts.items()]
        engines = self.engines_a + self.engines_b
        if engines:
            bits.append(f"{engines} CPO port{'s' if engines != 1 else ''}")
        return " + ".join(bits) or "no catalog part"


def reach_m(part: PartSpec) -> float:
    return part.reach_m.value if part.reach_m else math.inf


def _gbps(part: PartSpec) -> float:
    return part.gbps.value if part.gbps else math.inf


def port_gbps(part: PartSpec) -> float:
    """What one port of a module or cable end carries: its rate shared between its `module_ports`."""
    return _gbps(part) / part.module_ports


def _join(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


def _fmt_m(length: float | None) -> str:
    return "unknown length" if length is None else f"{length:.2f} m"


class Chooser:
    """Picks cables and optics from one catalog; candidate parts are grouped by family once."""

    def __init__(self, catalog: Catalog):
        family: dict[tuple[str, str], list[PartSpec]] = {}
        for part in catalog:
            if part.kind in ("cable", "optic") and part.medium:
                family.setdefault((part.kind, part.medium), []).append(part)
        self.dac = sorted(family.get(("cable", "copper-cable"), []), key=reach_m)
        self.active = sorted(family.get(("cable", "active-copper"), []), key=reach_m)
        optical = sorted(family.get(("cable", "pluggable-optic"), []), key=reach_m)
        self.fibre = [p for p in optical if p.gbps is None]
        self.aoc = [p for p in optical if p.gbps is not None]
        self.optics = sorted(family.get(("optic", "pluggable-optic"), []), key=reach_m)

    @staticmethod
    def _pick(parts: list[PartSpec], rate: float, count: int, length: float | None,
              strict: bool = True) -> tuple[PartSpec, int] | None:
        """The part of `parts` that carries `count` links of `rate` in the fewest units, then at lower power.

        `strict`: the part's reach must cover `length` and one of its ports must carry a whole link.
        """
        best: tuple[tuple, PartSpec, int] | None = None
        for part in parts:
            if strict and ((length is not None and reach_m(part) < length) or rate > port_gbps(part)):
                continue
            units = max(1, math.ceil(rate * count / _gbps(part))) if rate else count
            key = (units, part.power_w, _gbps(part), part.id)
            if best is None or key < best[0]:
                best = (key, part, units)
        return (best[1], best[2]) if best else None

    def carrier(self, rate: float) -> PartSpec | None:
        """The transceiver a single port of `rate` Gb/s takes (reach not known): as `choose` picks it."""
        picked = self._pick(self.optics, rate, 1, None)
        return picked[0] if picked else None

    def _fibre(self, length: float | None) -> str | None:
        for part in self.fibre:
            if length is None or reach_m(part) >= length:
                return part.id
        return self.fibre[-1].id if self.fibre else None

    def _optical(self, count: int, rate: float, length: float | None, cpo: tuple[bool, bool],
                 note: str, forced: PartSpec | None = None) -> Choice:
        engines_a, engines_b = (count if cpo[0] else 0), (count if cpo[1] else 0)
        if cpo[0] and cpo[1]:
            return Choice("cpo-fiber", cable=self._fibre(length), cables=count, engines_a=count,
                          engines_b=count, note=note)
        picked = self._pick([forced] if forced else self.optics, rate, count, length, strict=forced is None)
        if forced is not None:
            note = _join(note, f"transceiver {forced.id} set on the link")
        elif picked is None:
            picked = self._pick(self.optics, rate, count, length, strict=False)
            note = _join(note, "no transceiver in the catalog carries this rate and reach")
        if not cpo[0] and not cpo[1] and forced is None:
            aoc = self._pick(self.aoc, rate, count, length)
            if aoc is not None and (picked is None or (aoc[1], 2 * aoc[0].power_w * aoc[1]) <
                                    (picked[1], 2 * picked[0].power_w * picked[1])):
                return Choice("aoc", cable=aoc[0].id, cables=aoc[1], note=note)
        if picked is None:
            return Choice("optics", cable=self._fibre(length), cables=count, engines_a=engines_a,
                          engines_b=engines_b, note=_join(note, "no transceiver in the catalog"))
        optic, per_end = picked
        category = "cpo-fiber" if cpo[0] or cpo[1] else "optics"
        return Choice(
            category, cable=self._fibre(length), cables=count if category == "cpo-fiber" else per_end,
            optic_a=None if cpo[0] else optic.id, optics_a=0 if cpo[0] else per_end,
            optic_b=None if cpo[1] else optic.id, optics_b=0 if cpo[1] else per_end,
            engines_a=engines_a, engines_b=engines_b, note=note,
        )

    def choose(self, medium: str | None, count: int, rate: float, length: float | None,
               cpo: tuple[bool, bool] = (False, False), optic: PartSpec | None = None) -> Choice:
        """The parts for `count` links of `rate` Gb/s per direction on `medium`, `length` metres long (None:
        unknown); `cpo` says which ends have co-packaged optical engines; `optic` is a transceiver the link
        names (used whatever the length)."""
        note = "" if length is not None else "length unknown (an end is not in a rack)"
        if medium in ("pcb", "in-package"):
            return Choice("none")
        if medium == "backplane-copper":
            return Choice("backplane", note=f"{count * SPINE_PAIRS_PER_LINK:,} copper pairs")
        if medium in OPTICAL_MEDIA or optic is not None:
            return self._optical(count, rate, length, cpo, note, optic)
        if medium is None:
            note = _join(note, "medium not set: chosen by length")
        families = [("dac", self.dac), ("active-copper", self.active)]
        if medium == "active-copper":
            families = families[1:]
        for category, parts in families:
            picked = self._pick(parts, rate, count, length)
            if picked:
                cable, units = picked
                return Choice(category, cable=cable.id, cables=units, note=note)
        return self._optical(count, rate, length, cpo, _join(note, f"beyond copper reach ({_fmt_m(length)})"))
