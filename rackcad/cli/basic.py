"""Sub-commands: new, templates, parts, info."""

from __future__ import annotations

import argparse
import sys

from rackcad.cli.common import EXIT_OK, CliError, load_design, print_json, progress_bar
from rackcad.units import fmt_gbps, fmt_power


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("new", help="create a design from a template")
    p.add_argument("--template", "-t", required=True, help="template name (see `rackcad templates`)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="template parameter")
    p.add_argument("-o", "--output", required=True, help="the .rackcad file to write")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("templates", help="list the system templates")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_templates)

    p = sub.add_parser("parts", help="list catalog parts")
    p.add_argument("--kind", help="only parts of this kind (gpu, cpu, xpu, switch, tray, rack, ...)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_parts)

    p = sub.add_parser("info", help="print a design's summary")
    p.add_argument("file")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--site-mw", type=float, metavar="MW",
                   help="site power budget: say how many scalable units of this design it feeds")
    p.set_defaults(func=cmd_info)


def cmd_new(args) -> int:
    from rackcad.analysis import summary
    from rackcad.files import save
    from rackcad.templates import TemplateError, build

    params = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise CliError(f"--set {item!r}: expected KEY=VALUE")
        params[key.strip()] = value
    with progress_bar() as bar:
        try:
            design = build(args.template, progress=bar, **params)
        except TemplateError as exc:
            raise CliError(str(exc)) from None
        try:
            save(design, args.output, progress=bar)
        except OSError as exc:
            raise CliError(f"{args.output}: {exc.strerror or exc}") from None
        info = summary(design, progress=bar)
    print(f"wrote {args.output}: {info['racks']} racks, {info['counts'].get('gpu', 0) + info['counts'].get('xpu', 0)}"
          f" accelerators, {info['links']:,} links, {fmt_power(info['power_w'])}")
    return EXIT_OK


def cmd_templates(args) -> int:
    from rackcad.templates import get, names

    rows = []
    for name in names():
        t = get(name)
        rows.append({"name": name, "title": t.title, "status": t.status, "description": t.description,
                     "params": {k: {"default": p.default, "help": p.help} for k, p in t.params.items()}})
    if args.format == "json":
        print_json(rows)
        return EXIT_OK
    for row in rows:
        params = " ".join(f"{k}={v['default']}" for k, v in row["params"].items())
        print(f"{row['name']:<15} {row['status']:<10} {row['description']}")
        if params:
            print(f"{'':<15} {'':<10} parameters: {params}")
    return EXIT_OK


def _part_row(part) -> dict:
    ports = ", ".join(f"{g.count}x{g.protocol} {g.gbps:g}G" for g in part.ports)
    return {"id": part.id, "kind": part.kind, "vendor": part.vendor, "model": part.model, "status": part.status,
            "power_w": part.power_w, "scale_up_gbps": part.scale_up_gbps, "ports": ports}


def cmd_parts(args) -> int:
    from rackcad.catalog import default_catalog

    catalog = default_catalog()
    for error in catalog.errors:  # each bad file is skipped; the rest of the catalog is listed
        print(f"rackcad: warning: skipped {error}", file=sys.stderr)
    parts = [p for p in catalog if args.kind is None or p.kind == args.kind]
    if args.kind and not parts:
        kinds = sorted({p.kind for p in catalog})
        raise CliError(f"no parts of kind {args.kind!r}; kinds: {', '.join(kinds)}")
    rows = [_part_row(p) for p in parts]
    if args.format == "json":
        print_json(rows)
        return EXIT_OK
    for r in rows:
        power = fmt_power(r["power_w"]) if r["power_w"] else ""
        print(f"{r['id']:<30} {r['kind']:<15} {r['model'][:38]:<38} {power:>9}  {r['ports']}")
    return EXIT_OK


