"""`rackcad` entry point: dispatches sub-commands, turns every expected failure into exit code 2."""

from __future__ import annotations

import argparse
import importlib
import sys

from rackcad.cli import boundary
from rackcad.cli.common import CliError

# Sub-command modules, each with add_parsers(subparsers); listed explicitly, imported in order.
COMMAND_MODULES = ["rackcad.cli.basic", "rackcad.cli.gui_cmd", "rackcad.cli.export_cmd", "rackcad.cli.validate_cmd"]


class _Parser(argparse.ArgumentParser):
    """Usage errors are one line (exit 2), like every other error; `--help` shows the usage."""

    def error(self, message: str):
        self.exit(boundary.EXIT_USAGE, boundary.one_line(f"{self.prog}: error: {message} (see {self.prog} --help)") + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rackcad", description="CAD for rack-scale AI systems.")
    parser.add_argument("--version", action="version", version="rackcad 0.1.0")
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
    if not argv or (argv[0] not in commands and not argv[0].startswith("-")):
        argv = ["gui", *argv]
    args = parser.parse_args(argv)
    return boundary.run(lambda: args.func(args), args.command, getattr(args, "file", None), debug, CliError)
