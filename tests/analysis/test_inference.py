"""MoE decode estimate: the same model on a 4-GPU mesh, an HGX B200 and a GB200 NVL72, checked by hand."""

from __future__ import annotations

import pytest

from rackcad.analysis import MoEModel, inference_estimate

MODEL = MoEModel("640B MoE", total_params=640e9, active_params=40e9, bytes_per_param=0.5,
                 alltoall_bytes_per_token=9e6)


def estimate(built, name):
    return inference_estimate(built(name), MODEL, tokens_in_flight_per_gpu=128, gpus=64, scale_out_gbps_per_gpu=400)


def test_nvl72_by_hand(built):
    e = estimate(built, "gb200-nvl72")
    # Compute: 2 x 40e9 x 128 FLOPs at 10 PF FP4 dense (720 PF / 72, S16) = 1.024 ms.
    assert (e.precision, e.pflops_per_gpu) == ("fp4", 10)
    assert e.compute_s == pytest.approx(1.024e-3)
    # Memory: 640e9 x 0.5 B / 64 GPUs = 5 GB per GPU at 8,000 GB/s = 0.625 ms (overlaps compute).
    assert e.weights_gb_per_gpu == pytest.approx(5) and e.memory_s == pytest.approx(0.625e-3)
    # All-to-all: 128 x 9 MB x 8 bit at 7,200 Gb/s (all 63 peers on NVLink) = 1.28 ms.
    assert e.alltoall_gbps_per_gpu == 7200 and e.alltoall_s == pytest.approx(1.28e-3)
    assert e.step_s == pytest.approx(2.304e-3) and e.bottleneck == "all-to-all"
    assert e.tokens_per_s_per_gpu == pytest.approx(128 / 2.304e-3)  # 55,556 tokens/s per GPU
    # Per MW: 72 GPUs in a 125.3 kW rack.
    assert e.power_w == 125_300 and e.tokens_per_s_per_mw == pytest.approx(128 / 2.304e-3 * 72 / 0.1253)
    assert e.fits_in_memory
    assert any("S16" in line for line in e.assumptions) and any("F22" in line for line in e.assumptions)


def test_same_model_three_topologies(built):
    mesh, hgx, nvl72 = (estimate(built, n) for n in ("mesh-4gpu", "hgx-b200-8gpu", "gb200-nvl72"))
    # HGX B200: 9 PF (1.138 ms compute) + 128 x 72 Mbit at 450 Gb/s = 20.48 ms of all-to-all.
    assert hgx.alltoall_s == pytest.approx(20.48e-3)
    assert hgx.tokens_per_s_per_gpu == pytest.approx(128 / (2 * 40e9 * 128 / 9e15 + 20.48e-3))  # 5,921
    # Mesh: the same GPU at 420 Gb/s effective: 21.94 ms of all-to-all.
    assert mesh.alltoall_s == pytest.approx(128 * 9e6 * 8 / 420e9)
    assert mesh.tokens_per_s_per_gpu < hgx.tokens_per_s_per_gpu < nvl72.tokens_per_s_per_gpu
    assert nvl72.tokens_per_s_per_gpu / hgx.tokens_per_s_per_gpu == pytest.approx(9.38, rel=0.01)


def test_defaults_fallbacks_and_assumptions(built):
    model = MoEModel("671B FP8", 671e9, 37e9, 1.0, 10e6, kv_bytes_per_token=50e6)
    e = inference_estimate(built("hgx-h100-8gpu"), model)
    # 671 GB over 80 GB H100s needs 9 GPUs: two whole 8-GPU boxes.
    assert e.gpus == 16 and e.precision == "fp8" and e.pflops_per_gpu == 1.98
    # Memory: 671/16 GB of weights + 256 tokens x 50 MB of KV cache at 3,350 GB/s.
    assert e.memory_s == pytest.approx((671e9 / 16 + 256 * 50e6) / 3350e9)
    fp4 = inference_estimate(built("hgx-h100-8gpu"), MoEModel("fp4", 671e9, 37e9, 0.5, 10e6), gpus=16)
    assert fp4.precision == "fp8" and any("no FP4 figure" in a for a in fp4.assumptions)
    tight = inference_estimate(built("gb200-nvl72"), MoEModel("2T", 2e12, 40e9, 1.0, 1e6), gpus=8)
    assert not tight.fits_in_memory and any("do not fit" in a for a in tight.assumptions)
    assert tight.to_dict()["model"]["name"] == "2T"
