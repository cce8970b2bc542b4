"""Pareto marks, worked by hand on small tables."""

from __future__ import annotations

import pytest

from rackcad.sweep import Objective, SweepError, objectives, pareto

GOALS = [Objective("tok", "max"), Objective("power", "min")]


def rows(*pairs, **extra):
    return [{"tok": t, "power": p, "errors": 0, "failure": None, **extra} for t, p in pairs]


def test_front_of_two_objectives():
    # (tok, power): A(10, 5) B(8, 3) C(8, 4) D(12, 9) E(9, 5)
    # C is beaten by B (same tok, less power); E by A (more tok, same power); A, B, D trade off.
    table = rows((10, 5), (8, 3), (8, 4), (12, 9), (9, 5))
    assert pareto(table, GOALS) == [True, True, False, True, False]


def test_equal_variants_are_all_kept_and_one_objective_picks_the_best():
    table = rows((10, 5), (10, 5), (7, 1))
    assert pareto(table, GOALS) == [True, True, True]
    assert pareto(table, [Objective("tok", "max")]) == [True, True, False]
    assert pareto(table, [Objective("power", "min")]) == [False, False, True]


def test_unsound_variants_never_compete():
    table = rows((10, 5), (20, 1), (30, 1), (40, 1))
    table[1]["errors"] = 2          # fails its checks
    table[2]["failure"] = "radix"   # could not be built
    table[3]["tok"] = None          # serving target out of reach
    assert pareto(table, GOALS) == [True, False, False, False]


def test_three_objectives_keep_the_trade_offs():
    goals = GOALS + [Objective("user", "max")]
    table = [dict(r, user=u) for r, u in zip(rows((10, 5), (10, 5), (9, 6)), (100, 50, 200))]
    # the second equals the first on tok and power but serves users slower: dominated; the third is
    # worse on tok and power but the fastest for a user: kept
    assert pareto(table, goals) == [True, False, True]


def test_objective_parsing():
    numeric = ["tok", "power"]
    assert objectives(["tok:max", "power:min"], numeric) == GOALS
    for bad, message in [("tok", "expected COLUMN:max or COLUMN:min"), ("tok:up", "expected COLUMN:max"),
                         ("layout:max", "'layout' is not a numeric column of this sweep (columns: tok, power)"),
                         ("tok:max,tok:min", "'tok:max,tok' is not a numeric column")]:
        with pytest.raises(SweepError) as info:
            objectives([bad], numeric)
        assert message in str(info.value)
    with pytest.raises(SweepError, match="--objective tok: given twice"):
        objectives(["tok:max", "tok:min"], numeric)
