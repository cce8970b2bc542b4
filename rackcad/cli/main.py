"""`rackcad` entry point: dispatches sub-commands, turns every expected failure into exit code 2."""

from __future__ import annotations

import argparse
import importlib
import sys

from rackcad.cli.common import EXIT_USAGE, CliError

# Sub-command modules, each with add_parsers(subparsers); listed explicitly, imported in order.
COMMAND_MODULES = ["rackcad.cli.basic", "rackcad.cli.gui_cmd", "rackcad.cli.export_cmd", "rackcad.cli.validate_cmd",
                   "rackcad.cli.perf_cmd"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rackcad", description="CAD for rack-scale AI systems.")
    parser.add_argument("--version", action="version", version="rackcad 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = set(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    if not argv or (argv[0] not in commands and not argv[0].startswith("-")):
        argv = ["gui", *argv]
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"rackcad: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
