"""XLSX workbook layout, and formula neutralisation in every CSV and XLSX cell (OWASP CSV injection)."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from rackcad import Document
from rackcad.catalog import Catalog, packaged_catalog_dir
from rackcad.export import export_bom
from rackcad.export.bom import write_bom_csv
from rackcad.export.cables import write_cables_csv
from rackcad.export.csvsafe import neutralise
from rackcad.export.xlsx import write_xlsx
from rackcad.topology import DesignIndex

EVIL = '=HYPERLINK("x")'
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

EVIL_PART = """\
id: evil-gpu
kind: gpu
vendor: '@vendor'
model: '=HYPERLINK("x")'
mount: bay
power_max_w: {value: 700, source: '-S1', confidence: estimate}
ports:
- {name: nvlink, protocol: nvlink5, count: 18, gbps: 400, role: scale-up, source: S9, confidence: estimate}
"""


@pytest.fixture(scope="module")
def evil(tmp_path_factory):
    """A design whose catalog part, node, rack and design names all start like formulas."""
    folder = tmp_path_factory.mktemp("catalog")
    (folder / "evil-gpu.yaml").write_text(EVIL_PART, encoding="utf-8")
    catalog = Catalog([packaged_catalog_dir(), folder])
    doc = Document(catalog=catalog)
    doc.design.name = "-2+3"
    rack = doc.add_rack("rack-42u-air", name="+cmd|' /C calc'!A0")
    sled = doc.place("custom-compute-sled", rack, u=10, name="@SUM(A1)")
    a = doc.place("evil-gpu", sled, bay=doc.free_bay(sled, "gpu"), name=EVIL)
    b = doc.place("b200-hgx", sled, bay=doc.free_bay(sled, "gpu"), name="-GPU2")
    doc.connect(a, b, protocol="nvlink5", count=18, medium="pcb", port_a="nvlink", port_b="nvlink")
    return doc.design, DesignIndex(doc.design, catalog)


def test_neutralise():
    assert neutralise(EVIL) == "'" + EVIL
    assert [neutralise(t) for t in ("+1", "-1", "@a", "\tx", "\rx")] == ["'+1", "'-1", "'@a", "'\tx", "'\rx"]
    assert neutralise("GPU1") == "GPU1" and neutralise(-5) == -5 and neutralise(1.5) == 1.5 and neutralise(None) is None


def test_csv_inert(evil, tmp_path):
    design, index = evil
    for write, name in ((write_bom_csv, "bom.csv"), (write_cables_csv, "cables.csv")):
        path = tmp_path / name
        write(design, path, index=index)
        with open(path, encoding="utf-8-sig", newline="") as fh:
            cells = [cell for row in csv.reader(fh) for cell in row]
        assert not [c for c in cells if c.startswith(FORMULA_START)], name
        assert "'" + EVIL in cells, name
    with open(tmp_path / "bom.csv", encoding="utf-8-sig", newline="") as fh:
        rows = {row[0]: row for row in csv.reader(fh)}
    assert rows["evil-gpu"][1:7] == ["gpu", "'@vendor", "'" + EVIL, "1", "ea", "700.0"]


def test_xlsx_inert(evil, tmp_path):
    design, index = evil
    path = tmp_path / "bom.xlsx"
    write_xlsx(design, path, index=index)
    wb = openpyxl.load_workbook(path)
    texts = []
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert not [t for t in texts if t.startswith(FORMULA_START)]
    assert {"'" + EVIL, "'-2+3", "'@vendor", "'-GPU2"} <= set(texts)
    bom_rows = {r[0]: r for r in wb["BOM"].iter_rows(min_row=2, values_only=True)}
    assert bom_rows["evil-gpu"][3] == "'" + EVIL and bom_rows["evil-gpu"][4] == 1


@pytest.fixture(scope="module")
def workbook(built, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "nvl72.xlsx"
    export_bom(built("gb200-nvl72"), path)
    return openpyxl.load_workbook(path)


def test_xlsx_sheets_layout(workbook):
    assert workbook.sheetnames == ["BOM", "Cables", "Summary", "Violations"]
    for ws in workbook:
        assert ws.freeze_panes == "A2", ws.title
        assert ws["A1"].font.bold, ws.title
    bom = workbook["BOM"]
    assert [c.value for c in bom[1]][:6] == ["Part number", "Kind", "Vendor", "Model", "Qty", "Unit"]
    assert bom.column_dimensions["D"].width == 46 and bom.column_dimensions["P"].width == 60
    rows = {r[0].value: r for r in bom.iter_rows(min_row=2) if r[0].value}
    gpu = rows["b200-gb200"]
    assert gpu[4].value == 72 and gpu[7].value == 86_400 and gpu[7].number_format == "#,##0"
    rack = rows["mgx-nvl72-rack"]
    assert rack[9].value == 1360 and rack[9].number_format == "#,##0.0"
    assert rows["spine:nvlink5"][4].value == 1296 and rows["spine:nvlink5"][5].value == "link"
    assert rows["Total"][7].value == 125_300


def test_xlsx_cables_and_summary(workbook):
    cables = workbook["Cables"]
    assert cables.max_row == 1 + 1368
    header = [c.value for c in cables[1]]
    length = cables.cell(row=2, column=header.index("Length (m)") + 1)
    assert length.number_format == "#,##0.00" and isinstance(length.value, (int, float))
    summary = {r[0]: r[1] for r in workbook["Summary"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert summary["Design"] == "GB200 NVL72" and summary["Parts: gpu"] == 72 and summary["Racks"] == 1
    assert summary["Power (placed parts, design maximum)"] == 125_300 and summary["Links"] == 1368


def test_xlsx_violations_sheet(workbook, built):
    ws = workbook["Violations"]
    assert [c.value for c in ws[1]] == ["Code", "Severity", "Message", "Subjects", "Measured", "Limit", "Unit",
                                         "Waived", "Waiver reason"]
    first = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    try:
        from rackcad.rules import validate
    except ImportError:
        assert first == ["(rule engine not available: design rules were not checked)"]
        return
    report = validate(built("gb200-nvl72"))
    assert first == ([v.code for v in report.violations] or ["(no violations)"])
