"""`rackcad` entry point: dispatches sub-commands, turns every expected failure into exit code 2.

Start-up stays cheap: the sub-command modules only declare their arguments at import time and import the
engine (pydantic models, networkx, shapely, the exporters) inside the command that needs it, so
`rackcad --version` and `rackcad parts` never load what they do not use.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from rackcad._version import package_version
from rackcad.cli.common import EXIT_USAGE, CliError

# Sub-command modules, each with add_parsers(subparsers); listed explicitly, imported in order.
COMMAND_MODULES = ["rackcad.cli.basic", "rackcad.cli.gui_cmd", "rackcad.cli.export_cmd", "rackcad.cli.validate_cmd",
                   "rackcad.cli.interop_cmd", "rackcad.cli.docs_cmd"]

log = logging.getLogger("rackcad")


class _Version(argparse.Action):
    """`--version`, reading the package metadata only when asked."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, **kwargs):
        super().__init__(option_strings, dest=dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"rackcad {package_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rackcad", description="CAD for rack-scale AI systems.")
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log debug detail to stderr and to the log file in the user log folder")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = set(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    first = next((a for a in argv if a not in ("-v", "--verbose")), None)
    if first is None or (first not in commands and not first.startswith("-")):
        argv.insert(argv.index(first) if first is not None else len(argv), "gui")
    args = parser.parse_args(argv)
    from rackcad.cli.logsetup import configure_logging

    configure_logging(verbose=args.verbose)
    log.debug("rackcad %s: %s", package_version(), " ".join(argv))
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        log.warning("%s", exc)
        print(f"rackcad: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
