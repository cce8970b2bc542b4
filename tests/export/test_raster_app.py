"""A PNG export must leave the process able to open widgets afterwards (a script that exports, then edits)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import EXAMPLES

SCRIPT = """
import sys
from rackcad import load
from rackcad.export import export_diagram
export_diagram(load(sys.argv[1]), sys.argv[2], view="elevation", dpi=30)
from PySide6.QtWidgets import QWidget
QWidget().resize(10, 10)
print("widget ok")
"""


def test_widgets_work_after_a_png_export(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(EXAMPLES / "mesh-4gpu.rackcad"), str(tmp_path / "m.png")],
        capture_output=True, text=True, timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert proc.returncode == 0, proc.stderr[-400:]
    assert "widget ok" in proc.stdout and (tmp_path / "m.png").stat().st_size > 0

