"""Application start-up: the QApplication, the main window on a file (or empty), and --screenshot rendering."""

from __future__ import annotations

import sys

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from rackcad.gui.settings import APPLICATION, ORGANIZATION


QUIET = ("propagateSizeHints",)
"""Qt messages that say nothing to a user (the offscreen platform cannot resize to size hints)."""


def _message(kind: QtMsgType, context, text: str) -> None:
    """Print Qt's warnings as Qt would, less the QUIET ones."""
    if not any(q in text for q in QUIET):
        print(text, file=sys.stderr)


def application() -> QApplication:
    """The running QApplication, or a new one named for QSettings."""
    qInstallMessageHandler(_message)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    return app  # type: ignore[return-value]


def run(path: str | None, screenshot: str | None = None, size: tuple[int, int] = (1600, 1000),
        tab: str | None = None, dock: str | None = None, design=None) -> int:
    """Open the editor on `path` (None: empty), on canvas `tab` ("elevation", "topology", "floor") with
    `dock` ("charts", "analysis", ...) raised when given. With `screenshot`, render the whole window to
    that PNG once the first validation (and, when its dock is shown, the analysis) has finished, so the
    docks and status bar show real figures, and exit. `design`: `path` already read (it is not read again)."""
    app = application()
    from rackcad.gui.main_window import MainWindow

    window = MainWindow(restore_layout=not screenshot)
    if screenshot:
        window.resize(*size)
    if path:
        window.open_path(path, interactive=not screenshot, design=design)
    elif not screenshot:
        window.offer_recovery(None)
    window.show()
    if tab:
        window.show_tab(tab)
    if dock:
        window.raise_dock(dock)
    if screenshot:
        app.processEvents()
        window.wait_for_checks()
        window.wait_for_analysis()
        app.processEvents()
        ok = window.grab().save(screenshot)
        window.shutdown()  # not close(): a screenshot must not overwrite the user's saved window layout
        if not ok:
            print(f"rackcad: error: cannot write {screenshot}", file=sys.stderr)
            return 2
        return 0
    return app.exec()
