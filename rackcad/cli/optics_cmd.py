"""Sub-command: optics (CPO against pluggables for a design and its twin with the other optics choice)."""

from __future__ import annotations

import argparse

from rackcad.cli.common import EXIT_OK, load_design, print_json
from rackcad.units import fmt_power


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("optics", help="CPO against pluggables, per tier, for the design and its twin")
    p.add_argument("file")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_optics)


def format_comparison(out: dict) -> str:
    design, twin = out["design"], out["twin"]
    tiers = list(dict.fromkeys([*design["by_tier"], *twin["by_tier"]]))
    lines = [f"{'':<22}{'this design (' + design['label'] + ')':>28}{'twin (' + twin['label'] + ')':>26}"]

    def row(label: str, a, b) -> None:
        lines.append(f"  {label:<20}{a:>28}{b:>26}")

    for tier in [*tiers, None]:
        a = design["by_tier"].get(tier, {}) if tier else design
        b = twin["by_tier"].get(tier, {}) if tier else twin
        lines.append(f"{('links up to the ' + tier) if tier else 'total'}:")
        row("transceivers", f"{a.get('transceivers', 0):,}", f"{b.get('transceivers', 0):,}")
        row("co-packaged ports", f"{a.get('cpo_ports', 0):,}", f"{b.get('cpo_ports', 0):,}")
        row("lasers", f"{a.get('lasers', 0):,.0f}", f"{b.get('lasers', 0):,.0f}")
        row("optics power", fmt_power(a.get("optics_power_w", 0)), fmt_power(b.get("optics_power_w", 0)))
        share_a = design["share_by_tier"].get(tier, 0) if tier else design["share_of_it"]
        share_b = twin["share_by_tier"].get(tier, 0) if tier else twin["share_of_it"]
        row("share of IT power", f"{share_a:.2%}", f"{share_b:.2%}")
        row("energy per bit", f"{a.get('pj_per_bit', 0):.2f} pJ/bit", f"{b.get('pj_per_bit', 0):.2f} pJ/bit")
    row("IT power", fmt_power(design["it_power_w"]), fmt_power(twin["it_power_w"]))
    ratios = out["ratios"]
    lines.append("twin / design: " + ", ".join(f"{k.replace('_', ' ')} {v:.2f}x" if v is not None else f"{k} -"
                                               for k, v in ratios.items()))
    lines.append("per port, on one basis (W per 800G of ports):")
    for side in (design, twin):
        for fig in side["per_port"]:
            lines.append(f"  [{side['label']}] {fig['label']}: {fig['w_per_port']:g} W per {fig['port_gbps']:g}G "
                         f"port = {fig['w_per_800g']:g} W per 800G; {fig['source']}")
    return "\n".join(lines)


def cmd_optics(args) -> int:
    from rackcad.analysis.cpo import compare

    out = compare(load_design(args.file, expand=True))
    if args.format == "json":
        print_json(out)
    else:
        print(format_comparison(out))
    return EXIT_OK
