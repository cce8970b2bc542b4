"""Port rules: more links than ports, links between incompatible port groups, link ends that name nothing,
and accelerator scale-up ports left free.

Protocol compatibility follows section 6 of the hardware facts: NVLink generations do not interoperate,
NVLink-C2C is a chip-to-chip link and not an NVLink switch port, UCIe is a die-to-die interface inside a
package (S35), a custom XPU reaches NVLink only through an NVLink Fusion chiplet (S39), and PCIe/CXL ends
of different generations still link up but train at the lower one (S36, S37).
"""

from __future__ import annotations

from collections.abc import Iterator

from rackcad.model.design import Severity
from rackcad.rules.context import Context, LinkEnds
from rackcad.rules.rule import WIRING, Rule
from rackcad.rules.violation import Violation
from rackcad.units import fmt_gbps
from rackcad.vocabulary import protocol_name

_CXL_PHY = {"cxl1": 5, "cxl2": 5, "cxl3": 6}
"""CXL 1.1/2.0 run on the PCIe 5.0 PHY, CXL 3.x on the PCIe 6.0 PHY at 64 GT/s (S36)."""

_VPI_KINDS = frozenset({"nic", "dpu"})
"""ConnectX and BlueField ports run either InfiniBand or Ethernet, so either switch family is a valid peer."""


def nvlink_generation(protocol: str) -> int | None:
    """5 for 'nvlink5'; None for NVLink-C2C and anything that is not an NVLink generation."""
    suffix = protocol[6:]
    return int(suffix) if protocol.startswith("nvlink") and suffix.isdigit() else None


def pcie_generation(protocol: str) -> int | None:
    """The PCIe PHY generation a PCIe or CXL protocol runs on, or None."""
    if protocol.startswith("pcie") and protocol[4:].isdigit():
        return int(protocol[4:])
    return _CXL_PHY.get(protocol)


def _family(protocol: str) -> str:
    if nvlink_generation(protocol):
        return "nvlink"
    if pcie_generation(protocol):
        return "pcie"
    return protocol


class PortOvercommitted(Rule):
    code = "ports.overcommitted"
    title = "More links on a port group than it has ports (counting each link's count)"
    reads = WIRING

    def check(self, ctx: Context) -> Iterator[Violation]:
        parts = ctx.node_parts
        for (node_id, port), used in ctx.ports_in_use():
            part = parts.get(node_id)
            group = ctx.group(part, port)
            if part is None or group is None or (part.kind in ("network-switch", "cpo-switch")
                                                 and group.role == "network"):
                continue  # a network switch's ports are its radix: ports.radix
            ctx.use_port(node_id, part, group)
            if used > group.count:
                yield self.violation(
                    f"{ctx.label(node_id)} has {group.count} {protocol_name(group.protocol)} ports in group "
                    f"'{port}' but its links use {used}",
                    (node_id,), measured=used, limit=group.count, unit="ports",
                )


class PortDangling(Rule):
    code = "ports.dangling"
    title = "A link end naming a part, port group or port index that does not exist"
    reads = WIRING | {"rack+"}

    def check(self, ctx: Context) -> Iterator[Violation]:
        racks = ctx.index.racks
        for link, a, b in ctx.link_ends:
            if a.group is not None and b.group is not None and link.a.index is None and link.b.index is None:
                continue  # the common case: both ends name existing port groups
            for ref, end in ((link.a, a), (link.b, b)):
                if end.node is None:
                    what = "a rack; links join placed parts" if ref.node in racks else "not in the design"
                    yield self.violation(f"{ctx.label(link.id)} names '{ref.node}', which is {what}", (link.id,))
                elif end.part is not None and end.group is None:
                    names = ", ".join(g.name for g in end.part.ports) or "none"
                    yield self.violation(
                        f"{ctx.label(link.id)} uses port group '{ref.port}' of {ctx.label(ref.node)}, but "
                        f"{end.part.model} has no such group (it has: {names})",
                        (link.id, ref.node),
                    )
                elif end.group is not None and ref.index is not None and not 0 <= ref.index < end.group.count:
                    yield self.violation(
                        f"{ctx.label(link.id)} uses port {ref.index} of group '{ref.port}' of "
                        f"{ctx.label(ref.node)}, which has ports 0-{end.group.count - 1}",
                        (link.id, ref.node), measured=ref.index, limit=end.group.count - 1, unit="port index",
                    )


