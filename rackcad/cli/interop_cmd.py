"""Sub-commands: import netbox-types, export netbox | astra-sim (other tools' formats, rackcad.interop)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rackcad.cli.common import EXIT_OK, CliError, load_design, print_json


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="read other tools' files (NetBox device types)")
    kinds = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    q = kinds.add_parser("netbox-types", help="NetBox device/module type YAML -> user catalog parts")
    q.add_argument("folder", metavar="DIR", help="a devicetype-library checkout, a vendor folder or one file")
    q.add_argument("-o", "--output", metavar="CATALOG_DIR",
                   help="where to write the parts (default: the user catalog folder)")
    q.add_argument("--dry-run", action="store_true", help="report what would be imported, write nothing")
    q.add_argument("--format", choices=["text", "json"], default="text")
    q.set_defaults(func=cmd_import_netbox)
    q = kinds.add_parser("dxf-hall", help="a building DXF's hall outline and columns -> the design's floor")
    q.add_argument("file", help="the .rackcad design")
    q.add_argument("dxf", metavar="HALL.dxf")
    q.add_argument("-o", "--output", required=True, metavar="OUT.rackcad", help="the design with the new floor")
    q.set_defaults(func=cmd_import_dxf)

    p = sub.add_parser("export", help="write a design in other tools' formats (NetBox, ASTRA-sim, SimAI)")
    kinds = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    q = kinds.add_parser("netbox", help="NetBox device/module types (YAML) and bulk-import CSVs")
    q.add_argument("file")
    q.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write into")
    q.add_argument("--push", metavar="URL", help="also create/update everything in this NetBox (pynetbox)")
    q.add_argument("--token-env", default="NETBOX_TOKEN", metavar="VAR",
                   help="environment variable holding the NetBox API token (default NETBOX_TOKEN)")
    q.set_defaults(func=cmd_export_netbox)

    q = kinds.add_parser("astra-sim", help="the fabric as an ASTRA-sim network (YAML or ns-3 topology) or SimAI topology")
    q.add_argument("file")
    q.add_argument("-o", "--output", required=True, metavar="OUT.yaml|OUT.txt",
                   help="ASTRA-sim network YAML, or SimAI topology text with --format simai")
    q.add_argument("--format", choices=["astra-sim", "astra-ns3", "simai"], default="astra-sim",
                   help="astra-sim: analytical network YAML (default); astra-ns3: ns-3 physical topology; "
                        "simai: SimAI topology file")
    q.add_argument("--latency-ns", type=float, default=None,
                   help="per-hop link latency in ns (default: by medium, see the README)")
    q.set_defaults(func=cmd_export_sim)


def cmd_import_netbox(args) -> int:
    from rackcad.interop.netbox_types import import_types
    from rackcad.userdirs import config_dir

    source = Path(args.folder)
    if not source.exists():
        raise CliError(f"{source}: no such file or folder")
    out = None if args.dry_run else Path(args.output) if args.output else config_dir() / "catalog"
    reports = import_types(source, out)
    if not reports:
        raise CliError(f"{source}: no .yaml or .yml files")
    if args.format == "json":
        print_json([r.to_dict() for r in reports])
    else:
        for r in reports:
            what = f"{r.part_id} ({r.kind})" if r.part_id else ""
            print(f"{r.status:<8} {r.path}  {what}")
            for guess in r.guesses:
                print(f"         guessed: {guess}")
            for note in r.notes:
                print(f"         {note}")
        counts = {s: sum(r.status == s for r in reports) for s in ("mapped", "guessed", "skipped", "error")}
        target = f" into {out}" if out else " (dry run: nothing written)"
        print(f"{len(reports)} files: " + ", ".join(f"{n} {s}" for s, n in counts.items()) + target,
              file=sys.stderr)
    return EXIT_OK


def cmd_import_dxf(args) -> int:
    from rackcad.files import save
    from rackcad.interop import InteropError
    from rackcad.interop.dxf_floor import apply_hall, read_hall
    from rackcad.rules import validate

    design = load_design(args.file, expand=True)
    try:
        hall = read_hall(args.dxf)
        design = apply_hall(design, hall)
    except InteropError as exc:
        raise CliError(str(exc)) from None
    except ValueError as exc:  # the outline or a keep-out the model refuses (too many points, out of range)
        raise CliError(f"{args.dxf}: {exc}") from None
    try:
        save(design, args.output)
    except OSError as exc:
        raise CliError(f"{args.output}: {exc.strerror or exc}") from None
    report = validate(design)
    blocked = [v for v in report.violations if v.code in ("geometry.keepout", "geometry.off_floor")]
    print(f"wrote {args.output}: hall {hall.width_mm / 1000:g} x {hall.depth_mm / 1000:g} m, outline of "
          f"{len(hall.outline)} points, {len(hall.keepouts)} keep-out areas")
    for violation in blocked:
        print(f"  {violation.code:<20} {violation.message}")
    return EXIT_OK


def cmd_export_netbox(args) -> int:
    from rackcad.interop import InteropError
    from rackcad.interop.netbox_export import netbox_export, write_netbox

    design = load_design(args.file, expand=True)
    try:
        export = netbox_export(design)
        written = write_netbox(export, args.output)
    except InteropError as exc:
        raise CliError(f"{args.file}: {exc}") from None
    except OSError as exc:
        raise CliError(f"{args.output}: {exc.strerror or exc}") from None
    tables = export.tables
    print(f"wrote {len(written)} files to {args.output}: {len(export.device_types)} device types, "
          f"{len(export.module_types)} module types, {len(tables['devices'])} devices, "
          f"{len(tables['modules'])} modules, {len(tables['interfaces']):,} interfaces, "
          f"{len(tables['cables']):,} cables")
    if args.push:
        from rackcad.interop.netbox_push import connect, push

        token = os.environ.get(args.token_env)
        if not token:
            raise CliError(f"--push needs the API token in ${args.token_env}")
        try:
            result = push(export, connect(args.push, token))
        except InteropError as exc:
            raise CliError(f"{args.push}: {exc}") from None
        print(f"pushed to {args.push}: {result.created} created, {result.updated} updated, "
              f"{result.unchanged} unchanged")
    return EXIT_OK


def cmd_export_sim(args) -> int:
    from rackcad.interop import InteropError
    from rackcad.interop.simulator import write_topology

    design = load_design(args.file, expand=True)
    try:
        summary = write_topology(design, args.output, args.format, latency_ns=args.latency_ns)
    except InteropError as exc:
        raise CliError(f"{args.file}: {exc}") from None
    except OSError as exc:
        raise CliError(f"{args.output}: {exc.strerror or exc}") from None
    print(f"wrote {args.output}: {summary}")
    return EXIT_OK
