"""`rackcad gui [FILE] [--screenshot OUT.png] [--tab VIEW] [--dock DOCK]` (also `rackcad [FILE]`)."""

from __future__ import annotations

import argparse
import os

from rackcad.cli.common import CliError, load_design


MIN_SIDE, MAX_SIDE = 200, 8192
"""Window sizes --size accepts: smaller cannot show the editor, larger than a screenshot buffer should be."""


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="open the editor")
    p.add_argument("file", nargs="?", help="a .rackcad design to open")
    p.add_argument("--screenshot", metavar="OUT.png", help="render the main window off screen to a PNG and exit")
    p.add_argument("--size", default="1600x1000", help="window size for --screenshot (WxH)")
    p.add_argument("--tab", choices=("elevation", "topology", "floor", "site"), help="the canvas tab to show")
    p.add_argument("--dock", choices=("parts", "inspector", "checks", "charts", "analysis", "performance"),
                   help="the dock to raise in its tab group (charts and analysis share one)")
    p.set_defaults(func=cmd_gui)


def cmd_gui(args) -> int:
    from rackcad.gui.preflight import problem

    # Read once: a broken file is a one-line error before any window opens, and the window opens this copy.
    design = load_design(args.file) if args.file else None
    if args.screenshot:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    reason = problem(offscreen=bool(args.screenshot))
    if reason:
        raise CliError(f"cannot open a window: {reason}")
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        raise CliError(f"--size {args.size!r}: expected WIDTHxHEIGHT, e.g. 1600x1000") from None
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise CliError(f"--size {args.size}: each side must be {MIN_SIDE}-{MAX_SIDE} pixels")
    from rackcad.gui.app import run

    return run(args.file, screenshot=args.screenshot, size=(width, height), tab=args.tab, dock=args.dock,
               design=design)
