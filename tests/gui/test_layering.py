"""Qt stays inside rackcad/gui (and the exporters' raster module): nothing else imports PySide6 or shiboken6."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "rackcad"
ALLOWED = {PACKAGE / "export" / "raster.py"}


def qt_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found += [f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {name}" for name in names
                  if name.split(".")[0] in ("PySide6", "shiboken6")]
    return found


def test_only_gui_imports_qt():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if PACKAGE / "gui" in path.parents or path in ALLOWED:
            continue
        offenders += qt_imports(path)
    assert offenders == []
