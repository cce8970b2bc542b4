"""Fixtures for the rule tests: editable copies of templates, and a helper to read a report."""

from __future__ import annotations

import pytest

from rackcad import Document
from rackcad.rules import Report, Violation


@pytest.fixture
def doc_of(built):
    """doc_of("gb200-nvl72") -> a Document over a private copy of the template (the cache stays clean)."""

    def make(name: str) -> Document:
        return Document(built(name).model_copy(deep=True))

    return make


def only(report: Report, code: str) -> list[Violation]:
    """The violations of one code that are not waived."""
    return [v for v in report.violations if v.code == code and not v.waived]
