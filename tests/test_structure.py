"""Footprints follow calibration §1."""

import numpy as np

from stpgame.core.params import ORG_TYPES
from stpgame.core.structure import build

# the real footprints of 2017 (stpgame.places, docs/places.md): ONS lookups for CCGs and
# councils, the Health Foundation's acute list, NHS Digital's trusts for the rest
ENGLAND_COUNTS = {"acute": 137, "community": 70, "ccg": 207, "council": 152}


def test_england_has_44_footprints_and_the_real_counts():
    s = build("england")
    assert s.n_footprints == 44
    counts = s.counts().sum(axis=0)
    assert dict(zip(ORG_TYPES, counts.tolist(), strict=True)) == ENGLAND_COUNTS
    # every footprint has an acute trust, a CCG and a council; four have no NHS community trust
    assert (s.counts()[:, [0, 2, 3]] >= 1).all()
    assert (s.counts()[:, 1] == 0).sum() == 4
    assert s.population.min() >= 0.3 and s.population.max() <= 3.0  # 300,000 to 3 million


def test_england_largest_footprint_is_greater_manchester_sized():
    s = build("england")
    big = s.counts()[np.argmax(s.population)]
    assert s.footprint_names[np.argmax(s.population)] == "Greater Manchester"
    assert 25 <= big.sum() <= 45  # 7 acute, 2 community trusts, 10 CCGs, 10 councils


def test_simple_and_complex():
    simple, complex_ = build("simple", 2), build("complex", 2)
    assert (simple.counts() == 1).all() and simple.coterminous.all()
    assert (complex_.counts().sum(axis=1) == 20).all() and not complex_.coterminous.any()
    mixed = build("mixed")
    assert mixed.n_footprints == 6 and mixed.coterminous.tolist() == [True, False] * 3


def test_structure_is_data_not_chance():
    a, b = build("england"), build("england")
    assert (a.org_type == b.org_type).all() and (a.footprint == b.footprint).all()
