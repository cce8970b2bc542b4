"""examples/ holds one saved design per template, and each is what the template builds today."""

from __future__ import annotations

import pytest

from rackcad import load, templates
from rackcad.files import dumps
from tests.conftest import EXAMPLES


@pytest.mark.parametrize("name", templates.names())
def test_example_matches_template(name, built):
    path = EXAMPLES / f"{name}.rackcad"
    assert path.exists(), "run `make examples`"
    assert dumps(load(path)) == dumps(built(name))
