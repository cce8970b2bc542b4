"""Application start-up: QApplication, the main window, and --screenshot rendering."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from rackcad.analysis import summary
from rackcad.cli.basic import format_summary
from rackcad.files import load


def run(path: str | None, screenshot: str | None = None, size: tuple[int, int] = (1600, 1000)) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle(f"RackCAD - {path or 'Untitled'}")
    text = format_summary(summary(load(path))) if path else "No design open."
    label = QLabel(f"<pre>{text}</pre>")
    window.setCentralWidget(label)
    window.resize(*size)
    if screenshot:
        window.show()
        app.processEvents()
        window.grab().save(screenshot)
        return 0
    window.show()
    return app.exec()
