"""Sub-commands: completion (bash, zsh, fish) and man (a roff man page), both generated from the parser."""

from __future__ import annotations

import argparse
import sys

from rackcad.cli.common import EXIT_OK, CliError

MAN_SECTIONS = {
    "Exit status": "0 success.\n\n1 the design has violations at or above --fail-on (default error).\n\n"
                   "2 a usage error or an unreadable, invalid or unsupported file: one line on stderr naming "
                   "the file and the place in it.",
    "Files": "~/.config/rackcad/catalog/ (or $XDG_CONFIG_HOME/rackcad/catalog/): user catalog parts, one YAML "
             "file per part; they add to or override the packaged catalog.\n\n"
             "~/.cache/rackcad/ ($XDG_CACHE_HOME): the parsed-catalog cache, rebuilt when a catalog file "
             "changes.\n\n"
             "~/.local/state/rackcad/log/rackcad.log ($XDG_STATE_HOME): the log file, rotated at 1 MB.",
    "Environment": "RACKCAD_CATALOG_PATH: more user catalog folders, separated by ':'.\n\n"
                   "XDG_CONFIG_HOME, XDG_CACHE_HOME, XDG_STATE_HOME: move the folders above.",
}


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("completion", help="print a shell completion script (bash, zsh or fish)")
    p.add_argument("shell", choices=["bash", "zsh", "fish"])
    p.set_defaults(func=cmd_completion)

    p = sub.add_parser("man", help="print the man page (roff), or write it with -o")
    p.add_argument("-o", "--output", metavar="rackcad.1", help="write the page to this file")
    p.set_defaults(func=cmd_man)


def _parser() -> argparse.ArgumentParser:
    from rackcad.cli.main import build_parser

    return build_parser()


def cmd_completion(args) -> int:
    from rackcad.cli import argdoc

    writer = {"bash": argdoc.bash_completion, "zsh": argdoc.zsh_completion, "fish": argdoc.fish_completion}
    sys.stdout.write(writer[args.shell](_parser()))
    return EXIT_OK


def cmd_man(args) -> int:
    from rackcad._version import __version__
    from rackcad.cli import argdoc

    page = argdoc.man_page(_parser(), __version__, MAN_SECTIONS)
    if not args.output:
        sys.stdout.write(page)
        return EXIT_OK
    try:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(page)
    except OSError as exc:
        raise CliError(f"{args.output}: {exc.strerror or exc}") from None
    print(f"wrote {args.output}")
    return EXIT_OK
