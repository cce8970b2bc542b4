"""The budget charts dock: per-rack power against budget, heat against capacities, switch port use and the
per-GPU scale-up bandwidth histogram, checked by hand on GB200 NVL72 and kept live after edits."""

from __future__ import annotations

import pytest

from rackcad.gui.panels.charts import histogram

# GB200 NVL72 at design (maximum) power: 72 x 1,200 W B200 + 36 x 300 W Grace + 72 x 25 W ConnectX-7
# + 36 x 150 W BlueField-3 + 18 x 950 W compute trays + 18 x 150 W switch chips + 9 x 100 W switch trays
# + 2 x 100 W management switches = 125,300 W (power shelves and the rack draw nothing themselves).
NVL72_W = 72 * 1200 + 36 * 300 + 72 * 25 + 36 * 150 + 18 * 950 + 18 * 150 + 9 * 100 + 2 * 100


def test_nvl72_charts_by_hand(example):
    window = example("gb200-nvl72")
    window.raise_dock("charts")
    charts = window.charts
    assert NVL72_W == 125_300
    assert list(charts.power_bars.opts["height"]) == pytest.approx([125.3])  # one bar per rack, kW
    x, y = charts.power_budget.getData()
    assert list(y) == [150, 150]  # the 150 kW budget marker over the bar
    assert charts.power_plot.getAxis("left").labelText == "Power (kW)"
    # Heat to liquid: everything but the 0 %-liquid parts (trays, NICs, DPUs, switch trays, mgmt); S53 capacity.
    assert list(charts.liquid_bars.opts["height"]) == pytest.approx([101.7])
    assert list(charts.air_bars.opts["height"]) == pytest.approx([23.6])
    assert list(charts.liquid_capacity.getData()[1]) == [120, 120]
    assert list(charts.air_capacity.getData()[1]) == [30, 30]
    # 18 NVLink switch chips, each with its 72 ports in use: 18 equal bars side by side, drawn as one run
    # over switches 0 to 17 (centre 8.5, 18 - 0.2 wide, as 18 bars 0.8 wide on a pitch of 1 would cover).
    assert list(charts.ports_bars.opts["height"]) == [100.0]
    assert list(charts.ports_bars.opts["x"]) == [8.5] and list(charts.ports_bars.opts["width"]) == [17.8]
    assert [(s.used, s.ports) for s in charts.figures.switches] == [(72, 72)] * 18
    # Every B200 at its full 18 x 400 Gb/s: one bar of 72 GPUs at 7,200 Gb/s.
    assert list(charts.gpu_bars.opts["x"]) == [7200] and list(charts.gpu_bars.opts["height"]) == [72]
    assert "125.3 kW of 150.0 kW (84%)" in charts.power_plot.getViewWidget().toolTip()


def test_charts_follow_edits_and_only_while_shown(example):
    window = example("gb200-nvl72")
    gpu = next(n for n in window.doc.design.nodes if n.part == "b200-gb200")
    window.doc.set(gpu.id, overrides={"power_w": 1300})  # the dock is closed: nothing built or computed yet
    assert not window.charts.built and window.charts.figures.racks == []
    window.raise_dock("charts")
    assert list(window.charts.power_bars.opts["height"]) == pytest.approx([125.4])
    window.undo_action.trigger()
    assert list(window.charts.power_bars.opts["height"]) == pytest.approx([125.3])
    link = next(link for link in window.doc.design.links if link.a.node == gpu.id and link.protocol == "nvlink5")
    window.doc.remove(link.id)
    assert sorted(window.charts.figures.gpu_gbps)[:2] == [6800, 7200]
    assert [s.used for s in window.charts.figures.switches][-1] == 71  # most used first


def test_histogram_bars_sit_on_the_values():
    centres, counts, width = histogram([7200] * 70 + [6800] * 2)
    assert list(centres) == [6800, 7200] and list(counts) == [2, 70] and width == pytest.approx(240)
    centres, counts, _ = histogram([float(v) for v in range(100)])
    assert len(centres) == 20 and counts.sum() == 100
