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
from rackcad.cli import boundary
from rackcad.cli.common import CliError

# Sub-command modules, each with add_parsers(subparsers); listed explicitly, imported in order.
COMMAND_MODULES = ["rackcad.cli.basic", "rackcad.cli.gui_cmd", "rackcad.cli.export_cmd", "rackcad.cli.validate_cmd",
                   "rackcad.cli.interop_cmd", "rackcad.cli.docs_cmd",
                   "rackcad.cli.perf_cmd", "rackcad.cli.optics_cmd", "rackcad.cli.sweep_cmd"]

log = logging.getLogger("rackcad")


class _Version(argparse.Action):
    """`--version`, reading the package metadata only when asked."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, **kwargs):
        super().__init__(option_strings, dest=dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"rackcad {package_version()}")
        parser.exit()


class _Parser(argparse.ArgumentParser):
    """Usage errors are one line (exit 2), like every other error; `--help` shows the usage."""

    def error(self, message: str):
        self.exit(boundary.EXIT_USAGE, boundary.one_line(f"{self.prog}: error: {message} (see {self.prog} --help)") + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rackcad", description="CAD for rack-scale AI systems.")
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log debug detail to stderr and to the log file in the user log folder")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv  # accepted anywhere on the line, before or after the sub-command
    argv = [a for a in argv if a != "--debug"]
    parser = build_parser()
    commands = set(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    first = next((a for a in argv if a not in ("-v", "--verbose")), None)
    if first is None or (first not in commands and not first.startswith("-")):
        argv.insert(argv.index(first) if first is not None else len(argv), "gui")
    args = parser.parse_args(argv)
    from rackcad.cli.logsetup import configure_logging

    configure_logging(verbose=args.verbose)
    log.debug("rackcad %s: %s", package_version(), " ".join(argv))
    return boundary.run(lambda: args.func(args), args.command, getattr(args, "file", None), debug, CliError)
