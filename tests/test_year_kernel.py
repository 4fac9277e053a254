"""The compiled year (numba) against the same code run by Python, to the bit.

The year's arithmetic and the trust updates run compiled (core/year_kernel.py,
core/network.py). A compiler that reordered a sum, fused a multiply-add or took a faster
but different path would change results in their last bits and, through thresholds,
trajectories. Here each compiled function is called on real inputs from every rule mix
and compared with its own source run as plain Python (numba keeps it as ``py_func``); the
year's phases (each compiled on its own) run as Python too, so the whole year is compared.
This checks the compiler, not the arithmetic: test_handworked.py and test_golden.py pin that.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest

from stpgame import STPModel
from stpgame.core import compiled, network, year_kernel

PLAY_ROWS = year_kernel.compiled_year  # the compiled year (the tests below spy on its name)
MIXES = [
    {},
    {"outcome_weight": 0.5},
    {"risk_share": 0.3, "gain_share": 0.5, "incentive_fund": 0.02},
    {"system_weight": 0.5},
    {"control_total": "system", "savings_lag": 0},
    {"transformation_fund": 0.3, "council_balanced_budget": False},
    {"control_total": "none", "transformation_fund": 0.2},
]


def _copy(value: object) -> object:
    """A deep copy of an argument: an array, or a tuple of arrays and numbers."""
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    return np.copy(value) if isinstance(value, np.ndarray) else value


def _as_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """The year's compiled phases and helpers replaced by their Python source."""
    for name, value in vars(year_kernel).items():
        if hasattr(value, "py_func") and name != "compiled_year":
            monkeypatch.setattr(year_kernel, name, value.py_func)


def _kernel_calls(monkeypatch: pytest.MonkeyPatch, mix: dict[str, object]) -> list[tuple]:
    """The arguments of every compiled year of a short run (the world's, and the standalone
    replays of ``pooling_returns``)."""
    calls: list[tuple] = []
    compiled = PLAY_ROWS

    def spy(*args: object) -> object:
        calls.append(tuple(_copy(a) for a in args))
        return compiled(*args)

    monkeypatch.setattr(year_kernel, "compiled_year", spy)
    model = STPModel(seed=3, n_footprints=4, **mix).run(4)
    model.pooling_returns()
    return calls


def _same(a: object, b: object) -> None:
    if isinstance(a, tuple):
        assert isinstance(b, tuple) and len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _same(x, y)
        return
    x, y = np.asarray(a), np.asarray(b)
    assert x.dtype == y.dtype and x.shape == y.shape
    assert x.tobytes() == y.tobytes()  # the same bits, NaN and signed zeros included


@pytest.mark.parametrize("mix", MIXES, ids=[str(m) or "defaults" for m in MIXES])
def test_compiled_year_is_the_python_year_to_the_bit(
    monkeypatch: pytest.MonkeyPatch, mix: dict[str, object]
) -> None:
    calls = _kernel_calls(monkeypatch, mix)
    assert len(calls) >= 5  # four years and one standalone appraisal
    compiled_years = [PLAY_ROWS(*args) for args in calls[::2]]  # every other: Python is slow
    _as_python(monkeypatch)
    for args, compiled_year in zip(calls[::2], compiled_years, strict=True):
        _same(compiled_year, PLAY_ROWS.py_func(*args))


def test_a_year_moves_the_ledger_as_python_does() -> None:
    rng = np.random.default_rng(0)
    made = [
        (rng.random((4, 6)), rng.random((4, 9)), rng.random(9)),
        (rng.random((1, 6)), rng.random((1, 9)), rng.random(9)),  # savings land the same year
    ]
    for pipeline, shares, cumulative in made:
        generated, share_now, balance = rng.random(6), rng.random(9), rng.random(9)
        copies = [np.copy(x) for x in (pipeline, shares, cumulative)]
        compiled = year_kernel.advance_ledger(
            pipeline, shares, cumulative, generated, share_now, balance
        )
        python = year_kernel.advance_ledger.py_func(*copies, generated, share_now, balance)
        assert compiled == python
        for x, y in zip((pipeline, shares, cumulative), copies, strict=True):
            assert x.tobytes() == y.tobytes()
        assert np.all(pipeline[-1] == 0.0)


