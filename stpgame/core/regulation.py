"""How organisations are judged and what it pays (brief mechanisms 3, 4 and 9).

Control totals, as they were (calibration §2): each NHS body's total is set from its own
expected position; the Sustainability and Transformation Fund (later PSF) paid a body
all-or-nothing when it met its *own* total ("individual"). Under system control totals the
footprint's total is the sum of its bodies' totals and the money is paid to every NHS
member only if the footprint meets it ("system"): a threshold (provision-point) public
good (Palfrey & Rosenthal 1984; Bagnoli & Lipman 1989) in which the centre is Holmström's
(1982) budget breaker.

A blended rating is kept as a named alternative: ``system_weight`` w moves what each body
is scored on (and penalised for) from its own finances (w = 0, "fortress" [003]) to its
footprint's (w = 1). NHS bodies lose money for judged deficits (``breach_penalty`` x the
deficit judged: own with weight 1 - w, the footprint's, split by share of NHS budget, with
weight w) and get part of the rest covered by cash support (``bailout_share``) [003].
Councils have neither: their constraint is the legal balanced budget. The year applies
these rules to every body at once in its compiled phases (year_kernel.py, phase 6: the
deficit judged is ``blend`` here, as the score is);
this module keeps what is read off a year: scores and ratings. The kinds of control total
are ``params.ControlTotal``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stpgame.core.arrays import FloatArray
from stpgame.core.params import ControlTotal

# NHS Improvement's Single Oversight Framework put providers in segments 1-4
# (calibration §1); thresholds on the score (share of budget) are an assumption.
RATINGS = ("1 maximum autonomy", "2 targeted support", "3 mandated support", "4 special measures")
RATING_CUTS = (0.0, -0.01, -0.03)


def per_footprint(values: np.ndarray, footprint: np.ndarray, n_fp: int) -> np.ndarray:
    """Sum ``values`` within each footprint."""
    return np.bincount(footprint, values, n_fp)


def blend(own: Any, footprint: Any, w: float, per: Any = 1.0) -> Any:
    """The blended judgement, in one place: ``(1 - w) x own + w x footprint / per``.

    The regulator's score (``judged_score``: a result per £ of income, the footprint's
    total over the footprint's income) and the deficit penalised in the compiled year
    (year_kernel.py: own deficit, and the body's share of its footprint's, ``per`` 1) are
    both this blend; it works on numbers (compiled) and on arrays (numpy). With ``w`` 0
    the footprint is not read.
    """
    judged = (1.0 - w) * own
    if w:
        judged = judged + w * footprint / per
    return judged


def judged_score(
    values: np.ndarray,
    income: np.ndarray,
    footprint: np.ndarray,
    n_fp: int,
    outcome_index: np.ndarray,
    w: float,
    outcome_weight: float,
) -> np.ndarray:
    """Each body's score: its result per £ of income blended (weight ``w``) with its
    footprint's result per £ of the footprint's income, plus the footprint's patient
    outcomes (index per footprint) if they count [004]."""
    judged: FloatArray = values / income
    if w:
        fp_total = per_footprint(values, footprint, n_fp)[footprint]
        fp_income = per_footprint(income, footprint, n_fp)[footprint]
        judged = blend(judged, fp_total, w, fp_income)
    if not outcome_weight:
        return judged
    return score(judged, outcome_index[footprint], outcome_weight)


def count_totals(kind: str, is_nhs: np.ndarray, footprint: np.ndarray, n_fp: int) -> int:
    """How many control totals the places have: one per NHS body ("individual"), one per
    footprint with NHS bodies ("system"), none ("none")."""
    if kind == ControlTotal.INDIVIDUAL:
        return int(np.count_nonzero(is_nhs))
    if kind == ControlTotal.SYSTEM:
        return int(np.count_nonzero(np.bincount(footprint[is_nhs], minlength=n_fp)))
    return 0


def score(financial: np.ndarray, outcome_index: np.ndarray, outcome_weight: float) -> np.ndarray:
    """Regulatory score: judged finances, plus patient outcomes if they count [004]."""
    return (1.0 - outcome_weight) * financial + outcome_weight * (outcome_index - 100.0) / 100.0


def rating(scores: np.ndarray) -> np.ndarray:
    """Segment index 0-3 (see ``RATINGS``): a score at a cut belongs to the better segment."""
    return np.searchsorted(-np.asarray(RATING_CUTS), -np.asarray(scores), side="left")
