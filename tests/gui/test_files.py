"""Open, save, save as, recent files, unreadable files, and the unsaved-changes prompt."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QFileDialog, QMessageBox

from rackcad.files import dumps, load
from rackcad.gui.main_window import MainWindow
from rackcad.gui.settings import Settings


def test_save_and_reopen_gives_the_same_design(small, qtbot, tmp_path, monkeypatch):
    window, ids, path = small
    assert window.windowTitle() == "small.rackcad[*] - RackCAD" and not window.isWindowModified()
    window.doc.set(ids["rack"], name="Row A / 1", power_budget_w=99_000)
    assert window.isWindowModified()
    assert window.save()
    assert not window.isWindowModified() and load(path).racks[0].name == "Row A / 1"

    other = tmp_path / "copy"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(other), "")))
    assert window.save_as()
    assert window.path == str(other) + ".rackcad" and window.windowTitle() == "copy.rackcad[*] - RackCAD"
    assert Settings().recent_files()[:2] == [str(other) + ".rackcad", str(path)]

    second = MainWindow(restore_layout=False)
    try:
        assert second.open_path(str(other) + ".rackcad")
        assert dumps(second.doc.design) == dumps(window.doc.design)
        assert second.scene.layout.by_id.keys() == window.scene.layout.by_id.keys()
        second.recent_menu.aboutToShow.emit()
        assert [a.text() for a in second.recent_menu.actions()][:2] == [str(other) + ".rackcad", str(path)]
    finally:
        second.shutdown()
        second.deleteLater()


def test_unreadable_file_is_reported_and_nothing_is_lost(small, tmp_path, monkeypatch):
    window, ids, path = small
    window.doc.set(ids["rack"], name="edited")
    broken = tmp_path / "broken.rackcad"
    broken.write_text('{"format": "rackcad", "schema_version": 1, "racks": [', encoding="utf-8")
    errors = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda parent, title, text, *a: errors.append(text)))
    assert not window.open_path(str(broken))
    assert len(errors) == 1 and str(broken) in errors[0]
    assert window.path == str(path) and window.doc.get(ids["rack"]).name == "edited" and window.isWindowModified()


def test_close_with_unsaved_changes_cancel_keeps_editing_discard_closes(small, monkeypatch):
    window, ids, path = small
    window.doc.set(ids["rack"], name="unsaved")
    asked = []

    def answer(button):
        def ask():
            asked.append(button)
            return button
        return ask

    monkeypatch.setattr(window, "ask_unsaved", answer(QMessageBox.StandardButton.Cancel))
    assert not window.close()
    assert window.isVisible() and window.doc.get(ids["rack"]).name == "unsaved" and window.isWindowModified()
    assert not window.open_path(str(path))  # opening asks too; Cancel keeps the edits
    assert window.doc.get(ids["rack"]).name == "unsaved"

    monkeypatch.setattr(window, "ask_unsaved", answer(QMessageBox.StandardButton.Discard))
    assert window.close()
    assert not window.isVisible() and asked == [QMessageBox.StandardButton.Cancel] * 2 + [
        QMessageBox.StandardButton.Discard]
    assert load(path).racks[0].name == "R1"  # discarded, not saved


def test_close_with_save_writes_the_file(small, monkeypatch):
    window, ids, path = small
    window.doc.set(ids["rack"], name="saved on close")
    monkeypatch.setattr(window, "ask_unsaved", lambda: QMessageBox.StandardButton.Save)
    assert window.close()
    assert load(path).racks[0].name == "saved on close"
    assert os.path.exists(path)


def test_new_from_template_starts_unsaved_design(window):
    assert window.new_design("hgx-h100-8gpu")
    assert window.path is None and window.windowTitle() == "HGX H100 8-GPU[*] - RackCAD"
    assert window.gpu_label.text() == "8 GPUs" and len(window.scene.layout.bodies) == 1
    assert not window.undo_action.isEnabled()
