"""Simulator topologies: ASTRA-sim analytical dimensions, ASTRA-sim ns-3 and SimAI link lists, all from the
design's graph, with figures worked out by hand."""

from __future__ import annotations

import pytest
import yaml

from rackcad.cli.main import main
from rackcad.files import load
from rackcad.interop import InteropError
from rackcad.interop.simulator import LATENCY_NS, write_topology
from tests.conftest import EXAMPLES


def _write(tmp_path, example, fmt, **kw):
    path = tmp_path / f"{example}.{fmt}"
    write_topology(load(EXAMPLES / f"{example}.rackcad"), path, fmt, **kw)
    return path.read_text(encoding="utf-8")


def test_nvl72_analytical_is_one_switch_dimension(tmp_path):
    net = yaml.safe_load(_write(tmp_path, "gb200-nvl72", "astra-sim"))
    # 72 B200 x 18 NVLink 5 links x 400 Gb/s = 7,200 Gb/s = 900 GB/s per GPU per direction
    assert net == {"topology": ["Switch"], "npus_count": [72], "bandwidth": [900], "latency": [LATENCY_NS["backplane-copper"]]}


def test_mesh_is_fully_connected_per_pair(tmp_path):
    net = yaml.safe_load(_write(tmp_path, "mesh-4gpu", "astra-sim", latency_ns=250))
    # 4 GPUs, 6 NVLink 5 links per pair: 6 x 400 Gb/s = 2,400 Gb/s = 300 GB/s per pair per direction
    assert net == {"topology": ["FullyConnected"], "npus_count": [4], "bandwidth": [300], "latency": [250]}


def test_nvl72_link_level_topologies(tmp_path):
    for fmt in ("astra-ns3", "simai"):
        lines = _write(tmp_path, "gb200-nvl72", fmt).splitlines()
        head = lines[0].split()
        switches = lines[1].split()
        links = [line.split() for line in lines[2:]]
        # 72 GPUs + 18 NVLink switch chips; each GPU meets each chip once: 72 x 18 = 1,296 pairs
        if fmt == "astra-ns3":
            assert head == ["90", "18", "1296"]
        else:
            assert head == ["90", "72", "18", "0", "1296", "B200"]
        assert switches == [str(i) for i in range(72, 90)]
        assert len(links) == 1296
        assert all(int(a) < 72 <= int(b) and rate == "400Gbps" and err == "0" for a, b, rate, _, err in links)
        # backplane copper: 100 ns plus 5 ns per metre of the computed length
        delays = {float(d.removesuffix("ms")) * 1e6 for *_, d, _ in links}
        assert min(delays) > 100 and max(delays) < 130


def test_nvl576_second_tier_and_uneven_domains(tmp_path, monkeypatch):
    lines = _write(tmp_path, "gb200-nvl576", "astra-ns3").splitlines()
    nodes, switches, links = map(int, lines[0].split())
    # 576 GPUs; 8 racks x 18 first-tier chips + the second tier; management switches are not fabric
    assert nodes == 576 + switches and switches == len(lines[1].split())
    assert links == len(lines) - 2
    import rackcad.interop.simulator as simulator

    real = simulator.summary

    def two_sizes(design):
        info = real(design)
        info["domains"] = [info["domains"][0], {**info["domains"][0], "size": 8}]
        return info

    monkeypatch.setattr(simulator, "summary", two_sizes)
    with pytest.raises(InteropError, match=r"different sizes \(8, 72\)"):
        write_topology(load(EXAMPLES / "gb200-nvl72.rackcad"), tmp_path / "x.yml", "astra-sim")
    write_topology(load(EXAMPLES / "gb200-nvl72.rackcad"), tmp_path / "x.txt", "astra-ns3")  # any shape


def test_simulator_cli(tmp_path, capsys):
    out = tmp_path / "net.yml"
    assert main(["export", "astra-sim", str(EXAMPLES / "gb200-nvl72.rackcad"), "-o", str(out)]) == 0
    assert "72 NPUs (Switch)" in capsys.readouterr().out
    assert main(["export", "astra-sim", str(EXAMPLES / "gb200-nvl72.rackcad"), "-o", str(out),
                 "--latency-ns", "-5"]) == 2
    assert "outside" in capsys.readouterr().err
