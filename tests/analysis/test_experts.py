"""Expert-parallel all-to-all: why a 72-GPU NVLink domain beats an 8-GPU box and a 4-GPU mesh (S44)."""

from __future__ import annotations

import pytest

from rackcad.analysis import expert_parallel


def test_n64_at_400g_scale_out(built):
    mesh = expert_parallel(built("mesh-4gpu"), gpus=64, scale_out_gbps_per_gpu=400)
    hgx = expert_parallel(built("hgx-b200-8gpu"), gpus=64, scale_out_gbps_per_gpu=400)
    nvl72 = expert_parallel(built("gb200-nvl72"), gpus=64, scale_out_gbps_per_gpu=400)
    # Mesh: 3 of 63 peers over NVLink; the other 60/63 of the bytes at 400 Gb/s bound the exchange:
    # 1 / max(3/63 / 7,200, 60/63 / 400) = 400 x 63/60 = 420 Gb/s.
    assert (mesh.nvlink_peers, mesh.scale_out_peers) == (3, 60)
    assert mesh.nvlink_share == pytest.approx(3 / 63)
    assert mesh.effective_gbps_per_gpu == pytest.approx(420)
    # HGX B200: 7 of 63 over NVLink -> 400 x 63/56 = 450 Gb/s.
    assert hgx.nvlink_share == pytest.approx(7 / 63) and hgx.effective_gbps_per_gpu == pytest.approx(450)
    # NVL72: all 63 peers inside the domain, the full 7,200 Gb/s (900 GB/s per direction, S9).
    assert (nvl72.nvlink_peers, nvl72.scale_out_peers, nvl72.nvlink_share) == (63, 0, 1.0)
    assert nvl72.effective_gbps_per_gpu == 7200 and nvl72.bottleneck == "nvlink"
    assert mesh.effective_gbps_per_gpu < hgx.effective_gbps_per_gpu < nvl72.effective_gbps_per_gpu
    assert mesh.bottleneck == hgx.bottleneck == "scale-out" and mesh.scale_out_given


def test_scale_out_from_the_design_nics(built):
    # One 400G ConnectX-7 per GPU in GB200 trays and DGX B200 (S1); one 800G ConnectX-8 per GPU in GB300 (S8).
    assert expert_parallel(built("gb200-nvl72"), gpus=64).scale_out_gbps_per_gpu == 400
    assert expert_parallel(built("hgx-b200-8gpu"), gpus=64).scale_out_gbps_per_gpu == 400
    assert expert_parallel(built("gb300-nvl72"), gpus=64).scale_out_gbps_per_gpu == 800
    # Kyber blade: 4 ConnectX-9 800G for 2 Rubin Ultra packages = 1,600 Gb/s per GPU (S14: 2 per GPU).
    assert expert_parallel(built("kyber-nvl576"), gpus=256).scale_out_gbps_per_gpu == 1600
    # The mesh template has no NICs: beyond its 4 GPUs there is no way out.
    mesh = expert_parallel(built("mesh-4gpu"), gpus=64)
    assert mesh.scale_out_gbps_per_gpu == 0 and mesh.effective_gbps_per_gpu == 0 and not mesh.scale_out_given


def test_groups_beyond_and_within_the_domain(built):
    # 128 GPUs over NVL72s: 71/127 of the bytes on NVLink, 56/127 at 400 G -> 400 x 127/56 = 907 Gb/s,
    # still 2x the HGX figure for 64 GPUs; S44's 18x gap (900 GB/s vs 50 GB/s) is 7,200 / 400.
    wide = expert_parallel(built("gb200-nvl72"), gpus=128)
    assert wide.effective_gbps_per_gpu == pytest.approx(400 * 127 / 56)
    assert expert_parallel(built("hgx-b200-8gpu"), gpus=8).effective_gbps_per_gpu == 7200
    assert expert_parallel(built("gb200-nvl576"), gpus=512, scale_out_gbps_per_gpu=400).nvlink_share == 1.0
    with pytest.raises(ValueError):
        expert_parallel(built("gb200-nvl72"), gpus=1)
