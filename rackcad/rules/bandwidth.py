"""Bandwidth rules: each accelerator's connected scale-up bandwidth, and the first switch tier's uplinks.

All figures are Gb/s per direction. A link runs at the slower end's port rate times its `count`, and a
port group never delivers more than its ports' total (overcommitted ports are `ports.overcommitted`),
the same arithmetic as DesignIndex.scale_up_gbps and `rackcad info`. Computed as ports in use x port rate
less what slower peers take away, so only links whose ends differ in rate cost more than a comparison.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator

from rackcad.catalog import ACCELERATOR_KINDS
from rackcad.rules.context import Context
from rackcad.rules.rule import WIRING, Rule
from rackcad.rules.violation import Violation
from rackcad.units import fmt_gbps


class ScaleUp(Rule):
    code = "bandwidth.scale_up"
    severity = "warning"
    title = "Accelerator scale-up bandwidth below nominal (slower peers, warning) or below the design target (error)"
    reads = WIRING

    def check(self, ctx: Context) -> Iterator[Violation]:
        used = ctx.port_use
        target = ctx.settings.scale_up_target_gbps
        figures = ctx.figures
        for node in ctx.accelerators:
            part = ctx.part(node)
            if part is None:
                continue
            loss: dict[str, float] = defaultdict(float)  # group -> Gb/s lost to slower peers
            slowest: tuple[float, float] | None = None  # (slowest peer port rate, own port rate)
            for fig, side in figures.ends_at(node.id):
                own, far = (fig.b, fig.a) if side else (fig.a, fig.b)
                if own.group is None or far.group is None or own.group.gbps <= far.group.gbps:
                    continue  # the common case: both ends run at one rate and nothing is lost
                if own.group.role == "scale-up" and far.part is not None:
                    rate, peer = own.group.gbps, far.group.gbps
                    loss[own.group.name] += (rate - peer) * fig.link.count
                    ctx.use_port(far.key[0], far.part, far.group)
                    slowest = (min(slowest[0], peer) if slowest else peer, rate)
            total = nominal = 0.0
            for group in part.ports:
                if group.role != "scale-up":
                    continue
                ctx.use_port(node.id, part, group)
                in_use = used.get((node.id, group.name), 0)
                total += min(in_use * group.gbps - loss.get(group.name, 0.0), group.total_gbps)
                nominal += group.total_gbps
            if slowest is not None:
                peer, own_rate = slowest
                yield self.violation(
                    f"{ctx.label(node.id)} gets {fmt_gbps(total)} of its {fmt_gbps(nominal)} nominal scale-up "
                    f"bandwidth per direction: links reach slower ports ({fmt_gbps(peer)} per port against its "
                    f"{fmt_gbps(own_rate)})",
                    (node.id,), measured=total, limit=nominal, unit="Gb/s",
                )
            if target is not None and total < target:
                yield self.violation(
                    f"{ctx.label(node.id)} gets {fmt_gbps(total)} of scale-up bandwidth per direction, below the "
                    f"design target of {fmt_gbps(target)}",
                    (node.id,), measured=total, limit=target, unit="Gb/s", severity="error",
                )


class Oversubscription(Rule):
    code = "bandwidth.oversubscription"
    title = "A switch of any tier (NVLink or scale-out) with more bandwidth down than up, or no uplinks at all"
    reads = WIRING
    scope = "design"

    def check(self, ctx: Context) -> Iterator[Violation]:
        """Levels come from `ctx.levels` (endpoints 0, leaves 1, spines 2, cores 3): a link to a lower level
        goes down, to a higher one up, at the slower port's rate times its count. The top tier of each protocol
        has no uplinks by design; a switch below it with downlinks and no uplink strands its endpoints (a leaf
        cut off from the spines)."""
        down, up, protocol_of, top = self.flows(ctx)
        levels = ctx.levels
        allowed = ctx.settings.max_oversubscription
        for switch, rates in down.items():
            downlink, uplink = math.fsum(rates), math.fsum(up.get(switch, ()))
            if uplink == 0:
                if levels[switch] < top[protocol_of[switch]]:
                    yield self.violation(
                        f"{ctx.label(switch)} has {fmt_gbps(downlink)} down but no uplinks, though its fabric has "
                        f"switches above it: what it serves is cut off from the rest", (switch,),
                        measured=downlink, limit=0, unit="Gb/s")
                continue
            if downlink > uplink * allowed * (1 + 1e-9):
                ratio = downlink / uplink
                yield self.violation(
                    f"{ctx.label(switch)} has {fmt_gbps(downlink)} down but {fmt_gbps(uplink)} up: "
                    f"{ratio:.2f}:1 oversubscribed, allowed {allowed:.2f}:1",
                    (switch,), measured=ratio, limit=allowed, unit="ratio",
                )

    @staticmethod
    def flows(ctx: Context) -> tuple[dict, dict, dict, dict]:
        """(down rates per switch, up rates per switch, protocol per switch, top tier level per protocol).
        The top tier is the design's: a check of part of a design (a piece of a hall) is exact only where
        its tops are the whole design's."""
        levels = ctx.levels
        down: dict[str, list[float]] = defaultdict(list)
        up: dict[str, list[float]] = defaultdict(list)
        protocol_of: dict[str, str] = {}
        top: dict[str, int] = defaultdict(int)
        for fig in ctx.link_ends:
            link, a, b = fig
            if a.group is None or b.group is None or a.node is b.node:
                continue
            la, lb = levels.get(a.key[0]), levels.get(b.key[0])
            if la is None or lb is None or la == lb:
                continue
            rate = fig.rate_gbps * link.count  # the slower end's rate, a breakout end's sub-port rate
            (low, low_level), (high, high_level) = sorted(((a.key[0], la), (b.key[0], lb)), key=lambda x: x[1])
            down[high].append(rate)
            if low_level > 0:
                up[low].append(rate)
            protocol_of[high] = link.protocol
            top[link.protocol] = max(top[link.protocol], high_level)
        return down, up, protocol_of, top