class ProtocolMismatch(Rule):
    code = "ports.protocol_mismatch"
    title = "A link between incompatible port groups (NVLink generations, C2C vs NVLink, UCIe, Fusion, PCIe)"
    reads = WIRING | {"link.protocol", "node.parent"}

    def check(self, ctx: Context) -> Iterator[Violation]:
        for ends in ctx.link_ends:
            link, a, b = ends
            if (a.group is not None and b.group is not None and a.kind != "xpu" and b.kind != "xpu"
                    and a.group.protocol == b.group.protocol == link.protocol):
                continue  # the common case: both ports speak the link's protocol
            problem = (
                self._xpu_without_fusion(ctx, ends)
                or self._ends_disagree(ctx, ends)
                or self._link_disagrees(ctx, ends)
            )
            if problem is not None:
                yield problem

    def _xpu_without_fusion(self, ctx: Context, ends: LinkEnds) -> Violation | None:
        link = ends.link
        for ref, end in zip((link.a, link.b), (ends.a, ends.b)):
            part = end.part
            if part is None or part.kind != "xpu" or part.nvlink_via == "fusion-chiplet":
                continue
            if nvlink_generation(link.protocol) or (end.group and nvlink_generation(end.group.protocol)):
                return self.violation(
                    f"{ctx.label(ref.node)} ({part.model}) is on NVLink over {ctx.label(link.id)} without an "
                    f"NVLink Fusion chiplet: a custom XPU joins NVLink only through the chiplet (S39)",
                    (link.id, ref.node),
                )
        return None

    def _ends_disagree(self, ctx: Context, ends: LinkEnds) -> Violation | None:
        link, ga, gb = ends.link, ends.a.group, ends.b.group
        problem = _incompatible(ga.protocol, gb.protocol, ends) if ga and gb else None
        if problem is None:
            return None
        severity, reason = problem
        slower, faster = (min(ga.gbps, gb.gbps), max(ga.gbps, gb.gbps)) if severity == "warning" else (None, None)
        return self.violation(
            f"{ctx.label(link.id)} joins {ctx.label(link.a.node)} ({protocol_name(ga.protocol)} port) to "
            f"{ctx.label(link.b.node)} ({protocol_name(gb.protocol)} port): {reason}",
            (link.id, link.a.node, link.b.node),
            severity=severity, measured=slower, limit=faster, unit="Gb/s" if slower is not None else None,
        )

    def _link_disagrees(self, ctx: Context, ends: LinkEnds) -> Violation | None:
        link = ends.link
        for ref, end in zip((link.a, link.b), (ends.a, ends.b)):
            problem = _incompatible(link.protocol, end.group.protocol, ends) if end.group else None
            if problem is not None:
                severity, reason = problem
                return self.violation(
                    f"{ctx.label(link.id)} is declared {protocol_name(link.protocol)} but port group "
                    f"'{ref.port}' of {ctx.label(ref.node)} is {protocol_name(end.group.protocol)}: {reason}",
                    (link.id, ref.node), severity=severity,
                )
        return None


def _incompatible(p: str, q: str, ends: LinkEnds) -> tuple[Severity, str] | None:
    """(severity, reason) when protocols `p` and `q` cannot meet on one link, else None."""
    if p == q:
        return None
    fp, fq = _family(p), _family(q)
    if fp == fq == "nvlink":
        return "error", "NVLink generations do not interoperate"
    if fp == fq == "pcie":
        low = min(pcie_generation(p) or 0, pcie_generation(q) or 0)
        return "warning", f"the link trains at PCIe {low} speed, the slower end's"
    if {fp, fq} == {"nvlink", "nvlink-c2c"}:
        return "error", "NVLink-C2C is a chip-to-chip link to a CPU, not an NVLink fabric port"
    if {fp, fq} == {"ethernet", "infiniband"}:
        if any(end.part is not None and end.part.kind in _VPI_KINDS for end in (ends.a, ends.b)):
            return None
        return "error", "an InfiniBand switch port does not link to an Ethernet port"
    if fp != fq:
        return "error", "the protocols are not compatible"
    return None


class PortsUnconnected(Rule):
    code = "ports.unconnected"
    severity = "warning"
    title = "Accelerator scale-up ports left unconnected (stranded bandwidth)"
    reads = WIRING

    def check(self, ctx: Context) -> Iterator[Violation]:
        used = ctx.port_use
        for node in ctx.accelerators:
            part = ctx.part(node)
            for group in part.ports if part else ():
                if group.role != "scale-up":
                    continue
                ctx.use_port(node.id, part, group)
                in_use = used.get((node.id, group.name), 0)
                if in_use < group.count:
                    free = group.count - in_use
                    yield self.violation(
                        f"{ctx.label(node.id)} has {free} of its {group.count} {protocol_name(group.protocol)} "
                        f"ports unconnected: {fmt_gbps(free * group.gbps)} per direction of scale-up "
                        f"bandwidth stranded",
                        (node.id,), measured=in_use, limit=group.count, unit="ports",
                    )



ON_MODULE = {
    "ucie": ("package", "UCIe is a die-to-die interface inside a package (S35); join packages over NVLink "
                        "(through a Fusion chiplet) or PCIe"),
    "nvlink-c2c": ("tray", "NVLink-C2C joins a CPU to the GPUs on its own superchip board (S43, S45); across "
                           "trays use NVLink through the switches or a network"),
}
"""Protocols that exist only inside one package or tray: what they are confined to, and why."""


class ImpossibleLink(Rule):
    code = "ports.impossible_link"
    title = "An on-package or on-board protocol (UCIe, NVLink-C2C) between parts in different packages or trays"
    reads = WIRING | {"link.protocol", "node.parent"}

    def check(self, ctx: Context) -> Iterator[Violation]:
        nodes = ctx.index.nodes
        for link, a, b in ctx.link_ends:
            protocols = {link.protocol} | {e.group.protocol for e in (a, b) if e.group}
            confined = [p for p in protocols if p in ON_MODULE]
            if len(confined) != 1 or len(protocols) != 1 or a.node is None or b.node is None:
                continue  # ends of different protocols are ports.protocol_mismatch's
            na, nb = a.node, b.node
            together = (na.parent == nb.parent and na.parent in nodes) or na.parent == nb.id or nb.parent == na.id
            if together:
                continue
            scope, why = ON_MODULE[confined[0]]
            yield self.violation(
                f"{ctx.label(link.id)} runs {protocol_name(confined[0])} between {ctx.label(na.id)} and "
                f"{ctx.label(nb.id)}, which are not in the same {scope}: {why}",
                (link.id, na.id, nb.id),
            )
