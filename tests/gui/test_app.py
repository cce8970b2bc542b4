"""Start-up and the smaller widgets: --screenshot rendering (of a given tab and dock), palette, template dialog,
about, export, and the GB200 NVL576 smoke test (the one large design in the GUI tests)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QMessageBox

import rackcad
from rackcad import templates
from rackcad.gui.app import run
from rackcad.gui.canvas.view import PART_MIME
from rackcad.gui.dialogs.about import AboutDialog
from rackcad.gui.dialogs.new_from_template import NewFromTemplateDialog
from rackcad.gui.main_window import MainWindow
from tests.conftest import EXAMPLES


def test_screenshot_renders_the_window_after_the_first_validation(qapp, tmp_path):
    out = tmp_path / "shot.png"
    before = set(qapp.topLevelWidgets())  # windows of earlier tests may not be deleted yet
    assert run(str(EXAMPLES / "hgx-h100-8gpu.rackcad"), screenshot=str(out), size=(1000, 700)) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 700)
    [window] = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow) and w not in before]
    assert window.report is not None and window.checks_label.text() == "✔ 0 errors · 0 warnings"  # not "checking…"


def test_screenshot_of_a_tab_with_a_dock(qapp, tmp_path):
    out = tmp_path / "floor.png"
    before = set(qapp.topLevelWidgets())
    assert run(str(EXAMPLES / "mesh-4gpu.rackcad"), screenshot=str(out), size=(1200, 800), tab="floor",
               dock="charts") == 0
    assert (QImage(str(out)).width(), QImage(str(out)).height()) == (1200, 800)
    [window] = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow) and w not in before]
    assert window.current_view() is window.floor_view and window.charts.isVisible()
    assert not window.analysis.isVisible() and list(window.charts.power_bars.opts["height"]) == [4.85]


def test_palette_groups_filters_and_drags_part_ids(window):
    palette = window.palette
    rows = palette.part_items()
    assert len(rows) == len(window.catalog) and palette.tree.topLevelItem(0).text(0) == "Racks"
    palette.search.setText("nvlink 5 switch")
    shown = [pid for pid, item in rows.items() if not item.isHidden()]
    assert "nvlink5-switch" in shown and "b200-gb200" not in shown
    item = rows["b200-gb200"]
    assert bytes(palette.tree.mimeData([item]).data(PART_MIME)).decode() == "b200-gb200"
    assert item.data(0, Qt.ItemDataRole.UserRole + 1) == "1.2 kW · 18 x nvlink5 · 7,200 Gb/s"
    tooltip = item.toolTip(0)
    assert "verified-primary" in tooltip and "S9: " in tooltip and "verified-secondary" in tooltip
    assert "estimate" in rows["b200-hgx"].toolTip(0)
    palette.search.clear()
    assert all(not item.isHidden() for item in rows.values())


def test_new_from_template_dialog_lists_templates_with_parameters(window):
    dialog = NewFromTemplateDialog(window)
    names = [dialog.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(dialog.list.count())]
    assert names == templates.names()
    dialog.select("gb200-nvl72")
    assert dialog.params() == {"compute_trays": 18, "racks": 1}
    combo = dialog.findChild(type(dialog._fields["compute_trays"][0]), "compute_trays")
    combo.setCurrentIndex(combo.findData(2))
    dialog.select("gb200-nvl576")
    assert dialog.params() == {"racks": 8, "spine_racks": 4}
    dialog.select("gb200-nvl72")
    combo = dialog._fields["compute_trays"][0]
    combo.setCurrentIndex(combo.findData(2))
    assert window.new_design(dialog.name, dialog.params())
    assert window.gpu_label.text() == "8 GPUs"
    dialog.deleteLater()
    about = AboutDialog(window.catalog, window)
    assert rackcad.__version__ in "".join(label.text() for label in about.findChildren(QLabel))
    about.deleteLater()


def test_export_menu_writes_files_and_reports_errors(small, tmp_path, monkeypatch):
    window, _, _ = small
    assert [a.text() for a in window.export_actions][:2] == ["Bill of materials...", "Cable schedule..."]
    assert window.export("export_bom", str(tmp_path / "bom.csv"))
    assert (tmp_path / "bom.csv").read_text(encoding="utf-8").count("\n") > 3
    assert window.export("export_diagram", str(tmp_path / "rack.svg"), view="elevation")
    assert (tmp_path / "rack.svg").read_text(encoding="utf-8").startswith("<")
    errors = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda parent, title, text, *a: errors.append(text)))
    assert not window.export("export_cables", str(tmp_path / "cables.txt"))
    assert "cable schedule" in errors[0]


def test_gb200_nvl576_opens_validates_edits_and_draws_a_bundled_topology(window):
    assert window.open_path(str(EXAMPLES / "gb200-nvl576.rackcad"))
    assert window.wait_for_checks()
    assert window.gpu_label.text() == "576 GPUs" and len(window.scene.layout.bodies) == 12
    # each of the 8 compute racks draws 137.0 kW with its 324 shared second-tier transceivers: 91 % of its budget
    assert window.report is not None and window.checks_label.text() == "⚠ 0 errors · 8 warnings"
    node_items = [i for i in window.scene.items() if getattr(i, "role", "") == "node"]
    assert len(node_items) == len(window.doc.design.nodes) == 2608
    gpu = next(n for n in window.doc.design.nodes if n.part == "b200-gb200")
    assert window.scene.item(gpu.id).look.badge == "18/18"
    assert window.view.zoom * 44.45 >= 12  # opened at a zoom where U rows read, not shrunk to fit 12 racks
    window.doc.set(gpu.id, name="renamed")
    assert window.scene.item(gpu.id).box.label == "renamed"

    window.show_tab("topology")  # 576 GPUs, 288 CPUs, 432 switch chips; links bundled per pair of groups
    scene = window.topology_scene
    assert scene.layout.bundled and len(scene.part_items) == 1296
    bundles = scene.edge_items
    assert len(bundles) == len(scene.layout.edges) == 48 and all(e.edge.bundle for e in bundles)
    assert sum(e.edge.count for e in bundles) == 8 * (1296 + 1296) + 576  # both NVLink tiers and the C2C links
    up = next(e for e in bundles if e.edge.a.endswith(":switch-tier-2"))
    (x1, y1), (x2, y2) = up.edge.points
    view = window.topology_view
    view.centerOn((x1 + x2) / 2, (y1 + y2) / 2)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view.mapFromScene((x1 + x2) / 2, (y1 + y2) / 2))
    assert len(window.scene.selected_ids()) == 36 + 36  # a bundle selects both groups' switch chips
