"""Bandwidth rules: each accelerator's connected scale-up bandwidth, and the first switch tier's uplinks.

All figures are Gb/s per direction. A link runs at the slower end's port rate times its `count`, and a
port group never delivers more than its ports' total (overcommitted ports are `ports.overcommitted`),
the same arithmetic as DesignIndex.scale_up_gbps and `rackcad info`. Computed as ports in use x port rate
less what slower peers take away, so only links whose ends differ in rate cost more than a comparison.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from rackcad.catalog import ACCELERATOR_KINDS
from rackcad.rules.context import Context
from rackcad.rules.rule import Rule
from rackcad.rules.violation import Violation
from rackcad.units import fmt_gbps


class ScaleUp(Rule):
    code = "bandwidth.scale_up"
    severity = "warning"
    title = "Accelerator scale-up bandwidth below nominal (slower peers, warning) or below the design target (error)"

    def check(self, ctx: Context) -> Iterator[Violation]:
        loss: dict[tuple[str, str], float] = defaultdict(float)  # (node, group) -> Gb/s lost to slower peers
        slowest: dict[str, tuple[float, float]] = {}  # node -> (slowest peer port rate, own port rate)
        for link, a, b in ctx.link_ends:
            ga, gb = a.group, b.group
            if ga is None or gb is None or ga.gbps == gb.gbps:
                continue  # the common case: both ends run at one rate and nothing is lost
            (fast, fast_group), (slow, slow_group) = ((a, ga), (b, gb)) if ga.gbps > gb.gbps else ((b, gb), (a, ga))
            if fast.kind in ACCELERATOR_KINDS and fast_group.role == "scale-up" and slow.part is not None:
                own, peer = fast_group.gbps, slow_group.gbps
                loss[fast.key] += (own - peer) * link.count
                ctx.use_port(slow.key[0], slow.part, slow_group)
                worst = slowest.get(fast.key[0], (own, own))[0]
                slowest[fast.key[0]] = (min(worst, peer), own)
        used = ctx.port_use
        target = ctx.settings.scale_up_target_gbps
        for node in ctx.index.accelerators:
            part = ctx.part(node)
            if part is None:
                continue
            total = nominal = 0.0
            for group in part.ports:
                if group.role != "scale-up":
                    continue
                ctx.use_port(node.id, part, group)
                key = (node.id, group.name)
                total += min(used.get(key, 0) * group.gbps - loss.get(key, 0.0), group.total_gbps)
                nominal += group.total_gbps
            if node.id in slowest:
                peer, own = slowest[node.id]
                yield self.violation(
                    f"{ctx.label(node.id)} gets {fmt_gbps(total)} of its {fmt_gbps(nominal)} nominal scale-up "
                    f"bandwidth per direction: links reach slower ports ({fmt_gbps(peer)} per port against its "
                    f"{fmt_gbps(own)})",
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

    def check(self, ctx: Context) -> Iterator[Violation]:
        down: dict[str, float] = defaultdict(float)
        up: dict[str, float] = defaultdict(float)
        for link, a, b in ctx.link_ends:
            if a.kind != "switch" and b.kind != "switch":
                continue
            if a.group is None or b.group is None or a.node is b.node:
                continue
            rate = min(a.group.gbps, b.group.gbps) * link.count
            if a.kind == b.kind == "switch":
                up[a.key[0]] += rate
                up[b.key[0]] += rate
            elif a.kind == "switch" and b.kind in ACCELERATOR_KINDS:
                down[a.key[0]] += rate
            elif b.kind == "switch" and a.kind in ACCELERATOR_KINDS:
                down[b.key[0]] += rate
        allowed = ctx.settings.max_oversubscription
        for chip, uplink in up.items():
            downlink = down.get(chip, 0.0)
            if uplink > 0 and downlink > uplink * allowed * (1 + 1e-9):
                ratio = downlink / uplink
                yield self.violation(
                    f"{ctx.label(chip)} has {fmt_gbps(downlink)} down to accelerators but {fmt_gbps(uplink)} up to "
                    f"other switch chips: {ratio:.2f}:1 oversubscribed, allowed {allowed:.2f}:1",
                    (chip,), measured=ratio, limit=allowed, unit="ratio",
                )
