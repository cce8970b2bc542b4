"""The analysis dock: NVLink-domain fabric, expert parallelism, serving at a target and the optics comparison,
computed off the GUI thread, on the seed question's designs (checked by hand)."""

from __future__ import annotations

from html import escape

from rackcad.gui.analyzer import AnalysisParams, analyse
from rackcad.analysis.serving import serving
from rackcad.gui.panels.analysis import DEFAULT_MODEL


def shown(window):
    """Open the analysis dock and wait for its figures."""
    window.raise_dock("analysis")
    assert window.wait_for_analysis()
    return window.analysis


def set_scale_out(panel, gbps: float) -> None:
    panel.from_nics.setChecked(False)
    panel.scale_out.setValue(gbps)
    panel.flush()


def test_nvl72_bisection_experts_inference_and_optics(example):
    window = example("gb200-nvl72")
    panel = shown(window)
    # One NVLink domain: 72 GPUs over 18 switch chips; bisection 36 x 7,200 Gb/s per direction.
    assert "259,200" in panel.domains.text() and "64.8" in panel.domains.text()  # 259,200 x 2 / 8 = 64.8 TB/s
    assert "7,200" in panel.domains.text() and "2.19 ms" in panel.domains.text()  # 2 x 71/72 x 8 Gbit / 7.2 Tb/s
    panel.message_mb.setValue(2000)
    assert "4.38 ms" in panel.domains.text()  # recomputed at once, no worker needed
    # N = 64 from the design's NICs (400 Gb/s per GPU), and given as 400 Gb/s: all 63 peers on NVLink.
    assert panel.scale_out.value() == 400 and not panel.scale_out.isEnabled()
    set_scale_out(panel, 400)
    assert window.wait_for_analysis()
    assert panel.ep_effective.text() == "7,200 Gb/s per GPU"
    assert panel.ep_peers.text().startswith("63 of 63 (100%) in a 72-GPU domain")
    served = panel.result.serving
    assert served.model == DEFAULT_MODEL and served.precision == "fp4"
    point = served.at(panel.target.value())
    assert point.tokens_per_s_per_gpu == serving(window.doc.design, "deepseek-r1", "fp4").at(75).tokens_per_s_per_gpu
    assert panel.tokens_per_gpu.text().startswith(f"{point.tokens_per_s_per_gpu:,.0f} tokens/s")
    assert f"{point.tokens_per_s_per_mw / 1e6:,.2f} M tokens/s" in panel.tokens_per_mw.text()
    assert point.layout.label() in panel.step.text()
    assert all(escape(a["text"]) in panel.assumptions.text() for a in served.assumptions)  # word for word
    panel.target.setValue(10_000)  # beyond any design: says how far this one reaches
    assert "out of reach" in panel.assumptions.text()
    # Optics: 72 x 400G NICs need 36 leaf ports at 800G: CPO 9 W/port (S31) against 1.6T twin-port OSFPs.
    optics = panel.optics.text()
    assert "324 W" in optics and "450 W (1.39x)" in optics and ">18<" in optics
    assert "S31" in panel.optics_sources.text() and "osfp-1600g power_max_w = 25" in panel.optics_sources.text()


def test_mesh_and_edits_recompute_in_the_background(example):
    window = example("mesh-4gpu")
    panel = shown(window)
    set_scale_out(panel, 400)
    assert window.wait_for_analysis()
    # 3 of 63 peers over NVLink, 60/63 of the bytes at 400 Gb/s: 400 x 63/60 = 420 Gb/s.
    assert panel.ep_effective.text() == "420 Gb/s per GPU" and "scale-out" in panel.ep_bottleneck.text()
    before = panel.result.design.fabrics[0].bisection_gbps
    link = window.doc.design.links[0]
    window.doc.remove(link.id)  # 6 links fewer between two GPUs: a smaller bisection, recomputed after the edit
    assert window.wait_for_analysis()
    assert panel.result.design.fabrics[0].bisection_gbps < before
    assert f"{panel.result.design.fabrics[0].bisection_gbps:,.0f}" in panel.domains.text()


def test_parameter_changes_reuse_the_design_figures(built):
    design = built("hgx-b200-8gpu")
    first = analyse(design, AnalysisParams(64, 400.0, DEFAULT_MODEL, "fp4", 75))
    again = analyse(design, AnalysisParams(16, 400.0, DEFAULT_MODEL, "fp8", 75), base=first.design)
    assert again.design is first.design and again.experts.gpus == 16 and again.serving.precision == "fp8"
    # 16 GPUs over two 8-GPU boxes: 7 of 15 peers on NVLink, 8/15 of the bytes at 400 Gb/s -> 750 Gb/s.
    assert again.experts.effective_gbps_per_gpu == 400 * 15 / 8


def test_superpod_optics_against_its_cpo_twin(example):
    window = example("gb200-superpod")
    panel = shown(window)
    text = panel.optics.text()
    # 1 SU on QM9700: 1,440 modules (twin-port modules shared by two ports) against the CPO twin's 576 NIC
    # modules; 19.9 kW against 5.2 kW + 1,728 x 4.5 W = 12.96 kW (see tests/cli/test_optics_cmd.py).
    assert "against its cpo twin" in text and "1,440 / 576" in text and "19.9 kW / 13.0 kW" in text
    # the twin-port module is S29 (power) and the DR4 at the NICs F9; the CPO port S31
    assert all(key in panel.optics_sources.text() for key in ("S29", "F9", "S31"))


def test_analysis_runs_only_while_shown_and_an_undo_reuses_the_revision_already_analysed(example):
    from PySide6.QtTest import QTest

    from rackcad.model.expand import iter_links

    window = example("gb200-superpod")
    panel = shown(window)
    first, runs = panel.result.design, window.analyzer.reused
    assert first.twin is not None
    link = next(lk for lk in iter_links(window.doc.design) if "SPINE" in window.doc.get(lk.b.node).name)
    window.doc.remove(link.id)  # one leaf-spine link fewer: a new revision, analysed again
    assert window.wait_for_analysis()
    second = panel.result.design
    assert second is not first
    assert window.analyzer.reused == runs
    window.undo_action.trigger()  # Edit > Undo: back to the first revision
    assert window.doc.get(link.id) is not None
    assert window.wait_for_analysis()
    assert panel.result.design is first and window.analyzer.reused == runs + 1  # from the cache, not recomputed
    # with the dock hidden an edit asks for nothing; shown again, the newest revision is analysed
    window.analysis_dock.hide()
    window.doc.remove(link.id)
    QTest.qWait(50)
    assert not window.analyzer.busy and panel.result.design is first
    window.raise_dock("analysis")
    assert window.wait_for_analysis()
    # the same design as the second revision, but the pattern's row removed again is a new pattern object:
    # a revision of its own, analysed afresh (not taken for the first)
    assert panel.result.design is not first and panel.result.design.twin == second.twin
    assert window.analyzer.reused == runs + 1
