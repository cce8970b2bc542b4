"""GUI test fixtures: settings and recovery files in a temporary folder, no unanswered dialogs, small designs."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox  # noqa: E402

from rackcad import Document  # noqa: E402
from rackcad.files import save  # noqa: E402
from rackcad.gui.main_window import MainWindow  # noqa: E402

# One Qt application per process, created at collection with the name the GUI tests expect (the PNG exporter
# would otherwise create it, unnamed, in whichever test renders first).
QApplication.instance() or QApplication(["rackcad-tests"])


@pytest.fixture(autouse=True)
def isolated_state(tmp_path, monkeypatch):
    """QSettings and recovery files live in this test's temporary folder, never in the user's."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.fixture(autouse=True)
def no_unanswered_dialogs(monkeypatch):
    """A modal dialog nobody answers would hang the run: any dialog a test did not answer fails it."""

    def unexpected(*args, **kwargs):
        raise AssertionError(f"unexpected dialog: {[a for a in args if isinstance(a, str)]}")

    for name in ("warning", "question", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(unexpected))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(unexpected))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(unexpected))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(unexpected))


def small_design():
    """One Oberon rack: a compute tray (CPU in bay 0, GPU in bay 2, the rest empty) at U10, a switch tray with
    one chip at U20. Returns (design, ids by name)."""
    doc = Document()
    rack = doc.add_rack("mgx-nvl72-rack", name="R1")
    tray = doc.place("gb200-compute-tray", rack, u=10, name="CT1")
    ids = {
        "rack": rack,
        "tray": tray,
        "cpu": doc.place("grace", tray, bay=0, name="CT1/CPU1"),
        "gpu": doc.place("b200-gb200", tray, bay=2, name="CT1/GPU1"),
    }
    ids["switch_tray"] = doc.place("nvlink5-switch-tray", rack, u=20, name="ST1")
    ids["switch"] = doc.place("nvlink5-switch", ids["switch_tray"], bay=0, name="ST1/SW1")
    doc.design.name = "Small"
    return doc.design, ids


@pytest.fixture
def window(qtbot):
    """A shown main window with nothing open; closed (unsaved changes dropped) after the test."""
    win = MainWindow(restore_layout=False)
    win.resize(1300, 850)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.doc.mark_clean()
    win.close()
    win.deleteLater()


@pytest.fixture
def small(window, tmp_path) -> tuple[MainWindow, dict[str, str], Path]:
    """The window with `small_design()` opened from a file; returns (window, ids, path)."""
    design, ids = small_design()
    path = tmp_path / "small.rackcad"
    save(design, path)
    assert window.open_path(str(path))
    window.wait_for_checks()
    return window, ids, path


def viewport_point(window: MainWindow, item_id: str) -> QPoint:
    """Where the centre of an item's box is on the canvas viewport."""
    item = window.scene.item(item_id)
    window.view.ensureVisible(item)
    return window.view.mapFromScene(item.sceneBoundingRect().center())



@pytest.fixture
def example(window):
    """Open an example design in the window (checks done); returns the window."""

    def open_(name: str) -> MainWindow:
        from tests.conftest import EXAMPLES

        assert window.open_path(str(EXAMPLES / f"{name}.rackcad"))
        window.wait_for_checks()
        return window

    return open_
