"""`rackcad bom | cables | diagram`: files by suffix, exit 0 on success, 2 with one line on a bad request."""

from __future__ import annotations

import json

import openpyxl
import pytest

from rackcad import save
from rackcad.cli.main import main


@pytest.fixture(scope="module")
def design_file(built, tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "nvl72.rackcad"
    save(built("gb200-nvl72"), path)
    return path


def run(capsys, *argv) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # a usage error from argparse
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_bom_formats(design_file, tmp_path, capsys):
    for suffix in (".csv", ".json", ".xlsx"):
        out_path = tmp_path / f"bom{suffix}"
        code, out, _ = run(capsys, "bom", design_file, "-o", out_path)
        assert code == 0 and out.strip() == f"wrote {out_path}"
    assert json.loads((tmp_path / "bom.json").read_text())["totals"]["spine_links"] == 1296
    assert openpyxl.load_workbook(tmp_path / "bom.xlsx").sheetnames == ["BOM", "Cables", "Summary", "Violations"]
    assert (tmp_path / "bom.csv").read_text(encoding="utf-8-sig").startswith("part,kind,vendor,model,quantity")


def test_cables_and_diagrams(design_file, tmp_path, capsys):
    assert run(capsys, "cables", design_file, "-o", tmp_path / "c.csv")[0] == 0
    assert len((tmp_path / "c.csv").read_text(encoding="utf-8-sig").splitlines()) == 1 + 1368
    for view in ("elevation", "topology", "floor"):
        assert run(capsys, "diagram", design_file, "-o", tmp_path / f"{view}.svg", "--view", view)[0] == 0
    assert run(capsys, "diagram", design_file, "-o", tmp_path / "e.png", "--dpi", "50")[0] == 0
    assert (tmp_path / "e.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("argv, fragment", [
    (["bom", "{file}", "-o", "{tmp}/bom.txt"], "written as .csv, .xlsx or .json, not '.txt'"),
    (["cables", "{file}", "-o", "{tmp}/c.xlsx"], "written as .csv"),
    (["diagram", "{file}", "-o", "{tmp}/d.png", "--dpi", "2400"], "too large; use --dpi"),
    (["diagram", "{file}", "-o", "{tmp}/d.png", "--dpi", "5000"], "--dpi: '5000' is outside 10-2400"),
    (["diagram", "{file}", "-o", "{tmp}/d.png", "--dpi", "nan"], "--dpi: 'nan' is outside 10-2400"),
    (["diagram", "{file}", "-o", "{tmp}/d.png", "--dpi", "inf"], "--dpi: 'inf' is outside 10-2400"),
    (["diagram", "{file}", "-o", "{tmp}/no/such/dir/d.svg"], "No such file or directory"),
    (["bom", "{tmp}/missing.rackcad", "-o", "{tmp}/b.csv"], "no such file"),
])
def test_errors_exit_2_with_one_line(design_file, tmp_path, capsys, argv, fragment):
    code, _, err = run(capsys, *(a.format(file=design_file, tmp=tmp_path) for a in argv))
    assert code == 2 and fragment in err and err.count("\n") == 1 and "Traceback" not in err
