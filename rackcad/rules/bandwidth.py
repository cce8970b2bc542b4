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
    title = "A switch chip whose capacity down to accelerators exceeds its uplinks by more than allowed"
    reads = WIRING

    def check(self, ctx: Context) -> Iterator[Violation]:
        allowed = ctx.settings.max_oversubscription
        figures = ctx.figures
        for chip in ctx.nodes:
            if ctx.node_parts.get(chip.id) is None or ctx.node_parts[chip.id].kind != "switch":
                continue
            down: list[float] = []
            up: list[float] = []
            for fig, side in figures.ends_at(chip.id):
                own, far = (fig.b, fig.a) if side else (fig.a, fig.b)
                if own.group is None or far.group is None or own.node is far.node:
                    continue
                rate = min(own.group.gbps, far.group.gbps) * fig.link.count
                if far.kind == "switch":
                    up.append(rate)
                elif far.kind in ACCELERATOR_KINDS:
                    down.append(rate)
            uplink, downlink = math.fsum(up), math.fsum(down)
            if uplink > 0 and downlink > uplink * allowed * (1 + 1e-9):
                ratio = downlink / uplink
                yield self.violation(
                    f"{ctx.label(chip.id)} has {fmt_gbps(downlink)} down to accelerators but {fmt_gbps(uplink)} up to "
                    f"other switch chips: {ratio:.2f}:1 oversubscribed, allowed {allowed:.2f}:1",
                    (chip.id,), measured=ratio, limit=allowed, unit="ratio",
                )
