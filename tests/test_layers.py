"""Layer contracts: every module imports only from its own layer or the layers below it (DESIGN.md, "Layers"),
and Qt and pyqtgraph only inside rackcad/gui and the raster exporter. Imports inside functions count, and so
do names reached through the `rackcad` facade (`from rackcad import validate` is an import of rules)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "rackcad"

LAYERS = [
    {"gui"}, {"cli"}, {"sweep"}, {"interop"}, {"export"}, {"layout"}, {"rules"}, {"analysis"}, {"templates"}, {"fabric"},
    {"document", "editing"}, {"figures"}, {"topology"}, {"files"}, {"catalog"}, {"model"},
    {"units", "vocabulary", "memory", "text", "userdirs", "progress", "_version"},
]
"""Top to bottom; each may import only its own layer and those below it."""

EXCEPTIONS = {("cli", "gui")}
"""`rackcad gui` starts the editor: the CLI reaches up into gui for that one command."""

FACADE = {
    "validate": "rules", "Checker": "rules", "summary": "analysis", "templates": "templates",
    "Document": "document", "Change": "document", "EditError": "document", "load": "files", "save": "files",
    "LoadError": "files", "catalog": "catalog", "Catalog": "catalog", "default_catalog": "catalog",
    "Design": "model", "Rack": "model", "Node": "model", "Link": "model", "PortRef": "model", "Waiver": "model",
    "__version__": "_version",
}
"""What each name of the `rackcad` package facade imports when it is used."""

QT = {"PySide6", "shiboken6", "pyqtgraph"}
QT_ALLOWED = {"gui", "export/raster.py"}


def rank(layer: str) -> int:
    for i, names in enumerate(LAYERS):
        if layer in names:
            return i
    raise KeyError(layer)


def layer_of(module: str) -> str | None:
    """'rackcad.rules.power' -> 'rules'; None for the package facade itself."""
    parts = module.split(".")
    return parts[1] if parts[0] == "rackcad" and len(parts) > 1 else None


def imports(source: str, module: str) -> list[tuple[int, str]]:
    """(line, imported rackcad layer or third-party top name) for every import in `source`."""
    out = []
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parent + ([base] if base else []))
            if base == "rackcad":
                out += [(node.lineno, f"rackcad.{FACADE.get(alias.name, alias.name)}") for alias in node.names]
            else:
                out.append((node.lineno, base))
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            out.append((node.lineno, node.args[0].value))
    return out


def offences(source: str, path: str) -> list[str]:
    """Every import of the module at `path` (relative to rackcad/) that breaks a contract."""
    module = "rackcad." + path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
    own = layer_of(module)
    found = []
    for line, name in imports(source, module):
        top = name.split(".")[0]
        if top in QT and not any(path == a or path.startswith(a + "/") for a in QT_ALLOWED):
            found.append(f"{path}:{line} imports {name} (Qt only in gui/ and export/raster.py)")
        target = layer_of(name)
        if own is None or target is None or target == own or (own, target) in EXCEPTIONS:
            continue
        if rank(target) < rank(own):
            found.append(f"{path}:{line} imports {name}: {own} may not import the higher layer {target}")
    return found


def test_every_module_imports_down_only():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if "/" not in relative and relative in ("__init__.py", "__main__.py"):
            continue  # the public facade and `python -m rackcad` sit above every layer
        found += offences(path.read_text(encoding="utf-8"), relative)
    assert found == []


def test_every_package_has_a_layer():
    for path in PACKAGE.iterdir():
        name = path.stem if path.suffix == ".py" else path.name
        if (path.is_dir() and (path / "__init__.py").exists()) or (path.suffix == ".py" and name not in ("__init__", "__main__")):
            rank(name)


@pytest.mark.parametrize("source, path, expected", [
    ("from rackcad.gui.app import main\n", "rules/power.py", "rules may not import the higher layer gui"),
    ("def f():\n    from rackcad import validate\n", "figures/model.py", "figures may not import the higher layer rules"),
    ("import importlib\nimportlib.import_module('rackcad.export.bom')\n", "analysis/x.py", "higher layer export"),
    ("from .rules import engine\n", "document.py", "document may not import the higher layer rules"),
    ("from ..gui import app\n", "export/svg.py", "export may not import the higher layer gui"),
    ("import pyqtgraph\n", "layout/floor.py", "Qt only in gui/"),
    ("from rackcad.model import Design\n", "rules/power.py", None),
    ("from PySide6.QtGui import QImage\n", "export/raster.py", None),
])
def test_the_contract_catches_what_it_should(source, path, expected):
    found = offences(source, path)
    assert (found == []) if expected is None else any(expected in f for f in found), found
