"""Formula neutralisation for cells that a spreadsheet opens (CSV injection, OWASP).

A spreadsheet runs a text cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or carriage
return) as a formula, so a part or rack named `=HYPERLINK("http://evil")` would become a live link in the
BOM a buyer opens. OWASP's advice is to prefix such text with a single quote: the cell then shows the text
as typed and never evaluates it. Only text is touched: numbers stay numbers, so sums and number formats
keep working.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from itertools import islice
from pathlib import Path

from rackcad.progress import Progress

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """`value` unchanged unless it is text a spreadsheet would run as a formula; then `'` + text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


ROWS_PER_REPORT = 4096
"""Rows written between two progress reports: rare enough to cost nothing per row."""


def write_csv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence], progress: Progress | None = None,
              total: int = 0, label: str = "writing") -> None:
    """Write a UTF-8 CSV (with BOM, so Excel reads accented names right) with every cell neutralised.

    None becomes an empty cell. Rows are written as `rows` yields them, so a generator is never held whole;
    `progress(done, total, label)` hears of every ROWS_PER_REPORT rows.
    """
    it = iter(rows)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([neutralise(h) for h in header])
        done = 0
        while chunk := list(islice(it, ROWS_PER_REPORT)):
            writer.writerows(["" if v is None else neutralise(v) for v in row] for row in chunk)
            done += len(chunk)
            if progress:
                progress(done, total, label)
