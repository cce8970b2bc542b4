"""Autosave and recovery: a crashed session's recovery file is offered on the next open and restores the
edited design; declining deletes it; a normal save or close leaves no recovery file behind."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtWidgets import QMessageBox

from rackcad.files import dumps, load

CRASHING_SESSION = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from rackcad.gui.app import application
app = application()
from rackcad.gui.main_window import MainWindow
window = MainWindow(restore_layout=False)
window.open_path(sys.argv[1], interactive=False)
window.doc.set(window.doc.design.racks[0].id, name="edited before the crash")
window.doc.place("b200-gb200", "T1", bay=3, name="CT1/GPU2")
print(window.recovery.write_now())
untitled = MainWindow(restore_layout=False)
untitled.new_design("mesh-4gpu")
untitled.doc.set_design(name="scratch")
print(untitled.recovery.write_now())
os._exit(3)  # crash: no close, no cleanup
"""


def crash_after_editing(path, tmp_path) -> list[str]:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    done = subprocess.run([sys.executable, "-c", CRASHING_SESSION, str(path)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 3, done.stderr
    written = done.stdout.split()
    assert len(written) == 2 and all(os.path.exists(p) for p in written)
    return written


def test_recovery_after_a_crash_restores_the_edited_design(small, tmp_path, monkeypatch):
    window, ids, path = small
    design_file, untitled_file = crash_after_editing(path, tmp_path)
    offered = []
    monkeypatch.setattr(window, "ask_restore", lambda candidate: offered.append(candidate) or True)
    assert window.open_path(str(path))
    assert [c.path for c in offered] == [str(path)]
    assert window.doc.get(ids["rack"]).name == "edited before the crash"
    assert [n.name for n in window.doc.design.nodes if n.bay == 3] == ["CT1/GPU2"]
    assert window.path == str(path) and window.isWindowModified()  # restored, not yet saved
    assert not os.path.exists(design_file)  # taken over by this session
    assert window.save() and load(path).racks[0].name == "edited before the crash"
    assert not any(p.exists() for p in window.recovery.files)

    assert window.offer_recovery(None)  # the untitled design of the crashed session
    assert window.doc.design.name == "scratch" and window.path is None and window.isWindowModified()
    assert not os.path.exists(untitled_file)


def test_declining_deletes_the_recovery_file(small, tmp_path, monkeypatch):
    window, ids, path = small
    design_file, _ = crash_after_editing(path, tmp_path)
    on_disk = dumps(load(path))
    monkeypatch.setattr(window, "ask_restore", lambda candidate: False)
    assert window.open_path(str(path))
    assert dumps(window.doc.design) == on_disk and not window.isWindowModified()
    assert not os.path.exists(design_file)


def test_normal_close_removes_the_autosave_and_live_sessions_are_not_offered(small, monkeypatch):
    window, ids, path = small
    window.doc.set(ids["rack"], name="autosaved")
    written = window.recovery.write_now()
    assert written is not None and load(written).racks[0].name == "autosaved"
    assert window.recovery.find(str(path)) is None  # this process is alive: not a crash
    monkeypatch.setattr(window, "ask_unsaved", lambda: QMessageBox.StandardButton.Discard)
    assert window.close()
    assert not written.exists()


def test_timer_autosaves_only_unsaved_changes_and_forgets_them_when_undone(qtbot, tmp_path):
    from rackcad import Document
    from rackcad.gui.recovery import Recovery

    doc = Document()
    recovery = Recovery(lambda: doc.design, lambda: doc.is_dirty, interval_s=0.05, directory=tmp_path / "rec")
    recovery.track(str(tmp_path / "plan.rackcad"))
    design_file, meta_file = recovery.files
    qtbot.wait(150)
    assert not design_file.exists()  # nothing unsaved yet
    doc.add_rack("rack-42u-air", name="A1")
    recovery.changed()
    qtbot.waitUntil(meta_file.exists, timeout=3000)  # the sidecar is written after the design
    assert load(design_file).racks[0].name == "A1"
    doc.undo()  # back to the saved state
    qtbot.waitUntil(lambda: not design_file.exists(), timeout=3000)
    recovery.stop()


def test_recovery_files_are_private(tmp_path):
    """Unsaved work may be a private design: recovery files are 0600 in a 0700 folder, whatever the umask."""
    import stat

    from rackcad import Document
    from rackcad.gui.recovery import Recovery

    doc = Document()
    doc.add_rack("rack-42u-air", name="A1")
    folder = tmp_path / "rec"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    old = os.umask(0o022)
    try:
        recovery = Recovery(lambda: doc.design, lambda: doc.is_dirty, directory=folder)
        recovery.track(str(tmp_path / "plan.rackcad"))
        design_file = recovery.write_now()
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(f.stat().st_mode) for f in recovery.files} == {0o600}
    assert design_file in recovery.files and load(design_file).racks[0].name == "A1"
    recovery.stop()
    recovery.discard()
