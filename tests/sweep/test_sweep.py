"""Sweep tables with figures worked out by hand, for a few variants of the GB200 SuperPOD and NVL576.

GB200 SuperPOD (S6, S7, F12): 8 NVL72 racks per SU, 4 ConnectX-7 (400G) rails per compute tray, so an SU has
576 GPUs and 144 NIC ports per rail. The fabric builder's radix arithmetic (rackcad.fabric.plan):
- QM9700, 64 x 400G, 1:1: 32 down per leaf; 1 SU: ceil(144 / 32) = 5 leaves per rail = 20, 576 uplinks /
  64 = 9 spines; 2 SUs: 288 / 32 = 9 per rail = 36 leaves, 1,152 / 64 = 18 spines.
- Q3450, 144 x 800G, NICs at 400G on ports split 2 x 400G (breakout): 72 ports down per leaf carry 144 NICs,
  144 x 400G / 800G = 72 uplinks; 1 SU: 1 per rail = 4 leaves, 288 / 144 = 2 spines; 2 SUs: 2 per rail = 8
  leaves, 576 / 144 = 4 spines. (Whole ports, one NIC per 800G port: 8 + 2 and 12 + 4.)
Network racks hold 16 QM9700 or 8 Q3450, leaves in their SU's row (a leaf goes with its first tray), spines
in the spine row.
"""

from __future__ import annotations

import pytest

from rackcad.sweep import SweepError, grid, sweep


@pytest.fixture(scope="module")
def superpods():
    return sweep(grid("gb200-superpod", ["sus=1,2", "optics=pluggable,cpo"], ["model=deepseek-r1"]), workers=1)


def test_rows_in_grid_order_with_every_column(superpods):
    rows = superpods.rows
    assert [(r["variant"], r["sus"], r["optics"]) for r in rows] == [
        (1, 1, "pluggable"), (2, 1, "cpo"), (3, 2, "pluggable"), (4, 2, "cpo")]
    assert all(list(r) == superpods.columns for r in rows)
    assert superpods.columns[:9] == ["variant", "pareto", "template", "sus", "optics", "model", "precision",
                                     "isl", "osl"]
    assert all(r["errors"] == 0 and r["failure"] is None for r in rows)


def test_counts_and_fabric_by_hand(superpods):
    r = {(row["sus"], row["optics"]): row for row in superpods.rows}
    for (sus, optics), row in r.items():
        assert row["accelerators"] == 576 * sus
        assert row["gpu_dies"] == 2 * 576 * sus
        assert row["switch_chips"] == 18 * 8 * sus          # 18 NVLink 5 chips per NVL72 rack
        assert row["nvlink_domain"] == 72
        assert row["scale_up_links"] == 1296 * 8 * sus      # 72 GPUs x 18 links per rack
        assert row["nvlink_bisection_gbps"] == 72 * 7200 / 2
        assert row["scale_out_bisection_gbps"] == 576 * sus * 400 / 2
        assert row["scale_out_tiers"] == 2 and row["scale_out_oversubscription"] == 1.0
    assert [(r[k]["leaf_switches"], r[k]["spine_switches"]) for k in
            [(1, "pluggable"), (1, "cpo"), (2, "pluggable"), (2, "cpo")]] == [(20, 9), (4, 2), (36, 18), (8, 4)]
    # compute racks + leaf racks per SU row + spine racks (16 QM9700 or 8 Q3450 per rack); SU 1 of 2 SUs on
    # QM9700 holds 5 leaves per rail (the fifth leaf starts in SU 1), SU 2 four
    assert r[1, "pluggable"]["racks"] == 8 + 2 + 1
    assert r[1, "cpo"]["racks"] == 8 + 1 + 1
    assert r[2, "pluggable"]["racks"] == 16 + 2 + 1 + 2
    assert r[2, "cpo"]["racks"] == 16 + 1 + 1 + 1
    # every link: 1,368 per NVL72 rack, one per NIC port, one per leaf uplink
    assert r[1, "pluggable"]["links"] == 8 * 1368 + 576 + 576
    assert r[1, "cpo"]["links"] == 8 * 1368 + 576 + 4 * 72
    assert r[2, "cpo"]["links"] == 16 * 1368 + 1152 + 8 * 72
    # co-packaged ports: every Q3450 port in use (leaves 72 split down + 72 up, spines 144); pluggables have none
    assert r[1, "cpo"]["cpo_ports"] == 4 * (72 + 72) + 2 * 144
    assert r[1, "pluggable"]["cpo_ports"] == 0


def test_power_and_serving_figures_agree(superpods):
    from rackcad.analysis.serving import serving
    from rackcad.templates import build

    for row in superpods.rows:
        # per MW is per GPU x GPUs / the design's IT power; facility power is IT power x PUE
        assert row["tokens_per_s_per_mw"] == pytest.approx(
            row["tokens_per_s_per_gpu"] * row["accelerators"] / (row["it_power_w"] / 1e6), rel=1e-6)
        assert row["facility_power_w"] == pytest.approx(row["it_power_w"] * row["pue"], rel=1e-4)
        assert row["tokens_per_s_per_user"] >= 50.0
    # the serving columns are the serving model's best point at the target, nothing recomputed
    first = superpods.rows[0]
    point = serving(build("gb200-superpod", sus=1), "deepseek-r1").at(50.0)
    assert first["tokens_per_s_per_gpu"] == round(point.tokens_per_s_per_gpu, 3)
    assert first["ttft_s"] == round(point.ttft_s, 6) and first["layout"] == point.layout.label()


