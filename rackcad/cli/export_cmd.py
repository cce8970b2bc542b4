"""Sub-commands: bom, cables, diagram (the exporters of rackcad.export)."""

from __future__ import annotations

import argparse

from rackcad.cli.common import EXIT_OK, CliError, load_design, number

VIEWS = ("elevation", "topology", "floor")
"""The diagram views; the same as rackcad.export.svg.VIEWS (a test keeps them equal), listed here so that
building the parser does not import the SVG writer."""


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bom", help="write the bill of materials (CSV, XLSX or JSON, by suffix)")
    p.add_argument("file")
    p.add_argument("-o", "--output", required=True, metavar="OUT.csv|OUT.xlsx|OUT.json")
    p.set_defaults(func=cmd_bom)

    p = sub.add_parser("cables", help="write the cable schedule (CSV): one row per link")
    p.add_argument("file")
    p.add_argument("-o", "--output", required=True, metavar="OUT.csv")
    p.set_defaults(func=cmd_cables)

    p = sub.add_parser("diagram", help="draw the racks, topology or floor plan (SVG, PNG or PDF, by suffix)")
    p.add_argument("file")
    p.add_argument("-o", "--output", required=True, metavar="OUT.svg|OUT.png|OUT.pdf")
    p.add_argument("--view", choices=VIEWS, default="elevation")
    p.add_argument("--dpi", type=number(10, 2400), default=150, help="PNG resolution, 10-2400 (default 150)")
    p.set_defaults(func=cmd_diagram)


def _run(args, export_name: str, *extra) -> int:
    import rackcad.export
    from rackcad.export import ExportError

    export = getattr(rackcad.export, export_name)
    design = load_design(args.file)
    try:
        export(design, args.output, *extra)
    except ExportError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"{args.output}: {exc.strerror or exc}") from None
    print(f"wrote {args.output}")
    return EXIT_OK


def cmd_bom(args) -> int:
    return _run(args, "export_bom")


def cmd_cables(args) -> int:
    return _run(args, "export_cables")


def cmd_diagram(args) -> int:
    return _run(args, "export_diagram", args.view, args.dpi)
