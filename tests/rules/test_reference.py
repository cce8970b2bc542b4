"""The rule reference covers every registered rule, and docs/rules.md is the reference as it stands."""

from __future__ import annotations

from pathlib import Path

from rackcad.rules.engine import RULES
from rackcad.rules.reference import NOTES, markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_every_rule_says_what_it_uses_and_how_to_fix_it():
    codes = [rule.code for rule in RULES]
    assert set(NOTES) == set(codes)
    for code in codes:
        uses, fix = NOTES[code]
        assert uses and fix.endswith("."), code


def test_docs_rules_md_is_the_generated_reference():
    assert DOC.read_text(encoding="utf-8") == markdown() + "\n", "run `make docs`"
