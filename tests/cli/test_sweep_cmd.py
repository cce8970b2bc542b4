"""`rackcad sweep`: the same table, byte for byte, from the local process pool and from Ray; clean errors."""

from __future__ import annotations

import csv
import json
import sys

import pytest

from rackcad.cli.main import main

GRID = ["sweep", "gb200-nvl72", "--grid", "compute_trays=1,2,3,6,9,18",
        "--analysis", "model=deepseek-r1,llama-3.1-70b", "precision=fp4,fp8"]
"""6 designs x 2 models x 2 precisions = 24 variants."""


def run(capsys, *argv) -> tuple[int, str, str]:
    try:
        code = main(["sweep", *argv] if argv[0] != "sweep" else list(argv))
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def local_tables(tmp_path_factory):
    """The 24-variant sweep on a pool of 2 worker processes, as JSON lines and as CSV."""
    folder = tmp_path_factory.mktemp("local")
    assert main([*GRID, "--workers", "2", "-o", str(folder / "t.jsonl")]) == 0
    assert main([*GRID, "--workers", "2", "-o", str(folder / "t.csv")]) == 0
    return (folder / "t.jsonl").read_bytes(), (folder / "t.csv").read_bytes()


def test_local_pool_table(local_tables):
    rows = [json.loads(line) for line in local_tables[0].decode().splitlines()]
    assert len(rows) == 24 and [r["variant"] for r in rows] == list(range(1, 25))
    for r in rows:
        trays = r["compute_trays"]
        assert r["accelerators"] == 4 * trays and r["racks"] == 1
        assert r["scale_up_links"] == 4 * trays * 18        # every GPU to each of the 18 switch chips
        assert r["switch_chips"] == 18 and r["errors"] == 0
    assert [(r["compute_trays"], r["model"], r["precision"]) for r in rows[:5]] == [
        (1, "deepseek-r1", "fp4"), (1, "deepseek-r1", "fp8"), (1, "llama-3.1-70b", "fp4"),
        (1, "llama-3.1-70b", "fp8"), (2, "deepseek-r1", "fp4")]
    assert any(r["pareto"] for r in rows) and not all(r["pareto"] for r in rows)
    # the CSV holds the same table: same columns, same cells
    table = list(csv.DictReader(local_tables[1].decode().splitlines()))
    assert list(table[0]) == list(rows[0])
    for row, parsed in zip(rows, table):
        assert parsed["pareto"] == ("true" if row["pareto"] else "false")
        assert parsed["tokens_per_s_per_mw"] == ("" if row["tokens_per_s_per_mw"] is None
                                                 else str(row["tokens_per_s_per_mw"]))


def test_ray_gives_the_same_table(local_tables, tmp_path, capsys):
    pytest.importorskip("ray")
    code, out, err = run(capsys, *GRID, "--backend", "ray", "--workers", "2", "-o", str(tmp_path / "t.jsonl"))
    assert code == 0, err
    assert "24 variants" in out and "(ray, 2 workers)" in out
    assert (tmp_path / "t.jsonl").read_bytes() == local_tables[0]


def test_in_process_run_gives_the_same_table(local_tables, tmp_path, capsys):
    code, out, _ = run(capsys, *GRID, "--workers", "1", "-o", str(tmp_path / "t.jsonl"))
    assert code == 0 and (tmp_path / "t.jsonl").read_bytes() == local_tables[0]
    assert out.startswith(f"wrote {tmp_path / 't.jsonl'}: 24 variants in ")


def test_summary_lists_the_pareto_best(tmp_path, capsys):
    code, out, _ = run(capsys, "gb200-nvl72", "--grid", "compute_trays=9,18", "--objective", "accelerators:max",
                       "--objective", "facility_power_w:min", "-o", str(tmp_path / "t.csv"))
    assert code == 0
    lines = out.splitlines()
    assert "2 Pareto-best on accelerators:max, facility_power_w:min" in lines[0]
    assert lines[1].split() == ["1", "compute_trays=9:", "accelerators", "36,", "facility_power_w",
                                lines[1].split()[-1]]
    assert lines[2].split()[:5] == ["2", "compute_trays=18:", "accelerators", "72,", "facility_power_w"]


