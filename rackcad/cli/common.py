"""Helpers shared by the sub-commands: loading with clean errors, output formats."""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from typing import TYPE_CHECKING

from rackcad.cli.progress_bar import ProgressBar

if TYPE_CHECKING:
    from rackcad.model import Design
    from rackcad.progress import Progress

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A failure reported as one line on stderr with exit code 2."""


def load_design(path: str, progress: Progress | None = None, expand: bool = False) -> Design:
    """The design in `path`; with `expand`, as flat lists (instances and patterns expanded,
    `rackcad.model.expanded`) for commands that read every part and link one by one. `progress` hears
    of the load's steps."""
    from rackcad.files import LoadError, load

    try:
        design = load(path, progress)
    except LoadError as exc:
        raise CliError(str(exc)) from None
    if expand:
        from rackcad.model import expanded

        return expanded(design)
    return design


def progress_bar() -> ProgressBar:
    """The progress bar of a long command, on stderr (drawn only on a terminal; see cli/progress_bar.py)."""
    return ProgressBar(sys.stderr)


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def print_json(data) -> None:
    """Readable UTF-8 JSON; characters a terminal would act on are JSON escapes (json escapes the rest)."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    sys.stdout.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def number(low: float, high: float, integer: bool = False):
    """An argparse type: a finite number in [low, high] (NaN, inf and out-of-range values are usage errors)."""

    def parse(text: str):
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {'an integer' if integer else 'a number'}") from None
        if not math.isfinite(value) or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text!r} is outside {low:g}-{high:g}")
        return value

    return parse
