"""Footprints follow calibration §1."""

import numpy as np

from stpgame.core.params import ORG_TYPES
from stpgame.core.structure import ENGLAND_COUNTS, build


def test_england_has_44_footprints_and_the_real_counts():
    s = build("england")
    assert s.n_footprints == 44
    counts = s.counts().sum(axis=0)
    assert dict(zip(ORG_TYPES, counts.tolist(), strict=True)) == ENGLAND_COUNTS
    assert counts.sum() == 152 + 207 + 235
    assert (s.counts() >= 1).all()  # every footprint holds every type
    assert s.population.min() >= 0.3 and s.population.max() <= 3.0  # 300,000 to 3 million


def test_england_largest_footprint_is_greater_manchester_sized():
    s = build("england")
    big = s.counts()[np.argmax(s.population)]
    assert 25 <= big.sum() <= 45  # Greater Manchester: 37 organisations


def test_simple_and_complex():
    simple, complex_ = build("simple", 2), build("complex", 2)
    assert (simple.counts() == 1).all() and simple.coterminous.all()
    assert (complex_.counts().sum(axis=1) == 20).all() and not complex_.coterminous.any()
    mixed = build("mixed")
    assert mixed.n_footprints == 6 and mixed.coterminous.tolist() == [True, False] * 3


def test_structure_is_data_not_chance():
    a, b = build("england"), build("england")
    assert (a.org_type == b.org_type).all() and (a.footprint == b.footprint).all()