def test_ray_missing_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    code, _, err = run(capsys, "mesh-4gpu", "--backend", "ray", "-o", str(tmp_path / "t.jsonl"))
    assert code == 2
    assert err == "rackcad: error: --backend ray needs Ray, which is not installed: pip install 'rackcad[ray]'\n"
    assert not (tmp_path / "t.jsonl").exists()


@pytest.mark.parametrize("argv, message", [
    (["--grid", "sus=1,x"], "--grid 'sus=1,x': sus must be a int, not 'x'"),
    (["--grid", "sus"], "--grid 'sus': expected KEY=VALUE[,VALUE...]"),
    (["--analysis", "model=nope"], "--analysis 'model=nope': model unknown model 'nope'"),
    (["--objective", "optics:max"], "'optics' is not a numeric column of this sweep"),
    (["--address", "127.0.0.1:6379"], "--address names a Ray cluster: use it with --backend ray"),
    (["--workers", "0"], "argument --workers: '0' is outside 1-4096"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, argv, message):
    out = tmp_path / "t.jsonl"
    code, _, err = run(capsys, "gb200-superpod", *argv, "-o", str(out))
    assert code == 2 and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()


def test_bad_output_and_template(tmp_path, capsys):
    code, _, err = run(capsys, "mesh-4gpu", "-o", str(tmp_path / "t.parquet"))
    assert code == 2 and "t.parquet: the table is written as JSON lines (.jsonl) or CSV (.csv), not .parquet" in err
    code, _, err = run(capsys, "mesh-4gpu", "-o", str(tmp_path / "missing" / "t.csv"))
    assert code == 2 and "does not exist" in err
    code, _, err = run(capsys, "nope", "-o", str(tmp_path / "t.csv"))
    assert code == 2 and "unknown template 'nope'" in err
    assert list(tmp_path.iterdir()) == []


def test_a_ray_address_nothing_answers_on_is_one_line(tmp_path, capsys):
    import socket

    pytest.importorskip("ray")
    with socket.socket() as probe:  # a loopback port that was free a moment ago: nothing listens on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, _, err = run(capsys, "mesh-4gpu", "--backend", "ray", "--address", f"127.0.0.1:{port}",
                       "-o", str(tmp_path / "t.jsonl"))
    assert code == 2 and err.startswith(f"rackcad: error: --address 127.0.0.1:{port}: no Ray cluster answers there")
    assert err.count("\n") == 1 and not (tmp_path / "t.jsonl").exists()


def test_progress_bar_and_ctrl_c_keep_the_old_table(tmp_path, capsys, monkeypatch):
    import os
    import signal

    from rackcad.cli.progress_bar import ProgressBar

    out = tmp_path / "t.csv"
    monkeypatch.setenv("RACKCAD_PROGRESS", "1")
    code, _, err = run(capsys, "gb200-nvl72", "--grid", "compute_trays=1,2", "--workers", "1", "-o", str(out))
    assert code == 0 and "\rsweep gb200-nvl72 [" in err and err.endswith("\r\x1b[K")
    out.write_text("old", encoding="utf-8")
    real = ProgressBar.__call__

    def user_presses_ctrl_c(self, done, total, label=""):
        if done == 1:
            os.kill(os.getpid(), signal.SIGINT)  # delivered to the bar's handler, as from a keyboard
        return real(self, done, total, label)

    monkeypatch.setattr(ProgressBar, "__call__", user_presses_ctrl_c)
    code, stdout, err = run(capsys, "gb200-nvl72", "--grid", "compute_trays=1,2,3,4", "--workers", "2",
                            "-o", str(out))
    assert code == 130 and stdout == ""
    assert err.splitlines()[-1].endswith("rackcad: error: stopped (Ctrl+C); nothing was written")
    assert out.read_text(encoding="utf-8") == "old" and sorted(tmp_path.iterdir()) == [out]
