"""The elevation's fit never loops: racks of every height mix, at the default and at small window sizes.

A fit that shows or hides a scrollbar resizes the viewport; when the fit decided by the viewport's current
size, that resize flipped its decision and the editor refitted for ever (an HGX B200 rack, 42U, beside a
48U rack at the default size froze the window and `--screenshot` never exited).
"""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest

from rackcad import Document
from rackcad.files import save
from rackcad.gui.main_window import MainWindow
from tests.conftest import EXAMPLES

HEIGHTS = {"rack-42u-air": 42, "rack-48u-air": 48, "mgx-nvl72-rack": 48}
MIXES = [combo for n in (1, 2, 3) for combo in itertools.combinations_with_replacement(sorted(HEIGHTS), n)]
SIZES = [(1600, 1000), (1024, 700), (640, 480)]
"""The default size (`rackcad gui --screenshot`), a laptop, and a small window."""


def _design_file(tmp_path, racks: tuple[str, ...]):
    doc = Document()
    for part in racks:
        rack = doc.add_rack(part)
        doc.place("custom-compute-sled", rack, u=10)
    path = tmp_path / "mix.rackcad"
    save(doc.design, path)
    return path


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_height_mix_settles(qtbot, tmp_path, size):
    window = MainWindow(restore_layout=False)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    fits = []
    window.view.zoom_changed.connect(fits.append)
    try:
        for racks in MIXES:
            assert window.open_path(str(_design_file(tmp_path, racks)), interactive=False)
            qtbot.wait(60)  # the opening fit and the resize its scrollbars cause
            fits.clear()
            qtbot.wait(120)
            assert fits == [], (racks, size, len(fits))
            assert window.view.fit_mode
    finally:
        window.doc.mark_clean()
        window.close()
        window.deleteLater()


def test_hgx_b200_plus_a_48u_rack_screenshot_exits(tmp_path):
    doc = Document(__import__("rackcad").load(EXAMPLES / "hgx-b200-8gpu.rackcad"))
    doc.add_rack("mgx-nvl72-rack")
    path = tmp_path / "mix.rackcad"
    save(doc.design, path)
    out = tmp_path / "shot.png"
    done = subprocess.run([sys.executable, "-m", "rackcad", "gui", str(path), "--screenshot", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-1000:]
    assert out.stat().st_size > 10_000