def format_summary(info: dict) -> str:
    counts = ", ".join(f"{v} {k}" for k, v in info["counts"].items())
    lines = [
        f"{info['name']}",
        f"  racks: {info['racks']}   parts: {counts}",
        f"  power: {fmt_power(info['power_w'])}",
    ]
    for rack in info["per_rack"]:
        budget = f" of {fmt_power(rack['power_budget_w'])}" if rack["power_budget_w"] else ""
        lines.append(f"    {rack['name']:<10} {fmt_power(rack['power_w'])}{budget}  liquid "
                     f"{fmt_power(rack['heat_liquid_w'])}, air {fmt_power(rack['heat_air_w'])}")
    domains = info["nvlink_domains"]
    shown = ", ".join(map(str, domains[:8])) + (" ..." if len(domains) > 8 else "")
    lines.append(f"  NVLink domains: {len(domains)} ({shown or 'none'} accelerators)")
    bw = info["scale_up_gbps_per_gpu"]
    lines.append(f"  scale-up per accelerator: {fmt_gbps(bw['min'])} - {fmt_gbps(bw['max'])} per direction "
                 f"({bw['max'] * 2 / 8 / 1000:.2f} TB/s bidirectional max)")
    lines.append(f"  links: {info['links']:,} ({', '.join(f'{v:,} {k}' for k, v in info['links_by_protocol'].items())})")
    if info.get("domains"):
        top = info["domains"][0]
        tiers = f"{top['switches']} switch chips in {top['tiers']} tier{'s' if top['tiers'] != 1 else ''}"
        lines.append(f"  largest NVLink domain: {top['size']} accelerators, "
                     f"{tiers if top['switches'] else 'no switches (direct links)'}")
        full = top["full_bisection_gbps"]
        share = f" ({info['bisection_gbps'] / full:.0%} of non-blocking {fmt_gbps(full)})" if full else ""
        lines.append(f"  bisection: {fmt_gbps(info['bisection_gbps'])} per direction{share}")
        lines.append(f"  all-to-all per accelerator: {fmt_gbps(info['alltoall_gbps_per_gpu'])} per direction "
                     "(within the domain)")
    out = info.get("scale_out") or {}
    if out.get("tiers"):
        tiers = ", ".join(f"{n} {t}" for t, n in out["switches"].items())
        lines.append(f"  scale-out: {out['nic_ports']:,} NIC ports ({fmt_gbps(out['nic_gbps'])}), {out['tiers']} tiers "
                     f"({tiers}), bisection {fmt_gbps(out['bisection_gbps'])}, worst oversubscription "
                     f"{out['oversubscription']['max']:.2f}:1")
    optics = info.get("optics") or {}
    if optics.get("pluggable_ports") or optics.get("cpo_ports"):
        lines.append(f"  optics: {optics['transceivers']:,} transceivers, {optics['cpo_ports']:,} co-packaged ports, "
                     f"{optics['lasers']:,.0f} lasers, {fmt_power(optics['optics_power_w'])} "
                     f"({optics['pj_per_bit']:.1f} pJ/bit)")
    fac = info.get("facility") or {}
    if fac.get("it_power_w"):
        line = (f"  facility: IT {fmt_power(fac['it_power_w'])} x PUE {fac['pue']:.2f} = "
                f"{fmt_power(fac['facility_power_w'])}")
        if fac.get("sus"):
            line += f" ({fmt_power(fac['facility_power_w_per_su'])} per SU)"
        lines.append(line)
        if fac.get("site_power_w"):
            lines.append(f"  site: {fmt_power(fac['site_power_w'])} feeds {fac['sus_that_fit']} scalable units of this "
                         f"kind (headroom {fmt_power(fac['site_headroom_w'])} with this design)")
    if info["unknown_parts"]:
        lines.append(f"  unknown parts: {', '.join(info['unknown_parts'])}")
    return "\n".join(lines)


def cmd_info(args) -> int:
    from rackcad.analysis import summary
    from rackcad.catalog import UnknownPart

    if args.site_mw is not None and not args.site_mw > 0:
        raise CliError("--site-mw must be a positive number of megawatts")
    with progress_bar() as bar:
        design = load_design(args.file, bar)
        if args.site_mw is not None:
            design.metadata["site.power_w"] = str(args.site_mw * 1e6)
        try:
            info = summary(design, progress=bar)
        except UnknownPart as exc:  # pragma: no cover - summary tolerates unknown parts
            raise CliError(str(exc)) from None
    if args.format == "json":
        print_json(info)
    else:
        print(format_summary(info))
    return EXIT_OK
