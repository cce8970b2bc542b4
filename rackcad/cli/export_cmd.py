"""Sub-commands: bom, cables, diagram (the exporters of rackcad.export)."""

from __future__ import annotations

import argparse

from rackcad.cli.common import EXIT_OK, CliError, load_design, number, progress_bar

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

    p = sub.add_parser("diagram", help="draw the racks, topology or floor plan (SVG, PNG, PDF, draw.io or DXF, "
                                       "by suffix)")
    p.add_argument("file")
    p.add_argument("-o", "--output", required=True, metavar="OUT.svg|OUT.png|OUT.pdf|OUT.drawio|OUT.dxf",
                   help=".drawio draws the elevation or topology; .dxf the floor plan (needs rackcad[dxf])")
    p.add_argument("--view", choices=VIEWS, default="elevation")
    p.add_argument("--dpi", type=number(10, 2400), default=150, help="PNG resolution, 10-2400 (default 150)")
    p.set_defaults(func=cmd_diagram)


def _run(args, write, errors: type[Exception]) -> int:
    """Load the design, `write(design, output, progress)` under a progress bar, and turn `errors` and
    OSError into one-line CLI errors. Every export takes a hall of instances as it is (they work per block
    where they can)."""
    with progress_bar() as bar:
        design = load_design(args.file, bar)
        try:
            write(design, args.output, bar)
        except errors as exc:
            raise CliError(str(exc)) from None
        except OSError as exc:
            raise CliError(f"{args.output}: {exc.strerror or exc}") from None
    print(f"wrote {args.output}")
    return EXIT_OK


def cmd_bom(args) -> int:
    from rackcad.export import ExportError, export_bom

    return _run(args, export_bom, ExportError)


def cmd_cables(args) -> int:
    from rackcad.export import ExportError, export_cables

    return _run(args, export_cables, ExportError)


def cmd_diagram(args) -> int:
    suffix = args.output.lower().rsplit(".", 1)[-1] if "." in args.output else ""
    if suffix == "drawio":
        from rackcad.interop import InteropError
        from rackcad.interop.drawio import write_drawio

        return _run(args, lambda design, path, progress: write_drawio(design, path, args.view, progress),
                    InteropError)
    if suffix == "dxf":
        from rackcad.interop import InteropError
        from rackcad.interop.dxf_floor import write_dxf

        return _run(args, lambda design, path, progress: write_dxf(design, path, progress), InteropError)
    from rackcad.export import ExportError, export_diagram

    return _run(args, lambda design, path, progress: export_diagram(design, path, args.view, args.dpi, progress),
                ExportError)