def test_compiled_trust_is_the_python_trust_to_the_bit() -> None:
    model = STPModel.from_scenario("fortress", seed=2).run(3)
    rel = model.relationships
    rng = np.random.default_rng(1)
    willing = rng.random(rel.n) < 0.5
    growth = rng.random(len(rel.trust)) * 0.2
    args = (rel.trust, growth, *rel._ends, willing, rel.bcf_links, 0.3, 0.05)
    after, totals = network._trust_after(*args)
    _same((after, totals), network._trust_after.py_func(*args))
    _same(totals, network._summed_trust(after, *rel._ends, rel.n))
    args2 = (rel.trust, *rel._ends, rel.n)
    _same(network._summed_trust(*args2), network._summed_trust.py_func(*args2))
    totals = rel.totals()
    args3 = (totals, rel._fp, rel._fp_links)
    _same(network._footprint_mean(*args3), network._footprint_mean.py_func(*args3))
    leaders = rng.random(rel.n) < 0.2
    compiled, python = rel.trust.copy(), rel.trust.copy()
    network._reset(compiled, rel.initial, *rel._ends, leaders)
    network._reset.py_func(python, rel.initial, *rel._ends, leaders)
    _same(compiled, python)
    assert np.any(compiled != rel.trust)  # some links did fall back


def test_compiled_sums_match_numpy() -> None:
    """The footprint sums the trust means start from add as ``np.bincount`` does."""
    model = STPModel.from_scenario("fortress", seed=4).run(2)
    rel = model.relationships
    totals = np.bincount(rel.i, rel.trust, rel.n) + np.bincount(rel.j, rel.trust, rel.n)
    _same(rel.totals(), totals)
    by_fp = np.bincount(model.structure.footprint, totals, model.structure.n_footprints) / 2.0
    count = rel._fp_links
    mean = np.divide(by_fp, count, out=np.full(len(count), 0.5), where=count > 0)
    _same(rel.footprint_trust(), mean)


def test_an_interrupt_inside_compiled_code_is_found_under_its_wrapper() -> None:
    """Numba hands back a signal handler's exception wrapped in SystemError (``stpgame
    sweep`` met it when SIGTERM came during a year: tests/test_batch_resume.py); the
    kernels raise the interrupt itself, and leave real errors alone."""
    from stpgame.cli.common import Terminated

    def wrapped_in_numba_style(stop: BaseException) -> SystemError:
        try:
            try:
                raise stop
            except BaseException as inner:
                raise SystemError("returned a result with an exception set") from inner
        except SystemError as outer:
            try:
                raise SystemError("returned a result with an exception set") from outer
            except SystemError as top:
                return top

    for stop in (Terminated(), KeyboardInterrupt()):
        assert compiled._interrupt(wrapped_in_numba_style(stop)) is stop
    assert compiled._interrupt(wrapped_in_numba_style(ValueError("bad"))) is None
    assert compiled._interrupt(SystemError("a real error")) is None
    add_one = compiled.kernel(lambda x: x + 1)
    assert add_one(1) == 2 and add_one.py_func(1) == 2


def fire_sigterm() -> None:
    """What the command line's SIGTERM handler does (``stpgame.cli._on_sigterm``)."""
    from stpgame.cli.common import Terminated

    compiled.interrupt(Terminated())


def call_back_then_add(out):
    """Compiled code that calls back into Python mid-call (as handing arrays back does),
    where a signal handler would run, then finishes its work."""
    with numba.objmode():
        fire_sigterm()
    out[0] += 1.0


def test_an_interrupt_during_a_compiled_call_is_raised_when_it_returns():
    """A SLURM job's SIGTERM arriving while compiled code called back into Python crashed
    ``stpgame sweep`` (SIGSEGV) about one time in ten; the handler now defers it."""
    from stpgame.cli.common import Terminated

    step, out = compiled.kernel(call_back_then_add), np.zeros(1)
    try:
        with pytest.raises(Terminated):
            step(out)
        assert out[0] == 1.0  # the call finished its work, then the interrupt was raised
        assert compiled._calls.depth == 0 and compiled._calls.pending is None
        assert compiled.kernel(lambda x: x + 1)(1) == 2  # nothing left pending
        with pytest.raises(KeyboardInterrupt):
            compiled.interrupt(KeyboardInterrupt())  # outside compiled code: at once
    finally:
        compiled._calls.depth, compiled._calls.pending = 0, None


def fail_after_call_back(out):
    with numba.objmode():
        fire_sigterm()
    if out[0] == 0.0:
        raise ValueError("the call fails after the interrupt arrived")
    out[0] = 1.0


def test_an_interrupt_pending_when_a_compiled_call_fails_is_raised_not_kept():
    """An interrupt never outlives the call it arrived in: raised in place of the call's
    own error, so no later call raises a stale one."""
    from stpgame.cli.common import Terminated

    step = compiled.kernel(fail_after_call_back)
    try:
        with pytest.raises(Terminated):
            step(np.zeros(1))
        assert compiled._calls.pending is None
        assert compiled.kernel(lambda x: x + 1)(1) == 2
    finally:
        compiled._calls.depth, compiled._calls.pending = 0, None
