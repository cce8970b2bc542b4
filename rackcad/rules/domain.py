"""NVLink-domain rules: a domain larger than its NVLink generation allows, and a domain mixing generations.

A domain is a connected part of the scale-up fabric (accelerators joined through NVLink links and switch
chips) holding accelerators; its size is counted in accelerator packages, the way NVIDIA counts GPUs for
Blackwell and again since 2026 (a Rubin Ultra package is one GPU of 4 dies). A part's generation is that
of its scale-up port groups; a domain's is the one most of its parts have.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from rackcad.catalog import ACCELERATOR_KINDS
from rackcad.rules.context import Context
from rackcad.rules.ports import nvlink_generation
from rackcad.rules.rule import Rule
from rackcad.rules.violation import Violation, natural

DOMAIN = frozenset({"node+", "node.part", "link+", "link.a", "link.b", "link.protocol"})
"""What the scale-up graph and its domains depend on."""

DOMAIN_LIMITS: dict[int, tuple[int, str]] = {
    4: (256, "S11: NVLink Switch System / DGX GH200, up to 256 GPUs"),
    5: (576, "S4: NVLink 5 supports up to 576 GPUs in one domain"),
    # Estimates, not in any source: nothing public bounds an NVLink 6 domain beyond its 72-package rack, so
    # NVLink 5's 576 is assumed; Rubin Ultra NVL576 is 144 packages and NVLink 7 is assumed to double it.
    6: (576, "estimate: NVLink 5's 576 assumed"),
    7: (1152, "estimate: twice NVLink 6 assumed"),
}


class _Domain:
    """One connected part of the scale-up fabric that holds accelerators, with the generation of each part."""

    def __init__(self, ctx: Context, members: set[str]):
        self.accelerators: list[str] = []
        self.generation_of: dict[str, int] = {}
        self.packages = 0
        for node_id in sorted(members, key=natural):
            part = ctx.node_parts[node_id]
            if part is None:
                continue
            if part.kind in ACCELERATOR_KINDS:
                self.accelerators.append(node_id)
                self.packages += part.packages or 1
            for group in part.ports:
                generation = nvlink_generation(group.protocol) if group.role == "scale-up" else None
                if generation:
                    self.generation_of[node_id] = generation
                    break
        self.counts = Counter(self.generation_of.values())
        self.generation = self.counts.most_common(1)[0][0] if self.counts else None

    def describe(self, ctx: Context) -> str:
        first = ctx.label(self.accelerators[0])
        others = len(self.accelerators) - 1
        return f"the NVLink domain of {first}" + (f" and {others:,} more accelerators" if others else "")


def _domains(ctx: Context) -> Iterator[_Domain]:
    parts = ctx.node_parts
    for members in ctx.components:
        if any((part := parts[n]) is not None and part.kind in ACCELERATOR_KINDS for n in members):
            yield _Domain(ctx, members)


class Size(Rule):
    code = "domain.size"
    title = "An NVLink domain with more accelerator packages than its generation allows"
    reads = DOMAIN
    scope = "design"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for domain in _domains(ctx):
            if domain.generation not in DOMAIN_LIMITS:
                continue
            limit, basis = DOMAIN_LIMITS[domain.generation]
            if domain.packages > limit:
                yield self.violation(
                    f"{domain.describe(ctx)} holds {domain.packages:,} accelerator packages; NVLink "
                    f"{domain.generation} allows {limit:,} ({basis})",
                    domain.accelerators, measured=domain.packages, limit=limit, unit="packages",
                )


class MixedGeneration(Rule):
    code = "domain.mixed_generation"
    title = "An NVLink domain joining parts of different NVLink generations"
    reads = DOMAIN
    scope = "design"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for domain in _domains(ctx):
            if len(domain.counts) < 2:
                continue
            odd = [n for n, g in domain.generation_of.items() if g != domain.generation]
            mix = " and ".join(f"NVLink {generation} ({n:,} part{'s' if n != 1 else ''})"
                               for generation, n in sorted(domain.counts.items()))
            named = ", ".join(ctx.label(n) for n in odd[:5]) + (f" and {len(odd) - 5:,} more" if len(odd) > 5 else "")
            yield self.violation(
                f"{domain.describe(ctx)} mixes {mix}; the parts not on NVLink {domain.generation}: {named}",
                odd, measured=len(domain.counts), limit=1, unit="generations",
            )


HOST_ROLES = ("c2c", "host")


class HostMissing(Rule):
    code = "domain.host_missing"
    title = "An accelerator that needs a host CPU (GB200's Grace over NVLink-C2C, a PCIe host) without one"
    reads = DOMAIN | {"node.parent", "node.bay", "link.count"}  # free CPU ports follow the links' counts
    scope = "design"

    def check(self, ctx: Context) -> Iterator[Violation]:
        """An accelerator part with host-side port groups (role c2c or host) needs a CPU: a GB200 GPU runs only
        with its Grace (S45), a Fusion XPU with its host (S39). It has one when one of those groups is
        linked, or when a CPU in its own tray still has a free port of that role (a link not drawn yet);
        otherwise the host is gone. Parts without such groups (HGX GPUs) are not checked."""
        used = ctx.port_use
        free: dict[tuple[str, str], int] = defaultdict(int)  # (tray, role) -> free CPU ports
        for node in ctx.design.nodes:
            part = ctx.node_parts.get(node.id)
            if part is not None and part.kind == "cpu":
                for group in part.ports:
                    if group.role in HOST_ROLES:
                        free[(node.parent, group.role)] += max(group.count - used.get((node.id, group.name), 0), 0)
        for node in ctx.accelerators:
            part = ctx.part(node)
            groups = [g for g in part.ports if g.role in HOST_ROLES] if part else []
            if not groups or any(used.get((node.id, g.name), 0) for g in groups):
                continue
            spare = next(((node.parent, g.role) for g in groups if free[(node.parent, g.role)] > 0), None)
            if spare is not None:
                free[spare] -= 1
                continue
            names = " or ".join(f"'{g.name}' ({g.protocol})" for g in groups)
            yield self.violation(
                f"{ctx.label(node.id)} ({part.model}) has no host: none of its {names} ports is linked to a CPU and "
                f"no CPU in its tray has one free", (node.id,))
