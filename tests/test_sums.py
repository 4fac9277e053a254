"""Sums (core/sums.py) agree to the bit with np.bincount, which they replace on hot paths."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stpgame.core.sums import Sums

values = st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_group_sums_equal_bincount_bit_for_bit(data):
    n = data.draw(st.integers(1, 300))
    n_groups = data.draw(st.integers(1, 40))
    group = np.array(data.draw(st.lists(st.integers(0, n_groups - 1), min_size=n, max_size=n)))
    x = np.array(data.draw(st.lists(values, min_size=n, max_size=n)))
    got = Sums.groups(group, n_groups)(x)
    assert got.tobytes() == np.bincount(group, x, n_groups).tobytes()


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_weighted_terms_equal_bincount_of_products(data):
    n_in = data.draw(st.integers(1, 50))
    n_out = data.draw(st.integers(1, 30))
    pairs = data.draw(
        st.lists(
            st.tuples(st.integers(0, n_out - 1), st.integers(0, n_in - 1)),
            min_size=1,
            max_size=200,
            unique=True,
        )
    )
    pairs.sort(key=lambda p: p[1])  # ascending columns within each output, as documented
    out, col = (np.array(v) for v in zip(*pairs, strict=True))
    weight = np.array(data.draw(st.lists(values, min_size=len(out), max_size=len(out))))
    x = np.array(data.draw(st.lists(values, min_size=n_in, max_size=n_in)))
    sums = Sums(out, col, np.ones(len(out)), n_out, n_in).reweighted(weight)
    assert sums(x).tobytes() == np.bincount(out, x[col] * weight, n_out).tobytes()


def test_bool_and_strided_inputs_are_read_as_floats():
    sums = Sums.groups(np.array([0, 1, 0, 1]), 2)
    assert sums(np.array([True, False, True, True])).tolist() == [2.0, 1.0]
    assert sums(np.arange(8.0)[::2]).tolist() == [4.0, 8.0]


def test_a_repeated_term_is_refused():
    with pytest.raises(ValueError, match="once"):
        Sums(np.array([0, 0]), np.array([1, 1]), np.ones(2), 1, 2)
