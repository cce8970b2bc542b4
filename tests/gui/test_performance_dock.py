"""The Performance dock: the serving frontier of the open design beside chosen comparisons, driven with real
key presses and clicks, recomputed in the background after edits, assumptions listed with sources."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from rackcad.analysis.serving import serving


def shown(window):
    window.raise_dock("performance")
    assert window.wait_for_analysis()
    return window.performance


def choose(combo, text: str) -> None:
    """Select an entry of a combo box with the keyboard, as a user would (Up to the top, then Down to it)."""
    combo.setFocus()
    for _ in range(combo.currentIndex()):
        QTest.keyClick(combo, Qt.Key.Key_Up)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            break
        QTest.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == text


def test_frontier_comparisons_and_assumptions(example):
    window = example("mesh-4gpu")
    panel = shown(window)
    own = panel.result.design
    expected = serving(window.doc.design, "deepseek-r1", "fp4", 1024, 1024)
    assert own.design == "4-GPU NVLink mesh" and len(own.frontier) == len(expected.frontier)
    assert list(panel.curves) == ["4-GPU NVLink mesh (open)"]
    # Add two comparison designs from the combo with the keyboard; each becomes a curve.
    for name in ("hgx-b200-8gpu", "gb200-nvl72", "gb200-nvl72"):  # the second NVL72 is not added again
        choose(panel.add, f"template {name}")
        QTest.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert window.wait_for_analysis()
    assert list(panel.curves) == ["4-GPU NVLink mesh (open)", "hgx-b200-8gpu", "gb200-nvl72"]
    assert panel.compared.count() == 2
    # The curve data are the frontier figures; at 125 tok/s/user the NVL72 carries the most per GPU.
    xs, ys = panel.curves["gb200-nvl72"].getData()
    nvl = dict(panel.series())["gb200-nvl72"]
    assert list(ys) == [p.tokens_per_s_per_gpu for p in nvl.frontier]
    hgx = dict(panel.series())["hgx-b200-8gpu"]
    assert nvl.at(125).tokens_per_s_per_gpu > hgx.at(125).tokens_per_s_per_gpu > own.at(125).tokens_per_s_per_gpu
    assert "out of reach" in panel.targets.text()  # the mesh does not reach 200 tok/s/user
    # Assumptions word for word, with their sources.
    text = panel.assumptions.text()
    assert all(escape(a["text"]) in text and escape(a["source"]) in text for a in own.assumptions)
    assert "S44" in text and "F17, F18" in text
    # Per MW on the plot's axis.
    choose(panel.metric, "tokens/s per MW")
    assert list(panel.curves["gb200-nvl72"].getData()[1]) == [p.tokens_per_s_per_mw for p in nvl.frontier]
    # Remove a comparison: click it, press Delete (the design keeps all its parts).
    parts = len(window.doc.design.nodes)
    rect = panel.compared.visualItemRect(panel.compared.item(0))
    QTest.mouseClick(panel.compared.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.keyClick(panel.compared, Qt.Key.Key_Delete)
    assert window.wait_for_analysis()
    assert list(panel.curves) == ["4-GPU NVLink mesh (open)", "gb200-nvl72"]
    assert len(window.doc.design.nodes) == parts


def test_parameters_what_if_and_edits_recompute(example):
    window = example("hgx-b200-8gpu")
    panel = shown(window)
    fp4 = panel.result.design
    choose(panel.precision, "fp8")
    assert window.wait_for_analysis()
    assert panel.result.params.precision == "fp8" and panel.result.design.precision == "fp8"
    assert panel.result.design.max_interactivity < fp4.max_interactivity
    # Typing a longer prompt: TTFT grows.
    before = min(p.ttft_s for p in panel.result.design.frontier)
    panel.isl.setFocus()
    panel.isl.selectAll()
    QTest.keyClicks(panel.isl, "8192")
    QTest.keyClick(panel.isl, Qt.Key.Key_Return)
    assert window.wait_for_analysis()
    assert panel.result.params.isl == 8192 and min(p.ttft_s for p in panel.result.design.frontier) > before
    # What-if: the same GPUs on a 72-GPU NVLink 5 domain reach further.
    choose(panel.fabric, "NVLink 5 (Blackwell, GB200 NVL72) (72 GPUs)")
    assert window.wait_for_analysis()
    what_if = panel.result.what_if
    assert what_if is not None and what_if.platform.domain_size == 72
    assert what_if.max_interactivity > panel.result.design.max_interactivity
    assert any("what-if" in label for label in panel.curves)
    # An edit re-runs the model on the new design: remove the DGX box's GPUs' links, undo with Ctrl+Z.
    full = panel.result.design.max_interactivity
    for link in list(window.doc.design.links):
        if link.protocol == "nvlink5":
            window.doc.remove(link.id)
    assert window.wait_for_analysis()
    reduced = panel.result.design.max_interactivity
    assert reduced < full
    links = len(window.doc.design.links)
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(window.doc.design.links) == links + 1
    assert window.wait_for_analysis()
    again = serving(window.doc.design, "deepseek-r1", "fp8", 8192, 1024)  # what the restored design gives
    assert panel.result.design.max_interactivity == again.max_interactivity
