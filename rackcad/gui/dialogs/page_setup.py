"""File > Page Setup: paper, orientation, fit to page, and which drawings are printed."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QWidget

from rackcad.gui.printing import PAPERS, VIEW_TITLES, PageSetup


class PageSetupDialog(QDialog):
    def __init__(self, setup: PageSetup, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Page Setup")
        self.paper = QComboBox(objectName="paper")
        self.paper.addItems(list(PAPERS))
        self.paper.setCurrentText(setup.paper)
        self.landscape = QCheckBox("Landscape", objectName="landscape", checked=setup.landscape)
        self.fit = QCheckBox("Fit each drawing to its page (off: print at scale over several pages)",
                             objectName="fit", checked=setup.fit)
        self.views = {view: QCheckBox(title, objectName=view, checked=view in setup.views)
                      for view, title in VIEW_TITLES.items()}
        form = QFormLayout(self)
        form.addRow("Paper", self.paper)
        form.addRow("", self.landscape)
        form.addRow("", self.fit)
        for i, box in enumerate(self.views.values()):
            form.addRow("Drawings" if i == 0 else "", box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def setup(self) -> PageSetup:
        return PageSetup(paper=self.paper.currentText(), landscape=self.landscape.isChecked(),
                         fit=self.fit.isChecked(), views=[v for v, box in self.views.items() if box.isChecked()])
