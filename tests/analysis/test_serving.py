"""Serving model: calibrated to S44's measured DeepSeek-R1 points with one set of efficiency factors, the
ordering of a mesh, an HGX box and an NVL72 rack coming out of the model, TTFT, memory limits, and designs
that cannot be estimated saying which figure is missing."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rackcad.analysis.fabric import domain_fabrics
from rackcad.analysis.serving import EFFICIENCY, serving
from rackcad.catalog import Catalog, default_catalog
from rackcad.catalog.loader import packaged_catalog_dir
from rackcad.catalog.models import default_models
from rackcad.figures import Figures
from rackcad.templates import build, names

# S44 (SemiAnalysis InferenceX): tokens/s per GPU at a given tokens/s per user.
MEASURED = [
    # precision, ISL, OSL, tok/s/user, GB200 NVL72, HGX B200
    ("fp4", 1024, 1024, 125, 4130, 941),
    ("fp8", 8192, 1024, 75, 5790, 2558),
]


@pytest.mark.parametrize("precision,isl,osl,users,nvl72,hgx", MEASURED)
def test_calibrated_to_s44(built, precision, isl, osl, users, nvl72, hgx):
    a = serving(built("gb200-nvl72"), "deepseek-r1", precision, isl, osl).at(users)
    b = serving(built("hgx-b200-8gpu"), "deepseek-r1", precision, isl, osl).at(users)
    assert a is not None and b is not None
    assert a.tokens_per_s_per_gpu == pytest.approx(nvl72, rel=0.35)
    assert b.tokens_per_s_per_gpu == pytest.approx(hgx, rel=0.35)
    assert a.tokens_per_s_per_gpu / b.tokens_per_s_per_gpu == pytest.approx(nvl72 / hgx, rel=0.25)


def test_one_set_of_factors_for_every_design(built):
    """No design-specific tuning: the same frozen factors object is the default for every call."""
    r1 = serving(built("gb200-nvl72"), "deepseek-r1")
    r2 = serving(built("mesh-4gpu"), "deepseek-r1")
    assert [a for a in r1.assumptions if "RackCAD estimate" in a["source"]] == \
        [a for a in r2.assumptions if "RackCAD estimate" in a["source"]]
    assert hash(EFFICIENCY) is not None  # frozen


@pytest.mark.parametrize("precision,isl,osl", [("fp4", 1024, 1024), ("fp8", 8192, 1024), ("fp4", 8192, 1024)])
def test_bigger_domains_win_at_every_interactivity(built, precision, isl, osl):
    mesh, hgx, nvl = (serving(built(n), "deepseek-r1", precision, isl, osl)
                      for n in ("mesh-4gpu", "hgx-b200-8gpu", "gb200-nvl72"))
    assert nvl.frontier and hgx.frontier
    # The mesh cannot reach interactivities the switched systems reach (or cannot hold the model at all).
    assert mesh.max_interactivity < hgx.max_interactivity < nvl.max_interactivity
    top = min(r.max_interactivity for r in (mesh, hgx, nvl))
    checked = 0
    for x in np.geomspace(1, max(top, 1), 40):
        points = [r.at(x) for r in (mesh, hgx, nvl)]
        if all(points):
            m, h, n = (p.tokens_per_s_per_gpu for p in points)
            assert m < h < n, x
            checked += 1
    assert checked or not mesh.frontier
    beyond = hgx.max_interactivity * 0.99
    assert mesh.at(beyond) is None and hgx.at(beyond) is not None and nvl.at(beyond) is not None


def test_frontier_is_pareto_and_consistent(built):
    r = serving(built("gb200-nvl72"), "deepseek-r1", "fp4", 1024, 1024)
    users = [p.tokens_per_s_per_user for p in r.frontier]
    per_gpu = [p.tokens_per_s_per_gpu for p in r.frontier]
    assert users == sorted(users) and per_gpu == sorted(per_gpu, reverse=True)
    for p in r.frontier:
        # Per MW: per-GPU rate x 72 GPUs / the rack's power from the catalog.
        assert p.tokens_per_s_per_mw == pytest.approx(p.tokens_per_s_per_gpu * 72 / (r.platform.power_w / 1e6))
        assert p.layout.gpus <= 576 and p.layout.tp <= 72 and p.ttft_s > 0
        assert p.output_tokens_per_s_per_gpu < p.tokens_per_s_per_gpu


def test_ttft_grows_with_input_length(built):
    ttft = []
    for isl in (1024, 4096, 16384):
        r = serving(built("gb200-nvl72"), "llama-3.1-70b", "fp8", isl, 256)
        ttft.append((r.prefill_ttft_s, min(p.ttft_s for p in r.frontier)))
    assert ttft[0][0] < ttft[1][0] < ttft[2][0]
    assert ttft[0][1] < ttft[1][1] < ttft[2][1]
    # Prefill is compute-bound: each further token costs at least as much as the last (attention grows with
    # the prompt), on top of a fixed per-layer overhead.
    (t1, _), (t4, _), (t16, _) = ttft
    assert (t16 - t4) / (16384 - 4096) >= (t4 - t1) / (4096 - 1024) > 0


def test_memory_limit_by_hand(built):
    # 4 B200 of 192 GB at 90 % usable less 10 GB reserve = 651 GB. DeepSeek-R1 in FP8 is 671 GB of weights:
    # no layout fits on the mesh. In FP4 (0.5625 B per parameter with block scales) it is 377 GB and fits.
    fp8 = serving(built("mesh-4gpu"), "deepseek-r1", "fp8")
    assert fp8.estimable and not fp8.frontier and "no layout fits" in fp8.reason
    assert serving(built("mesh-4gpu"), "deepseek-r1", "fp4").frontier


def test_no_fp4_on_hopper_falls_back_and_says_so(built):
    r = serving(built("hgx-h100-8gpu"), "deepseek-r1", "fp4")
    assert r.estimable and r.compute_precision == "fp8"
    assert any("no FP4 compute figure" in a["text"] for a in r.assumptions)


def test_missing_figure_is_named_not_raised(tmp_path):
    part = (packaged_catalog_dir() / "b200-hgx.yaml").read_text(encoding="utf-8")
    start = part.index("memory_bw_gbytes:")
    end = part.index("fp4_dense_pflops:")
    (tmp_path / "b200-hgx.yaml").write_text(part[:start] + part[end:], encoding="utf-8")
    catalog = Catalog([packaged_catalog_dir(), tmp_path])
    design = build("mesh-4gpu", catalog=catalog)
    r = serving(design, "deepseek-r1", catalog=catalog)
    assert not r.estimable and r.missing == ["b200-hgx: memory_bw_gbytes"]
    assert "memory_bw_gbytes" in r.reason and r.to_dict()["frontier"] == []


@pytest.mark.parametrize("name", names())
def test_every_template_is_estimable(built, name):
    design = built(name)
    figures = Figures(design)
    fabrics = domain_fabrics(design, index=figures)  # worked out once for the five models
    for model in default_models().ids():
        r = serving(design, model, "fp8", 1024, 256, index=figures, fabrics=fabrics)
        assert r.estimable, (name, model, r.reason)


def test_every_catalog_accelerator_has_figures():
    for part in default_catalog():
        if part.kind in ("gpu", "xpu"):
            assert part.memory_gb and part.memory_bw_gbytes, part.id
            assert part.bf16_dense_pflops, part.id  # every generation has a 16-bit rate; FP8/FP4 fall back to it
            figs = [part.memory_gb, part.memory_bw_gbytes, part.fp4_dense_pflops, part.fp8_dense_pflops,
                    part.bf16_dense_pflops]
            for fig in filter(None, figs):
                assert fig.source and fig.confidence


def test_bad_arguments():
    design = build("mesh-4gpu")
    with pytest.raises(ValueError, match="precision"):
        serving(design, "deepseek-r1", "int3")
    with pytest.raises(ValueError, match="at least 1"):
        serving(design, "deepseek-r1", isl=0)
    assert math.isfinite(serving(design, "llama-3.1-70b", "bf16").max_interactivity)
