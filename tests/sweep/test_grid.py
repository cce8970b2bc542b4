"""The sweep grid: typed axes from the template's own parameters and the analysis settings, the cartesian
product in the order given, and one clear error for every kind of bad input."""

from __future__ import annotations

import pytest

from rackcad.sweep import SweepError, grid


def test_axes_are_typed_by_the_template_and_the_settings():
    g = grid("gb200-superpod", ["sus=1,2", "optics=pluggable,cpo", "storage=yes"], ["model=deepseek-r1", "isl=8192"])
    assert g.params == [("sus", [1, 2]), ("optics", ["pluggable", "cpo"]), ("storage", [True])]
    # the serving settings a model needs are filled in with their defaults, after the given ones
    assert g.settings == [("model", ["deepseek-r1"]), ("isl", [8192]), ("precision", ["fp4"]), ("osl", [1024]),
                          ("target", [50.0])]
    assert g.size == 4 and g.serving and not g.site


def test_product_order_last_axis_fastest():
    g = grid("gb200-superpod", ["sus=2,1", "oversubscription=1,3"], ["site_mw=5,20"])
    assert g.designs() == [{"sus": 2, "oversubscription": 1}, {"sus": 2, "oversubscription": 3},
                           {"sus": 1, "oversubscription": 1}, {"sus": 1, "oversubscription": 3}]
    assert g.analyses() == [{"site_mw": 5.0}, {"site_mw": 20.0}]
    assert g.size == 8 and g.site and not g.serving


def test_no_axes_is_one_variant_of_the_defaults():
    g = grid("mesh-4gpu", [], [])
    assert g.size == 1 and g.designs() == [{}] and g.analyses() == [{}]


@pytest.mark.parametrize("params, settings, message", [
    (["sus"], [], "--grid 'sus': expected KEY=VALUE[,VALUE...]"),
    (["=1,2"], [], "expected KEY=VALUE"),
    (["sus="], [], "--grid 'sus=': empty value in the list"),
    (["sus=1,,2"], [], "empty value in the list"),
    (["sus=1,1"], [], "--grid 'sus=1,1': 1 given twice"),
    (["sus=1,01"], [], "'01' is the same value as another in the list"),
    (["sus=1", "sus=2"], [], "--grid sus: given twice"),
    (["sus=129"], [], "sus must be 1-128, not 129"),
    (["sus=two"], [], "sus must be a int, not 'two'"),
    (["racks=2"], [], "template gb200-superpod has no parameter 'racks'"),
    (["model=deepseek-r1"], [], "model is an analysis setting; give it as --analysis model=deepseek-r1"),
    ([], ["sus=1,2"], "--analysis sus: unknown setting (settings: model, precision, isl, osl, target, site_mw); "
                      "sus is a parameter of gb200-superpod: give it as --grid sus=1,2"),
    ([], ["model=gpt-9"], "unknown model 'gpt-9'; choose one of: deepseek-r1"),
    ([], ["model=deepseek-r1", "precision=fp2"], "precision must be one of fp4, fp8, bf16, not 'fp2'"),
    ([], ["model=deepseek-r1", "isl=0"], "isl must be a positive number of tokens, not '0'"),
    ([], ["model=deepseek-r1", "osl=1.5"], "'1.5' is not an integer of tokens"),
    ([], ["site_mw=nan"], "site_mw must be a positive number of MW, not 'nan'"),
    ([], ["precision=fp8"], "--analysis precision: a serving setting needs a model (--analysis model=ID)"),
])
def test_bad_input_is_one_clear_error(params, settings, message):
    with pytest.raises(SweepError) as info:
        grid("gb200-superpod", params, settings)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_unknown_template_and_an_oversized_grid():
    with pytest.raises(SweepError, match="unknown template 'nope'"):
        grid("nope", [], [])
    # 18 x 2 x 4 x 2 x 5 x 6 x 10 x ... a typo-sized grid is refused before anything runs
    isl = ",".join(str(n) for n in range(1, 401))
    osl = ",".join(str(n) for n in range(1, 301))
    with pytest.raises(SweepError, match=r"the grid has 120,000 variants, more than 100,000"):
        grid("mesh-4gpu", [], ["model=deepseek-r1", f"isl={isl}", f"osl={osl}"])
