"""Helpers shared by the sub-commands: loading with clean errors, output formats."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rackcad.model import Design

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A failure reported as one line on stderr with exit code 2."""


def load_design(path: str) -> Design:
    from rackcad.files import LoadError, load

    try:
        return load(path)
    except LoadError as exc:
        raise CliError(str(exc)) from None


def print_json(data) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
