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
    title = "A switch of any tier (NVLink or scale-out) with more bandwidth down than up, or no uplinks at all"

    def check(self, ctx: Context) -> Iterator[Violation]:
        """Levels come from `DesignIndex.levels` (endpoints 0, leaves 1, spines 2, cores 3): a link to a lower
        level goes down, to a higher one up, at the slower port's rate times its count. The top tier of each
        protocol has no uplinks by design; a switch below it with downlinks and no uplink strands its
        endpoints (a leaf cut off from the spines)."""
        levels = ctx.index.levels
        down: dict[str, float] = defaultdict(float)
        up: dict[str, float] = defaultdict(float)
        protocol_of: dict[str, str] = {}
        top: dict[str, int] = defaultdict(int)
        for link, a, b in ctx.link_ends:
            if a.group is None or b.group is None or a.node is b.node:
                continue
            la, lb = levels.get(a.key[0]), levels.get(b.key[0])
            if la is None or lb is None or la == lb:
                continue
            rate = min(a.group.gbps, b.group.gbps) * link.count
            (low, _), (high, high_level) = sorted(((a.key[0], la), (b.key[0], lb)), key=lambda x: x[1])
            down[high] += rate
            if levels[low] > 0:
                up[low] += rate
            protocol_of[high] = link.protocol
            top[link.protocol] = max(top[link.protocol], high_level)
        allowed = ctx.settings.max_oversubscription
        for switch, downlink in down.items():
            uplink = up.get(switch, 0.0)
            level = levels[switch]
            if uplink == 0:
                if level < top[protocol_of[switch]]:
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
