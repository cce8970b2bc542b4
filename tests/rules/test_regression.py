"""Both directions of every rule, on committed files: each template validates with zero errors, and each
design in examples/broken/ raises exactly the codes listed here (errors and warnings, waived left out)."""

from __future__ import annotations

import pytest

from rackcad import load, templates, validate
from rackcad.files import dumps
from rackcad.rules import RULES
from tests.conftest import EXAMPLES
from tests.rules import make_broken

BROKEN = {
    "ports-overcommitted": {"ports.overcommitted"},
    "ports-unconnected": {"ports.unconnected"},
    "ports-dangling": {"ports.dangling"},
    "protocol-nvlink-generation": {"ports.protocol_mismatch", "domain.mixed_generation"},
    "protocol-c2c-vs-nvlink": {"ports.protocol_mismatch"},
    "protocol-ucie-outside-package": {"ports.impossible_link"},
    "protocol-xpu-without-fusion": {"ports.protocol_mismatch"},
    "protocol-pcie-generation": {"ports.protocol_mismatch"},
    "power-rack-budget": {"power.rack_budget"},
    "power-shelf-redundancy": {"power.shelf_redundancy"},
    "cooling-liquid-capacity": {"cooling.liquid_capacity"},
    "cooling-air-capacity": {"cooling.air_capacity"},
    "cooling-flow": {"cooling.flow"},
    # a 150 kW CDU under a 210 kW Vera Rubin rack also falls short on flow; the rack sits at 92 % of budget
    "cooling-cdu-capacity": {"cooling.cdu_capacity", "cooling.flow", "power.rack_budget"},
    "bandwidth-scale-up": {"bandwidth.scale_up"},
    "bandwidth-oversubscription": {"bandwidth.oversubscription"},
    "geometry-overlap": {"geometry.overlap"},
    "geometry-out-of-rack": {"geometry.out_of_rack"},
    "geometry-bay": {"geometry.bay"},
    "geometry-orphan": {"geometry.orphan"},
    "geometry-floor-overlap": {"geometry.floor_overlap"},
    "geometry-off-floor": {"geometry.off_floor"},
    "geometry-keepout": {"geometry.keepout"},
    "reach-copper": {"reach.copper"},
    "reach-optic": {"reach.optic"},
    "domain-size": {"domain.size"},
    "domain-mixed-generation": {"domain.mixed_generation", "ports.protocol_mismatch"},
    "catalog-unknown-part": {"catalog.unknown_part"},
    "fabric-rate-mismatch": {"ports.rate_mismatch"},
    "fabric-oversubscription": {"bandwidth.oversubscription"},
    "fabric-radix": {"ports.radix"},
    "fabric-cpo-medium": {"ports.cpo_medium"},
    "fabric-breakout-unsupported": {"ports.breakout_unsupported"},
    "fabric-breakout-overfull": {"ports.breakout_overfull"},
    "fabric-breakout-mixed": {"ports.breakout_mixed"},
    "fabric-copper-lane-rate": {"reach.copper_rate"},
    "fabric-rail": {"ports.rail"},
    "impossible-c2c-across-trays": {"ports.impossible_link"},
    "domain-host-missing": {"domain.host_missing"},
    # neither link names a medium: the ports imply backplane copper and pluggable optics, and both are checked
    "reach-implied-medium": {"reach.copper", "reach.optic"},
    "catalog-wrong-kind": {"catalog.wrong_kind"},
    "latency-budget": {"latency.budget"},
    "geometry-unknown-hall": {"geometry.unknown_hall"},
    "geometry-hot-aisle-front": {"geometry.hot_aisle_front"},
    "geometry-aisle-width": {"geometry.aisle_width"},
    "geometry-row-slot": {"geometry.row_slot"},
    "geometry-tray-fill": {"geometry.tray_fill"},
}

TEMPLATE_ERRORS = {
    # the campus example carries a budget that fails on purpose: 20 us across 5 km of fibre (24.5 us alone)
    "campus": {"latency.budget"},
}

TEMPLATE_WARNINGS = {
    # 137.0 kW of 150 kW (91 %): the optical second NVLink tier adds 8.1 kW of modules to every compute rack
    # (36 chips x 9 shared 1.6T modules x 25 W)
    "gb200-nvl576": {"power.rack_budget"},
    # 210.2 kW of 230 kW (91 %): Vera Rubin NVL144 runs close to its S22 rack power
    "vr-nvl144": {"power.rack_budget"},
    # 595.6 kW of ~600 kW (99 %): the Kyber part estimates are sized to fill S17's rack power
    "kyber-nvl576": {"power.rack_budget"},
}


@pytest.mark.parametrize("name", templates.names())
def test_templates_raise_no_false_alarms(name, built):
    report = validate(built(name))
    assert report.codes("error") == TEMPLATE_ERRORS.get(name, set()), [v.message for v in report.errors]
    assert report.codes("warning") == TEMPLATE_WARNINGS.get(name, set())


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_design_raises_exactly_its_codes(name):
    report = validate(load(EXAMPLES / "broken" / f"{name}.rackcad"))
    assert report.codes("error", "warning") == BROKEN[name]


def test_table_covers_every_file_and_every_rule():
    files = {path.stem for path in (EXAMPLES / "broken").glob("*.rackcad")}
    assert files == set(BROKEN) == set(make_broken.DESIGNS)
    raised = set().union(*BROKEN.values())
    # catalog.estimate is an info raised by every template; catalog.bad_file needs a broken catalog file
    # (tests/catalog/test_bad_files.py), not a broken design
    assert {rule.code for rule in RULES} - raised == {"catalog.estimate", "catalog.bad_file"}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_files_are_what_make_broken_builds(name):
    assert dumps(load(EXAMPLES / "broken" / f"{name}.rackcad")) == dumps(make_broken.DESIGNS[name]()), (
        "run `python -m tests.rules.make_broken`")
