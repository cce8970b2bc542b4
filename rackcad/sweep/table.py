"""The table a sweep writes: one row of figures per variant, in grid order, as JSON lines or CSV.

Columns are fixed by the grid before anything runs: `variant` (1, 2, ...), `pareto`, `template`, the swept
template parameters (`param_column`), the analysis settings, the figures of `variant.FIGURES` (and the site and serving
figures when the grid has them), and `failure` (why a variant could not be built, else empty). Every row has
every column, in that order, so two runs of the same grid write the same bytes whatever ran them.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass

from rackcad.sweep.grid import SETTINGS, Grid, SweepError
from rackcad.sweep.variant import FIGURES, SERVING_FIGURES, SITE_FIGURES

FORMATS = {".jsonl": "jsonl", ".csv": "csv"}
TEXT_COLUMNS = {"variant", "pareto", "template", "check_codes", "layout", "serving_note", "failure"}


def param_column(key: str) -> str:
    """The column of template parameter `key`: its name, or `param.<key>` where a figure has that name
    (gb200-nvl576's `racks` parameter beside the `racks` figure)."""
    return f"param.{key}" if key in FIGURES or key in SITE_FIGURES or key in SERVING_FIGURES else key


def columns(grid: Grid) -> list[str]:
    swept = {key for key, _ in grid.settings}
    out = ["variant", "pareto", "template", *(param_column(key) for key, _ in grid.params)]
    out += [key for key in SETTINGS if key in swept]
    out += list(FIGURES)
    if grid.site:
        out += list(SITE_FIGURES)
    if grid.serving:
        out += list(SERVING_FIGURES)
    return out + ["failure"]


def numeric_columns(grid: Grid) -> list[str]:
    """Columns an objective may name: the figures and the numeric parameters and settings."""
    settings = {param_column(key): values for key, values in grid.params}
    settings.update(grid.settings)
    return [c for c in columns(grid) if c not in TEXT_COLUMNS
            and (c not in settings or all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                          for v in settings[c]))]


def output_format(path: str) -> str:
    """'jsonl' or 'csv' from the output file's suffix (SweepError for another)."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in FORMATS:
        raise SweepError(f"{path}: the table is written as JSON lines (.jsonl) or CSV (.csv), not {suffix or 'a file without suffix'}")
    return FORMATS[suffix]


@dataclass
class Table:
    columns: list[str]
    rows: list[dict]
    """Each row has exactly `columns`, in that order."""

    def jsonl(self) -> str:
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in self.rows)

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([_cell(row[c]) for c in self.columns])
        return out.getvalue()

    def text(self, fmt: str) -> str:
        return self.jsonl() if fmt == "jsonl" else self.csv()

    def write(self, path: str) -> None:
        """Write the table to `path` atomically, as JSON lines or CSV by its suffix."""
        from rackcad.files.atomic import write_text

        write_text(path, self.text(output_format(path)))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
