"""Scale-out parts: switch radix and rates, transceiver power and reach, copper lane rates, as the sources give them."""

from __future__ import annotations

import pytest

from rackcad.catalog import default_catalog


@pytest.fixture(scope="module")
def cat():
    return default_catalog()


@pytest.mark.parametrize("part, kind, count, gbps, lane, medium", [
    ("quantum-2-qm9700", "network-switch", 64, 400, 100, "pluggable-optic"),      # F1: 64 x NDR on 32 OSFP cages
    ("quantum-x800-q3400", "network-switch", 144, 800, 200, "pluggable-optic"),   # S30, S32
    ("quantum-x-photonics-q3450", "cpo-switch", 144, 800, 200, "cpo-fiber"),      # S30, S31, S32
    ("spectrum-4-sn5600", "network-switch", 64, 800, 100, "pluggable-optic"),     # F4
    ("spectrum-x-photonics-sn6810", "cpo-switch", 128, 800, 200, "cpo-fiber"),    # S30, S31
    ("spectrum-x-photonics-sn6800", "cpo-switch", 512, 800, 200, "cpo-fiber"),
])
def test_switch_radix_rate_and_lanes(cat, part, kind, count, gbps, lane, medium):
    spec = cat.get(part)
    (net,) = [g for g in spec.ports if g.role == "network"]
    assert (spec.kind, net.count, net.gbps, net.lane_gbps, net.medium) == (kind, count, gbps, lane, medium)


def test_switch_capacity_matches_the_quoted_aggregate(cat):
    # 64 x 400G = 25.6 Tb/s per direction = 51.2 Tb/s bidirectional (F2); 144 x 800G = 115.2 Tb/s (S32).
    assert cat.get("quantum-2-qm9700").port("net").total_gbps * 2 == 51_200
    assert cat.get("quantum-x-photonics-q3450").port("net").total_gbps == 115_200
    assert cat.get("spectrum-x-photonics-sn6810").port("net").total_gbps == 102_400


def test_qm9700_carries_two_ports_per_cage(cat):
    assert cat.get("quantum-2-qm9700").port("net").ports_per_cage == 2  # F1


@pytest.mark.parametrize("part, gbps, watts, reach", [
    ("osfp-400g", 400, 9, 50),             # SR4 multimode (S27)
    ("osfp-400g-dr4", 400, 9, 500),        # F9, S27
    ("osfp-800g-twin", 800, 17, 500),      # F9 / S29
    ("osfp-800g-fr4", 800, 18, 2000),      # S55 (power estimate)
    ("osfp-1600g", 1600, 25, 500),         # S33, S32
    ("qsfp-dd-400zr", 400, 15, 120_000),   # F11
    ("qsfp-dd-400zr-plus", 400, 22.5, 800_000),
])
def test_transceivers_by_rate_and_reach(cat, part, gbps, watts, reach):
    spec = cat.get(part)
    assert (spec.kind, spec.gbps.value, spec.power_w, spec.reach_m.value) == ("optic", gbps, watts, reach)


def test_no_passive_dac_carries_200g_pam4_lanes(cat):
    # S28: "Direct attach copper (DAC) cables (too short at 200G-PAM4)"; XDR uses LACC.
    dacs = [p for p in cat.by_kind("cable") if p.medium == "copper-cable"]
    assert dacs and all(p.lane_gbps.value == 100 for p in dacs)
    assert cat.get("lacc-800g").lane_gbps.value == 200


def test_cpo_switch_lasers_are_a_quarter_of_the_pluggables_it_replaces(cat):
    # S32: one Q3450 replaces 72 transceivers / 432 lasers; S31: 4x fewer lasers.
    q3450 = cat.get("quantum-x-photonics-q3450")
    module = cat.get("osfp-1600g")
    assert 144 / module.module_ports * module.lasers.value == 432
    assert q3450.lasers.value == 432 / 4
