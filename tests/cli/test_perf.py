"""`rackcad perf` and `rackcad interconnects`: the frontier as text and JSON, comparisons, the what-if
fabric and one-line errors."""

from __future__ import annotations

import json

from rackcad.cli.main import main
from tests.conftest import EXAMPLES


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_perf_json_contract(capsys):
    code, out, err = run(capsys, "perf", str(EXAMPLES / "gb200-nvl72.rackcad"), "--model", "deepseek-r1",
                         "--precision", "fp4", "--isl", "1024", "--osl", "1024",
                         "--compare", str(EXAMPLES / "hgx-b200-8gpu.rackcad"), str(EXAMPLES / "mesh-4gpu.rackcad"),
                         "--format", "json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["model"] == "deepseek-r1" and doc["precision"] == "fp4" and doc["isl"] == doc["osl"] == 1024
    point = doc["frontier"][0]
    assert {"tokens_per_s_per_user", "tokens_per_s_per_gpu", "tokens_per_s_per_mw", "ttft_s", "layout"} <= set(point)
    assert point["layout"]["label"].startswith("TP") and point["layout"]["gpus"] >= 1
    assert doc["assumptions"] and all({"text", "source"} <= set(a) for a in doc["assumptions"])
    assert [c["design"] for c in doc["compare"]] == ["HGX B200 8-GPU", "4-GPU NVLink mesh"]
    best = {d["design"]: {t["tokens_per_s_per_user"]: t["best"] for t in d["targets"]}
            for d in [doc, *doc["compare"]]}
    nvl, hgx, mesh = best["GB200 NVL72"][125], best["HGX B200 8-GPU"][125], best["4-GPU NVLink mesh"][125]
    assert nvl["tokens_per_s_per_gpu"] > 3 * hgx["tokens_per_s_per_gpu"] > 3 * mesh["tokens_per_s_per_gpu"]


def test_perf_text_and_targets(capsys):
    code, out, _ = run(capsys, "perf", str(EXAMPLES / "hgx-b200-8gpu.rackcad"), "-m", "llama-3.1-70b",
                       "-p", "fp8", "--target", "20", "--target", "500")
    assert code == 0
    assert "best layout at each interactivity target" in out and "out of reach" in out
    assert "frontier:" in out and "TTFT" in out and "[F19 (verified-primary)]" in out


def test_perf_what_if_fabric(capsys):
    base = json.loads(run(capsys, "perf", str(EXAMPLES / "hgx-b200-8gpu.rackcad"), "-m", "deepseek-r1",
                          "--format", "json")[1])
    code, out, _ = run(capsys, "perf", str(EXAMPLES / "hgx-b200-8gpu.rackcad"), "-m", "deepseek-r1",
                       "--fabric", "nvlink5:72", "--format", "json")
    wide = json.loads(out)
    assert code == 0 and wide["platform"]["domain_size"] == 72 and "what-if" in wide["platform"]["fabric"]
    # The same B200s in a 72-GPU NVLink domain reach further and carry more per GPU at 125 tok/s/user.
    assert wide["max_tokens_per_s_per_user"] > base["max_tokens_per_s_per_user"]
    at = {d["tokens_per_s_per_user"]: d["best"] for d in wide["targets"]}
    was = {d["tokens_per_s_per_user"]: d["best"] for d in base["targets"]}
    assert at[125]["tokens_per_s_per_gpu"] > 2 * was[125]["tokens_per_s_per_gpu"]
    pcie = json.loads(run(capsys, "perf", str(EXAMPLES / "hgx-b200-8gpu.rackcad"), "-m", "deepseek-r1",
                          "--fabric", "pcie6", "--format", "json")[1])
    assert pcie["max_tokens_per_s_per_user"] < base["max_tokens_per_s_per_user"]


def test_perf_errors_are_one_line(capsys, tmp_path):
    nvl = str(EXAMPLES / "gb200-nvl72.rackcad")
    code, _, err = run(capsys, "perf", nvl, "--model", "gpt-5")
    assert code == 2 and "unknown model" in err and "deepseek-r1" in err and err.count("\n") == 1
    code, _, err = run(capsys, "perf", nvl, "--model", "deepseek-r1", "--fabric", "warp")
    assert code == 2 and "unknown fabric 'warp'" in err
    code, _, err = run(capsys, "perf", nvl, "--model", "deepseek-r1", "--isl", "0")
    assert code == 2 and "--isl" in err
    bad = tmp_path / "bad.rackcad"
    bad.write_text("{", encoding="utf-8")
    code, _, err = run(capsys, "perf", str(bad), "--model", "deepseek-r1")
    assert code == 2 and "bad.rackcad" in err and "Traceback" not in err


def test_interconnects_table(capsys):
    code, out, _ = run(capsys, "interconnects", "--format", "json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert code == 0
    # NVIDIA's bidirectional per-GPU figures: NVLink 1-6 = 160, 300, 600, 900, 1,800, 3,600 GB/s (S10, S9, S14).
    assert [rows[f"nvlink{g}"]["gbytes_per_gpu_bidir"] for g in range(1, 7)] == [160, 300, 600, 900, 1800, 3600]
    assert rows["pcie6"]["gbytes_per_gpu_bidir"] == 256 and rows["infinity-fabric"]["gbytes_per_gpu_bidir"] == 896
    assert run(capsys, "interconnects")[1].startswith("id ")