def test_pareto_by_default_objectives(superpods):
    r = {(row["sus"], row["optics"]): row for row in superpods.rows}
    # CPO spends less power on optics: each CPO variant uses less facility power than its pluggable twin and
    # gives more tokens per MW at the same per-user speed, so the pluggable variants are dominated
    for sus in (1, 2):
        assert r[sus, "cpo"]["facility_power_w"] < r[sus, "pluggable"]["facility_power_w"]
        assert r[sus, "cpo"]["tokens_per_s_per_mw"] > r[sus, "pluggable"]["tokens_per_s_per_mw"]
    # with split leaf ports the CPO fabric grows in step with the GPUs (2 SUs: twice the leaves and spines of
    # 1 SU), so tokens per MW are the same and 1 SU at half the power dominates 2 SUs
    assert r[2, "cpo"]["tokens_per_s_per_mw"] == pytest.approx(r[1, "cpo"]["tokens_per_s_per_mw"], rel=1e-9)
    assert [row["pareto"] for row in superpods.rows] == [False, True, False, False]


def test_site_figures_and_a_serving_target_out_of_reach():
    # GB200 NVL576 with 2 compute racks and 1 spine rack: 144 GPUs; its facility power is one "SU"
    table = sweep(grid("gb200-nvl576", ["racks=2", "spine_racks=1"],
                       ["model=llama-3.1-70b", "target=50,100000", "site_mw=10"]), workers=1)
    assert table.columns[3:5] == ["param.racks", "spine_racks"]  # the parameter beside the racks figure
    first, far = table.rows
    assert first["param.racks"] == 2 and first["racks"] == 3 and first["accelerators"] == 144
    assert first["sus_that_fit"] == int(10e6 // first["facility_power_w"])
    assert first["site_headroom_w"] == pytest.approx(10e6 - first["facility_power_w"])
    assert far["tokens_per_s_per_gpu"] is None and far["pareto"] is False
    assert far["serving_note"].startswith("out of reach: 100000 tokens/s per user is above the")
    assert far["max_tokens_per_s_per_user"] == first["max_tokens_per_s_per_user"] > 50


def test_a_variant_the_template_cannot_build_is_a_row_with_its_failure():
    # 8 NVL576 compute racks need 72 second-tier switch trays: more than one spine rack holds
    table = sweep(grid("gb200-nvl576", ["racks=2,8", "spine_racks=1"], []), workers=1)
    ok, failed = table.rows
    assert ok["accelerators"] == 144 and ok["failure"] is None
    assert failed["failure"] == "72 second-tier trays do not fit in 1 spine racks"
    assert failed["accelerators"] is None and failed["pareto"] is False and failed["param.racks"] == 8


def test_bad_backend():
    with pytest.raises(SweepError, match="--backend 'slurm': choose one of local, ray"):
        sweep(grid("mesh-4gpu", [], []), "slurm")


def test_jobs_split_a_design_over_idle_workers():
    from rackcad.sweep.runner import jobs

    g = grid("mesh-4gpu", ["gpus=2,4"], ["model=deepseek-r1", "precision=fp4,fp8,bf16", "isl=1024,8192"])
    # 2 designs for 2 workers: one job each with all 6 analyses
    assert [(j.first, j.params, len(j.analyses)) for j in jobs(g, 2)] == [(0, {"gpus": 2}, 6), (6, {"gpus": 4}, 6)]
    # 2 designs for 4 workers: each design's 6 analyses in 2 jobs of 3
    assert [(j.first, len(j.analyses)) for j in jobs(g, 4)] == [(0, 3), (3, 3), (6, 3), (9, 3)]
    # never more jobs than variants
    assert len(jobs(g, 64)) == 12


def test_progress_counts_variants_and_cancelled_stops_the_pool():
    from rackcad.progress import Cancelled

    g = grid("gb200-nvl72", ["compute_trays=1,2,3,4"], ["site_mw=1,2"])
    heard = []
    sweep(g, workers=1, progress=lambda done, total, label: heard.append((done, total, label)))
    assert heard == [(0, 8, "sweep gb200-nvl72"), (2, 8, "sweep gb200-nvl72"), (4, 8, "sweep gb200-nvl72"),
                     (6, 8, "sweep gb200-nvl72"), (8, 8, "sweep gb200-nvl72")]

    def stop_after_first(done, total, label):
        if done:
            raise Cancelled(label)

    with pytest.raises(Cancelled):
        sweep(g, workers=2, progress=stop_after_first)


def test_a_hall_of_instances_by_hand():
    # gb200-nvl72 racks=N: one NVL72 block placed N times (72 GPUs, 1,368 links, 125.3 kW each); summary and
    # checks run per block, serving on the expanded hall, and the figures are those of N independent racks
    table = sweep(grid("gb200-nvl72", ["racks=1,3"], ["model=deepseek-r1"]), workers=1)
    one, three = table.rows
    assert (one["racks"], one["accelerators"], one["links"], one["it_power_w"]) == (1, 72, 1368, 125_300.0)
    assert (three["racks"], three["accelerators"], three["links"]) == (3, 216, 3 * 1368)
    assert three["it_power_w"] == 3 * 125_300.0 and three["switch_chips"] == 54 and three["nvlink_domain"] == 72
    assert three["errors"] == 0 and three["tokens_per_s_per_gpu"] == one["tokens_per_s_per_gpu"]
    assert three["tokens_per_s_per_mw"] == pytest.approx(one["tokens_per_s_per_mw"], rel=1e-6)
