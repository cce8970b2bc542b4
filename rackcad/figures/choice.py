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
A module holds `module_ports` x floor(port rate / link rate) links (`links_per_module`), at most as many as
the logical ports of a cage it fills (`module_ports` = the end's `ports_per_cage`, one link per port): an
800G twin-port OSFP two 400G links, a 1.6T twin-port OSFP two 800G or 400G links in a Q3400 cage, and four
NVLink 5 links (400G) where no module fills the NVLink switch's cage of 4 (the 1.6T stands in). The part is the one that carries the
record in the fewest units, ties going to the lower power, then the lower rate and the part id.

Modules are shared: one record alone would take `ceil(count / links per module)` per end (`optics_a`), but
the links of every record on the same (node, port group, module part) share that end's modules, which number
`ceil(sum of the records' module use / 1)` (`ModulePool`), so two single 400G links from one leaf to two
spines fill one twin-port module at the leaf. Each record gets its pro-rata share of the pooled modules
(`use / pool use x pooled modules`) and of their power. Each end's module fills its cage: a port group with
`ports_per_cage` 2 (the QM9700's OSFP cages, F1) takes twin-port modules where the catalog has them, and both
ends sit on one fibre type (single-mode opposite a co-packaged port), at the lowest power per link. Fibres
are counted per record, one per module the record alone would take at its busier end. The catalog has no
lane rates, so electrical lane compatibility is not checked. With an unknown length (an end outside any
rack) reach is not checked and the note says so. Whatever optics or cable parts the catalog holds take
part: nothing here names a part. Links between buildings (kilometres) so get LR4, ZR or ZR+ optics by
distance, as any other link gets DR or FR.

Breakout: an end on a sub-port of a split port (`PortRef.split` = k) shares its cage with the other
sub-links of the cage, `ports_per_cage` x k of them. Within copper reach it gets a breakout cable (a `cable`
whose `fanout` is that number of legs, each leg carrying the link): one cable per cage, pooled at the split
end like modules (`cable_use` = count / fanout), so four 200G DPU ports on a 4-way split SN5600 port are one
splitter, whatever link records they are. Beyond copper reach the split end takes one module that covers the
whole cage (its rate at least the cage's) holding `ports_per_cage` x k sub-links, the far ends one module
each, and where a module port fans out to several legs a breakout fibre of that fanout (pooled the same
way); a co-packaged split port serves its sub-links from one port's engines, over a breakout fibre of k legs.

A link may name its transceiver (`Link.optic`): then that part is used at every pluggable end whatever its
reach (the reach check reports a part too short), packed as above.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

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
    engines_a: float = 0
    engines_b: float = 0
    note: str = ""
    cable_use: Fraction = Fraction(0)
    """Breakout cables' worth the record takes at its split end (count / fanout), pooled there like modules;
    0: its cables are its own (`cables`)."""
    cable_side: int = 0
    """The split end (0: a, 1: b) whose cage the breakout cable's head is in."""
    use_a: Fraction = Fraction(0)
    """Modules' worth of `optic_a` the record's links take (count / links per module); `optics_a` is its
    ceiling, what the record would need alone. Shared modules: `ModulePool`."""
    use_b: Fraction = Fraction(0)

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
            bits.append(f"{engines:g} CPO port{'s' if engines != 1 else ''}")
        return " + ".join(bits) or "no catalog part"


def reach_m(part: PartSpec) -> float:
    return part.reach_m.value if part.reach_m else math.inf


def _gbps(part: PartSpec) -> float:
    return part.gbps.value if part.gbps else math.inf


def port_gbps(part: PartSpec) -> float:
    """What one port of a module or cable end carries: its rate shared between its `module_ports`."""
    return _gbps(part) / part.module_ports


def links_per_module(part: PartSpec, rate: float, cage: int | None = None, split: int = 1) -> int:
    """Links of `rate` Gb/s one module holds: `module_ports` x whole links per module port (at least one);
    a module that fills a cage of `cage` logical ports (`module_ports` = `cage`) holds one link per port, and
    in a cage whose ports are split `split` ways one sub-link per sub-port (`cage` x `split` at most)."""
    per_port = math.floor(port_gbps(part) / rate + 1e-9) if rate else 1
    links = part.module_ports * max(per_port, 1)
    if cage is not None and split > 1:
        return min(links, cage * split)
    return min(links, cage) if cage is not None and part.module_ports == cage else links


def module_use(part: PartSpec, rate: float, count: int, cage: int | None = None, split: int = 1) -> Fraction:
    """Modules' worth `count` links of `rate` take of `part` (a fraction: the rest can carry other links); an
    int when whole, so pools of whole modules add ints, not Fractions (the same values, far cheaper)."""
    per = links_per_module(part, rate, cage, split)
    return count // per if count % per == 0 else Fraction(count, per)


class ModulePool:
    """Modules of one part shared by the link ends on one (node, port group): each member (any hashable key)
    adds its use (`module_use`); `units` is the whole modules they need together, `share(member)` the
    member's pro-rata part of them. Fractions keep the sums exact, whatever the order members come in."""

    __slots__ = ("members", "total")

    def __init__(self) -> None:
        self.members: dict[object, Fraction | int] = {}
        self.total: Fraction | int = 0

    def add(self, member: object, use: Fraction) -> None:
        self.total += use - self.members.get(member, 0)
        self.members[member] = use

    def remove(self, member: object) -> None:
        self.total -= self.members.pop(member, 0)

    @property
    def units(self) -> int:
        return math.ceil(self.total)

    def share(self, member: object) -> float:
        """The member's modules: units x its use / the pool's use."""
        return float(self.units * self.members[member] / self.total) if self.total else 0.0


def pooled_shares(uses: "list[tuple[object, object, Fraction]]") -> tuple[dict[object, float], dict[object, int]]:
    """For (pool key, member, use) triples: (member -> its share of its pool's modules, pool key -> modules)."""
    pools: dict[object, ModulePool] = {}
    for key, member, use in uses:
        pools.setdefault(key, ModulePool()).add(member, use)
    shares = {member: pools[key].share(member) for key, member, _ in uses}
    return shares, {key: pool.units for key, pool in pools.items()}


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
        """Fibres, straight (`fanout` 1) and breakout."""
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
            units = math.ceil(module_use(part, rate, count))
            key = (units, part.power_at(rate), _gbps(part), part.id)
            if best is None or key < best[0]:
                best = (key, part, units)
        return (best[1], best[2]) if best else None

    def carrier(self, rate: float, cage: int = 1) -> PartSpec | None:
        """The transceiver a port of `rate` Gb/s in a cage of `cage` ports takes (reach not known), at the
        lowest power per link, as `choose` picks an end's module."""
        parts = self._end_modules(rate, None, cage)
        return min(parts, key=lambda p: (self._per_link_w(p, rate, cage), _gbps(p), p.id)) if parts else None

    def _fibre(self, length: float | None) -> str | None:
        straight = [p for p in self.fibre if p.fanout == 1]
        for part in straight:
            if length is None or reach_m(part) >= length:
                return part.id
        return straight[-1].id if straight else None

    def _end_modules(self, rate: float, length: float | None, cage: int, split: int = 1,
                     head: float = 0.0) -> list[PartSpec]:
        """Transceivers that can serve one end: reach and port rate carry the link, and the module fills the
        end's cage (`module_ports` = the port group's `ports_per_cage`: a twin-port module in a QM9700 cage)
        when the catalog has one that does; in a split cage, a module whose rate covers the cage's `head`
        Gb/s (an 800G twin-port module in an 800G SN5600 cage split 4 x 200G) when there is one."""
        strict = [p for p in self.optics if (length is None or reach_m(p) >= length) and rate <= port_gbps(p)]
        if split > 1:
            return [p for p in strict if _gbps(p) >= head - 1e-9] or strict
        return [p for p in strict if p.module_ports == cage] or strict

    @staticmethod
    def _per_link_w(part: PartSpec, rate: float, cage: int | None = None, split: int = 1) -> float:
        return part.power_at(rate) / links_per_module(part, rate, cage, split)

    def _breakout(self, parts: list[PartSpec], rate: float, count: int, length: float | None,
                  legs: int) -> tuple[PartSpec, Fraction] | None:
        """The breakout cable or fibre of `parts` with `legs` legs, each carrying `rate`, within reach, at the
        lowest power: (part, cables' worth `count` sub-links take of it)."""
        fits = [p for p in parts if p.fanout == legs and (length is None or reach_m(p) >= length)
                and (p.gbps is None or rate <= _gbps(p) / p.fanout + 1e-9)]
        if not fits:
            return None
        part = min(fits, key=lambda p: (p.power_w, _gbps(p), p.id))
        return part, Fraction(count, part.fanout)

    def _pair(self, rate: float, length: float | None, cpo: tuple[bool, bool],
              cages: tuple[int, int], splits: tuple[int, int] = (1, 1),
              heads: tuple[float, float] = (0.0, 0.0)) -> tuple[PartSpec | None, PartSpec | None] | None:
        """The modules at (a, b) at the lowest power per link; both ends on one fibre type (single-mode
        against a co-packaged port). None when no transceiver carries the rate and reach."""
        ends = [None if cpo[i] else self._end_modules(rate, length, cages[i], splits[i], heads[i]) for i in (0, 1)]
        if any(e is not None and not e for e in ends):
            return None
        options_a = ends[0] if ends[0] is not None else [None]
        options_b = ends[1] if ends[1] is not None else [None]

        def fibre(part: PartSpec | None) -> str | None:
            return "single-mode" if part is None else part.fibre

        best: tuple | None = None
        for strict in (True, False):
            for ma in options_a:
                for mb in options_b:
                    fa, fb = fibre(ma), fibre(mb)
                    if strict and fa and fb and fa != fb:
                        continue
                    cost = sum(self._per_link_w(m, rate, c, k)
                               for m, c, k in ((ma, cages[0], splits[0]), (mb, cages[1], splits[1])) if m is not None)
                    key = (cost, sum(_gbps(m) for m in (ma, mb) if m is not None),
                           ma.id if ma else "", mb.id if mb else "")
                    if best is None or key < best[0]:
                        best = (key, ma, mb)
            if best is not None:
                return best[1], best[2]
        return None

    def _optical(self, count: int, rate: float, length: float | None, cpo: tuple[bool, bool],
                 note: str, cages: tuple[int, int] = (1, 1), forced: PartSpec | None = None,
                 splits: tuple[int, int] = (1, 1), heads: tuple[float, float] = (0.0, 0.0)) -> Choice:
        engines_a = count / splits[0] if cpo[0] else 0
        engines_b = count / splits[1] if cpo[1] else 0
        side = split_side(splits)
        if cpo[0] and cpo[1]:
            return Choice("cpo-fiber", cable=self._fibre(length), cables=count, engines_a=engines_a,
                          engines_b=engines_b, note=note)
        if forced is not None:
            pair = (None if cpo[0] else forced, None if cpo[1] else forced)
            note = _join(note, f"transceiver {forced.id} set on the link")
        else:
            pair = self._pair(rate, length, cpo, cages, splits, heads)
        if pair is None:
            picked = self._pick(self.optics, rate, count, length, strict=False)
            if picked is not None:
                pair = (None if cpo[0] else picked[0], None if cpo[1] else picked[0])
            note = _join(note, "no transceiver in the catalog carries this rate and reach")
        if not cpo[0] and not cpo[1] and forced is None and side is None:
            aoc = self._pick(self.aoc, rate, count, length)
            if aoc is not None:
                pair_w = math.inf if pair is None else sum(self._per_link_w(m, rate, c)
                                                             for m, c in zip(pair, cages) if m)
                if self._per_link_w(aoc[0], rate) < pair_w:
                    return Choice("aoc", cable=aoc[0].id, cables=aoc[1], note=note)
        if pair is None:
            return Choice("optics", cable=self._fibre(length), cables=count, engines_a=engines_a,
                          engines_b=engines_b, note=_join(note, "no transceiver in the catalog"))
        ma, mb = pair
        use_a = module_use(ma, rate, count, cages[0], splits[0]) if ma else Fraction(0)
        use_b = module_use(mb, rate, count, cages[1], splits[1]) if mb else Fraction(0)
        per_a, per_b = math.ceil(use_a), math.ceil(use_b)
        category = "cpo-fiber" if cpo[0] or cpo[1] else "optics"
        cable, cables = self._fibre(length), count if category == "cpo-fiber" else max(per_a, per_b)
        cable_use = Fraction(0)
        if side is not None:
            module = pair[side]
            legs = splits[side] if module is None else links_per_module(module, rate, cages[side], splits[side]) // module.module_ports
            fibre = self._breakout(self.fibre, rate, count, length, legs) if legs > 1 else None
            cables = count
            if fibre is not None:
                cable, cable_use = fibre[0].id, fibre[1]
                cables = math.ceil(cable_use)
                note = _join(note, f"breakout fibre 1 to {legs}")
        return Choice(
            category, cable=cable, cables=cables,
            optic_a=ma.id if ma else None, optics_a=per_a, optic_b=mb.id if mb else None, optics_b=per_b,
            engines_a=engines_a, engines_b=engines_b, note=note, use_a=use_a, use_b=use_b,
            cable_use=cable_use, cable_side=side or 0,
        )

    def choose(self, medium: str | None, count: int, rate: float, length: float | None,
               cpo: tuple[bool, bool] = (False, False), cages: tuple[int, int] = (1, 1),
               optic: PartSpec | None = None, splits: tuple[int, int] = (1, 1),
               heads: tuple[float, float] = (0.0, 0.0)) -> Choice:
        """The parts for `count` links of `rate` Gb/s per direction on `medium`, `length` metres long (None:
        unknown); `cpo` says which ends have co-packaged optical engines, `cages` each end's ports per cage;
        `optic` is a transceiver the link names (used whatever the length); `splits` the ways each end's port
        is split (1: whole) and `heads` each end's cage rate (port rate x ports per cage), for breakout."""
        note = "" if length is not None else "length unknown (an end is not in a rack)"
        if medium in ("pcb", "in-package"):
            return Choice("none")
        if medium == "backplane-copper":
            return Choice("backplane", note=f"{count * SPINE_PAIRS_PER_LINK:,} copper pairs")
        if medium in OPTICAL_MEDIA or optic is not None:
            return self._optical(count, rate, length, cpo, note, cages, optic, splits, heads)
        if medium is None:
            note = _join(note, "medium not set: chosen by length")
        families = [("dac", self.dac), ("active-copper", self.active)]
        if medium == "active-copper":
            families = families[1:]
        side = split_side(splits)
        for category, parts in families:
            if side is not None:
                legs = cages[side] * splits[side]
                found = self._breakout(parts, rate, count, length, legs)
                if found:
                    cable, use = found
                    return Choice(category, cable=cable.id, cables=math.ceil(use), cable_use=use, cable_side=side,
                                  note=_join(note, f"breakout 1 to {legs}"))
                continue
            picked = self._pick([p for p in parts if p.fanout == 1], rate, count, length)
            if picked:
                cable, units = picked
                return Choice(category, cable=cable.id, cables=units, note=note)
        reason = "no breakout cable in copper reach" if side is not None else "beyond copper reach"
        return self._optical(count, rate, length, cpo, _join(note, f"{reason} ({_fmt_m(length)})"),
                             cages, None, splits, heads)


def split_side(splits: tuple[int, int]) -> int | None:
    """The end (0: a, 1: b) on a split port, the more split one when both are; None when neither is."""
    if splits[0] <= 1 and splits[1] <= 1:
        return None
    return 0 if splits[0] >= splits[1] else 1
