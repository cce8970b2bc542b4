"""Print and page setup: sheets on A4/A3/Letter/Tabloid with a title block, printed to a PDF file through
QPrinter, page for page what Print and Print Preview get."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QFileDialog

from rackcad.gui.printing import PageSetup, print_pdf


def pdf_info(path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")
def test_page_setup_dialog_then_export_sheets_as_pdf(example, tmp_path, monkeypatch, qtbot):
    window = example("gb200-nvl72")

    def answer_setup():
        dialog = QApplication.activeModalWidget()
        paper = dialog.findChild(QComboBox, "paper")
        paper.setFocus()
        while paper.currentText() != "A3":
            QTest.keyClick(paper, Qt.Key.Key_Down)
        topology = dialog.findChild(QCheckBox, "topology")
        topology.setFocus()
        QTest.keyClick(topology, Qt.Key.Key_Space)  # leave the topology out
        QTest.keyClick(dialog, Qt.Key.Key_Return)

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, answer_setup)
    assert window.page_setup()
    assert (window.page.paper, window.page.landscape, window.page.views) == ("A3", True, ["elevation", "floor"])
    out = tmp_path / "sheets.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    window.sheets_pdf_action.trigger()
    info = pdf_info(out)
    assert info["Pages"].strip() == "2"  # one rack: one elevation sheet, one floor plan sheet
    assert "1191 x 842 pts (A3)" in info["Page size"]  # A3 landscape: 420 x 297 mm
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".rackcad-")]  # no stray scratch file


def test_at_scale_the_drawings_tile_over_several_letter_pages(example, tmp_path):
    window = example("gb200-nvl72")
    fitted = print_pdf(window.doc.design, str(tmp_path / "fit.pdf"), PageSetup("Letter", False, True, ["elevation"]))
    tiled = print_pdf(window.doc.design, str(tmp_path / "tiled.pdf"), PageSetup("Letter", False, False,
                                                                                  ["elevation"]))
    assert fitted == 1 and tiled > 1
    if shutil.which("pdfinfo"):
        assert "612 x 792" in pdf_info(tmp_path / "tiled.pdf")["Page size"]  # Letter portrait
        assert pdf_info(tmp_path / "tiled.pdf")["Pages"].strip() == str(tiled)
