"""The editor shows the figures `rackcad info` and the BOM show: link count, power with contents and optics."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from rackcad import summary
from rackcad.units import fmt_power
from tests.gui.test_editing import CTRL, click_item


def test_status_bar_link_count_is_rackcad_infos(example):
    window = example("gb200-nvl576")
    info = summary(window.doc.design)
    assert info["links"] == 21_312  # link records x count, not the 13,248 records
    assert window.links_label.text() == f"{info['links']:,} links"
    assert window.power_label.text().startswith(f"Power {fmt_power(info['power_w'])}")  # 1,232.8 kW with optics


def test_three_selected_trays_weigh_their_contents(example):
    window = example("gb200-nvl72")
    trays = [n.id for n in window.doc.design.nodes if n.part == "gb200-compute-tray"][:3]
    click_item(window, trays[0])
    for tray in trays[1:]:
        click_item(window, tray, CTRL)
    assert set(window.selected_ids()) == set(trays)
    # each tray: 950 W + 2 Grace x 300 W + 4 B200 x 1,200 W + 4 ConnectX-7 x 25 W + 2 BlueField-3 x 150 W
    rows = {window.inspector._form.itemAt(i, window.inspector._form.ItemRole.LabelRole).widget().text():
            window.inspector._form.itemAt(i, window.inspector._form.ItemRole.FieldRole).widget()
            for i in range(window.inspector._form.rowCount())}
    power = rows["Power"]
    assert isinstance(power, QLabel) and power.text() == fmt_power(3 * 6_750) == "20.2 kW"
