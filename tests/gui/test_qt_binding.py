"""The installed Qt binding must not leak references to None (PySide6 6.12.0 on CPython 3.11 does).

Each leaked reference lowers None's count by one; CPython < 3.12 aborts the process when it reaches zero,
which a long editing session or a large repaint does. Run in a subprocess so a bad binding fails this
test instead of killing the test run.
"""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
w = QWidget()
before = sys.getrefcount(None)
for _ in range(20000):
    w.setWindowTitle("x")
    w.update()
print(sys.getrefcount(None) - before)
"""


def test_void_calls_do_not_leak_none():
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-500:]
    assert abs(int(proc.stdout.strip())) < 100
