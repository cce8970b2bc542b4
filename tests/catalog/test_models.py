"""LLM models as data: the packaged YAMLs, their derived parameter split, KV cache sizes, user folders."""

from __future__ import annotations

import pytest

from rackcad.catalog import CatalogError
from rackcad.catalog.models import Models, default_models, load_model_file, packaged_models_dir

IDS = ["deepseek-r1", "gpt-moe-1.8t", "gpt-oss-120b", "llama-3.1-405b", "llama-3.1-70b"]


def test_packaged_models_load_and_add_up():
    models = default_models()
    assert models.ids() == IDS
    for model in models:
        # The parameter split derived from the architecture matches the published totals.
        assert model.derived_total_params == pytest.approx(model.total_params, rel=0.01), model.id
        assert model.derived_active_params == pytest.approx(model.active_params, rel=0.03), model.id
        assert model.source and model.confidence


def test_deepseek_r1_by_hand():
    m = default_models().get("deepseek-r1")
    # F18: 61 layers x (512 latent + 64 rope) = 35,136 cached elements per token (70,272 B in BF16).
    assert m.kv_elements_per_token() == 61 * 576 == 35_136
    assert (m.moe_layers, m.experts, m.experts_per_token) == (58, 256, 8)
    # Routed experts: 58 layers x 256 x 3 x 7,168 x 2,048 = 653.9 B of the 671 B.
    assert m.routed_params == 58 * 256 * 3 * 7168 * 2048
    # MLA attention per layer: q (7,168x1,536 + 1,536x128x192) + kv (7,168x576 + 512x128x256) + o (128x128x7,168).
    assert m.attention_params_per_layer == 7168 * 1536 + 1536 * 128 * 192 + 7168 * 576 + 512 * 128 * 256 + 128 * 128 * 7168
    # The MTP module is ~11.5 B unique parameters (F17).
    assert m.mtp_params == pytest.approx(11.5e9, rel=0.02)
    # Decode attention in the latent space: 2 x 128 heads x (576 + 512) per context token per layer.
    assert m.attention_flops_per_token(1000, decode=True) == 2 * 128 * 1088 * 1000 * 61


def test_dense_and_sliding_window_kv():
    models = default_models()
    # F2 table: 2 x 8 KV heads x 128 x 126 layers = 258,048 elements; 70B: 163,840.
    assert models.get("llama-3.1-405b").kv_elements_per_token() == 258_048
    assert models.get("llama-3.1-70b").kv_elements_per_token() == 163_840
    oss = models.get("gpt-oss-120b")
    assert oss.kv_elements_per_token() == 2 * 8 * 64 * 36 == 36_864
    # At 4,096 tokens of context the 18 sliding layers hold only their 128-token window.
    assert oss.kv_elements_per_token(4096) == pytest.approx(2 * 8 * 64 * (18 + 18 * 128 / 4096))
    assert not models.get("llama-3.1-70b").is_moe


def test_estimated_model_says_so():
    m = default_models().get("gpt-moe-1.8t")
    assert m.confidence == "estimate" and "experts" in m.estimates


def test_user_folder_adds_and_overrides(tmp_path):
    text = (packaged_models_dir() / "llama-3.1-70b.yaml").read_text(encoding="utf-8")
    (tmp_path / "mine.yaml").write_text(text.replace("id: llama-3.1-70b", "id: my-70b"), encoding="utf-8")
    (tmp_path / "override.yaml").write_text(text.replace("layers: 80", "layers: 40"), encoding="utf-8")
    models = Models([packaged_models_dir(), tmp_path])
    assert "my-70b" in models and models.get("llama-3.1-70b").layers == 40
    with pytest.raises(KeyError, match="unknown model 'nope'"):
        models.get("nope")


def test_bad_model_file_names_file_and_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nname: x\nsource: EST\nconfidence: estimate\nlayers: many\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"bad.yaml: .*"):
        load_model_file(bad)
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="broken.yaml: line"):
        load_model_file(broken)
    moe = (packaged_models_dir() / "gpt-oss-120b.yaml").read_text(encoding="utf-8")
    (tmp_path / "moe.yaml").write_text(moe.replace("experts_per_token: 4", "experts_per_token: 400"), encoding="utf-8")
    with pytest.raises(CatalogError, match="experts_per_token exceeds experts"):
        load_model_file(tmp_path / "moe.yaml")
