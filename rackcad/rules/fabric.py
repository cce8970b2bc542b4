"""Scale-out fabric rules: the rate a link runs at, switch radix, co-packaged-optics ports, copper that cannot
carry the lane rate, and rails.

- Rate: a link runs at the fastest rate both ports support (their `gbps` or one of their `speeds_gbps`).
  Ports that share none never link up (error). A NIC whose port runs slower than its own rate loses the
  difference, the bandwidth its GPU was sized for (error: an 800G ConnectX-8 on a 400G QM9700 port). A
  switch port faster than the NIC it serves links up at the NIC's rate (info: half an 800G port idles); the
  info notes of one kind (the same two parts, port groups and rates) are one finding naming every link and
  the count, so a CPO SuperPOD has one note for its 1,152 400G NICs on 800G ports, not 1,152.
- Radix: more links on a switch's network ports than the switch has, counted by lanes (`PortUse`): sub-links
  of split ports fill a port per split, so 4 x 200G on one 4-way split 800G port take one port of the radix.
- Breakout: a sub-port end on a port group that does not split that way; more sub-links pinned to one port
  than its split has legs (or two on one leg); sub-links of different splits, or a whole-port link, pinned to
  one port (one breakout cable splits a port one way: every leg runs at one rate).
- CPO: a co-packaged-optics port has no cage for a pluggable module and carries only fibre (S30-S32).
- Copper lane rate: no passive DAC carries 200G-PAM4 lanes (S28); the check reads the lane rate of a network
  link's ports against the catalog's cables of the link's medium.
- Rails: in a rail-optimised fabric NIC k of every tray lands on leaf group k (F12). A leaf whose NICs are
  mostly of one rail is that rail's leaf; a NIC of another rail on it is miswired. Leaves without a clear
  majority (top-of-rack designs) are not rail-optimised and not checked.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from rackcad.fabric.plan import link_rate
from rackcad.rules.context import Context
from rackcad.rules.ports import protocol_name
from rackcad.rules.rule import LENGTH, WIRING, Rule
from rackcad.rules.violation import Violation, natural
from rackcad.units import fmt_gbps

NIC_KINDS = frozenset({"nic", "dpu"})
NETWORK_SWITCHES = frozenset({"network-switch", "cpo-switch"})


class RateMismatch(Rule):
    code = "ports.rate_mismatch"
    title = "Link ends of different rates: no common rate (error), a NIC slowed down (error), an idle share (info)"
    reads = WIRING | {"waivers"}  # a waiver of one link's note takes that link out of its group's note
    scope = "design"  # the info notes of one kind are one finding, whatever racks their links are in

    def check(self, ctx: Context) -> Iterator[Violation]:
        errors, notes = self.findings(ctx)
        yield from errors
        yield from self.grouped(notes, ctx.design.waivers)

    def findings(self, ctx: Context) -> tuple[list[Violation], list[tuple[tuple, str, tuple[str, ...], str]]]:
        """(the errors, the info notes as (key, link id, subjects, message of the link alone)): notes say
        the same thing when their key is the same, and are one finding per key (`grouped`) across the whole
        design, even where it is checked piece by piece (rackcad.rules.blockwise)."""
        errors: list[Violation] = []
        notes: list[tuple[tuple, str, tuple[str, ...], str]] = []
        for link, a, b in ctx.link_ends:
            ga, gb = a.group, b.group
            if ga is not None and link.a.split:
                ga = ga.sub_port(link.a.split)  # a breakout end runs at its sub-port's rate
            if gb is not None and link.b.split:
                gb = gb.sub_port(link.b.split)
            if ga is None or gb is None or ga.gbps == gb.gbps:
                continue
            if ga.role != "network" and gb.role != "network":
                continue  # scale-up links at different rates are bandwidth.scale_up's
            rate = link_rate(ga, gb)
            pair = (f"{ctx.label(link.id)} joins {ctx.label(a.key[0])} ({fmt_gbps(ga.gbps)} port) and "
                    f"{ctx.label(b.key[0])} ({fmt_gbps(gb.gbps)} port)")
            subjects = (link.id, a.key[0], b.key[0])
            if not rate:
                errors.append(self.violation(f"{pair}: the ports share no rate and never link up", subjects,
                                             measured=0, limit=min(ga.gbps, gb.gbps), unit="Gb/s"))
                continue
            slowed = [(end, g) for end, g in ((a, ga), (b, gb)) if end.kind in NIC_KINDS and g.gbps > rate]
            if slowed:
                end, group = slowed[0]
                errors.append(self.violation(
                    f"{pair}: it runs at {fmt_gbps(rate)}, so {ctx.label(end.key[0])} loses "
                    f"{fmt_gbps((group.gbps - rate) * link.count)} of its {fmt_gbps(group.gbps)}",
                    subjects, measured=rate, limit=group.gbps, unit="Gb/s"))
            else:
                ends = sorted(((a.part.id, ga.name, ga.gbps, a.part.model), (b.part.id, gb.name, gb.gbps, b.part.model)))
                notes.append(((*ends, rate), link.id, subjects,
                              f"{pair}: it runs at {fmt_gbps(rate)}, the faster port's rest idles"))
        return errors, notes

    def grouped(self, notes, waivers) -> Iterator[Violation]:
        """One info finding per key of `notes` (as `findings` gives them), split where the design's waivers
        of this rule cover single links (`NoteGroups`)."""
        groups = NoteGroups(w.subjects for w in waivers if w.code == self.code)
        for key, link_id, subjects, message in notes:
            groups.add(key, link_id, subjects, message)
        for (end_1, end_2, rate), count, subjects, single in groups:
            if count == 1:
                message = single
            else:
                message = (f"{count:,} links join a {end_1[3]} ({fmt_gbps(end_1[2])} port) and a {end_2[3]} "
                           f"({fmt_gbps(end_2[2])} port): each runs at {fmt_gbps(rate)}, the faster port's rest idles")
            yield self.violation(message, subjects, measured=rate, limit=max(end_1[2], end_2[2]), unit="Gb/s",
                                 severity="info")


class NoteGroups:
    """Per-link notes that say the same thing (same key: parts, port groups, rates) kept as one finding:
    iterating gives (key, links, subjects in natural order, the message of a lone link), keys in the order
    they were first seen. A design with 1,152 identical 400G-on-800G links has one note, not 1,152.

    `waivers` (the subjects of the design's waivers of the rule's code) keep waivers written against one
    link's note working: unless a waiver covers the whole group, the links whose own note a waiver covers
    (its subjects include the link's) leave the group, as one note per waiver, which that waiver covers."""

    def __init__(self, waivers: Iterable[Iterable[str]] = ()) -> None:
        self._waivers = [frozenset(subjects) for subjects in waivers]
        self._groups: dict[tuple, list[tuple[tuple[str, ...], str]]] = {}

    def add(self, key: tuple, link_id: str, subjects: tuple[str, ...], message: str) -> None:
        self._groups.setdefault(key, []).append((subjects, message))

    def __iter__(self) -> Iterator[tuple[tuple, int, list[str], str]]:
        for key, members in self._groups.items():
            for part in self._split(members):
                subjects: dict[str, None] = {}
                for own, _ in part:
                    subjects.update(dict.fromkeys(own))
                yield key, len(part), sorted(subjects, key=natural), part[0][1]

    def _split(self, members: list) -> list[list]:
        if not self._waivers:
            return [members]
        whole = {subject for own, _ in members for subject in own}
        if any(not waiver or waiver >= whole for waiver in self._waivers):
            return [members]  # the whole note is waived (or none of its links is)
        rest: list = []
        waived: dict[int, list] = {}
        for member in members:
            i = next((i for i, waiver in enumerate(self._waivers) if waiver.issuperset(member[0])), None)
            (rest if i is None else waived.setdefault(i, [])).append(member)
        return [part for part in (rest, *waived.values()) if part]


class Radix(Rule):
    code = "ports.radix"
    title = "A network switch whose links take more ports than it has (its radix; split ports by lanes)"
    reads = WIRING

    def check(self, ctx: Context) -> Iterator[Violation]:
        used: dict[str, int] = defaultdict(int)
        for (node_id, port), count in ctx.ports_in_use():
            part = ctx.node_parts.get(node_id)
            group = ctx.group(part, port)
            if part is not None and part.kind in NETWORK_SWITCHES and group is not None and group.role == "network":
                used[node_id] += count
        for node_id, count in used.items():
            part = ctx.node_parts[node_id]
            radix = sum(g.count for g in part.ports if g.role == "network")
            if count > radix:
                yield self.violation(
                    f"{ctx.label(node_id)} ({part.model}) has a radix of {radix} ports but its links take {count} "
                    f"(split ports counted once per port)",
                    (node_id,), measured=count, limit=radix, unit="ports")


class BreakoutUnsupported(Rule):
    code = "ports.breakout_unsupported"
    title = "A link end on a sub-port of a port that cannot split that way (breakout on a port that does not split)"
    reads = WIRING

    def check(self, ctx: Context) -> Iterator[Violation]:
        for link, a, b in ctx.link_ends:
            for ref, end in ((link.a, a), (link.b, b)):
                ways = ref.split
                if ways is None or end.group is None:
                    continue  # whole ports, and ends naming no group (ports.dangling)
                group = end.group
                where = f"{ctx.label(link.id)} lands on a {ways}-way sub-port of group '{ref.port}' of {ctx.label(ref.node)}"
                if not group.splits(ways):
                    model = end.part.model if end.part is not None else ref.node
                    allowed = (f"split only {' or '.join(f'{w} ways' for w in group.breakout.ways)}"
                               if group.breakout else "do not split (no breakout)")
                    yield self.violation(f"{where}, but the {fmt_gbps(group.gbps)} ports of {model} {allowed}",
                                         (link.id, ref.node), measured=ways, limit=max(group.breakout.ways) if
                                         group.breakout else 1, unit="ways")
                elif ref.sub is not None and ref.sub >= ways:
                    yield self.violation(f"{where} but names sub-port {ref.sub}: a {ways}-way split has sub-ports "
                                         f"0-{ways - 1}", (link.id, ref.node), measured=ref.sub, limit=ways - 1,
                                         unit="sub-port")


def _pinned_ports(ctx: Context) -> dict[tuple[str, str, int], list[tuple]]:
    """(node, port group, port index) -> [(link, ref), ...] for every port that a split end is pinned to, with
    every end pinned to that port (whole-port ones too)."""
    split: set[tuple[str, str, int]] = set()
    for link, _a, _b in ctx.link_ends:
        for ref in (link.a, link.b):
            if ref.split is not None and ref.index is not None:
                split.add((ref.node, ref.port, ref.index))
    out: dict[tuple[str, str, int], list[tuple]] = defaultdict(list)
    if split:
        for link, _a, _b in ctx.link_ends:
            for ref in (link.a, link.b):
                key = (ref.node, ref.port, ref.index)
                if key in split:
                    out[key].append((link, ref))
    return out


class BreakoutOverfull(Rule):
    code = "ports.breakout_overfull"
    title = "More sub-links on one split port than its split has sub-ports, or two on one sub-port"
    reads = WIRING
    scope = "design"  # the ends on one switch port come from links of many racks

    def check(self, ctx: Context) -> Iterator[Violation]:
        for (node_id, port, index), ends in _pinned_ports(ctx).items():
            by_ways: dict[int, list[tuple]] = defaultdict(list)
            for link, ref in ends:
                if ref.split is not None:
                    by_ways[ref.split].append((link, ref))
            for ways, members in sorted(by_ways.items()):
                links = sorted({link.id for link, _ in members}, key=natural)
                used = sum(link.count for link, _ in members)
                where = f"port {index} of group '{port}' of {ctx.label(node_id)}, split {ways} ways"
                if used > ways:
                    yield self.violation(f"{where}, carries {used} sub-links: a {ways}-way breakout has {ways} legs",
                                         (node_id, *links), measured=used, limit=ways, unit="sub-links")
                    continue
                subs = Counter(ref.sub for _, ref in members if ref.sub is not None)
                twice = sorted(sub for sub, n in subs.items() if n > 1)
                if twice:
                    yield self.violation(f"{where}: sub-port {twice[0]} carries {subs[twice[0]]} links, one leg "
                                         f"carries one", (node_id, *links), measured=subs[twice[0]], limit=1,
                                         unit="links")


class BreakoutMixed(Rule):
    code = "ports.breakout_mixed"
    title = "One port carrying sub-links of different splits (rates), or a whole-port link beside sub-links"
    reads = WIRING
    scope = "design"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for (node_id, port, index), ends in _pinned_ports(ctx).items():
            ways = sorted({ref.split or 1 for _, ref in ends})
            if len(ways) < 2:
                continue
            group = ctx.index.port_group(node_id, port)
            rates = [f"{fmt_gbps(group.gbps / w)}" if group else f"1/{w}" for w in ways]
            links = sorted({link.id for link, _ in ends}, key=natural)
            yield self.violation(
                f"port {index} of group '{port}' of {ctx.label(node_id)} carries links of "
                f"{' and '.join(('a whole port' if w == 1 else f'a {w}-way split') for w in ways)} "
                f"({', '.join(rates)}): one breakout cable or fibre splits a port one way, so its sub-ports all "
                f"run at one rate", (node_id, *links), measured=len(ways), limit=1, unit="splits")


_CPO_ONLY = "cpo-fiber"


class CpoMedium(Rule):
    code = "ports.cpo_medium"
    title = "A co-packaged-optics port given a pluggable module or a medium other than fibre"
    reads = WIRING | {"link.medium"}

    def check(self, ctx: Context) -> Iterator[Violation]:
        for link, a, b in ctx.link_ends:
            on_cpo = [end for end in (a, b) if end.group is not None and end.group.medium == _CPO_ONLY]
            medium = link.medium
            if not on_cpo:
                if medium == _CPO_ONLY and a.group is not None and b.group is not None:
                    yield self.violation(
                        f"{ctx.label(link.id)} is fibre from co-packaged optics, but neither "
                        f"{ctx.label(a.key[0])} nor {ctx.label(b.key[0])} has CPO ports: it needs pluggable optics",
                        (link.id,), severity="warning")
                continue
            if medium in (None, _CPO_ONLY):
                continue
            end = on_cpo[0]
            if medium == "pluggable-optic":
                why = "a pluggable module on a CPO port: the optics are in the switch package, there is no cage"
            else:
                why = f"a CPO port without fibre ({medium}): co-packaged optics carry only fibre"
            yield self.violation(f"{ctx.label(link.id)} on {ctx.label(end.key[0])}: {why}", (link.id, end.key[0]))


class CopperLaneRate(Rule):
    code = "reach.copper_rate"
    title = "Copper links whose lane rate or link rate no catalog cable of their medium carries (no DAC at 200G-PAM4)"
    reads = LENGTH | WIRING

    def check(self, ctx: Context) -> Iterator[Violation]:
        cables: dict[str, list] = defaultdict(list)
        for part in ctx.catalog.by_kind("cable"):
            if part.medium in ("copper-cable", "active-copper"):
                cables[part.medium].append(part)
        names = {"copper-cable": "passive copper (DAC)", "active-copper": "active copper"}
        for medium, parts in cables.items():
            best_lane = max((p.lane_gbps.value for p in parts if p.lane_gbps), default=None)
            best_rate = max((p.gbps.value for p in parts if p.gbps), default=None)
            for ends in ctx.links_by_medium.get(medium, ()):
                groups = [e.group for e in (ends.a, ends.b) if e.group is not None]
                if not any(g.role == "network" for g in groups):
                    continue  # S28 is the network cable line; NVLink copper is the rack's own spine
                lane = max((g.lane_gbps for g in groups if g.lane_gbps), default=None)
                rate = min(g.gbps for g in groups)
                link = ends.link
                if lane is not None and best_lane is not None and lane > best_lane:
                    yield self.violation(
                        f"{ctx.label(link.id)} runs {lane:g}G lanes ({protocol_name(link.protocol)}) on "
                        f"{names[medium]}, which the catalog carries only to {best_lane:g}G lanes: no passive DAC is "
                        f"offered at 200G-PAM4 (S28); use active copper (LACC) or optics",
                        (link.id,), measured=lane, limit=best_lane, unit="Gb/s per lane")
                elif best_rate is not None and rate > best_rate:
                    yield self.violation(
                        f"{ctx.label(link.id)} needs {fmt_gbps(rate)} per link on {names[medium]}; the fastest such "
                        f"cable in the catalog carries {fmt_gbps(best_rate)}",
                        (link.id,), measured=rate, limit=best_rate, unit="Gb/s")


class Rails(Rule):
    code = "ports.rail"
    title = "Rail-optimised fabric: NIC k of a tray landing on a leaf of another rail"
    reads = WIRING | {"node.bay", "node.parent"}
    scope = "design"

    def check(self, ctx: Context) -> Iterator[Violation]:
        rails = _nic_rails(ctx)
        on_leaf: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
        for link, a, b in ctx.link_ends:
            for nic, leaf in ((a, b), (b, a)):
                if nic.key[0] in rails and leaf.kind in NETWORK_SWITCHES:
                    on_leaf[leaf.key[0]].append((nic.key[0], rails[nic.key[0]], link.id))
        for leaf, members in on_leaf.items():
            votes = Counter(rail for _, rail, _ in members)
            rail, top = votes.most_common(1)[0]
            if top * 2 <= len(members):
                continue  # no rail holds a majority: a top-of-rack leaf, not rail-optimised
            for nic, own, link_id in members:
                if own != rail:
                    yield self.violation(
                        f"{ctx.label(nic)} is NIC {own + 1} of its tray (rail {own + 1}) but lands on "
                        f"{ctx.label(leaf)}, a leaf of rail {rail + 1} ({top} of its {len(members)} NICs)",
                        (link_id, nic, leaf), measured=own + 1, limit=rail + 1, unit="rail")


def _nic_rails(ctx: Context) -> dict[str, int]:
    """NIC id -> rail: its rank by bay among the kind-`nic` parts of its tray."""
    by_tray: dict[str, list] = defaultdict(list)
    for node in ctx.design.nodes:
        part = ctx.node_parts.get(node.id)
        if part is not None and part.kind == "nic" and node.parent in ctx.index.nodes and node.bay is not None:
            by_tray[node.parent].append(node)
    out: dict[str, int] = {}
    for nics in by_tray.values():
        for rank, node in enumerate(sorted(nics, key=lambda n: n.bay)):
            out[node.id] = rank
    return out
