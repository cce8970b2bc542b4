"""The BOM CSV holds each part's own row: rows are written as they stream, never as views of a later row."""

from __future__ import annotations

import csv

from rackcad import templates
from rackcad.export.bom import write_bom_csv


def test_bom_csv_has_one_row_per_part_with_its_own_quantity(tmp_path):
    """GB200 NVL72: 72 B200 GPUs, 36 Grace CPUs, 18 compute trays, 9 switch trays of 2 chips (18) and
    1,296 NVLink 5 links on the copper spine (72 GPUs x 18 links)."""
    out = tmp_path / "bom.csv"
    write_bom_csv(templates.build("gb200-nvl72"), out)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    parts = [row["part"] for row in rows]
    assert len(parts) == len(set(parts))
    quantity = {row["part"]: row["quantity"] for row in rows}
    assert quantity["b200-gb200"] == "72" and quantity["grace"] == "36"
    assert quantity["gb200-compute-tray"] == "18" and quantity["nvlink5-switch-tray"] == "9"
    assert quantity["nvlink5-switch"] == "18" and quantity["spine:nvlink5"] == "1296"
